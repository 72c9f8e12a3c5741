// Firmware supervisor-m4: three example apps at once under the supervisor (supervisor/) on the
// real mps2-an386 drivers: the thermostat (priority 1), blink, and the spin loop under a watchdog
// budget (20000 fuel a second, restarted after 0.1 s and 0.2 s, then given up). The firmware's
// main loop is run() and, when every app waits, a WFI sleep until the next wake (or the next GPIO
// edge sample: this board has no GPIO interrupts).
//
// UART 0 (the first serial port) carries the apps' UART bytes; the semihosting console carries,
// one line each, every log record and transition, named by app:
//   APP: log LEVEL: TEXT        a log record
//   APP: EVENT [...]            started, watchdog, ended STATUS, backoff, gave_up
// and finally "== supervisor: all done after N run() calls".
#include <stdint.h>
#include <string.h>

#include "app_main_loop.hpp"
#include "board.h"
#include "embedded_module.h"
#include "mps2_hal.h"
#include "picowasm/supervisor.hpp"

namespace pb = picowasm::board;
namespace sup = picowasm::sup;

namespace {

constexpr uint32_t kApps = 3;
constexpr size_t kModuleArenaBytes = 256 * 1024;  // per app: load() peaks in translation
constexpr size_t kInstanceArenaBytes = 160 * 1024;
alignas(16) uint8_t g_module_arenas[kApps][kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arenas[kApps][kInstanceArenaBytes] BOARD_PSRAM;
constexpr uint64_t kRunFuel = 100000;  // per run() call, between the firmware's own chores
constexpr uint32_t kMaxRunCalls = 100000;

constexpr pb::GpioGrant kPin2Out[] = {{2, 2, pb::kOutput}};
constexpr pb::GpioGrant kPin5Out[] = {{5, 5, pb::kOutput}};
constexpr pb::UartGrant kUart0Write[] = {{0, pb::kWrite}};
constexpr pb::I2cGrant kSensor[] = {pb::i2c_grant(0, {0x48})};
constexpr pb::Grant kThermostat = [] {
  pb::Grant g;
  g.gpio = kPin5Out;
  g.num_gpio = 1;
  g.i2c = kSensor;
  g.num_i2c = 1;
  g.uart = kUart0Write;
  g.num_uart = 1;
  g.time = true;
  g.log = true;
  return g;
}();
constexpr pb::Grant kBlink = [] {
  pb::Grant g;
  g.gpio = kPin2Out;
  g.num_gpio = 1;
  g.time = true;
  g.log = true;
  return g;
}();
constexpr pb::Grant kLogOnly = [] {
  pb::Grant g;
  g.log = true;
  return g;
}();

struct Firmware {
  mps2_hal hal;
  pw_board board;  // hal.board with the log below, which names the app
  sup::Supervisor s;
  sup::Slot slots[kApps];
};

const char* const kLevels[] = {"error", "warn", "info", "debug"};

int32_t named_log(void* ctx, int32_t level, const char* text, uint32_t len) {
  Firmware& fw = *static_cast<Firmware*>(ctx);
  const sup::Slot* slot = sup::running_slot(fw.s);
  mps2_console_line(&fw.hal.log, "%s: log %s: %.*s", slot ? slot->spec.name : "?",
                    kLevels[level & 3], static_cast<int>(len), text);
  return PW_HAL_OK;
}
const pw_log_driver kNamedLog = {named_log};

void on_event(void* ctx, const sup::Slot& slot, const sup::Event& e) {
  Firmware& fw = *static_cast<Firmware*>(ctx);
  switch (e.kind) {
    case sup::EventKind::ended:
      mps2_console_line(&fw.hal.log, "%s: ended %s (activation %lu, fuel %lu)", slot.spec.name,
                        pw_run_status_name(e.record->status),
                        static_cast<unsigned long>(e.record->activation),
                        static_cast<unsigned long>(e.record->fuel_used));
      break;
    case sup::EventKind::started:
    case sup::EventKind::watchdog:
    case sup::EventKind::backoff:
    case sup::EventKind::gave_up:
      mps2_console_line(&fw.hal.log, "%s: %s", slot.spec.name, sup::event_name(e.kind));
      break;
    default: break;  // slices, parking and waking: too many to print
  }
}

// The earliest time an app may need the CPU: its wake time, or the next edge sample.
uint64_t wake_time(const Firmware& fw, uint64_t next_wake) {
  const uint64_t now = fw.board.clock->now_us(fw.board.clock_ctx);
  for (uint32_t i = 0; i < fw.s.count; ++i) {
    const sup::Slot& slot = fw.slots[i];
    if (slot.state == sup::State::parked && slot.hal.wait.kind == pb::Wait::edge &&
        next_wake > now + MPS2_EDGE_POLL_US) {
      next_wake = now + MPS2_EDGE_POLL_US;
    }
  }
  return next_wake;
}

}  // namespace

int main() {
  board_init();
  static Firmware fw;
  mps2_hal_init(&fw.hal);
  fw.board = fw.hal.board;
  fw.board.log = &kNamedLog;
  fw.board.log_ctx = &fw;
  if (!sup::init(fw.s, fw.board, fw.slots, kApps, on_event, &fw).ok()) return 1;

  struct App {
    const char* name;
    const pb::Grant* grant;
  };
  const App apps[kApps] = {{"thermostat", &kThermostat}, {"blink", &kBlink}, {"spin", &kLogOnly}};
  for (uint32_t i = 0; i < kApps; ++i) {
    const embedded_module* wasm = embedded_module_find(apps[i].name);
    picowasm::LoadedModule* module = nullptr;
    if (!wasm || !load_embedded(*wasm, g_module_arenas[i], kModuleArenaBytes, &module).ok()) {
      mps2_console_line(&fw.hal.log, "== %s: cannot be loaded", apps[i].name);
      return 1;
    }
    sup::AppSpec spec;
    spec.name = apps[i].name;
    spec.module = module;
    spec.grant = apps[i].grant;
    spec.arena = g_instance_arenas[i];
    spec.arena_size = kInstanceArenaBytes;
    spec.limits.memory_pages = 2;
    spec.limits.stack_bytes = 8 * 1024;
    if (i == 0) spec.policy.priority = 1;
    if (i == 2) {
      spec.policy.budget_fuel = 20000;
      spec.policy.period_us = 1000000;
      spec.policy.restart = sup::Restart::on_failure;
      spec.policy.backoff_us = 100000;
      spec.policy.max_restarts = 2;
    }
    const picowasm::Error err = sup::add(fw.s, spec);
    if (!err.ok()) {
      mps2_console_line(&fw.hal.log, "== %s: %s", apps[i].name, err.message());
      return 1;
    }
  }

  uint32_t calls = 0;
  for (; calls < kMaxRunCalls; ++calls) {
    const sup::RunResult r = sup::run(fw.s, kRunFuel);
    if (r.status == sup::RunStatus::all_done) break;
    if (r.status == sup::RunStatus::idle) {
      mps2_idle(&fw.hal, wake_time(fw, r.next_wake_us), 0);
    }
  }
  mps2_console_line(&fw.hal.log, "== supervisor: all done after %lu run() calls",
                    static_cast<unsigned long>(calls));
  return calls < kMaxRunCalls ? 0 : 1;
}
