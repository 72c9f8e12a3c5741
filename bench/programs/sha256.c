/* sha256: SHA-256 (FIPS 180-4) of a message of `blocks` 64-byte blocks cycling through a 4 KiB
 * LCG buffer, with the standard padding. Measures 32-bit rotates, adds and big-endian loads.
 *
 * Parameter: blocks (< 1 hashes the empty message).
 * Data:      LCG state = 0x5EED, byte i of the buffer = top 8 bits of the i-th draw; message
 *            block b is buffer bytes [64 (b % 64), 64 (b % 64) + 64).
 * Result:    the digest's first 32-bit word (its bytes 0-3 big-endian), as int32.
 * Expected:  default blocks = 40000 -> 810349348 (0x304cf324, ~23 ms on x86-64 at -O2);
 *            Cortex-M blocks = 500 -> 1274347757 (0x4bf500ed).
 * Memory:    4 KiB buffer + 256 B constants static; ~0.5 KiB stack (schedule, padding).
 * Cost:      ~3.3 K instructions per block; blocks = 500 is 1.7 M instructions on a
 *            Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2). */
#include "bench_common.h"
#include "programs.h"

enum { SHA256_BLOCK = 64, SHA256_BUFFER_BLOCKS = 64 };

static const uint32_t sha256_round_constants[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

static uint8_t sha256_buffer[SHA256_BLOCK * SHA256_BUFFER_BLOCKS];

static uint32_t rotate_right(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

static void compress_block(uint32_t state[8], const uint8_t block[SHA256_BLOCK]) {
  uint32_t w[64];
  for (int t = 0; t < 16; ++t) {
    const uint8_t* p = block + 4 * t;
    w[t] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
  }
  for (int t = 16; t < 64; ++t) {
    uint32_t s0 = rotate_right(w[t - 15], 7) ^ rotate_right(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotate_right(w[t - 2], 17) ^ rotate_right(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 64; ++t) {
    uint32_t sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
    uint32_t choose = (e & f) ^ (~e & g);
    uint32_t t1 = h + sum1 + choose + sha256_round_constants[t] + w[t];
    uint32_t sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
    uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = sum0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

int32_t bench_sha256(int32_t blocks) {
  if (blocks < 0) blocks = 0;
  uint32_t lcg = 0x5EED;
  for (int32_t i = 0; i < SHA256_BLOCK * SHA256_BUFFER_BLOCKS; ++i) {
    sha256_buffer[i] = (uint8_t)(bench_lcg_next(&lcg) >> 24);
  }
  uint32_t state[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                       0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
  for (int32_t b = 0; b < blocks; ++b) {
    compress_block(state, sha256_buffer + SHA256_BLOCK * (b % SHA256_BUFFER_BLOCKS));
  }
  /* The message is a whole number of blocks, so the padding (0x80, zeros, 64-bit big-endian
   * bit length) is exactly one more block. */
  uint8_t padding[SHA256_BLOCK];
  uint64_t bit_length = (uint64_t)blocks * SHA256_BLOCK * 8;
  padding[0] = 0x80;
  for (int i = 1; i < SHA256_BLOCK - 8; ++i) padding[i] = 0;
  for (int i = 0; i < 8; ++i) padding[SHA256_BLOCK - 1 - i] = (uint8_t)(bit_length >> (8 * i));
  compress_block(state, padding);
  return bench_u32_to_i32(state[0]);
}
