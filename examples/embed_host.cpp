// A firmware-shaped host for examples/wat/blink.wat, written against the C++ embedding API
// (include/picowasm/embed.hpp). Everything a microcontroller build would have is here: a const
// table of host functions (flash), static buffers for the module and the instance (RAM), a
// configuration checked before use, admission control, and a main loop that runs the module in
// fuel slices so that it can never hog the CPU. Only the file reading at the top is host-specific.
//
//   embed_host [path/to/blink.wasm]
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "picowasm/picowasm.hpp"

using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::MemView;

// ---- The board: what the module is allowed to touch ---------------------------------------------

struct Board {
  uint32_t now_ms = 0;  // simulated clock
  uint32_t led_changes = 0;
  int32_t led_level = 0;
};

void gpio_write(HostContext& ctx, int32_t pin, int32_t level) {
  if (pin != 13) {
    ctx.trap("gpio_write: only pin 13 (the LED) is wired");
    return;
  }
  Board& board = *ctx.user_as<Board>();
  board.led_level = level;
  ++board.led_changes;
  std::printf("  [%5u ms] LED %s\n", board.now_ms, level ? "on" : "off");
}

// Instead of spinning, advance the clock and yield: the wasm code pauses after this call and the
// main loop decides when it continues.
void delay_ms(HostContext& ctx, int32_t ms) {
  if (ms < 0) {
    ctx.trap("delay_ms: negative delay");
    return;
  }
  ctx.user_as<Board>()->now_ms += static_cast<uint32_t>(ms);
  ctx.yield();
}

// For modules that print: (pointer, length) of a string in their memory, bounds-checked by the
// runtime before this function runs. blink.wasm does not import it; unused entries cost nothing.
void log(HostContext&, MemView text) {
  std::printf("  module says: %.*s\n", static_cast<int>(text.size), text.chars());
}

// Flash-resident: the signatures are computed at compile time from the C++ types.
constexpr HostFunction kBoardFunctions[] = {
    host_function<&gpio_write>("env", "gpio_write"),
    host_function<&delay_ms>("env", "delay_ms"),
    host_function<&log>("env", "log"),
};

// ---- Memory: fixed buffers, sized at build time
// --------------------------------------------------

alignas(16) uint8_t g_flash[16 * 1024];  // where an OTA update would land
alignas(16) uint8_t g_module_ram[16 * 1024];
alignas(64) uint8_t g_instance_ram[16 * 1024];

bool fail(const char* what, const picowasm::Error& e) {
  std::printf("%s: %s (%s, %s) at offset %u\n", what, e.message(),
              picowasm::error_code_name(e.code), picowasm::error_kind_name(e.kind()), e.offset);
  return false;
}

bool run_blink(const uint8_t* image, size_t image_size) {
  // 1. Load: decode + validate + translate into the module buffer. The image stays in "flash".
  picowasm::ModuleConfig module_config;
  module_config.arena = g_module_ram;
  module_config.arena_size = sizeof g_module_ram;
  module_config.limits.module_bytes = sizeof g_flash;
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = picowasm::load(image, image_size, module_config, &module);
  if (!err.ok()) return fail("load", err);
  std::printf("loaded: %zu bytes of module RAM used (peak %zu of %zu)\n", module->arena_used,
              module->arena_peak, sizeof g_module_ram);

  // 2. Configure the instance: its buffer, imports, limits and the board as user context.
  Board board;
  picowasm::InstanceConfig config;
  config.arena = g_instance_ram;
  config.arena_size = sizeof g_instance_ram;
  config.host_functions = kBoardFunctions;
  config.num_host_functions = sizeof kBoardFunctions / sizeof kBoardFunctions[0];
  config.limits.stack_bytes = 2048;  // 256 values
  config.limits.call_depth = 32;
  config.limits.trace_frames = 4;
  config.user = &board;
  err = picowasm::check_config(config);
  if (!err.ok()) return fail("config", err);

  // 3. Admission: how much of the instance buffer will it take? Refuse before touching it.
  size_t need = 0;
  err = picowasm::instance_size(*module, config, &need);
  if (err.kind() == picowasm::ErrorKind::unlinkable) {
    const picowasm::Import* imp = picowasm::import_at(*module, err.function);
    std::printf("cannot link import %.*s.%.*s: %s\n", static_cast<int>(imp->module.size),
                imp->module.data, static_cast<int>(imp->field.size), imp->field.data,
                err.message());
    return false;
  }
  if (!err.ok()) return fail("instance_size", err);
  std::printf("admission: the instance needs %zu of %zu bytes\n", need, sizeof g_instance_ram);
  if (need > sizeof g_instance_ram) return false;

  picowasm::Instance* instance = nullptr;
  err = picowasm::instantiate(*module, config, &instance);
  if (!err.ok()) return fail("instantiate", err);
  // The start function (if any) runs under fuel like every call: a hostile one cannot hang us.
  if (picowasm::start(*instance, 1000).status != picowasm::CallStatus::ok) {
    std::printf("start function trapped or ran too long\n");
    picowasm::unload(*instance);
    return false;
  }

  // 4. Run "run"(4) in slices: each slice gets 2 units of fuel (one per call or loop iteration).
  //    A pause is either the fuel running out or delay_ms yielding; the main loop could run other
  //    tasks (or other instances) here.
  picowasm::FuncInst* run = picowasm::find_function(*instance, "run");
  if (!run) {
    std::printf("no export \"run\"\n");
    return false;
  }
  uint64_t slots[1] = {4};
  constexpr uint64_t kSliceFuel = 2;
  picowasm::CallResult r = picowasm::call(*instance, run, slots, kSliceFuel);
  uint32_t slices = 1, yields = 0, out_of_fuel = 0;
  while (r.status == picowasm::CallStatus::paused) {
    if (r.pause == picowasm::PauseReason::host_yield) ++yields;
    if (r.pause == picowasm::PauseReason::out_of_fuel) ++out_of_fuel;
    r = picowasm::resume(*instance, slots, kSliceFuel);
    ++slices;
  }
  if (r.status == picowasm::CallStatus::trap) {
    const picowasm::TrapReport report = picowasm::trap_report(*instance);
    std::printf("trap: %s%s%s\n", picowasm::error_message(report.code),
                report.host_message ? ": " : "", report.host_message ? report.host_message : "");
    return false;
  }
  std::printf(
      "done after %u slices (%u ended by delay_ms, %u out of fuel): LED changed %u "
      "times, %u ms elapsed\n",
      slices, yields, out_of_fuel, board.led_changes, board.now_ms);

  // 5. Unload: nothing to free. Both buffers can take the next module.
  std::printf("instance RAM high-water mark: %zu bytes\n",
              picowasm::instance_arena_use(*instance).high_water);
  picowasm::unload(*instance);
  std::printf("unloaded\n");
  return board.led_changes == 4 && board.now_ms == 4 * 500;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : PICOWASM_EXAMPLES_DIR "/blink.wasm";
  // Host-specific: "flash" the image from a file.
  std::FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::printf("cannot open %s\n", path);
    return 1;
  }
  const size_t size = std::fread(g_flash, 1, sizeof g_flash, f);
  const bool too_big = std::fgetc(f) != EOF;
  std::fclose(f);
  if (too_big) {
    std::printf("%s does not fit the %zu-byte flash slot\n", path, sizeof g_flash);
    return 1;
  }
  return run_blink(g_flash, size) ? 0 : 1;
}
