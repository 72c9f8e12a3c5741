// Board API for the QEMU `microbit` port (nRF51822: Cortex-M0, ARMv6-M, 16 KiB of RAM, 256 KiB of
// flash): the common API of ports/common/board_api.h and what is particular to this board.
#ifndef PICOWASM_PORTS_CORTEX_M0_MICROBIT_BOARD_H
#define PICOWASM_PORTS_CORTEX_M0_MICROBIT_BOARD_H

#include "board_api.h"

// board_cycles() counts TIMER0 ticks at 16 MHz / 2 (prescaler 1): under -icount shift=0 one
// instruction takes 1 ns, so a tick is 125 instructions (at 16 MHz it would be 62.5; see timer.c).
#define MICROBIT_TIMER_PRESCALER 1u
#define BOARD_INSNS_PER_TICK 125u

// No memory besides the 16 KiB of SRAM: big buffers go there too (and there are none).
#define BOARD_PSRAM

#ifdef __cplusplus
extern "C" {
#endif

void uart_init(void);
void timer_init(void);

// Bytes of the stack (from the top of RAM down) ever written since reset: the reset handler paints
// the free RAM, and this finds the deepest word no longer holding the paint.
uint32_t board_stack_peak(void);

#ifdef __cplusplus
}
#endif

#endif  // PICOWASM_PORTS_CORTEX_M0_MICROBIT_BOARD_H
