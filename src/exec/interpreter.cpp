// Interpreter: executes threaded code (see translate/threaded_code.h).
//
// One function, one loop. The hot state lives in locals the compiler keeps in registers: pc, the
// frame pointer, and the current instance's memory base and size. Wasm calls never recurse on the
// native stack: a call pushes a CallFrame on the instance's call stack and continues in the same
// loop, so recursion depth is bounded by InstanceLimits, not by the C stack.
//
// Dispatch (chosen in config.h, PICOWASM_COMPUTED_GOTO): computed goto through a const table of
// label addresses (one indirect jump per instruction, no bounds check) or a switch. Both expand the
// same handler bodies (the CASE/NEXT macros), as in Lua's lvm.c.
#include <cstdint>
#include <cstring>

#include "exec/numerics.h"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "runtime/segments.h"
#include "translate/threaded_code.h"
#include "translate/translator.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "picowasm's slot layout assumes a little-endian target"
#endif

namespace picowasm {
namespace {

using num::NumTrap;

#if !PICOWASM_COMPUTED_GOTO
// The switch's padding case (see its use in run()): even, above every operation number.
constexpr uint16_t kSwitchPaddingOp = (kNumCodeOps + 1u) & ~1u;
static_assert(kSwitchPaddingOp <= 510, "the switch's last index fits a Thumb-2 compare immediate");
#endif

// Fuel counted in 32 bits between refills from the 64-bit reserve (config.h).
constexpr uint32_t kFuelChunk = PICOWASM_FUEL_CHUNK;
static_assert(kFuelChunk > 0, "a fuel chunk holds at least one unit");

// Slots are 8 bytes; an i32/f32 lives in the low 4 bytes (little-endian), so narrow reads and
// writes touch only those bytes.
// On cores without unaligned access (ARMv6-M), GCC calls memcpy for these copies unless it knows
// that slots are 8-byte aligned (as the arena allocates them); elsewhere saying so made GCC's
// register allocation worse (Cortex-M4 benchmark geomean +6%), so the hint is only given there.
#if PICOWASM_CODE_HALFWORD_READS
#define PICOWASM_SLOT(p) __builtin_assume_aligned((p), sizeof(uint64_t))
#else
#define PICOWASM_SLOT(p) (p)
#endif
template <typename T>
inline T rd(const uint64_t* fp, Slot s) {
  T v;
  std::memcpy(&v, PICOWASM_SLOT(fp + s), sizeof(T));
  return v;
}
template <typename T>
inline void wr(uint64_t* fp, Slot s, T v) {
  std::memcpy(PICOWASM_SLOT(fp + s), &v, sizeof(T));
}

// Code units of a wasm operation emitted as itself, from the one operand-shape table (as
// code_units(XOp) for the extra operations).
constexpr uint32_t code_units(CodeOp op) {
  return picowasm::code_units(static_cast<CodeUnit>(op));
}

inline ErrorCode trap_of(NumTrap t) {
  switch (t) {
    case NumTrap::int_div_by_zero: return ErrorCode::trap_int_div_by_zero;
    case NumTrap::int_overflow: return ErrorCode::trap_int_overflow;
    case NumTrap::invalid_conversion: return ErrorCode::trap_invalid_conversion;
    case NumTrap::none: break;
  }
  return ErrorCode::ok;
}

inline bool same_type(const FuncType* a, const FuncType* b) {
  return a == b || a->equals(*b);
}

// The numeric operations programs run rarely: conversions, rounding, f64 comparisons and
// division (soft-float calls on cores without a double-precision FPU), i64 division, rotations
// and bit counts. Speed builds expand them in run() like every operation; size builds (switch
// dispatch) run them in cold_op(), out of the loop, behind two handlers of run() (one per operand
// shape), which also frees registers in run() (Cortex-M4 -Os: -1,332 bytes of flash in the
// minimal build; with the shared loads and stores -2,032 in the default build, benchmark geomean
// 10.25 -> 10.40).
//   X(id, operand type, result type, expression of a (and b))
#define PICOWASM_COLD_UNARY(X)                                                      \
  X(i64_clz, uint64_t, uint64_t, num::clz(a))                                       \
  X(i64_ctz, uint64_t, uint64_t, num::ctz(a))                                       \
  X(i64_popcnt, uint64_t, uint64_t, num::popcnt(a))                                 \
  X(f32_ceil, float, float, num::ceil(a))                                           \
  X(f32_floor, float, float, num::floor(a))                                         \
  X(f32_trunc, float, float, num::trunc(a))                                         \
  X(f32_nearest, float, float, num::nearest(a))                                     \
  X(f32_sqrt, float, float, num::sqrt(a))                                           \
  X(f64_ceil, double, double, num::ceil(a))                                         \
  X(f64_floor, double, double, num::floor(a))                                       \
  X(f64_trunc, double, double, num::trunc(a))                                       \
  X(f64_nearest, double, double, num::nearest(a))                                   \
  X(f64_sqrt, double, double, num::sqrt(a))                                         \
  X(f32_convert_i32_s, uint32_t, float, (num::convert_s<float, uint32_t>(a)))       \
  X(f32_convert_i32_u, uint32_t, float, (num::convert_u<float, uint32_t>(a)))       \
  X(f32_convert_i64_s, uint64_t, float, (num::convert_s<float, uint64_t>(a)))       \
  X(f32_convert_i64_u, uint64_t, float, (num::convert_u<float, uint64_t>(a)))       \
  X(f32_demote_f64, double, float, num::demote(a))                                  \
  X(f64_convert_i32_s, uint32_t, double, (num::convert_s<double, uint32_t>(a)))     \
  X(f64_convert_i32_u, uint32_t, double, (num::convert_u<double, uint32_t>(a)))     \
  X(f64_convert_i64_s, uint64_t, double, (num::convert_s<double, uint64_t>(a)))     \
  X(f64_convert_i64_u, uint64_t, double, (num::convert_u<double, uint64_t>(a)))     \
  X(f64_promote_f32, float, double, num::promote(a))                                \
  X(i32_trunc_sat_f32_s, float, uint32_t, (num::trunc_sat_s<uint32_t, float>(a)))   \
  X(i32_trunc_sat_f32_u, float, uint32_t, (num::trunc_sat_u<uint32_t, float>(a)))   \
  X(i32_trunc_sat_f64_s, double, uint32_t, (num::trunc_sat_s<uint32_t, double>(a))) \
  X(i32_trunc_sat_f64_u, double, uint32_t, (num::trunc_sat_u<uint32_t, double>(a))) \
  X(i64_trunc_sat_f32_s, float, uint64_t, (num::trunc_sat_s<uint64_t, float>(a)))   \
  X(i64_trunc_sat_f32_u, float, uint64_t, (num::trunc_sat_u<uint64_t, float>(a)))   \
  X(i64_trunc_sat_f64_s, double, uint64_t, (num::trunc_sat_s<uint64_t, double>(a))) \
  X(i64_trunc_sat_f64_u, double, uint64_t, (num::trunc_sat_u<uint64_t, double>(a)))
#define PICOWASM_COLD_BINARY(X)                      \
  X(i64_rotl, uint64_t, uint64_t, num::rotl(a, b))   \
  X(i64_rotr, uint64_t, uint64_t, num::rotr(a, b))   \
  X(f32_min, float, float, num::min(a, b))           \
  X(f32_max, float, float, num::max(a, b))           \
  X(f32_copysign, float, float, num::copysign(a, b)) \
  X(f64_eq, double, uint32_t, a == b)                \
  X(f64_ne, double, uint32_t, a != b)                \
  X(f64_lt, double, uint32_t, num::lt(a, b))         \
  X(f64_gt, double, uint32_t, num::gt(a, b))         \
  X(f64_le, double, uint32_t, num::le(a, b))         \
  X(f64_ge, double, uint32_t, num::ge(a, b))         \
  X(f64_div, double, double, num::div(a, b))         \
  X(f64_min, double, double, num::min(a, b))         \
  X(f64_max, double, double, num::max(a, b))         \
  X(f64_copysign, double, double, num::copysign(a, b))
// More of them, expanded where they stand in speed builds (moving a handler in run() changes the
// -O2 figures) and run by cold_op() in size builds (Cortex-M4 -Os: -696 bytes of flash in the
// default build, -504 in the minimal one; benchmark geomean 10.47 -> 10.54).
#define PICOWASM_COLD_I64_COMPARISONS(X)           \
  X(i64_eq, uint64_t, uint32_t, a == b)            \
  X(i64_ne, uint64_t, uint32_t, a != b)            \
  X(i64_lt_s, uint64_t, uint32_t, num::lt_s(a, b)) \
  X(i64_lt_u, uint64_t, uint32_t, a < b)           \
  X(i64_gt_s, uint64_t, uint32_t, num::gt_s(a, b)) \
  X(i64_gt_u, uint64_t, uint32_t, a > b)           \
  X(i64_le_s, uint64_t, uint32_t, num::le_s(a, b)) \
  X(i64_le_u, uint64_t, uint32_t, a <= b)          \
  X(i64_ge_s, uint64_t, uint32_t, num::ge_s(a, b)) \
  X(i64_ge_u, uint64_t, uint32_t, a >= b)
#define PICOWASM_COLD_I64_SHIFTS(X)                  \
  X(i64_shl, uint64_t, uint64_t, num::shl(a, b))     \
  X(i64_shr_s, uint64_t, uint64_t, num::shr_s(a, b)) \
  X(i64_shr_u, uint64_t, uint64_t, num::shr_u(a, b))
#define PICOWASM_COLD_F32_COMPARISONS(X)    \
  X(f32_eq, float, uint32_t, a == b)        \
  X(f32_ne, float, uint32_t, a != b)        \
  X(f32_lt, float, uint32_t, num::lt(a, b)) \
  X(f32_gt, float, uint32_t, num::gt(a, b)) \
  X(f32_le, float, uint32_t, num::le(a, b)) \
  X(f32_ge, float, uint32_t, num::ge(a, b))
// Operations that may trap: X(id, operand type, function) for a binary one, X(id, operand type,
// result type, function) for a conversion.
#define PICOWASM_COLD_BINARY_TRAP(X) \
  X(i64_div_s, uint64_t, num::div_s) \
  X(i64_div_u, uint64_t, num::div_u) \
  X(i64_rem_s, uint64_t, num::rem_s) \
  X(i64_rem_u, uint64_t, num::rem_u)
#define PICOWASM_COLD_CONVERT_TRAP(X)                \
  X(i32_trunc_f32_s, float, uint32_t, num::trunc_s)  \
  X(i32_trunc_f32_u, float, uint32_t, num::trunc_u)  \
  X(i32_trunc_f64_s, double, uint32_t, num::trunc_s) \
  X(i32_trunc_f64_u, double, uint32_t, num::trunc_u) \
  X(i64_trunc_f32_s, float, uint64_t, num::trunc_s)  \
  X(i64_trunc_f32_u, float, uint64_t, num::trunc_u)  \
  X(i64_trunc_f64_s, double, uint64_t, num::trunc_s) \
  X(i64_trunc_f64_u, double, uint64_t, num::trunc_u)

#if !PICOWASM_COMPUTED_GOTO
// The two operand shapes of the lists, "SS" and "SSS", by which run()'s handlers advance.
constexpr uint32_t kColdUnaryUnits = 3;
constexpr uint32_t kColdBinaryUnits = 4;
#define PICOWASM_COLD_UNARY_SHAPE(id, ...) \
  static_assert(code_units(CodeOp::id) == kColdUnaryUnits, "unary shape");
#define PICOWASM_COLD_BINARY_SHAPE(id, ...) \
  static_assert(code_units(CodeOp::id) == kColdBinaryUnits, "binary shape");
PICOWASM_COLD_UNARY(PICOWASM_COLD_UNARY_SHAPE)
PICOWASM_COLD_CONVERT_TRAP(PICOWASM_COLD_UNARY_SHAPE)
PICOWASM_COLD_BINARY(PICOWASM_COLD_BINARY_SHAPE)
PICOWASM_COLD_I64_COMPARISONS(PICOWASM_COLD_BINARY_SHAPE)
PICOWASM_COLD_I64_SHIFTS(PICOWASM_COLD_BINARY_SHAPE)
PICOWASM_COLD_F32_COMPARISONS(PICOWASM_COLD_BINARY_SHAPE)
PICOWASM_COLD_BINARY_TRAP(PICOWASM_COLD_BINARY_SHAPE)
#undef PICOWASM_COLD_UNARY_SHAPE
#undef PICOWASM_COLD_BINARY_SHAPE

// A slot's value as a T (its low bytes), and a T as a slot's 8 bytes (upper bytes zero).
template <typename T>
inline T from_slot(uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}
template <typename T>
inline uint64_t to_slot(T v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

// One operation of the lists above on slot values a and b (b unused by unary ones): the result
// slot's bytes, or a trap in *trap.
__attribute__((noinline)) uint64_t cold_op(CodeUnit op, uint64_t a_bits, uint64_t b_bits,
                                           NumTrap* trap) {
  switch (static_cast<CodeOp>(op)) {
#define PICOWASM_COLD_UNARY_CASE(id, T, R, expr) \
  case CodeOp::id: {                             \
    T a = from_slot<T>(a_bits);                  \
    return to_slot<R>(static_cast<R>(expr));     \
  }
#define PICOWASM_COLD_BINARY_CASE(id, T, R, expr) \
  case CodeOp::id: {                              \
    T a = from_slot<T>(a_bits);                   \
    T b = from_slot<T>(b_bits);                   \
    return to_slot<R>(static_cast<R>(expr));      \
  }
#define PICOWASM_COLD_BINARY_TRAP_CASE(id, T, fn)                    \
  case CodeOp::id: {                                                 \
    T result = 0;                                                    \
    *trap = fn(from_slot<T>(a_bits), from_slot<T>(b_bits), &result); \
    return to_slot<T>(result);                                       \
  }
#define PICOWASM_COLD_CONVERT_TRAP_CASE(id, F, U, fn) \
  case CodeOp::id: {                                  \
    U result = 0;                                     \
    *trap = fn<U, F>(from_slot<F>(a_bits), &result);  \
    return to_slot<U>(result);                        \
  }
    PICOWASM_COLD_UNARY(PICOWASM_COLD_UNARY_CASE)
    PICOWASM_COLD_BINARY(PICOWASM_COLD_BINARY_CASE)
    PICOWASM_COLD_I64_COMPARISONS(PICOWASM_COLD_BINARY_CASE)
    PICOWASM_COLD_I64_SHIFTS(PICOWASM_COLD_BINARY_CASE)
    PICOWASM_COLD_F32_COMPARISONS(PICOWASM_COLD_BINARY_CASE)
    PICOWASM_COLD_BINARY_TRAP(PICOWASM_COLD_BINARY_TRAP_CASE)
    PICOWASM_COLD_CONVERT_TRAP(PICOWASM_COLD_CONVERT_TRAP_CASE)
#undef PICOWASM_COLD_UNARY_CASE
#undef PICOWASM_COLD_BINARY_CASE
#undef PICOWASM_COLD_BINARY_TRAP_CASE
#undef PICOWASM_COLD_CONVERT_TRAP_CASE
    default: break;
  }
  return 0;  // unreachable: run() calls it for the operations above only
}
#endif

// Prepares a callee's frame: declared locals start at zero, loop constants are copied into their
// slots (see CompiledFunc::consts).
inline void init_frame(uint64_t* fp, const CompiledFunc& cf) {
  for (uint32_t i = 0; i < cf.num_locals; ++i) fp[cf.num_params + i] = 0;
  for (uint32_t i = 0; i < cf.num_consts; ++i) fp[cf.const_slot + i] = cf.consts[i];
}

// Helpers of run()'s rare paths (memory.grow, long-offset and multi-memory accesses): size builds
// keep them out of run(), speed builds let GCC choose (Cortex-M4 -Os, with access_shape()'s
// table: -148 bytes of flash in the minimal build, +4 in the default one).
#if PICOWASM_COMPUTED_GOTO
#define PICOWASM_RARE_PATH
#else
#define PICOWASM_RARE_PATH __attribute__((noinline))
#endif

// memory.grow: the old size in pages, or -1 when the memory cannot grow by `delta` pages of its
// page size (custom-page-sizes: 1 byte or 64 KiB).
PICOWASM_RARE_PATH inline uint32_t grow_memory(MemoryInst& m, uint32_t delta) {
  const uint32_t old = m.pages;
  if (delta > m.capacity_pages - old) return 0xFFFFFFFFu;
  const uint64_t bytes = static_cast<uint64_t>(delta) << m.type.page_size_log2;
  std::memset(m.data + m.size, 0, static_cast<size_t>(bytes));
  m.pages = old + delta;
  // Added, not recomputed from pages: a memory capped below its declared size
  // (InstanceLimits::memory_bytes) can only "grow" by 0 pages, and keeps its capped size.
  m.size += bytes;
  m.type.limits.min = m.pages;
  return old;
}

// Loads and stores on memories other than 0 (multi-memory) and memory 0's accesses whose offset
// exceeds 16 bits share one handler each, out of the interpreter loop; `kind` is the wasm opcode.
// Memory 0 keeps its own fast operations for everything else.
struct AccessShape {
  uint8_t bytes;
  bool sign;  // sign-extend from `bytes`
  bool i32;   // 32-bit result (upper slot half zeroed)
};
constexpr AccessShape access_shape_of(CodeOp kind) {
  switch (kind) {
    case CodeOp::i32_load:
    case CodeOp::f32_load:
    case CodeOp::i32_store:
    case CodeOp::f32_store:
    case CodeOp::i64_store32:
    case CodeOp::i64_load32_u: return {4, false, false};
    case CodeOp::i64_load32_s: return {4, true, false};
    case CodeOp::i32_load8_s: return {1, true, true};
    case CodeOp::i32_load16_s: return {2, true, true};
    case CodeOp::i64_load8_s: return {1, true, false};
    case CodeOp::i64_load16_s: return {2, true, false};
    case CodeOp::i32_load8_u:
    case CodeOp::i64_load8_u:
    case CodeOp::i32_store8:
    case CodeOp::i64_store8: return {1, false, false};
    case CodeOp::i32_load16_u:
    case CodeOp::i64_load16_u:
    case CodeOp::i32_store16:
    case CodeOp::i64_store16: return {2, false, false};
    default: return {8, false, false};  // i64/f64 load and store
  }
}
// The same as a table indexed from i32.load (loads and stores are contiguous, threaded_code.h):
// 69 bytes of flash instead of 204 of code on Cortex-M4 -Os.
struct AccessShapes {
  AccessShape of[kNumWrappedMemOps];
};
constexpr AccessShapes make_access_shapes() {
  AccessShapes t{};
  for (uint16_t i = 0; i < kNumWrappedMemOps; ++i)
    t.of[i] = access_shape_of(static_cast<CodeOp>(code_op(Op::i32_load) + i));
  return t;
}
constexpr AccessShapes kAccessShapes = make_access_shapes();
inline AccessShape access_shape(CodeUnit kind) {
  return kAccessShapes.of[kind - code_op(Op::i32_load)];
}
PICOWASM_RARE_PATH bool load_n(const MemoryInst& m, uint64_t ea, CodeUnit kind, uint64_t* out) {
  const AccessShape s = access_shape(kind);
  if (ea + s.bytes > m.size) return false;
  uint64_t v = 0;
  std::memcpy(&v, m.data + ea, s.bytes);  // little-endian target
  const unsigned unused = 64u - 8u * s.bytes;
  if (s.sign && unused) v = static_cast<uint64_t>(static_cast<int64_t>(v << unused) >> unused);
  if (s.i32) v &= 0xFFFFFFFFu;
  *out = v;
  return true;
}
PICOWASM_RARE_PATH bool store_n(MemoryInst& m, uint64_t ea, CodeUnit kind, uint64_t value) {
  const AccessShape s = access_shape(kind);
  if (ea + s.bytes > m.size) return false;
  std::memcpy(m.data + ea, &value, s.bytes);
  return true;
}

// Bounds check of an access of N bytes at base + offset (no wrap-around) in a memory of `size`
// bytes; the address goes to *ea. On 32-bit cores a memory is smaller than 4 GiB, so an address
// that does not fit in 32 bits is out of bounds: two adds with carry checks instead of 64-bit
// arithmetic (Cortex-M4: 2 instructions less per access).
template <uint32_t N>
inline bool mem_access(uint32_t base, uint32_t offset, uintptr_t size, uintptr_t* ea) {
#if UINTPTR_MAX == 0xFFFFFFFFu
  uint32_t address, end;
  if (__builtin_add_overflow(base, offset, &address)) return false;
  *ea = address;
  // A byte access is in bounds when its address is below the size (no end to compute, no carry).
  if (N == 1) return address < size;
  if (__builtin_add_overflow(address, N, &end)) return false;
  return end <= size;
#else
  const uint64_t address = static_cast<uint64_t>(base) + offset;
  *ea = static_cast<uintptr_t>(address);
  return address + N <= size;
#endif
}

inline bool range_oob(uint32_t start, uint32_t n, uint64_t size) {
  return static_cast<uint64_t>(start) + n > size;
}

uint32_t function_index(const Instance* in, const CompiledFunc* f) {
  if (!in || !f) return Error::kNoFunction;
  return static_cast<uint32_t>(f - in->compiled->funcs) + in->module->num_imported_functions;
}

// The function whose code contains `pc`. Only traps need this, which keeps the running function
// out of the hot call/return path.
const CompiledFunc* function_at(const Instance* in, const CodeUnit* pc) {
  return in && pc ? code_owner(*in->compiled, pc) : nullptr;
}

// Fills the instance's trap report: the innermost position, then the calls in progress from the
// call stack (each frame saved the caller's function and return address).
void record_trap(Instance& entry, ErrorCode code, const char* message, Instance* in,
                 const CodeUnit* pc, const CallFrame* frame, uint64_t* free_begin) {
  entry.trap_code = code;
  entry.trap_message = message;
#if !PICOWASM_FEATURE_TRAP_BACKTRACE
  // Backtraces compiled out (config.h): the trapping function only, without its wasm offset
  // (finding that re-translates the function) and without its callers.
  (void)frame, (void)free_begin;
  const CompiledFunc* f = function_at(in, pc);
  entry.trap_num_frames = 0;
  entry.trap_total_frames = 1;
  if (f && entry.trap_frames_capacity > 0) {
    entry.trap_frames[0].function = function_index(in, f);
    entry.trap_frames[0].module_offset = TrapFrame::kUnknownOffset;
    entry.trap_num_frames = 1;
  }
#else
  uint32_t n = 0, total = 0;
  auto add = [&](const Instance* inst, const CompiledFunc* f, const CodeUnit* at) {
    ++total;
    if (!inst || !f || n >= entry.trap_frames_capacity) return;
    TrapFrame& t = entry.trap_frames[n++];
    t.function = function_index(inst, f);
    const uint32_t code_unit = static_cast<uint32_t>(at - f->code);
    // Finding the wasm offset re-translates the function: in the value stack the trap just freed
    // (the trapping call's part), else in the instance arena's free space.
    Arena scratch(free_begin, static_cast<size_t>(entry.stack_end - free_begin) * sizeof(uint64_t));
    t.module_offset = locate_module_offset(*inst->module, t.function, code_unit, &scratch);
    if (t.module_offset == TrapFrame::kUnknownOffset)
      t.module_offset = locate_module_offset(*inst->module, t.function, code_unit, entry.arena);
  };
  add(in, function_at(in, pc), pc);
  // frames[0] is the entry sentinel; frame k > 0 records the caller of depth k.
  for (const CallFrame* f = frame - 1; f > entry.frames; --f)
    add(f->instance, function_at(f->instance, return_address(*f) - 1), return_address(*f) - 1);
  entry.trap_num_frames = n;
  entry.trap_total_frames = total;
#endif
}

// The i32 arithmetic with a constant operand b, in its 16-bit (`_imm`) and 32-bit (`_imm32`)
// immediate forms.
#define PICOWASM_I32_ARITH_IMM(X) \
  X(add, a + b)                   \
  X(sub, a - b)                   \
  X(mul, a * b)                   \
  X(and, a & b)                   \
  X(or, a | b)                    \
  X(xor, a ^ b)

// The ten integer comparisons (operands a, b): one list for their forms in run() (i32 and i64
// values, i32 against a 16-bit immediate, i32 fused with a branch, against a slot or an immediate).
#define PICOWASM_INT_COMPARISONS(X) \
  X(eq, a == b)                     \
  X(ne, a != b)                     \
  X(lt_s, num::lt_s(a, b))          \
  X(lt_u, a < b)                    \
  X(gt_s, num::gt_s(a, b))          \
  X(gt_u, a > b)                    \
  X(le_s, num::le_s(a, b))          \
  X(le_u, a <= b)                   \
  X(ge_s, num::ge_s(a, b))          \
  X(ge_u, a >= b)

// GCC allocates run()'s registers region by region by default, and then spilled pc, fuel and the
// current instance to the stack in every handler; one region for the whole function keeps them in
// registers (Cortex-M4 benchmark geomean 12.14 -> 10.58 instructions per native instruction).
// Frame set-up (init_frame) keeps its short loops instead of calls to memset.
#if defined(__GNUC__) && !defined(__clang__)
#define PICOWASM_RUN_ATTRIBUTES \
  __attribute__((optimize("ira-region=one", "no-tree-loop-distribute-patterns")))
#else
#define PICOWASM_RUN_ATTRIBUTES
#endif

// Runs from the state in `paused` (a fresh call's entry, or a paused call) on `entry`'s stacks
// until the outermost function returns (results in entry.stack[0..)), traps, or pauses at a safe
// point (state saved in entry.paused_call).
PICOWASM_RUN_ATTRIBUTES CallResult run(Instance& entry, const PausedCall& start, uint64_t fuel) {
  const CodeUnit* pc = start.pc;
  uint64_t* fp = start.fp;
  Instance* in = start.instance;
  CallFrame* frame = start.frame;
  const CompiledFunc* funcs = nullptr;  // the running module's functions
  uint8_t* mem = nullptr;
  // A memory's size fits in a pointer-sized register (its bytes are in the address space), which
  // spares a register on 32-bit cores; bounds checks still compute addresses in 64 bits.
  uintptr_t mem_size = 0;
  CallFrame* const frame_limit = entry.frames + entry.max_frames;
  uint64_t* const stack_end = entry.stack_end;
  const uint64_t fuel_at_start = fuel;
  // The fuel that safe points count down is 32 bits (one register on 32-bit cores); the rest
  // waits in fuel_reserve and refills it when it runs out (see safe_point_slow).
  uint32_t fuel_now = fuel > kFuelChunk ? kFuelChunk : static_cast<uint32_t>(fuel);
  uint64_t fuel_reserve = fuel - fuel_now;
  ErrorCode trap = ErrorCode::ok;
  const char* trap_message = nullptr;
#if PICOWASM_FEATURE_TAIL_CALL
  FuncInst* tail_callee = nullptr;  // the callee of the tail call being made
#endif
  PauseReason pause = PauseReason::none;
  CallResult result;

  // Per-instance state cached in locals, reloaded whenever the running instance changes (and after
  // host calls, which may grow the memory).
#define LOAD_MEMORY()                                      \
  do {                                                     \
    funcs = in->compiled->funcs;                           \
    if (in->memory) {                                      \
      mem = in->memory->data;                              \
      mem_size = static_cast<uintptr_t>(in->memory->size); \
    } else {                                               \
      mem = nullptr;                                       \
      mem_size = 0;                                        \
    }                                                      \
  } while (0)

  // After a host call only the memory's size can have changed: a nested call may have grown it,
  // in place (the instance, its functions and its memory's bytes stay where they are).
#define LOAD_MEMORY_SIZE()                                               \
  do {                                                                   \
    if (in->memory) mem_size = static_cast<uintptr_t>(in->memory->size); \
  } while (0)

#define TRAP(code) \
  do {             \
    trap = (code); \
    goto on_trap;  \
  } while (0)

  // A safe point (taken backward branch or call), at the start of its instruction: charges one
  // unit of fuel, or leaves for safe_point_slow when the 32-bit count is used up or an interrupt
  // was requested.
#if PICOWASM_SAFE_POINTS
#define SAFE_POINT()                                                          \
  do {                                                                        \
    if (__builtin_expect(fuel_now == 0 || entry.interrupt_requested != 0, 0)) \
      goto safe_point_slow;                                                   \
    --fuel_now;                                                               \
  } while (0)
#else
#define SAFE_POINT() \
  do {               \
  } while (0)
#endif

  // Jumps by the branch offset stored at `field`; a backward jump (a loop iteration) is a safe
  // point, checked before the jump so that a paused branch simply runs again on resume.
// (A plain block, not do-while: NEXT() is `continue` in switch dispatch and must reach the loop.)
#define JUMP_NOW(field)                                            \
  {                                                                \
    const int32_t offset_ = static_cast<int32_t>(read_u32(field)); \
    if (offset_ < 0) SAFE_POINT();                                 \
    pc = (field) + offset_;                                        \
    NEXT();                                                        \
  }
#if PICOWASM_COMPUTED_GOTO
#define JUMP(field) JUMP_NOW(field)
#else
  // Size builds: every branch shares one copy (do_jump, after `br`), one more jump per branch
  // taken (Cortex-M4 -Os: -968 bytes of flash in the default build, -112 in the minimal one;
  // benchmark geomean 10.40 -> 10.47).
  const CodeUnit* jump_field = nullptr;
#define JUMP(field)       \
  {                       \
    jump_field = (field); \
    goto do_jump;         \
  }
#endif

  // Calls a host function with its frame at `nfp`; `next` is the instruction after the call.
  // Before the call, the free stack regions are published so the host function may call back into
  // the running instance (a nested call, see call()). The frame size is the FuncInst's, computed
  // at instantiation; a yield and a trap are the unlikely outcomes, kept off the straight path.
  // `f_again` and `nfp_again` find the callee and its frame again after the call (for `call`, from
  // the instruction), so that neither stays live across the call only for the yield path.
#define CALL_HOST(f, nfp, next, f_again, nfp_again)                  \
  {                                                                  \
    entry.nested_stack = (nfp) + (f)->host_slots;                    \
    entry.nested_frame = frame;                                      \
    HostCall call_{in, (f)->host_user, (f)->host_data, (nfp)};       \
    const ErrorCode rc_ = (f)->host(call_);                          \
    LOAD_MEMORY_SIZE();                                              \
    if (__builtin_expect(rc_ != ErrorCode::ok, 0)) {                 \
      if (rc_ == ErrorCode::host_yield) {                            \
        entry.yield_results = (nfp_again); /* set_yield_results() */ \
        entry.yield_type = (f_again)->type;                          \
        pc = (next);                                                 \
        pause = PauseReason::host_yield;                             \
        goto on_pause;                                               \
      }                                                              \
      trap_message = call_.trap_message;                             \
      TRAP(rc_);                                                     \
    }                                                                \
    pc = (next);                                                     \
    NEXT();                                                          \
  }

  // Enters wasm function code `cf_` of instance `inst_` with its frame at `nfp`, returning to
  // `ret`.
#define ENTER(cf_expr, inst_expr, nfp, ret)                           \
  do {                                                                \
    const CompiledFunc* cf_ = (cf_expr);                              \
    if (frame == frame_limit || (nfp) + cf_->frame_slots > stack_end) \
      TRAP(ErrorCode::call_stack_exhausted);                          \
    *frame++ = CallFrame{(ret), fp, in};                              \
    fp = (nfp);                                                       \
    init_frame(fp, *cf_);                                             \
    pc = cf_->code;                                                   \
    if ((inst_expr) != in) {                                          \
      frame[-1].return_pc = slow_return(frame[-1].return_pc);         \
      in = (inst_expr);                                               \
      LOAD_MEMORY();                                                  \
    }                                                                 \
  } while (0)

  // The callee of call_indirect / return_call_indirect (type F, table F, index slot at pc[5]),
  // or a trap.
#define INDIRECT_CALLEE(f)                                                          \
  do {                                                                              \
    const FuncType* expected_ = &in->module->types[read_u32(pc + 1)];               \
    TableInst* table_ = in->tables[read_u32(pc + 3)];                               \
    uint32_t index_ = rd<uint32_t>(fp, pc[5]);                                      \
    if (index_ >= table_->size) TRAP(ErrorCode::trap_undefined_element);            \
    f = reinterpret_cast<FuncInst*>(static_cast<uintptr_t>(table_->elems[index_])); \
    if (!f) TRAP(ErrorCode::trap_uninitialized_element);                            \
    if (!same_type(f->type, expected_)) TRAP(ErrorCode::trap_indirect_call_type);   \
  } while (0)

  LOAD_MEMORY();

#if PICOWASM_COMPUTED_GOTO
  static const void* const kLabels[kNumCodeOps] = {
#define PICOWASM_LABEL_W(id, text, code, imm, p0, p1, r) &&L_##id,
      PICOWASM_OPCODES(PICOWASM_LABEL_W) PICOWASM_FC_OPCODES(PICOWASM_LABEL_W)
#undef PICOWASM_LABEL_W
#define PICOWASM_LABEL_X(id, layout) &&X_##id,
          PICOWASM_XOPS(PICOWASM_LABEL_X)
#undef PICOWASM_LABEL_X
  };
#define CASE_W(id) L_##id:
#define CASE_X(id) X_##id:
// On 32-bit Arm, the state many handlers use is named at every dispatch (an empty asm), so the
// register allocator keeps it in registers instead of lending them to the temporaries of a few
// large handlers (Cortex-M4 benchmark geomean 10.35 -> 10.25, then 9.74 -> 9.69 with `frame`
// named). x86-64 has its state in registers without it (and ran 0.5% more instructions with it).
#if defined(__arm__)
#define PICOWASM_KEEP_STATE() __asm__("" : : "r"(in), "r"(mem), "r"(mem_size), "r"(frame))
#elif defined(__x86_64__)
#define PICOWASM_KEEP_STATE() __asm__("" : : "r"(frame))
#else
#define PICOWASM_KEEP_STATE() \
  do {                        \
  } while (0)
#endif
#define NEXT()             \
  do {                     \
    PICOWASM_KEEP_STATE(); \
    goto* kLabels[*pc];    \
  } while (0)
  NEXT();
#else
#define CASE_W(id) case static_cast<uint16_t>(CodeOp::id):
#define CASE_X(id) case static_cast<uint16_t>(XOp::id):
#define NEXT() continue
  for (;;) {
    switch (*pc) {
#endif

  // ---- operand-shape helpers (each handler advances pc past its operands) ----
#define UNARY(id, T, R, expr)               \
  CASE_W(id) {                              \
    T a = rd<T>(fp, pc[2]);                 \
    wr<R>(fp, pc[1], static_cast<R>(expr)); \
    pc += code_units(CodeOp::id);           \
    NEXT();                                 \
  }
#define BINARY(id, T, R, expr)              \
  CASE_W(id) {                              \
    T a = rd<T>(fp, pc[2]);                 \
    T b = rd<T>(fp, pc[3]);                 \
    wr<R>(fp, pc[1], static_cast<R>(expr)); \
    pc += code_units(CodeOp::id);           \
    NEXT();                                 \
  }
#define BINARY_TRAP(id, T, fn)                                   \
  CASE_W(id) {                                                   \
    T result;                                                    \
    NumTrap t = fn(rd<T>(fp, pc[2]), rd<T>(fp, pc[3]), &result); \
    if (t != NumTrap::none) TRAP(trap_of(t));                    \
    wr<T>(fp, pc[1], result);                                    \
    pc += code_units(CodeOp::id);                                \
    NEXT();                                                      \
  }
#define CONVERT_TRAP(id, F, U, fn)                   \
  CASE_W(id) {                                       \
    U result;                                        \
    NumTrap t = fn<U, F>(rd<F>(fp, pc[2]), &result); \
    if (t != NumTrap::none) TRAP(trap_of(t));        \
    wr<U>(fp, pc[1], result);                        \
    pc += code_units(CodeOp::id);                    \
    NEXT();                                          \
  }
// Loads and stores: the effective address is addr + offset without wrap-around (mem_access());
// the *_wrapped forms instead add their immediate to the base in 32 bits (a fused i32.add).
#define LOAD_AT(label, M, R, BASE, OFFSET, UNITS)                                                  \
  label {                                                                                          \
    uintptr_t ea;                                                                                  \
    if (!mem_access<sizeof(M)>((BASE), (OFFSET), mem_size, &ea)) TRAP(ErrorCode::trap_memory_oob); \
    M v;                                                                                           \
    std::memcpy(&v, mem + ea, sizeof(M));                                                          \
    wr<R>(fp, pc[1], static_cast<R>(v));                                                           \
    pc += (UNITS);                                                                                 \
    NEXT();                                                                                        \
  }
#define STORE_AT(label, T, M, BASE, OFFSET, UNITS)                                                 \
  label {                                                                                          \
    uintptr_t ea;                                                                                  \
    if (!mem_access<sizeof(M)>((BASE), (OFFSET), mem_size, &ea)) TRAP(ErrorCode::trap_memory_oob); \
    M v = static_cast<M>(rd<T>(fp, pc[2]));                                                        \
    std::memcpy(mem + ea, &v, sizeof(M));                                                          \
    pc += (UNITS);                                                                                 \
    NEXT();                                                                                        \
  }
#define EA_BASE rd<uint32_t>(fp, pc[2])
#define EA_STORE_BASE rd<uint32_t>(fp, pc[1])
#define EA_WRAPPED static_cast<uint32_t>(rd<uint32_t>(fp, pc[2]) + read_u32(pc + 3))
#define EA_STORE_WRAPPED static_cast<uint32_t>(rd<uint32_t>(fp, pc[1]) + read_u32(pc + 3))
#if PICOWASM_FEATURE_FUSED_FORMS
#define LOAD(id, M, R)                                       \
  LOAD_AT(CASE_W(id), M, R, EA_BASE, pc[3], kMemAccessUnits) \
  LOAD_AT(CASE_X(id##_wrapped), M, R, EA_WRAPPED, 0u, kWrappedAccessUnits)
#define STORE(id, T, M)                                             \
  STORE_AT(CASE_W(id), T, M, EA_STORE_BASE, pc[3], kMemAccessUnits) \
  STORE_AT(CASE_X(id##_wrapped), T, M, EA_STORE_WRAPPED, 0u, kWrappedAccessUnits)
// Accesses with the same bytes and the same slot effect share one handler (see their use); the
// labels of their memory-0 forms, then of their *_wrapped forms.
#define LOAD_SHARED(labels, wrapped_labels, M, R)        \
  LOAD_AT(labels, M, R, EA_BASE, pc[3], kMemAccessUnits) \
  LOAD_AT(wrapped_labels, M, R, EA_WRAPPED, 0u, kWrappedAccessUnits)
#define STORE_SHARED(labels, wrapped_labels, T, M)              \
  STORE_AT(labels, T, M, EA_STORE_BASE, pc[3], kMemAccessUnits) \
  STORE_AT(wrapped_labels, T, M, EA_STORE_WRAPPED, 0u, kWrappedAccessUnits)
#define BINARY_IMM32(id, expr)                            \
  CASE_X(id) {                                            \
    uint32_t a = rd<uint32_t>(fp, pc[2]);                 \
    uint32_t b = read_u32(pc + 3);                        \
    wr<uint32_t>(fp, pc[1], static_cast<uint32_t>(expr)); \
    pc += code_units(XOp::id);                            \
    NEXT();                                               \
  }
// A 16-bit immediate, sign-extended (threaded_code.h 'H').
#define BINARY_IMM16(id, expr)                            \
  CASE_X(id) {                                            \
    uint32_t a = rd<uint32_t>(fp, pc[2]);                 \
    uint32_t b = imm16(pc + 3);                           \
    wr<uint32_t>(fp, pc[1], static_cast<uint32_t>(expr)); \
    pc += code_units(XOp::id);                            \
    NEXT();                                               \
  }
#define BINARY_IMM64(id, expr)                            \
  CASE_X(id) {                                            \
    uint64_t a = rd<uint64_t>(fp, pc[2]);                 \
    uint64_t b = read_u64(pc + 3);                        \
    wr<uint64_t>(fp, pc[1], static_cast<uint64_t>(expr)); \
    pc += code_units(XOp::id);                            \
    NEXT();                                               \
  }

#define BRANCH_CMP(id, expr)              \
  CASE_X(id) {                            \
    uint32_t a = rd<uint32_t>(fp, pc[1]); \
    uint32_t b = rd<uint32_t>(fp, pc[2]); \
    if (expr) JUMP(pc + 3);               \
    pc += code_units(XOp::id);            \
    NEXT();                               \
  }
#define BRANCH_CMP_IMM(id, expr)          \
  CASE_X(id) {                            \
    uint32_t a = rd<uint32_t>(fp, pc[1]); \
    uint32_t b = imm16(pc + 2);           \
    if (expr) JUMP(pc + 3);               \
    pc += code_units(XOp::id);            \
    NEXT();                               \
  }
#else
// Fused forms are compiled out (config.h): the translator never emits them, their labels trap.
#define LOAD(id, M, R)                                       \
  LOAD_AT(CASE_W(id), M, R, EA_BASE, pc[3], kMemAccessUnits) \
  CASE_X(id##_wrapped) goto never_emitted;
#define STORE(id, T, M)                                             \
  STORE_AT(CASE_W(id), T, M, EA_STORE_BASE, pc[3], kMemAccessUnits) \
  CASE_X(id##_wrapped) goto never_emitted;
#define LOAD_SHARED(labels, wrapped_labels, M, R)        \
  LOAD_AT(labels, M, R, EA_BASE, pc[3], kMemAccessUnits) \
  wrapped_labels goto never_emitted;
#define STORE_SHARED(labels, wrapped_labels, T, M)              \
  STORE_AT(labels, T, M, EA_STORE_BASE, pc[3], kMemAccessUnits) \
  wrapped_labels goto never_emitted;
#define BINARY_IMM32(id, expr) CASE_X(id) goto never_emitted;
#define BINARY_IMM16(id, expr) CASE_X(id) goto never_emitted;
#define BINARY_IMM64(id, expr) CASE_X(id) goto never_emitted;
#define BRANCH_CMP(id, expr) CASE_X(id) goto never_emitted;
#define BRANCH_CMP_IMM(id, expr) CASE_X(id) goto never_emitted;
#endif

  // ---- control flow ----
  CASE_X(trap_unreachable) TRAP(ErrorCode::trap_unreachable);
  CASE_X(br) JUMP(pc + 1);
#if !PICOWASM_COMPUTED_GOTO
do_jump:
  JUMP_NOW(jump_field);
#endif
  CASE_X(br_if) {
    if (rd<uint32_t>(fp, pc[1]) != 0) JUMP(pc + 2);
    pc += 4;
    NEXT();
  }
  CASE_X(br_unless) {
    if (rd<uint32_t>(fp, pc[1]) == 0) JUMP(pc + 2);
    pc += 4;
    NEXT();
  }
#define PICOWASM_BR_CMP(name, expr) BRANCH_CMP(br_##name, expr)
#define PICOWASM_BR_CMP_IMM(name, expr) BRANCH_CMP_IMM(br_##name##_imm, expr)
  PICOWASM_INT_COMPARISONS(PICOWASM_BR_CMP)
  PICOWASM_INT_COMPARISONS(PICOWASM_BR_CMP_IMM)
  CASE_X(br_table) {
    uint32_t index = rd<uint32_t>(fp, pc[1]);
    uint32_t count = pc[2];
    JUMP(pc + 3 + 2 * (index < count ? index : count));
  }
  CASE_X(ret_copy) {
    fp[0] = fp[pc[1]];
    goto do_return;
  }
  CASE_X(ret) {
  do_return:
    --frame;
    pc = frame->return_pc;
    fp = frame->fp;
    // Returns to the host and to another instance are marked in the return address, so the
    // common return tests one bit instead of a null address and the instance (fib: -4 x86
    // instructions per call).
    if (__builtin_expect(reinterpret_cast<uintptr_t>(pc) & kSlowReturnBit, 0)) {
      pc = return_address(*frame);
      if (!pc) goto on_return;
      in = frame->instance;
      LOAD_MEMORY();
    }
    NEXT();
  }
  CASE_X(call) {
    SAFE_POINT();
    FuncInst* f = in->funcs[read_u32(pc + 1)];
    uint64_t* nfp = fp + pc[3];
    if (f->host) CALL_HOST(f, nfp, pc + 4, in->funcs[read_u32(pc + 1)], fp + pc[3]);
    ENTER(f->code, f->instance, nfp, pc + 4);
    NEXT();
  }
  CASE_X(call_defined) {
    // A function of the running module: no import, no host function, no instance switch (the
    // instance comparison in ENTER is against itself and compiles away).
    SAFE_POINT();
    ENTER(funcs + read_u32(pc + 1), in, fp + pc[3], pc + 4);
    NEXT();
  }
  CASE_X(call_indirect) {
    SAFE_POINT();
    FuncInst* f;
    INDIRECT_CALLEE(f);
    uint64_t* nfp = fp + pc[6];
    if (f->host) CALL_HOST(f, nfp, pc + 7, f, nfp);
    ENTER(f->code, f->instance, nfp, pc + 7);
    NEXT();
  }
#if PICOWASM_FEATURE_TAIL_CALL
  // Tail calls: the arguments move down to slot 0 and a wasm callee runs in the running
  // function's place (same frame start, same return address, no call frame pushed). A host callee
  // is called like with `call`, leaving its results in slots 0..n-1 for the translator's `ret`
  // after the tail call. Both forms share the body below: pc already points to that `ret` (which
  // belongs to the same wasm instruction, so traps report the same place) and pc[-1] is the
  // argument slot.
  CASE_X(return_call) {
    SAFE_POINT();
    tail_callee = in->funcs[read_u32(pc + 1)];
    pc += code_units(XOp::return_call);
    goto do_tail_call;
  }
  CASE_X(return_call_indirect) {
    SAFE_POINT();
    INDIRECT_CALLEE(tail_callee);  // checked before the arguments move: they may overwrite it
    pc += code_units(XOp::return_call_indirect);
  do_tail_call:
    FuncInst* const f = tail_callee;
    const uint64_t* const args = fp + pc[-1];
    for (uint32_t i = 0; i < f->type->num_params; ++i) fp[i] = args[i];
    if (f->host) CALL_HOST(f, fp, pc, f, fp);
    const CompiledFunc* const cf = f->code;
    if (fp + cf->frame_slots > stack_end) TRAP(ErrorCode::call_stack_exhausted);
    init_frame(fp, *cf);
    pc = cf->code;
    if (f->instance != in) {
      // The running function's return now switches back (it may be the host's sentinel already).
      frame[-1].return_pc = slow_return(frame[-1].return_pc);
      in = f->instance;
      LOAD_MEMORY();
    }
    NEXT();
  }
#else
  CASE_X(return_call)
  CASE_X(return_call_indirect) TRAP(ErrorCode::trap_unreachable);  // never emitted
#endif

  // ---- data movement ----
  CASE_X(copy) {
    fp[pc[1]] = fp[pc[2]];
    pc += code_units(XOp::copy);
    NEXT();
  }
  CASE_X(const32) {
    fp[pc[1]] = read_u32(pc + 2);
    pc += code_units(XOp::const32);
    NEXT();
  }
  CASE_X(const16) {
    fp[pc[1]] = imm16(pc + 2);
    pc += code_units(XOp::const16);
    NEXT();
  }
  CASE_X(const0) {
    fp[pc[1]] = 0;
    pc += code_units(XOp::const0);
    NEXT();
  }
  CASE_X(const64) {
    fp[pc[1]] = read_u64(pc + 2);
    pc += code_units(XOp::const64);
    NEXT();
  }
  CASE_X(select) {
    fp[pc[1]] = rd<uint32_t>(fp, pc[4]) ? fp[pc[2]] : fp[pc[3]];
    pc += code_units(XOp::select);
    NEXT();
  }
  CASE_X(global_get) {
    fp[pc[1]] = in->globals[read_u32(pc + 2)]->value;
    pc += code_units(XOp::global_get);
    NEXT();
  }
  CASE_X(global_set) {
    in->globals[read_u32(pc + 1)]->value = fp[pc[3]];
    pc += code_units(XOp::global_set);
    NEXT();
  }

  // ---- memory ----
  CASE_X(memory_size) {
    wr<uint32_t>(fp, pc[1], in->memory->pages);
    pc += code_units(XOp::memory_size);
    NEXT();
  }
  CASE_X(memory_grow) {
    wr<uint32_t>(fp, pc[1], grow_memory(*in->memory, rd<uint32_t>(fp, pc[2])));
    LOAD_MEMORY();
    pc += code_units(XOp::memory_grow);
    NEXT();
  }
#if PICOWASM_FEATURE_BULK_MEMORY
  CASE_X(memory_fill) {
    uint32_t d = rd<uint32_t>(fp, pc[1]), n = rd<uint32_t>(fp, pc[3]);
    if (range_oob(d, n, mem_size)) TRAP(ErrorCode::trap_memory_oob);
    std::memset(mem + d, static_cast<int>(rd<uint32_t>(fp, pc[2]) & 0xFF), n);
    pc += code_units(XOp::memory_fill);
    NEXT();
  }
  CASE_X(memory_copy) {
    uint32_t d = rd<uint32_t>(fp, pc[1]), s = rd<uint32_t>(fp, pc[2]), n = rd<uint32_t>(fp, pc[3]);
    if (range_oob(d, n, mem_size) || range_oob(s, n, mem_size)) TRAP(ErrorCode::trap_memory_oob);
    std::memmove(mem + d, mem + s, n);
    pc += code_units(XOp::memory_copy);
    NEXT();
  }
  CASE_X(memory_init) {
    ErrorCode rc = memory_init(*in, in->memory, read_u32(pc + 1), rd<uint32_t>(fp, pc[3]),
                               rd<uint32_t>(fp, pc[4]), rd<uint32_t>(fp, pc[5]));
    if (rc != ErrorCode::ok) TRAP(rc);
    pc += code_units(XOp::memory_init);
    NEXT();
  }
  CASE_X(data_drop) {
    in->data_dropped[read_u32(pc + 1)] = 1;
    pc += code_units(XOp::data_drop);
    NEXT();
  }
#else
  CASE_X(memory_fill) CASE_X(memory_copy) CASE_X(memory_init) CASE_X(data_drop) goto never_emitted;
#endif

  // ---- tables and references ----
#if PICOWASM_FEATURE_REFERENCE_TYPES
  CASE_X(table_get) {
    TableInst* t = in->tables[read_u32(pc + 2)];
    uint32_t i = rd<uint32_t>(fp, pc[4]);
    if (i >= t->size) TRAP(ErrorCode::trap_table_oob);
    fp[pc[1]] = t->elems[i];
    pc += code_units(XOp::table_get);
    NEXT();
  }
  CASE_X(table_set) {
    TableInst* t = in->tables[read_u32(pc + 1)];
    uint32_t i = rd<uint32_t>(fp, pc[3]);
    if (i >= t->size) TRAP(ErrorCode::trap_table_oob);
    t->elems[i] = fp[pc[4]];
    pc += code_units(XOp::table_set);
    NEXT();
  }
  CASE_X(table_size) {
    wr<uint32_t>(fp, pc[1], in->tables[read_u32(pc + 2)]->size);
    pc += code_units(XOp::table_size);
    NEXT();
  }
  CASE_X(table_grow) {
    TableInst* t = in->tables[read_u32(pc + 2)];
    uint32_t n = rd<uint32_t>(fp, pc[4]);
    uint64_t init = fp[pc[5]];
    uint32_t old = t->size;
    if (n > t->capacity - old) {
      wr<uint32_t>(fp, pc[1], 0xFFFFFFFFu);
    } else {
      for (uint32_t i = 0; i < n; ++i) t->elems[old + i] = init;
      t->size = old + n;
      t->type.limits.min = t->size;
      wr<uint32_t>(fp, pc[1], old);
    }
    pc += code_units(XOp::table_grow);
    NEXT();
  }
  CASE_X(table_fill) {
    TableInst* t = in->tables[read_u32(pc + 1)];
    uint32_t i = rd<uint32_t>(fp, pc[3]), n = rd<uint32_t>(fp, pc[5]);
    uint64_t v = fp[pc[4]];
    if (range_oob(i, n, t->size)) TRAP(ErrorCode::trap_table_oob);
    for (uint32_t k = 0; k < n; ++k) t->elems[i + k] = v;
    pc += code_units(XOp::table_fill);
    NEXT();
  }
#else
  CASE_X(table_get)
  CASE_X(table_set) CASE_X(table_size) CASE_X(table_grow) CASE_X(table_fill) goto never_emitted;
#endif
#if PICOWASM_FEATURE_BULK_MEMORY
  CASE_X(table_copy) {
    TableInst* dt = in->tables[read_u32(pc + 1)];
    TableInst* st = in->tables[read_u32(pc + 3)];
    uint32_t d = rd<uint32_t>(fp, pc[5]), s = rd<uint32_t>(fp, pc[6]), n = rd<uint32_t>(fp, pc[7]);
    if (range_oob(d, n, dt->size) || range_oob(s, n, st->size)) TRAP(ErrorCode::trap_table_oob);
    std::memmove(dt->elems + d, st->elems + s, sizeof(uint64_t) * n);
    pc += code_units(XOp::table_copy);
    NEXT();
  }
  CASE_X(table_init) {
    ErrorCode rc =
        table_init(*in, *in->tables[read_u32(pc + 1)], read_u32(pc + 3), rd<uint32_t>(fp, pc[5]),
                   rd<uint32_t>(fp, pc[6]), rd<uint32_t>(fp, pc[7]));
    if (rc != ErrorCode::ok) TRAP(rc);
    pc += code_units(XOp::table_init);
    NEXT();
  }
  CASE_X(elem_drop) {
    in->elem_dropped[read_u32(pc + 1)] = 1;
    pc += code_units(XOp::elem_drop);
    NEXT();
  }
#else
  CASE_X(table_copy) CASE_X(table_init) CASE_X(elem_drop) goto never_emitted;
#endif
#if PICOWASM_FEATURE_REFERENCE_TYPES
  CASE_X(ref_func) {
    fp[pc[1]] = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(in->funcs[read_u32(pc + 2)]));
    pc += code_units(XOp::ref_func);
    NEXT();
  }
  CASE_X(ref_is_null) {
    wr<uint64_t>(fp, pc[1], fp[pc[2]] == 0 ? 1u : 0u);
    pc += code_units(XOp::ref_is_null);
    NEXT();
  }
#else
  CASE_X(ref_func) CASE_X(ref_is_null) goto never_emitted;
#endif

  // ---- i32 with an immediate operand ----
#define PICOWASM_ARITH_IMM16(name, expr) BINARY_IMM16(i32_##name##_imm, expr)
#define PICOWASM_ARITH_IMM32(name, expr) BINARY_IMM32(i32_##name##_imm32, expr)
  PICOWASM_I32_ARITH_IMM(PICOWASM_ARITH_IMM16)
#if PICOWASM_FEATURE_FUSED_FORMS
  CASE_X(i32_inc) {
    wr<uint32_t>(fp, pc[1], rd<uint32_t>(fp, pc[1]) + imm16(pc + 2));
    pc += code_units(XOp::i32_inc);
    NEXT();
  }
#else
  CASE_X(i32_inc) goto never_emitted;
#endif
  BINARY_IMM16(i32_shl_imm, num::shl(a, b))
  BINARY_IMM16(i32_shr_s_imm, num::shr_s(a, b))
  BINARY_IMM16(i32_shr_u_imm, num::shr_u(a, b))
  BINARY_IMM16(i32_rotl_imm, num::rotl(a, b))
  PICOWASM_I32_ARITH_IMM(PICOWASM_ARITH_IMM32)
  BINARY_IMM16(i32_rotr_imm, num::rotr(a, b))
#define PICOWASM_CMP_IMM(name, expr) BINARY_IMM16(i32_##name##_imm, expr)
  PICOWASM_INT_COMPARISONS(PICOWASM_CMP_IMM)
  BINARY_IMM64(i64_add_imm, a + b)
  BINARY_IMM64(i64_sub_imm, a - b)
  BINARY_IMM64(i64_and_imm, a & b)
  BINARY_IMM64(i64_shl_imm, num::shl(a, b))
  BINARY_IMM64(i64_shr_u_imm, num::shr_u(a, b))

  // ---- fused forms chosen from benchmark profiles (FUSE; translator.cpp emits them) ----
  // Addresses are u32(base + imm), like the *_wrapped loads.
#if PICOWASM_FEATURE_FUSED_FORMS
#define EA_FUSED(slot, imm_at) \
  static_cast<uint32_t>(rd<uint32_t>(fp, pc[slot]) + read_u32(pc + (imm_at)))
  // The product of two int8 loads, or (mac) the product added to the destination.
#define MUL_LOAD8_PAIR(id, acc)                                                              \
  CASE_X(id) {                                                                               \
    uintptr_t ea, eb;                                                                        \
    if (!mem_access<1>(EA_FUSED(2, 3), 0u, mem_size, &ea)) TRAP(ErrorCode::trap_memory_oob); \
    if (!mem_access<1>(EA_FUSED(5, 6), 0u, mem_size, &eb)) {                                 \
      pc += kSecondLoadUnit; /* the trap report names the second load */                     \
      TRAP(ErrorCode::trap_memory_oob);                                                      \
    }                                                                                        \
    const int32_t product = static_cast<int8_t>(mem[ea]) * static_cast<int8_t>(mem[eb]);     \
    wr<uint32_t>(fp, pc[1], (acc) + static_cast<uint32_t>(product));                         \
    pc += code_units(XOp::id);                                                               \
    NEXT();                                                                                  \
  }
  MUL_LOAD8_PAIR(i32_mul_load8_s_pair, 0u)
  MUL_LOAD8_PAIR(i32_mac_load8_s_pair, rd<uint32_t>(fp, pc[1]))
  CASE_X(f64_mul_add_store) {
    // Both loads checked in wasm order; the store goes where the second load read.
    uintptr_t eb, ec;
    if (!mem_access<8>(EA_FUSED(2, 3), 0u, mem_size, &eb)) TRAP(ErrorCode::trap_memory_oob);
    if (!mem_access<8>(EA_FUSED(5, 6), 0u, mem_size, &ec)) {
      pc += kMulAddSecondLoadUnit;
      TRAP(ErrorCode::trap_memory_oob);
    }
    double b, c;
    std::memcpy(&b, mem + eb, sizeof b);
    std::memcpy(&c, mem + ec, sizeof c);
    const double sum = rd<double>(fp, pc[1]) * b + c;  // two roundings: no FMA (numerics.h)
    std::memcpy(mem + ec, &sum, sizeof sum);
    pc += code_units(XOp::f64_mul_add_store);
    NEXT();
  }
#define BINARY_LOAD(id, T, expr)                                   \
  CASE_X(id) {                                                     \
    uintptr_t ea;                                                  \
    if (!mem_access<sizeof(T)>(EA_FUSED(3, 4), 0u, mem_size, &ea)) \
      TRAP(ErrorCode::trap_memory_oob);                            \
    T a = rd<T>(fp, pc[2]);                                        \
    T b;                                                           \
    std::memcpy(&b, mem + ea, sizeof(T));                          \
    wr<T>(fp, pc[1], static_cast<T>(expr));                        \
    pc += code_units(XOp::id);                                     \
    NEXT();                                                        \
  }
  BINARY_LOAD(i32_add_load, uint32_t, a + b)
  BINARY_LOAD(f64_add_load, double, a + b)
  BINARY_LOAD(f64_mul_load, double, a* b)
  CASE_X(i32_xor_rotl_imm) {
    wr<uint32_t>(
        fp, pc[1],
        rd<uint32_t>(fp, pc[2]) ^ num::rotl(rd<uint32_t>(fp, pc[3]), static_cast<uint32_t>(pc[4])));
    pc += code_units(XOp::i32_xor_rotl_imm);
    NEXT();
  }
  CASE_X(i32_xor_imm_if) {
    // Without a branch: the tested bit of a CRC is as good as random.
    const uint32_t taken = (rd<uint32_t>(fp, pc[5]) & read_u32(pc + 6)) != 0 ? 0xFFFFFFFFu : 0u;
    wr<uint32_t>(fp, pc[1], rd<uint32_t>(fp, pc[2]) ^ (read_u32(pc + 3) & taken));
    pc += code_units(XOp::i32_xor_imm_if);
    NEXT();
  }
#else
  CASE_X(i32_mul_load8_s_pair)
  CASE_X(i32_mac_load8_s_pair)
  CASE_X(i32_add_load)
  CASE_X(f64_add_load)
  CASE_X(f64_mul_load)
  CASE_X(f64_mul_add_store)
  CASE_X(i32_xor_imm_if) CASE_X(i32_xor_rotl_imm) goto never_emitted;
#endif

  // ---- loads and stores ----
  // f32/f64 accesses move the same bytes as i32/i64 ones, and a store of an i64's low 4, 2 or 1
  // bytes is the i32 store of that width (little-endian slots): one handler each (Cortex-M4 -Os,
  // minimal build: -308 bytes of flash, no instruction more per access).
#define LOAD2(a, b, M, R) \
  LOAD_SHARED(CASE_W(a) CASE_W(b), CASE_X(a##_wrapped) CASE_X(b##_wrapped), M, R)
#define STORE2(a, b, T, M) \
  STORE_SHARED(CASE_W(a) CASE_W(b), CASE_X(a##_wrapped) CASE_X(b##_wrapped), T, M)
  LOAD2(i32_load, f32_load, uint32_t, uint32_t)
  LOAD2(i64_load, f64_load, uint64_t, uint64_t)
  LOAD(i32_load8_s, int8_t, uint32_t)
  LOAD(i32_load8_u, uint8_t, uint32_t)
  LOAD(i32_load16_s, int16_t, uint32_t)
  LOAD(i32_load16_u, uint16_t, uint32_t)
  LOAD(i64_load8_s, int8_t, uint64_t)
  LOAD(i64_load8_u, uint8_t, uint64_t)
  LOAD(i64_load16_s, int16_t, uint64_t)
  LOAD(i64_load16_u, uint16_t, uint64_t)
  LOAD(i64_load32_s, int32_t, uint64_t)
  LOAD(i64_load32_u, uint32_t, uint64_t)
  STORE_SHARED(CASE_W(i32_store) CASE_W(f32_store) CASE_W(i64_store32),
               CASE_X(i32_store_wrapped) CASE_X(f32_store_wrapped) CASE_X(i64_store32_wrapped),
               uint32_t, uint32_t)
  STORE2(i64_store, f64_store, uint64_t, uint64_t)
  STORE2(i32_store8, i64_store8, uint32_t, uint8_t)
  STORE2(i32_store16, i64_store16, uint32_t, uint16_t)
#undef LOAD2
#undef STORE2

  // ---- i32 ----
  UNARY(i32_eqz, uint32_t, uint32_t, a == 0)
#define PICOWASM_CMP_I32(name, expr) BINARY(i32_##name, uint32_t, uint32_t, expr)
  PICOWASM_INT_COMPARISONS(PICOWASM_CMP_I32)
  UNARY(i32_clz, uint32_t, uint32_t, num::clz(a))
  UNARY(i32_ctz, uint32_t, uint32_t, num::ctz(a))
  UNARY(i32_popcnt, uint32_t, uint32_t, num::popcnt(a))
  BINARY(i32_add, uint32_t, uint32_t, a + b)
  BINARY(i32_sub, uint32_t, uint32_t, a - b)
  BINARY(i32_mul, uint32_t, uint32_t, a * b)
  BINARY_TRAP(i32_div_s, uint32_t, num::div_s)
  BINARY_TRAP(i32_div_u, uint32_t, num::div_u)
  BINARY_TRAP(i32_rem_s, uint32_t, num::rem_s)
  BINARY_TRAP(i32_rem_u, uint32_t, num::rem_u)
  BINARY(i32_and, uint32_t, uint32_t, a & b)
  BINARY(i32_or, uint32_t, uint32_t, a | b)
  BINARY(i32_xor, uint32_t, uint32_t, a ^ b)
  BINARY(i32_shl, uint32_t, uint32_t, num::shl(a, b))
  BINARY(i32_shr_s, uint32_t, uint32_t, num::shr_s(a, b))
  BINARY(i32_shr_u, uint32_t, uint32_t, num::shr_u(a, b))
  BINARY(i32_rotl, uint32_t, uint32_t, num::rotl(a, b))
  BINARY(i32_rotr, uint32_t, uint32_t, num::rotr(a, b))
  UNARY(i32_extend8_s, uint32_t, uint32_t, num::extend8_s(a))
  UNARY(i32_extend16_s, uint32_t, uint32_t, num::extend16_s(a))

  // ---- i64 ----
  UNARY(i64_eqz, uint64_t, uint32_t, a == 0)
#if PICOWASM_COMPUTED_GOTO
  PICOWASM_COLD_I64_COMPARISONS(BINARY)
#endif
  BINARY(i64_add, uint64_t, uint64_t, a + b)
  BINARY(i64_sub, uint64_t, uint64_t, a - b)
  BINARY(i64_mul, uint64_t, uint64_t, a * b)
  BINARY(i64_and, uint64_t, uint64_t, a & b)
  BINARY(i64_or, uint64_t, uint64_t, a | b)
  BINARY(i64_xor, uint64_t, uint64_t, a ^ b)
#if PICOWASM_COMPUTED_GOTO
  PICOWASM_COLD_I64_SHIFTS(BINARY)
#endif
  UNARY(i64_extend8_s, uint64_t, uint64_t, num::extend8_s(a))
  UNARY(i64_extend16_s, uint64_t, uint64_t, num::extend16_s(a))
  UNARY(i64_extend32_s, uint64_t, uint64_t, num::extend32_s(a))

  // ---- f32 ----
#if PICOWASM_COMPUTED_GOTO
  PICOWASM_COLD_F32_COMPARISONS(BINARY)
#endif
  UNARY(f32_abs, float, float, num::abs(a))
  UNARY(f32_neg, float, float, num::neg(a))
  BINARY(f32_add, float, float, a + b)
  BINARY(f32_sub, float, float, a - b)
  BINARY(f32_mul, float, float, a* b)
  BINARY(f32_div, float, float, num::div(a, b))

  // ---- f64 ----
  UNARY(f64_abs, double, double, num::abs(a))
  UNARY(f64_neg, double, double, num::neg(a))
  BINARY(f64_add, double, double, a + b)
  BINARY(f64_sub, double, double, a - b)
  BINARY(f64_mul, double, double, a* b)

  // ---- conversions ----
  UNARY(i32_wrap_i64, uint64_t, uint32_t, num::wrap_i64(a))
  UNARY(i64_extend_i32_s, uint32_t, uint64_t, num::extend_i32_s(a))
  UNARY(i64_extend_i32_u, uint32_t, uint64_t, num::extend_i32_u(a))
  UNARY(i32_reinterpret_f32, uint32_t, uint32_t, a)
  UNARY(i64_reinterpret_f64, uint64_t, uint64_t, a)
  UNARY(f32_reinterpret_i32, uint32_t, uint32_t, a)
  UNARY(f64_reinterpret_i64, uint64_t, uint64_t, a)

  // ---- rare numeric operations (see PICOWASM_COLD_UNARY) ----
#if PICOWASM_COMPUTED_GOTO
  PICOWASM_COLD_UNARY(UNARY)
  PICOWASM_COLD_BINARY(BINARY)
  PICOWASM_COLD_BINARY_TRAP(BINARY_TRAP)
  PICOWASM_COLD_CONVERT_TRAP(CONVERT_TRAP)
#else
#define PICOWASM_COLD_LABEL(id, ...) CASE_W(id)
  PICOWASM_COLD_UNARY(PICOWASM_COLD_LABEL)
  PICOWASM_COLD_CONVERT_TRAP(PICOWASM_COLD_LABEL) {
    NumTrap t = NumTrap::none;
    const uint64_t result = cold_op(*pc, fp[pc[2]], 0, &t);
    if (t != NumTrap::none) TRAP(trap_of(t));
    fp[pc[1]] = result;
    pc += kColdUnaryUnits;
    NEXT();
  }
  PICOWASM_COLD_BINARY(PICOWASM_COLD_LABEL)
  PICOWASM_COLD_I64_COMPARISONS(PICOWASM_COLD_LABEL)
  PICOWASM_COLD_I64_SHIFTS(PICOWASM_COLD_LABEL)
  PICOWASM_COLD_F32_COMPARISONS(PICOWASM_COLD_LABEL)
  PICOWASM_COLD_BINARY_TRAP(PICOWASM_COLD_LABEL) {
    NumTrap t = NumTrap::none;
    const uint64_t result = cold_op(*pc, fp[pc[2]], fp[pc[3]], &t);
    if (t != NumTrap::none) TRAP(trap_of(t));
    fp[pc[1]] = result;
    pc += kColdBinaryUnits;
    NEXT();
  }
#undef PICOWASM_COLD_LABEL
#endif

  // ---- multi-memory: memories other than 0 (looked up per access; memory 0 is cached) ----
#if PICOWASM_FEATURE_MULTI_MEMORY
  CASE_X(memory_size_n) {
    wr<uint32_t>(fp, pc[1], in->memories[read_u32(pc + 2)]->pages);
    pc += 4;
    NEXT();
  }
  CASE_X(memory_grow_n) {
    wr<uint32_t>(fp, pc[1], grow_memory(*in->memories[read_u32(pc + 3)], rd<uint32_t>(fp, pc[2])));
    LOAD_MEMORY();  // the same memory may also be imported as memory 0
    pc += 5;
    NEXT();
  }
  CASE_X(memory_fill_n) {
    MemoryInst* m = in->memories[read_u32(pc + 4)];
    uint32_t d = rd<uint32_t>(fp, pc[1]), n = rd<uint32_t>(fp, pc[3]);
    if (range_oob(d, n, m->size)) TRAP(ErrorCode::trap_memory_oob);
    std::memset(m->data + d, static_cast<int>(rd<uint32_t>(fp, pc[2]) & 0xFF), n);
    pc += 8;
    NEXT();
  }
  CASE_X(memory_copy_n) {
    MemoryInst* dm = in->memories[read_u32(pc + 4)];
    const MemoryInst* sm = in->memories[read_u32(pc + 6)];
    uint32_t d = rd<uint32_t>(fp, pc[1]), s = rd<uint32_t>(fp, pc[2]), n = rd<uint32_t>(fp, pc[3]);
    if (range_oob(d, n, dm->size) || range_oob(s, n, sm->size)) TRAP(ErrorCode::trap_memory_oob);
    std::memmove(dm->data + d, sm->data + s, n);
    pc += 8;
    NEXT();
  }
  CASE_X(memory_init_n) {
    ErrorCode rc = memory_init(*in, in->memories[read_u32(pc + 6)], read_u32(pc + 1),
                               rd<uint32_t>(fp, pc[3]), rd<uint32_t>(fp, pc[4]),
                               rd<uint32_t>(fp, pc[5]));
    if (rc != ErrorCode::ok) TRAP(rc);
    pc += 8;
    NEXT();
  }
#else
  // clang-format off
  CASE_X(memory_size_n) CASE_X(memory_grow_n) CASE_X(memory_fill_n) CASE_X(memory_copy_n)
  CASE_X(memory_init_n)
    TRAP(ErrorCode::trap_unreachable);  // never emitted: multi-memory is compiled out
  // clang-format on
#endif
  // Other memories, and memory 0 at offsets above 16 bits (always compiled in).
  CASE_X(load_n) {
    const uint64_t ea = static_cast<uint64_t>(rd<uint32_t>(fp, pc[2])) + read_u32(pc + 3);
    if (!load_n(*in->memories[read_u32(pc + 5)], ea, pc[7], &fp[pc[1]]))
      TRAP(ErrorCode::trap_memory_oob);
    pc += 8;
    NEXT();
  }
  CASE_X(store_n) {
    const uint64_t ea = static_cast<uint64_t>(rd<uint32_t>(fp, pc[1])) + read_u32(pc + 3);
    if (!store_n(*in->memories[read_u32(pc + 5)], ea, pc[7], fp[pc[2]]))
      TRAP(ErrorCode::trap_memory_oob);
    pc += 8;
    NEXT();
  }

  // ---- wasm opcodes the translator never emits as themselves ----
  CASE_W(unreachable)
  CASE_W(nop)
  CASE_W(block)
  CASE_W(loop)
  CASE_W(if_)
  CASE_W(else_)
  CASE_W(end)
  CASE_W(br)
  // clang-format off
  CASE_W(br_if) CASE_W(br_table) CASE_W(return_) CASE_W(call) CASE_W(call_indirect)
  CASE_W(return_call) CASE_W(return_call_indirect) CASE_W(drop)
  CASE_W(select) CASE_W(select_t) CASE_W(local_get) CASE_W(local_set) CASE_W(local_tee)
  CASE_W(global_get) CASE_W(global_set) CASE_W(table_get) CASE_W(table_set) CASE_W(memory_size)
  CASE_W(memory_grow) CASE_W(i32_const) CASE_W(i64_const) CASE_W(f32_const) CASE_W(f64_const)
  CASE_W(ref_null) CASE_W(ref_is_null) CASE_W(ref_func) CASE_W(memory_init) CASE_W(data_drop)
  CASE_W(memory_copy) CASE_W(memory_fill) CASE_W(table_init) CASE_W(elem_drop) CASE_W(table_copy)
  CASE_W(table_grow) CASE_W(table_size) CASE_W(table_fill)
#if !PICOWASM_FEATURE_FUSED_FORMS || !PICOWASM_FEATURE_BULK_MEMORY || \
    !PICOWASM_FEATURE_REFERENCE_TYPES
  never_emitted:
#endif
    TRAP(ErrorCode::trap_unreachable);  // unreachable by construction
  // clang-format on

#if !PICOWASM_COMPUTED_GOTO
  // Code holds only the operations above (translated here, or a pretranslated image bound to
  // this engine build and trusted like computed goto trusts it), so the default is unreachable
  // and the never-emitted wasm operations (0 to 24) keep their own entries: the jump table starts
  // at 0 and its bounds check needs no subtraction. A padding entry makes the table's last index
  // even: Thumb-2 compares with an even immediate from 256 to 510 in one instruction, not with
  // an odd one (Cortex-M4 -Os: one instruction less per dispatch, benchmark 11.70 -> 11.01).
  case kSwitchPaddingOp: TRAP(ErrorCode::trap_unreachable);
  default: __builtin_unreachable();
}
#endif

// A safe point found its 32-bit fuel count used up or an interrupt requested, before its
// instruction changed anything: refill from the reserve and run the instruction again, or pause.
#if PICOWASM_SAFE_POINTS
safe_point_slow : if (fuel_now == 0 && fuel_reserve != 0) {
  fuel_now = fuel_reserve > kFuelChunk ? kFuelChunk : static_cast<uint32_t>(fuel_reserve);
  fuel_reserve -= fuel_now;
  NEXT();
}
pause = fuel_now == 0 ? PauseReason::out_of_fuel : PauseReason::interrupted;
goto on_pause;
#endif
#if !PICOWASM_COMPUTED_GOTO
}
#endif

on_return : result.status = CallStatus::ok;
result.fuel_used = fuel_at_start - (fuel_reserve + fuel_now);
return result;

on_pause : if (pause == PauseReason::interrupted) entry.interrupt_requested = 0;
entry.paused = true;
entry.paused_call =
    PausedCall{pc, fp, frame, in, entry.paused_call.num_results, entry.paused_call.type};
result.status = CallStatus::paused;
result.pause = pause;
result.fuel_used = fuel_at_start - (fuel_reserve + fuel_now);
return result;

on_trap : record_trap(entry, trap, trap_message, in, pc, frame, start.fp);
result.status = CallStatus::trap;
result.error.code = trap;
result.error.function = function_index(in, function_at(in, pc));
result.error.offset = entry.trap_num_frames > 0 ? entry.trap_frames[0].module_offset : 0;
result.fuel_used = fuel_at_start - (fuel_reserve + fuel_now);
return result;

#undef LOAD_MEMORY
#undef TRAP
#undef SAFE_POINT
#undef JUMP
#undef JUMP_NOW
#undef CALL_HOST
#undef ENTER
#undef INDIRECT_CALLEE
#undef CASE_W
#undef CASE_X
#undef NEXT
#undef PICOWASM_KEEP_STATE
#undef UNARY
#undef BINARY
#undef BINARY_TRAP
#undef CONVERT_TRAP
#undef LOAD
#undef STORE
#undef LOAD_SHARED
#undef STORE_SHARED
#undef LOAD_AT
#undef STORE_AT
#undef EA_BASE
#undef EA_STORE_BASE
#undef EA_WRAPPED
#undef EA_STORE_WRAPPED
#undef BINARY_IMM32
#undef BINARY_IMM16
#undef BINARY_IMM64
#undef BRANCH_CMP
#undef BRANCH_CMP_IMM
#undef PICOWASM_BR_CMP
#undef PICOWASM_BR_CMP_IMM
#undef PICOWASM_CMP_IMM
#undef PICOWASM_CMP_I32
#undef PICOWASM_ARITH_IMM16
#undef PICOWASM_ARITH_IMM32
}

}  // namespace

namespace {

// Copies a call's results out of the value stack. Slots holding i32/f32 carry only 32 meaningful
// bits in the interpreter; the host gets them zero-extended.
void copy_results(uint64_t* out, const uint64_t* in, const FuncType& type) {
  for (uint32_t i = 0; i < type.num_results; ++i) {
    const ValType t = type.results[i];
    out[i] = (t == ValType::i32 || t == ValType::f32) ? static_cast<uint32_t>(in[i]) : in[i];
  }
}

// Prepares a call of wasm function `func` whose arguments are in fp[0..params), with a sentinel
// call frame at `frame` (returning to the host).
bool enter_call(Instance& entry, FuncInst* func, uint64_t* fp, CallFrame* frame,
                PausedCall* state) {
  const CompiledFunc* cf = func->code;
  if (frame >= entry.frames + entry.max_frames || fp + cf->frame_slots > entry.stack_end)
    return false;
  *frame = host_return_frame();
  init_frame(fp, *cf);
  *state = PausedCall{cf->code, fp, frame + 1, func->instance, func->type->num_results, func->type};
  return true;
}

// A call into an instance that is already running (from one of its host functions): it runs on
// the free part of the stacks above the suspended caller, in a nested run(). It cannot stay
// paused, since the caller's state lives on the native stack: a pause is reported and abandoned.
CallResult nested_call(Instance& instance, FuncInst* func, uint64_t* slots, uint64_t fuel) {
  CallResult r;
  r.status = CallStatus::trap;
  r.error.code = ErrorCode::call_stack_exhausted;
  if (instance.nesting >= instance.host_call_depth) return r;
  const FuncType& type = *func->type;
  uint64_t* base = instance.nested_stack;
  CallFrame* frame_base = instance.nested_frame;
  if (!base || static_cast<size_t>(instance.stack_end - base) < host_frame_slots(type)) return r;
  std::memcpy(base, slots, sizeof(uint64_t) * type.num_params);
  PausedCall state;
  if (!enter_call(instance, func, base, frame_base, &state)) return r;
  ++instance.nesting;
  const PausedCall saved = instance.paused_call;
  r = run(instance, state, fuel);
  instance.paused_call = saved;
  instance.paused = false;
  instance.nested_stack = base;  // the nested run published higher regions for its own callees
  instance.nested_frame = frame_base;
  --instance.nesting;
  if (r.status == CallStatus::ok) copy_results(slots, base, type);
  return r;
}

CallResult failed(ErrorCode code) {
  CallResult r;
  r.status = CallStatus::trap;
  r.error.code = code;
  return r;
}

// Runs `state` and settles the instance: results copied out on return, trap report kept on trap.
CallResult finish(Instance& instance, const PausedCall& state, uint64_t* slots, uint64_t fuel) {
  instance.yield_results = nullptr;  // a yield's results can be replaced only until it resumes
  instance.running = true;
  instance.paused = false;
  instance.paused_call.num_results = state.num_results;  // kept across pauses
  instance.paused_call.type = state.type;
  CallResult r = run(instance, state, fuel);
  instance.running = false;
  if (r.status == CallStatus::ok) {
    copy_results(slots, instance.stack, *state.type);
  }
  return r;
}

}  // namespace

namespace {

// call() without the start-state check (start() uses it for the start function).
CallResult begin_call(Instance& instance, FuncInst* func, uint64_t* slots, uint64_t fuel) {
  instance.trap_code = ErrorCode::ok;
  instance.trap_message = nullptr;
  instance.trap_num_frames = instance.trap_total_frames = 0;
  const FuncType& type = *func->type;
  if (func->host) {
    // Called directly from the host there is nothing after it to pause, so a yield is a return.
    HostCall host{&instance, func->host_user, func->host_data, slots};
    ErrorCode rc = func->host(host);
    if (rc == ErrorCode::ok || rc == ErrorCode::host_yield) return CallResult{};
    instance.trap_code = rc;
    instance.trap_message = host.trap_message;
    return failed(rc);
  }
  const uint32_t in_count = type.num_params;
  const uint32_t out_count = type.num_results;
  if (static_cast<size_t>(instance.stack_end - instance.stack) <
      (in_count > out_count ? in_count : out_count)) {
    return failed(ErrorCode::call_stack_exhausted);
  }
  if (in_count) std::memcpy(instance.stack, slots, sizeof(uint64_t) * in_count);
  PausedCall state;
  if (!enter_call(instance, func, instance.stack, instance.frames, &state))
    return failed(ErrorCode::call_stack_exhausted);
  return finish(instance, state, slots, fuel);
}

// While the start function runs (begun or resumed), its outcome decides the instance's state.
CallResult settle_start(Instance& instance, const CallResult& r) {
  if (r.status == CallStatus::ok) instance.start_state = StartState::ready;
  if (r.status == CallStatus::trap) instance.start_state = StartState::failed;
  return r;
}

}  // namespace

CallResult call(Instance& instance, FuncInst* func, uint64_t* slots, uint64_t fuel) {
  if (!func || !slots) return failed(ErrorCode::bad_argument);
  if (instance.running) {
    // Called back from one of the instance's host functions (possibly during its start function).
    if (func->host) return failed(ErrorCode::bad_argument);
    return nested_call(instance, func, slots, fuel);
  }
  if (instance.start_state == StartState::pending) return failed(ErrorCode::start_pending);
  if (instance.start_state == StartState::failed) return failed(ErrorCode::instance_failed);
  if (instance.paused) return failed(ErrorCode::bad_argument);
  return begin_call(instance, func, slots, fuel);
}

CallResult start(Instance& instance, uint64_t fuel) {
  if (instance.start_state == StartState::ready) return CallResult{};
  if (instance.start_state == StartState::failed) return failed(ErrorCode::instance_failed);
  // A start function that paused is continued with resume().
  if (instance.paused || instance.running) return failed(ErrorCode::bad_argument);
  uint64_t no_values[1] = {0};  // the start function takes and returns nothing
  return settle_start(
      instance, begin_call(instance, instance.funcs[instance.module->start], no_values, fuel));
}

CallResult resume(Instance& instance, uint64_t* slots, uint64_t fuel) {
  if (!instance.paused || instance.running) return failed(ErrorCode::bad_argument);
  uint64_t no_values[1];
  if (!slots) {
    if (instance.paused_call.type->num_results != 0) return failed(ErrorCode::bad_argument);
    slots = no_values;
  }
  const PausedCall state = instance.paused_call;
  const CallResult r = finish(instance, state, slots, fuel);
  // call() is refused while the start function is pending, so a paused call then is the start.
  return instance.start_state == StartState::pending ? settle_start(instance, r) : r;
}

void abandon(Instance& instance) {
  if (instance.paused && instance.start_state == StartState::pending) {
    instance.start_state = StartState::failed;
  }
  instance.paused = false;
}

bool set_yield_results(Instance& instance, const uint64_t* values, uint32_t count) {
  if (!instance.paused || !instance.yield_results || !instance.yield_type) return false;
  if (count != instance.yield_type->num_results || (count && !values)) return false;
  for (uint32_t i = 0; i < count; ++i) instance.yield_results[i] = values[i];
  return true;
}

bool is_paused(const Instance& instance) {
  return instance.paused;
}

void interrupt(Instance& instance) {
  instance.interrupt_requested = 1;
}

TrapReport trap_report(const Instance& instance) {
  TrapReport report;
  report.code = instance.trap_code;
  report.host_message = instance.trap_message;
  report.num_frames = instance.trap_num_frames;
  report.total_frames = instance.trap_total_frames;
  report.frames = instance.trap_frames;
  return report;
}

Error invoke(Instance& instance, FuncInst* func, uint64_t* slots) {
  // invoke() cannot report a pause, so interrupts and host yields just continue the call.
  CallResult r = call(instance, func, slots, kUnlimitedFuel);
  while (r.status == CallStatus::paused) r = resume(instance, slots, kUnlimitedFuel);
  return r.error;
}

Error invoke_start(Instance& instance) {
  CallResult r = start(instance, kUnlimitedFuel);
  while (r.status == CallStatus::paused) r = resume(instance, nullptr, kUnlimitedFuel);
  return r.error;
}

}  // namespace picowasm
