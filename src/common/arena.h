// Arena: a two-ended bump allocator over one caller-supplied buffer.
//
// The engine never calls malloc/new: everything it builds (decoded module, translated code,
// instances) is carved out of an Arena the caller owns. Allocation is O(1), there is no per-object
// free; a whole group of allocations is released at once by rewinding to a Mark. Results grow from
// the bottom; short-lived scratch (validation and translation working stacks) is taken from the top
// with allocate_scratch() and released with rewind_scratch(), so results stay contiguous. Running
// out of space returns nullptr, which the engine turns into ErrorCode::out_of_arena.
#ifndef PICOWASM_COMMON_ARENA_H
#define PICOWASM_COMMON_ARENA_H

#include <cstddef>
#include <cstdint>
#include <new>

namespace picowasm {

// `n` rounded up to a multiple of `align` (a power of two): the one copy of this for sizes.
constexpr size_t align_up(size_t n, size_t align) {
  return (n + align - 1) & ~(align - 1);
}

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
      : base_(static_cast<uint8_t*>(buffer)), size_(buffer ? size : 0), top_(size_) {}

  // Returns `bytes` bytes aligned to `align` (a power of two), or nullptr if they do not fit.
  // The allocators are out of line (noinline): one copy instead of one per call site and element
  // type (236 bytes of Cortex-M4 flash); loading calls them a few times per section or function.
  __attribute__((noinline)) void* allocate(size_t bytes, size_t align) {
    uintptr_t start = reinterpret_cast<uintptr_t>(base_) + used_;
    uintptr_t aligned = (start + (align - 1)) & ~static_cast<uintptr_t>(align - 1);
    size_t padding = static_cast<size_t>(aligned - start);
    if (padding > top_ - used_ || bytes > top_ - used_ - padding) return nullptr;
    used_ += padding + bytes;
    note_high_water();
    return reinterpret_cast<void*>(aligned);
  }

  // Scratch from the top end: `bytes` bytes aligned to `align`, or nullptr if they do not fit.
  __attribute__((noinline)) void* allocate_scratch(size_t bytes, size_t align) {
    if (bytes > top_ - used_) return nullptr;
    size_t new_top = top_ - bytes;
    uintptr_t aligned =
        (reinterpret_cast<uintptr_t>(base_) + new_top) & ~static_cast<uintptr_t>(align - 1);
    if (aligned < reinterpret_cast<uintptr_t>(base_) + used_) return nullptr;
    top_ = static_cast<size_t>(aligned - reinterpret_cast<uintptr_t>(base_));
    note_high_water();
    return reinterpret_cast<void*>(aligned);
  }

  // `count` elements of `size` bytes from the top end, or nullptr (as allocate_elements()).
  __attribute__((noinline)) void* allocate_scratch_elements(size_t count, size_t size,
                                                            size_t align) {
    return count > SIZE_MAX / size ? nullptr : allocate_scratch(count * size, align);
  }

  template <typename T>
  T* allocate_scratch_array(size_t count) {
    void* p = allocate_scratch_elements(count, sizeof(T), alignof(T));
    if (!p) return nullptr;
    if (count > SIZE_MAX / sizeof(T)) __builtin_unreachable();  // checked out of line: no code
    T* items = static_cast<T*>(p);
    for (size_t i = 0; i < count; ++i) new (&items[i]) T();
    return items;
  }

  // A position of the scratch end; rewind_scratch() releases scratch taken after it.
  struct ScratchMark {
    size_t top;
  };
  ScratchMark scratch_mark() const { return ScratchMark{top_}; }
  void rewind_scratch(ScratchMark m) {
    if (m.top >= top_ && m.top <= size_) top_ = m.top;
  }

  // `count` elements of `size` bytes, or nullptr when they do not fit or the size overflows.
  __attribute__((noinline)) void* allocate_elements(size_t count, size_t size, size_t align) {
    return count > SIZE_MAX / size ? nullptr : allocate(count * size, align);
  }

  // Typed array allocation, value-initialised. Returns nullptr if it does not fit or `count *
  // sizeof(T)` would overflow. A zero count returns a valid (non-null) pointer to no elements.
  template <typename T>
  T* allocate_array(size_t count) {
    void* p = allocate_elements(count, sizeof(T), alignof(T));
    if (!p) return nullptr;
    if (count > SIZE_MAX / sizeof(T)) __builtin_unreachable();  // checked out of line: no code
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
  void reset() {
    used_ = 0;
    top_ = size_;
  }

  size_t used() const { return used_; }
  size_t capacity() const { return size_; }
  size_t remaining() const { return top_ - used_; }
  // Bytes taken from the top end and not yet released.
  size_t scratch_used() const { return size_ - top_; }
  // The most bytes ever in use at once (both ends) since construction (or reset_high_water()).
  size_t high_water() const { return high_water_; }
  void reset_high_water() { high_water_ = used_ + (size_ - top_); }

 private:
  void note_high_water() {
    size_t in_use = used_ + (size_ - top_);
    if (in_use > high_water_) high_water_ = in_use;
  }

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t top_ = 0;  // scratch occupies [top_, size_)
  size_t used_ = 0;
  size_t high_water_ = 0;
};

}  // namespace picowasm

#endif  // PICOWASM_COMMON_ARENA_H
