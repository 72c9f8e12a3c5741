// fuel_resume_equivalence: running a call in slices of fuel must give exactly what one
// uninterrupted run gives — the same results and the same total fuel — for every benchmark
// program, whatever the slice sizes, including with several instances paused at once and resumed
// round-robin. Every result is also compared with the program's native build (the independent
// oracle: bench/programs compiled by the host compiler, itself checked by bench_native_checksums),
// so the test does not merely check the engine against itself. Also prints, per module, the static
// bound on instructions between two safe points (the interrupt latency bound, see
// docs/embedding.md).
//
// Usage: picowasm-fuel-test WASM_DIR   (every program of bench/programs must be there: a missing
// module fails the test)
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "api/load.h"
#include "exec_test_util.h"
#include "picowasm/picowasm.hpp"
#include "programs.h"
#include "runtime/runtime.h"
#include "translate/disassemble.h"
#include "translate/threaded_code.h"

using namespace picowasm;
using exec_test::check;
using exec_test::failures;

namespace {

struct Loaded {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> arena_buffer = std::vector<uint8_t>(8 << 20);
  Arena arena;
  Module module;
  CompiledModule* compiled = nullptr;
};

bool load(const std::string& path, Loaded* l) {
  l->bytes = exec_test::read_file(path);
  if (l->bytes.empty()) return false;
  l->arena = Arena(l->arena_buffer.data(), l->arena_buffer.size());
  return load_module(l->bytes.data(), l->bytes.size(), l->arena, &l->module).ok() &&
         compile_module(l->module, l->arena, &l->compiled).ok();
}

Instance* instantiate_one(Loaded& l) {
  Instance* inst = nullptr;
  if (!instantiate(*l.compiled, nullptr, 0, InstanceLimits{}, l.arena, &inst).ok()) return nullptr;
  return inst;
}

FuncInst* export_func(Instance& inst, const char* name) {
  ExternVal ev;
  return find_export(inst, name, std::strlen(name), &ev) ? ev.func : nullptr;
}

// Longest straight-line run possible between two safe points: every instruction of the largest
// function (any path longer than that repeats an instruction, which needs a backward branch).
size_t safe_point_bound(const CompiledModule& c) {
  size_t most = 0;
  for (uint32_t i = 0; i < c.num_funcs; ++i) {
    size_t n = disassemble(
        c.funcs[i], [](void*, const char*) {}, nullptr);
    if (n > most) most = n;
  }
  return most;
}

}  // namespace

int main(int argc, char** argv) {
  const char* wasm_dir = exec_test::wasm_dir_argument(argc, argv);
  if (!wasm_dir) return 2;
  std::mt19937_64 rng(20261121);
  int tested = 0;
  for (const bench_program& prog : bench_programs) {
    // The Cortex-M parameter: small (each program runs ~1-5 M native instructions).
    const int32_t param = prog.cortex_m_param;
    const uint64_t native = bench_run_native(&prog, param);
    Loaded l;
    if (!load(std::string(wasm_dir) + "/" + prog.name + ".wasm", &l)) {
      check(false, "load the module (was bench-wasm built?)", prog.name);
      continue;
    }
    Instance* a = instantiate_one(l);
    Instance* b = instantiate_one(l);
    if (!a || !b) {
      check(false, "instantiate", prog.name);
      continue;
    }
    ++tested;
    // Reference: one uninterrupted call, equal to the native result bit for bit.
    uint64_t ref[2] = {static_cast<uint32_t>(param), 0};
    CallResult r = call(*a, export_func(*a, prog.export_name), ref, kUnlimitedFuel);
    check(r.status == CallStatus::ok, "uninterrupted run", prog.name);
    check(ref[0] == native, "uninterrupted result equals the native result", prog.name);
    const uint64_t total = r.fuel_used;

    // Sliced runs with random slice sizes, three distributions.
    for (uint64_t max_slice : {uint64_t{1}, uint64_t{97}, uint64_t{20000}}) {
      std::uniform_int_distribution<uint64_t> slice(1, max_slice);
      uint64_t out[2] = {static_cast<uint32_t>(param), 0};
      uint64_t used = 0;
      size_t slices = 1;
      r = call(*a, export_func(*a, prog.export_name), out, slice(rng));
      used += r.fuel_used;
      while (r.status == CallStatus::paused) {
        check(r.pause == PauseReason::out_of_fuel, "pause reason", prog.name);
        r = resume(*a, out, slice(rng));
        used += r.fuel_used;
        ++slices;
      }
      check(r.status == CallStatus::ok, "sliced run finished", prog.name);
      check(out[0] == native, "sliced result equals the native result", prog.name);
      check(used == total, "sliced fuel equals uninterrupted fuel", prog.name);
      if (max_slice == 97)
        std::printf("%-7s fuel %9llu  %7zu slices  same result\n", prog.name,
                    static_cast<unsigned long long>(total), slices);
    }

    // Two instances paused at once, resumed round-robin in random order.
    uint64_t sa[2] = {static_cast<uint32_t>(param), 0}, sb[2] = {static_cast<uint32_t>(param), 0};
    CallResult ra = call(*a, export_func(*a, prog.export_name), sa, 50);
    CallResult rb = call(*b, export_func(*b, prog.export_name), sb, 70);
    std::uniform_int_distribution<int> coin(0, 1);
    while (ra.status == CallStatus::paused || rb.status == CallStatus::paused) {
      check(is_paused(*a) == (ra.status == CallStatus::paused), "is_paused", prog.name);
      if ((coin(rng) && ra.status == CallStatus::paused) || rb.status != CallStatus::paused) {
        ra = resume(*a, sa, 1 + rng() % 300);
      } else {
        rb = resume(*b, sb, 1 + rng() % 300);
      }
    }
    check(ra.status == CallStatus::ok && rb.status == CallStatus::ok, "round-robin finished",
          prog.name);
    check(sa[0] == native && sb[0] == native, "round-robin results equal the native result",
          prog.name);

    // An interrupt requested before the call pauses it at the first safe point.
    uint64_t si[2] = {static_cast<uint32_t>(param), 0};
    interrupt(*a);
    r = call(*a, export_func(*a, prog.export_name), si, kUnlimitedFuel);
    check(r.status == CallStatus::paused && r.pause == PauseReason::interrupted, "interrupt pauses",
          prog.name);
    check(r.fuel_used == 0, "interrupt at first safe point", prog.name);
    r = resume(*a, si, kUnlimitedFuel);
    check(r.status == CallStatus::ok && si[0] == native, "resumed after interrupt", prog.name);
    std::printf("%-7s interrupt latency bound: %zu instructions between safe points\n", prog.name,
                safe_point_bound(*l.compiled));
  }
  std::printf("%d of %d programs run, %d failures\n", tested, BENCH_PROGRAM_COUNT, failures);
  return failures == 0 ? 0 : 1;
}
