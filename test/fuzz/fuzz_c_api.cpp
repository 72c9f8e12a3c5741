// libFuzzer target: the C API (picowasm.h) on arbitrary bytes, as C firmware would drive it.
// Sizes the module, loads it (sometimes into a buffer too small), links it against spectest-style
// host functions, checks admission (a refused create must not write a byte of the buffer), runs
// the start function and every exported function in fuel slices with typed arguments, mixes in
// calls with wrong names, counts and types, reads trap reports and their frames, abandons and
// unloads. Every status must be one the header documents for that call. The input stays a plain
// module (seeds are .wasm files); the choices above come from a hash of it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_check.h"
#include "picowasm/picowasm.h"
#include "picowasm/picowasm.hpp"

namespace {

constexpr size_t kBuffer = 4u << 20;
alignas(64) uint8_t g_scratch[kBuffer];
alignas(64) uint8_t g_module[kBuffer];
alignas(64) uint8_t g_instance[kBuffer];
alignas(64) uint8_t g_listing[kBuffer];  // the C++ loader's view, to enumerate exports

// A small deterministic stream of choices derived from the input.
struct Choices {
  uint64_t state;
  uint32_t next(uint32_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return bound ? static_cast<uint32_t>((state >> 33) % bound) : 0;
  }
};

uint64_t hash(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211u;
  return h;
}

bool is_status(pw_status s) {
  return s >= PW_ERR_STATE && s <= PW_PAUSED;
}

int g_host_calls = 0;

pw_status host_print(pw_host_call* call) {
  ++g_host_calls;
  const uint32_t n = pw_host_num_args(call);
  for (uint32_t i = 0; i < n; ++i) (void)pw_host_arg(call, i);
  FUZZ_CHECK(pw_host_arg(call, n).type == 0);  // out of range: type 0
  FUZZ_CHECK(pw_host_instance(call) != nullptr);
  // Every third call yields, every seventh traps: both must reach the caller as documented.
  if (g_host_calls % 7 == 0) return pw_host_trap(call, "fuzz host trap");
  if (g_host_calls % 3 == 0) return pw_host_yield(call);
  return PW_OK;
}

pw_status host_i32_result(pw_host_call* call) {
  ++g_host_calls;
  FUZZ_CHECK(pw_host_set_result(call, 0, pw_i32(g_host_calls)));
  FUZZ_CHECK(!pw_host_set_result(call, 0, pw_i64(1)));  // wrong type: refused
  FUZZ_CHECK(!pw_host_set_result(call, 1, pw_i32(1)));  // no such result
  uint8_t* p = nullptr;
  (void)pw_host_memory(call, static_cast<uint32_t>(g_host_calls) * 4096u, 16, &p);
  return PW_OK;
}

constexpr pw_valtype kI32[] = {PW_I32};
constexpr pw_valtype kI64[] = {PW_I64};
constexpr pw_valtype kF32[] = {PW_F32};
constexpr pw_valtype kF64[] = {PW_F64};
constexpr pw_valtype kI32F32[] = {PW_I32, PW_F32};
constexpr pw_valtype kF64F64[] = {PW_F64, PW_F64};
const pw_host_function kHost[] = {
    {"spectest", "print", nullptr, 0, nullptr, 0, host_print, nullptr},
    {"spectest", "print_i32", kI32, 1, nullptr, 0, host_print, nullptr},
    {"spectest", "print_i64", kI64, 1, nullptr, 0, host_print, nullptr},
    {"spectest", "print_f32", kF32, 1, nullptr, 0, host_print, nullptr},
    {"spectest", "print_f64", kF64, 1, nullptr, 0, host_print, nullptr},
    {"spectest", "print_i32_f32", kI32F32, 2, nullptr, 0, host_print, nullptr},
    {"spectest", "print_f64_f64", kF64F64, 2, nullptr, 0, host_print, nullptr},
    {"env", "tick", nullptr, 0, kI32, 1, host_i32_result, nullptr},
};

pw_value arg_of(picowasm::ValType t, Choices& c) {
  const int32_t v = static_cast<int32_t>(c.next(7)) - 3;
  switch (t) {
    case picowasm::ValType::i64: return pw_i64(v);
    case picowasm::ValType::f32: return pw_f32(static_cast<float>(v));
    case picowasm::ValType::f64: return pw_f64(v);
    case picowasm::ValType::externref: return pw_externref(c.next(2) ? &g_host_calls : nullptr);
    case picowasm::ValType::funcref: {
      pw_value r = pw_externref(nullptr);
      r.type = PW_FUNCREF;
      return r;
    }
    default: return pw_i32(v);
  }
}

void check_trap_report(const pw_instance* inst) {
  pw_trap_report report;
  if (!pw_instance_trap(inst, &report)) return;
  FUZZ_CHECK(report.message != nullptr);
  FUZZ_CHECK(report.num_frames <= report.total_frames);
  for (uint32_t i = 0; i < report.num_frames; ++i) {
    pw_trap_frame f;
    FUZZ_CHECK(pw_instance_trap_frame(inst, i, &f));
    FUZZ_CHECK(f.name != nullptr || f.name_len == 0);
  }
  pw_trap_frame beyond;
  FUZZ_CHECK(!pw_instance_trap_frame(inst, report.num_frames, &beyond));
}

// Drives a call that returned `status` to its end within `budget` slices, then abandons it.
pw_status settle(pw_instance* inst, pw_status status, pw_value* results, size_t nresults,
                 uint64_t slice, int budget) {
  pw_call_result r;
  while (status == PW_PAUSED && budget-- > 0) {
    status = pw_resume(inst, results, nresults, slice, &r);
    FUZZ_CHECK(is_status(status) && r.status == status);
    if (status == PW_PAUSED) FUZZ_CHECK(r.pause != PW_PAUSE_NONE);
  }
  if (status == PW_PAUSED) {
    FUZZ_CHECK(pw_is_paused(inst));
    pw_abandon(inst);
    FUZZ_CHECK(!pw_is_paused(inst));
  }
  if (status == PW_ERR_TRAP || status == PW_ERR_EXHAUSTION) check_trap_report(inst);
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Choices c{hash(data, size)};
  g_host_calls = 0;
  pw_limits limits;
  std::memset(&limits, 0, sizeof limits);
  limits.stack_bytes = 16 * 1024;
  limits.call_depth = 64;
  limits.memory_pages = 2;
  limits.table_elems = 4096;

  // Module admission, then the load into a buffer of a chosen size (sometimes too small).
  size_t needed = 0;
  pw_error err;
  pw_status s = pw_module_size(data, size, &limits, g_scratch, sizeof g_scratch, &needed, &err);
  FUZZ_CHECK(is_status(s) && s != PW_PAUSED && err.status == s);
  if (s != PW_OK) {
    FUZZ_CHECK(needed == 0 && err.message != nullptr);
    return 0;
  }
  FUZZ_CHECK(needed > 0 && needed <= sizeof g_scratch);
  // `needed` is enough, and PW_BUFFER_ALIGN bytes less is not (in between, the padding of the
  // allocations at the buffer's end may work out either way).
  const size_t module_size =
      c.next(8) == 0 && needed > PW_BUFFER_ALIGN
          ? needed - PW_BUFFER_ALIGN - c.next(64) % (needed - PW_BUFFER_ALIGN)
          : needed;
  pw_module* module = nullptr;
  s = pw_module_load(data, size, &limits, g_module, module_size, &module, &err);
  if (module_size < needed) {
    FUZZ_CHECK(s == PW_ERR_NO_SPACE && module == nullptr);
    return 0;
  }
  FUZZ_CHECK(s == PW_OK && module != nullptr && pw_module_used(module) <= module_size);

  // Instance admission: a create that does not fit must not write a byte of the buffer.
  pw_instance_config config;
  std::memset(&config, 0, sizeof config);
  config.host_functions = kHost;
  config.num_host_functions = PW_COUNTOF(kHost);
  config.limits = limits;
  config.buffer = g_instance;
  config.buffer_size = sizeof g_instance;
  s = pw_instance_size(module, &config, &needed, &err);
  if (s != PW_OK) {
    FUZZ_CHECK(s == PW_ERR_UNLINKABLE || s == PW_ERR_LIMIT || s == PW_ERR_NO_SPACE);
    if (s == PW_ERR_UNLINKABLE) FUZZ_CHECK(err.import_module && err.import_field);
    pw_module_unload(module);
    return 0;
  }
  if (needed > sizeof g_instance) {  // e.g. a large declared memory: refused, nothing written
    pw_instance* none = nullptr;
    FUZZ_CHECK(pw_instance_create(module, &config, &none, &err) == PW_ERR_NO_SPACE);
    FUZZ_CHECK(none == nullptr);
    pw_module_unload(module);
    return 0;
  }
  if (c.next(8) == 0 && needed > 1) {
    config.buffer_size = needed - 1 - c.next(64) % (needed - 1);
    std::memset(g_instance, 0xA5, config.buffer_size);
    pw_instance* none = nullptr;
    FUZZ_CHECK(pw_instance_create(module, &config, &none, &err) == PW_ERR_NO_SPACE);
    FUZZ_CHECK(none == nullptr);
    for (size_t i = 0; i < config.buffer_size; ++i) FUZZ_CHECK(g_instance[i] == 0xA5);
    config.buffer_size = sizeof g_instance;
  }
  pw_instance* inst = nullptr;
  s = pw_instance_create(module, &config, &inst, &err);
  if (s != PW_OK) {
    FUZZ_CHECK(s == PW_ERR_TRAP && inst == nullptr);  // segment initialisation trapped
    pw_module_unload(module);
    return 0;
  }
  const uint64_t slice = 1 + c.next(3000);
  const int slices = 1 + static_cast<int>(c.next(40));

  // The start function, bounded like every call.
  pw_call_result r;
  s = settle(inst, pw_instance_start(inst, slice, &r), nullptr, 0, slice, slices);
  FUZZ_CHECK(s == PW_OK || s == PW_PAUSED || s == PW_ERR_TRAP || s == PW_ERR_EXHAUSTION);
  const bool usable = s == PW_OK;

  // The exports, through the C++ loader's view of the same bytes.
  picowasm::ModuleConfig mc;
  mc.arena = g_listing;
  mc.arena_size = sizeof g_listing;
  picowasm::LoadedModule* listing = nullptr;
  FUZZ_CHECK(picowasm::load(data, size, mc, &listing).ok());
  const picowasm::Module& m = listing->module;
  char name[64];
  pw_value args[17], results[16];  // one spare argument for the wrong-count call
  for (uint32_t e = 0; e < m.num_exports; ++e) {
    const picowasm::Export& ex = m.exports[e];
    if (ex.kind != picowasm::ExternKind::func || ex.name.size >= sizeof name) continue;
    std::memcpy(name, ex.name.data, ex.name.size);
    name[ex.name.size] = '\0';
    if (std::strlen(name) != ex.name.size) continue;  // an embedded NUL: not nameable from C
    const picowasm::FuncType& t = m.func_type(ex.index);
    if (t.num_params > 16 || t.num_results > 16) continue;
    for (uint32_t i = 0; i < t.num_params; ++i) args[i] = arg_of(t.params[i], c);
    if (!usable) {
      FUZZ_CHECK(pw_call(inst, name, args, t.num_params, results, t.num_results, slice, &r) ==
                 PW_ERR_STATE);
      continue;
    }
    // Wrong counts are refused before anything runs.
    s = pw_call(inst, name, args, t.num_params + 1, results, t.num_results, slice, &r);
    FUZZ_CHECK(s == PW_ERR_SIGNATURE);
    s = pw_call(inst, name, args, t.num_params, results, t.num_results, slice, &r);
    FUZZ_CHECK(is_status(s) && r.status == s && s != PW_ERR_SIGNATURE && s != PW_ERR_NOT_FOUND);
    if (s == PW_ERR_TRAP || s == PW_ERR_EXHAUSTION) FUZZ_CHECK(r.trap_name != nullptr);
    s = settle(inst, s, results, t.num_results, slice, slices);
    FUZZ_CHECK(s != PW_PAUSED || !pw_is_paused(inst));
    if (s == PW_OK) {
      for (uint32_t i = 0; i < t.num_results; ++i) {
        FUZZ_CHECK(results[i].type == static_cast<pw_valtype>(t.results[i]));
      }
    }
  }
  // Not UTF-8, so no export can have this name (libFuzzer would plant any other into a module).
  s = pw_call(inst, "\xff\xfe", nullptr, 0, nullptr, 0, 1, &r);
  FUZZ_CHECK(s == (usable ? PW_ERR_NOT_FOUND : PW_ERR_STATE));
  pw_instance_unload(inst);
  FUZZ_CHECK(pw_call(inst, "x", nullptr, 0, nullptr, 0, 1, &r) == PW_ERR_BAD_ARGUMENT);
  pw_module_unload(module);
  return 0;
}
