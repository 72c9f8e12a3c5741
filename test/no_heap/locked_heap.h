// A heap that can be locked, for no-heap proofs: include in exactly one translation unit of a test
// program. malloc/calloc/realloc/free and operator new/delete are replaced by a bump allocator
// over a static pool (start-up may allocate: stdio, file contents); once locked_heap::lock() is
// called, every allocation or free is counted and refused (nullptr; operator new aborts), so the
// program can prove that the work it does afterwards never touches the heap.
#ifndef PICOWASM_TEST_LOCKED_HEAP_H
#define PICOWASM_TEST_LOCKED_HEAP_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace locked_heap {

inline bool g_locked = false;
inline unsigned g_calls_locked = 0;
alignas(64) inline unsigned char g_pool[64 << 20];
inline size_t g_used = 0;

inline void lock() {
  g_locked = true;
}
// Unlocks; the number of allocation calls made while locked.
inline unsigned unlock() {
  g_locked = false;
  return g_calls_locked;
}

inline void* allocate(size_t size) {
  if (g_locked) {
    ++g_calls_locked;
    return nullptr;
  }
  const size_t at = (g_used + 15) & ~size_t{15};
  if (size > sizeof g_pool - at) return nullptr;
  g_used = at + size;
  return g_pool + at;
}

}  // namespace locked_heap

extern "C" {
void* malloc(size_t size) {
  return locked_heap::allocate(size);
}
void* calloc(size_t n, size_t size) {
  void* p = n && size > SIZE_MAX / n ? nullptr : locked_heap::allocate(n * size);
  if (p) std::memset(p, 0, n * size);
  return p;
}
void* realloc(void* old, size_t size) {
  void* p = locked_heap::allocate(size);
  if (p && old) std::memmove(p, old, size);  // the pool is contiguous: reading beyond is safe
  return p;
}
void free(void* p) {
  if (p && locked_heap::g_locked) ++locked_heap::g_calls_locked;
}
}
void* operator new(size_t n) {
  void* p = locked_heap::allocate(n ? n : 1);
  if (!p) std::abort();
  return p;
}
void* operator new[](size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  free(p);
}
void operator delete[](void* p) noexcept {
  free(p);
}
void operator delete(void* p, size_t) noexcept {
  free(p);
}
void operator delete[](void* p, size_t) noexcept {
  free(p);
}

#endif  // PICOWASM_TEST_LOCKED_HEAP_H
