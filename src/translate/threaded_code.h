// The threaded-code format shared by the translator (writer) and the interpreter (reader).
//
// Execution model: a register machine over 8-byte frame slots. A function's frame is
//   [params][declared locals][loop constants][operand-stack positions]
// and every wasm operand-stack position h has a fixed home slot (params + locals + constants + h).
// Instructions name their operands by slot, so `local.get a; local.get b; i32.add; local.set c`
// becomes the single instruction `i32.add c, a, b`. A callee's frame starts at the home slot of its
// first argument, so arguments are passed without copying and results come back in the same slots.
//
// Code is a stream of 16-bit units (compact on both 32- and 64-bit targets): one unit for the
// operation, then its operands. Slot operands, 16-bit immediates and memory offsets are one unit;
// 32-bit immediates and branch offsets are two units, 64-bit immediates four, all little-endian and
// read with memcpy (units are only 2-byte aligned). Branch offsets are signed and relative to the
// start of the branching instruction.
#ifndef PICOWASM_TRANSLATE_THREADED_CODE_H
#define PICOWASM_TRANSLATE_THREADED_CODE_H

#include <cstdint>
#include <cstring>

#include "common/opcodes.h"
#include "picowasm/module.h"

namespace picowasm {

using CodeUnit = uint16_t;
using Slot = uint16_t;  // frame slot index; frames are limited to 65535 slots

// Operations that exist only in threaded code. Wasm numeric, load and store instructions are
// emitted as themselves (see CodeOp) with slot operands:
//   unary  (p0 only):  op dst, src
//   binary (p0, p1):   op dst, a, b
//   load:              op dst, addr, offset16
//   store:             op addr, value, offset16
// (an offset above 65535 takes the long form load_n/store_n with memory 0).
// Each line: identifier, operand layout (S = slot, I = 32-bit immediate, L = 64-bit immediate,
// B = branch offset, N = 16-bit count, T = table of N+1 branch offsets, F = 32-bit index,
// O = 16-bit wasm operation number, H = 16-bit immediate, sign-extended to 32 bits, U = 16-bit
// unsigned immediate: a memory offset).
#define PICOWASM_XOPS(X)                                                                \
  X(trap_unreachable, "")  /* trap: unreachable executed */                             \
  X(copy, "SS")            /* dst <- src (8 bytes) */                                   \
  X(const32, "SI")         /* dst <- imm32 (upper half zeroed) */                       \
  X(const16, "SH")         /* dst <- sign-extended imm16 as i32 (upper half zeroed) */  \
  X(const64, "SL")         /* dst <- imm64 */                                           \
  X(const0, "S")           /* dst <- 0 (any type: a third of the suite's constants) */  \
  X(br, "B")               /* pc += offset */                                           \
  X(br_if, "SB")           /* if (i32 s != 0) pc += offset */                           \
  X(br_unless, "SB")       /* if (i32 s == 0) pc += offset */                           \
  X(br_table, "SNT")       /* index s: take entry min(s, N) */                          \
  X(ret, "")               /* return; results are already in slots 0..n-1 */            \
  X(ret_copy, "S")         /* slot 0 <- s, then return (single result) */               \
  X(call_defined, "FS")    /* call the module's own function F (index among defined) */ \
  X(call, "FS")            /* call function F with the frame at slot S */               \
  X(call_indirect, "FFSS") /* type F, table F, index slot, frame slot */                \
  X(select, "SSSS")        /* dst <- cond ? a : b */                                    \
  X(global_get, "SF")      /* dst <- global F */                                        \
  X(global_set, "FS")      /* global F <- src */                                        \
  X(memory_size, "S")      /* dst <- pages */                                           \
  X(memory_grow, "SS")     /* dst <- grow(src) */                                       \
  X(memory_fill, "SSS")    /* dst, value, len */                                        \
  X(memory_copy, "SSS")    /* dst, src, len */                                          \
  X(memory_init, "FSSS")   /* data F: dst, src, len */                                  \
  X(data_drop, "F")                                                                     \
  X(table_get, "SFS") /* dst <- table F [index] */                                      \
  X(table_set, "FSS") /* table F [index] <- ref */                                      \
  X(table_size, "SF")                                                                   \
  X(table_grow, "SFSS")  /* dst <- grow table F by n with init ref */                   \
  X(table_fill, "FSSS")  /* table F: index, ref, n */                                   \
  X(table_copy, "FFSSS") /* dst table, src table: d, s, n */                            \
  X(table_init, "FFSSS") /* table, elem: d, s, n */                                     \
  X(elem_drop, "F")                                                                     \
  X(ref_func, "SF") /* dst <- reference to function F */                                \
  X(ref_is_null, "SS")                                                                  \
  X(i32_add_imm, "SSH") /* dst <- a + imm */                                            \
  X(i32_inc, "SH")      /* s <- s + imm (local.set s of s + imm: in place) */           \
  X(i32_sub_imm, "SSH")                                                                 \
  X(i32_and_imm, "SSH")                                                                 \
  X(i32_or_imm, "SSH")                                                                  \
  X(i32_xor_imm, "SSH")                                                                 \
  X(i32_shl_imm, "SSH")                                                                 \
  X(i32_shr_s_imm, "SSH")                                                               \
  X(i32_shr_u_imm, "SSH")                                                               \
  X(i32_mul_imm, "SSH")                                                                 \
  X(i32_eq_imm, "SSH")                                                                  \
  X(i32_ne_imm, "SSH")                                                                  \
  X(i32_lt_s_imm, "SSH")                                                                \
  X(i32_lt_u_imm, "SSH")                                                                \
  X(i32_gt_s_imm, "SSH")                                                                \
  X(i32_gt_u_imm, "SSH")                                                                \
  X(i32_le_s_imm, "SSH")                                                                \
  X(i32_le_u_imm, "SSH")                                                                \
  X(i32_ge_s_imm, "SSH")                                                                \
  X(i32_ge_u_imm, "SSH")                                                                \
  X(i32_rotl_imm, "SSH")                                                                \
  X(i32_rotr_imm, "SSH")                                                                \
  /* the same with a constant that needs 32 bits */                                     \
  X(i32_add_imm32, "SSI")                                                               \
  X(i32_sub_imm32, "SSI")                                                               \
  X(i32_and_imm32, "SSI")                                                               \
  X(i32_or_imm32, "SSI")                                                                \
  X(i32_xor_imm32, "SSI")                                                               \
  X(i32_mul_imm32, "SSI")                                                               \
  X(br_eq, "SSB") /* if (a == b) pc += offset (i32) */                                  \
  X(br_ne, "SSB")                                                                       \
  X(br_lt_s, "SSB")                                                                     \
  X(br_lt_u, "SSB")                                                                     \
  X(br_gt_s, "SSB")                                                                     \
  X(br_gt_u, "SSB")                                                                     \
  X(br_le_s, "SSB")                                                                     \
  X(br_le_u, "SSB")                                                                     \
  X(br_ge_s, "SSB")                                                                     \
  X(br_ge_u, "SSB")                                                                     \
  X(br_eq_imm, "SHB") /* if (a == imm) pc += offset (i32) */                            \
  X(br_ne_imm, "SHB")                                                                   \
  X(br_lt_s_imm, "SHB")                                                                 \
  X(br_lt_u_imm, "SHB")                                                                 \
  X(br_gt_s_imm, "SHB")                                                                 \
  X(br_gt_u_imm, "SHB")                                                                 \
  X(br_le_s_imm, "SHB")                                                                 \
  X(br_le_u_imm, "SHB")                                                                 \
  X(br_ge_s_imm, "SHB")                                                                 \
  X(br_ge_u_imm, "SHB")                                                                 \
  /* loads/stores at u32(base + imm): a wrapping add fused into the access */           \
  X(i32_load_wrapped, "SSI")                                                            \
  X(i64_load_wrapped, "SSI")                                                            \
  X(f32_load_wrapped, "SSI")                                                            \
  X(f64_load_wrapped, "SSI")                                                            \
  X(i32_load8_s_wrapped, "SSI")                                                         \
  X(i32_load8_u_wrapped, "SSI")                                                         \
  X(i32_load16_s_wrapped, "SSI")                                                        \
  X(i32_load16_u_wrapped, "SSI")                                                        \
  X(i64_load8_s_wrapped, "SSI")                                                         \
  X(i64_load8_u_wrapped, "SSI")                                                         \
  X(i64_load16_s_wrapped, "SSI")                                                        \
  X(i64_load16_u_wrapped, "SSI")                                                        \
  X(i64_load32_s_wrapped, "SSI")                                                        \
  X(i64_load32_u_wrapped, "SSI")                                                        \
  X(i32_store_wrapped, "SSI")                                                           \
  X(i64_store_wrapped, "SSI")                                                           \
  X(f32_store_wrapped, "SSI")                                                           \
  X(f64_store_wrapped, "SSI")                                                           \
  X(i32_store8_wrapped, "SSI")                                                          \
  X(i32_store16_wrapped, "SSI")                                                         \
  X(i64_store8_wrapped, "SSI")                                                          \
  X(i64_store16_wrapped, "SSI")                                                         \
  X(i64_store32_wrapped, "SSI")                                                         \
  X(i64_add_imm, "SSL")                                                                 \
  X(i64_sub_imm, "SSL")                                                                 \
  X(i64_and_imm, "SSL")                                                                 \
  X(i64_shl_imm, "SSL")                                                                 \
  X(i64_shr_u_imm, "SSL")                                                               \
  /* fused forms chosen from profiles; addresses u32(base + imm) like *_wrapped */      \
  X(i32_mul_load8_s_pair, "SSISI") /* dst <- load8_s(a + imm) * load8_s(b + imm) */     \
  X(i32_add_load, "SSSI")          /* dst <- a + i32.load(base + imm) */                \
  X(f64_add_load, "SSSI")          /* dst <- a + f64.load(base + imm) */                \
  X(f64_mul_load, "SSSI")          /* dst <- a * f64.load(base + imm) */                \
  X(i32_xor_imm_if, "SSISI")       /* dst <- (c & mask) ? x ^ imm : x */                \
  X(i32_xor_rotl_imm, "SSSH")      /* dst <- a ^ rotl(x, imm) */                        \
  X(i32_mac_load8_s_pair, "SSISI") /* dst += load8_s(a + imm) * load8_s(b + imm) */     \
  X(f64_mul_add_store, "SSISI")    /* [c + imm] <- x * f64.load(b + imm) + [c + imm] */ \
  /* tail calls, each followed by `ret`: the arguments at slot S move to slot 0 */      \
  X(return_call, "FS")            /* function F of the instance */                      \
  X(return_call_indirect, "FFSS") /* type F, table F, index slot */                     \
  /* multi-memory: memory F other than 0 (memory 0 keeps the operations above) */       \
  X(memory_size_n, "SF")    /* dst <- pages of memory F */                              \
  X(memory_grow_n, "SSF")   /* dst <- grow memory F by src */                           \
  X(memory_fill_n, "SSSFF") /* dst, value, len; memory F (second F unused) */           \
  X(memory_copy_n, "SSSFF") /* dst, src, len; dst memory F, src memory F */             \
  X(memory_init_n, "FSSSF") /* data F: dst, src, len; memory F */                       \
  /* also the long form of memory 0's accesses whose offset exceeds 16 bits */          \
  X(load_n, "SSIFO")  /* dst <- memory F [addr + offset]; O = wasm load */              \
  X(store_n, "SSIFO") /* memory F [addr + offset] <- value; O = wasm store */

// The *_wrapped operations follow the wasm loads and stores in the same order.
constexpr uint16_t kNumWrappedMemOps = 23;
// i32_mul_load8_s_pair: the unit of its second base slot, where a trap of the second load points.
constexpr uint32_t kSecondLoadUnit = 5;
// f64_mul_add_store (x, b, imm, c, imm) replaces f64_mul_load (6 units) followed by f64_add_load:
// a trap of its second load points at unit 6, which the f64_add_load took, so the trap report
// names the same wasm instruction as before the fusion.
constexpr uint32_t kMulAddSecondLoadUnit = 6;

// Threaded-code operation numbers are dense, so handler tables have no holes: first every wasm
// opcode in the order of the opcode lists (only the numeric/load/store ones are ever emitted), then
// the extra operations above. The numbering is private to one build (code is never stored).
enum class CodeOp : uint16_t {
#define PICOWASM_CODEOP_ENUM(id, text, code, imm, p0, p1, r) id,
  PICOWASM_OPCODES(PICOWASM_CODEOP_ENUM) PICOWASM_FC_OPCODES(PICOWASM_CODEOP_ENUM)
#undef PICOWASM_CODEOP_ENUM
      first_extra_
};
constexpr uint16_t kFirstXOp = static_cast<uint16_t>(CodeOp::first_extra_);
constexpr uint16_t kFirstFCCodeOp = static_cast<uint16_t>(CodeOp::i32_trunc_sat_f32_s);

enum class XOp : uint16_t {
  first_ = kFirstXOp - 1,
#define PICOWASM_XOP_ENUM(id, layout) id,
  PICOWASM_XOPS(PICOWASM_XOP_ENUM)
#undef PICOWASM_XOP_ENUM
      count_
};
constexpr uint16_t kNumCodeOps = static_cast<uint16_t>(XOp::count_);
constexpr uint16_t kFirstWrappedMemOp = static_cast<uint16_t>(XOp::i32_load_wrapped);
static_assert(static_cast<uint16_t>(XOp::i64_store32_wrapped) - kFirstWrappedMemOp + 1 ==
                  kNumWrappedMemOps,
              "wrapped memory operations must stay contiguous");
static_assert(static_cast<uint16_t>(CodeOp::i64_store32) - static_cast<uint16_t>(CodeOp::i32_load) +
                      1 ==
                  kNumWrappedMemOps,
              "wasm loads and stores must stay contiguous");

// Maps a wasm opcode to its threaded-code operation number.
struct OpToCodeTable {
  uint16_t single[256];
};
constexpr OpToCodeTable make_op_to_code() {
  OpToCodeTable t{};
  uint16_t next = 0;
#define PICOWASM_OP_TO_CODE(id, text, code, imm, p0, p1, r) t.single[code] = next++;
  PICOWASM_OPCODES(PICOWASM_OP_TO_CODE)
#undef PICOWASM_OP_TO_CODE
  return t;
}
constexpr OpToCodeTable kOpToCode = make_op_to_code();

inline constexpr CodeUnit code_op(Op op) {
  return static_cast<uint16_t>(op) >= 0x100
             ? static_cast<CodeUnit>(kFirstFCCodeOp + (static_cast<uint16_t>(op) - 0x100))
             : kOpToCode.single[static_cast<uint16_t>(op)];
}
inline constexpr CodeUnit code_op(XOp op) {
  return static_cast<CodeUnit>(op);
}

// Operand layout of every threaded-code operation (see the letters above), indexed by CodeOp. Wasm
// operations emitted as themselves: loads/stores "SSU", binary "SSS", unary "SS".
constexpr const char* wasm_op_layout(Imm imm, uint8_t param1) {
  return imm == Imm::memarg ? "SSU" : (param1 != kT_ ? "SSS" : "SS");
}
#define PICOWASM_LAYOUT_T__ kT_
#define PICOWASM_LAYOUT_T_I kTI
#define PICOWASM_LAYOUT_T_L kTL
#define PICOWASM_LAYOUT_T_F kTF
#define PICOWASM_LAYOUT_T_D kTD
constexpr const char* kCodeOpLayout[kNumCodeOps] = {
#define PICOWASM_LAYOUT_W(id, text, code, imm, p0, p1, r) \
  wasm_op_layout(Imm::imm, PICOWASM_LAYOUT_T_##p1),
    PICOWASM_OPCODES(PICOWASM_LAYOUT_W) PICOWASM_FC_OPCODES(PICOWASM_LAYOUT_W)
#undef PICOWASM_LAYOUT_W
#define PICOWASM_LAYOUT_X(id, layout) layout,
        PICOWASM_XOPS(PICOWASM_LAYOUT_X)
#undef PICOWASM_LAYOUT_X
};

// Size and slot operands of every operation, derived from kCodeOpLayout at compile time: the one
// description from which the translator sizes what it emits, the interpreter skips operands, the
// translator relocates slots and the disassembler and snapshots walk instructions.
struct CodeOpShape {
  uint8_t units;       // code units, the operation unit included (br_table: without its table)
  uint8_t slot_mask;   // bit i set: unit i is a frame slot
  uint8_t count_unit;  // unit holding the entry count N of a table (T), or 0
};
constexpr CodeOpShape code_op_shape_of(const char* layout) {
  CodeOpShape s{1, 0, 0};
  for (const char* k = layout; *k; ++k) {
    switch (*k) {
      case 'S':
        s.slot_mask = static_cast<uint8_t>(s.slot_mask | (1u << s.units));
        s.units += 1;
        break;
      case 'N':
        s.count_unit = s.units;
        s.units += 1;
        break;
      case 'O':
      case 'H':
      case 'U': s.units += 1; break;
      case 'I':
      case 'F':
      case 'B': s.units += 2; break;
      case 'L': s.units += 4; break;
      default: break;  // 'T': sized by the count
    }
  }
  return s;
}
struct CodeOpShapes {
  CodeOpShape of[kNumCodeOps];
};
constexpr CodeOpShapes make_code_op_shapes() {
  CodeOpShapes t{};
  for (uint16_t op = 0; op < kNumCodeOps; ++op) t.of[op] = code_op_shape_of(kCodeOpLayout[op]);
  return t;
}
constexpr CodeOpShapes kCodeOpShapes = make_code_op_shapes();
static_assert(kCodeOpShapes.of[static_cast<uint16_t>(XOp::i64_add_imm)].units == 7 &&
                  kCodeOpShapes.of[static_cast<uint16_t>(XOp::load_n)].slot_mask == 0x06,
              "operand shapes follow the layout letters");

// Code units of an operation with a fixed size (every one but br_table).
constexpr uint32_t code_units(CodeUnit op) {
  return kCodeOpShapes.of[op].units;
}
constexpr uint32_t code_units(XOp op) {
  return code_units(static_cast<CodeUnit>(op));
}

// Memory 0's loads and stores take one size: operation, two slots and a 16-bit offset (at most
// kMaxShortMemOffset); the *_wrapped ones a 32-bit immediate instead.
constexpr uint32_t kMemAccessUnits = 4;
constexpr uint32_t kWrappedAccessUnits = 5;
constexpr uint32_t kMaxShortMemOffset = 0xFFFF;
constexpr bool mem_access_units_agree() {
  for (uint16_t i = 0; i < kNumWrappedMemOps; ++i)
    if (code_units(static_cast<CodeUnit>(code_op(Op::i32_load) + i)) != kMemAccessUnits ||
        code_units(static_cast<CodeUnit>(kFirstWrappedMemOp + i)) != kWrappedAccessUnits)
      return false;
  return true;
}
static_assert(mem_access_units_agree(), "loads and stores share kMemAccessUnits");

// Number of code units taken by the instruction at `pc` (including its operation unit).
inline uint32_t instruction_units(const CodeUnit* pc) {
  const CodeOpShape& s = kCodeOpShapes.of[*pc];
  return s.units + (s.count_unit ? 2u * (pc[s.count_unit] + 1u) : 0u);
}

// Little-endian immediates in the code stream, only 2-byte aligned. Where the core has unaligned
// word loads (Cortex-M3/M4/M7/M33, x86, ...) memcpy becomes one load. ARMv6-M (Cortex-M0) has
// none, and GCC 12 calls newlib's byte-wise memcpy for it instead: there, two aligned halfword
// loads per word (docs/interpreter.md has the figures).
#if defined(__arm__) && !defined(__ARM_FEATURE_UNALIGNED)
#define PICOWASM_CODE_HALFWORD_READS 1
#else
#define PICOWASM_CODE_HALFWORD_READS 0
#endif
inline uint32_t read_u32(const CodeUnit* p) {
#if PICOWASM_CODE_HALFWORD_READS
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 16);
#else
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
#endif
}
// A 16-bit immediate ('H'), sign-extended to 32 bits.
inline uint32_t imm16(const CodeUnit* p) {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(*p)));
}
inline uint64_t read_u64(const CodeUnit* p) {
#if PICOWASM_CODE_HALFWORD_READS
  return static_cast<uint64_t>(read_u32(p)) | (static_cast<uint64_t>(read_u32(p + 2)) << 32);
#else
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
#endif
}

