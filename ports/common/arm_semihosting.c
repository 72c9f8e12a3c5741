// Semihosting calls, the command line and board_exit for every Arm port (Cortex-M0 to M33): BKPT
// 0xAB is the M-profile semihosting trap on ARMv6-M as on ARMv7-M/ARMv8-M.
#include <stdint.h>
#include <string.h>

#include "board_api.h"
#include "semihosting.h"

#define SEMIHOSTING_SYS_EXIT 0x18u
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

uint32_t semihosting_call(uint32_t op, uint32_t arg) {
  register uint32_t r0 __asm__("r0") = op;
  register uint32_t r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

#define CMDLINE_BYTES 256u  // the program's path comes first

void semihosting_first_argument(char* name, size_t size) {
  char cmdline[CMDLINE_BYTES] = {0};
  uint32_t block[2] = {(uint32_t)cmdline, sizeof cmdline - 1u};
  name[0] = '\0';
  if (size == 0 || semihosting_call(SEMIHOSTING_SYS_GET_CMDLINE, (uint32_t)block) != 0) return;
  const char* arg = strchr(cmdline, ' ');
  if (!arg) return;
  while (*arg == ' ') ++arg;
  size_t n = strcspn(arg, " \n");
  if (n >= size) n = size - 1;
  memcpy(name, arg, n);
  name[n] = '\0';
}

void board_exit(int code) {
  // SYS_EXIT_EXTENDED carries the status code (plain AArch32 SYS_EXIT can only say ok / not ok).
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, (uint32_t)block);
  // Still here: the host lacks the extension; fall back to the pass/fail form.
  semihosting_call(SEMIHOSTING_SYS_EXIT,
                   code == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR_UNKNOWN);
  for (;;) __asm__ volatile("bkpt 0");  // no semihosting at all: stop here for a debugger
}
