// Firmware watchdog-reaction-m4: the supervisor's watchdog reaction time in instructions, a
// measurement (ports/cortex-m4/supervisor/watchdog_reaction.py), not a test. One app, a spin loop
// calling env.mark every iteration, runs under a budget of kBudget fuel; bench_mark() runs in
// env.mark and again when the watchdog event arrives, so the qemu-insn-count plugin's last delta
// is the instructions from the last wasm code run on the budget to the watchdog acting (the host
// call's return, the branch back, the pause at the next safe point, the supervisor's accounting).
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "embedded_module.h"
#include "mps2_hal.h"
#include "picowasm/supervisor.hpp"
#include "timer.h"  // bench_mark()

namespace pb = picowasm::board;
namespace sup = picowasm::sup;

namespace {

constexpr uint64_t kBudget = 2000;  // fuel per period: 1000 iterations
alignas(16) uint8_t g_module_arena[128 * 1024] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arena[96 * 1024] BOARD_PSRAM;

void host_mark(picowasm::HostContext&) {
  bench_mark();
}
constexpr picowasm::HostFunction kMark[] = {picowasm::host_function<&host_mark>("env", "mark")};
picowasm::HostFunction g_functions[pb::kNumHalFunctions + 1];

uint32_t g_watchdogs = 0;
void on_event(void*, const sup::Slot&, const sup::Event& e) {
  if (e.kind != sup::EventKind::watchdog) return;
  bench_mark();
  ++g_watchdogs;
}

constexpr pb::Grant kNothing{};

}  // namespace

int main() {
  board_init();
  static mps2_hal hal;
  mps2_hal_init(&hal);
  static sup::Slot slots[1];
  static sup::Supervisor s;
  const embedded_module* wasm = embedded_module_find("watchdog_spin");
  picowasm::ModuleConfig mc;
  mc.arena = g_module_arena;
  mc.arena_size = sizeof g_module_arena;
  picowasm::LoadedModule* module = nullptr;
  const size_t n = pb::hal_function_table(kMark, 1, g_functions, pb::kNumHalFunctions + 1);
  if (!wasm || !picowasm::load(wasm->bytes, wasm->size, mc, &module).ok() || n == 0 ||
      !sup::init(s, hal.board, slots, 1, on_event, nullptr).ok()) {
    return 1;
  }
  sup::AppSpec spec;
  spec.name = "watchdog_spin";
  spec.module = module;
  spec.grant = &kNothing;
  spec.arena = g_instance_arena;
  spec.arena_size = sizeof g_instance_arena;
  spec.limits.stack_bytes = 1024;
  spec.functions = g_functions;
  spec.num_functions = n;
  spec.policy.budget_fuel = kBudget;
  if (!sup::add(s, spec).ok()) return 1;
  while (sup::run(s, 100000).status != sup::RunStatus::all_done) {
  }
  printf("watchdog-reaction-m4: %lu watchdog event, fuel %lu\n",
         static_cast<unsigned long>(g_watchdogs),
         static_cast<unsigned long>(slots[0].record.fuel_used));
  return g_watchdogs == 1 && slots[0].record.fuel_used == kBudget ? 0 : 1;
}
