/* The board clock and idling on the nRF51, over TIMER1 (TIMER0 is board_cycles()'s).
 *
 * Clock: TIMER1 in 32-bit timer mode at 16 MHz / 2^4 = 1 MHz counts up and wraps every ~71 min.
 * It is read by triggering CAPTURE[1] and reading CC[1]; each reading adds the ticks since the
 * previous one (modulo 2^32) to a 64-bit total, so the clock is monotonic as long as it is read
 * at least once per wrap: microbit_idle() never sleeps longer than MICROBIT_MAX_IDLE_US.
 *
 * Idle: CC[0] as an alarm. Its COMPARE[0] event raises TIMER1's interrupt (nRF51 IRQ 9); with
 * interrupts masked (PRIMASK), WFI still wakes when an enabled interrupt becomes pending, and the
 * pending interrupt is then cleared rather than taken: no handler is needed, and a deadline that
 * passes between the last check and the WFI is not lost. */
#include "microbit_hal.h"
#include "nrf51.h"

#define TIMER1_BASE 0x40009000u
#define TIMER1_START NRF51_REG(TIMER1_BASE + 0x000u)
#define TIMER1_STOP NRF51_REG(TIMER1_BASE + 0x004u)
#define TIMER1_CLEAR NRF51_REG(TIMER1_BASE + 0x00Cu)
#define TIMER1_CAPTURE1 NRF51_REG(TIMER1_BASE + 0x044u)
#define TIMER1_COMPARE0 NRF51_REG(TIMER1_BASE + 0x140u)
#define TIMER1_INTENSET NRF51_REG(TIMER1_BASE + 0x304u)
#define TIMER1_INTENCLR NRF51_REG(TIMER1_BASE + 0x308u)
#define TIMER1_MODE NRF51_REG(TIMER1_BASE + 0x504u)
#define TIMER1_BITMODE NRF51_REG(TIMER1_BASE + 0x508u)
#define TIMER1_PRESCALER NRF51_REG(TIMER1_BASE + 0x510u)
#define TIMER1_CC0 NRF51_REG(TIMER1_BASE + 0x540u)
#define TIMER1_CC1 NRF51_REG(TIMER1_BASE + 0x544u)
#define TIMER_INT_COMPARE0 (1u << 16)
#define TIMER1_PRESCALER_1MHZ 4u /* 16 MHz >> 4 */
#define TIMER1_IRQ 9u
#define NVIC_ISER NRF51_REG(0xE000E100u)
#define NVIC_ICER NRF51_REG(0xE000E180u)
#define NVIC_ICPR NRF51_REG(0xE000E280u)

static uint32_t count_now(void) {
  TIMER1_CAPTURE1 = 1u;
  return TIMER1_CC1;
}

static uint64_t clock_now_us(void* ctx) {
  microbit_clock* c = (microbit_clock*)ctx;
  const uint32_t count = count_now();
  c->ticks += (uint32_t)(count - c->last_count); /* counts up; modulo 2^32 across a wrap */
  c->last_count = count;
  return c->ticks;
}

const pw_clock_driver microbit_clock_driver = {clock_now_us};

void microbit_clock_init(microbit_clock* clock) {
  TIMER1_STOP = 1u;
  TIMER1_MODE = NRF51_TIMER_MODE_TIMER;
  TIMER1_BITMODE = NRF51_TIMER_BITMODE_32;
  TIMER1_PRESCALER = TIMER1_PRESCALER_1MHZ;
  TIMER1_INTENCLR = 0xFFFFFFFFu;
  TIMER1_COMPARE0 = 0u;
  TIMER1_CLEAR = 1u;
  TIMER1_START = 1u;
  clock->last_count = count_now();
  clock->ticks = 0;
}

void microbit_idle(microbit_hal* hal, uint64_t wake_us) {
  const uint64_t now = clock_now_us(&hal->clock);
  if (wake_us <= now) return;
  uint64_t delta = wake_us - now;
  if (delta > MICROBIT_MAX_IDLE_US) delta = MICROBIT_MAX_IDLE_US;
  const uint32_t irq = 1u << TIMER1_IRQ;
  __asm__ volatile("cpsid i" ::: "memory");
  TIMER1_COMPARE0 = 0u;
  TIMER1_CC0 = hal->clock.last_count + (uint32_t)delta;
  TIMER1_INTENSET = TIMER_INT_COMPARE0;
  NVIC_ICPR = irq;
  NVIC_ISER = irq;
  /* The alarm may already have fired while CC0 was being set: WFI then returns at once. */
  __asm__ volatile("dsb\n\twfi" ::: "memory");
  NVIC_ICER = irq;
  TIMER1_INTENCLR = TIMER_INT_COMPARE0;
  TIMER1_COMPARE0 = 0u;
  NVIC_ICPR = irq; /* cleared, never taken: the vector table has no handler for it */
  __asm__ volatile("cpsie i" ::: "memory");
}
