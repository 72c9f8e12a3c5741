// Reset entry, trap reporting, instruction counter and exit for QEMU riscv32 `virt`, machine mode.
// QEMU (-bios none) starts every hart at the ELF entry in RAM; only hart 0 runs the firmware.
#include <stdint.h>

#include "board.h"
#include "virt.h"

int main(void);

// Defined by virt.ld.
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

// sifive_test finisher: 0x5555 ends QEMU with status 0, (status << 16) | 0x3333 with `status`.
#define TEST_FINISHER_PASS 0x5555u
#define TEST_FINISHER_FAIL 0x3333u

// CSR access: the toolchain's -march is plain rv32imac (see cmake/riscv32-unknown-elf-gcc.cmake),
// so Zicsr is switched on for these instructions only.
#define CSR_READ(name, out)                                                                    \
  __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrr %0, " #name "\n\t.option pop" \
                   : "=r"(out))

void board_exit(int code) {
  REG32(VIRT_TEST_BASE) =
      code == 0 ? TEST_FINISHER_PASS : ((uint32_t)(code & 0xFFFF) << 16) | TEST_FINISHER_FAIL;
  for (;;) __asm__ volatile("wfi");  // no test device (another machine): stop here
}

void board_init(void) {
  uart_init();
}

uint64_t board_cycles(void) {
  // 64-bit read of a counter split in two CSRs: re-read if the high half moved meanwhile.
  uint32_t high, low, again;
  do {
    CSR_READ(minstreth, high);
    CSR_READ(minstret, low);
    CSR_READ(minstreth, again);
  } while (high != again);
  return ((uint64_t)high << 32) | low;
}

// Breakpoint target for the qemu-insn-count plugin: the asm keeps the call from being optimised
// away and noinline gives it a stable address.
__attribute__((noinline)) void bench_mark(void) {
  __asm__ volatile("" ::: "memory");
}

// ---- Traps ------------------------------------------------------------------------------------
// mtvec points here (direct mode needs 4-byte alignment; C code may be 2-byte aligned). Nothing is
// expected to trap, so this reports and exits instead of returning: it may use the interrupted
// code's stack and registers.
__attribute__((aligned(4), noreturn, used)) static void trap_report(void) {
  uint32_t cause, epc, tval;
  CSR_READ(mcause, cause);
  CSR_READ(mepc, epc);
  CSR_READ(mtval, tval);
  board_printf("\n*** trap mcause=0x%08x mepc=0x%08x mtval=0x%08x\n", (unsigned)cause,
               (unsigned)epc, (unsigned)tval);
  board_exit(BOARD_EXIT_FAULT);
}

// ---- Reset ------------------------------------------------------------------------------------
void reset_c(void) __attribute__((noreturn, used));
void reset_c(void) {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;

  for (init_fn* fn = __preinit_array_start; fn < __preinit_array_end; ++fn) (*fn)();
  for (init_fn* fn = __init_array_start; fn < __init_array_end; ++fn) (*fn)();

  board_exit(main());
}

// The ELF entry (virt.ld puts .text.entry first). gp before anything that may be relaxed against
// it; harts other than 0 park; traps go to trap_report.
__attribute__((naked, noreturn, section(".text.entry"))) void _start(void) {
  __asm__ volatile(
      ".option push\n\t"
      ".option norelax\n\t"
      "la gp, __global_pointer$\n\t"
      ".option pop\n\t"
      ".option push\n\t"
      ".option arch, +zicsr\n\t"
      "csrr t0, mhartid\n\t"
      "bnez t0, 1f\n\t"
      "la t0, trap_report\n\t"
      "csrw mtvec, t0\n\t"
      ".option pop\n\t"
      "la sp, __stack_top\n\t"
      "j reset_c\n"
      "1: wfi\n\t"
      "j 1b\n\t");
}
