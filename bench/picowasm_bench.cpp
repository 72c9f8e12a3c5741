// picowasm-bench: times every benchmark program natively and as wasm under picowasm, side by side
// (native/fib, wasm/fib, native/sieve, ...), then prints one table row per program with the
// wasm/native slowdown and, last, `geomean_slowdown_vs_native=X.XX`.
//
// Usage: picowasm-bench [--params=default|cortex-m] [--verify-only] [Google Benchmark flags]
//   --verify-only  only check that every wasm module returns the native result, then exit
// Without --benchmark_repetitions, each benchmark runs 3 times; the table uses the fastest
// repetition of each (CPU time), the least disturbed by other load on a shared machine.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "programs.h"

namespace {

enum class ParamSet { kDefault, kCortexM };

int32_t param_for(const bench_program& program, ParamSet set) {
  return set == ParamSet::kCortexM ? program.cortex_m_param : program.default_param;
}

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "picowasm-bench: %s\n", message.c_str());
  std::exit(1);
}

std::string describe(const picowasm::Error& error) {
  std::string text = std::string(picowasm::error_kind_name(error.kind())) + ": " + error.message();
  if (error.function != picowasm::Error::kNoFunction)
    text += " (function " + std::to_string(error.function) + ")";
  return text;
}

// One benchmark module, compiled and instantiated once; benchmarks only call invoke(). Everything
// picowasm builds lives in `arena_buffer`; `module` points into `bytes`, so this is never moved.
struct WasmProgram {
  std::vector<uint8_t> bytes;
  uint64_t bytes_hash = 0;  // FNV-1a 64 of `bytes`: printed, so that a changed module is seen
  std::unique_ptr<uint8_t[]> arena_buffer;
  picowasm::Arena arena;
  picowasm::Module module;
  picowasm::Instance* instance = nullptr;
  picowasm::FuncInst* func = nullptr;

  // The raw result of one call, reduced to the bits bench_run_native() returns: an i32 result
  // only owns the low half of its slot.
  uint64_t call(int32_t param, const bench_program& program, picowasm::Error* error) {
    uint64_t slot = static_cast<uint32_t>(param);
    *error = picowasm::invoke(*instance, func, &slot);
    return program.result_type == BENCH_RESULT_I32 ? (slot & 0xFFFFFFFFu) : slot;
  }
};

// The benchmark modules have one 64 KiB memory and 8 KiB of stack; this leaves room for their
// translated code and picowasm's default value and call stacks.
constexpr size_t kArenaBytes = size_t{8} << 20;

picowasm::ValType result_valtype(bench_result_type type) {
  switch (type) {
    case BENCH_RESULT_I32: return picowasm::ValType::i32;
    case BENCH_RESULT_I64: return picowasm::ValType::i64;
    case BENCH_RESULT_F64: return picowasm::ValType::f64;
  }
  return picowasm::ValType::i32;
}

// Loads, compiles and instantiates <name>.wasm and checks that the export has the type of the
// native entry, (i32) -> result type. Any failure ends the program.
std::unique_ptr<WasmProgram> load_wasm_program(const bench_program& program) {
  const std::string path = std::string(PICOWASM_BENCH_WASM_DIR "/") + program.name + ".wasm";
  auto wasm = std::make_unique<WasmProgram>();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open " + path + " (built by the bench-wasm target)");
  wasm->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  wasm->bytes_hash = 0xcbf29ce484222325u;
  for (uint8_t byte : wasm->bytes) wasm->bytes_hash = (wasm->bytes_hash ^ byte) * 0x100000001b3u;
  wasm->arena_buffer.reset(new uint8_t[kArenaBytes]);
  wasm->arena = picowasm::Arena(wasm->arena_buffer.get(), kArenaBytes);

  picowasm::Error err =
      picowasm::load_module(wasm->bytes.data(), wasm->bytes.size(), wasm->arena, &wasm->module);
  if (!err.ok()) fail(path + ": load: " + describe(err));
  picowasm::CompiledModule* compiled = nullptr;
  err = picowasm::compile_module(wasm->module, wasm->arena, &compiled);
  if (!err.ok()) fail(path + ": compile: " + describe(err));
  if (wasm->module.num_imports != 0) fail(path + ": has imports; benchmark modules must not");
  err = picowasm::instantiate(*compiled, nullptr, 0, picowasm::InstanceLimits{}, wasm->arena,
                              &wasm->instance);
  if (!err.ok()) fail(path + ": instantiate: " + describe(err));

  picowasm::ExternVal ext;
  if (!picowasm::find_export(*wasm->instance, program.export_name, std::strlen(program.export_name),
                             &ext) ||
      ext.kind != picowasm::ExternKind::func) {
    fail(path + ": no exported function " + program.export_name);
  }
  const picowasm::FuncType& type = *ext.func->type;
  if (type.num_params != 1 || type.params[0] != picowasm::ValType::i32 || type.num_results != 1 ||
      type.results[0] != result_valtype(program.result_type)) {
    fail(path + ": " + program.export_name + " does not have the native entry's type");
  }
  wasm->func = ext.func;
  return wasm;
}

