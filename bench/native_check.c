/* bench_native_checksums: runs every native benchmark entry and compares its result with a value
 * computed independently of the C code by bench/tools/reference.py (regenerate the rows with
 * `python3 bench/tools/reference.py`). How each expected value was obtained:
 *   fib     Python integer iteration a, b = b, a + b, mod 2^32;
 *   sieve   runs * pi(65536), pi counted by trial division (= 6542, the known pi(2^16));
 *   crc32   zlib.crc32 of the LCG buffer repeated `passes` times (`reference.py --dump crc32 P`
 *           writes that message for any other CRC tool);
 *   matmul  exact integer arithmetic (entries are quarters) with the weights folded into B by
 *           linearity: a different computation than the program's loop nest, same exact value;
 *   sha256  hashlib.sha256 of the message; cross-checked with
 *           `reference.py --dump sha256 P | sha256sum` (first 8 hex digits) for P = 0, 1, 3, 65;
 *   sort    Python's sorted() of the same LCG values;
 *   mixed   Python lists for the linked-list phase (list.index, insert/pop, stable sorted),
 *           plain integer matrices, regex token grammar for the tokenizer, zlib.crc32 for the CRC;
 *   listsort stable sorted() and bisect; crc16 binascii.crc_hqx and a catalogue-checked loop;
 *   q15, dense8 Python integers; nmea a regex of the sentence grammar; calls plain Python
 *   functions; biquad doubles rounded to float32 after each operation; cbor the items' figures
 *   computed without any CBOR code.
 * The rows cover edge cases, small sizes, and each program's default and Cortex-M parameters
 * (the test fails if the table's parameters change without new rows here). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "programs.h"

typedef struct expected_result {
  const char* program;
  int32_t param;
  int64_t integer; /* for i32 and i64 results */
  double real;     /* for f64 results */
} expected_result;

static const expected_result expected_results[] = {
    {"fib", 0, 0, 0.0},
    {"fib", 1, 1, 0.0},
    {"fib", 2, 1, 0.0},
    {"fib", 20, 6765, 0.0},
    {"fib", 33, 3524578, 0.0},
    {"fib", 25, 75025, 0.0},
    {"sieve", 0, 0, 0.0},
    {"sieve", 1, 6542, 0.0},
    {"sieve", 3, 19626, 0.0},
    {"sieve", 400, 2616800, 0.0},
    {"sieve", 5, 32710, 0.0},
    {"crc32", 0, 0, 0.0},
    {"crc32", 1, 273302795, 0.0},
    {"crc32", 3, 1503839036, 0.0},
    {"crc32", 400, -1718117811, 0.0},
    {"crc32", 16, 1546889161, 0.0},
    {"matmul", 1, 0, 0x1.9000000000000p+1},
    {"matmul", 5, 0, -0x1.2c70000000000p+9},
    {"matmul", 64, 0, 0x1.0575000000000p+14},
    {"matmul", 100, 0, 0x1.0575000000000p+14},
    {"matmul", 7, 0, 0x1.de90000000000p+9},
    {"sha256", 0, -474954686, 0.0},
    {"sha256", 1, -412355731, 0.0},
    {"sha256", 3, -790572164, 0.0},
    {"sha256", 64, 431462249, 0.0},
    {"sha256", 65, 311363869, 0.0},
    {"sha256", 40000, 810349348, 0.0},
    {"sha256", 500, 1274347757, 0.0},
    {"sort", 0, 0, 0.0},
    {"sort", 2, INT64_C(11872736586452228), 0.0},
    {"sort", 48, INT64_C(286682856458705841), 0.0},
    {"sort", 1, INT64_C(5932943391183153), 0.0},
    {"mixed", 0, 0, 0.0},
    {"mixed", 1, 1776887927, 0.0},
    {"mixed", 5, 1465476425, 0.0},
    {"mixed", 1000, 1026699273, 0.0},
    {"mixed", 32, -849385274, 0.0},
    {"listsort", 0, 0, 0.0},
    {"listsort", 1, 67139825, 0.0},
    {"listsort", 2, 1503739739, 0.0},
    {"listsort", 40, -1176558403, 0.0},
    {"crc16", 0, -1, 0.0},
    {"crc16", 1, -535591823, 0.0},
    {"crc16", 2, -540296778, 0.0},
    {"crc16", 200, 228679710, 0.0},
    {"crc16", 3, -1602549932, 0.0},
    {"q15", 0, 0, 0.0},
    {"q15", 1, 1900212224, 0.0},
    {"q15", 2, -987322896, 0.0},
    {"q15", 800, -124436816, 0.0},
    {"q15", 13, -1811798768, 0.0},
    {"nmea", 0, 0, 0.0},
    {"nmea", 1, 116379096, 0.0},
    {"nmea", 2, 1072308387, 0.0},
    {"nmea", 400, -504616512, 0.0},
    {"nmea", 7, -1214083936, 0.0},
    {"calls", 0, 1, 0.0},
    {"calls", 1, -1640532536, 0.0},
    {"calls", 64, -1229095192, 0.0},
    {"calls", 1000000, -661632616, 0.0},
    {"calls", 16000, -987200616, 0.0},
    {"biquad", 0, 0, 0x0.0p+0},
    {"biquad", 1, 0, 0x1.c18b9a1e2f748p-4},
    {"biquad", 2, 0, 0x1.c24ccf249c3f2p-3},
    {"biquad", 4000, 0, 0x1.029c97764eea5p+9},
    {"biquad", 32, 0, 0x1.0c4b7e370bc5cp+2},
    {"dense8", 0, 0, 0.0},
    {"dense8", 1, 2055, 0.0},
    {"dense8", 2, 64229, 0.0},
    {"dense8", 20000, 92070204, 0.0},
    {"dense8", 300, -367035494, 0.0},
    {"cbor", 0, 0, 0.0},
    {"cbor", 1, -1799825831, 0.0},
    {"cbor", 2, -757356126, 0.0},
    {"cbor", 300, -918102875, 0.0},
    {"cbor", 5, 16075589, 0.0},
};

