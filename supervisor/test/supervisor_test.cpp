// supervisor_policies: every scheduling policy and transition of the supervisor on the virtual
// board's deterministic clock, against expectations derived by hand from the guests below (WAT,
// so their fuel is countable: one unit per call and per taken backward branch).
#include "picowasm/supervisor.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "board_test_util.h"
#include "supervisor_virtual.hpp"

namespace {

using namespace picowasm;
using board_test::Buffer;
using board_test::Loaded;
using board_test::wat;

// ---- Guests ------------------------------------------------------------------------------------

const char* kImports = R"(
  (import "pw_time" "sleep_us" (func $sleep (param i64) (result i32)))
  (import "pw_log" "write" (func $log (param i32 i32 i32) (result i32)))
  (import "pw_gpio" "configure" (func $configure (param i32 i32) (result i32)))
  (import "pw_gpio" "wait_edge" (func $wait_edge (param i32 i32 i64) (result i32)))
  (import "pw_uart" "read" (func $uart_read (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (data (i32.const 16) "tick")
)";

std::string module(const std::string& body) {
  return std::string("(module ") + kImports + body + ")";
}

// Loops forever: one unit of fuel per iteration.
std::string spin() {
  return module(R"((func (export "pw_main") (result i32) (loop $l (br $l)) (i32.const 0)))");
}

// Counts to n and returns n: n - 1 taken backward branches, so n - 1 units of fuel.
std::string work(int n) {
  return module(R"((func (export "pw_main") (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const )" +
                std::to_string(n) + R"())))
    (local.get $i)))");
}

// `count` times: sleep `period` us, then log "tick"; returns count. Fuel: 2 calls per round and
// count - 1 taken branches.
std::string sleeper(int period, int count) {
  return module(R"((func (export "pw_main") (result i32) (local $i i32)
    (loop $l
      (drop (call $sleep (i64.const )" +
                std::to_string(period) + R"()))
      (drop (call $log (i32.const 2) (i32.const 16) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const )" +
                std::to_string(count) + R"())))
    (local.get $i)))");
}

// Configures pin 3 as input, waits for a rising edge without timeout, logs, returns the status.
std::string button() {
  return module(R"((func (export "pw_main") (result i32) (local $s i32)
    (drop (call $configure (i32.const 3) (i32.const 0)))
    (local.set $s (call $wait_edge (i32.const 3) (i32.const 1) (i64.const -1)))
    (drop (call $log (i32.const 2) (i32.const 16) (i32.const 4)))
    (local.get $s)))");
}

// Reads up to 8 bytes from UART 0 without timeout, logs them, returns the count.
std::string reader() {
  return module(R"((func (export "pw_main") (result i32) (local $n i32)
    (local.set $n (call $uart_read (i32.const 0) (i32.const 64) (i32.const 8) (i64.const -1)))
    (drop (call $log (i32.const 2) (i32.const 64) (local.get $n)))
    (local.get $n)))");
}

// Sleeps `at` us, then traps (unreachable).
std::string trapper(int at) {
  return module(R"((func (export "pw_main") (result i32)
    (drop (call $sleep (i64.const )" +
                std::to_string(at) + R"()))
    unreachable))");
}

// Returns 7 at once (no fuel).
std::string quick() {
  return module(R"((func (export "pw_main") (result i32) (i32.const 7)))");
}

// ---- Harness -----------------------------------------------------------------------------------

constexpr board::GpioGrant kPin3[] = {{3, 3, board::kInput}};
constexpr board::UartGrant kUart0[] = {{0, board::kRead | board::kWrite}};
const board::Grant kGrant = [] {
  board::Grant g;
  g.gpio = kPin3;
  g.num_gpio = 1;
  g.uart = kUart0;
  g.num_uart = 1;
  g.time = true;
  g.log = true;
  return g;
}();

struct Logged {
  uint64_t t;
  std::string app, text;
  bool operator==(const Logged& o) const { return t == o.t && app == o.app && text == o.text; }
};

struct Harness {
  vboard::VirtualBoard vb;
  sup::Supervisor s;
  std::unique_ptr<sup::Slot[]> slots{new sup::Slot[8]};
  std::vector<std::unique_ptr<Loaded>> modules;
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::deque<std::string> names;    // stable addresses: AppSpec::name points here
  std::vector<std::string> events;  // "t app event [detail]"
  std::vector<std::pair<std::string, uint64_t>> slices;  // (app, fuel) per completed turn
  std::vector<Logged> logs;
  std::vector<board::RunRecord> records;

  Harness() {
    EXPECT_TRUE(sup::init(s, vb.board(), slots.get(), 8, &Harness::on_event, this).ok());
    vb.log_sink = [this](uint64_t t, int32_t, const char* text, size_t n) {
      const sup::Slot* slot = sup::running_slot(s);
      logs.push_back({t, slot ? slot->spec.name : "?", std::string(text, n)});
    };
  }

  static void on_event(void* ctx, const sup::Slot& slot, const sup::Event& e) {
    Harness& h = *static_cast<Harness*>(ctx);
    std::string line =
        std::to_string(e.time_us) + " " + slot.spec.name + " " + sup::event_name(e.kind);
    if (e.kind == sup::EventKind::ended) {
      line += std::string(" ") + sup::end_name(e.activation->end);
      h.records.push_back(*e.record);
    }
    if (e.kind == sup::EventKind::parked || e.kind == sup::EventKind::backoff) {
      line += " " + (e.wait_us == sup::kNever ? std::string("never") : std::to_string(e.wait_us));
    }
    if (e.kind == sup::EventKind::slice) {
      h.slices.push_back({slot.spec.name, e.fuel});
      return;  // kept apart: the slice sequence
    }
    h.events.push_back(line);
  }

  uint32_t add(const std::string& name, const std::string& source, sup::Policy policy = {}) {
    modules.emplace_back(new Loaded(wat(source)));
    buffers.emplace_back(new Buffer(1 << 18));
    names.push_back(name);
    sup::AppSpec spec;
    spec.name = names.back().c_str();
    spec.module = modules.back()->module;
    spec.grant = &kGrant;
    spec.arena = buffers.back()->data;
    spec.arena_size = buffers.back()->size;
    spec.limits.stack_bytes = 8 * 1024;
    spec.limits.call_depth = 64;
    spec.policy = policy;
    uint32_t index = 99;
    const Error err = sup::add(s, spec, &index);
    EXPECT_TRUE(err.ok()) << error_code_name(err.code);
    return index;
  }

  sup::VirtualResult go(sup::VirtualRun config = {}) { return sup::run_virtual(s, vb, config); }

  std::vector<Logged> logs_of(const std::string& app) const {
    std::vector<Logged> out;
    for (const Logged& l : logs) {
      if (l.app == app) out.push_back(l);
    }
    return out;
  }
  std::vector<std::string> events_of(const std::string& app) const {
    std::vector<std::string> out;
    for (const std::string& e : events) {
      if (e.find(" " + app + " ") != std::string::npos) out.push_back(e);
    }
    return out;
  }
};

using Slices = std::vector<std::pair<std::string, uint64_t>>;
using Lines = std::vector<std::string>;

sup::Policy slice(uint64_t fuel, uint8_t priority = 0) {
  sup::Policy p;
  p.slice_fuel = fuel;
  p.priority = priority;
  return p;
}

// ---- Round-robin and priorities -----------------------------------------------------------------

// Three equal apps of 2500, 1200 and 600 units (work(n) takes n - 1) in slices of 1000: A B C
// take turns in order; C finishes in its first turn, B in its second, A in its third.
TEST(Supervisor, RoundRobinOrderWithinAPriority) {
  Harness h;
  h.add("A", work(2501), slice(1000));
  h.add("B", work(1201), slice(1000));
  h.add("C", work(601), slice(1000));
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.slices, (Slices{{"A", 1000}, {"B", 1000}, {"A", 1000}}));
  EXPECT_EQ(h.events, (Lines{"0 A started", "0 B started", "0 C started", "0 C ended returned",
                             "0 B ended returned", "0 A ended returned"}));
  ASSERT_EQ(h.records.size(), 3u);
  EXPECT_EQ(h.records[0].status, PW_RUN_OK);
  EXPECT_EQ(h.records[0].exit_code, 601);
  EXPECT_EQ(h.records[0].fuel_used, 600u);
  EXPECT_EQ(h.records[1].fuel_used, 1200u);
  EXPECT_EQ(h.records[2].fuel_used, 2500u);
  EXPECT_EQ(h.slots[0].current.slices, 3u);
}

// Fuel shares follow the slices: two spinners with slices 1000 and 3000 share 20000 units as
// rounds of A 1000, B 3000: five rounds, A 5000 and B 15000.
TEST(Supervisor, FuelSharesFollowSlices) {
  Harness h;
  h.add("A", spin(), slice(1000));
  h.add("B", spin(), slice(3000));
  sup::VirtualRun run;
  run.max_fuel = 20000;
  run.quantum_fuel = 700;  // run() calls that end mid-slice do not change the turns
  EXPECT_EQ(h.go(run).end, sup::VirtualEnd::fuel_spent);
  EXPECT_EQ(h.slots[0].current.fuel_used, 5000u);
  EXPECT_EQ(h.slots[1].current.fuel_used, 15000u);
  ASSERT_EQ(h.slices.size(), 10u);  // B's fifth turn ends exactly with the budget
  for (size_t i = 0; i < h.slices.size(); ++i) {
    EXPECT_EQ(h.slices[i], (i % 2 ? Slices::value_type{"B", 3000} : Slices::value_type{"A", 1000}));
  }
}

// A high-priority app sleeping 1500 us preempts a spinner at the next slice boundary, not
// before: with 1 us per fuel unit, L's turns are 0-1000 and 1000-2000 us; H wakes at 1500 us and
// runs at 2000 us. H (work of 2000 units in slices of 500) keeps the CPU until it returns.
TEST(Supervisor, PriorityPreemptsAtSliceBoundaries) {
  Harness h;
  h.add("L", spin(), slice(1000, 0));
  h.add("H", module(R"((func (export "pw_main") (result i32) (local $i i32)
      (drop (call $sleep (i64.const 1500)))
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))
      (local.get $i)))"),
        slice(500, 1));
  sup::VirtualRun run;
  run.us_per_fuel = 1;
  run.quantum_fuel = 100;
  run.max_time_us = 5000;
  EXPECT_EQ(h.go(run).end, sup::VirtualEnd::time_up);
  // H's first turn: the sleep call (1 unit) parks it at t=0. Then L's turns take the fuel from 1
  // to 1001 and 1001 to 2001 (run() calls of 100 units, 1 us each: the second ends in the call
  // starting at 2000 us); H, woken at 1500, runs next: 1999 branches in turns of 500, 500, 500 and
  // 499, ending in the run() call that starts at 3900 us (fuel 3901-4000). Then L again.
  EXPECT_EQ(h.slices,
            (Slices{{"L", 1000}, {"L", 1000}, {"H", 500}, {"H", 500}, {"H", 500}, {"L", 1000}}));
  EXPECT_EQ(h.events_of("H"),
            (Lines{"0 H started", "0 H parked 1500", "1500 H woken", "3900 H ended returned"}));
}

