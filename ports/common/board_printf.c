// board_puts and board_printf for every port, over the port's board_putc (board_api.h).
#include <stdarg.h>
#include <stdint.h>

#include "board_api.h"

void board_puts(const char* s) {
  while (*s) board_putc(*s++);
}

// Writes `value` in `base` right-aligned to `width` (pad '0' or ' '); `negative` adds a '-'.
static void put_number(unsigned long long value, unsigned base, int negative, unsigned width,
                       char pad, int upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[22];  // 2^64-1 has 20 decimal digits, plus sign
  unsigned n = 0;
  do {
    buf[n++] = digits[value % base];
    value /= base;
  } while (value != 0);
  unsigned length = n + (negative ? 1u : 0u);
  if (negative && pad == '0') board_putc('-');
  for (; length < width; ++length) board_putc(pad);
  if (negative && pad != '0') board_putc('-');
  while (n > 0) board_putc(buf[--n]);
}

void board_printf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  for (; *fmt; ++fmt) {
    if (*fmt != '%') {
      board_putc(*fmt);
      continue;
    }
    ++fmt;
    char pad = ' ';
    if (*fmt == '0') {
      pad = '0';
      ++fmt;
    }
    unsigned width = 0;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10u + (unsigned)(*fmt++ - '0');
    int longs = 0;  // number of 'l' modifiers: int, long, long long
    while (*fmt == 'l') {
      ++longs;
      ++fmt;
    }
    switch (*fmt) {
      case 'd':
      case 'i': {
        long long v = longs >= 2   ? va_arg(args, long long)
                      : longs == 1 ? va_arg(args, long)
                                   : va_arg(args, int);
        // Negate in unsigned arithmetic so LLONG_MIN does not overflow.
        unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        put_number(magnitude, 10, v < 0, width, pad, 0);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        unsigned long long v = longs >= 2   ? va_arg(args, unsigned long long)
                               : longs == 1 ? va_arg(args, unsigned long)
                                            : va_arg(args, unsigned);
        put_number(v, *fmt == 'u' ? 10u : 16u, 0, width, pad, *fmt == 'X');
        break;
      }
      case 'p':
        board_puts("0x");
        put_number((uintptr_t)va_arg(args, void*), 16, 0, 8, '0', 0);
        break;
      case 'c': board_putc((char)va_arg(args, int)); break;
      case 's': {
        const char* s = va_arg(args, const char*);
        board_puts(s ? s : "(null)");
        break;
      }
      case '%': board_putc('%'); break;
      case '\0': --fmt; break;  // lone '%' at the end: stop cleanly
      default:  // unknown conversion: show it verbatim rather than guess its argument
        board_putc('%');
        board_putc(*fmt);
        break;
    }
  }
  va_end(args);
}
