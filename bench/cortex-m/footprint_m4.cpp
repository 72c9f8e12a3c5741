// Footprint firmware: the smallest useful picowasm embedding. Loads the embedded fib module from
// flash, runs fib(kParam) and checks the result. Built twice (bench/cortex-m/CMakeLists.txt):
//   FOOTPRINT_WITH_ENGINE=1  footprint-m4: picowasm does the work
//   FOOTPRINT_WITH_ENGINE=0  footprint-base-m4: identical board code, main, module bytes and
//                            arena, but no engine: the module bytes are only summed
// so the difference in flash and RAM between the two images is what the engine costs
// (scripts/footprint.sh). Errors are reported by number to keep the message table out of the image:
// a firmware that wants the text calls picowasm::error_message().
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "embedded_module.h"

#if FOOTPRINT_WITH_ENGINE
#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#endif

namespace {

constexpr int32_t kParam = 20;
constexpr uint32_t kExpected = 6765;  // fib(20)

#ifdef BENCH_SMALL_RAM
// A board with a few KiB of RAM (small_ram.cmake): fib's memory is its 528 bytes of data and stack
// in 1-byte pages, and fib(20) needs 21 frames and ~42 value-stack slots.
constexpr size_t kArenaBytes = 8 * 1024;
constexpr uint32_t kStackSlots = 64;
constexpr uint32_t kCallDepth = 32;
#else
// The instance needs the one 64 KiB page, a 4 KiB value stack and 64 call frames, and compiling
// needs the translator's scratch. The arena_bytes line shows the peak actually used.
constexpr size_t kArenaBytes = 240 * 1024;
constexpr uint32_t kStackSlots = 512;
constexpr uint32_t kCallDepth = 64;
#endif
// `used`: kept whole in the baseline too, which only writes one byte of it.
alignas(8) __attribute__((used)) uint8_t g_arena[kArenaBytes];

#if FOOTPRINT_WITH_ENGINE

// Returns 0 and sets *result, *arena_used and *memory_bytes (the instance's linear memory), or
// returns the picowasm ErrorCode (or -1: no such export).
int run_fib(const embedded_module& module, int32_t n, uint32_t* result, size_t* arena_used,
            uint32_t* memory_bytes) {
  picowasm::Arena arena(g_arena, sizeof g_arena);
  picowasm::Module decoded;
  picowasm::Error error = picowasm::load_module(module.bytes, module.size, arena, &decoded);
  picowasm::CompiledModule* compiled = nullptr;
  if (error.ok()) error = picowasm::compile_module(decoded, arena, &compiled);
  picowasm::InstanceLimits limits;
  limits.stack_slots = kStackSlots;
  limits.call_depth = kCallDepth;
  picowasm::Instance* instance = nullptr;
  if (error.ok()) error = picowasm::instantiate(*compiled, nullptr, 0, limits, arena, &instance);
  if (!error.ok()) return static_cast<int>(error.code);
  picowasm::ExternVal fib;
  if (!picowasm::find_export(*instance, "bench_fib", 9, &fib) ||
      fib.kind != picowasm::ExternKind::func) {
    return -1;
  }
  uint64_t slots[1] = {static_cast<uint32_t>(n)};
  error = picowasm::invoke(*instance, fib.func, slots);
  if (!error.ok()) return static_cast<int>(error.code);
  *result = static_cast<uint32_t>(slots[0]);
  *arena_used = arena.high_water();
  *memory_bytes = instance->memory ? static_cast<uint32_t>(instance->memory->size) : 0;
  return 0;
}

#else

// Reads every module byte and writes the arena, so the baseline image keeps both, like the real
// one.
int run_fib(const embedded_module& module, int32_t n, uint32_t* result, size_t* arena_used,
            uint32_t* memory_bytes) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < module.size; ++i) sum += module.bytes[i];
  g_arena[sum % sizeof g_arena] = static_cast<uint8_t>(n);
  *result = kExpected;
  *arena_used = 0;
  *memory_bytes = 0;
  return 0;
}

#endif

}  // namespace

int main() {
  board_init();
  if (embedded_module_count != 1) return 1;
  uint32_t result = 0;
  size_t arena_used = 0;
  uint32_t memory_bytes = 0;
  int status = run_fib(embedded_modules[0], kParam, &result, &arena_used, &memory_bytes);
  board_printf("fib(%ld) = %lu, status %d, arena_bytes=%lu of %lu\n", static_cast<long>(kParam),
               static_cast<unsigned long>(result), status, static_cast<unsigned long>(arena_used),
               static_cast<unsigned long>(kArenaBytes));
  // Part of the arena peak: scripts/sizes.sh subtracts it for the RAM beyond linear memory.
  board_printf("linear_memory_bytes=%lu\n", static_cast<unsigned long>(memory_bytes));
#ifdef BENCH_SMALL_RAM
  board_printf("stack_bytes=%lu\n", static_cast<unsigned long>(board_stack_peak()));
#endif
  return status == 0 && result == kExpected ? 0 : 1;
}
