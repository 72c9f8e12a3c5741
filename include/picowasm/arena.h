// Arena: a bump allocator over one caller-supplied buffer.
//
// The engine never calls malloc/new: everything it builds (decoded module, later translated code
// and instances) is carved out of an Arena the caller owns. Allocation is O(1), there is no
// per-object free; a whole group of allocations is released at once by rewinding to a Mark. Running
// out of space returns nullptr, which the engine turns into ErrorCode::out_of_arena.
#ifndef PICOWASM_ARENA_H
#define PICOWASM_ARENA_H

#include <cstddef>
#include <cstdint>
#include <new>

namespace picowasm {

class Arena {
 public:
  // A position to rewind to; everything allocated after it is released by rewind().
  struct Mark {
    size_t used;
  };

  Arena() = default;
  // `buffer` must stay valid, and must not be touched by the caller, while anything allocated from
  // this arena is in use. It needs no particular alignment.
  Arena(void* buffer, size_t size)
      : base_(static_cast<uint8_t*>(buffer)), size_(buffer ? size : 0) {}

  // Returns `bytes` bytes aligned to `align` (a power of two), or nullptr if they do not fit.
  void* allocate(size_t bytes, size_t align) {
    uintptr_t start = reinterpret_cast<uintptr_t>(base_) + used_;
    uintptr_t aligned = (start + (align - 1)) & ~static_cast<uintptr_t>(align - 1);
    size_t padding = static_cast<size_t>(aligned - start);
    if (padding > size_ - used_ || bytes > size_ - used_ - padding) return nullptr;
    used_ += padding + bytes;
    if (used_ > high_water_) high_water_ = used_;
    return reinterpret_cast<void*>(aligned);
  }

  // Typed array allocation, value-initialised. Returns nullptr if it does not fit or `count *
  // sizeof(T)` would overflow. A zero count returns a valid (non-null) pointer to no elements.
  template <typename T>
  T* allocate_array(size_t count) {
    if (count > SIZE_MAX / sizeof(T)) return nullptr;
    void* p = allocate(count * sizeof(T), alignof(T));
    if (!p) return nullptr;
    T* items = static_cast<T*>(p);
    for (size_t i = 0; i < count; ++i) new (&items[i]) T();
    return items;
  }

  Mark mark() const { return Mark{used_}; }
  // Releases everything allocated since `m`. Objects in the released space are not destroyed: the
  // arena only holds trivially destructible data.
  void rewind(Mark m) {
    if (m.used <= used_) used_ = m.used;
  }
  void reset() { used_ = 0; }

  size_t used() const { return used_; }
  size_t capacity() const { return size_; }
  size_t remaining() const { return size_ - used_; }
  // The most bytes ever in use at once since construction (or reset_high_water()).
  size_t high_water() const { return high_water_; }
  void reset_high_water() { high_water_ = used_; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t used_ = 0;
  size_t high_water_ = 0;
};

}  // namespace picowasm

#endif  // PICOWASM_ARENA_H
