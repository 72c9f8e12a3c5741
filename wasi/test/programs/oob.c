// Guest pointers outside linear memory trap (docs/wasi.md): argv[1] picks which one.
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char** argv) {
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  __wasi_size_t n = 0;
  if (argc < 2) return 1;
  if (strcmp(argv[1], "iovs") == 0) {  // the iovec array itself
    return __wasi_fd_write(1, (const __wasi_ciovec_t*)(uintptr_t)(end - 4), 1, &n);
  }
  if (strcmp(argv[1], "buf") == 0) {  // a buffer one byte past the end
    __wasi_ciovec_t iov = {(const uint8_t*)(uintptr_t)(end - 16), 17};
    return __wasi_fd_write(1, &iov, 1, &n);
  }
  if (strcmp(argv[1], "edge") == 0) {  // a buffer ending exactly at the end: fine
    __wasi_ciovec_t iov = {(const uint8_t*)(uintptr_t)(end - 16), 0};
    return __wasi_fd_write(1, &iov, 1, &n) == 0 && n == 0 ? 0 : 1;
  }
  if (strcmp(argv[1], "result") == 0) {  // the result pointer
    return __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, (__wasi_timestamp_t*)(uintptr_t)(end - 4));
  }
  return 1;
}