// ---- Parking and waking ----------------------------------------------------------------------

// A sleeper is parked between its ticks and runs exactly once per tick: 4 turns (start + 3
// wakes), 3 parks, ticks at 10, 20 and 30 ms; the supervisor's idle result names the next wake.
TEST(Supervisor, SleepParksUntilTheDeadline) {
  Harness h;
  h.add("S", sleeper(10000, 3));
  sup::RunResult r = sup::run(h.s, 1000000);
  EXPECT_EQ(r.status, sup::RunStatus::idle);
  EXPECT_EQ(r.next_wake_us, 10000u);
  EXPECT_EQ(r.fuel_used, 1u);  // the sleep call
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.logs, (std::vector<Logged>{
                        {10000, "S", "tick"}, {20000, "S", "tick"}, {30000, "S", "tick"}}));
  EXPECT_EQ(h.events, (Lines{"0 S started", "0 S parked 10000", "10000 S woken",
                             "10000 S parked 20000", "20000 S woken", "20000 S parked 30000",
                             "30000 S woken", "30000 S ended returned"}));
  EXPECT_EQ(h.slots[0].current.slices, 4u);
  EXPECT_EQ(h.slots[0].current.parks, 3u);
  // 3 sleeps + 3 logs + 2 branches.
  EXPECT_EQ(h.records.at(0).fuel_used, 8u);
  EXPECT_EQ(h.records.at(0).hal[7].calls, 3u);  // time
  EXPECT_EQ(h.records.at(0).hal[8].calls, 3u);  // log
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(h.records.at(0).log.bytes), 15),
            "tick\ntick\ntick\n");
  EXPECT_EQ(sup::run(h.s, 1000).status, sup::RunStatus::all_done);
}

