// Firmware hal-apps-m4: runs the example apps (examples/apps/*.wasm, embedded in flash) on the
// real mps2-an386 drivers (ports/cortex-m4/drivers) through the board layer, each with its grant
// (constant data in flash, below) and a fuel budget. Blocking HAL calls pause the app (host
// yield); the firmware then sleeps (WFI) until board::hal_poll says the wait is over and
// resumes it, so a blocked app never blocks the firmware.
//
// Which app: the semihosting command line (QEMU: -append NAME); none runs them all in turn.
// The app's UART 0 is the first serial port (QEMU: standard output). Its log records and the
// firmware's reports go to the semihosting console (QEMU: standard error), one line each:
//   == NAME grant: SPEC            before the app (SPEC in the CLI's --grant syntax)
//   log info: ...                  the app's log records (error, warn, info, debug)
//   == NAME: exit N | trap: MESSAGE | out of fuel | refused: ...   how it ended
// Exit status: 0 when every selected app ran (whatever its outcome), 1 for an unknown app name.
#include <stdint.h>
#include <string.h>

#include "app_main_loop.hpp"
#include "board.h"
#include "embedded_module.h"
#include "mps2_hal.h"
#include "picowasm/board.hpp"
#include "semihosting.h"

namespace pb = picowasm::board;

