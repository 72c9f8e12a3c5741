// Firmware xip-m4: the benchmark programs run with their translated code in flash (issue 10).
//
// For each embedded benchmark module (in flash), the firmware
//   1. translates it once into "flash pages" with translate_to(): the sink stands for the flash
//      driver's program operation, and the RAM buffer, not yet in use, is the working space;
//   2. loads it with load_pretranslated() at the start of that buffer: the module keeps only the
//      decoded module's tables and one entry per function, the code runs in place from flash;
//   3. instantiates it right after the module and runs it, checking the result against the
//      program's native build;
// and compares with a normal load() (module buffer in PSRAM, only for the comparison). It prints,
// per program, the RAM beyond linear memory and the wasm stack (value stack and call frames): the
// module's retained bytes plus the instance's bookkeeping, normal/pretranslated, the peak the
// module needs while loading, and the instructions the load takes:
//   xip PROGRAM ok image=B module=B/B peak=B/B instance=B beyond=B/B load_insns=N/N
// then the refusals of damaged images, `xip mixed beyond linear memory and wasm stack: N bytes`,
// the C stack used, and `xip: N of M programs ok`. scripts/xip-m4.sh checks the figure against
// the 4 KiB target; the CTest xip_qemu (label ports) checks results and refusals only.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "embedded_module.h"
#include "picowasm/picowasm.hpp"
#include "programs.h"
#include "runtime/runtime.h"

using namespace picowasm;

namespace {

// Flash for the images: const, so the linker puts it in the CODE region with the firmware's code.
// QEMU maps that region as RAM, so the "flash driver" below programs it with plain stores (on a
// board it would be the flash controller); everything reaches it through `flash_base()`, whose
// pointer the compiler cannot trace back to the const object.
constexpr size_t kFlashBytes = 16 * 1024;
struct FlashArea {
  uint8_t bytes[kFlashBytes];
};
alignas(kImageAlign) const FlashArea g_flash_area = {{0xFF}};
uint8_t* flash_base() {
  const uint8_t* p = g_flash_area.bytes;
  __asm__("" : "+r"(p));  // a flash address, as the flash driver gets it
  return const_cast<uint8_t*>(p);
}

// One RAM buffer for the pretranslated module and its instance: the module at its start (the
// working space load_pretranslated() takes from the top is free again once it returns), the
// instance right after the module's retained bytes: one 64 KiB page, the wasm stack, bookkeeping.
constexpr uint32_t kStackBytes = 4 * 1024;
constexpr uint32_t kCallDepth = 32;
alignas(16) uint8_t g_ram[(64 + 8) * 1024];
// Only for the comparison with a normal load.
alignas(16) uint8_t g_normal_module[32 * 1024] BOARD_PSRAM;

struct FlashSink {
  uint8_t* base;
  size_t capacity;
  static bool program(void* context, size_t offset, const void* data, size_t size) {
    FlashSink& f = *static_cast<FlashSink*>(context);
    if (offset > f.capacity || size > f.capacity - offset) return false;
    memcpy(f.base + offset, data, size);
    return true;
  }
};

ModuleConfig buffer(void* arena, size_t size) {
  ModuleConfig config;
  config.arena = arena;
  config.arena_size = size;
  return config;
}

size_t round16(size_t n) {
  return (n + 15) & ~size_t{15};
}

// The instance goes in `arena`, up to the end of `buffer`.
InstanceConfig instance_config(uint8_t* arena, const uint8_t* buffer_end) {
  InstanceConfig config;
  config.arena = arena;
  config.arena_size = static_cast<size_t>(buffer_end - arena);
  config.limits.stack_bytes = kStackBytes;
  config.limits.call_depth = kCallDepth;
  return config;
}

// Bytes of the instance beyond its linear memory and its wasm stack.
size_t instance_beyond(const LoadedModule& module, const InstanceConfig& config) {
  size_t need = 0;
  if (!instance_size(module, config, &need).ok()) return 0;
  size_t memory = 0;
  for (uint32_t i = 0; i < module.module.num_memories; ++i)
    memory += static_cast<size_t>(module.module.memories[i].limits.min) * 65536u;
  return need - memory - kStackBytes - kCallDepth * sizeof(CallFrame);
}

// Runs the program's export on a fresh instance of `module`; returns its result bits.
bool run(const LoadedModule& module, const InstanceConfig& config, const bench_program& program,
         uint64_t* result) {
  Instance* instance = nullptr;
  if (!instantiate(module, config, &instance).ok()) return false;
  if (start(*instance, kUnlimitedFuel).status != CallStatus::ok) return false;
  FuncInst* f = find_function(*instance, program.export_name);
  uint64_t slots[1] = {static_cast<uint32_t>(program.cortex_m_param)};
  const bool ok = f && call(*instance, f, slots, kUnlimitedFuel).status == CallStatus::ok;
  *result = slots[0];
  unload(*instance);
  return ok;
}

// The C stack the engine uses while loading and running: the bytes below the caller's frame are
// painted first, and afterwards the deepest one no longer painted tells the high-water mark.
constexpr size_t kStackProbeBytes = 8 * 1024;
constexpr uint8_t kPaint = 0xC5;
__attribute__((noinline)) void paint_stack() {
  volatile uint8_t* below = static_cast<volatile uint8_t*>(__builtin_frame_address(0)) - 64;
  for (size_t i = 0; i < kStackProbeBytes; ++i) below[-static_cast<ptrdiff_t>(i)] = kPaint;
}
__attribute__((noinline)) size_t stack_used() {
  const volatile uint8_t* below =
      static_cast<const volatile uint8_t*>(__builtin_frame_address(0)) - 64;
  size_t deepest = kStackProbeBytes;
  while (deepest > 0 && below[-static_cast<ptrdiff_t>(deepest - 1)] == kPaint) --deepest;
  return deepest;
}

// Error names are compiled out on Cortex-M (PICOWASM_ERROR_NAMES): the ones this firmware prints.
const char* image_error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::image_malformed: return "image_malformed";
    case ErrorCode::image_foreign_module: return "image_foreign_module";
    case ErrorCode::image_foreign_build: return "image_foreign_build";
    default: return error_message(code);
  }
}

