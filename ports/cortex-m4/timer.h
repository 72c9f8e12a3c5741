// Free-running 64-bit tick counter on CMSDK APB timer 0. Port-internal; use board_cycles().
#ifndef PICOWASM_PORTS_CORTEX_M4_TIMER_H
#define PICOWASM_PORTS_CORTEX_M4_TIMER_H

#include <stdint.h>

void timer_init(void);
uint64_t timer_ticks(void);     // 25 MHz ticks since timer_init()
void timer0_irq_handler(void);  // counts wraps of the 32-bit hardware counter

#endif  // PICOWASM_PORTS_CORTEX_M4_TIMER_H
