/* Helpers shared by the benchmark programs: freestanding, header-only, no libc.
 * Every helper is static inline so each program stays one self-contained wasm module. */
#ifndef PICOWASM_BENCH_COMMON_H
#define PICOWASM_BENCH_COMMON_H

#include <stdint.h>

/* Numerical Recipes LCG, x' = 1664525 x + 1013904223 (mod 2^32). Trivial to mirror in the
 * reference script (bench/tools/reference.py). Its low bits are weak: take the high ones. */
static inline uint32_t bench_lcg_next(uint32_t* state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

/* Two's-complement reinterpretation without implementation-defined conversions; compiles to no
 * instruction on every target we care about. */
static inline int32_t bench_u32_to_i32(uint32_t v) {
  return v <= (uint32_t)INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) + INT32_MIN;
}

static inline int64_t bench_u64_to_i64(uint64_t v) {
  return v <= (uint64_t)INT64_MAX ? (int64_t)v : (int64_t)(v - 0x8000000000000000u) + INT64_MIN;
}

#endif /* PICOWASM_BENCH_COMMON_H */