namespace {

constexpr size_t kModuleArenaBytes = 512 * 1024;  // load() peaks at ~225 KiB (translation)
constexpr size_t kInstanceArenaBytes = 2 * 1024 * 1024;
alignas(16) uint8_t g_module_arena[kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arena[kInstanceArenaBytes] BOARD_PSRAM;

constexpr uint64_t kFuel = 1000000;    // safe points per app: the well-behaved ones need far fewer
constexpr uint32_t kMemoryPages = 16;  // what memory.grow may reach (memory_bomb stops here)
constexpr IdlePolicy kIdle = {MPS2_MAX_IDLE_US, MPS2_EDGE_POLL_US};

// ---- Grants (flash), and the same grant in the CLI's syntax ----------------------------------
constexpr pb::GpioGrant kPin2Out[] = {{2, 2, pb::kOutput}};
constexpr pb::GpioGrant kPin5Out[] = {{5, 5, pb::kOutput}};
constexpr pb::UartGrant kUart0Write[] = {{0, pb::kWrite}};
constexpr pb::UartGrant kUart0ReadWrite[] = {{0, pb::kRead | pb::kWrite}};
constexpr pb::I2cGrant kSensor[] = {pb::i2c_grant(0, {0x48})};

constexpr pb::Grant make_grant(const pb::GpioGrant* gpio, uint32_t num_gpio,
                               const pb::I2cGrant* i2c, const pb::UartGrant* uart, bool time,
                               bool log) {
  pb::Grant g;
  g.gpio = gpio;
  g.num_gpio = num_gpio;
  g.i2c = i2c;
  g.num_i2c = i2c ? 1 : 0;
  g.uart = uart;
  g.num_uart = uart ? 1 : 0;
  g.time = time;
  g.log = log;
  return g;
}

constexpr pb::Grant kBlink = make_grant(kPin2Out, 1, nullptr, nullptr, true, true);
constexpr pb::Grant kThermostat = make_grant(kPin5Out, 1, kSensor, kUart0Write, true, true);
constexpr pb::Grant kConsole = make_grant(kPin2Out, 1, kSensor, kUart0ReadWrite, true, true);
constexpr pb::Grant kBasting = make_grant(kPin2Out, 1, nullptr, kUart0Write, true, true);
constexpr pb::Grant kBadPin = make_grant(kPin2Out, 1, nullptr, nullptr, false, true);
constexpr pb::Grant kLogOnly = make_grant(nullptr, 0, nullptr, nullptr, false, true);
constexpr pb::Grant kWildPointer = make_grant(nullptr, 0, nullptr, kUart0Write, false, true);

// hal_check: resources to use, and some to be refused (DENIED) or absent (NOT_PRESENT).
constexpr pb::GpioGrant kCheckPins[] = {{0, 2, pb::kOutput}, {10, 10, pb::kInput}};
constexpr pb::I2cGrant kCheckI2c[] = {pb::i2c_grant(0, {0x48, 0x49})};
constexpr pb::SpiGrant kCheckSpi[] = {{0, 1u, 10000000}};
constexpr pb::Grant kCheck = [] {
  pb::Grant g = make_grant(kCheckPins, 2, kCheckI2c, kUart0Write, true, true);
  g.spi = kCheckSpi;
  g.num_spi = 1;
  g.pwm_channels = 1u;  // granted, but the board has none: NOT_PRESENT
  g.adc_channels = 1u;
  return g;
}();

struct AppSpec {
  const char* name;
  const pb::Grant* grant;
  const char* grant_spec;  // the same grant for `picowasm run --board virtual --grant ...`
};

constexpr AppSpec kApps[] = {
    {"blink", &kBlink, "gpio:2:out time log"},
    {"thermostat", &kThermostat, "gpio:5:out i2c:0:0x48 uart:0:w time log"},
    {"uart_console", &kConsole, "gpio:2:out i2c:0:0x48 uart:0 time log"},
    {"basting_timer", &kBasting, "gpio:2:out uart:0:w time log"},
    {"bad_pin", &kBadPin, "gpio:2:out log"},
    {"spin", &kLogOnly, "log"},
    {"memory_bomb", &kLogOnly, "log"},
    {"wild_pointer", &kWildPointer, "uart:0:w log"},
    {"hal_check", &kCheck,
     "gpio:0-2:out gpio:10:in i2c:0:0x48,0x49 spi:0:0@10000000 uart:0:w pwm:0 adc:0 time log"},
};

// ---- Running one app ----------------------------------------------------------------------------

void run_app(mps2_hal& hal, const AppSpec& spec, const embedded_module& wasm) {
  const mps2_log* out = &hal.log;
  mps2_console_line(out, "== %s grant: %s", spec.name, spec.grant_spec);
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = load_embedded(wasm, g_module_arena, sizeof g_module_arena, &module);
  if (!err.ok()) {
    mps2_console_line(out, "== %s: load failed: %s", spec.name, err.message());
    return;
  }
  const pb::LinkError le = pb::check_imports(*module, *spec.grant);
  if (!le.ok()) {
    mps2_console_line(out, "== %s: refused: it imports %s, which its grant does not give",
                      spec.name, pb::class_module(le.missing));
    return;
  }
  static pb::AppHal app;  // outlives the instance; one app at a time
  pb::hal_init(app, hal.board, *spec.grant);
  picowasm::InstanceConfig ic = pb::app_config(app, g_instance_arena, sizeof g_instance_arena);
  ic.limits.memory_pages = kMemoryPages;
  picowasm::Instance* inst = nullptr;
  err = picowasm::instantiate(*module, ic, &inst);
  picowasm::FuncInst* main_fn = err.ok() ? picowasm::find_function(*inst, "pw_main") : nullptr;
  if (!main_fn) {
    mps2_console_line(out, "== %s: instantiate failed: %s", spec.name,
                      err.ok() ? "no pw_main export" : err.message());
    return;
  }
  uint64_t slots[1] = {0};
  const picowasm::CallResult r =
      run_app_main(*inst, main_fn, slots, kFuel, app, kIdle,
                   [&](uint64_t wake_us, uint32_t uarts) { mps2_idle(&hal, wake_us, uarts); });
  if (r.status == picowasm::CallStatus::ok) {
    mps2_console_line(out, "== %s: exit %ld", spec.name,
                      static_cast<long>(static_cast<int32_t>(slots[0])));
  } else if (r.status == picowasm::CallStatus::trap) {
    mps2_console_line(out, "== %s: trap: %s", spec.name, trap_message(*inst));
  } else {
    mps2_console_line(out, "== %s: out of fuel", spec.name);
  }
  pb::hal_cancel(app);
  picowasm::unload(*inst);
}

// After hal_check: what its SPI configuration left in the hardware, for the expected log. Bus 0 is
// the PL022 at 0x40027000 (mps2_hal.h); its nCS is FPGAIO MISC bit 9, all five released (1).
void report_spi_registers(const mps2_log* out) {
  const uint32_t cr0 = *reinterpret_cast<volatile uint32_t*>(0x40027000u);
  const uint32_t cpsr = *reinterpret_cast<volatile uint32_t*>(0x40027010u);
  const uint32_t misc = *reinterpret_cast<volatile uint32_t*>(0x4002804Cu);
  mps2_console_line(out, "== hal_check: spi bus 0 CR0=0x%04lx CPSR=%lu, MISC=0x%03lx",
                    static_cast<unsigned long>(cr0), static_cast<unsigned long>(cpsr),
                    static_cast<unsigned long>(misc));
}

}  // namespace

int main() {
  board_init();
  mps2_hal hal;
  mps2_hal_init(&hal);
  const mps2_log* out = &hal.log;
  char name[32];
  semihosting_first_argument(name, sizeof name);
  int ran = 0;
  for (const AppSpec& spec : kApps) {
    if (name[0] != '\0' && strcmp(name, spec.name) != 0) continue;
    const embedded_module* wasm = embedded_module_find(spec.name);
    if (!wasm) {
      mps2_console_line(out, "== %s: not embedded in this firmware", spec.name);
      return 1;
    }
    run_app(hal, spec, *wasm);
    if (strcmp(spec.name, "hal_check") == 0) report_spi_registers(out);
    ++ran;
  }
  if (ran == 0) {
    mps2_console_line(out, "== unknown app '%s'", name);
    return 1;
  }
  return 0;
}
