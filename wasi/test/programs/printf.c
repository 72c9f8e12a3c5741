// Every conversion of C11 7.21.6.1 (but %Lf, which needs wasi-libc's long-double printf) with
// flags, widths, precisions and length modifiers; the expected output is written by hand.
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

// %hh and %h convert the int argument to (unsigned) char and short (C11 7.21.6.1p7): on purpose.
#pragma clang diagnostic ignored "-Wformat"

int main(void) {
  printf("[%d] [%i] [%d] [%+d] [% d] [%5d] [%-5d|] [%05d] [%.3d]\n", 42, -42, 0, 7, 7, 42, 42, -42,
         5);
  printf("[%u] [%o] [%#o] [%x] [%X] [%#x] [%#X] [%8.4x]\n", 4294967295u, 8u, 8u, 255u, 255u, 255u,
         255u, 0xabu);
  printf("[%hhd] [%hhu] [%hd] [%hu] [%ld] [%lld] [%llu]\n", 300, 300, 70000, 70000, -1L,
         -9223372036854775807LL - 1, 18446744073709551615ULL);
  printf("[%jd] [%zu] [%td] [%" PRId64 "]\n", (intmax_t)-5, (size_t)123, (ptrdiff_t)-9,
         (int64_t)1 << 40);
  printf("[%c] [%3c] [%-3c|] [%s] [%.2s] [%6s] [%-6s|]\n", 'A', 'b', 'c', "text", "text", "ab",
         "ab");
  printf("[%f] [%.2f] [%8.3f] [%-8.1f|] [%+.0f] [%#.0f] [%010.4f]\n", 3.14159265, 2.675, -1.5,
         0.26, 2.7, 3.0, -3.14159);
  printf("[%e] [%.2E] [%g] [%G] [%g] [%g] [%#g] [%.3g]\n", 12345.678, 0.000123, 100000.0, 1e-5,
         1e6, 0.0001, 1.5, 1234567.0);
  printf("[%a] [%A] [%.1a]\n", 1.0, -0.5, 1.0);
  printf("[%f] [%F] [%f] [%e]\n", 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 > 0 ? 1.0 : -0.0, 0.0);
  int n = 0;
  printf("[%d%%]%n\n", 50, &n);
  printf("[n=%d] [%*d] [%-*d|] [%.*f]\n", n, 4, 9, 3, 9, 2, 1.005);
  return 0;
}
