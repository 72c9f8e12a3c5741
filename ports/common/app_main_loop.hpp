// What the firmware running board-layer apps share: loading a module embedded in flash (all of
// them), and for those that run one app at a time (hal-apps-m4, hal-apps-m0, wasi-m4) the run
// loop: the instance's start function, then the entry point, within one fuel budget; a blocking
// HAL call pauses the app (host yield), and the firmware sleeps until board::hal_poll says it may
// resume.
#ifndef PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP
#define PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP

#include <stddef.h>
#include <stdint.h>

#include "embedded_module.h"
#include "picowasm/board.hpp"
#include "picowasm/picowasm.hpp"

// Loads a module embedded in flash (it stays there) into `arena`.
inline picowasm::Error load_embedded(const embedded_module& wasm, uint8_t* arena, size_t arena_size,
                                     picowasm::LoadedModule** out) {
  picowasm::ModuleConfig mc;
  mc.arena = arena;
  mc.arena_size = arena_size;
  return picowasm::load(wasm.bytes, wasm.size, mc, out);
}

// How a board's firmware sleeps while its app waits in a HAL call.
struct IdlePolicy {
  uint64_t max_sleep_us;  // the longest one sleep of the board may last
  // While the app waits for a GPIO edge, wake this often to sample the pins (a board without GPIO
  // interrupts); 0: no sampling (the board has edge interrupts, or refuses edge waits).
  uint64_t edge_poll_us;
};

// Sleeps until the paused app's wait can end: hal_poll decides, this only keeps the CPU from
// spinning. sleep(wake_us, uart_ports) sleeps until wake_us on the board clock, or until data
// arrives on a UART port in the mask (bit per port), or any interrupt.
template <typename Sleep>
void idle_until_ready(picowasm::board::AppHal& app, const IdlePolicy& policy, Sleep sleep) {
  namespace pb = picowasm::board;
  const pw_board& board = *app.board;
  for (;;) {
    const uint64_t now = board.clock->now_us(board.clock_ctx);
    if (pb::hal_poll(app, now) != pb::Poll::waiting) return;
    const pb::WaitState& w = pb::hal_wait_state(app);
    uint64_t wake = w.has_deadline ? w.deadline_us : now + policy.max_sleep_us;
    if (w.kind == pb::Wait::edge && policy.edge_poll_us != 0 && wake > now + policy.edge_poll_us) {
      wake = now + policy.edge_poll_us;
    }
    sleep(wake, w.kind == pb::Wait::uart ? 1u << w.resource : 0u);
  }
}

// Runs the app (board::run_app): start function, then `entry` (pw_main, or a WASI command's
// _start) with its result in slots[0], sleeping through each HAL wait (idle_until_ready). Returns
// how the app ended: ok, trap, or paused (out of fuel, or paused for another reason than a host
// yield).
template <typename Sleep>
picowasm::CallResult run_app_main(picowasm::Instance& inst, picowasm::FuncInst* entry,
                                  uint64_t* slots, uint64_t fuel, picowasm::board::AppHal& app,
                                  const IdlePolicy& policy, Sleep sleep) {
  uint64_t used = 0;
  return picowasm::board::run_app(inst, entry, slots, fuel, &used, [&] {
    idle_until_ready(app, policy, sleep);
    return true;
  });
}

// What a trapped app's report says: the host function's message, or the trap's.
inline const char* trap_message(const picowasm::Instance& inst) {
  const picowasm::TrapReport t = picowasm::trap_report(inst);
  return t.host_message ? t.host_message : picowasm::error_message(t.code);
}

#endif  // PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP
