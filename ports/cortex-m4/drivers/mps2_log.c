/* Log records on mps2-an386: one line "log L: text" per record (L = E, W, I, D) on the
 * semihosting console, which QEMU writes to its standard error (or -semihosting-config
 * chardev=...). The app's UART 0 is QEMU's first serial port (standard output), so an app's UART
 * bytes and its log records arrive on separate streams, as on the virtual board. */
#include <string.h>

#include "mps2_hal.h"
#include "picowasm/config.h"
#include "semihosting.h"

#define PREFIX_LEN 7u /* "log I: " */

void mps2_console_write(const mps2_log* log, const char* text, uint32_t len) {
  if (log->handle < 0 || len == 0) return;
  uint32_t block[3] = {(uint32_t)log->handle, (uint32_t)text, len};
  semihosting_call(SEMIHOSTING_SYS_WRITE, (uint32_t)block);
}

static int32_t log_write(void* ctx, int32_t level, const char* text, uint32_t len) {
  const mps2_log* log = (const mps2_log*)ctx;
  if (level > log->threshold) return PW_HAL_OK; /* dropped, as documented: still OK */
  char line[PREFIX_LEN + PICOWASM_HAL_MAX_TRANSFER + 1];
  if (len > PICOWASM_HAL_MAX_TRANSFER) len = PICOWASM_HAL_MAX_TRANSFER;
  memcpy(line, "log ?: ", PREFIX_LEN);
  line[4] = "EWID"[level & 3];
  memcpy(line + PREFIX_LEN, text, len);
  line[PREFIX_LEN + len] = '\n';
  mps2_console_write(log, line, PREFIX_LEN + len + 1u);
  return PW_HAL_OK;
}

const pw_log_driver mps2_log_driver = {log_write};

void mps2_log_init(mps2_log* log) {
  static const char kConsole[] = ":tt";
  uint32_t block[3] = {(uint32_t)kConsole, SEMIHOSTING_OPEN_APPEND, sizeof kConsole - 1u};
  log->handle = (int32_t)semihosting_call(SEMIHOSTING_SYS_OPEN, (uint32_t)block);
  log->threshold = 3;
}
