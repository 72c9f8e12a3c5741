// Firmware wasi-m4: runs WASI commands (wasi/test/programs, built with wasi-libc, embedded in
// flash) on the mps2-an386 drivers through the board layer and wasi/, each with the grant below
// (flash): stdout and stderr on UART 0 (QEMU's first serial port), stdin from UART 0 (waiting
// for data as a device does; ^D ends the input), clocks on the board's timer, and no entropy (the
// board has none: random_get answers ENOTSUP). A paused app (sleep, stdin) lets the firmware
// sleep (WFI) until board::hal_poll says the wait is over.
//
// Which program: the semihosting command line (QEMU: -append NAME); the firmware reports on the
// semihosting console (QEMU: standard error), one line each:
//   == NAME: exit N | trap: MESSAGE | out of fuel | load failed: ...
// Exit status: 0 when the program ran (whatever its outcome), 1 for an unknown name.
#include <stdint.h>
#include <string.h>

#include "app_main_loop.hpp"
#include "board.h"
#include "embedded_module.h"
#include "mps2_hal.h"
#include "picowasm/board.hpp"
#include "picowasm/wasi.hpp"
#include "semihosting.h"

namespace pb = picowasm::board;
namespace pw = picowasm::wasi;

namespace {

constexpr size_t kModuleArenaBytes = 512 * 1024;
constexpr size_t kInstanceArenaBytes = 3 * 1024 * 1024;
alignas(16) uint8_t g_module_arena[kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arena[kInstanceArenaBytes] BOARD_PSRAM;

constexpr uint64_t kFuel = 4000000000ull;  // malloc stress is the longest: ~10^9 units
constexpr uint32_t kMemoryPages = 32;      // 2 MiB of linear memory at most
constexpr int16_t kEndOfInput = 4;         // ^D, as on a terminal
constexpr IdlePolicy kIdle = {MPS2_MAX_IDLE_US, MPS2_EDGE_POLL_US};
// No RTC: CLOCK_REALTIME counts from 2024-01-01T00:00:00Z at reset.
constexpr uint64_t kRealtimeBaseNs = 1704067200ull * 1000000000ull;

constexpr pb::UartGrant kConsole[] = {{0, pb::kRead | pb::kWrite}};
constexpr pb::Grant kGrant = [] {
  pb::Grant g;
  g.uart = kConsole;
  g.num_uart = 1;
  g.time = true;
  return g;
}();

// The programs, and the argv and environment the firmware gives each (the same as the host
// tests' command lines, so the outputs compare).
constexpr const char* kHello[] = {"hello"};
constexpr const char* kPrintf[] = {"printf"};
constexpr const char* kMalloc[] = {"malloc"};
constexpr const char* kQsort[] = {"qsort"};
constexpr const char* kMath[] = {"math"};
constexpr const char* kArgs[] = {"args", "one", "two words", "-", "--flag"};
constexpr const char* kArgsEnv[] = {"A=1", "B=x=y"};
constexpr const char* kExit42[] = {"exit", "42"};
constexpr const char* kExitReturn[] = {"exit", "return"};
constexpr const char* kExitAbort[] = {"exit", "abort"};
constexpr const char* kClock[] = {"clock"};
constexpr const char* kStdin[] = {"stdin"};

constexpr pw::WasiConfig command(const char* const* argv, uint32_t argc,
                                 const char* const* env = nullptr, uint32_t envc = 0) {
  pw::WasiConfig c;
  c.argv = argv;
  c.argc = argc;
  c.environ = env;
  c.environ_count = envc;
  c.stdin_port = 0;
  c.stdin_waits = true;
  c.stdin_eof = kEndOfInput;
  c.out = {pw::Sink::uart, 0, 0};
  c.err = {pw::Sink::uart, 0, 0};
  c.random = true;
  c.realtime_base_ns = kRealtimeBaseNs;
  return c;
}

struct Program {
  const char* name;    // as on the command line
  const char* module;  // the embedded .wasm
  pw::WasiConfig config;
};
constexpr Program kPrograms[] = {
    {"hello", "hello", command(kHello, 1)},
    {"printf", "printf", command(kPrintf, 1)},
    {"malloc", "malloc", command(kMalloc, 1)},
    {"qsort", "qsort", command(kQsort, 1)},
    {"math", "math", command(kMath, 1)},
    {"args", "args", command(kArgs, 5, kArgsEnv, 2)},
    {"exit_42", "exit", command(kExit42, 2)},
    {"exit_return", "exit", command(kExitReturn, 2)},
    {"exit_abort", "exit", command(kExitAbort, 2)},
    {"clock", "clock", command(kClock, 1)},
    {"stdin", "stdin", command(kStdin, 1)},
};

void run(mps2_hal& hal, const Program& p, const embedded_module& wasm) {
  const mps2_log* out = &hal.log;
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = load_embedded(wasm, g_module_arena, sizeof g_module_arena, &module);
  if (!err.ok()) {
    mps2_console_line(out, "== %s: load failed: %s", p.name, err.message());
    return;
  }
  static pb::AppHal app;  // outlive the instance; one program at a time
  static pw::WasiContext wasi;
  pb::hal_init(app, hal.board, kGrant);
  pw::wasi_init(wasi, app, p.config);
  picowasm::InstanceConfig ic = pb::app_config(app, g_instance_arena, sizeof g_instance_arena,
                                               pw::kWasiFunctions, pw::kNumWasiFunctions);
  ic.limits.memory_pages = kMemoryPages;
  picowasm::Instance* inst = nullptr;
  err = picowasm::instantiate(*module, ic, &inst);
  picowasm::FuncInst* entry = err.ok() ? picowasm::find_function(*inst, "_start") : nullptr;
  if (!entry) {
    mps2_console_line(out, "== %s: instantiate failed: %s", p.name,
                      err.ok() ? "no _start export" : err.message());
    return;
  }
  uint64_t slot = 0;
  const picowasm::CallResult r =
      run_app_main(*inst, entry, &slot, kFuel, app, kIdle,
                   [&](uint64_t wake_us, uint32_t uarts) { mps2_idle(&hal, wake_us, uarts); });
  if (r.status == picowasm::CallStatus::ok) {
    mps2_console_line(out, "== %s: exit 0", p.name);
  } else if (r.status == picowasm::CallStatus::trap && pw::exited(wasi)) {
    mps2_console_line(out, "== %s: exit %lu", p.name, static_cast<unsigned long>(wasi.exit_code));
  } else if (r.status == picowasm::CallStatus::trap) {
    mps2_console_line(out, "== %s: trap: %s", p.name, trap_message(*inst));
  } else {
    mps2_console_line(out, "== %s: out of fuel", p.name);
  }
  pb::hal_cancel(app);
  picowasm::unload(*inst);
}

}  // namespace

int main() {
  board_init();
  mps2_hal hal;
  mps2_hal_init(&hal);
  char name[32];
  semihosting_first_argument(name, sizeof name);
  for (const Program& p : kPrograms) {
    if (strcmp(name, p.name) != 0) continue;
    const embedded_module* wasm = embedded_module_find(p.module);
    if (!wasm) {
      mps2_console_line(&hal.log, "== %s: not embedded in this firmware", p.name);
      return 1;
    }
    run(hal, p, *wasm);
    return 0;
  }
  mps2_console_line(&hal.log, "== unknown program '%s'", name);
  return 1;
}
