/* memory_bomb: grows its memory one 64 KiB page at a time (memory.grow) until growing fails,
 * writing into each new page, then writes one byte past the end of memory, which must trap
 * (out-of-bounds). Built without a maximum memory size, so the runtime's limit is what stops it.
 * Grant: log. Never returns normally (exit status 1 means no trap happened). */
#include "pw_fmt.h"
#include "pw_hal.h"

static void log_pages(const char* what, uint32_t pages) {
  char line[80];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "memory_bomb: ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, " ");
  pw_str_i64(&s, pages);
  pw_str_cat(&s, " pages (");
  pw_str_i64(&s, (int64_t)pages * 64);
  pw_str_cat(&s, " KiB)");
  pw_log_write(PW_LOG_INFO, s.buf, s.len);
}

PW_MAIN {
  uint32_t pages = (uint32_t)__builtin_wasm_memory_size(0);
  log_pages("start with", pages);
  for (;;) {
    /* memory.grow returns the old size in pages, or -1 (SIZE_MAX) when it refuses. */
    size_t old = __builtin_wasm_memory_grow(0, 1);
    if (old == (size_t)-1) break;
    pages = (uint32_t)old + 1;
    /* Use the page, as a real leak would. */
    volatile uint8_t* fresh = (volatile uint8_t*)(uintptr_t)((uint32_t)old * 65536u);
    fresh[0] = 0xA5;
    fresh[65535] = 0x5A;
    /* A line at powers of two keeps the log short even with thousands of pages. */
    if ((pages & (pages - 1)) == 0) log_pages("grew to", pages);
  }
  log_pages("memory.grow failed at", pages);
  if (pages >= 65536) {
    pw_log_error("memory_bomb: all 4 GiB mapped, nothing lies beyond");
    return 1;
  }

  uint32_t beyond = pages * 65536u;
  char line[64];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "memory_bomb: writing at ");
  pw_str_hex(&s, beyond, 8);
  pw_str_cat(&s, ", past the end");
  pw_log_write(PW_LOG_WARN, s.buf, s.len);
  *(volatile uint8_t*)(uintptr_t)beyond = 1; /* must trap: out-of-bounds store */

  pw_log_error("memory_bomb: ERROR: the store past the end did not trap");
  return 1;
}
