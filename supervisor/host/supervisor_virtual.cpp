// The host main loop of the supervisor over the virtual board (supervisor_virtual.hpp).
#include "supervisor_virtual.hpp"

#include <algorithm>

namespace picowasm {
namespace sup {

const char* virtual_end_name(VirtualEnd e) {
  switch (e) {
    case VirtualEnd::all_done: return "all_done";
    case VirtualEnd::stalled: return "stalled";
    case VirtualEnd::time_up: return "time_up";
    case VirtualEnd::fuel_spent: return "fuel_spent";
  }
  return "?";
}

VirtualResult run_virtual(Supervisor& s, vboard::VirtualBoard& vb, const VirtualRun& config) {
  VirtualResult out;
  vb.advance_to(vb.now_us());  // what is scripted for time 0 holds from the start
  for (;;) {
    if (out.fuel_used >= config.max_fuel) {
      out.end = VirtualEnd::fuel_spent;
      return out;
    }
    const uint64_t quantum = std::min(config.quantum_fuel, config.max_fuel - out.fuel_used);
    const RunResult r = run(s, quantum, config.max_time_us);
    ++out.calls;
    out.fuel_used += r.fuel_used;
    if (config.us_per_fuel && r.fuel_used) {  // the CPU time the apps just took
      const uint64_t t = vb.now_us() + r.fuel_used * config.us_per_fuel;
      vb.advance_to(std::min(t, config.max_time_us));
    }
    switch (r.status) {
      case RunStatus::all_done: out.end = VirtualEnd::all_done; return out;
      case RunStatus::time_up: out.end = VirtualEnd::time_up; return out;
      case RunStatus::fuel_spent: break;
      case RunStatus::idle: {
        const uint64_t t = std::min(r.next_wake_us, vb.next_event_us());
        if (t == kNever) {
          out.end = VirtualEnd::stalled;
          return out;
        }
        if (t > config.max_time_us) {
          vb.advance_to(config.max_time_us);
          out.end = VirtualEnd::time_up;
          return out;
        }
        vb.advance_to(std::max(t, vb.now_us()));
        break;
      }
    }
  }
}

}  // namespace sup
}  // namespace picowasm
