// qsort on a hand-checkable array, strings, and 10000 pseudo-random ints checked for order and
// for being a permutation (the same sum and xor as before sorting).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void* a, const void* b) {
  const int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(void) {
  int small[] = {5, -3, 9, 0, 2, 2, -10, 7};
  qsort(small, 8, sizeof small[0], cmp_int);
  for (int i = 0; i < 8; ++i) printf("%d%c", small[i], i == 7 ? '\n' : ' ');
  const char* words[] = {"pear", "apple", "fig", "banana", "cherry"};
  qsort(words, 5, sizeof words[0], cmp_str);
  for (int i = 0; i < 5; ++i) printf("%s%c", words[i], i == 4 ? '\n' : ' ');
  static int big[10000];
  uint32_t s = 1, sum = 0, x = 0;
  for (int i = 0; i < 10000; ++i) {
    s = s * 1664525u + 1013904223u;
    big[i] = (int)(s >> 1) - (1 << 30);
    sum += (uint32_t)big[i], x ^= (uint32_t)big[i];
  }
  qsort(big, 10000, sizeof big[0], cmp_int);
  int ordered = 1;
  uint32_t sum2 = 0, x2 = 0;
  for (int i = 0; i < 10000; ++i) {
    if (i && big[i - 1] > big[i]) ordered = 0;
    sum2 += (uint32_t)big[i], x2 ^= (uint32_t)big[i];
  }
  printf("sorted=%d permutation=%d\n", ordered, sum == sum2 && x == x2);
  return 0;
}