// An app waiting for a button never runs until the scripted edge at 5 ms; meanwhile the idle
// supervisor has no wake time of its own (only an event can wake it).
TEST(Supervisor, PinEdgeWakesTheWaiter) {
  Harness h;
  h.add("B", button());
  vboard::ScriptEvent press;
  press.time_us = 5000;
  press.kind = vboard::ScriptEvent::Kind::pin_level;
  press.target = 3;
  press.value = 1;
  h.vb.schedule(press);
  const sup::RunResult r = sup::run(h.s, 1000000);
  EXPECT_EQ(r.status, sup::RunStatus::idle);
  EXPECT_EQ(r.next_wake_us, sup::kNever);
  EXPECT_EQ(h.slots[0].current.slices, 1u);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.slots[0].current.slices, 2u);
  EXPECT_EQ(h.events,
            (Lines{"0 B started", "0 B parked never", "5000 B woken", "5000 B ended returned"}));
  EXPECT_EQ(h.logs, (std::vector<Logged>{{5000, "B", "tick"}}));
  EXPECT_EQ(h.records.at(0).exit_code, 0);  // PW_HAL_OK
}

// UART data scripted at 7 ms wakes the reader, which gets the two bytes.
TEST(Supervisor, UartDataWakesTheReader) {
  Harness h;
  h.add("R", reader());
  vboard::ScriptEvent input;
  input.time_us = 7000;
  input.kind = vboard::ScriptEvent::Kind::uart_input;
  input.bytes = "hi";
  h.vb.schedule(input);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.events,
            (Lines{"0 R started", "0 R parked never", "7000 R woken", "7000 R ended returned"}));
  EXPECT_EQ(h.logs, (std::vector<Logged>{{7000, "R", "hi"}}));
  EXPECT_EQ(h.records.at(0).exit_code, 2);
}

