/* calls: many small functions that the compiler may not inline, as layered firmware code (HAL
 * wrappers, accessors, callbacks) calls them: five direct calls and one call through a function
 * pointer table per step, and every 64 steps a 16-deep non-tail recursion. Measures call and
 * return, argument passing and indirect calls (call_indirect in wasm).
 *
 * Parameter: steps (< 1 gives 1, the initial state).
 * Result:    the final state, as int32 (see step() and bench/tools/reference.py). */
#include "bench_common.h"
#include "programs.h"

#define NOINLINE __attribute__((noinline))

NOINLINE static uint32_t mix(uint32_t a, uint32_t b) {
  return (a ^ b) * 0x9E3779B1u;
}
NOINLINE static uint32_t rotate_left(uint32_t v, uint32_t n) {
  n &= 31u;
  return n ? (v << n) | (v >> (32u - n)) : v;
}
NOINLINE static int32_t clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}
NOINLINE static uint32_t op_add(uint32_t a, uint32_t b) {
  return a + b;
}
NOINLINE static uint32_t op_sub(uint32_t a, uint32_t b) {
  return a - b;
}
NOINLINE static uint32_t op_xor(uint32_t a, uint32_t b) {
  return a ^ b;
}
NOINLINE static uint32_t op_mul(uint32_t a, uint32_t b) {
  return a * (b | 1u);
}
static uint32_t (*const calls_ops[4])(uint32_t, uint32_t) = {op_add, op_sub, op_xor, op_mul};

NOINLINE static uint32_t step(uint32_t state, uint32_t i) {
  uint32_t x = mix(state, i);
  x = rotate_left(x, i);
  x = calls_ops[x >> 30](x, state);
  const int32_t c = clamp((int32_t)(x & 0xFFFFu) - 0x8000, -1000, 1000);
  return x + (uint32_t)c;
}

NOINLINE static uint32_t nest(uint32_t n, uint32_t acc) { /* not a tail call: mix() follows */
  return n == 0 ? acc : mix(nest(n - 1, acc + n), n);
}

int32_t bench_calls(int32_t steps) {
  uint32_t state = 1;
  for (int32_t i = 0; i < steps; ++i) {
    state = step(state, (uint32_t)i);
    if ((i & 63) == 63) state ^= nest(16, state);
  }
  return bench_u32_to_i32(state);
}
