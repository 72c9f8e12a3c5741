/* matmul: double-precision C = A * B for MATMUL_REPS different A matrices of size n x n.
 * Measures f64 loads, multiplies and adds in an i-k-j loop nest, plus int->double conversion.
 *
 * Every entry is a multiple of 1/4 in [-2, 2], so every product, row entry and the checksum are
 * exact dyadic rationals far below 2^53: the result is independent of summation order and of
 * FMA contraction, and the reference script checks it with plain integers.
 *
 * Parameter: n, clamped to [1, 64].
 * Data:      LCG state = 7; B is filled first, row-major (n*n draws), then each rep draws the
 *            rows of its A row-major, one row just before it is used. Entry from draw x:
 *            ((x >> 24) % 17 - 8) / 4.
 * Result:    sum over reps, i, j of C[i][j] * ((i + 2j) % 5 + 1), as double.
 * Expected:  default n = 64 -> 16733.25 (~18 ms on x86-64 at -O2);
 *            Cortex-M n = 7 -> 957.125.
 * Memory:    B 32 KiB + one A row and one C row (0.5 KiB each) static; constant stack.
 * Cost:      MATMUL_REPS * n^3 multiply-adds, in software on a Cortex-M4 (single-precision
 *            FPU only); n = 7 is 3.0 M instructions there (QEMU mps2-an386, arm-none-eabi-gcc
 *            -O2). */
#include "bench_common.h"
#include "programs.h"

enum { MATMUL_MAX_N = 64, MATMUL_REPS = 64 };

static double matrix_b[MATMUL_MAX_N][MATMUL_MAX_N];
static double row_a[MATMUL_MAX_N];
static double row_c[MATMUL_MAX_N];

static double next_entry(uint32_t* lcg) {
  int32_t level = (int32_t)((bench_lcg_next(lcg) >> 24) % 17u) - 8;
  return (double)level * 0.25;
}

double bench_matmul(int32_t n) {
  if (n < 1) n = 1;
  if (n > MATMUL_MAX_N) n = MATMUL_MAX_N;
  uint32_t lcg = 7;
  for (int32_t k = 0; k < n; ++k) {
    for (int32_t j = 0; j < n; ++j) matrix_b[k][j] = next_entry(&lcg);
  }
  double checksum = 0.0;
  for (int32_t rep = 0; rep < MATMUL_REPS; ++rep) {
    for (int32_t i = 0; i < n; ++i) {
      for (int32_t k = 0; k < n; ++k) row_a[k] = next_entry(&lcg);
      for (int32_t j = 0; j < n; ++j) row_c[j] = 0.0;
      for (int32_t k = 0; k < n; ++k) {
        double a = row_a[k];
        for (int32_t j = 0; j < n; ++j) row_c[j] += a * matrix_b[k][j];
      }
      for (int32_t j = 0; j < n; ++j) checksum += row_c[j] * (double)((i + 2 * j) % 5 + 1);
    }
  }
  return checksum;
}