// Nothing scripted: the reader stalls, and its record says so.
TEST(Supervisor, StalledWhenNothingCanWake) {
  Harness h;
  h.add("R", reader());
  EXPECT_EQ(h.go().end, sup::VirtualEnd::stalled);
  board::RunRecord rec;
  sup::current_record(h.s, 0, &rec, true);
  EXPECT_EQ(rec.status, PW_RUN_STALLED);
  EXPECT_EQ(rec.pause_reason, PW_RECORD_PAUSE_HOST_YIELD);
  EXPECT_EQ(rec.fuel_used, 1u);
}

// ---- Watchdog and restarts ---------------------------------------------------------------------

// A spinner with a budget of 5000 units per second, slices of 1000: killed after exactly 5000
// units (no unit beyond the budget), restarted after 100, 200, 400 ms (back-off doubling), and
// given up at the failure after the third restart. Computing takes no virtual time here, so each
// activation dies at the instant it starts.
TEST(Supervisor, WatchdogKillsAndRestartsWithBackoff) {
  Harness h;
  sup::Policy p = slice(1000);
  p.budget_fuel = 5000;
  p.period_us = 1000000;
  p.restart = sup::Restart::on_failure;
  p.backoff_us = 100000;
  p.max_restarts = 3;
  h.add("W", spin(), p);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.events,
            (Lines{"0 W started", "0 W watchdog", "0 W ended killed", "0 W backoff 100000",
                   "100000 W started", "100000 W watchdog", "100000 W ended killed",
                   "100000 W backoff 300000", "300000 W started", "300000 W watchdog",
                   "300000 W ended killed", "300000 W backoff 700000", "700000 W started",
                   "700000 W watchdog", "700000 W ended killed", "700000 W gave_up"}));
  ASSERT_EQ(h.records.size(), 4u);
  for (uint32_t k = 0; k < 4; ++k) {
    EXPECT_EQ(h.records[k].status, PW_RUN_KILLED);
    EXPECT_EQ(h.records[k].fuel_used, 5000u);
    EXPECT_EQ(h.records[k].activation, k + 1);
  }
  EXPECT_EQ(h.slots[0].restarts, 3u);
  EXPECT_EQ(h.slots[0].state, sup::State::finished);
}

