// The supervisor's scheduler, parking, watchdog and restart policies (supervisor.hpp). Device
// code: no heap, no globals, no exceptions; all state lives in the caller's Supervisor and slots.
#include "picowasm/supervisor.hpp"

namespace picowasm {
namespace sup {

const char* end_name(End e) {
  switch (e) {
    case End::none: return "none";
    case End::returned: return "returned";
    case End::trapped: return "trapped";
    case End::exhausted: return "exhausted";
    case End::killed: return "killed";
    case End::revoked: return "revoked";
    case End::failed: return "failed";
  }
  return "?";
}

const char* state_name(State s) {
  switch (s) {
    case State::empty: return "empty";
    case State::ready: return "ready";
    case State::parked: return "parked";
    case State::backoff: return "backoff";
    case State::finished: return "finished";
  }
  return "?";
}

const char* event_name(EventKind k) {
  switch (k) {
    case EventKind::started: return "started";
    case EventKind::slice: return "slice";
    case EventKind::parked: return "parked";
    case EventKind::woken: return "woken";
    case EventKind::watchdog: return "watchdog";
    case EventKind::ended: return "ended";
    case EventKind::backoff: return "backoff";
    case EventKind::gave_up: return "gave_up";
    case EventKind::cancelled: return "cancelled";
  }
  return "?";
}

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::fuel_spent: return "fuel_spent";
    case RunStatus::time_up: return "time_up";
    case RunStatus::idle: return "idle";
    case RunStatus::all_done: return "all_done";
  }
  return "?";
}

