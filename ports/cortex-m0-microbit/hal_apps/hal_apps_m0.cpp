// Firmware hal-apps-m0: example apps of the board API (examples/apps, built with a small stack
// and 1-byte pages, embedded in flash) on the microbit's real nRF51 drivers (../drivers) through
// the board layer, within its 16 KiB of RAM. Each app runs with its grant and a fuel budget;
// blocking HAL calls pause the app (host yield) and the firmware sleeps (WFI) until
// board::hal_poll says the wait is over, then resumes it.
//
// Output as hal-apps-m4's (ports/cortex-m4/hal_apps), so the same hand-written expected files
// apply: the app's UART 0 is QEMU's first serial port (standard output); its log records and the
// firmware's reports go to the semihosting console (standard error), one line each:
//   == NAME grant: SPEC            before the app
//   log info: ...                  the app's log records
//   == NAME: exit N | trap: MESSAGE | out of fuel | ...   how it ended
// then one firmware line with the RAM it used: `== ram NAME module=N instance=N`.
// Which app: the semihosting command line (QEMU: -append NAME); none runs them all in turn.
// Exit status: 0 when every selected app ran (whatever its outcome), 1 for an unknown app name.
#include <stdint.h>
#include <string.h>

#include "app_main_loop.hpp"
#include "board.h"
#include "embedded_module.h"
#include "microbit_hal.h"
#include "picowasm/board.hpp"
#include "semihosting.h"

namespace pb = picowasm::board;

namespace {

// The module arena holds the decoded module and its translated code, plus the translator's
// scratch while loading; the instance arena the app's linear memory (its data and stack, in
// 1-byte pages), value stack, call frames and runtime objects. Measured peaks are printed.
constexpr size_t kModuleArenaBytes = 6 * 1024;
constexpr size_t kInstanceArenaBytes = 3 * 1024;
alignas(16) uint8_t g_module_arena[kModuleArenaBytes];
alignas(16) uint8_t g_instance_arena[kInstanceArenaBytes];

constexpr uint64_t kFuel = 1000000;    // safe points per app, as hal-apps-m4
constexpr uint32_t kStackBytes = 512;  // 64 values: the apps' deepest call chain needs far fewer
constexpr uint32_t kCallDepth = 16;
// No edge waits to sample: the nRF51 driver refuses watch_edge (microbit_hal.h).
constexpr IdlePolicy kIdle = {MICROBIT_MAX_IDLE_US, 0};

constexpr pb::GpioGrant kPin2Out[] = {{2, 2, pb::kOutput}};
constexpr pb::UartGrant kUart0Write[] = {{0, pb::kWrite}};

constexpr pb::Grant make_grant(const pb::UartGrant* uart) {
  pb::Grant g;
  g.gpio = kPin2Out;
  g.num_gpio = 1;
  g.uart = uart;
  g.num_uart = uart ? 1 : 0;
  g.time = true;
  g.log = true;
  return g;
}

constexpr pb::Grant kBlink = make_grant(nullptr);
constexpr pb::Grant kBasting = make_grant(kUart0Write);

struct AppSpec {
  const char* name;
  const pb::Grant* grant;
  const char* grant_spec;  // the same grant in the CLI's --grant syntax
};

constexpr AppSpec kApps[] = {
    {"blink", &kBlink, "gpio:2:out time log"},
    {"basting_timer", &kBasting, "gpio:2:out uart:0:w time log"},
};

// One report line on the semihosting console: the parts concatenated, then a newline.
void report(const mps2_log& log, std::initializer_list<const char*> parts) {
  for (const char* part : parts) mps2_console_write(&log, part, strlen(part));
  mps2_console_write(&log, "\n", 1);
}

const char* decimal(uint32_t value, char (&buf)[12]) {
  char* p = buf + sizeof buf;
  *--p = '\0';
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return p;
}

void run_app(microbit_hal& hal, const AppSpec& spec, const embedded_module& wasm) {
  const mps2_log& log = hal.log;
  report(log, {"== ", spec.name, " grant: ", spec.grant_spec});
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = load_embedded(wasm, g_module_arena, sizeof g_module_arena, &module);
  if (!err.ok()) {
    report(log, {"== ", spec.name, ": load failed: ", err.message()});
    return;
  }
  static pb::AppHal app;  // outlives the instance; one app at a time
  pb::hal_init(app, hal.board, *spec.grant);
  picowasm::InstanceConfig ic = pb::app_config(app, g_instance_arena, sizeof g_instance_arena);
  ic.limits.stack_bytes = kStackBytes;
  ic.limits.call_depth = kCallDepth;
  picowasm::Instance* inst = nullptr;
  err = picowasm::instantiate(*module, ic, &inst);
  picowasm::FuncInst* main_fn = err.ok() ? picowasm::find_function(*inst, "pw_main") : nullptr;
  if (!main_fn) {
    report(log, {"== ", spec.name,
                 ": instantiate failed: ", err.ok() ? "no pw_main export" : err.message()});
    return;
  }
  uint64_t slots[1] = {0};
  // The nRF51 idle wakes on its timer only: no UART wake-up to ask for.
  const picowasm::CallResult r =
      run_app_main(*inst, main_fn, slots, kFuel, app, kIdle,
                   [&](uint64_t wake_us, uint32_t /*uarts*/) { microbit_idle(&hal, wake_us); });
  char number[12];
  if (r.status == picowasm::CallStatus::ok) {
    const int32_t code = static_cast<int32_t>(slots[0]);
    report(log, {"== ", spec.name, ": exit ", code < 0 ? "-" : "",
                 decimal(code < 0 ? 0u - static_cast<uint32_t>(code) : code, number)});
  } else if (r.status == picowasm::CallStatus::trap) {
    report(log, {"== ", spec.name, ": trap: ", trap_message(*inst)});
  } else {
    report(log, {"== ", spec.name, ": out of fuel"});
  }
  pb::hal_cancel(app);
  char instance_used[12];
  report(log, {"== ram ", spec.name, " module=", decimal(module->arena_peak, number), " instance=",
               decimal(picowasm::instance_arena_use(*inst).high_water, instance_used)});
  picowasm::unload(*inst);
}

}  // namespace

int main() {
  board_init();
  microbit_hal hal;
  microbit_hal_init(&hal);
  char name[24];
  semihosting_first_argument(name, sizeof name);
  int ran = 0;
  for (const AppSpec& spec : kApps) {
    if (name[0] != '\0' && strcmp(name, spec.name) != 0) continue;
    const embedded_module* wasm = embedded_module_find(spec.name);
    if (!wasm) {
      report(hal.log, {"== ", spec.name, ": not embedded in this firmware"});
      return 1;
    }
    run_app(hal, spec, *wasm);
    ++ran;
  }
  if (ran == 0) {
    report(hal.log, {"== unknown app '", name, "'"});
    return 1;
  }
  char number[12];
  report(hal.log, {"== ram stack=", decimal(board_stack_peak(), number)});
  return 0;
}
