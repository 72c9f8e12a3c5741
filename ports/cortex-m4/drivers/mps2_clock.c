/* The board clock and idling on mps2-an386.
 *
 * Clock: CMSDK APB timer 1 counts down from 0xFFFFFFFF at 25 MHz and reloads, wrapping every
 * ~172 s. Each reading adds the ticks since the previous one (modulo 2^32) to a 64-bit total, so
 * the clock is monotonic as long as it is read at least once per wrap: mps2_idle() never sleeps
 * longer than MPS2_MAX_IDLE_US, and the HAL reads the clock at each call that needs it. No
 * interrupt handler, no state outside mps2_clock.
 *
 * Idle: the dual timer's first counter as a one-shot alarm. With interrupts masked (PRIMASK),
 * WFI still wakes when an enabled interrupt becomes pending, and the pending interrupt is then
 * cleared rather than taken: no handler is needed, and a wake-up that arrives between the last
 * check and the WFI is not lost. */
#include "mps2_hal.h"
#include "mps2_regs.h"

#define TIMER1_CTRL MPS2_REG(0x40001000u)
#define TIMER1_VALUE MPS2_REG(0x40001004u)
#define TIMER1_RELOAD MPS2_REG(0x40001008u)
#define TIMER_CTRL_ENABLE 0x1u
#define TICKS_PER_US (MPS2_SYSCLK_HZ / 1000000u)

#define DUALTIMER_LOAD MPS2_REG(0x40002000u)
#define DUALTIMER_CTRL MPS2_REG(0x40002008u)
#define DUALTIMER_INTCLR MPS2_REG(0x4000200Cu)
#define DUALTIMER_ONESHOT 0x01u
#define DUALTIMER_32BIT 0x02u
#define DUALTIMER_IRQ_EN 0x20u
#define DUALTIMER_ENABLE 0x80u
#define DUALTIMER_IRQ 10u
#define UART_INTCLEAR_RX 0x2u
#define UART_INTCLEAR 0x0Cu

/* NVIC line of each UART's receive interrupt (QEMU mps2.c, AN385/AN386). */
static const uint8_t kUartRxIrq[MPS2_UART_PORTS] = {0, 2, 4, 18, 20};

static uint64_t clock_now_us(void* ctx) {
  mps2_clock* c = (mps2_clock*)ctx;
  const uint32_t count = TIMER1_VALUE;
  c->ticks += (uint32_t)(c->last_count - count); /* counts down; modulo 2^32 across a wrap */
  c->last_count = count;
  return c->ticks / TICKS_PER_US;
}

const pw_clock_driver mps2_clock_driver = {clock_now_us};

void mps2_clock_init(mps2_clock* clock) {
  TIMER1_CTRL = 0;
  TIMER1_RELOAD = 0xFFFFFFFFu;
  TIMER1_VALUE = 0xFFFFFFFFu;
  TIMER1_CTRL = TIMER_CTRL_ENABLE;
  clock->last_count = TIMER1_VALUE;
  clock->ticks = 0;
  DUALTIMER_CTRL = 0;
  DUALTIMER_INTCLR = 1u;
}

static bool uart_data_waiting(uint32_t ports) {
  for (uint32_t p = 0; p < MPS2_UART_PORTS; ++p) {
    if (((ports >> p) & 1u) && mps2_uart_rx_ready(p)) return true;
  }
  return false;
}

void mps2_idle(mps2_hal* hal, uint64_t wake_us, uint32_t uart_ports) {
  const uint64_t now = clock_now_us(&hal->clock);
  if (wake_us <= now) return;
  uint64_t delta = wake_us - now;
  if (delta > MPS2_MAX_IDLE_US) delta = MPS2_MAX_IDLE_US;
  uint32_t irqs = 1u << DUALTIMER_IRQ;
  for (uint32_t p = 0; p < MPS2_UART_PORTS; ++p) {
    if ((uart_ports >> p) & 1u) irqs |= 1u << kUartRxIrq[p];
  }
  __asm__ volatile("cpsid i" ::: "memory");
  if (!uart_data_waiting(uart_ports)) {
    DUALTIMER_CTRL = 0;
    DUALTIMER_INTCLR = 1u;
    DUALTIMER_LOAD = (uint32_t)delta * TICKS_PER_US;
    DUALTIMER_CTRL = DUALTIMER_ENABLE | DUALTIMER_IRQ_EN | DUALTIMER_32BIT | DUALTIMER_ONESHOT;
    MPS2_NVIC_ICPR0 = irqs;
    MPS2_NVIC_ISER0 = irqs;
    __asm__ volatile("dsb\n\twfi" ::: "memory");
    MPS2_NVIC_ICER0 = irqs;
    DUALTIMER_CTRL = 0;
    DUALTIMER_INTCLR = 1u;
  }
  for (uint32_t p = 0; p < MPS2_UART_PORTS; ++p) {
    if ((uart_ports >> p) & 1u) MPS2_REG(mps2_uart_base(p) + UART_INTCLEAR) = UART_INTCLEAR_RX;
  }
  MPS2_NVIC_ICPR0 = irqs; /* cleared, never taken: the vector table has no handler for them */
  __asm__ volatile("cpsie i" ::: "memory");
}
