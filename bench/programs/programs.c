/* The program table. Native only: each wasm module is built from its program file alone. */
#include "programs.h"

#define BENCH_I32(name, default_param, cortex_m_param) \
  { #name, "bench_" #name, BENCH_RESULT_I32, bench_##name, 0, 0, default_param, cortex_m_param }
#define BENCH_I64(name, default_param, cortex_m_param) \
  { #name, "bench_" #name, BENCH_RESULT_I64, 0, bench_##name, 0, default_param, cortex_m_param }
#define BENCH_F64(name, default_param, cortex_m_param) \
  { #name, "bench_" #name, BENCH_RESULT_F64, 0, 0, bench_##name, default_param, cortex_m_param }

/* Parameter choices and their timings are documented in each program's header comment. */
/* clang-format off */
const bench_program bench_programs[BENCH_PROGRAM_COUNT] = {
    /*        name    default  Cortex-M */
    BENCH_I32(fib,        33,       25),
    BENCH_I32(sieve,     400,        5),
    BENCH_I32(crc32,     400,       16),
    BENCH_F64(matmul,     64,        7),
    BENCH_I32(sha256,  40000,      500),
    BENCH_I64(sort,       48,        1),
    BENCH_I32(mixed,    1000,       32),
    BENCH_I32(listsort,   40,        1),
    BENCH_I32(crc16,     200,        3),
    BENCH_I32(q15,       800,       13),
    BENCH_I32(nmea,      400,        7),
    BENCH_I32(calls, 1000000,    16000),
    BENCH_F64(biquad,   4000,       32),
    BENCH_I32(dense8,  20000,      300),
    BENCH_I32(cbor,      300,        5),
};
/* clang-format on */

uint64_t bench_run_native(const bench_program* program, int32_t param) {
  switch (program->result_type) {
    case BENCH_RESULT_I32: return (uint32_t)program->entry_i32(param);
    case BENCH_RESULT_I64: return (uint64_t)program->entry_i64(param);
    case BENCH_RESULT_F64: {
      /* Reading another union member is the C99 (TC3) way to reinterpret bits. */
      union {
        double value;
        uint64_t bits;
      } pun;
      pun.value = program->entry_f64(param);
      return pun.bits;
    }
  }
  return 0;
}
