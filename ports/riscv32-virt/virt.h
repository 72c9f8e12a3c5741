// QEMU `virt` machine (riscv32) addresses the port uses, from QEMU 7.2's hw/riscv/virt.c memory map
// (`info mtree`). Port-internal.
#ifndef PICOWASM_PORTS_RISCV32_VIRT_VIRT_H
#define PICOWASM_PORTS_RISCV32_VIRT_VIRT_H

#include <stdint.h>

#define VIRT_TEST_BASE 0x00100000u   // sifive_test: finisher register (exit QEMU with a status)
#define VIRT_UART0_BASE 0x10000000u  // NS16550A, QEMU's first -serial

#define REG32(addr) (*(volatile uint32_t*)(addr))
#define REG8(addr) (*(volatile uint8_t*)(addr))

void uart_init(void);

#endif  // PICOWASM_PORTS_RISCV32_VIRT_VIRT_H