// Keeps the fastest CPU time per call (ms) of each benchmark over its repetitions, while printing
// the usual console output. CPU time, not wall time, because the machines running this are shared.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  // No colour codes: the output usually ends up in logs and scripts.
  RecordingReporter() : ConsoleReporter(OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // Repetitions arrive as iteration runs, or only as aggregates with
      // --benchmark_report_aggregates_only (hence the "min" statistic on every benchmark).
      bool is_min = run.run_type == Run::RT_Aggregate && run.aggregate_name == "min";
      if (run.run_type != Run::RT_Iteration && !is_min) continue;
      double ms = run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e3;
      auto found = ms_per_call_.find(run.run_name.function_name);
      if (found == ms_per_call_.end())
        ms_per_call_.emplace(run.run_name.function_name, ms);
      else
        found->second = std::min(found->second, ms);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // NaN when the benchmark did not run (e.g. filtered out).
  double ms_per_call(const std::string& name) const {
    auto found = ms_per_call_.find(name);
    return found == ms_per_call_.end() ? NAN : found->second;
  }

 private:
  std::map<std::string, double> ms_per_call_;
};

double min_of(const std::vector<double>& values) {
  return *std::min_element(values.begin(), values.end());
}

// Registered in pairs per program, native then wasm, so that both halves of a ratio are measured
// close together in time and see similar machine load.
void register_benchmarks(ParamSet set, const std::vector<std::unique_ptr<WasmProgram>>& wasm) {
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    const bench_program* program = &bench_programs[i];
    const int32_t param = param_for(*program, set);
    const uint64_t native_bits = bench_run_native(program, param);
    benchmark::RegisterBenchmark((std::string("native/") + program->name).c_str(),
                                 [program, param](benchmark::State& state) {
                                   for (auto _ : state)
                                     benchmark::DoNotOptimize(bench_run_native(program, param));
                                 })
        ->Unit(benchmark::kMillisecond)
        ->ComputeStatistics("min", min_of);

    WasmProgram* w = wasm[i].get();
    benchmark::RegisterBenchmark((std::string("wasm/") + program->name).c_str(),
                                 [program, param, w, native_bits](benchmark::State& state) {
                                   picowasm::Error err;
                                   uint64_t bits = native_bits;
                                   for (auto _ : state) {
                                     bits = w->call(param, *program, &err);
                                     if (!err.ok()) break;
                                   }
                                   if (!err.ok()) {
                                     state.SkipWithError(describe(err).c_str());
                                   } else if (bits != native_bits) {
                                     state.SkipWithError("result differs from the native result");
                                   }
                                 })
        ->Unit(benchmark::kMillisecond)
        ->ComputeStatistics("min", min_of);
  }
}

// Runs every program once natively and under picowasm and ends the program if any result differs.
void verify_results(ParamSet set, const std::vector<std::unique_ptr<WasmProgram>>& wasm,
                    bool print) {
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    const bench_program& program = bench_programs[i];
    const int32_t param = param_for(program, set);
    const uint64_t native_bits = bench_run_native(&program, param);
    picowasm::Error err;
    const uint64_t wasm_bits = wasm[i]->call(param, program, &err);
    if (!err.ok()) fail(std::string(program.name) + ": wasm call failed: " + describe(err));
    if (wasm_bits != native_bits) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "%s(%" PRId32 "): wasm result bits 0x%016" PRIx64
                    " differ from native 0x%016" PRIx64,
                    program.name, param, wasm_bits, native_bits);
      fail(text);
    }
    if (print) {
      std::printf("%-8s %8" PRId32 " 0x%016" PRIx64
                  " native == wasm  (%zu-byte module, FNV-1a %016" PRIx64 ")\n",
                  program.name, param, native_bits, wasm[i]->bytes.size(), wasm[i]->bytes_hash);
    }
  }
}

