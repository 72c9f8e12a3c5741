/* Register addresses of mps2-an386 peripherals used by the HAL drivers (AN386, QEMU 7.2 mps2.c;
 * checked with `info mtree`). Port-internal. */
#ifndef PICOWASM_PORTS_CORTEX_M4_MPS2_REGS_H
#define PICOWASM_PORTS_CORTEX_M4_MPS2_REGS_H

#include <stdint.h>

#define MPS2_REG(addr) (*(volatile uint32_t*)(addr))

/* FPGA system control and I/O */
#define MPS2_FPGAIO_LED0 MPS2_REG(0x40028000u)   /* [1:0] USERLED0-1 */
#define MPS2_FPGAIO_BUTTON MPS2_REG(0x40028008u) /* [1:0] user buttons, read only */
#define MPS2_FPGAIO_MISC MPS2_REG(0x4002804Cu)   /* chip selects, see mps2_spi.c */

/* Serial communication controller */
#define MPS2_SCC_CFG1 MPS2_REG(0x4002F004u) /* [7:0] MCC user LEDs */
#define MPS2_SCC_CFG3 MPS2_REG(0x4002F00Cu) /* [7:0] MCC DIP switches, read only */

/* NVIC */
#define MPS2_NVIC_ISER0 MPS2_REG(0xE000E100u)
#define MPS2_NVIC_ICER0 MPS2_REG(0xE000E180u)
#define MPS2_NVIC_ICPR0 MPS2_REG(0xE000E280u)

#endif /* PICOWASM_PORTS_CORTEX_M4_MPS2_REGS_H */
