// Board API for the QEMU mps2-an386 (Cortex-M4F) port: console, instruction counter, exit.
// Everything else in the project talks to the board only through this header.
#ifndef PICOWASM_PORTS_CORTEX_M4_BOARD_H
#define PICOWASM_PORTS_CORTEX_M4_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Exit status reported by board_exit() after a HardFault or any other unexpected exception.
#define BOARD_EXIT_FAULT 3

// Places a large zero-initialised object in the 16 MiB PSRAM at 0x21000000 instead of the 4 MiB
// SSRAM that holds .data/.bss/stack, e.g. `static uint8_t arena[8 << 20] BOARD_PSRAM;`.
// The reset handler does not clear it (it is big); clear what you use.
#define BOARD_PSRAM __attribute__((section(".psram")))

// Enables the UART and starts the instruction counter. Call once, first thing in main().
void board_init(void);

void board_putc(char c);
void board_puts(const char* s);  // no newline appended
// Minimal printf: %d %i %u %x %X %c %s %p %%, the l and ll size modifiers; numbers also take a
// width and a '0' flag (%08x, %5u).
void board_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Guest instructions executed since board_init(), valid under `qemu -icount shift=0`, with a
// resolution of BOARD_INSNS_PER_TICK instructions (see timer.c). Monotonic, 64 bits.
uint64_t board_cycles(void);
#define BOARD_INSNS_PER_TICK 40u

// Empty, never inlined: call it at region boundaries for the qemu-insn-count plugin (mark=).
void bench_mark(void);

// Ends the QEMU process with `code` as its exit status (semihosting). Never returns.
void board_exit(int code) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif  // PICOWASM_PORTS_CORTEX_M4_BOARD_H
