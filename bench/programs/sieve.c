/* sieve: sieve of Eratosthenes over the odd numbers below 65536, repeated. Measures byte
 * loads/stores and tight counted loops over linear memory.
 *
 * Parameter: runs (< 1 gives 0).
 * Result:    runs * pi(65536) = runs * 6542, as int32.
 * Expected:  default runs = 400 -> 2616800 (~18 ms on x86-64 at -O2);
 *            Cortex-M runs = 5 -> 32710.
 * Memory:    32 KiB static (one flag byte per odd number); constant stack.
 * Cost:      per run ~32 Ki clears + ~40 Ki marks + 32 Ki tests; runs = 5 is 2.0 M
 *            instructions on a Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum { SIEVE_LIMIT = 65536, SIEVE_ODD_COUNT = SIEVE_LIMIT / 2 };

/* is_composite[i] describes the odd number 2i+1. */
static uint8_t is_composite[SIEVE_ODD_COUNT];

static int32_t count_primes_once(void) {
  for (int32_t i = 0; i < SIEVE_ODD_COUNT; ++i) is_composite[i] = 0;
  is_composite[0] = 1; /* 1 is not prime */
  for (int32_t i = 1;; ++i) {
    int32_t p = 2 * i + 1;
    if (p * p >= SIEVE_LIMIT) break;
    if (is_composite[i]) continue;
    /* p*p is the first multiple not already crossed out by a smaller prime; stepping the index
     * by p steps the number by 2p, skipping even multiples. */
    for (int32_t j = (p * p) / 2; j < SIEVE_ODD_COUNT; j += p) is_composite[j] = 1;
  }
  int32_t count = 1; /* the prime 2 */
  for (int32_t i = 0; i < SIEVE_ODD_COUNT; ++i) count += is_composite[i] == 0;
  return count;
}

int32_t bench_sieve(int32_t runs) {
  uint32_t total = 0;
  for (int32_t r = 0; r < runs; ++r) total += (uint32_t)count_primes_once();
  return bench_u32_to_i32(total);
}
