// Instruction counter for benchmarks under QEMU, on the nRF51 TIMER0.
//
// Under `-icount shift=0` every guest instruction advances virtual time by 1 ns, and QEMU's TIMER
// model derives its count from virtual time: at 16 MHz / 2^PRESCALER a tick is 62.5 * 2^PRESCALER
// instructions. Prescaler 1 (8 MHz) makes that a whole 125, so board_cycles() is exact to within
// one tick plus the constant cost of the reading. The counter is read by triggering CAPTURE[0] and
// reading CC[0]; it is 32 bits wide (wraps every ~537 s of virtual time, 5.4e11 instructions), and
// the wrap is counted in software when a reading is smaller than the one before, so readings must
// come at least once per wrap period (every benchmark region is far shorter).
#include <stdint.h>

#include "board.h"
#include "nrf51.h"

// Last 32-bit reading and the wraps seen so far (the only mutable state of the port).
static uint32_t s_last_ticks;
static uint32_t s_wraps;

void timer_init(void) {
  NRF51_TIMER_STOP = 1;
  NRF51_TIMER_MODE = NRF51_TIMER_MODE_TIMER;
  NRF51_TIMER_BITMODE = NRF51_TIMER_BITMODE_32;
  NRF51_TIMER_PRESCALER = MICROBIT_TIMER_PRESCALER;
  NRF51_TIMER_CLEAR = 1;
  s_last_ticks = 0;
  s_wraps = 0;
  NRF51_TIMER_START = 1;
}

uint64_t board_cycles(void) {
  NRF51_TIMER_CAPTURE0 = 1;
  uint32_t ticks = NRF51_TIMER_CC0;
  if (ticks < s_last_ticks) s_wraps += 1u;
  s_last_ticks = ticks;
  return (((uint64_t)s_wraps << 32) | ticks) * BOARD_INSNS_PER_TICK;
}

// Breakpoint target for the qemu-insn-count plugin: the asm keeps the call from being optimised
// away and noinline gives it a stable address.
__attribute__((noinline)) void bench_mark(void) {
  __asm__ volatile("" ::: "memory");
}
