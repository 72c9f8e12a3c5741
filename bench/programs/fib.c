/* fib: naive doubly recursive Fibonacci. Measures call/return overhead and small-frame
 * stack traffic (the wasm build is almost nothing but call, local.get and i32.add).
 *
 * Parameter: n, clamped to [0, 40] so the recursion depth stays bounded.
 * Result:    fib(n) mod 2^32 as int32, with fib(0) = 0, fib(1) = 1.
 * Expected:  default n = 33 -> 3524578 (~10 ms on x86-64 at -O2); Cortex-M n = 25 -> 75025.
 * Memory:    no static data; stack: n frames (120 B each with arm-none-eabi-gcc -O2, so
 *            n = 25 takes ~3 KiB, n = 40 ~5 KiB).
 * Cost:      ~2 fib(n+1) calls of ~10 instructions; n = 25 runs 2.1 M instructions on a
 *            Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum { FIB_MAX_N = 40 };

static uint32_t fib_recursive(uint32_t n) {
  return n < 2 ? n : fib_recursive(n - 1) + fib_recursive(n - 2);
}

int32_t bench_fib(int32_t n) {
  if (n < 0) n = 0;
  if (n > FIB_MAX_N) n = FIB_MAX_N;
  return bench_u32_to_i32(fib_recursive((uint32_t)n));
}
