// Board API for the QEMU mps2 ports: mps2-an386 (Cortex-M4F), mps2-an385 (Cortex-M3, same memory
// map and peripherals) and, built from the same sources, mps2-an505 (Cortex-M33,
// ports/cortex-m33-an505). Everything else in the project talks to the board only through this
// header.
#ifndef PICOWASM_PORTS_CORTEX_M4_BOARD_H
#define PICOWASM_PORTS_CORTEX_M4_BOARD_H

#include "board_api.h"

// What differs between the images, as the AN385/AN386 have it; the AN505 port compiles the same
// sources with its own values (-D in ports/cortex-m33-an505/CMakeLists.txt).
#ifndef MPS2_SYSCLK_HZ
#define MPS2_SYSCLK_HZ 25000000u  // clock of the UARTs and timers
#endif
#ifndef MPS2_UART0_BASE
#define MPS2_UART0_BASE 0x40004000u  // CMSDK APB UART0, the console
#endif
#ifndef MPS2_TIMER0_BASE
#define MPS2_TIMER0_BASE 0x40000000u  // CMSDK APB timer 0, the instruction counter
#endif
#ifndef MPS2_TIMER0_IRQ
#define MPS2_TIMER0_IRQ 8u  // its interrupt (the wrap count)
#endif

// Places a large zero-initialised object in the 16 MiB PSRAM at 0x21000000 instead of the 4 MiB
// SSRAM that holds .data/.bss/stack, e.g. `static uint8_t arena[8 << 20] BOARD_PSRAM;`.
// The reset handler does not clear it (it is big); clear what you use.
#define BOARD_PSRAM __attribute__((section(".psram")))

// board_cycles() counts timer ticks: under -icount shift=0 one instruction takes 1 ns, so a tick of
// the SYSCLK timer is this many instructions (40 at 25 MHz; see timer.c).
#define BOARD_INSNS_PER_TICK (1000000000u / MPS2_SYSCLK_HZ)

#endif  // PICOWASM_PORTS_CORTEX_M4_BOARD_H
