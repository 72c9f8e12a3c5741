/* pw_fmt.h: tiny text formatting for picowasm guests without libc (no printf, no heap).
 *
 *   char line[64];
 *   pw_str s = pw_str_make(line, sizeof line);
 *   pw_str_cat(&s, "t=");
 *   pw_str_i32(&s, 21);
 *   pw_log_write(PW_LOG_INFO, s.buf, s.len);
 *
 * Text that does not fit is cut off (s.truncated is set); the buffer is not NUL-terminated.
 */
#ifndef PW_FMT_H
#define PW_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pw_str {
  char* buf;
  int32_t cap;
  int32_t len;
  bool truncated;
} pw_str;

static inline pw_str pw_str_make(char* buf, size_t cap) {
  pw_str s;
  s.buf = buf;
  s.cap = (int32_t)cap;
  s.len = 0;
  s.truncated = false;
  return s;
}

static inline void pw_str_clear(pw_str* s) {
  s->len = 0;
  s->truncated = false;
}

static inline void pw_str_char(pw_str* s, char c) {
  if (s->len < s->cap) {
    s->buf[s->len++] = c;
  } else {
    s->truncated = true;
  }
}

static inline void pw_str_mem(pw_str* s, const char* text, int32_t len) {
  for (int32_t i = 0; i < len; ++i) pw_str_char(s, text[i]);
}

static inline void pw_str_cat(pw_str* s, const char* text) {
  while (*text != '\0') pw_str_char(s, *text++);
}

/* Decimal, at least min_digits digits (zero-padded), a '-' for negative values. */
static inline void pw_str_i64_pad(pw_str* s, int64_t value, int32_t min_digits) {
  char digits[20];
  int32_t n = 0;
  /* Work on the negative magnitude: INT64_MIN has no positive counterpart. */
  int64_t v = value < 0 ? value : -value;
  do {
    digits[n++] = (char)('0' - (v % 10));
    v /= 10;
  } while (v != 0);
  while (n < min_digits && n < (int32_t)sizeof digits) digits[n++] = '0';
  if (value < 0) pw_str_char(s, '-');
  while (n > 0) pw_str_char(s, digits[--n]);
}

static inline void pw_str_i64(pw_str* s, int64_t value) {
  pw_str_i64_pad(s, value, 1);
}
static inline void pw_str_i32(pw_str* s, int32_t value) {
  pw_str_i64_pad(s, value, 1);
}

/* "0x" and at least min_digits lower-case hex digits. */
static inline void pw_str_hex(pw_str* s, uint32_t value, int32_t min_digits) {
  static const char kHex[] = "0123456789abcdef";
  char digits[8];
  int32_t n = 0;
  do {
    digits[n++] = kHex[value & 0xF];
    value >>= 4;
  } while (value != 0);
  while (n < min_digits && n < (int32_t)sizeof digits) digits[n++] = '0';
  pw_str_cat(s, "0x");
  while (n > 0) pw_str_char(s, digits[--n]);
}

/* Equal to a NUL-terminated string (for parsing commands). */
static inline bool pw_mem_equals(const char* a, int32_t len, const char* lit) {
  int32_t i = 0;
  for (; i < len; ++i) {
    if (lit[i] == '\0' || lit[i] != a[i]) return false;
  }
  return lit[i] == '\0';
}

#ifdef __cplusplus
}
#endif

#endif /* PW_FMT_H */
