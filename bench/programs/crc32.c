/* crc32: table-driven CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) with the table built at
 * run time, over a 16 KiB buffer of LCG bytes fed `passes` times in a row. Measures byte loads,
 * table lookups, shifts and xors.
 *
 * Parameter: passes (< 1 hashes the empty message).
 * Result:    CRC-32 of the buffer repeated `passes` times (= zlib.crc32), as int32.
 *            The buffer: state = 1, then byte i = top 8 bits of the i-th LCG output.
 * Expected:  default passes = 400 -> -1718117811 (0x99979a4d, ~23 ms on x86-64 at -O2);
 *            Cortex-M passes = 16 -> 1546889161 (0x5c33a7c9).
 * Memory:    16 KiB buffer + 1 KiB table static; constant stack.
 * Cost:      ~7 instructions per byte; passes = 16 is 1.9 M instructions on a
 *            Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum { CRC32_BUFFER_SIZE = 16384 };

static uint32_t crc32_table[256];
static uint8_t crc32_buffer[CRC32_BUFFER_SIZE];

static void build_crc32_table(void) {
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc32_table[n] = c;
  }
}

int32_t bench_crc32(int32_t passes) {
  build_crc32_table();
  uint32_t lcg = 1;
  for (int32_t i = 0; i < CRC32_BUFFER_SIZE; ++i) {
    crc32_buffer[i] = (uint8_t)(bench_lcg_next(&lcg) >> 24);
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (int32_t pass = 0; pass < passes; ++pass) {
    for (int32_t i = 0; i < CRC32_BUFFER_SIZE; ++i) {
      crc = crc32_table[(crc ^ crc32_buffer[i]) & 0xFFu] ^ (crc >> 8);
    }
  }
  return bench_u32_to_i32(crc ^ 0xFFFFFFFFu);
}
