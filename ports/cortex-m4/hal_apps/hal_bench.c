/* hal_bench: the guest side of the gpio_write round-trip benchmark (hal_bench_m4.cpp). Two loops
 * that differ only in the HAL call: bench_write stores pw_gpio.write's result, bench_empty the
 * level it would have written, so their difference per iteration is one call's round trip
 * (argument, call, HAL checks, driver, return). pw_main configures the pin. Unrolling is off in
 * both: clang unrolled bench_empty 8x (not bench_write), which charged the loop's own increment,
 * compare and branch (about 35 instructions on Cortex-M4) to the call. */
#include "pw_hal.h"

#define BENCH_PIN 2

static volatile int32_t g_sink;

__attribute__((export_name("bench_write"))) int32_t bench_write(int32_t n) {
#pragma clang loop unroll(disable)
  for (int32_t i = 0; i < n; ++i) g_sink = pw_gpio_write(BENCH_PIN, i & 1);
  return g_sink;
}

__attribute__((export_name("bench_empty"))) int32_t bench_empty(int32_t n) {
#pragma clang loop unroll(disable)
  for (int32_t i = 0; i < n; ++i) g_sink = i & 1;
  return g_sink;
}

PW_MAIN {
  return pw_gpio_configure(BENCH_PIN, PW_GPIO_MODE_OUTPUT);
}
