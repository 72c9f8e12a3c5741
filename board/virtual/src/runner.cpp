// Running one app on the virtual board: instantiate, start, pw_main under fuel, and the virtual
// clock driven by what the app waits for.
#include <algorithm>
#include <string>

#include "picowasm/virtual_board.hpp"

namespace picowasm {
namespace vboard {

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::ok: return "ok";
    case RunStatus::trap: return "trap";
    case RunStatus::out_of_fuel: return "out_of_fuel";
    case RunStatus::stalled: return "stalled";
    case RunStatus::link_error: return "link_error";
    case RunStatus::load_error: return "load_error";
  }
  return "?";
}

AppRunner::AppRunner(VirtualBoard& board, const board::Grant& grant)
    : board_(board), grant_(grant), hal_(new board::AppHal) {}

AppRunner::~AppRunner() {
  if (instance_) unload(*instance_);
  board_.attach(nullptr);
}

namespace {

std::string wait_text(const board::WaitState& w) {
  switch (w.kind) {
    case board::Wait::edge: return "an edge on GPIO pin " + std::to_string(w.resource);
    case board::Wait::uart: return "input on UART " + std::to_string(w.resource);
    default: return "time";
  }
}

}  // namespace

RunOutcome AppRunner::run(const LoadedModule& module, const RunConfig& config) {
  RunOutcome out;
  if (instance_) unload(*instance_);  // a second run starts afresh
  instance_ = nullptr;
  board::hal_init(*hal_, board_.board(), grant_, kBoardClasses, 1);
  hal_->audit = config.audit;
  hal_->audit_ctx = config.audit_ctx;
  board_.attach(hal_.get());
  board_.advance_to(board_.now_us());  // what is scripted for now holds from the start

  out.link = board::check_imports(module, *hal_, config.link);
  if (!out.link.ok()) {
    out.status = RunStatus::link_error;
    out.error = out.link.error;
    return out;
  }

  const HostFunction* functions = board_.functions();
  size_t num_functions = board_.num_functions();
  if (config.wasi) {
    if (!wasi_) wasi_.reset(new wasi::WasiContext());
    wasi::wasi_init(*wasi_, *hal_, *config.wasi);
    functions_.assign(functions, functions + num_functions);
    functions_.insert(functions_.end(), wasi::kWasiFunctions,
                      wasi::kWasiFunctions + wasi::kNumWasiFunctions);
    functions = functions_.data();
    num_functions = functions_.size();
  }
  InstanceConfig cfg = board::app_config(*hal_, nullptr, 0, functions, num_functions);
  cfg.limits = config.limits;
  size_t need = 0;
  out.error = instance_size(module, cfg, &need);
  if (!out.error.ok()) {
    out.status = RunStatus::load_error;
    return out;
  }
  constexpr size_t kAlign = 16;
  arena_.reset(new uint8_t[need + kAlign]);
  const uintptr_t base = reinterpret_cast<uintptr_t>(arena_.get());
  cfg.arena = reinterpret_cast<void*>((base + kAlign - 1) & ~uintptr_t{kAlign - 1});
  cfg.arena_size = need;
  out.error = instantiate(module, cfg, &instance_);
  if (!out.error.ok()) {
    instance_ = nullptr;
    out.status =
        error_kind(out.error.code) == ErrorKind::trap ? RunStatus::trap : RunStatus::load_error;
    return out;
  }

  const bool command = config.wasi != nullptr;
  FuncInst* entry = find_function(*instance_, command ? "_start" : "pw_main");
  if (!entry) {
    out.status = RunStatus::load_error;
    out.message = command ? "the WASI command exports no _start function"
                          : "the module exports no pw_main function";
    return out;
  }
  const FuncType& type = function_type(*entry);
  if (type.num_params != 0 || type.num_results != (command ? 0 : 1) ||
      (!command && type.results[0] != ValType::i32)) {
    out.status = RunStatus::load_error;
    out.message = command ? "_start must be () -> ()" : "pw_main must be () -> i32";
    return out;
  }

  // Runs the start function and the entry until they return, trap, run out of fuel or wait for
  // something that never comes; the clock jumps to whatever can end a wait first.
  uint64_t slots[1] = {0};
  const CallResult r = board::run_app(*instance_, entry, slots, config.fuel, &out.fuel_used, [&] {
    while (board::hal_poll(*hal_, board_.now_us()) == board::Poll::waiting) {
      const board::WaitState& w = board::hal_wait_state(*hal_);
      const uint64_t t =
          std::min(w.has_deadline ? w.deadline_us : UINT64_MAX, board_.next_event_us());
      // A WASI command waiting for stdin when no more input is scripted: end of input.
      if (t == UINT64_MAX && command && w.kind == board::Wait::uart &&
          wasi::end_input(*wasi_, *hal_)) {
        break;
      }
      if (t == UINT64_MAX || (config.max_time_us && t > config.max_time_us)) {
        out.status = RunStatus::stalled;
        out.message = "the app waits for " + wait_text(w) +
                      (t == UINT64_MAX ? " and nothing scripted will end the wait"
                                       : " beyond the time limit");
        return false;
      }
      board_.advance_to(t);
    }
    return true;
  });
  if (r.status == CallStatus::trap && command && wasi::exited(*wasi_)) {
    out.exit_code = static_cast<int32_t>(wasi_->exit_code);  // proc_exit: a normal end
  } else if (r.status == CallStatus::trap) {
    out.status = RunStatus::trap;
    out.error = r.error;
  } else if (r.status == CallStatus::paused && out.status != RunStatus::stalled) {
    out.status = RunStatus::out_of_fuel;
    out.message = "out of fuel after " + std::to_string(out.fuel_used) + " units";
  } else if (r.status == CallStatus::ok) {
    out.exit_code = command ? 0 : static_cast<int32_t>(static_cast<uint32_t>(slots[0]));
  }
  return out;
}

}  // namespace vboard
}  // namespace picowasm
