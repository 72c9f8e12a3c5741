// Reset, vector table and fault reporting for QEMU `microbit` (nRF51822, Cortex-M0); the
// semihosting exit is shared by the Arm ports (ports/common/arm_semihosting.c). What differs from
// the ARMv7-M ports (ports/cortex-m4/startup.c): no FPU, no configurable fault status registers
// (every fault is a HardFault) and no IT blocks or conditional MRS in Thumb-1, so the fault entry
// picks the stack with a branch.
#include <stdint.h>

#include "board.h"
#include "nrf51.h"

int main(void);

// Defined by microbit.ld (through mps2_sections.ld).
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[], end[];
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

void board_init(void) {
  uart_init();
  timer_init();
}

// ---- Stack high-water ---------------------------------------------------------------------------
// With 16 KiB of RAM the stack's depth is part of the budget: the reset handler paints the free RAM
// between the end of .bss and its own frame, and board_stack_peak() finds the deepest word written.
#define STACK_PAINT 0x5AA5C33Cu
#define STACK_PAINT_MARGIN_WORDS 16u  // below the reset handler's own frame

uint32_t board_stack_peak(void) {
  const uint32_t* p = end;
  while (p < __stack_top && *p == STACK_PAINT) ++p;
  return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

// ---- Reset --------------------------------------------------------------------------------------
void reset_handler(void) __attribute__((noreturn));
void reset_handler(void) {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;
  uint32_t* sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t* p = end; p < sp - STACK_PAINT_MARGIN_WORDS; ++p) *p = STACK_PAINT;

  for (init_fn* fn = __preinit_array_start; fn < __preinit_array_end; ++fn) (*fn)();
  for (init_fn* fn = __init_array_start; fn < __init_array_end; ++fn) (*fn)();

  board_exit(main());
}

// ---- Faults and unexpected exceptions -----------------------------------------------------------
// frame: the exception stack frame (r0-r3, r12, lr, pc, xpsr) of the interrupted code. ARMv6-M
// reports no fault cause: the pc is the clue (an unaligned access, an undefined instruction, a bad
// address or a stack overflow into the peripherals all end here).
void fault_report(const uint32_t* frame) __attribute__((used, noreturn));
void fault_report(const uint32_t* frame) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t number = ipsr & 0x3Fu;
  board_printf("\n*** %s (exception %u) pc=0x%08x lr=0x%08x\n",
               number == 3 ? "HardFault" : (number >= 16 ? "IRQ" : "exception"), (unsigned)number,
               (unsigned)frame[6], (unsigned)frame[5]);
  board_exit(BOARD_EXIT_FAULT);
}

// Picks the stack the frame was pushed on (EXC_RETURN bit 2) before any C code moves sp.
__attribute__((naked)) static void fault_handler(void) {
  __asm__ volatile(
      "movs r0, #4\n\t"
      "mov r1, lr\n\t"
      "tst r0, r1\n\t"
      "bne 1f\n\t"
      "mrs r0, msp\n\t"
      "b fault_report\n"
      "1:\n\t"
      "mrs r0, psp\n\t"
      "b fault_report\n\t");
}

// ---- Vector table (at 0x00000000, the start of flash, by the linker script) --------------------
typedef void (*vector_fn)(void);

__attribute__((section(".vectors"), used)) const vector_fn g_vector_table[16 + NRF51_IRQ_COUNT] = {
    [0] = (vector_fn)__stack_top,
    [1] = reset_handler,
    [2 ... 16 + NRF51_IRQ_COUNT - 1] = fault_handler,
};
