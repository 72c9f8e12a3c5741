// Internal: the runtime objects behind the public API's opaque handles (compiled modules,
// instances, function/table/memory/global instances) and the engine-level entry points that tools
// and tests inside this repository use (compile_module, instantiate from an array of imports,
// invoke). Firmware uses include/picowasm/picowasm.hpp only.
//
// Pipeline: load_module() (decode + validate) -> compile_module() (threaded code) -> instantiate()
// -> invoke(). Every object lives in an Arena the caller supplies; nothing here touches the heap.
// A compiled module is read-only and may be shared by any number of instances. Values cross the
// API as raw 64-bit slots: i32 in the low 32 bits, f32/f64 as their IEEE bit patterns, references
// as a pointer-sized handle (0 is the null reference).
#ifndef PICOWASM_RUNTIME_RUNTIME_H
#define PICOWASM_RUNTIME_RUNTIME_H

#include <cstddef>
#include <cstdint>

#include "common/arena.h"
#include "picowasm/picowasm.hpp"

namespace picowasm {

struct CompiledFunc;

// ---- Runtime objects (the spec's function/table/memory/global instances) -----------------------

struct FuncInst {
  const FuncType* type = nullptr;
  Instance* instance = nullptr;        // wasm functions: the defining instance; host: nullptr
  const CompiledFunc* code = nullptr;  // wasm functions only
  HostFn host = nullptr;               // host functions only
  void* host_user = nullptr;
  const void* host_data = nullptr;
  uint32_t host_slots = 0;  // host functions: host_frame_slots(*type), kept so calls skip it
};

// Slots a host function's frame occupies: its arguments, overwritten by its results.
inline uint32_t host_frame_slots(const FuncType& t) {
  return t.num_params > t.num_results ? t.num_params : t.num_results;
}

struct TableInst {
  uint64_t* elems = nullptr;  // references (FuncInst* for funcref), 0 = null
  uint32_t size = 0;          // current number of elements
  uint32_t capacity = 0;      // elements reserved: growth beyond this fails (table.grow -> -1)
  TableType type;             // declared type; limits.min is updated as the table grows
};

struct MemoryInst {
  uint8_t* data = nullptr;
  uint64_t size = 0;  // accessible bytes: pages * page size, less if capped (memory_bytes)
  uint32_t pages = 0;
  uint32_t capacity_pages = 0;  // pages reserved: growth beyond this fails (memory.grow -> -1)
  MemoryType type;              // declared type; limits.min is updated as the memory grows
};

struct GlobalInst {
  uint64_t value = 0;
  GlobalType type;
};

// Sizes reserved at instantiation. Zero means the default given beside each field.
struct InstanceLimits {
  // Linear memory pages reserved (the memory can grow up to min(declared max, this)).
  // Default: the declared maximum if there is one, else the declared minimum (no growth).
  uint32_t memory_pages = 0;
  // Table elements reserved (growth cap), same rule as memory_pages.
  uint32_t table_elems = 0;
  // Value stack slots (8 bytes each) shared by all frames of one call. Default 2048
  // (PICOWASM_DEFAULT_STACK_BYTES).
  uint32_t stack_slots = 0;
  // Maximum nesting of wasm calls. Default 256 (PICOWASM_DEFAULT_CALL_DEPTH).
  uint32_t call_depth = 0;
  // Frames kept in a trap report's backtrace. Default 8.
  uint32_t trace_frames = 0;
  // How deeply calls may nest through host functions: a host function called by this instance
  // may call() into it again (the nested call runs on the stacks above the caller's frames), up
  // to this depth; deeper is call_stack_exhausted. Default 4.
  uint32_t host_call_depth = 0;
  // Physical cap on the linear memory's accessible bytes (0 = none). Opt-in deviation from the
  // spec: memory.size still reports the declared pages, but only the first memory_bytes bytes
  // exist (MemoryInst::size = min(pages * 64 KiB, memory_bytes)): accesses beyond trap as out of
  // bounds and memory.grow past the cap returns -1. See embed.hpp.
  uint32_t memory_bytes = 0;
};

// One saved caller frame on the call stack (interpreter-owned; declared here for sizing).
struct CallFrame {
  // The low bit set (code units are 2-byte aligned) sends `ret` off its fast path: a return to
  // another instance, or to the host (the sentinel frame, address 0 with the bit set). Read it
  // with return_address().
  const uint16_t* return_pc;
  uint64_t* fp;
  Instance* instance;  // the caller's instance (the function is found from return_pc if needed)
};

constexpr uintptr_t kSlowReturnBit = 1;

inline const uint16_t* slow_return(const uint16_t* pc) {
  return reinterpret_cast<const uint16_t*>(reinterpret_cast<uintptr_t>(pc) | kSlowReturnBit);
}

inline const uint16_t* return_address(const CallFrame& f) {
  return reinterpret_cast<const uint16_t*>(reinterpret_cast<uintptr_t>(f.return_pc) &
                                           ~kSlowReturnBit);
}

// The bottom frame of a call from the host: its `ret` leaves run().
inline CallFrame host_return_frame() {
  return CallFrame{slow_return(nullptr), nullptr, nullptr};
}

struct TrapFrame;

// Interpreter registers of a paused call (see exec.h).
struct PausedCall {
  const uint16_t* pc = nullptr;
  uint64_t* fp = nullptr;
  CallFrame* frame = nullptr;
  Instance* instance = nullptr;
  uint32_t num_results = 0;
  const FuncType* type = nullptr;  // of the function called from the host
};

// Where an instance is in running its start function (exec.h start()). Only a `ready` instance
// takes calls from the host.
enum class StartState : uint8_t {
  ready,    // no start function, or it returned
  pending,  // the start function has not run to its end yet (not begun, or paused)
  failed,   // the start function trapped or was abandoned: the instance is unusable
};

struct Instance {
  const CompiledModule* compiled = nullptr;
  const Module* module = nullptr;
  FuncInst** funcs = nullptr;       // function index space (imports first)
  TableInst** tables = nullptr;     // table index space
  MemoryInst* memory = nullptr;     // memory 0, or nullptr (the interpreter's fast path)
  MemoryInst** memories = nullptr;  // memory index space (imports first), memory 0 included
  GlobalInst** globals = nullptr;   // global index space
  uint8_t* elem_dropped = nullptr;  // one flag per element segment
  uint8_t* data_dropped = nullptr;  // one flag per data segment
  // Execution stacks for calls entered through this instance.
  uint64_t* stack = nullptr;
  uint64_t* stack_end = nullptr;
  CallFrame* frames = nullptr;
  uint32_t max_frames = 0;
  void* user = nullptr;    // free for the embedder
  Arena* arena = nullptr;  // the arena the instance lives in (trap reports borrow its free space)