// One translated function.
struct CompiledFunc {
  const CodeUnit* code = nullptr;  // entry point
  uint32_t code_units = 0;
  uint32_t frame_slots = 0;  // params + locals + max operand height + constants
  // Constants used inside loops live in frame slots [const_slot, const_slot + num_consts), right
  // after the locals, copied from `consts` on entry, so a loop reads them like locals instead of
  // re-creating them on every iteration.
  const uint64_t* consts = nullptr;
  uint32_t num_consts = 0;
  uint32_t const_slot = 0;
  uint32_t num_params = 0;
  uint32_t num_locals = 0;  // declared locals (zeroed on entry)
  uint32_t num_results = 0;
};

// The translated form of a validated module; read-only after translation, shareable by instances.
struct CompiledModule {
  const Module* module = nullptr;
  const CompiledFunc* funcs = nullptr;  // one per *defined* function (index - imported functions)
  uint32_t num_funcs = 0;
  uint32_t code_bytes = 0;  // total size of all threaded code
};

// The defined function whose code holds `pc`, or null: functions are translated in index order
// into one contiguous block, so a binary search finds it (trap reports, snapshots).
inline const CompiledFunc* code_owner(const CompiledModule& c, const CodeUnit* pc) {
  uint32_t lo = 0, hi = c.num_funcs;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (pc < c.funcs[mid].code) {
      hi = mid;
    } else if (pc >= c.funcs[mid].code + c.funcs[mid].code_units) {
      lo = mid + 1;
    } else {
      return &c.funcs[mid];
    }
  }
  return nullptr;
}

}  // namespace picowasm

#endif  // PICOWASM_TRANSLATE_THREADED_CODE_H
