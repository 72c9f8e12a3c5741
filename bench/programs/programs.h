/* The benchmark programs' entry points and the table harnesses iterate over.
 * Each bench_<name> lives in programs/<name>.c, which is also built alone as <name>.wasm exporting
 * only that function, so native and wasm results can be compared bit for bit. Every module needs
 * exactly one 64 KiB wasm page (static data <= 34 KiB + 8 KiB stack) and has no imports.
 * Expected results: bench/native_check.c; reference values: bench/tools/reference.py. */
#ifndef PICOWASM_BENCH_PROGRAMS_H
#define PICOWASM_BENCH_PROGRAMS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int32_t bench_fib(int32_t n);
int32_t bench_sieve(int32_t runs);
int32_t bench_crc32(int32_t passes);
double bench_matmul(int32_t n);
int32_t bench_sha256(int32_t blocks);
int64_t bench_sort(int32_t runs);
int32_t bench_mixed(int32_t iterations);
int32_t bench_listsort(int32_t runs);
int32_t bench_crc16(int32_t passes);
int32_t bench_q15(int32_t runs);
int32_t bench_nmea(int32_t runs);
int32_t bench_calls(int32_t steps);
double bench_biquad(int32_t blocks);
int32_t bench_dense8(int32_t samples);
int32_t bench_cbor(int32_t runs);

typedef enum bench_result_type {
  BENCH_RESULT_I32,
  BENCH_RESULT_I64,
  BENCH_RESULT_F64
} bench_result_type;

/* Exactly one entry_* pointer is set, the one matching result_type: plainer than a union to
 * initialise in C and to read from C++. */
typedef struct bench_program {
  const char* name;        /* "fib"; the wasm module is <name>.wasm */
  const char* export_name; /* "bench_fib" */
  bench_result_type result_type;
  int32_t (*entry_i32)(int32_t);
  int64_t (*entry_i64)(int32_t);
  double (*entry_f64)(int32_t);
  int32_t default_param; /* ~5-50 ms natively on x86-64 at -O2 */
  /* ~1-5 M instructions natively on a Cortex-M4, counted with QEMU mps2-an386 -icount
   * (ports/cortex-m4, arm-none-eabi-gcc -O2). */
  int32_t cortex_m_param;
} bench_program;

enum { BENCH_PROGRAM_COUNT = 15 };
extern const bench_program bench_programs[BENCH_PROGRAM_COUNT];

/* Runs the native entry and returns its result as raw bits: i32 zero-extended, i64 as is, f64 by
 * its IEEE-754 encoding. Equal bits <=> equal results, whatever the type. */
uint64_t bench_run_native(const bench_program* program, int32_t param);

#ifdef __cplusplus
}
#endif

#endif /* PICOWASM_BENCH_PROGRAMS_H */
