// Firmware hal-bench-m4: instructions of a granted pw_gpio.write round trip from wasm, against a
// native call of the same driver function (scripts/bench-hal-m4.sh). Six regions between
// bench_mark() calls, each kIterations long, counted exactly by the qemu-insn-count plugin:
//   1 native: sink = driver->write(ctx, pin, i & 1)     2 native: sink = i & 1
//   3 wasm bench_write (pw_gpio.write in the loop)       4 wasm bench_empty (the same without it)
//   5, 6 the same module with pw_gpio.write bound to a bare host function that calls the driver
//        with no checks at all: what the engine's host call costs, apart from the board layer
// per call: native = (1 - 2) / N, wasm = (3 - 4) / N, overhead = wasm - native; engine share =
// (5 - 6) / N - native, board layer share = the rest. It also checks that the wasm loops really
// drove the LED (the register reads back the last level written).
#include <stdint.h>

#include "board.h"
#include "embedded_module.h"
#include "mps2_hal.h"
#include "picowasm/board.hpp"

namespace pb = picowasm::board;

namespace {

constexpr int32_t kIterations = 1000;
constexpr uint32_t kPin = 2;  // SCC LED 0 (mps2_hal.h), as in hal_bench.c
constexpr uint64_t kFuel = picowasm::kUnlimitedFuel;
constexpr size_t kModuleArenaBytes = 512 * 1024;
constexpr size_t kInstanceArenaBytes = 256 * 1024;
alignas(16) uint8_t g_module_arena[kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arena[kInstanceArenaBytes] BOARD_PSRAM;

constexpr pb::GpioGrant kPins[] = {{kPin, kPin, pb::kOutput}};
constexpr pb::Grant kGrant = [] {
  pb::Grant g;
  g.gpio = kPins;
  g.num_gpio = 1;
  return g;
}();

volatile int32_t g_sink;

// The driver table is read through a volatile pointer so the compiler cannot inline the call:
// the native side is a real indirect call, as the HAL makes it.
__attribute__((noinline)) void native_write(const pw_board* const volatile* board, int32_t n) {
  const pw_board* b = *board;
  for (int32_t i = 0; i < n; ++i) g_sink = b->gpio->write(b->gpio_ctx, kPin, i & 1);
}
__attribute__((noinline)) void native_empty(int32_t n) {
  for (int32_t i = 0; i < n; ++i) g_sink = i & 1;
}

bool call_export(picowasm::Instance& inst, const char* name, int32_t n) {
  picowasm::FuncInst* fn = picowasm::find_function(inst, name);
  if (!fn) return false;
  uint64_t slots[1] = {static_cast<uint32_t>(n)};
  bench_mark();
  const picowasm::CallResult r = picowasm::call(inst, fn, slots, kFuel);
  bench_mark();
  return r.status == picowasm::CallStatus::ok;
}

// The bare binding: the driver straight from the instance's user pointer (the pw_board).
int32_t bare_configure(picowasm::HostContext& ctx, int32_t pin, int32_t mode) {
  const pw_board* b = ctx.user_as<const pw_board>();
  return b->gpio->configure(b->gpio_ctx, static_cast<uint32_t>(pin), mode);
}
int32_t bare_write(picowasm::HostContext& ctx, int32_t pin, int32_t level) {
  const pw_board* b = ctx.user_as<const pw_board>();
  return b->gpio->write(b->gpio_ctx, static_cast<uint32_t>(pin), level != 0);
}
constexpr picowasm::HostFunction kBare[] = {
    picowasm::host_function<&bare_configure>("pw_gpio", "configure"),
    picowasm::host_function<&bare_write>("pw_gpio", "write"),
};

// Instantiates the module, runs pw_main (configures the pin) and measures the two loops.
bool measure(const picowasm::LoadedModule& module, const picowasm::InstanceConfig& ic) {
  picowasm::Instance* inst = nullptr;
  picowasm::FuncInst* main_fn = nullptr;
  uint64_t slots[1] = {0};
  if (!picowasm::instantiate(module, ic, &inst).ok() ||
      picowasm::start(*inst, kFuel).status != picowasm::CallStatus::ok ||
      !(main_fn = picowasm::find_function(*inst, "pw_main")) ||
      picowasm::call(*inst, main_fn, slots, kFuel).status != picowasm::CallStatus::ok ||
      slots[0] != PW_HAL_OK) {
    return false;
  }
  const bool ok = call_export(*inst, "bench_write", kIterations) &&
                  call_export(*inst, "bench_empty", kIterations);
  picowasm::unload(*inst);
  return ok;
}

}  // namespace

int main() {
  board_init();
  mps2_hal hal;
  mps2_hal_init(&hal);
  const pw_board* const volatile board = &hal.board;

  bench_mark();
  native_write(&board, kIterations);
  bench_mark();
  bench_mark();
  native_empty(kIterations);
  bench_mark();

  picowasm::ModuleConfig mc;
  mc.arena = g_module_arena;
  mc.arena_size = sizeof g_module_arena;
  picowasm::LoadedModule* module = nullptr;
  if (embedded_module_count != 1 ||
      !picowasm::load(embedded_modules[0].bytes, embedded_modules[0].size, mc, &module).ok()) {
    board_puts("hal-bench-m4: cannot load hal_bench.wasm\n");
    return 1;
  }
  static pb::AppHal app;
  pb::hal_init(app, hal.board, kGrant);
  if (!measure(*module, pb::app_config(app, g_instance_arena, sizeof g_instance_arena))) {
    board_puts("hal-bench-m4: the HAL run failed\n");
    return 1;
  }
  picowasm::InstanceConfig bare;
  bare.arena = g_instance_arena;
  bare.arena_size = sizeof g_instance_arena;
  bare.host_functions = kBare;
  bare.num_host_functions = sizeof kBare / sizeof kBare[0];
  bare.user = const_cast<pw_board*>(&hal.board);
  if (!measure(*module, bare)) {
    board_puts("hal-bench-m4: the bare run failed\n");
    return 1;
  }
  // The last write of the loop was level (kIterations - 1) & 1; the LED reads it back.
  // The HAL run made every call through the board layer (configure + N writes), none denied.
  const int32_t level = hal.board.gpio->read(hal.board.gpio_ctx, kPin);
  const pb::ClassStats& gpio = app.stats[static_cast<uint32_t>(pb::Class::gpio)];
  board_printf("iterations=%ld gpio_calls=%lu denied=%lu led=%ld\n", static_cast<long>(kIterations),
               static_cast<unsigned long>(gpio.calls), static_cast<unsigned long>(gpio.denied),
               static_cast<long>(level));
  const bool ok = level == ((kIterations - 1) & 1) &&
                  gpio.calls == static_cast<uint32_t>(kIterations) + 1 && gpio.denied == 0;
  return ok ? 0 : 1;
}