// The budget is per period. With 1 us per unit and one slice per run() call, K (9000 units) and
// F (3000) alternate in slices of 1000 under a budget of 4000 per 5 ms: K 0-1, F 1-2, K 2-3, F 3-4,
// K 4-5 ms (K used 3000 in the first period), F 5-6 ms (returns, 3000 in all), then K alone: its
// period rolled at 5 ms, so 6-7, 7-8, 8-9 and 9-10 ms use the new period's 4000 and K, still
// running, is killed at the slice that began at 9 ms (event times are a turn's start), after
// 7000 units in all. Without periods it would have died at 4000.
TEST(Supervisor, WatchdogBudgetPerPeriod) {
  Harness h;
  sup::Policy p = slice(1000);
  p.budget_fuel = 4000;
  p.period_us = 5000;
  h.add("K", work(9001), p);
  h.add("F", work(3001), p);
  sup::VirtualRun run;
  run.us_per_fuel = 1;
  run.quantum_fuel = 1000;
  EXPECT_EQ(h.go(run).end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.events, (Lines{"0 K started", "0 F started", "5000 F ended returned",
                             "9000 K watchdog", "9000 K ended killed"}));
  EXPECT_EQ(h.records.at(1).fuel_used, 7000u);
  EXPECT_EQ(h.records.at(0).fuel_used, 3000u);
}

// Exponential back-off is capped at backoff_max_us; restart "always" restarts after a return too.
TEST(Supervisor, RestartAlwaysWithCappedBackoff) {
  Harness h;
  sup::Policy p;
  p.restart = sup::Restart::always;
  p.backoff_us = 1000;
  p.backoff_max_us = 3000;
  p.max_restarts = 3;
  h.add("Q", quick(), p);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  // Delays 1000, 2000, then 4000 capped to 3000.
  EXPECT_EQ(h.events, (Lines{"0 Q started", "0 Q ended returned", "0 Q backoff 1000",
                             "1000 Q started", "1000 Q ended returned", "1000 Q backoff 3000",
                             "3000 Q started", "3000 Q ended returned", "3000 Q backoff 6000",
                             "6000 Q started", "6000 Q ended returned", "6000 Q gave_up"}));
  for (const board::RunRecord& r : h.records) EXPECT_EQ(r.exit_code, 7);
}

// Policy::max_fuel ends an activation as out of fuel (exhausted), restart never.
TEST(Supervisor, MaxFuelExhausts) {
  Harness h;
  sup::Policy p = slice(1000);
  p.max_fuel = 2500;
  h.add("E", spin(), p);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.slices, (Slices{{"E", 1000}, {"E", 1000}}));
  EXPECT_EQ(h.events, (Lines{"0 E started", "0 E ended exhausted"}));
  EXPECT_EQ(h.records.at(0).status, PW_RUN_OUT_OF_FUEL);
  EXPECT_EQ(h.records.at(0).fuel_used, 2500u);
}

// ---- Isolation -----------------------------------------------------------------------------

// Runs the apps named (a subset of one fixed set) and returns their log lines.
std::vector<Logged> run_set(const std::vector<std::string>& which) {
  Harness h;
  vboard::ScriptEvent press;
  press.time_us = 25000;
  press.kind = vboard::ScriptEvent::Kind::pin_level;
  press.target = 3;
  press.value = 1;
  h.vb.schedule(press);
  sup::Policy guarded = slice(1000);
  guarded.budget_fuel = 3000;
  guarded.restart = sup::Restart::on_failure;
  guarded.backoff_us = 4000;
  guarded.max_restarts = 2;
  for (const std::string& name : which) {
    if (name == "S") h.add("S", sleeper(10000, 4));
    if (name == "B") h.add("B", button());
    if (name == "T") h.add("T", trapper(15000));
    if (name == "W") h.add("W", spin(), guarded);
  }
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  return h.logs;
}

// A trap in one app and a watchdog-killed spinner leave the others' timing and output exactly as
// when each runs alone (the expected lines are also derived by hand).
TEST(Supervisor, OneAppsFailureLeavesOthersUnchanged) {
  const std::vector<Logged> together = run_set({"S", "T", "W", "B"});
  const std::vector<Logged> s_alone = run_set({"S"}), b_alone = run_set({"B"});
  EXPECT_EQ(
      s_alone,
      (std::vector<Logged>{
          {10000, "S", "tick"}, {20000, "S", "tick"}, {30000, "S", "tick"}, {40000, "S", "tick"}}));
  EXPECT_EQ(b_alone, (std::vector<Logged>{{25000, "B", "tick"}}));
  std::vector<Logged> s_together, b_together;
  for (const Logged& l : together) {
    if (l.app == "S") s_together.push_back(l);
    if (l.app == "B") b_together.push_back(l);
    EXPECT_TRUE(l.app == "S" || l.app == "B") << l.app;  // T and W never log
  }
  EXPECT_EQ(s_together, s_alone);
  EXPECT_EQ(b_together, b_alone);
}

