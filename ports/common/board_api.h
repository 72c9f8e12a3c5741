// The board API every bare-metal port implements (ports/*/board.h includes it and adds what is
// particular to the board): console, instruction counter, exit. Firmware that uses only these runs
// on every port (bench/cortex-m/bench_m4.cpp, footprint_m4.cpp).
#ifndef PICOWASM_PORTS_COMMON_BOARD_API_H
#define PICOWASM_PORTS_COMMON_BOARD_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Exit status reported by board_exit() after a fault or any other unexpected exception.
#define BOARD_EXIT_FAULT 3

// Brings up the console and starts the instruction counter. Call once, first thing in main().
void board_init(void);

void board_putc(char c);         // the port's console UART, polled
void board_puts(const char* s);  // no newline appended (board_printf.c)
// Minimal printf: %d %i %u %x %X %c %s %p %%, the l and ll size modifiers; numbers also take a
// width and a '0' flag (%08x, %5u). Shared by the ports (board_printf.c), over board_putc().
void board_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Guest instructions executed since board_init() under QEMU's `-icount shift=0`, to within the
// port's resolution (BOARD_INSNS_PER_TICK in its board.h). Monotonic, 64 bits.
uint64_t board_cycles(void);

// Empty, never inlined: call it at region boundaries for the qemu-insn-count plugin (mark=).
void bench_mark(void);

// Ends the QEMU process with `code` as its exit status. Never returns.
void board_exit(int code) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif  // PICOWASM_PORTS_COMMON_BOARD_API_H
