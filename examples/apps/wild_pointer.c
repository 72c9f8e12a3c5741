/* wild_pointer: hands the HAL buffers outside its linear memory, which the board must refuse
 * with a trap (memory-safety violation), never a status and never a read of host memory:
 *   1. a range that wraps around 2^32 (0xfffffff0, 32 bytes): a naive `ptr + len <= size`
 *      check in 32 bits would let it through;
 *   2. a range that starts inside memory and runs past its end.
 * Each goes to pw_uart_write when UART 0 output is granted (asked with pw_hal_query), else to
 * pw_log_write. Grant: log, optionally uart:0:w. Exit status 1 means neither call trapped. */
#include "pw_fmt.h"
#include "pw_hal.h"

static bool g_use_uart;

static int32_t write_range(uint32_t addr, int32_t len) {
  const char* p = (const char*)(uintptr_t)addr;
  return g_use_uart ? pw_uart_write(0, p, len) : pw_log_write(PW_LOG_INFO, p, len);
}

static void attempt(const char* what, uint32_t addr, int32_t len) {
  char line[96];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "wild_pointer: ");
  pw_str_cat(&s, g_use_uart ? "uart_write " : "log_write ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, " at ");
  pw_str_hex(&s, addr, 8);
  pw_str_cat(&s, " len ");
  pw_str_i32(&s, len);
  pw_log_write(PW_LOG_WARN, s.buf, s.len);

  int32_t status = write_range(addr, len); /* must trap */

  pw_str_clear(&s);
  pw_str_cat(&s, "wild_pointer: ERROR: no trap, returned ");
  pw_str_i32(&s, status);
  pw_log_write(PW_LOG_ERROR, s.buf, s.len);
}

PW_MAIN {
  g_use_uart = pw_hal_granted(PW_HAL_CLASS_UART, 0, PW_HAL_ACCESS_WRITE);
  uint32_t memory_end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  attempt("wrapping range", 0xFFFFFFF0u, 32);
  attempt("range past the end", memory_end - 8, 64);
  return 1;
}
