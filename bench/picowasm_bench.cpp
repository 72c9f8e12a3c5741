// picowasm-bench: times every benchmark program natively and, once the interpreter exists, as
// wasm under picowasm, then prints one table row per program with the wasm/native slowdown.
//
// Usage: picowasm-bench [--params=default|cortex-m] [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "programs.h"

namespace {

enum class ParamSet { kDefault, kCortexM };

int32_t param_for(const bench_program& program, ParamSet set) {
  return set == ParamSet::kCortexM ? program.cortex_m_param : program.default_param;
}

struct ProgramResult {
  uint64_t native_bits = 0;
  uint64_t wasm_bits = 0;
  bool wasm_ran = false;
};

// Keeps each benchmark's CPU time per call (ms) while printing the usual console output. CPU
// time, not wall time, because the machines running this are shared. With
// --benchmark_repetitions the mean aggregate wins over the individual repetitions.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  // No colour codes: the output usually ends up in logs and scripts.
  RecordingReporter() : ConsoleReporter(OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      bool is_mean = run.run_type == Run::RT_Aggregate && run.aggregate_name == "mean";
      if (run.run_type != Run::RT_Iteration && !is_mean) continue;
      std::string name = run.run_name.function_name;
      if (is_mean || !has_mean_[name]) {
        ms_per_call_[name] =
            run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e3;
      }
      has_mean_[name] = has_mean_[name] || is_mean;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // NaN when the benchmark did not run (filtered out, or no wasm half yet).
  double ms_per_call(const std::string& name) const {
    auto found = ms_per_call_.find(name);
    return found == ms_per_call_.end() ? NAN : found->second;
  }

 private:
  std::map<std::string, double> ms_per_call_;
  std::map<std::string, bool> has_mean_;
};

void register_native_benchmarks(const bench_program* programs, int count, ParamSet set) {
  for (int i = 0; i < count; ++i) {
    const bench_program* program = &programs[i];
    int32_t param = param_for(*program, set);
    std::string name = std::string("native/") + program->name;
    benchmark::RegisterBenchmark(name.c_str(), [program, param](benchmark::State& state) {
      for (auto _ : state) {
        benchmark::DoNotOptimize(bench_run_native(program, param));
      }
    })->Unit(benchmark::kMillisecond);
  }
}

// The wasm half, to be written with the interpreter. For each program it will: read
// PICOWASM_BENCH_WASM_DIR "/<name>.wasm", load and instantiate it with picowasm, call
// <export_name>(param) once, store the result bits in results[i].wasm_bits and set wasm_ran (the
// table then flags a mismatch with native_bits), and register "wasm/<name>" timing that call.
// Until then it registers nothing and the table shows "-" for wasm.
void register_wasm_benchmarks(const bench_program* programs, int count, ParamSet set,
                              std::vector<ProgramResult>* results) {
  (void)programs;
  (void)count;
  (void)set;
  (void)results;
}

// Prints the table; returns the number of wasm results that differ from the native ones.
int print_table(const bench_program* programs, int count, ParamSet set,
                const std::vector<ProgramResult>& results, const RecordingReporter& reporter) {
  std::printf("\n%-8s %8s %-18s %11s %11s %9s\n", "program", "param", "native result bits",
              "native ms", "wasm ms", "slowdown");  // ms: CPU time per call
  int mismatches = 0;
  double log_slowdown_sum = 0;
  int slowdown_count = 0;
  for (int i = 0; i < count; ++i) {
    const bench_program& program = programs[i];
    const ProgramResult& result = results[i];
    double native_ms = reporter.ms_per_call(std::string("native/") + program.name);
    double wasm_ms = reporter.ms_per_call(std::string("wasm/") + program.name);
    std::printf("%-8s %8" PRId32 " 0x%016" PRIx64 " %11.3f", program.name, param_for(program, set),
                result.native_bits, native_ms);
    if (result.wasm_ran && result.wasm_bits != result.native_bits) {
      ++mismatches;
      std::printf(" %11s %9s  MISMATCH wasm bits 0x%016" PRIx64 "\n", "-", "-", result.wasm_bits);
    } else if (result.wasm_ran && std::isfinite(wasm_ms) && std::isfinite(native_ms)) {
      double slowdown = wasm_ms / native_ms;
      log_slowdown_sum += std::log(slowdown);
      ++slowdown_count;
      std::printf(" %11.3f %9.2f\n", wasm_ms, slowdown);
    } else {
      std::printf(" %11s %9s\n", "-", "-");
    }
  }
  // Always the last line, for scripts; only printed when there is something to average.
  if (slowdown_count > 0) {
    std::printf("geomean_slowdown_vs_native=%.2f\n", std::exp(log_slowdown_sum / slowdown_count));
  } else {
    std::printf("(no wasm runs yet: no geomean slowdown)\n");
  }
  return mismatches;
}

// Removes --params=... from argv (Google Benchmark rejects flags it does not know).
bool take_param_set(int* argc, char** argv, ParamSet* set) {
  int kept = 1;
  bool ok = true;
  for (int i = 1; i < *argc; ++i) {
    const char* value = std::strncmp(argv[i], "--params=", 9) == 0 ? argv[i] + 9 : nullptr;
    if (value == nullptr) {
      argv[kept++] = argv[i];
    } else if (std::strcmp(value, "default") == 0) {
      *set = ParamSet::kDefault;
    } else if (std::strcmp(value, "cortex-m") == 0) {
      *set = ParamSet::kCortexM;
    } else {
      std::fprintf(stderr, "picowasm-bench: --params must be default or cortex-m\n");
      ok = false;
    }
  }
  *argc = kept;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  ParamSet set = ParamSet::kDefault;
  if (!take_param_set(&argc, argv, &set)) return 2;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::vector<ProgramResult> results(BENCH_PROGRAM_COUNT);
  for (int i = 0; i < BENCH_PROGRAM_COUNT; ++i) {
    results[i].native_bits =
        bench_run_native(&bench_programs[i], param_for(bench_programs[i], set));
  }
  register_native_benchmarks(bench_programs, BENCH_PROGRAM_COUNT, set);
  register_wasm_benchmarks(bench_programs, BENCH_PROGRAM_COUNT, set, &results);

  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return print_table(bench_programs, BENCH_PROGRAM_COUNT, set, results, reporter) == 0 ? 0 : 1;
}
