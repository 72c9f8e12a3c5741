// picowasm supervisor: several apps on one core, without threads or heap (docs/supervisor.md).
//
// An optional layer over the engine API and the board layer. It owns N app slots in caller
// memory, each with its module, instance buffer, grant and policy (priority, fuel slice, CPU
// budget per period, restart policy), and schedules them: round-robin within a priority in fuel
// slices, higher priorities first at every slice boundary. An app blocked in a HAL wait (sleep,
// pin edge, UART data) is parked and woken by board::hal_poll, never by running it; an app that
// uses more than its budget in a period is stopped by the watchdog and restarted (with
// exponential back-off, giving up after N restarts) or left dead, by its policy. Every transition
// is reported to a callback; every activation (one run of an instance, from start to its end)
// ends with a summary of what it did.
//
// The firmware drives it from its main loop:
//
//   sup::Slot slots[3];                                  // caller memory
//   sup::Supervisor s;
//   sup::init(s, board, slots, 3);                       // board: drivers + clock
//   sup::add(s, spec_thermostat); ...                    // module, buffer, grant, policy each
//   for (;;) {
//     const sup::RunResult r = sup::run(s, 100000, kNoDeadline);   // at most this much fuel
//     if (r.status == sup::RunStatus::idle) sleep_until(r.next_wake_us);   // or an interrupt
//   }
#ifndef PICOWASM_SUPERVISOR_HPP
#define PICOWASM_SUPERVISOR_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/board.hpp"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "picowasm/run_record.h"

