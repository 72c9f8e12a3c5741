// Benchmark firmware for every bare-metal port (first the Cortex-M4 on QEMU mps2-an386; the board
// API of ports/common/board_api.h is all it uses): runs every benchmark program natively and as an
// embedded wasm module under picowasm, checks that both give the same result bits, and prints
// guest instruction counts (board_cycles() under -icount shift=0) and the wasm/native ratio.
//
// Built twice from this file (bench/cortex-m/CMakeLists.txt):
//   bench-m4        the Cortex-M parameters of the program table (bench/programs/programs.c);
//                   last line `geomean_insn_ratio_vs_native=X.XX`
//   bench-smoke-m4  small parameters (BENCH_M4_SMOKE), each result also checked against a value
//                   computed independently by bench/tools/reference.py: the CTest smoke test
// Also printed per module: the memory picowasm needed on this 32-bit target (arena high-water,
// value-stack slots and call frames actually touched) and the size of the translated code
// against the function bodies it came from, and load/B: the instructions load_module and
// compile_module take (decode, validate, translate; not instantiate) per byte of function bodies,
// with its total over all modules on the line `load: ...`. Exit status 0 only if every result
// matched.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "embedded_module.h"
#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "programs.h"
#include "translate/threaded_code.h"  // CompiledModule::code_bytes

