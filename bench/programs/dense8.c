/* dense8: the tiny-ML case, a quantized int8 two-layer perceptron (64 inputs -> 32 hidden with
 * ReLU -> 10 outputs) classifying `samples` input vectors, as TensorFlow Lite Micro's reference
 * kernels do it: int8 x int8 products accumulated in int32 with an int32 bias, requantized by a
 * fixed-point multiplier and shift with rounding, saturated to int8. Measures int8 loads with
 * sign extension, multiply-accumulate, shifts and clamps.
 *
 * Parameter: samples (< 1 gives 0).
 * Result:    per sample, h = h * 31 + (argmax * 256 + (uint8)output[argmax]), argmax the first
 *            maximal output; mod 2^32, as int32. Weights, biases and inputs come from one LCG
 *            stream (state = 8): weights and inputs are (output >> 24) - 128, biases
 *            (int32)(output >> 20) - 2048. Requantization: (acc * 181 + 2^17) >> 18 with an
 *            arithmetic shift, then clamped to [-128, 127]. */
#include "bench_common.h"
#include "programs.h"

enum { DENSE_IN = 64, DENSE_HIDDEN = 32, DENSE_OUT = 10, DENSE_MULTIPLIER = 181, DENSE_SHIFT = 18 };

static int8_t dense_w1[DENSE_HIDDEN][DENSE_IN];
static int8_t dense_w2[DENSE_OUT][DENSE_HIDDEN];
static int32_t dense_b1[DENSE_HIDDEN];
static int32_t dense_b2[DENSE_OUT];
static int8_t dense_input[DENSE_IN];
static int8_t dense_hidden[DENSE_HIDDEN];
static int8_t dense_output[DENSE_OUT];

static int8_t draw_int8(uint32_t* lcg) {
  return (int8_t)((int32_t)(bench_lcg_next(lcg) >> 24) - 128);
}

static int8_t requantize(int32_t acc) {
  /* |acc| < 2^21, so acc * 181 fits in 32 bits. */
  const int32_t v = (acc * DENSE_MULTIPLIER + (1 << (DENSE_SHIFT - 1))) >> DENSE_SHIFT;
  return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

static void dense_layer(const int8_t* in, int n_in, const int8_t* weights, const int32_t* bias,
                        int8_t* out, int n_out, int relu) {
  for (int o = 0; o < n_out; ++o) {
    int32_t acc = bias[o];
    const int8_t* row = weights + o * n_in;
    for (int i = 0; i < n_in; ++i) acc += (int32_t)in[i] * row[i];
    const int8_t q = requantize(acc);
    out[o] = relu && q < 0 ? 0 : q;
  }
}

int32_t bench_dense8(int32_t samples) {
  uint32_t lcg = 8;
  for (int o = 0; o < DENSE_HIDDEN; ++o) {
    for (int i = 0; i < DENSE_IN; ++i) dense_w1[o][i] = draw_int8(&lcg);
    dense_b1[o] = (int32_t)(bench_lcg_next(&lcg) >> 20) - 2048;
  }
  for (int o = 0; o < DENSE_OUT; ++o) {
    for (int i = 0; i < DENSE_HIDDEN; ++i) dense_w2[o][i] = draw_int8(&lcg);
    dense_b2[o] = (int32_t)(bench_lcg_next(&lcg) >> 20) - 2048;
  }
  uint32_t hash = 0;
  for (int32_t s = 0; s < samples; ++s) {
    for (int i = 0; i < DENSE_IN; ++i) dense_input[i] = draw_int8(&lcg);
    dense_layer(dense_input, DENSE_IN, &dense_w1[0][0], dense_b1, dense_hidden, DENSE_HIDDEN, 1);
    dense_layer(dense_hidden, DENSE_HIDDEN, &dense_w2[0][0], dense_b2, dense_output, DENSE_OUT, 0);
    int best = 0;
    for (int o = 1; o < DENSE_OUT; ++o) {
      if (dense_output[o] > dense_output[best]) best = o;
    }
    hash = hash * 31u + (uint32_t)best * 256u + (uint8_t)dense_output[best];
  }
  return bench_u32_to_i32(hash);
}
