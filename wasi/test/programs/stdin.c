// Reads stdin to EOF in small pieces and writes it back upper-cased, then the counts.
#include <ctype.h>
#include <stdio.h>

int main(void) {
  char buf[7];
  size_t n, bytes = 0, lines = 0;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; ++i) {
      lines += buf[i] == '\n';
      putchar(toupper((unsigned char)buf[i]));
    }
    bytes += n;
  }
  printf("bytes=%zu lines=%zu eof=%d\n", bytes, lines, feof(stdin) != 0);
  return 0;
}