enum { EXPECTED_COUNT = sizeof expected_results / sizeof expected_results[0] };

static const bench_program* find_program(const char* name) {
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    if (strcmp(bench_programs[i].name, name) == 0) return &bench_programs[i];
  }
  return NULL;
}

static uint64_t expected_bits(const bench_program* program, const expected_result* expected) {
  switch (program->result_type) {
    case BENCH_RESULT_I32: return (uint32_t)expected->integer;
    case BENCH_RESULT_I64: return (uint64_t)expected->integer;
    case BENCH_RESULT_F64: {
      uint64_t bits;
      memcpy(&bits, &expected->real, sizeof bits);
      return bits;
    }
  }
  return 0;
}

static int has_row(const char* program, int32_t param) {
  for (int i = 0; i < EXPECTED_COUNT; ++i) {
    if (strcmp(expected_results[i].program, program) == 0 && expected_results[i].param == param) {
      return 1;
    }
  }
  return 0;
}

int main(void) {
  int passed = 0;
  int failed = 0;
  for (int i = 0; i < EXPECTED_COUNT; ++i) {
    const expected_result* expected = &expected_results[i];
    const bench_program* program = find_program(expected->program);
    if (program == NULL) {
      printf("FAIL %s: no such program\n", expected->program);
      ++failed;
      continue;
    }
    uint64_t want = expected_bits(program, expected);
    uint64_t got = bench_run_native(program, expected->param);
    if (got == want) {
      ++passed;
    } else {
      printf("FAIL %s(%" PRId32 "): got bits 0x%016" PRIx64 ", expected 0x%016" PRIx64 "\n",
             program->name, expected->param, got, want);
      ++failed;
    }
  }
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    const bench_program* program = &bench_programs[i];
    if (has_row(program->name, program->default_param) &&
        has_row(program->name, program->cortex_m_param)) {
      ++passed;
    } else {
      printf("FAIL %s: default or Cortex-M parameter has no expected row\n", program->name);
      ++failed;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