namespace picowasm {
namespace sup {

constexpr uint32_t kMaxApps = PICOWASM_SUPERVISOR_MAX_APPS;
constexpr uint64_t kDefaultSliceFuel = PICOWASM_SUPERVISOR_DEFAULT_SLICE_FUEL;
constexpr uint64_t kDefaultPeriodUs = PICOWASM_SUPERVISOR_DEFAULT_PERIOD_US;
constexpr uint64_t kDefaultBackoffUs = PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_US;
constexpr uint64_t kDefaultBackoffMaxUs = PICOWASM_SUPERVISOR_DEFAULT_BACKOFF_MAX_US;
constexpr uint64_t kNever = UINT64_MAX;  // "no time": no deadline, no wake-up

// When an activation that ended is followed by a new one (a fresh instance in the same buffer).
enum class Restart : uint8_t {
  never,       // the app stays finished
  on_failure,  // after a trap, exhaustion or a watchdog kill (not after returning or revocation)
  always,      // after any end but revocation (a service that must keep running)
};

struct Policy {
  uint8_t priority = 0;                     // higher runs first; round-robin among equals
  uint64_t slice_fuel = kDefaultSliceFuel;  // fuel per turn (the scheduling quantum)
  // Watchdog: fuel the app may use per period of the board clock (0: no watchdog). An app still
  // running when it has used its budget is paused, killed, and restarted by the restart policy.
  uint64_t budget_fuel = 0;
  uint64_t period_us = kDefaultPeriodUs;
  uint64_t max_fuel = 0;  // fuel of one activation in all (0: unlimited); beyond: exhausted
  Restart restart = Restart::never;
  uint64_t backoff_us = kDefaultBackoffUs;         // delay before the first restart, doubled
  uint64_t backoff_max_us = kDefaultBackoffMaxUs;  // per restart up to this
  uint32_t max_restarts = 0;  // give up at the failure after this many restarts
};

// What the caller gives for one app; everything it points to must outlive the supervisor.
struct AppSpec {
  const char* name = "";  // for reports
  const LoadedModule* module = nullptr;
  const board::Grant* grant = nullptr;
  void* arena = nullptr;  // the instance buffer (16-byte aligned; instance_size() bytes at least)
  size_t arena_size = 0;
  ResourceLimits limits;
  // Host functions (board::kHalFunctions when null) and the board's own classes.
  const HostFunction* functions = nullptr;
  size_t num_functions = 0;
  const board::BoardClass* classes = nullptr;
  uint32_t num_classes = 0;
  board::Link link = board::Link::refuse;
  const char* entry = "pw_main";  // () -> i32
  Policy policy;
};

// How an activation ended.
enum class End : uint8_t {
  none,       // still running (or never started)
  returned,   // the entry function returned (exit_code)
  trapped,    // a trap (error; trap_report of the instance until it is reused)
  exhausted,  // Policy::max_fuel ran out, or the engine's stacks (call_stack_exhausted)
  killed,     // the watchdog: more than budget_fuel in one period
  revoked,    // the firmware took the app away (revoke_app)
  failed,     // it could not be instantiated or started (error)
};
const char* end_name(End e);

// One activation's summary (the run record's raw data).
struct Activation {
  uint32_t number = 0;  // 1 for the first, +1 per restart
  uint64_t started_us = 0, ended_us = 0;
  uint64_t fuel_used = 0;  // during this activation
  uint32_t slices = 0;     // turns it got
  uint32_t parks = 0;      // HAL waits it blocked in
  End end = End::none;
  int32_t exit_code = 0;  // End::returned
  Error error;            // trapped / exhausted / failed
};

enum class State : uint8_t {
  empty,     // no app in the slot
  ready,     // runnable: waits for its turn
  parked,    // blocked in a HAL wait; hal_poll wakes it
  backoff,   // ended; restarts at restart_at_us
  finished,  // ended for good
};
const char* state_name(State s);

enum class Phase : uint8_t { start, entry, running };

// One app slot (caller memory; the fields are the supervisor's: read them, do not write them).
struct Slot {
  AppSpec spec;
  // The board as this app sees it: the supervisor's board with UART writes and log records
  // copied into the record's rings on their way to the real drivers.
  pw_board board;
  pw_uart_driver uart_tee;
  pw_log_driver log_tee;
  const pw_board* base = nullptr;
  board::AppHal hal;
  Instance* instance = nullptr;
  FuncInst* entry = nullptr;
  State state = State::empty;
  Phase phase = Phase::start;
  uint64_t slots[1] = {0};
  uint64_t period_start_us = 0, period_fuel = 0;
  uint64_t restart_at_us = 0;
  uint32_t restarts = 0;   // restarts done so far
  uint64_t last_turn = 0;  // the supervisor's turn counter when it last ran (round-robin)
  uint64_t turn_fuel = 0;  // fuel of its current (or last) turn
  Activation current;
  // The run record of the current (or last) activation (run_record.h): complete once it ended.
  board::RunRecord record;
};

// Typed transitions, in the order they happen.
enum class EventKind : uint8_t {
  started,    // an activation began (its instance is ready to run)
  slice,      // a turn ended with the app still ready (fuel: what it used in the turn)
  parked,     // blocked in a HAL wait (wait_us: its deadline, or kNever)
  woken,      // the wait ended (the condition held or the timeout passed)
  watchdog,   // used its budget in the period and is still running: paused, now killed
  ended,      // the activation ended (activation->end says how)
  backoff,    // a restart is due at wait_us
  gave_up,    // restarts used up (max_restarts): finished for good
  cancelled,  // a pending restart was cancelled (revoke_app during the back-off)
};
const char* event_name(EventKind k);

struct Event {
  EventKind kind = EventKind::started;
  uint32_t app = 0;  // slot index
  uint64_t time_us = 0;
  uint64_t wait_us = kNever;
  uint64_t fuel = 0;                         // slice: fuel used in the turn
  const Activation* activation = nullptr;    // the slot's current activation
  const board::RunRecord* record = nullptr;  // ended: the activation's complete run record
};
using EventFn = void (*)(void* ctx, const Slot& slot, const Event& event);

struct Supervisor {
  const pw_board* board = nullptr;
  Slot* slots = nullptr;
  uint32_t capacity = 0, count = 0;
  EventFn on_event = nullptr;
  void* event_ctx = nullptr;
  uint64_t turns = 0;    // slices run so far
  int32_t running = -1;  // the slot running now (-1: none), for host-function attribution
  // A turn cut short by run()'s max_fuel continues first at the next run() (a slice is a slice,
  // however the firmware splits its calls).
  int32_t continuing = -1;
  uint64_t continuing_fuel = 0;
};

// Prepares `s` over `board` (its clock is required) with `capacity` (<= kMaxApps) slots;
// supervisor_bad_board otherwise.
Error init(Supervisor& s, const pw_board& board, Slot* slots, uint32_t capacity,
           EventFn on_event = nullptr, void* event_ctx = nullptr);
// Adds an app and starts its first activation (instantiate; no wasm code runs here). Errors:
// supervisor_full, supervisor_bad_spec (no module, grant, buffer, name or entry name), and for
// the activation (the app then occupies its slot, finished with End::failed, reported):
// board::check_imports' unknown_import, instantiate()'s errors (out_of_arena, ...),
// supervisor_bad_entry. *index receives the slot.
Error add(Supervisor& s, const AppSpec& spec, uint32_t* index = nullptr);

enum class RunStatus : uint8_t {
  fuel_spent,  // the max_fuel given to run() is used up: call again
  time_up,     // the board clock reached `until_us`
  idle,        // nothing is ready: next_wake_us says when something may be (kNever: only an
               // event such as a pin edge or UART data can wake an app)
  all_done,    // every app finished for good
};
const char* run_status_name(RunStatus s);

struct RunResult {
  RunStatus status = RunStatus::all_done;
  uint64_t fuel_used = 0;
  uint64_t next_wake_us = kNever;  // idle: the earliest deadline or restart time
};

// Runs apps for at most `max_fuel` fuel in all and until the board clock reaches `until_us`
// (kNever: no time limit), returning at a slice boundary. Never blocks: when nothing is ready it
// returns idle at once, and the firmware sleeps until next_wake_us or an interrupt.
RunResult run(Supervisor& s, uint64_t max_fuel, uint64_t until_us = kNever);

// Revokes everything of app `index` (board::revoke) and ends its activation as revoked (no
// restart). Not for interrupt handlers: use board::revoke(slot.hal, classes) there, which takes
// effect at the app's next HAL call.
void revoke_app(Supervisor& s, uint32_t index);

// The run record of app `index` as it stands: for an activation still under way (ready, parked),
// status paused (stalled when `stalled`: the caller knows nothing will wake it); for one that
// ended, its final record.
void current_record(const Supervisor& s, uint32_t index, board::RunRecord* out,
                    bool stalled = false);

// The slot running now (inside a host function or driver called by it), or nullptr.
inline const Slot* running_slot(const Supervisor& s) {
  return s.running < 0 ? nullptr : &s.slots[s.running];
}

}  // namespace sup
}  // namespace picowasm

#endif  // PICOWASM_SUPERVISOR_HPP