namespace {

using picowasm::Arena;
using picowasm::CompiledModule;
using picowasm::Error;
using picowasm::ExternKind;
using picowasm::ExternVal;
using picowasm::Instance;
using picowasm::InstanceLimits;
using picowasm::Module;

#ifdef BENCH_SMALL_RAM
// A board with a few KiB of RAM (bench/cortex-m/small_ram.cmake): the modules declare exactly the
// bytes of their data and stack (1-byte pages), and only those that fit are embedded. The deepest
// program (fib(25)) touches 52 value-stack slots and 26 frames.
constexpr uint32_t kStackSlots = 96;  // 768 bytes
constexpr uint32_t kCallDepth = 32;
// Everything of one module at a time: decoded module, translated code, instance with its linear
// memory and stacks, and the translator's scratch while compiling (arena_peak column). What is
// left of the 16 KiB is .data/.bss and the C stack (ports/cortex-m0-microbit/microbit.ld).
constexpr size_t kArenaBytes = 13 * 1024;
#else
// Instance sizing: the modules declare exactly one 64 KiB page; the deepest program (fib(25))
// touches 52 value-stack slots and 26 frames (the "stack" and "frames" columns), far below these.
constexpr uint32_t kStackSlots = 1024;  // 8 KiB
constexpr uint32_t kCallDepth = 128;
// The peak is the module's page plus its translated code and the translator's scratch (arena_peak
// column), plus margin. In .bss: QEMU's 4 MiB SSRAM.
constexpr size_t kArenaBytes = 288 * 1024;
#endif
#ifdef BENCH_SMALL_RAM
// Shared with the native programs' static data (ports/cortex-m0-microbit/microbit.ld): cleared
// before each native run, which expects its arrays zero as C guarantees.
#define BENCH_ARENA_SECTION __attribute__((section(".bss.bench_arena")))
#else
#define BENCH_ARENA_SECTION
#endif
alignas(8) uint8_t g_arena[kArenaBytes] BENCH_ARENA_SECTION;

#ifndef BENCH_SMALL_RAM
// Snapshot figures (docs/embedding.md): the image of the CoreMark-style program paused halfway.
constexpr uint64_t kSnapshotFuel = 60000;  // mixed(32) uses about twice this
alignas(8) uint8_t g_snapshot[96 * 1024];
#endif

#ifdef BENCH_SMALL_RAM
constexpr bool kSmallRam = true;
#else
constexpr bool kSmallRam = false;
#endif
#ifdef BENCH_M4_SMOKE
constexpr bool kSmoke = true;
#else
constexpr bool kSmoke = false;
#endif

// Results computed without this firmware's code (bench/tools/reference.py; the same rows as
// bench/native_check.c). The smoke run uses exactly these parameters.
struct ReferenceResult {
  const char* program;
  int32_t param;
  bool smoke;
  int64_t integer;  // i32 and i64 results
  double real;      // f64 results
};
const ReferenceResult kReferenceResults[] = {
    {"fib", 20, true, 6765, 0.0},
    {"fib", 25, false, 75025, 0.0},
    {"sieve", 1, true, 6542, 0.0},
    {"sieve", 5, false, 32710, 0.0},
    {"crc32", 1, true, 273302795, 0.0},
    {"crc32", 16, false, 1546889161, 0.0},
    {"matmul", 5, true, 0, -0x1.2c7p+9},
    {"matmul", 7, false, 0, 0x1.de9p+9},
    {"sha256", 1, true, -412355731, 0.0},
    {"sha256", 500, false, 1274347757, 0.0},
    {"sort", 1, true, INT64_C(5932943391183153), 0.0},
    {"mixed", 1, true, 1776887927, 0.0},
    {"mixed", 32, false, -849385274, 0.0},
    {"listsort", 1, true, 67139825, 0.0},
    {"crc16", 1, true, -535591823, 0.0},
    {"crc16", 3, false, -1602549932, 0.0},
    {"q15", 1, true, 1900212224, 0.0},
    {"q15", 13, false, -1811798768, 0.0},
    {"nmea", 1, true, 116379096, 0.0},
    {"nmea", 7, false, -1214083936, 0.0},
    {"calls", 64, true, -1229095192, 0.0},
    {"calls", 16000, false, -987200616, 0.0},
    {"biquad", 1, true, 0, 0x1.c18b9a1e2f748p-4},
    {"biquad", 32, false, 0, 0x1.0c4b7e370bc5cp+2},
    {"dense8", 2, true, 64229, 0.0},
    {"dense8", 300, false, -367035494, 0.0},
    {"cbor", 1, true, -1799825831, 0.0},
    {"cbor", 5, false, 16075589, 0.0},
};

const ReferenceResult* find_reference(const char* program, int32_t param, bool smoke_only) {
  for (const ReferenceResult& row : kReferenceResults) {
    if (strcmp(row.program, program) == 0 && (smoke_only ? row.smoke : row.param == param)) {
      return &row;
    }
  }
  return nullptr;
}

uint64_t reference_bits(const bench_program& program, const ReferenceResult& row) {
  switch (program.result_type) {
    case BENCH_RESULT_I32: return static_cast<uint32_t>(row.integer);
    case BENCH_RESULT_I64: return static_cast<uint64_t>(row.integer);
    case BENCH_RESULT_F64: {
      uint64_t bits;
      memcpy(&bits, &row.real, sizeof bits);
      return bits;
    }
  }
  return 0;
}

// board_printf pads numbers only: strings are padded here (negative width: left-aligned).
void print_padded(const char* text, int width) {
  int length = static_cast<int>(strlen(text));
  if (width < 0) board_puts(text);
  for (int i = length; i < (width < 0 ? -width : width); ++i) board_putc(' ');
  if (width >= 0) board_puts(text);
}

// Prints value/100 with two decimals, right-aligned to `width`.
void print_hundredths(uint64_t hundredths, int width) {
  char text[24];
  char* end = text + sizeof text;
  *--end = '\0';
  for (int digit = 0; digit < 3 || hundredths != 0; ++digit) {
    if (digit == 2) *--end = '.';
    *--end = static_cast<char>('0' + hundredths % 10);
    hundredths /= 10;
  }
  print_padded(end, width);
}

uint64_t ratio_hundredths(uint64_t numerator, uint64_t denominator) {
  return denominator == 0 ? 0 : (numerator * 100 + denominator / 2) / denominator;
}

void print_error(const char* program, const char* stage, const Error& error) {
  board_printf("FAIL %s: %s: %s (%s, offset %lu)\n", program, stage, error.message(),
               picowasm::error_code_name(error.code), static_cast<unsigned long>(error.offset));
}

struct WasmRun {
  bool ok = false;
  uint64_t bits = 0;
  uint64_t load_insns = 0;      // load_module + compile_module + instantiate
  uint64_t compile_insns = 0;   // load_module + compile_module: decode, validate, translate
  uint64_t run_insns = 0;       // invoke only
  uint32_t body_bytes = 0;      // sum of the function bodies' instruction bytes
  uint32_t code_bytes = 0;      // threaded code produced from them
  size_t decoded_arena = 0;     // arena bytes kept by load_module (the decoded module)
  size_t compiled_arena = 0;    // ... by compile_module (threaded code, function headers)
  size_t instance_arena = 0;    // ... by instantiate (memory, stacks, runtime objects)
  size_t arena_high_water = 0;  // peak, including scratch given back (validation, translation)
  uint32_t stack_slots_used = 0;
  uint32_t frames_used = 0;
};

WasmRun run_wasm(const bench_program& program, const embedded_module& module, int32_t param) {
  WasmRun run;
  Arena arena(g_arena, sizeof g_arena);
  uint64_t start = board_cycles();
  Module decoded;
  Error error = picowasm::load_module(module.bytes, module.size, arena, &decoded);
  if (!error.ok()) {
    print_error(program.name, "load_module", error);
    return run;
  }
  run.decoded_arena = arena.used();
  CompiledModule* compiled = nullptr;
  error = picowasm::compile_module(decoded, arena, &compiled);
  if (!error.ok()) {
    print_error(program.name, "compile_module", error);
    return run;
  }
  run.compiled_arena = arena.used() - run.decoded_arena;
  run.compile_insns = board_cycles() - start;
  InstanceLimits limits;
  limits.stack_slots = kStackSlots;
  limits.call_depth = kCallDepth;
  Instance* instance = nullptr;
  error = picowasm::instantiate(*compiled, nullptr, 0, limits, arena, &instance);
  if (!error.ok()) {
    print_error(program.name, "instantiate", error);
    return run;
  }
  run.load_insns = board_cycles() - start;
  run.instance_arena = arena.used() - run.decoded_arena - run.compiled_arena;
  run.arena_high_water = arena.high_water();
  run.code_bytes = compiled->code_bytes;
  for (uint32_t i = decoded.num_imported_functions; i < decoded.num_functions; ++i) {
    run.body_bytes += static_cast<uint32_t>(decoded.functions[i].code.size);
  }

  ExternVal export_val;
  if (!picowasm::find_export(*instance, program.export_name, strlen(program.export_name),
                             &export_val) ||
      export_val.kind != ExternKind::func || export_val.func->type->num_params != 1 ||
      export_val.func->type->num_results != 1) {
    board_printf("FAIL %s: no export %s of type (i32) -> (one result)\n", program.name,
                 program.export_name);
    return run;
  }

  uint64_t slots[1] = {static_cast<uint32_t>(param)};
  start = board_cycles();
  bench_mark();
  error = picowasm::invoke(*instance, export_val.func, slots);
  bench_mark();
  run.run_insns = board_cycles() - start;
  if (!error.ok()) {
    print_error(program.name, "invoke", error);
    return run;
  }
  // instantiate() painted the stacks; instance_use() finds the highest element written since.
  const picowasm::InstanceUse use = picowasm::instance_use(*instance);
  run.stack_slots_used = use.stack_slots_high_water;
  run.frames_used = use.call_depth_high_water;
  run.bits = program.result_type == BENCH_RESULT_I32 ? (slots[0] & 0xFFFFFFFFu) : slots[0];
  run.ok = true;
  return run;
}

}  // namespace

