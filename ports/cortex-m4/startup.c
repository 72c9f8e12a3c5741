// Reset, vector table and fault reporting for QEMU mps2-an386 / an385 (and, with its own linker
// script and timer IRQ, mps2-an505: ports/cortex-m33-an505). The semihosting exit is shared by the
// Arm ports (ports/common/arm_semihosting.c).
#include <stdint.h>

#include "board.h"
#include "timer.h"
#include "uart.h"

int main(void);

// Defined by mps2_an386.ld.
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

#define REG32(addr) (*(volatile uint32_t*)(addr))
#define SCB_CPACR REG32(0xE000ED88u)
#define SCB_CFSR REG32(0xE000ED28u)
#define SCB_HFSR REG32(0xE000ED2Cu)
#define SCB_MMFAR REG32(0xE000ED34u)
#define SCB_BFAR REG32(0xE000ED38u)

void board_init(void) {
  uart_init();
  timer_init();
}

// ---- Reset --------------------------------------------------------------------------------------
void reset_handler(void) __attribute__((noreturn));
void reset_handler(void) {
#if defined(__ARM_FP)
  // FPU first: hard-float code (even memcpy) may touch s0-s31, which faults while CP10/11 are off.
  // A core without one (Cortex-M3) has no CPACR bits to set: the compiler says which it is.
  SCB_CPACR |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif

  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;

  for (init_fn* fn = __preinit_array_start; fn < __preinit_array_end; ++fn) (*fn)();
  for (init_fn* fn = __init_array_start; fn < __init_array_end; ++fn) (*fn)();

  board_exit(main());
}

// ---- Faults and unexpected exceptions
// -------------------------------------------------------------
static const char* exception_name(uint32_t number) {
  switch (number) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    case 11: return "SVCall";
    case 14: return "PendSV";
    case 15: return "SysTick";
    default: return number >= 16 ? "IRQ" : "reserved";
  }
}

// frame: the exception stack frame (r0-r3, r12, lr, pc, xpsr) of the interrupted code.
void fault_report(const uint32_t* frame) __attribute__((used, noreturn));
void fault_report(const uint32_t* frame) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t number = ipsr & 0x1FFu;
  board_printf("\n*** %s (exception %u) pc=0x%08x lr=0x%08x\n", exception_name(number),
               (unsigned)number, (unsigned)frame[6], (unsigned)frame[5]);
  board_printf("*** CFSR=0x%08x HFSR=0x%08x MMFAR=0x%08x BFAR=0x%08x\n", (unsigned)SCB_CFSR,
               (unsigned)SCB_HFSR, (unsigned)SCB_MMFAR, (unsigned)SCB_BFAR);
  board_exit(BOARD_EXIT_FAULT);
}

// Picks the stack the frame was pushed on (EXC_RETURN bit 2) before any C code moves sp.
__attribute__((naked)) static void fault_handler(void) {
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "b fault_report\n\t");
}

// ---- Vector table (placed at 0x00000000 by the linker script)
// -------------------------------------
typedef void (*vector_fn)(void);
#define IRQ_COUNT 32  // QEMU models 32 external interrupts on the AN385/AN386 images
#define TIMER0_IRQ MPS2_TIMER0_IRQ

__attribute__((section(".vectors"), used)) const vector_fn g_vector_table[16 + IRQ_COUNT] = {
    [0] = (vector_fn)__stack_top,
    [1] = reset_handler,
    [2 ... 15] = fault_handler,
    [16 ... 16 + TIMER0_IRQ - 1] = fault_handler,
    [16 + TIMER0_IRQ] = timer0_irq_handler,
    [16 + TIMER0_IRQ + 1 ... 16 + IRQ_COUNT - 1] = fault_handler,
};
