/* sort: in-place heapsort (iterative sift-down, no recursion) of 4096 LCG int32 values,
 * `runs` times with fresh data each run. Measures data-dependent branches and indexed
 * loads/stores with poor locality.
 *
 * Parameter: runs (< 1 gives 0).
 * Data:      one LCG stream, state = 42; run r sorts draws [4096 r, 4096 r + 4096), each draw
 *            reinterpreted as a signed int32.
 * Result:    sum over runs and i of sorted[i] * (i + 1), mod 2^64, as int64. The position
 *            weights make the checksum depend on the order, not only on the multiset.
 * Expected:  default runs = 48 -> 286682856458705841 (~25 ms on x86-64 at -O2);
 *            Cortex-M runs = 1 -> 5932943391183153.
 * Memory:    16 KiB array static; constant stack.
 * Cost:      per run ~100 K comparisons; runs = 1 is 1.05 M instructions on a
 *            Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum { SORT_COUNT = 4096 };

static int32_t sort_values[SORT_COUNT];

/* Moves values[root] down until the max-heap property holds within values[0, end). */
static void sift_down(int32_t* values, int32_t root, int32_t end) {
  int32_t moving = values[root];
  for (;;) {
    int32_t child = 2 * root + 1;
    if (child >= end) break;
    if (child + 1 < end && values[child + 1] > values[child]) ++child;
    if (values[child] <= moving) break;
    values[root] = values[child];
    root = child;
  }
  values[root] = moving;
}

static void heapsort(int32_t* values, int32_t count) {
  for (int32_t root = count / 2 - 1; root >= 0; --root) sift_down(values, root, count);
  for (int32_t end = count - 1; end > 0; --end) {
    int32_t largest = values[0];
    values[0] = values[end];
    values[end] = largest;
    sift_down(values, 0, end);
  }
}

int64_t bench_sort(int32_t runs) {
  uint32_t lcg = 42;
  uint64_t checksum = 0;
  for (int32_t run = 0; run < runs; ++run) {
    for (int32_t i = 0; i < SORT_COUNT; ++i) {
      sort_values[i] = bench_u32_to_i32(bench_lcg_next(&lcg));
    }
    heapsort(sort_values, SORT_COUNT);
    for (int32_t i = 0; i < SORT_COUNT; ++i) {
      checksum += (uint64_t)(int64_t)sort_values[i] * (uint64_t)(i + 1);
    }
  }
  return bench_u64_to_i64(checksum);
}