TEST(Supervisor, TrapIsRecorded) {
  Harness h;
  h.add("T", trapper(15000));
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.events,
            (Lines{"0 T started", "0 T parked 15000", "15000 T woken", "15000 T ended trapped"}));
  EXPECT_EQ(h.records.at(0).status, PW_RUN_TRAP);
  EXPECT_EQ(h.records.at(0).trap_code, static_cast<uint32_t>(ErrorCode::trap_unreachable));
  EXPECT_EQ(h.records.at(0).time_us, 15000u);
  EXPECT_EQ(h.records.at(0).elapsed_us, 15000u);
}

// ---- Revocation ------------------------------------------------------------------------------

// Revoking the sleeper at 15 ms (between its ticks) ends it as revoked without a restart; the
// other sleeper keeps its ticks.
TEST(Supervisor, RevokeOneApp) {
  Harness h;
  sup::Policy p;
  p.restart = sup::Restart::always;
  h.add("X", sleeper(10000, 3), p);
  h.add("Y", sleeper(10000, 3));
  sup::VirtualRun run;
  run.max_time_us = 15000;
  EXPECT_EQ(h.go(run).end, sup::VirtualEnd::time_up);
  sup::revoke_app(h.s, 0);
  EXPECT_EQ(h.go().end, sup::VirtualEnd::all_done);
  EXPECT_EQ(h.events_of("X"), (Lines{"0 X started", "0 X parked 10000", "10000 X woken",
                                     "10000 X parked 20000", "15000 X ended revoked"}));
  EXPECT_EQ(h.records.at(0).status, PW_RUN_REVOKED);
  EXPECT_EQ(h.logs_of("X"), (std::vector<Logged>{{10000, "X", "tick"}}));
  EXPECT_EQ(h.logs_of("Y"), (std::vector<Logged>{
                                {10000, "Y", "tick"}, {20000, "Y", "tick"}, {30000, "Y", "tick"}}));
}

// ---- Errors ----------------------------------------------------------------------------------

TEST(Supervisor, TypedErrors) {
  vboard::VirtualBoard vb;
  sup::Supervisor s;
  sup::Slot slots[1];
  pw_board no_clock = vb.board();
  no_clock.clock = nullptr;
  EXPECT_EQ(sup::init(s, no_clock, slots, 1).code, ErrorCode::supervisor_bad_board);
  EXPECT_EQ(sup::init(s, vb.board(), slots, sup::kMaxApps + 1).code,
            ErrorCode::supervisor_bad_board);
  ASSERT_TRUE(sup::init(s, vb.board(), slots, 1).ok());
  sup::AppSpec spec;
  EXPECT_EQ(sup::add(s, spec).code, ErrorCode::supervisor_bad_spec);
  Loaded m(wat(R"((module (func (export "main") (result i32) (i32.const 0))))"));
  Buffer buf(1 << 16);
  spec.module = m.module;
  spec.grant = &kGrant;
  spec.arena = buf.data;
  spec.arena_size = buf.size;
  EXPECT_EQ(sup::add(s, spec).code, ErrorCode::supervisor_bad_entry);  // no pw_main
  EXPECT_EQ(slots[0].state, sup::State::finished);
  EXPECT_EQ(slots[0].record.status, PW_RUN_LOAD_ERROR);
  EXPECT_EQ(sup::add(s, spec).code, ErrorCode::supervisor_full);
}

TEST(Supervisor, LinkRefusalIsALinkError) {
  Harness h;
  board::Grant none;
  Loaded m(wat(sleeper(10, 1)));
  Buffer buf(1 << 18);
  sup::AppSpec spec;
  spec.name = "N";
  spec.module = m.module;
  spec.grant = &none;
  spec.arena = buf.data;
  spec.arena_size = buf.size;
  EXPECT_EQ(sup::add(h.s, spec).code, ErrorCode::unknown_import);
  EXPECT_EQ(h.records.at(0).status, PW_RUN_LINK_ERROR);
  EXPECT_EQ(sup::run(h.s, 100).status, sup::RunStatus::all_done);
}

}  // namespace
