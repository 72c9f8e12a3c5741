/* q15: a fixed-point matrix kernel on int16, as DSP code without an FPU writes it. Each run draws
 * a 24x24 Q15 matrix A (LCG, state = 15) and computes C = sat16(round(A * B >> 15)) with B the
 * previous run's C (the identity scaled by 0.5 at first), then packs C's rows two samples per
 * 32-bit word and folds the words into a hash. Measures 16-bit loads and stores, sign extension,
 * 16x16 -> 64-bit multiply-accumulate (SMLAL on Arm), arithmetic shifts, saturation and masks.
 *
 * Parameter: runs (< 1 gives 0).
 * Result:    h = (h ^ word) * 16777619 (mod 2^32) over every packed word, all runs; as int32.
 *            A[i][j] = (int16)(output >> 16) of successive LCG outputs, row-major. Rounding adds
 *            1 << 14 before the arithmetic shift; saturation clamps to [-32768, 32767]. Words
 *            are (uint16)C[i][2k] << 16 | (uint16)C[i][2k+1], each masked with 0xFFF0FFF0 (the
 *            low 4 bits of every sample are noise in this kernel's contract). */
#include "bench_common.h"
#include "programs.h"

enum { Q15_DIM = 24 };

static int16_t q15_a[Q15_DIM][Q15_DIM];
static int16_t q15_b[Q15_DIM][Q15_DIM];
static int16_t q15_c[Q15_DIM][Q15_DIM];

static int16_t saturate16(int64_t v) {
  return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

int32_t bench_q15(int32_t runs) {
  uint32_t lcg = 15;
  for (int i = 0; i < Q15_DIM; ++i) {
    for (int j = 0; j < Q15_DIM; ++j) q15_b[i][j] = (int16_t)(i == j ? 0x4000 : 0);
  }
  uint32_t hash = 0;
  for (int32_t run = 0; run < runs; ++run) {
    for (int i = 0; i < Q15_DIM; ++i) {
      for (int j = 0; j < Q15_DIM; ++j) q15_a[i][j] = (int16_t)(bench_lcg_next(&lcg) >> 16);
    }
    for (int i = 0; i < Q15_DIM; ++i) {
      for (int j = 0; j < Q15_DIM; ++j) {
        int64_t acc = 0; /* 24 products of up to 2^30 each overflow 32 bits */
        for (int k = 0; k < Q15_DIM; ++k) acc += (int32_t)q15_a[i][k] * q15_b[k][j];
        q15_c[i][j] = saturate16((acc + (1 << 14)) >> 15);
      }
    }
    for (int i = 0; i < Q15_DIM; ++i) {
      for (int j = 0; j < Q15_DIM; j += 2) {
        const uint32_t word =
            ((uint32_t)(uint16_t)q15_c[i][j] << 16 | (uint16_t)q15_c[i][j + 1]) & 0xFFF0FFF0u;
        hash = (hash ^ word) * 16777619u;
      }
    }
    for (int i = 0; i < Q15_DIM; ++i) {
      for (int j = 0; j < Q15_DIM; ++j) q15_b[i][j] = q15_c[i][j];
    }
  }
  return bench_u32_to_i32(hash);
}
