// Arm semihosting calls (QEMU services them when started with -semihosting-config enable=on), for
// every Arm port (arm_semihosting.c, which also implements board_exit over them). Without a
// debugger or QEMU attached, a semihosting call stops the CPU at a breakpoint.
#ifndef PICOWASM_PORTS_COMMON_SEMIHOSTING_H
#define PICOWASM_PORTS_COMMON_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEMIHOSTING_SYS_OPEN 0x01u
#define SEMIHOSTING_SYS_WRITE 0x05u
#define SEMIHOSTING_SYS_GET_CMDLINE 0x15u
#define SEMIHOSTING_OPEN_APPEND 8u  // SYS_OPEN mode "a": on ":tt", the console's error stream

// Operation `op` with its argument (a value or the address of a parameter block); returns r0.
uint32_t semihosting_call(uint32_t op, uint32_t arg);

// The first word after the program's path on the semihosting command line (QEMU: `-append WORD`)
// into name[0..size), truncated; "" when there is none.
void semihosting_first_argument(char* name, size_t size);

#ifdef __cplusplus
}
#endif

#endif  // PICOWASM_PORTS_COMMON_SEMIHOSTING_H
