/* biquad: a float filter on sensor samples, as a Cortex-M4F runs it: a cascade of three biquad
 * sections (transposed direct form II, single precision) over `blocks` blocks of 256 samples,
 * accumulating the output's sum and energy in double. Measures f32 multiply-add chains (no fused
 * multiply-add: wasm has none and the native build disables contraction) and f32->f64 conversion.
 *
 * Parameter: blocks (< 1 gives 0).
 * Result:    sum(y) + 0.25 * sum(y * y) over every output y, in double. Samples: LCG state = 9,
 *            x = ((output >> 20) - 2048) / 2048 (exact in float). Every coefficient is a dyadic
 *            rational, exact in float, so the reference can round each operation to float32 and
 *            reproduce the result bit for bit. */
#include "bench_common.h"
#include "programs.h"

enum { BIQUAD_SECTIONS = 3, BIQUAD_BLOCK = 256 };

typedef struct biquad_section {
  float b0, b1, b2, a1, a2;
  float z1, z2;
} biquad_section;

static biquad_section biquad_cascade[BIQUAD_SECTIONS];
static float biquad_block[BIQUAD_BLOCK];

static void biquad_init(void) {
  static const float coefficients[BIQUAD_SECTIONS][5] = {
      {0.0625f, 0.125f, 0.0625f, -1.25f, 0.5f},
      {0.25f, -0.5f, 0.25f, -0.75f, 0.25f},
      {0.5f, 0.0f, -0.5f, -0.5f, 0.375f},
  };
  for (int s = 0; s < BIQUAD_SECTIONS; ++s) {
    biquad_section* q = &biquad_cascade[s];
    q->b0 = coefficients[s][0];
    q->b1 = coefficients[s][1];
    q->b2 = coefficients[s][2];
    q->a1 = coefficients[s][3];
    q->a2 = coefficients[s][4];
    q->z1 = q->z2 = 0.0f;
  }
}

double bench_biquad(int32_t blocks) {
  uint32_t lcg = 9;
  double sum = 0.0, energy = 0.0;
  biquad_init();
  for (int32_t b = 0; b < blocks; ++b) {
    for (int i = 0; i < BIQUAD_BLOCK; ++i) {
      biquad_block[i] = (float)((int32_t)(bench_lcg_next(&lcg) >> 20) - 2048) * (1.0f / 2048.0f);
    }
    for (int s = 0; s < BIQUAD_SECTIONS; ++s) {
      biquad_section* q = &biquad_cascade[s];
      for (int i = 0; i < BIQUAD_BLOCK; ++i) {
        const float x = biquad_block[i];
        const float y = q->b0 * x + q->z1;
        q->z1 = q->b1 * x - q->a1 * y + q->z2;
        q->z2 = q->b2 * x - q->a2 * y;
        biquad_block[i] = y;
      }
    }
    for (int i = 0; i < BIQUAD_BLOCK; ++i) {
      const double y = biquad_block[i];
      sum += y;
      energy += y * y;
    }
  }
  return sum + 0.25 * energy;
}