namespace {

uint64_t now_us(const Supervisor& s) {
  return s.board->clock->now_us(s.board->clock_ctx);
}

uint64_t min_u64(uint64_t a, uint64_t b) {
  return a < b ? a : b;
}

void emit(Supervisor& s, uint32_t i, EventKind kind, uint64_t now, uint64_t wait = kNever,
          uint64_t fuel = 0) {
  if (!s.on_event) return;
  Event e;
  e.kind = kind;
  e.app = i;
  e.time_us = now;
  e.wait_us = wait;
  e.fuel = fuel;
  e.activation = &s.slots[i].current;
  if (kind == EventKind::ended) e.record = &s.slots[i].record;
  s.on_event(s.event_ctx, s.slots[i], e);
}

bool restart_wanted(Restart policy, End end) {
  switch (policy) {
    case Restart::never: return false;
    case Restart::on_failure:
      return end == End::trapped || end == End::exhausted || end == End::killed;
    case Restart::always: return end != End::revoked && end != End::failed;
  }
  return false;
}

// The restart delay after `restarts` restarts: backoff_us * 2^restarts, at most backoff_max_us.
uint64_t backoff_delay(const Policy& p, uint32_t restarts) {
  uint64_t d = p.backoff_us;
  for (uint32_t k = 0; k < restarts && d < p.backoff_max_us; ++k) {
    d = d > p.backoff_max_us / 2 ? p.backoff_max_us : d * 2;
  }
  return min_u64(d, p.backoff_max_us);
}

// ---- Output of each app: the slot's board copy passes UART writes and log records to the real
// drivers and keeps what they accepted in the run record's rings (so output is attributable).

int32_t tee_uart_write(void* ctx, uint32_t port, const uint8_t* data, uint32_t len) {
  Slot& slot = *static_cast<Slot*>(ctx);
  const int32_t n = slot.base->uart->write(slot.base->uart_ctx, port, data, len);
  if (n > 0) pw_ring_append(&slot.record.uart, data, static_cast<size_t>(n));
  return n;
}

int32_t tee_uart_read(void* ctx, uint32_t port, uint8_t* buf, uint32_t len) {
  const Slot& slot = *static_cast<const Slot*>(ctx);
  return slot.base->uart->read(slot.base->uart_ctx, port, buf, len);
}

int32_t tee_log_write(void* ctx, int32_t level, const char* text, uint32_t len) {
  Slot& slot = *static_cast<Slot*>(ctx);
  const int32_t status = slot.base->log->write(slot.base->log_ctx, level, text, len);
  if (status >= 0) {
    pw_ring_append(&slot.record.log, text, len);
    pw_ring_append(&slot.record.log, "\n", 1);
  }
  return status;
}

void tee_board(Slot& slot, const pw_board& base) {
  slot.base = &base;
  slot.board = base;
  if (base.uart) {
    slot.uart_tee = {tee_uart_write, tee_uart_read};
    slot.board.uart = &slot.uart_tee;
    slot.board.uart_ctx = &slot;
  }
  if (base.log) {
    slot.log_tee = {tee_log_write};
    slot.board.log = &slot.log_tee;
    slot.board.log_ctx = &slot;
  }
}

// Completes the slot's run record for an activation that ended with `end`.
void finish_record(Slot& slot, End end, const Error& error) {
  board::RunRecord& rec = slot.record;
  if (!slot.instance) {  // it never ran: link or load error
    const uint64_t start = rec.elapsed_us;
    rec.status = error.kind() == ErrorKind::unlinkable ? PW_RUN_LINK_ERROR : PW_RUN_LOAD_ERROR;
    pw_record_text(rec.message, sizeof rec.message, error.message());
    rec.time_us = slot.current.ended_us;
    rec.elapsed_us = start == PW_RECORD_UNKNOWN ? PW_RECORD_UNKNOWN : rec.time_us - start;
    return;
  }
  CallResult r;
  r.fuel_used = slot.current.fuel_used;
  r.error = error;
  switch (end) {
    case End::returned: r.status = CallStatus::ok; break;
    case End::trapped: r.status = CallStatus::trap; break;
    case End::exhausted:
      r.status = error.ok() ? CallStatus::paused : CallStatus::trap;
      r.pause = PauseReason::out_of_fuel;
      break;
    default:
      r.status = CallStatus::paused;
      r.pause = board::hal_wait_state(slot.hal).kind != board::Wait::none
                    ? PauseReason::host_yield
                    : PauseReason::out_of_fuel;
      break;
  }
  const bool entry = slot.phase == Phase::running && slot.entry;
  board::record_end(rec, *slot.instance, r, &slot.hal,
                    entry ? &function_type(*slot.entry) : nullptr, slot.slots);
  if (end == End::returned && entry) {
    rec.has_exit_code = 1;
    rec.exit_code = slot.current.exit_code;
  } else if (end == End::exhausted && error.ok()) {
    rec.status = PW_RUN_OUT_OF_FUEL;
    pw_record_text(rec.message, sizeof rec.message, "the app's fuel (Policy::max_fuel) ran out");
  } else if (end == End::killed) {
    rec.status = PW_RUN_KILLED;
    pw_record_text(rec.message, sizeof rec.message,
                   "watchdog: used its whole CPU budget of the period and still running");
  } else if (end == End::revoked) {
    rec.status = PW_RUN_REVOKED;
    pw_record_text(rec.message, sizeof rec.message, "revoked by the firmware (revoke_app)");
  } else if (end == End::failed) {
    rec.status = PW_RUN_LOAD_ERROR;
    pw_record_text(rec.message, sizeof rec.message, error.message());
  }
}

// Ends the slot's activation: reported (the instance, its trap report included, is still intact
// for the callback), then its paused call is discarded and the restart policy decides.
void end_activation(Supervisor& s, uint32_t i, End end, uint64_t now, Error error = Error()) {
  Slot& slot = s.slots[i];
  slot.current.end = end;
  slot.current.ended_us = now;
  slot.current.error = error;
  finish_record(slot, end, error);
  board::hal_cancel(slot.hal);
  emit(s, i, EventKind::ended, now);
  if (slot.instance && is_paused(*slot.instance)) abandon(*slot.instance);
  if (!restart_wanted(slot.spec.policy.restart, end)) {
    slot.state = State::finished;
    return;
  }
  if (slot.restarts >= slot.spec.policy.max_restarts) {
    slot.state = State::finished;
    emit(s, i, EventKind::gave_up, now);
    return;
  }
  slot.state = State::backoff;
  slot.restart_at_us = now + backoff_delay(slot.spec.policy, slot.restarts);
  emit(s, i, EventKind::backoff, now, slot.restart_at_us);
}

// A fresh instance in the slot's buffer and a new activation, ready to run.
Error activate(Supervisor& s, uint32_t i, uint64_t now) {
  Slot& slot = s.slots[i];
  const AppSpec& spec = slot.spec;
  if (slot.instance) unload(*slot.instance);
  slot.instance = nullptr;
  slot.entry = nullptr;
  const uint32_t number = slot.current.number + 1;
  slot.current = Activation();
  slot.current.number = number;
  slot.current.started_us = now;
  slot.period_start_us = now;
  slot.period_fuel = 0;
  slot.phase = Phase::start;

  tee_board(slot, *s.board);
  board::hal_init(slot.hal, slot.board, *spec.grant, spec.classes, spec.num_classes);
  board::RunRecord& rec = slot.record;
  board::record_begin(rec, &slot.hal);  // cleared: who it is comes after
  pw_record_text(rec.app, sizeof rec.app, spec.name);
  rec.slot = i;
  rec.activation = number;
  Error err = board::check_imports(*spec.module, slot.hal, spec.link).error;
  if (err.ok()) {
    InstanceConfig cfg =
        board::app_config(slot.hal, spec.arena, spec.arena_size,
                          spec.functions ? spec.functions : board::kHalFunctions,
                          spec.functions ? spec.num_functions : board::kNumHalFunctions);
    cfg.limits = spec.limits;
    err = instantiate(*spec.module, cfg, &slot.instance);
    if (!err.ok()) slot.instance = nullptr;
  }
  if (err.ok()) {
    slot.entry = find_function(*slot.instance, spec.entry);
    const FuncType* type = slot.entry ? &function_type(*slot.entry) : nullptr;
    if (!type || type->num_params != 0 || type->num_results != 1 ||
        type->results[0] != ValType::i32) {
      err = Error{ErrorCode::supervisor_bad_entry};
    }
  }
  slot.state = State::ready;
  emit(s, i, EventKind::started, now);
  if (!err.ok()) end_activation(s, i, End::failed, now, err);
  return err;
}

// What the app may use in its next turn by its own limits (watchdog budget, max_fuel); 0 means
// it has used up one of them.
uint64_t app_allowance(const Slot& slot) {
  const Policy& p = slot.spec.policy;
  uint64_t a = p.slice_fuel ? p.slice_fuel : kDefaultSliceFuel;
  if (p.budget_fuel) a = min_u64(a, p.budget_fuel - min_u64(slot.period_fuel, p.budget_fuel));
  if (p.max_fuel) a = min_u64(a, p.max_fuel - min_u64(slot.current.fuel_used, p.max_fuel));
  return a;
}

// An app with no allowance left but still wanting to run: the watchdog (budget) or exhaustion.
void over_limit(Supervisor& s, uint32_t i, uint64_t now) {
  Slot& slot = s.slots[i];
  const Policy& p = slot.spec.policy;
  if (p.budget_fuel && slot.period_fuel >= p.budget_fuel) {
    emit(s, i, EventKind::watchdog, now);
    end_activation(s, i, End::killed, now);
  } else {
    end_activation(s, i, End::exhausted, now);  // Policy::max_fuel: no engine error
  }
}

void roll_period(Slot& slot, uint64_t now) {
  const uint64_t period = slot.spec.policy.period_us;
  if (period && now - slot.period_start_us >= period) {
    slot.period_start_us = now - (now - slot.period_start_us) % period;
    slot.period_fuel = 0;
  }
}

// Wakes parked apps whose wait ended and restarts apps whose back-off passed.
void wake(Supervisor& s, uint64_t now) {
  for (uint32_t i = 0; i < s.count; ++i) {
    Slot& slot = s.slots[i];
    if (slot.state == State::parked) {
      if (board::hal_poll(slot.hal, now) != board::Poll::waiting) {
        slot.state = State::ready;
        emit(s, i, EventKind::woken, now);
      }
    } else if (slot.state == State::backoff && now >= slot.restart_at_us) {
      ++slot.restarts;
      activate(s, i, now);
    }
  }
}

// One turn of app `i`: `allowance` is what its slice and limits allow, `fuel` (<= allowance) what
// run() can give; a turn cut short continues at the next run().
void turn(Supervisor& s, uint32_t i, uint64_t allowance, uint64_t fuel, uint64_t now_before) {
  Slot& slot = s.slots[i];
  if (s.continuing != static_cast<int32_t>(i)) {
    slot.last_turn = ++s.turns;
    slot.turn_fuel = 0;
    ++slot.current.slices;
  }
  s.continuing = -1;
  s.running = static_cast<int32_t>(i);
  CallResult r;  // ok with no fuel used until something runs
  if (is_paused(*slot.instance)) {
    r = resume(*slot.instance, slot.slots, fuel);
  } else if (slot.phase == Phase::start) {
    r = start(*slot.instance, fuel);
  }
  // The start function returned (now or on this resume): the entry runs in the same turn.
  if (r.status == CallStatus::ok && slot.phase == Phase::start) slot.phase = Phase::entry;
  if (r.status == CallStatus::ok && slot.phase == Phase::entry) {
    const uint64_t used = r.fuel_used;
    slot.phase = Phase::running;
    r = call(*slot.instance, slot.entry, slot.slots, fuel - used);
    r.fuel_used += used;
  }
  s.running = -1;
  slot.current.fuel_used += r.fuel_used;
  slot.period_fuel += r.fuel_used;
  slot.turn_fuel += r.fuel_used;
  const uint64_t now = now_us(s) > now_before ? now_us(s) : now_before;
  switch (r.status) {
    case CallStatus::ok:
      slot.current.exit_code = static_cast<int32_t>(static_cast<uint32_t>(slot.slots[0]));
      end_activation(s, i, End::returned, now);
      return;
    case CallStatus::trap:
      end_activation(s, i, r.error.kind() == ErrorKind::exhaustion ? End::exhausted : End::trapped,
                     now, r.error);
      return;
    case CallStatus::paused: break;
  }
  if (r.pause == PauseReason::host_yield && slot.hal.wait.kind != board::Wait::none) {
    if (board::hal_poll(slot.hal, now) == board::Poll::waiting) {
      const board::WaitState& w = board::hal_wait_state(slot.hal);
      slot.state = State::parked;
      ++slot.current.parks;
      emit(s, i, EventKind::parked, now, w.has_deadline ? w.deadline_us : kNever);
    }
    return;
  }
  // Out of fuel or interrupted: still running. Over its own limit, the watchdog (or exhaustion)
  // acts now, before any other app runs.
  if (r.pause == PauseReason::out_of_fuel && app_allowance(slot) == 0) {
    over_limit(s, i, now);
  } else if (r.pause == PauseReason::out_of_fuel && fuel < allowance) {
    s.continuing = static_cast<int32_t>(i);  // run()'s budget ended the turn, not the slice
    s.continuing_fuel = allowance - r.fuel_used;
  } else {
    emit(s, i, EventKind::slice, now, kNever, slot.turn_fuel);
  }
}

// The ready app to run next: one whose turn was cut short by run()'s budget, else the highest
// priority, then the least recently run, then the lowest index.
int32_t pick(const Supervisor& s) {
  if (s.continuing >= 0 && s.slots[s.continuing].state == State::ready) return s.continuing;
  int32_t best = -1;
  for (uint32_t i = 0; i < s.count; ++i) {
    const Slot& c = s.slots[i];
    if (c.state != State::ready) continue;
    if (best < 0) {
      best = static_cast<int32_t>(i);
      continue;
    }
    const Slot& b = s.slots[best];
    if (c.spec.policy.priority > b.spec.policy.priority ||
        (c.spec.policy.priority == b.spec.policy.priority && c.last_turn < b.last_turn)) {
      best = static_cast<int32_t>(i);
    }
  }
  return best;
}

}  // namespace