// Damaged images are refused with their typed errors (the ctest checks the line).
bool refusals(const embedded_module& m, size_t image_size) {
  uint8_t* flash = flash_base();
  LoadedModule* loaded = nullptr;
  const ModuleConfig config = buffer(g_ram, sizeof g_ram);
  const Error truncated =
      load_pretranslated(m.bytes, m.size, flash, image_size - 1, config, &loaded);
  flash[kImageHeaderBytes + 3] ^= 0x40;
  const Error damaged = load_pretranslated(m.bytes, m.size, flash, image_size, config, &loaded);
  flash[kImageHeaderBytes + 3] ^= 0x40;
  const embedded_module& other = embedded_modules[0];
  const Error foreign =
      load_pretranslated(other.bytes, other.size, flash, image_size, config, &loaded);
  board_printf("xip refusals: truncated %s, damaged %s, another module %s\n",
               image_error_name(truncated.code), image_error_name(damaged.code),
               image_error_name(foreign.code));
  return truncated.code == ErrorCode::image_malformed &&
         damaged.code == ErrorCode::image_malformed &&
         foreign.code == ErrorCode::image_foreign_module;
}

}  // namespace

int main() {
  board_init();
  uint32_t passed = 0, tested = 0;
  size_t mixed_beyond = 0, mixed_c_stack = 0;
  bool refused = true;
  for (uint32_t i = 0; i < embedded_module_count; ++i) {
    const embedded_module& m = embedded_modules[i];
    const bench_program* program = nullptr;
    for (const bench_program& p : bench_programs)
      if (strcmp(p.name, m.name) == 0) program = &p;
    if (!program) continue;
    ++tested;
    const uint64_t native = bench_run_native(program, program->cortex_m_param);

    // Normal load, for comparison (the module in PSRAM, the instance in g_ram).
    LoadedModule* normal = nullptr;
    uint64_t t0 = board_cycles();
    Error err = load(m.bytes, m.size, buffer(g_normal_module, sizeof g_normal_module), &normal);
    const uint64_t normal_insns = board_cycles() - t0;
    const InstanceConfig normal_config = instance_config(g_ram, g_ram + sizeof g_ram);
    uint64_t normal_result = 0;
    const bool normal_ok = err.ok() && run(*normal, normal_config, *program, &normal_result);

    // Once: translate into flash, with the idle RAM buffer as working space.
    uint8_t* flash_bytes = flash_base();
    memset(flash_bytes, 0xFF, kFlashBytes);  // erased
    FlashSink flash{flash_bytes, kFlashBytes};
    size_t image_size = 0;
    err = translate_to(m.bytes, m.size, buffer(g_ram, sizeof g_ram),
                       ImageSink{FlashSink::program, &flash}, &image_size);
    if (!err.ok()) board_printf("xip %s: translate_to: %s\n", m.name, error_message(err.code));

    // Every boot: load with the code in place, then the instance right after the module.
    paint_stack();
    LoadedModule* xip = nullptr;
    t0 = board_cycles();
    if (err.ok()) {
      err = load_pretranslated(m.bytes, m.size, flash_bytes, image_size,
                               buffer(g_ram, sizeof g_ram), &xip);
      if (!err.ok()) {
        board_printf("xip %s: load_pretranslated: %s\n", m.name, error_message(err.code));
      }
    }
    const uint64_t xip_insns = board_cycles() - t0;
    InstanceConfig xip_config;
    uint64_t xip_result = 0;
    bool xip_ok = false;
    if (err.ok()) {
      xip_config = instance_config(g_ram + round16(xip->arena_used), g_ram + sizeof g_ram);
      xip_ok = run(*xip, xip_config, *program, &xip_result);
    }
    const size_t c_stack = stack_used();
    const bool ok = normal_ok && xip_ok && normal_result == native && xip_result == native;
    if (!ok) {
      board_printf("FAIL xip %s: normal %d xip %d\n", m.name, normal_ok, xip_ok);
      continue;
    }
    ++passed;
    const size_t inst_normal = instance_beyond(*normal, normal_config);
    const size_t inst_xip = instance_beyond(*xip, xip_config);
    const size_t beyond_normal = normal->arena_used + inst_normal;
    const size_t beyond_xip = round16(xip->arena_used) + inst_xip;
    board_printf(
        "xip %s ok image=%u module=%u/%u peak=%u/%u instance=%u beyond=%u/%u "
        "load_insns=%lu/%lu\n",
        m.name, static_cast<unsigned>(image_size), static_cast<unsigned>(normal->arena_used),
        static_cast<unsigned>(xip->arena_used), static_cast<unsigned>(normal->arena_peak),
        static_cast<unsigned>(xip->arena_peak), static_cast<unsigned>(inst_xip),
        static_cast<unsigned>(beyond_normal), static_cast<unsigned>(beyond_xip),
        static_cast<unsigned long>(normal_insns), static_cast<unsigned long>(xip_insns));
    if (strcmp(m.name, "mixed") == 0) {
      mixed_beyond = beyond_xip;
      mixed_c_stack = c_stack;
      refused = refusals(m, image_size);
    }
  }
  board_printf(
      "xip mixed beyond linear memory and wasm stack: %u bytes (value stack %u, %u call "
      "frames of %u)\n",
      static_cast<unsigned>(mixed_beyond), static_cast<unsigned>(kStackBytes),
      static_cast<unsigned>(kCallDepth), static_cast<unsigned>(sizeof(CallFrame)));
  board_printf(
      "xip mixed C stack while loading and running: %u bytes (painted, below main's frame)\n",
      static_cast<unsigned>(mixed_c_stack));
  board_printf("xip: %u of %u programs ok\n", static_cast<unsigned>(passed),
               static_cast<unsigned>(tested));
  board_exit(passed == tested && tested > 0 && refused ? 0 : 1);
}