  // Execution state owned by the interpreter (exec.h).
  StartState start_state = StartState::ready;
  bool paused = false;
  bool running = false;
  uint32_t host_call_depth = 0;       // nesting allowed through host functions (InstanceLimits)
  uint32_t nesting = 0;               // nested calls in progress
  uint64_t* nested_stack = nullptr;   // while a host function runs: first free value slot
  CallFrame* nested_frame = nullptr;  // and first free call frame, for a nested call
  volatile uint8_t interrupt_requested = 0;  // set by interrupt(), possibly from an ISR
  PausedCall paused_call;
  // While paused by a host function's yield: where its results are, and its type
  // (set_yield_results()); null otherwise.
  uint64_t* yield_results = nullptr;
  const FuncType* yield_type = nullptr;
  TrapFrame* trap_frames = nullptr;  // InstanceLimits::trace_frames entries
  uint32_t trap_frames_capacity = 0;
  ErrorCode trap_code = ErrorCode::ok;
  const char* trap_message = nullptr;
  uint32_t trap_num_frames = 0;
  uint32_t trap_total_frames = 0;
};

// The value stack and the call frames are filled with this byte at instantiation, so that the
// slots and frames wasm code ever used can be told afterwards (instance_use()) without any cost
// per call or instruction: they no longer end in it (a CallFrame never does, a used slot almost
// never: one ending in 0xA5 bytes at the very top would be missed).
constexpr uint8_t kUnusedStackByte = 0xA5;
// Value-stack slots, and call frames, below the highest one that no longer holds the fill.
uint32_t stack_slots_touched(const Instance& instance);
uint32_t frames_touched(const Instance& instance);

// ---- API ---------------------------------------------------------------------------------------

// Translates a validated module into threaded code, allocated from `arena`. `module` (and its
// bytes) must outlive the compiled module.
Error compile_module(const Module& module, Arena& arena, CompiledModule** out);

// Creates an instance: binds `imports` (one per module import, in import order; checked against the
// import types: unlinkable errors, with the import's index in Error::function), allocates
// memories/tables/globals and stacks from `arena` (all checked before anything is written: if they
// do not fit, out_of_arena and the arena is as it was) and runs active element and data segments.
// A trap there is returned as an Error of kind `trap` (writes done before it stay visible in
// imported tables/memories). It does not run the module's start function: that is a call like any
// other, bounded by fuel, made with start() (exec.h); until it has returned, calls into the
// instance fail with start_pending. For imports resolved by name, host functions from const
// tables and exact size queries, see embed.hpp.
Error instantiate(const CompiledModule& compiled, const ExternVal* imports, uint32_t num_imports,
                  const InstanceLimits& limits, Arena& arena, Instance** out);

// Calls `func` with arguments in slots[0..params); on success the results are in slots[0..results).
// `slots` must hold max(params, results) values. Traps and exhaustion are returned as Errors.
// Unbounded: no fuel limit, interrupts and host yields are resumed at once (tests and tools; an
// embedding uses call() in exec.h).
Error invoke(Instance& instance, FuncInst* func, uint64_t* slots);

// Runs the start function (if any) to its end the same unbounded way: start() then resume() until
// it returns. ok when there is none or it has run already.
Error invoke_start(Instance& instance);

}  // namespace picowasm

#endif  // PICOWASM_RUNTIME_RUNTIME_H