#ifndef BENCH_SMALL_RAM
// `mixed` paused after kSnapshotFuel: the image's size and the instructions snapshot() takes to
// write it and restore() to read it into a second instance, which then finishes with the native
// result. One line: "snapshot mixed(32): ...". False if anything fails.
bool snapshot_figures(const bench_program& program, int32_t param, uint64_t native_bits) {
  const embedded_module* module = embedded_module_find(program.name);
  if (module == nullptr) return false;
  Arena arena(g_arena, sizeof g_arena);
  Module decoded;
  CompiledModule* compiled = nullptr;
  InstanceLimits limits;
  limits.stack_slots = kStackSlots;
  limits.call_depth = kCallDepth;
  Instance* a = nullptr;
  Instance* b = nullptr;
  ExternVal fn;
  if (!picowasm::load_module(module->bytes, module->size, arena, &decoded).ok() ||
      !picowasm::compile_module(decoded, arena, &compiled).ok() ||
      !picowasm::instantiate(*compiled, nullptr, 0, limits, arena, &a).ok() ||
      !picowasm::instantiate(*compiled, nullptr, 0, limits, arena, &b).ok() ||
      !picowasm::find_export(*a, program.export_name, strlen(program.export_name), &fn)) {
    return false;
  }
  uint64_t slot = static_cast<uint32_t>(param);
  if (picowasm::call(*a, fn.func, &slot, kSnapshotFuel).status != picowasm::CallStatus::paused)
    return false;
  size_t size = 0, written = 0;
  uint64_t start = board_cycles();
  bench_mark();
  const bool taken = picowasm::snapshot_size(*a, &size).ok() &&
                     picowasm::snapshot(*a, g_snapshot, sizeof g_snapshot, &written).ok();
  bench_mark();
  const uint64_t take_insns = board_cycles() - start;
  start = board_cycles();
  bench_mark();
  const bool restored = taken && picowasm::restore(*b, g_snapshot, written).ok();
  bench_mark();
  const uint64_t restore_insns = board_cycles() - start;
  if (!restored) return false;
  const picowasm::InstanceUse use = picowasm::instance_use(*b);
  const picowasm::CallResult r = picowasm::resume(*b, &slot, picowasm::kUnlimitedFuel);
  const uint64_t bits = program.result_type == BENCH_RESULT_I32 ? (slot & 0xFFFFFFFFu) : slot;
  board_printf(
      "snapshot %s(%ld): paused after %lu fuel, image %lu bytes (memory %lu bytes, stack %lu "
      "slots), take_insn %lu (size + write), restore_insn %lu, resumed result %s\n",
      program.name, static_cast<long>(param), static_cast<unsigned long>(kSnapshotFuel),
      static_cast<unsigned long>(written), static_cast<unsigned long>(use.memory_bytes),
      static_cast<unsigned long>(use.stack_slots_high_water),
      static_cast<unsigned long>(take_insns), static_cast<unsigned long>(restore_insns),
      r.status == picowasm::CallStatus::ok && bits == native_bits ? "matches native" : "DIFFERS");
  return r.status == picowasm::CallStatus::ok && bits == native_bits;
}
#endif

