// malloc/free/realloc stress inside linear memory: blocks of pseudo-random sizes (a fixed LCG),
// each filled with a pattern that is checked before it is freed; then one block larger than the
// initial memory, so memory.grow runs.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
#define ROUNDS 20000

static uint32_t seed = 12345;
static uint32_t next(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}

int main(void) {
  static unsigned char* block[SLOTS];
  static size_t size[SLOTS];
  unsigned bad = 0, allocs = 0, frees = 0, reallocs = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    const uint32_t i = next() % SLOTS;
    if (block[i]) {
      for (size_t k = 0; k < size[i]; ++k) bad += block[i][k] != (unsigned char)(i + k);
      if (next() % 4 == 0) {
        const size_t grown = size[i] + next() % 3000;
        unsigned char* p = realloc(block[i], grown);
        if (!p) return 2;
        for (size_t k = 0; k < size[i]; ++k) bad += p[k] != (unsigned char)(i + k);
        for (size_t k = size[i]; k < grown; ++k) p[k] = (unsigned char)(i + k);
        block[i] = p, size[i] = grown, ++reallocs;
        continue;
      }
      free(block[i]);
      block[i] = NULL, ++frees;
    } else {
      size[i] = 1 + next() % 4096;
      block[i] = malloc(size[i]);
      if (!block[i]) return 2;
      for (size_t k = 0; k < size[i]; ++k) block[i][k] = (unsigned char)(i + k);
      ++allocs;
    }
  }
  for (int i = 0; i < SLOTS; ++i) free(block[i]);
  unsigned char* big = malloc(8u << 20);  // 8 MiB: well past the initial memory
  if (!big) return 3;
  memset(big, 0x5a, 8u << 20);
  bad += big[0] != 0x5a || big[(8u << 20) - 1] != 0x5a;
  free(big);
  printf("allocs+frees+reallocs=%u bad=%u\n", allocs + frees + reallocs, bad);
  return bad != 0;
}
