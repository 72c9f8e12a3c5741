// Board API for the QEMU riscv32 `virt` port (RV32IMAC, machine mode): the common API of
// ports/common/board_api.h; nothing board-specific beyond it.
#ifndef PICOWASM_PORTS_RISCV32_VIRT_BOARD_H
#define PICOWASM_PORTS_RISCV32_VIRT_BOARD_H

#include "board_api.h"

// board_cycles() reads the instret counter, which QEMU advances by one per guest instruction
// under -icount: its resolution is one instruction.
#define BOARD_INSNS_PER_TICK 1u

// No separate big-buffer memory: the 128 MiB of RAM hold everything.
#define BOARD_PSRAM

#endif  // PICOWASM_PORTS_RISCV32_VIRT_BOARD_H
