// libFuzzer target: the whole pipeline on arbitrary bytes. Whatever loads is compiled and
// instantiated with tight limits, then every exported function is called with zero arguments under
// a fuel budget (so no input can hang the fuzzer). The engine must never crash, read or write
// outside its arena, or report an impossible outcome; sanitizers check the memory side.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

namespace {

using namespace picowasm;

alignas(64) uint8_t g_arena[32u << 20];

[[noreturn]] void fail(const char* what) {
  __builtin_printf("invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Arena arena(g_arena, sizeof g_arena);
  Module module;
  if (!load_module(data, size, arena, &module).ok()) return 0;
  if (module.num_imports > 0) return 0;  // nothing to bind them to here
  CompiledModule* compiled = nullptr;
  Error err = compile_module(module, arena, &compiled);
  if (!err.ok()) {
    if (err.kind() != ErrorKind::resource && err.kind() != ErrorKind::limit) fail("compile error");
    return 0;
  }
  InstanceLimits limits;
  limits.memory_pages = 4;  // growth cap; declared minimums above it are still reserved
  limits.table_elems = 1024;
  limits.stack_slots = 4096;
  limits.call_depth = 64;
  limits.host_call_depth = 1;
  // Declared minimums are honoured: skip modules that would need a huge reservation.
  for (uint32_t i = 0; i < module.num_memories; ++i)
    if (module.memories[i].limits.min > 64) return 0;
  for (uint32_t i = 0; i < module.num_tables; ++i)
    if (module.tables[i].limits.min > 100000) return 0;
  Instance* instance = nullptr;
  err = instantiate(*compiled, nullptr, 0, limits, arena, &instance);
  if (!err.ok()) return 0;  // traps in segments, or the arena: both fine
  // The start function runs under fuel like any call; one that does not finish ends the run.
  CallResult started = start(*instance, 20000);
  if (started.status == CallStatus::paused) {
    abandon(*instance);
    if (instance->start_state != StartState::failed) fail("abandoned start must fail the instance");
    return 0;
  }
  if (started.status != CallStatus::ok) return 0;
  for (uint32_t i = 0; i < module.num_exports; ++i) {
    const Export& e = module.exports[i];
    if (e.kind != ExternKind::func) continue;
    FuncInst* f = instance->funcs[e.index];
    const FuncType& type = *f->type;
    uint64_t slots[64] = {};
    if (type.num_params > 64 || type.num_results > 64) continue;
    CallResult r = call(*instance, f, slots, 20000);
    if (r.status == CallStatus::paused) {
      if (r.pause != PauseReason::out_of_fuel) fail("unexpected pause reason");
      abandon(*instance);
    } else if (r.status == CallStatus::trap) {
      ErrorKind k = r.error.kind();
      if (k != ErrorKind::trap && k != ErrorKind::exhaustion) fail("trap of a non-trap kind");
      const TrapReport report = trap_report(*instance);
      if (report.num_frames > report.total_frames) fail("trap report frame count");
    }
  }
  return 0;
}