Error init(Supervisor& s, const pw_board& board, Slot* slots, uint32_t capacity, EventFn on_event,
           void* event_ctx) {
  if (!board.clock || !board.clock->now_us || (capacity && !slots) || capacity > kMaxApps) {
    return Error{ErrorCode::supervisor_bad_board};
  }
  s = Supervisor();
  s.board = &board;
  s.slots = slots;
  s.capacity = capacity;
  s.on_event = on_event;
  s.event_ctx = event_ctx;
  for (uint32_t i = 0; i < capacity; ++i) slots[i].state = State::empty;
  return Error();
}

Error add(Supervisor& s, const AppSpec& spec, uint32_t* index) {
  if (s.count >= s.capacity) return Error{ErrorCode::supervisor_full};
  if (!spec.module || !spec.grant || !spec.arena || !spec.entry || !spec.name ||
      (spec.functions == nullptr) != (spec.num_functions == 0)) {
    return Error{ErrorCode::supervisor_bad_spec};
  }
  const uint32_t i = s.count;
  Slot& slot = s.slots[i];
  slot.spec = spec;
  slot.instance = nullptr;
  slot.current = Activation();
  slot.restarts = 0;
  slot.last_turn = 0;
  slot.restart_at_us = 0;
  ++s.count;
  const Error err = activate(s, i, now_us(s));
  if (index) *index = i;
  return err;
}

