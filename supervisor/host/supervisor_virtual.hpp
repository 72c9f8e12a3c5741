// The supervisor on the host's virtual board (board/virtual): the firmware's main loop, with the
// virtual clock standing in for sleeping. Host code (the standard library is fine here).
#ifndef PICOWASM_SUPERVISOR_VIRTUAL_HPP
#define PICOWASM_SUPERVISOR_VIRTUAL_HPP

#include <cstdint>

#include "picowasm/supervisor.hpp"
#include "picowasm/virtual_board.hpp"

namespace picowasm {
namespace sup {

struct VirtualRun {
  // Virtual microseconds one unit of fuel takes (a CPU model; 0: computing takes no time, the
  // clock moves only while every app waits). Time then advances after every run() call of
  // `quantum_fuel`.
  uint64_t us_per_fuel = 0;
  uint64_t quantum_fuel = kDefaultSliceFuel;
  uint64_t max_time_us = kNever;  // stop when the clock would pass this time
  uint64_t max_fuel = kNever;     // stop after this much fuel in all
};

enum class VirtualEnd : uint8_t {
  all_done,   // every app finished for good
  stalled,    // apps wait for what no scripted event will bring
  time_up,    // VirtualRun::max_time_us reached
  fuel_spent  // VirtualRun::max_fuel used
};
const char* virtual_end_name(VirtualEnd e);

struct VirtualResult {
  VirtualEnd end = VirtualEnd::all_done;
  uint64_t fuel_used = 0;
  uint64_t calls = 0;  // run() calls
};

// Drives `s` (initialised over vb.board()) until every app finished, or it stalls, or a limit:
// run(), then, when idle, moves the clock to the next wake time or scripted event, whichever is
// first.
VirtualResult run_virtual(Supervisor& s, vboard::VirtualBoard& vb, const VirtualRun& config);

}  // namespace sup
}  // namespace picowasm

#endif  // PICOWASM_SUPERVISOR_VIRTUAL_HPP
