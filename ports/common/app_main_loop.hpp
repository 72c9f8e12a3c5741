// The run loop of a firmware that runs board-layer apps one at a time (hal-apps-m4, hal-apps-m0):
// the instance's start function, then pw_main, within one fuel budget; a blocking HAL call pauses
// the app (host yield), and `idle()` waits until board::hal_poll says it may resume.
#ifndef PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP
#define PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP

#include <stdint.h>

#include "picowasm/picowasm.hpp"

// Returns how the app ended: ok (pw_main's result in slots[0]), trap, or paused (out of fuel, or
// paused for another reason than a host yield).
template <typename Idle>
picowasm::CallResult run_app_main(picowasm::Instance& inst, picowasm::FuncInst* main_fn,
                                  uint64_t* slots, uint64_t fuel, Idle idle) {
  uint64_t used = 0;
  picowasm::CallResult r = picowasm::start(inst, fuel);
  if (r.status == picowasm::CallStatus::ok) {
    used = r.fuel_used;
    r = picowasm::call(inst, main_fn, slots, fuel - used);
  }
  for (;;) {
    used += r.fuel_used;
    if (r.status != picowasm::CallStatus::paused) return r;
    if (r.pause != picowasm::PauseReason::host_yield || used >= fuel) return r;
    idle();
    r = picowasm::resume(inst, slots, fuel - used);
  }
}

#endif  // PICOWASM_PORTS_COMMON_APP_MAIN_LOOP_HPP
