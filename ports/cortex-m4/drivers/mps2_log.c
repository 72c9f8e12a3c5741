/* Log records on mps2-an386: one line "log LEVEL: text" per record (error, warn, info, debug: the
 * virtual board's words, without its timestamps) on the semihosting console, which QEMU writes to
 * its standard error (or -semihosting-config chardev=...). The app's UART 0 is QEMU's first serial
 * port (standard output), so an app's UART bytes and its log records arrive on separate streams, as
 * on the virtual board. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mps2_hal.h"
#include "picowasm/config.h"
#include "semihosting.h"

#define PREFIX_MAX 11u /* "log debug: " */

static const char* const kLevels[4] = {"error", "warn", "info", "debug"};

void mps2_console_write(const mps2_log* log, const char* text, uint32_t len) {
  if (log->handle < 0 || len == 0) return;
  uint32_t block[3] = {(uint32_t)log->handle, (uint32_t)text, len};
  semihosting_call(SEMIHOSTING_SYS_WRITE, (uint32_t)block);
}

void mps2_console_line(const mps2_log* log, const char* fmt, ...) {
  char line[MPS2_CONSOLE_LINE_MAX];
  va_list args;
  va_start(args, fmt);
  const int n = vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  if (n < 0) return;
  /* The newline takes the place of vsnprintf's terminating NUL. */
  uint32_t len = (uint32_t)n < sizeof line - 1u ? (uint32_t)n : (uint32_t)(sizeof line - 1u);
  line[len++] = '\n';
  mps2_console_write(log, line, len);
}

static int32_t log_write(void* ctx, int32_t level, const char* text, uint32_t len) {
  const mps2_log* log = (const mps2_log*)ctx;
  if (level > log->threshold) return PW_HAL_OK; /* dropped, as documented: still OK */
  char line[PREFIX_MAX + PICOWASM_HAL_MAX_TRANSFER + 1];
  if (len > PICOWASM_HAL_MAX_TRANSFER) len = PICOWASM_HAL_MAX_TRANSFER;
  const char* name = kLevels[level & 3];
  memcpy(line, "log ", 4);
  uint32_t n = 4;
  while (*name) line[n++] = *name++;
  line[n++] = ':';
  line[n++] = ' ';
  memcpy(line + n, text, len);
  n += len;
  line[n++] = '\n';
  mps2_console_write(log, line, n);
  return PW_HAL_OK;
}

const pw_log_driver mps2_log_driver = {log_write};

void mps2_log_init(mps2_log* log) {
  static const char kConsole[] = ":tt";
  uint32_t block[3] = {(uint32_t)kConsole, SEMIHOSTING_OPEN_APPEND, sizeof kConsole - 1u};
  log->handle = (int32_t)semihosting_call(SEMIHOSTING_SYS_OPEN, (uint32_t)block);
  log->threshold = 3;
}
