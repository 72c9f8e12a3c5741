// Resumable execution: fuel, pause/resume, interrupts and structured trap reports.
//
// A call runs until it returns, traps, or reaches a *safe point* at which it must pause. Safe
// points are the places every unbounded execution passes through again and again: taken backward
// branches (loop iterations) and calls (wasm and host). Each safe point costs one unit of fuel;
// every other instruction costs nothing, and between two safe points a function can only run
// straight-line code, so it executes at most as many instructions as its body holds. A paused call
// keeps all of its state in the instance (value stack, call stack, registers), so several instances
// can be paused at once and resumed in any order; resuming continues exactly where execution
// stopped, and the results are identical to an uninterrupted run.
#ifndef PICOWASM_EXEC_H
#define PICOWASM_EXEC_H

#include <cstddef>
#include <cstdint>

#include "picowasm/error.h"
#include "picowasm/runtime.h"

namespace picowasm {

// Fuel that never runs out (a budget of 2^64 - 1 safe points).
constexpr uint64_t kUnlimitedFuel = ~static_cast<uint64_t>(0);

enum class CallStatus : uint8_t {
  ok,      // returned; results are in the slots
  trap,    // trapped or exhausted its stacks: see CallResult::error and trap_report()
  paused,  // stopped at a safe point: see CallResult::pause; resume() or abandon()
};

enum class PauseReason : uint8_t {
  none,
  out_of_fuel,  // the fuel budget reached zero
  interrupted,  // interrupt() was called
  host_yield,   // a host function asked to pause (HostCall::yield)
};

struct CallResult {
  CallStatus status = CallStatus::ok;
  PauseReason pause = PauseReason::none;
  Error error;             // status == trap: the trap code (kind trap or exhaustion)
  uint64_t fuel_used = 0;  // safe points passed during this call or resume
};

// Starts a call of `func` with arguments in slots[0..params) and a fuel budget. On `ok` the results
// are in slots[0..results) (`slots` must hold max(params, results) values); i32 and f32 results
// are zero-extended to 64 bits. The instance must have run its start function (start_pending,
// instance_failed otherwise) and must not be paused (resume or abandon the paused call first;
// ErrorCode::bad_argument otherwise).
// A host function may call() back into the instance that is running it: the nested call runs on
// the free part of its stacks, up to InstanceLimits::host_call_depth levels (call_stack_exhausted
// beyond), and cannot stay paused (a pause inside it is reported and the nested call abandoned).
CallResult call(Instance& instance, FuncInst* func, uint64_t* slots, uint64_t fuel);

// Runs the module's start function, which instantiate() leaves for this call so that it is bounded
// like every other: it runs under `fuel`, can be interrupted, and a pause (out of fuel, interrupt,
// host yield) is continued with resume() (slots may then be null: it has no results). Until it
// has returned, call() fails with start_pending. Returns ok at once when the module has no start
// function or it has run already. If it traps, or its paused run is abandoned, the instance is
// unusable (call() and start() fail with instance_failed; trap_report() tells why); unload it.
CallResult start(Instance& instance, uint64_t fuel);

// Continues a paused call (or start function) with a new fuel budget; `slots` receives the results
// when it returns (may be null when the call has no results).
CallResult resume(Instance& instance, uint64_t* slots, uint64_t fuel);

// Discards a paused call; the instance can be called again, unless the call was its start
// function: then it is unusable (instance_failed).
void abandon(Instance& instance);

bool is_paused(const Instance& instance);

// Asks the running (or next) call on `instance` to pause at its next safe point with
// PauseReason::interrupted. Safe to call from an interrupt handler or another thread: it only
// stores to one flag. The flag is cleared when the call pauses.
void interrupt(Instance& instance);

// ---- Trap reports ------------------------------------------------------------------------------

// One frame of a backtrace: innermost first.
struct TrapFrame {
  uint32_t function = 0;  // function index in the module's index space
  // Where execution was in that function: the wasm instruction's byte offset within the module
  // (as shown by wasm-objdump), or kUnknownOffset. The innermost frame is the trapping
  // instruction, outer frames are the calls in progress.
  uint32_t module_offset = 0;
  static constexpr uint32_t kUnknownOffset = 0xFFFFFFFFu;
  // Internal: position in the threaded code, used to find module_offset.
  uint32_t code_unit = 0;
};

struct TrapReport {
  ErrorCode code = ErrorCode::ok;
  const char* host_message = nullptr;  // set by HostCall::trap(), else nullptr
  uint32_t num_frames = 0;             // valid entries in frames[]
  uint32_t total_frames = 0;           // frames on the stack when it trapped (may exceed capacity)
  const TrapFrame* frames =
      nullptr;  // storage owned by the instance (InstanceLimits::trace_frames)
};

// The report of the last trap of a call on `instance` (code ok if the last call did not trap). The
// frames point into storage the instance owns, valid until its next call.
TrapReport trap_report(const Instance& instance);

}  // namespace picowasm

#endif  // PICOWASM_EXEC_H
