// Instruction counter for benchmarks under QEMU.
//
// With `-icount shift=N` QEMU advances virtual time by exactly 2^N ns per guest instruction and
// derives every device clock from it. The AN386 timers run at SYSCLK = 25 MHz, i.e. one tick per
// 40 ns, so under shift=0 one tick = 40 guest instructions:
//     instructions = ticks * 40 (shift=0)      instructions = ticks * 40 / 2^N (shift=N)
// A difference of two board_cycles() readings is therefore exact to within one tick (+-40
// instructions) plus the constant cost of the reading itself (a few dozen instructions). QEMU 7.2
// does not model the DWT cycle counter, and SysTick runs from the same 25 MHz clock, so 40 is the
// best resolution available to the guest; use the qemu-insn-count plugin with bench_mark() when
// an exact count of a small region is needed. Without -icount the ticks measure host time.
#include "timer.h"

#include "board.h"

#define TIMER0_BASE MPS2_TIMER0_BASE
#define TIMER_CTRL (*(volatile uint32_t*)(TIMER0_BASE + 0x00u))
#define TIMER_VALUE (*(volatile uint32_t*)(TIMER0_BASE + 0x04u))
#define TIMER_RELOAD (*(volatile uint32_t*)(TIMER0_BASE + 0x08u))
#define TIMER_INTSTATUS (*(volatile uint32_t*)(TIMER0_BASE + 0x0Cu))  // write 1 to clear
#define TIMER_CTRL_ENABLE 0x1u
#define TIMER_CTRL_IRQ_ENABLE 0x8u

#define NVIC_ISER0 (*(volatile uint32_t*)0xE000E100u)
#define TIMER0_IRQ MPS2_TIMER0_IRQ

// Upper 32 bits of the tick count: the hardware counter is 32 bits and wraps every ~172 s of
// virtual time (1.7e11 instructions at shift=0).
static volatile uint32_t s_wraps;

void timer0_irq_handler(void) {
  TIMER_INTSTATUS = 1u;
  s_wraps = s_wraps + 1u;
}

void timer_init(void) {
  TIMER_CTRL = 0;
  TIMER_RELOAD = 0xFFFFFFFFu;  // counts down from here to 0, then reloads: period 2^32 ticks
  TIMER_VALUE = 0xFFFFFFFFu;
  TIMER_INTSTATUS = 1u;
  s_wraps = 0;
  NVIC_ISER0 = 1u << TIMER0_IRQ;
  TIMER_CTRL = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQ_ENABLE;
}

uint64_t timer_ticks(void) {
  // Interrupts off so the wrap count and the counter are read as one snapshot; a wrap that is
  // pending but not yet counted shows up in INTSTATUS and is added here.
  uint32_t primask;
  __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
  uint32_t wraps = s_wraps;
  uint32_t down = TIMER_VALUE;
  if (TIMER_INTSTATUS & 1u) {
    wraps += 1u;
    down = TIMER_VALUE;  // re-read: the first value may predate the wrap
  }
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
  return ((uint64_t)wraps << 32) | (0xFFFFFFFFu - down);
}

uint64_t board_cycles(void) {
  return timer_ticks() * BOARD_INSNS_PER_TICK;
}

// Breakpoint target for the qemu-insn-count plugin: the asm keeps the call from being optimised
// away and noinline gives it a stable address.
__attribute__((noinline)) void bench_mark(void) {
  __asm__ volatile("" ::: "memory");
}