RunResult run(Supervisor& s, uint64_t max_fuel, uint64_t until_us) {
  RunResult out;
  for (;;) {
    const uint64_t now = now_us(s);
    if (until_us != kNever && now >= until_us) {
      out.status = RunStatus::time_up;
      return out;
    }
    wake(s, now);
    int32_t i = -1;
    for (;;) {  // apps over their limits end before anything runs
      i = pick(s);
      if (i < 0) break;
      Slot& slot = s.slots[i];
      roll_period(slot, now);
      if (app_allowance(slot) != 0) break;
      over_limit(s, static_cast<uint32_t>(i), now);
    }
    if (i < 0) {
      bool alive = false;
      out.next_wake_us = kNever;
      for (uint32_t k = 0; k < s.count; ++k) {
        const Slot& slot = s.slots[k];
        if (slot.state == State::parked) {
          alive = true;
          const board::WaitState& w = board::hal_wait_state(slot.hal);
          if (w.has_deadline) out.next_wake_us = min_u64(out.next_wake_us, w.deadline_us);
        } else if (slot.state == State::backoff) {
          alive = true;
          out.next_wake_us = min_u64(out.next_wake_us, slot.restart_at_us);
        }
      }
      out.status = alive ? RunStatus::idle : RunStatus::all_done;
      return out;
    }
    if (out.fuel_used >= max_fuel) {
      out.status = RunStatus::fuel_spent;
      return out;
    }
    uint64_t allowance = app_allowance(s.slots[i]);
    if (s.continuing == i) allowance = min_u64(allowance, s.continuing_fuel);
    const uint64_t fuel = min_u64(allowance, max_fuel - out.fuel_used);
    const uint64_t before = s.slots[i].current.fuel_used;
    turn(s, static_cast<uint32_t>(i), allowance, fuel, now);
    out.fuel_used += s.slots[i].current.fuel_used - before;
  }
}

void current_record(const Supervisor& s, uint32_t index, board::RunRecord* out, bool stalled) {
  const Slot& slot = s.slots[index];
  *out = slot.record;
  if ((slot.state != State::ready && slot.state != State::parked) || !slot.instance) return;
  CallResult r;
  r.status = CallStatus::paused;
  r.pause = slot.state == State::parked ? PauseReason::host_yield : PauseReason::out_of_fuel;
  r.fuel_used = slot.current.fuel_used;
  board::record_end(*out, *slot.instance, r, &slot.hal);
  if (stalled) out->status = PW_RUN_STALLED;
}

void revoke_app(Supervisor& s, uint32_t index) {
  if (index >= s.count) return;
  Slot& slot = s.slots[index];
  board::revoke(slot.hal, board::kAllClasses);
  const uint64_t now = now_us(s);
  if (slot.state == State::ready || slot.state == State::parked) {
    end_activation(s, index, End::revoked, now);
  } else if (slot.state == State::backoff) {
    slot.state = State::finished;
    emit(s, index, EventKind::cancelled, now);
  }
}

}  // namespace sup
}  // namespace picowasm
