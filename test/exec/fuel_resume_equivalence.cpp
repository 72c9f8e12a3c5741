// fuel_resume_equivalence: running a call in slices of fuel must give exactly what one
// uninterrupted run gives — the same results and the same total fuel — for every benchmark
// program, whatever the slice sizes, including with several instances paused at once and resumed
// round-robin. Also prints, per module, the static bound on instructions between two safe points
// (the interrupt latency bound, see docs/embedding.md).
//
// Usage: picowasm-fuel-test WASM_DIR   (exit 77 = skipped when the modules were not built)
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "picowasm/exec.h"
#include "picowasm/picowasm.hpp"
#include "picowasm/runtime.h"
#include "translate/disassemble.h"
#include "translate/threaded_code.h"

using namespace picowasm;

namespace {

struct Program {
  const char* name;
  const char* export_name;
  int32_t param;  // small: each program runs ~1-3 M native instructions
};
constexpr Program kPrograms[] = {
    {"fib", "bench_fib", 22},         {"sieve", "bench_sieve", 3},
    {"crc32", "bench_crc32", 8},      {"matmul", "bench_matmul", 7},
    {"sha256", "bench_sha256", 200},  {"sort", "bench_sort", 1},
    {"mixed", "bench_mixed", 16},
};

struct Loaded {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> arena_buffer = std::vector<uint8_t>(8 << 20);
  Arena arena;
  Module module;
  CompiledModule* compiled = nullptr;
};

bool load(const std::string& path, Loaded* l) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  l->bytes.assign(std::istreambuf_iterator<char>(f), {});
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
    size_t n = disassemble(c.funcs[i], [](void*, const char*) {}, nullptr);
    if (n > most) most = n;
  }
  return most;
}

int failures = 0;
void check(bool ok, const char* what, const char* program) {
  if (!ok) {
    std::printf("FAIL %s: %s\n", program, what);
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WASM_DIR\n", argv[0]);
    return 2;
  }
  std::mt19937_64 rng(20261121);
  int tested = 0;
  for (const Program& p : kPrograms) {
    Loaded l;
    if (!load(std::string(argv[1]) + "/" + p.name + ".wasm", &l)) continue;
    Instance* a = instantiate_one(l);
    Instance* b = instantiate_one(l);
    if (!a || !b) {
      check(false, "instantiate", p.name);
      continue;
    }
    ++tested;
    // Reference: one uninterrupted call.
    uint64_t ref[2] = {static_cast<uint32_t>(p.param), 0};
    CallResult r = call(*a, export_func(*a, p.export_name), ref, kUnlimitedFuel);
    check(r.status == CallStatus::ok, "uninterrupted run", p.name);
    const uint64_t total = r.fuel_used;

    // Sliced runs with random slice sizes, three distributions.
    for (uint64_t max_slice : {uint64_t{1}, uint64_t{97}, uint64_t{20000}}) {
      std::uniform_int_distribution<uint64_t> slice(1, max_slice);
      uint64_t out[2] = {static_cast<uint32_t>(p.param), 0};
      uint64_t used = 0;
      size_t slices = 1;
      r = call(*a, export_func(*a, p.export_name), out, slice(rng));
      used += r.fuel_used;
      while (r.status == CallStatus::paused) {
        check(r.pause == PauseReason::out_of_fuel, "pause reason", p.name);
        r = resume(*a, out, slice(rng));
        used += r.fuel_used;
        ++slices;
      }
      check(r.status == CallStatus::ok, "sliced run finished", p.name);
      check(out[0] == ref[0] || static_cast<uint32_t>(out[0]) == static_cast<uint32_t>(ref[0]),
            "sliced result equals uninterrupted result", p.name);
      check(used == total, "sliced fuel equals uninterrupted fuel", p.name);
      if (max_slice == 97)
        std::printf("%-7s fuel %9llu  %7zu slices  same result\n", p.name,
                    static_cast<unsigned long long>(total), slices);
    }

    // Two instances paused at once, resumed round-robin in random order.
    uint64_t sa[2] = {static_cast<uint32_t>(p.param), 0}, sb[2] = {static_cast<uint32_t>(p.param), 0};
    CallResult ra = call(*a, export_func(*a, p.export_name), sa, 50);
    CallResult rb = call(*b, export_func(*b, p.export_name), sb, 70);
    std::uniform_int_distribution<int> coin(0, 1);
    while (ra.status == CallStatus::paused || rb.status == CallStatus::paused) {
      check(is_paused(*a) == (ra.status == CallStatus::paused), "is_paused", p.name);
      if ((coin(rng) && ra.status == CallStatus::paused) || rb.status != CallStatus::paused) {
        ra = resume(*a, sa, 1 + rng() % 300);
      } else {
        rb = resume(*b, sb, 1 + rng() % 300);
      }
    }
    check(ra.status == CallStatus::ok && rb.status == CallStatus::ok, "round-robin finished", p.name);
    check(static_cast<uint32_t>(sa[0]) == static_cast<uint32_t>(ref[0]) &&
              static_cast<uint32_t>(sb[0]) == static_cast<uint32_t>(ref[0]),
          "round-robin results", p.name);

    // An interrupt requested before the call pauses it at the first safe point.
    uint64_t si[2] = {static_cast<uint32_t>(p.param), 0};
    interrupt(*a);
    r = call(*a, export_func(*a, p.export_name), si, kUnlimitedFuel);
    check(r.status == CallStatus::paused && r.pause == PauseReason::interrupted, "interrupt pauses",
          p.name);
    check(r.fuel_used == 0, "interrupt at first safe point", p.name);
    r = resume(*a, si, kUnlimitedFuel);
    check(r.status == CallStatus::ok && static_cast<uint32_t>(si[0]) ==
                                            static_cast<uint32_t>(ref[0]),
          "resumed after interrupt", p.name);
    std::printf("%-7s interrupt latency bound: %zu instructions between safe points\n", p.name,
                safe_point_bound(*l.compiled));
  }
  if (tested == 0) {
    std::printf("no benchmark modules in %s: skipped\n", argv[1]);
    return 77;
  }
  std::printf("%d programs, %d failures\n", tested, failures);
  return failures == 0 ? 0 : 1;
}