int main() {
  board_init();
  board_printf(
      "picowasm benchmark on %s (%s parameters), arena %lu bytes, stack %lu slots, "
      "%lu frames\n",
      BENCH_TARGET_NAME, kSmoke ? "smoke" : "Cortex-M", static_cast<unsigned long>(kArenaBytes),
      static_cast<unsigned long>(kStackSlots), static_cast<unsigned long>(kCallDepth));
  const struct {
    const char* title;
    int width;
  } kColumns[] = {{"program", -7},   {"param", 6},    {"result_bits", 19}, {"native_insn", 12},
                  {"wasm_insn", 12}, {"ratio", 7},    {"load_insn", 11},   {"load/B", 8},
                  {"module_B", 9},   {"body_B", 7},   {"code_B", 7},       {"code/body", 10},
                  {"decoded", 8},    {"compiled", 9}, {"instance", 9},     {"arena_peak", 11},
                  {"stack", 6},      {"frames", 7}};
  for (const auto& column : kColumns) print_padded(column.title, column.width);
  board_putc('\n');

  int failures = 0;  // programs that failed
  int skipped = 0;   // programs a small-RAM board does not embed
  double log_ratio_sum = 0.0;
  int measured = 0;
  size_t max_high_water = 0;
  uint64_t all_compile_insns = 0, all_body_bytes = 0;
  for (const bench_program& program : bench_programs) {
    const ReferenceResult* reference = find_reference(program.name, program.cortex_m_param, kSmoke);
    if (kSmoke && reference == nullptr) {
      board_printf("FAIL %s: no smoke parameter\n", program.name);
      ++failures;
      continue;
    }
    const int32_t param = kSmoke ? reference->param : program.cortex_m_param;
    const embedded_module* module = embedded_module_find(program.name);
    if (module == nullptr) {
      if (kSmallRam) {  // a fixed list (small_ram.cmake), not a failure
        board_printf("skip %s: not built for this board's RAM\n", program.name);
        ++skipped;
        continue;
      }
      board_printf("FAIL %s: module not embedded\n", program.name);
      ++failures;
      continue;
    }

    if (kSmallRam) memset(g_arena, 0, sizeof g_arena);
    uint64_t start = board_cycles();
    bench_mark();
    const uint64_t native_bits = bench_run_native(&program, param);
    bench_mark();
    const uint64_t native_insns = board_cycles() - start;

    WasmRun wasm = run_wasm(program, *module, param);
    if (!wasm.ok) {
      ++failures;
      continue;
    }
    if (wasm.arena_high_water > max_high_water) max_high_water = wasm.arena_high_water;
    all_compile_insns += wasm.compile_insns;
    all_body_bytes += wasm.body_bytes;

    print_padded(program.name, -7);
    board_printf(" %5ld 0x%016llx %11llu %11llu", static_cast<long>(param),
                 static_cast<unsigned long long>(wasm.bits),
                 static_cast<unsigned long long>(native_insns),
                 static_cast<unsigned long long>(wasm.run_insns));
    print_hundredths(ratio_hundredths(wasm.run_insns, native_insns), 7);
    board_printf(" %10llu", static_cast<unsigned long long>(wasm.load_insns));
    print_hundredths(ratio_hundredths(wasm.compile_insns, wasm.body_bytes), 8);
    board_printf(" %8lu %6lu %6lu", static_cast<unsigned long>(module->size),
                 static_cast<unsigned long>(wasm.body_bytes),
                 static_cast<unsigned long>(wasm.code_bytes));
    print_hundredths(ratio_hundredths(wasm.code_bytes, wasm.body_bytes), 10);
    board_printf(" %7lu %8lu %8lu %10lu %5lu %6lu\n",
                 static_cast<unsigned long>(wasm.decoded_arena),
                 static_cast<unsigned long>(wasm.compiled_arena),
                 static_cast<unsigned long>(wasm.instance_arena),
                 static_cast<unsigned long>(wasm.arena_high_water),
                 static_cast<unsigned long>(wasm.stack_slots_used),
                 static_cast<unsigned long>(wasm.frames_used));

    bool matches = true;
    if (wasm.bits != native_bits) {
      board_printf("FAIL %s(%ld): wasm result bits 0x%016llx, native 0x%016llx\n", program.name,
                   static_cast<long>(param), static_cast<unsigned long long>(wasm.bits),
                   static_cast<unsigned long long>(native_bits));
      matches = false;
    }
    if (reference != nullptr && reference_bits(program, *reference) != wasm.bits) {
      board_printf("FAIL %s(%ld): wasm result bits 0x%016llx, reference 0x%016llx\n", program.name,
                   static_cast<long>(param), static_cast<unsigned long long>(wasm.bits),
                   static_cast<unsigned long long>(reference_bits(program, *reference)));
      matches = false;
    }
    if (!matches) ++failures;
    if (native_insns > 0 && wasm.run_insns > 0) {
      log_ratio_sum += log(static_cast<double>(wasm.run_insns) / static_cast<double>(native_insns));
      ++measured;
    }
  }

#ifndef BENCH_SMALL_RAM
  if (!kSmoke) {
    for (const bench_program& program : bench_programs) {
      if (strcmp(program.name, "mixed") != 0) continue;
      if (!snapshot_figures(program, program.cortex_m_param,
                            bench_run_native(&program, program.cortex_m_param))) {
        board_printf("FAIL snapshot figures of %s\n", program.name);
        ++failures;
      }
    }
  }
#endif
  board_printf(
      "load: %llu instructions (decode + validate + translate) for %llu body bytes, per byte",
      static_cast<unsigned long long>(all_compile_insns),
      static_cast<unsigned long long>(all_body_bytes));
  print_hundredths(ratio_hundredths(all_compile_insns, all_body_bytes), 7);
  board_putc('\n');
  board_printf("arena high-water (largest): %lu of %lu bytes\n",
               static_cast<unsigned long>(max_high_water), static_cast<unsigned long>(kArenaBytes));
#ifdef BENCH_SMALL_RAM
  board_printf("stack high-water: %lu bytes\n", static_cast<unsigned long>(board_stack_peak()));
#endif
  board_printf("%d passed, %d failed, %d skipped\n", BENCH_PROGRAM_COUNT - failures - skipped,
               failures, skipped);
  if (measured > 0) {
    const double geomean = exp(log_ratio_sum / measured);
    board_puts("geomean_insn_ratio_vs_native=");
    print_hundredths(static_cast<uint64_t>(geomean * 100.0 + 0.5), 0);
    board_puts("\n");
  }
  return failures == 0 ? 0 : 1;
}