// Prints the table and, when there is something to average, the geometric mean as the last line.
// The module hash column identifies the exact module measured (builds must be deterministic).
void print_table(ParamSet set, const RecordingReporter& reporter,
                 const std::vector<std::unique_ptr<WasmProgram>>& wasm) {
  std::printf("\n%-8s %8s %-18s %11s %11s %9s  %-16s\n", "program", "param", "result bits",
              "native ms", "wasm ms", "slowdown", "module FNV-1a");  // ms: fastest repetition
  double log_slowdown_sum = 0;
  int slowdown_count = 0;
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    const bench_program& program = bench_programs[i];
    const int32_t param = param_for(program, set);
    double native_ms = reporter.ms_per_call(std::string("native/") + program.name);
    double wasm_ms = reporter.ms_per_call(std::string("wasm/") + program.name);
    std::printf("%-8s %8" PRId32 " 0x%016" PRIx64, program.name, param,
                bench_run_native(&program, param));
    auto column = [](double ms) {
      if (std::isfinite(ms))
        std::printf(" %11.3f", ms);
      else
        std::printf(" %11s", "-");
    };
    column(native_ms);
    column(wasm_ms);
    if (std::isfinite(native_ms) && std::isfinite(wasm_ms) && native_ms > 0) {
      double slowdown = wasm_ms / native_ms;
      log_slowdown_sum += std::log(slowdown);
      ++slowdown_count;
      std::printf(" %9.2f", slowdown);
    } else {
      std::printf(" %9s", "-");
    }
    std::printf("  %016" PRIx64 "\n", wasm[i]->bytes_hash);
  }
  if (slowdown_count > 0) {
    std::printf("geomean_slowdown_vs_native=%.2f\n", std::exp(log_slowdown_sum / slowdown_count));
  } else {
    std::printf("(no program ran both natively and as wasm: no geomean slowdown)\n");
  }
}

// Removes picowasm-bench's own flags from argv (Google Benchmark rejects flags it does not know)
// and adds --benchmark_repetitions=3 unless a repetition count was given.
struct Options {
  ParamSet set = ParamSet::kDefault;
  bool verify_only = false;
  std::vector<std::string> benchmark_args;
};

bool parse_options(int argc, char** argv, Options* options) {
  bool ok = true;
  bool has_repetitions = false;
  options->benchmark_args.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    const char* value = std::strncmp(arg, "--params=", 9) == 0 ? arg + 9 : nullptr;
    if (std::strcmp(arg, "--verify-only") == 0) {
      options->verify_only = true;
    } else if (value == nullptr) {
      has_repetitions = has_repetitions || std::strncmp(arg, "--benchmark_repetitions", 23) == 0;
      options->benchmark_args.push_back(arg);
    } else if (std::strcmp(value, "default") == 0) {
      options->set = ParamSet::kDefault;
    } else if (std::strcmp(value, "cortex-m") == 0) {
      options->set = ParamSet::kCortexM;
    } else {
      std::fprintf(stderr, "picowasm-bench: --params must be default or cortex-m\n");
      ok = false;
    }
  }
  if (!has_repetitions) options->benchmark_args.push_back("--benchmark_repetitions=3");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, &options)) return 2;
  std::vector<char*> args;
  for (std::string& arg : options.benchmark_args) args.push_back(arg.data());
  int benchmark_argc = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&benchmark_argc, args.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, args.data())) return 2;

  std::vector<std::unique_ptr<WasmProgram>> wasm;
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i)
    wasm.push_back(load_wasm_program(bench_programs[i]));
  verify_results(options.set, wasm, options.verify_only);
  if (options.verify_only) return 0;

  register_benchmarks(options.set, wasm);
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  print_table(options.set, reporter, wasm);
  return 0;
}
