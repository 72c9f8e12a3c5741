/* crc16: two bitwise CRC-16s without tables, as small firmware computes them: CRC-16/CCITT-FALSE
 * (poly 0x1021, init 0xFFFF, MSB first; = Python's binascii.crc_hqx(data, 0xFFFF)) and
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF, LSB first), over a 4 KiB buffer of LCG bytes
 * fed `passes` times. Measures tight bit loops: shifts, masks, data-dependent branches.
 *
 * Parameter: passes (< 1 gives the CRCs of the empty message: 0xFFFFFFFF).
 * Result:    (ccitt << 16) | modbus, as int32. Buffer: state = 5, byte i = top 8 bits of the
 *            i-th LCG output. */
#include "bench_common.h"
#include "programs.h"

enum { CRC16_BUFFER_SIZE = 4096 };

static uint8_t crc16_buffer[CRC16_BUFFER_SIZE];

int32_t bench_crc16(int32_t passes) {
  uint32_t lcg = 5;
  for (int32_t i = 0; i < CRC16_BUFFER_SIZE; ++i) {
    crc16_buffer[i] = (uint8_t)(bench_lcg_next(&lcg) >> 24);
  }
  uint32_t ccitt = 0xFFFF, modbus = 0xFFFF;
  for (int32_t pass = 0; pass < passes; ++pass) {
    for (int32_t i = 0; i < CRC16_BUFFER_SIZE; ++i) {
      ccitt ^= (uint32_t)crc16_buffer[i] << 8;
      modbus ^= crc16_buffer[i];
      for (int bit = 0; bit < 8; ++bit) {
        ccitt = (ccitt & 0x8000u) ? ((ccitt << 1) ^ 0x1021u) & 0xFFFFu : (ccitt << 1) & 0xFFFFu;
        modbus = (modbus & 1u) ? (modbus >> 1) ^ 0xA001u : modbus >> 1;
      }
    }
  }
  return bench_u32_to_i32((ccitt << 16) | modbus);
}
