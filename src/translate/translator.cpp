// Translator: one pass over each validated function body, emitting register-style threaded code.
//
// The translator mirrors the wasm operand stack at compile time. Each entry records where its value
// is: in its home slot (a temporary, possibly a constant whose instruction may still be folded into
// an immediate operand), or still in a local (a deferred `local.get`, so no copy is emitted unless
// the local changes or control flow merges). Types are not needed: slots are 8 bytes wide and the
// opcode says how to read them, and the module is already validated.
//
// Invariants that keep this simple and correct:
//  - At every label (block/if end, loop start, else) and at every control-structure entry, all
//    deferred entries are materialized and no instruction may be rewritten across it ("sealed").
//  - A value moved to a branch target is copied in ascending slot order; destinations never sit
//    above their sources, so copies never clobber a pending source (see move_top()).
#include "translate/translator.h"

#include "common/make_error.h"
#include "decode/instr.h"
#include "decode/reader.h"
#include "picowasm/config.h"

namespace picowasm {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

// A cursor over a function body that passed validation: every encoding in it is known to be well
// formed, so the translator reads opcodes and immediates without Reader's bounds, length and range
// checks (they were checked once already). The rare immediates with structure (block types,
// skipped ones) still go through the decoder's Reader (decode()).
class Body {
 public:
  Body(const uint8_t* origin, const uint8_t* pos, const uint8_t* end)
      : origin_(origin), pos_(pos), end_(end) {}
  bool at_end() const { return pos_ >= end_; }
  void stop() { end_ = pos_; }  // nothing more to read: the translation loop ends
  const uint8_t* pos() const { return pos_; }
  uint32_t offset() const { return static_cast<uint32_t>(pos_ - origin_); }
  uint8_t byte() { return *pos_++; }
  uint8_t peek() const { return *pos_; }  // a validated body ends with `end`: never past it
  void u32(uint32_t* out) {
    uint32_t b = *pos_++;
    if (b < 0x80) {  // most indices and depths take one byte
      *out = b;
      return;
    }
    uint32_t v = b & 0x7F;
    for (unsigned shift = 7;; shift += 7) {
      b = *pos_++;
      v |= (b & 0x7F) << shift;
      if (b < 0x80) break;
    }
    *out = v;
  }
  void s32(int32_t* out) {
    // Most constants take one or two bytes: sign-extended from bit 6 or 13 without the loop.
    const uint32_t b0 = pos_[0];
    if (b0 < 0x80) {
      ++pos_;
      *out = static_cast<int32_t>(b0 ^ 0x40) - 0x40;
      return;
    }
    const uint32_t b1 = pos_[1];
    if (b1 < 0x80) {
      pos_ += 2;
      *out = static_cast<int32_t>(((b0 & 0x7F) | b1 << 7) ^ 0x2000) - 0x2000;
      return;
    }
    *out = static_cast<int32_t>(sleb<uint32_t>());
  }
  void s64(int64_t* out) { *out = static_cast<int64_t>(sleb<uint64_t>()); }
  void f32_bits(uint32_t* out) {  // little-endian, whatever the host's byte order
    *out = static_cast<uint32_t>(pos_[0]) | static_cast<uint32_t>(pos_[1]) << 8 |
           static_cast<uint32_t>(pos_[2]) << 16 | static_cast<uint32_t>(pos_[3]) << 24;
    pos_ += 4;
  }
  void f64_bits(uint64_t* out) {
    uint32_t lo = 0, hi = 0;
    f32_bits(&lo);
    f32_bits(&hi);
    *out = static_cast<uint64_t>(hi) << 32 | lo;
  }
  // A signed LEB128 into T (uint32_t or uint64_t), sign-extended from its last byte.
  template <typename T>
  T sleb() {
    T v = 0;
    uint32_t b = 0;
    unsigned shift = 0;
    do {
      b = *pos_++;
      v |= static_cast<T>(b & 0x7F) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 8 * sizeof(T) && (b & 0x40)) v |= ~static_cast<T>(0) << shift;
    return v;
  }

  // Runs a decoder helper (read_blocktype, skip_immediates) on the rest of the body.
  template <typename Fn>
  void decode(Fn fn) {
    Reader r(origin_, pos_, end_, ErrorCode::unexpected_end_section);
    fn(r);
    pos_ = r.pos();
  }

 private:
  const uint8_t* origin_;
  const uint8_t* pos_;
  const uint8_t* end_;
};

// A failed emission (out of arena) hands out a dummy buffer of this many units, so it must hold
// every fixed-size instruction; br_table, the one sized by its operands, stops on failure instead.
constexpr uint32_t kDummyUnits = 16;
constexpr bool fixed_instructions_fit_dummy() {
  for (const CodeOpShape& s : kCodeOpShapes.of)
    if (s.units > kDummyUnits) return false;
  return true;
}
static_assert(fixed_instructions_fit_dummy(),
              "the dummy buffer holds every fixed-size instruction");

constexpr uint32_t kMaxSlots = 0x10000u;  // slots are 16-bit operands

enum class Where : uint8_t { home, local, constant };

struct Operand {
  Where where = Where::home;
  uint32_t local = 0;         // Where::local: the local's slot
  uint32_t producer = kNone;  // code offset of the instruction that wrote the home slot, if known
};

enum class CtrlKind : uint8_t { func, block, loop, if_, else_ };

struct Ctrl {
  CtrlKind kind = CtrlKind::block;
  bool unreachable = false;  // the rest of this frame is dead code
  bool dead = false;         // opened inside dead code: only nesting is tracked
  uint32_t height = 0;       // operand height at entry, below the block's params
  uint32_t base = 0;         // height the frame's own stack starts at (height, or +params for if)
  uint32_t params = 0;
  uint32_t results = 0;
  uint32_t loop_start = 0;      // loop: code offset of its label
  uint32_t patch_head = kNone;  // chain of forward branch fields waiting for the end label
  uint32_t else_site = kNone;   // if: the br_unless field to patch at else/end
};

// Fold table: wasm binary op -> immediate variant, and the variant to use when operands swap.
struct FoldRule {
  Op op;
  XOp imm;
  XOp swapped;  // XOp::first_ when the operation cannot take its constant on the left
};

constexpr XOp kNoSwap = XOp::first_;
constexpr FoldRule kFoldRules[] = {
    {Op::i32_add, XOp::i32_add_imm, XOp::i32_add_imm},
    {Op::i32_sub, XOp::i32_sub_imm, kNoSwap},
    {Op::i32_mul, XOp::i32_mul_imm, XOp::i32_mul_imm},
    {Op::i32_and, XOp::i32_and_imm, XOp::i32_and_imm},
    {Op::i32_or, XOp::i32_or_imm, XOp::i32_or_imm},
    {Op::i32_xor, XOp::i32_xor_imm, XOp::i32_xor_imm},
    {Op::i32_shl, XOp::i32_shl_imm, kNoSwap},
    {Op::i32_shr_s, XOp::i32_shr_s_imm, kNoSwap},
    {Op::i32_shr_u, XOp::i32_shr_u_imm, kNoSwap},
    {Op::i32_rotl, XOp::i32_rotl_imm, kNoSwap},
    {Op::i32_rotr, XOp::i32_rotr_imm, kNoSwap},
    {Op::i32_eq, XOp::i32_eq_imm, XOp::i32_eq_imm},
    {Op::i32_ne, XOp::i32_ne_imm, XOp::i32_ne_imm},
    {Op::i32_lt_s, XOp::i32_lt_s_imm, XOp::i32_gt_s_imm},
    {Op::i32_lt_u, XOp::i32_lt_u_imm, XOp::i32_gt_u_imm},
    {Op::i32_gt_s, XOp::i32_gt_s_imm, XOp::i32_lt_s_imm},
    {Op::i32_gt_u, XOp::i32_gt_u_imm, XOp::i32_lt_u_imm},
    {Op::i32_le_s, XOp::i32_le_s_imm, XOp::i32_ge_s_imm},
    {Op::i32_le_u, XOp::i32_le_u_imm, XOp::i32_ge_u_imm},
    {Op::i32_ge_s, XOp::i32_ge_s_imm, XOp::i32_le_s_imm},
    {Op::i32_ge_u, XOp::i32_ge_u_imm, XOp::i32_le_u_imm},
    {Op::i64_add, XOp::i64_add_imm, XOp::i64_add_imm},
    {Op::i64_sub, XOp::i64_sub_imm, kNoSwap},
    {Op::i64_and, XOp::i64_and_imm, XOp::i64_and_imm},
    {Op::i64_shl, XOp::i64_shl_imm, kNoSwap},
    {Op::i64_shr_u, XOp::i64_shr_u_imm, kNoSwap},
};

// kFoldRules by opcode, as index + 1 (0: none) over the opcodes from i32.eq to i64.shr_u: every
// binary operation asks, so no search (it was a fifth of the translator's time on Cortex-M4).
constexpr uint32_t kFirstFoldOp = static_cast<uint32_t>(Op::i32_eq);
struct FoldIndex {
  uint8_t of[static_cast<uint32_t>(Op::i64_shr_u) - kFirstFoldOp + 1];
};
constexpr FoldIndex make_fold_index() {
  FoldIndex t{};
  for (uint32_t i = 0; i < sizeof kFoldRules / sizeof kFoldRules[0]; ++i)
    t.of[static_cast<uint32_t>(kFoldRules[i].op) - kFirstFoldOp] = static_cast<uint8_t>(i + 1);
  return t;
}
constexpr FoldIndex kFoldIndex = make_fold_index();

const FoldRule* fold_rule(Op op) {
  if (!PICOWASM_FEATURE_FUSED_FORMS) return nullptr;  // plain forms only (config.h)
  const uint32_t i = static_cast<uint32_t>(op) - kFirstFoldOp;
  return i < sizeof kFoldIndex.of && kFoldIndex.of[i] ? &kFoldRules[kFoldIndex.of[i] - 1] : nullptr;
}

constexpr uint32_t kImm16Units = 4;  // "SSH": operation, dst, a, imm16
static_assert(code_units(XOp::i32_shl_imm) == kImm16Units &&
                  code_units(XOp::i32_add_imm) == kImm16Units,
              "i32 operations take 16-bit immediates");

// The form of an i32 arithmetic operation for a constant that needs 32 bits, or kNoSwap for the
// shifts and comparisons (whose larger constants are not folded).
constexpr XOp wide_imm(XOp op) {
  switch (op) {
    case XOp::i32_add_imm: return XOp::i32_add_imm32;
    case XOp::i32_sub_imm: return XOp::i32_sub_imm32;
    case XOp::i32_and_imm: return XOp::i32_and_imm32;
    case XOp::i32_or_imm: return XOp::i32_or_imm32;
    case XOp::i32_xor_imm: return XOp::i32_xor_imm32;
    case XOp::i32_mul_imm: return XOp::i32_mul_imm32;
    default: return kNoSwap;
  }
}
bool fits_imm16(uint64_t v) {
  return static_cast<int32_t>(v) == static_cast<int16_t>(v);
}

// An i32 comparison followed by br_if (or if) becomes one compare-and-branch. `branch` is taken
// when the comparison holds, `negated` when it does not.
struct BranchFusion {
  CodeUnit compare;
  XOp branch;
  XOp negated;
};
constexpr BranchFusion kBranchFusions[] = {
    {code_op(Op::i32_eq), XOp::br_eq, XOp::br_ne},
    {code_op(Op::i32_ne), XOp::br_ne, XOp::br_eq},
    {code_op(Op::i32_lt_s), XOp::br_lt_s, XOp::br_ge_s},
    {code_op(Op::i32_lt_u), XOp::br_lt_u, XOp::br_ge_u},
    {code_op(Op::i32_gt_s), XOp::br_gt_s, XOp::br_le_s},
    {code_op(Op::i32_gt_u), XOp::br_gt_u, XOp::br_le_u},
    {code_op(Op::i32_le_s), XOp::br_le_s, XOp::br_gt_s},
    {code_op(Op::i32_le_u), XOp::br_le_u, XOp::br_gt_u},
    {code_op(Op::i32_ge_s), XOp::br_ge_s, XOp::br_lt_s},
    {code_op(Op::i32_ge_u), XOp::br_ge_u, XOp::br_lt_u},
    {code_op(XOp::i32_eq_imm), XOp::br_eq_imm, XOp::br_ne_imm},
    {code_op(XOp::i32_ne_imm), XOp::br_ne_imm, XOp::br_eq_imm},
    {code_op(XOp::i32_lt_s_imm), XOp::br_lt_s_imm, XOp::br_ge_s_imm},
    {code_op(XOp::i32_lt_u_imm), XOp::br_lt_u_imm, XOp::br_ge_u_imm},
    {code_op(XOp::i32_gt_s_imm), XOp::br_gt_s_imm, XOp::br_le_s_imm},
    {code_op(XOp::i32_gt_u_imm), XOp::br_gt_u_imm, XOp::br_le_u_imm},
    {code_op(XOp::i32_le_s_imm), XOp::br_le_s_imm, XOp::br_gt_s_imm},
    {code_op(XOp::i32_le_u_imm), XOp::br_le_u_imm, XOp::br_gt_u_imm},
    {code_op(XOp::i32_ge_s_imm), XOp::br_ge_s_imm, XOp::br_lt_s_imm},
    {code_op(XOp::i32_ge_u_imm), XOp::br_ge_u_imm, XOp::br_lt_u_imm},
};

const BranchFusion* branch_fusion(CodeUnit compare) {
  if (!PICOWASM_FEATURE_FUSED_FORMS) return nullptr;
  for (const BranchFusion& f : kBranchFusions)
    if (f.compare == compare) return &f;
  return nullptr;
}

// A binary operation whose second operand the instruction just emitted loaded from memory takes
// the load's address instead (matmul's multiply-add over f64 rows, ...): one dispatch for two.
struct LoadFusion {
  CodeUnit binary;
  CodeUnit load;
  XOp fused;
};
constexpr LoadFusion kLoadFusions[] = {
    {code_op(Op::f64_mul), code_op(Op::f64_load), XOp::f64_mul_load},
    {code_op(Op::f64_add), code_op(Op::f64_load), XOp::f64_add_load},
    {code_op(Op::i32_add), code_op(Op::i32_load), XOp::i32_add_load},
};

const LoadFusion* load_fusion(CodeUnit binary) {
  if (!PICOWASM_FEATURE_FUSED_FORMS) return nullptr;
  for (const LoadFusion& f : kLoadFusions)
    if (f.binary == binary) return &f;
  return nullptr;
}

// The fused forms Translator::emit_ssisi() writes (op, slot, slot, u32, slot, u32). A mac is
// written over a pair in place; a trap of f64_mul_add_store's second load points at the unit the
// f64_add_load it replaces started at (its trap location stays).
constexpr bool ssisi(XOp op) {
  return code_units(op) == 8 && kCodeOpShapes.of[code_op(op)].slot_mask == 0x26;
}
static_assert(ssisi(XOp::i32_mul_load8_s_pair) && ssisi(XOp::i32_mac_load8_s_pair) &&
                  ssisi(XOp::i32_xor_imm_if) && ssisi(XOp::f64_mul_add_store) &&
                  kMulAddSecondLoadUnit == code_units(XOp::f64_mul_load),
              "the SSISI fused forms");

// The third operand of the instruction at `p`, sized by its shape (kCodeOpShapes, not the layout
// strings, which would then take flash): a 32-bit immediate ('I'), a plain access's unsigned 16-bit
// offset ('U') or a sign-extended 16-bit immediate ('H').
uint32_t third_operand(const CodeUnit* p) {
  if (code_units(p[0]) == 5) return read_u32(p + 3);
  const bool plain_access =
      p[0] >= code_op(Op::i32_load) && p[0] < code_op(Op::i32_load) + kNumWrappedMemOps;
  return plain_access ? p[3] : imm16(p + 3);
}

// Whether the instruction at `p` loads from u32(base + imm) with the wasm load `load`: its
// *_wrapped form, or the plain one at offset 0 (only there do both address computations agree).
bool wrapped_load(const CodeUnit* p, CodeUnit load, Slot* base, uint32_t* imm) {
  const CodeUnit wrapped =
      static_cast<CodeUnit>(kFirstWrappedMemOp + (load - code_op(Op::i32_load)));
  if (p[0] != wrapped && p[0] != load) return false;
  *base = p[2];
  *imm = third_operand(p);
  return p[0] == wrapped || *imm == 0;
}

// Constants used inside loops get frame slots right after the locals (see CompiledFunc::consts).
// Their number is known only at the end of the function, so while it is translated constant k is
// named by the provisional slot kConstMark - k and the temporaries start right after the locals (or
// after the result slots 0..n-1 a return writes, if there are more, so that they never equal them);
// relocate_slots() then moves the temporaries up by the number of constants and gives the constants
// their final slots: one walk over the code instead of translating every function with loop
// constants twice, and none for a function without constants. The operand stack limit is checked
// as if the temporaries started kMaxConsts slots after the locals (limit_base_), so that the final
// slots fit 16 bits.
constexpr uint32_t kMaxConsts = 64;
constexpr uint32_t kConstMark = kMaxSlots - 1;
constexpr uint32_t kMaxTempSlots = kMaxSlots - kMaxConsts;  // provisional slots below the marks

class Translator {
 public:
  Translator(const Module& m, Arena& arena) : m_(m), arena_(arena) {}

  // Translates only `func_index` and returns the module offset of the wasm instruction that
  // emitted the threaded-code instruction containing `code_unit` (see locate_module_offset).
  uint32_t locate(uint32_t func_index, uint32_t code_unit) {
    Arena::ScratchMark scratch = arena_.scratch_mark();
    if (start()) {
      locate_target_ = code_unit;
      func_index_ = func_index;
      CompiledFunc ignored;
      translate_function(m_.functions[func_index], &ignored);
    }
    arena_.rewind_scratch(scratch);
    return error_.ok() ? located_ : kNone;
  }

  // Hands each function to `sink` as soon as it is translated, then reuses its code space, so
  // the arena holds one function's code at a time (translate_each()).
  Error run_each(const FunctionSink& sink) {
    const uint32_t defined = m_.num_functions - m_.num_imported_functions;
    Arena::ScratchMark scratch = arena_.scratch_mark();
    if (!start()) {
      arena_.rewind_scratch(scratch);
      return make_error(ErrorCode::out_of_arena, 0);
    }
    const Arena::Mark code_start = arena_.mark();
    for (uint32_t i = 0; i < defined && error_.ok(); ++i) {
      func_index_ = m_.num_imported_functions + i;
      CompiledFunc func;
      translate_function(m_.functions[func_index_], &func);
      if (error_.ok()) error_ = sink.put(sink.context, i, func);
      arena_.rewind(code_start);
      emitted_ = 0;
      sync_code();
    }
    arena_.rewind_scratch(scratch);
    return error_;
  }

  Error run(CompiledModule* out) {
    const uint32_t defined = m_.num_functions - m_.num_imported_functions;
    CompiledFunc* funcs = arena_.allocate_array<CompiledFunc>(defined);
    if (!funcs) return make_error(ErrorCode::out_of_arena, 0);
    Arena::ScratchMark scratch = arena_.scratch_mark();
    if (!start()) {
      arena_.rewind_scratch(scratch);
      return make_error(ErrorCode::out_of_arena, 0);
    }
    for (uint32_t i = 0; i < defined && error_.ok(); ++i) {
      func_index_ = m_.num_imported_functions + i;
      translate_function(m_.functions[func_index_], &funcs[i]);
    }
    arena_.rewind_scratch(scratch);
    if (!error_.ok()) return error_;
    out->module = &m_;
    out->funcs = funcs;
    out->num_funcs = defined;
    out->code_bytes = here() * static_cast<uint32_t>(sizeof(CodeUnit));
    return error_;
  }

 private:
  // Takes the working stacks from the scratch end and fixes the code start. The stacks start small
  // and double on demand (up to the config limits), so translating a small module needs little
  // scratch. The code start is 8-byte aligned; from then on only code is allocated at the bottom,
  // so it is contiguous.
  bool start() {
    stack_capacity_ = 64;
    ctrl_capacity_ = 16;
    stack_ = arena_.allocate_scratch_array<Operand>(stack_capacity_);
    ctrl_ = arena_.allocate_scratch_array<Ctrl>(ctrl_capacity_);
    code_base_ = static_cast<CodeUnit*>(arena_.allocate(0, alignof(uint64_t)));
    code_mark_ = arena_.mark();
    emitted_ = 0;
    sync_code();
    return stack_ && ctrl_ && code_base_;
  }

  // Code is written straight into the arena's free space, without an allocation per instruction;
  // the arena learns how much was written here, at the end of each function and before scratch
  // grows, which also recomputes the room left.
  void sync_code() {
    arena_.rewind(code_mark_);
    arena_.allocate(emitted_ * sizeof(CodeUnit), alignof(CodeUnit));  // fits: within the room
    code_room_ = emitted_ + static_cast<uint32_t>(arena_.remaining() / sizeof(CodeUnit));
  }

  // Module offset of the wasm instruction being translated (only locating asks).
  uint32_t wasm_offset() const { return static_cast<uint32_t>(wasm_pos_ - m_.bytes.data); }

  // ---- errors ----
  Error make_error(ErrorCode code, uint32_t offset) {
    return picowasm::make_error(code, offset, func_index_);
  }
  void fail(ErrorCode code) {
    if (error_.ok()) error_ = make_error(code, reader_ ? reader_->offset() : 0);
    if (reader_) reader_->stop();
  }

  // Doubles a scratch array, keeping its first `used` entries (the old copy stays in the scratch
  // area until translation ends).
  template <typename T>
  bool grow(T** items, uint32_t* capacity, uint32_t used) {
    uint32_t bigger = *capacity * 2;
    sync_code();
    T* fresh = arena_.allocate_scratch_array<T>(bigger);
    sync_code();
    if (!fresh) {
      fail(ErrorCode::out_of_arena);
      return false;
    }
    std::memcpy(static_cast<void*>(fresh), *items, sizeof(T) * used);
    *items = fresh;
    *capacity = bigger;
    return true;
  }

  // ---- code emission ----
  uint32_t here() const { return emitted_; }

  // Appends `units` code units; on arena exhaustion records the error and returns a dummy buffer
  // so callers need no checks (the main loop stops at the next instruction).
  CodeUnit* emit(uint32_t units) {
    if (units > code_room_ - emitted_) {
      fail(ErrorCode::out_of_arena);
      return dummy_;
    }
    CodeUnit* p = code_base_ + emitted_;
    emitted_ += units;
    return p;
  }
  // A field of an instruction whose emission failed (out of arena) lies past the code: writes to
  // it land in the dummy buffer instead of beyond the arena.
  CodeUnit* at(uint32_t offset) { return offset < emitted_ ? code_base_ + offset : dummy_; }

  // Starts an instruction, sized by its layout; `dst_field` is the unit index of its destination
  // slot, if it has one.
  CodeUnit* instr(CodeUnit op, uint32_t dst_field = kNone) {
    return instr_sized(op, code_units(op), dst_field);
  }
  CodeUnit* instr_sized(CodeUnit op, uint32_t units, uint32_t dst_field = kNone) {
    uint32_t start = here();
    // Locating: the last instruction emitted over the target position is the final one there.
    if (locate_target_ != kNone) {
      if (start <= locate_target_ && locate_target_ < start + units) located_ = wasm_offset();
      remember_offset(start);
    }
    CodeUnit* p = emit(units);
    p[0] = op;
    last_start_ = start;
    last_dst_ = dst_field == kNone ? kNone : start + dst_field;
    return p;
  }
  static void put_u32(CodeUnit* p, uint32_t v) { std::memcpy(p, &v, sizeof v); }
  static void put_u64(CodeUnit* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

  // Whether `o` is the result of the last instruction, whose destination field may be rewritten
  // to store it elsewhere (in a local, or in slot 0 for a return).
  bool retargetable(const Operand& o) const {
    return o.where != Where::local && o.producer != kNone && o.producer == last_start_ &&
           last_dst_ != kNone;
  }

  // No instruction emitted so far may be rewritten (a label or control boundary follows).
  void seal() {
    last_start_ = kNone;
    last_dst_ = kNone;
  }

  // ---- slots and the compile-time operand stack ----
  // The slot range of a position is checked once, when it is first pushed (push_slow()): a home
  // slot is only asked for positions at or below the stack's height plus one, which is pushed next.
  uint32_t home(uint32_t pos) const { return first_temp_ + pos; }
  Slot slot_of(uint32_t pos) const {
    const Operand& o = stack_[pos];
    return static_cast<Slot>(o.where == Where::local ? o.local : home(pos));
  }
  // Below push_limit_ a push needs no check: the stack has room, the config limit and the slot
  // range are not reached (set_push_limit()).
  void push(Where where, uint32_t local, uint32_t producer) {
    if (height_ >= push_limit_) return push_slow(where, local, producer);
    Operand& o = stack_[height_];
    o.where = where;
    o.local = local;
    o.producer = producer;
    if (where == Where::local) ++deferred_;
    if (++height_ > max_height_) max_height_ = height_;
  }
  // Out of line, so that push() stays small enough to inline.
  [[gnu::noinline]] void push_slow(Where where, uint32_t local, uint32_t producer) {
    if (height_ >= PICOWASM_MAX_OPERAND_STACK) {
      fail(ErrorCode::limit_operand_stack);
      return;
    }
    if (height_ == stack_capacity_ && !grow(&stack_, &stack_capacity_, height_)) return;
    set_push_limit();
    stack_[height_] = Operand{where, local, producer};
    if (where == Where::local) ++deferred_;
    ++height_;
    if (height_ > max_height_) max_height_ = height_;
    if (limit_base_ + height_ - 1 >= kMaxTempSlots) fail(ErrorCode::limit_operand_stack);
  }
  void set_push_limit() {
    uint32_t limit =
        stack_capacity_ < PICOWASM_MAX_OPERAND_STACK ? stack_capacity_ : PICOWASM_MAX_OPERAND_STACK;
    const uint32_t slots = limit_base_ < kMaxTempSlots ? kMaxTempSlots - limit_base_ : 0;
    push_limit_ = limit < slots ? limit : slots;
  }
  void push_result() { push(Where::home, 0, last_start_); }
  // Pops the top entry and returns its slot. Inside a loop, a constant whose instruction was just
  // emitted is taken back and read from a constant slot instead.
  Slot pop() {
    --height_;
    const Operand& o = stack_[height_];
    if (o.where == Where::home) return static_cast<Slot>(home(height_));
    if (o.where == Where::local) {
      --deferred_;
      return static_cast<Slot>(o.local);
    }
    return pop_constant(o);
  }
  Slot pop_constant(const Operand& o) {
    if (loop_depth_ > 0 && o.producer == last_start_ && o.producer != kNone) {
      uint32_t k = intern_const(const_value(o.producer));
      if (k != kNone) {
        rewind_to(o.producer);
        return static_cast<Slot>(kConstMark - k);
      }
    }
    return slot_of(height_);
  }

  // Returns the constant slot index for `v`, or kNone when kMaxConsts are taken.
  uint32_t intern_const(uint64_t v) {
    for (uint32_t k = 0; k < num_consts_; ++k)
      if (consts_[k] == v) return k;
    if (num_consts_ == kMaxConsts) return kNone;
    consts_[num_consts_] = v;
    return num_consts_++;
  }
  void truncate(uint32_t h) {
    while (height_ > h) pop();
  }

  void emit_copy(uint32_t dst, uint32_t src) {
    if (dst == src) return;
    CodeUnit* p = instr(code_op(XOp::copy), 1);
    p[1] = static_cast<Slot>(dst);
    p[2] = static_cast<Slot>(src);
  }

  // Copies a deferred local into its home slot.
  void materialize(uint32_t pos) {
    Operand& o = stack_[pos];
    if (o.where != Where::local) {
      o.where = Where::home;  // a constant stays correct but may no longer be folded
      return;
    }
    emit_copy(home(pos), o.local);
    o = Operand{Where::home, 0, kNone};
    --deferred_;
  }
  void materialize_range(uint32_t from, uint32_t to) {
    for (uint32_t pos = from; pos < to; ++pos) materialize(pos);
  }
  void materialize_all() { materialize_range(0, height_); }
  void materialize_local_refs(uint32_t local) {
    if (deferred_ == 0) return;
    for (uint32_t pos = 0; pos < height_; ++pos)
      if (stack_[pos].where == Where::local && stack_[pos].local == local) materialize(pos);
  }

  // Copies the top `n` values to the slots starting at `dst`, in ascending order. Destinations are
  // at or below their sources except for deferred locals, which are materialized first when they
  // sit inside the destination range and would be overwritten before being read.
  void move_top(uint32_t n, uint32_t dst) {
    const uint32_t first = height_ - n;
    for (uint32_t i = 0; i < n; ++i) {
      const Operand& o = stack_[first + i];
      if (o.where == Where::local && o.local >= dst && o.local < dst + n && o.local != dst + i)
        materialize(first + i);
    }
    for (uint32_t i = 0; i < n; ++i) emit_copy(dst + i, slot_of(first + i));
  }
  bool top_in_place(uint32_t n, uint32_t dst) {
    const uint32_t first = height_ - n;
    for (uint32_t i = 0; i < n; ++i)
      if (slot_of(first + i) != dst + i) return false;
    return true;
  }

  // ---- labels and branches ----
  Ctrl& label(uint32_t depth) { return ctrl_[ctrl_depth_ - 1 - depth]; }
  static uint32_t arity(const Ctrl& c) { return c.kind == CtrlKind::loop ? c.params : c.results; }
  uint32_t target_slot(const Ctrl& c) { return c.kind == CtrlKind::func ? 0 : home(c.height); }

  // Writes a branch-offset field at `field` that jumps to the label of `c` (now or when resolved).
  void branch_field(uint32_t field, Ctrl& c) {
    if (c.kind == CtrlKind::loop) {
      put_u32(at(field), static_cast<uint32_t>(static_cast<int32_t>(c.loop_start - field)));
    } else {
      put_u32(at(field), c.patch_head);
      c.patch_head = field;
    }
  }
  void resolve(uint32_t head, uint32_t target) {
    while (head != kNone) {
      uint32_t next = read_u32(at(head));
      put_u32(at(head), static_cast<uint32_t>(static_cast<int32_t>(target - head)));
      head = next;
    }
  }

  // Unconditional jump to the label of `c`, moving its values; a branch to the function label is a
  // return.
  void branch_to(Ctrl& c) {
    const uint32_t n = arity(c);
    if (c.kind == CtrlKind::func) return emit_return(n);
    move_top(n, target_slot(c));
    uint32_t start = here();
    instr(code_op(XOp::br));
    branch_field(start + 1, c);
  }

  // Returns with the top `n` values as results (in slots 0..n-1); a single result that is not
  // already in slot 0 is moved by the return itself.
  void emit_return(uint32_t n) {
    if (n == 1 && slot_of(height_ - 1) != 0) {
      // Computed by the instruction just emitted: it writes slot 0 itself (bench modules: fib 1 of
      // its 2 returns, calls 8; one code unit saved each).
      if (retargetable(stack_[height_ - 1])) {
        *at(last_dst_) = 0;
        instr(code_op(XOp::ret));
        return;
      }
      CodeUnit* p = instr(code_op(XOp::ret_copy));
      p[1] = slot_of(height_ - 1);
      return;
    }
    move_top(n, 0);
    instr(code_op(XOp::ret));
  }

  // ---- block types ----
  void block_arity(const BlockType& bt, uint32_t* params, uint32_t* results) {
    *params = 0;
    *results = bt.kind == BlockType::Kind::value ? 1 : 0;
    if (bt.kind == BlockType::Kind::index) {
      *params = m_.types[bt.type_index].num_params;
      *results = m_.types[bt.type_index].num_results;
    }
  }

  void push_ctrl(CtrlKind kind, uint32_t params, uint32_t results, bool dead) {
    if (ctrl_depth_ > PICOWASM_MAX_CONTROL_DEPTH) {
      fail(ErrorCode::limit_control_depth);
      return;
    }
    if (ctrl_depth_ == ctrl_capacity_ && !grow(&ctrl_, &ctrl_capacity_, ctrl_depth_)) return;
    Ctrl& c = ctrl_[ctrl_depth_++];
    c = Ctrl{};
    c.kind = kind;
    c.dead = dead;
    c.params = params;
    c.results = results;
    c.height = dead ? 0 : height_ - params;
    c.base = c.height;
    if (kind == CtrlKind::loop && !dead) ++loop_depth_;
    skip_ = dead;
  }
  // skip_ mirrors the innermost frame's unreachable/dead flags (read for every instruction).
  void refresh_skip() {
    const Ctrl& c = ctrl_[ctrl_depth_ - 1];
    skip_ = c.unreachable || c.dead;
  }

  // ---- function translation ----
  void translate_function(const Function& f, CompiledFunc* out) {
    const FuncType& type = m_.types[f.type_index];
    const uint32_t start = here();
    body_start_ = start;
    first_declared_ = type.num_params;
    const_base_ = type.num_params + f.num_locals;
    num_consts_ = 0;
    mac_add_ = madd_add_ = kNone;  // no chain crosses functions (run_each() reuses the offsets)
    translate_body(f, type);
    if (!error_.ok()) return;
    relocate_slots(start);
    out->code = code_base_ + start;
    out->code_units = here() - start;
    out->frame_slots = const_base_ + num_consts_ + max_height_;
    out->num_params = type.num_params;
    out->num_locals = f.num_locals;
    out->num_results = type.num_results;
    if (num_consts_ > 0) {
      // The values follow the code, 8-byte aligned (the code base is).
      while (here() % 4 != 0) emit(1)[0] = 0;
      CodeUnit* values = emit(4 * num_consts_);
      std::memcpy(values, consts_, sizeof(uint64_t) * num_consts_);
      out->consts = reinterpret_cast<const uint64_t*>(values);
      out->num_consts = num_consts_;
      out->const_slot = const_base_;
    }
    sync_code();
  }

  // Final slot numbers in the code from `start` on: constant marks become the constant slots right
  // after the locals, temporaries follow them. The slot operands are the layout's 'S' units.
  void relocate_slots(uint32_t start) {
    const uint32_t gap = first_temp_ - const_base_;
    if (gap == 0 && num_consts_ == 0) return;  // provisional slots are final
    // Locals stay; temporaries move by `shift`; constant marks become const_base_ + k.
    const uint32_t first_temp = first_temp_, shift = num_consts_ - gap;
    const uint32_t const_slot = const_base_ + kConstMark;  // minus the mark
    const CodeUnit* const end = code_base_ + here();
    for (CodeUnit* pc = code_base_ + start; pc < end;) {
      const CodeOpShape& shape = kCodeOpShapes.of[*pc];
      // Unit 0 is the operation; one iteration per slot operand.
      for (uint32_t mask = shape.slot_mask; mask != 0; mask &= mask - 1) {
        CodeUnit& unit = pc[__builtin_ctz(mask)];
        const uint32_t v = unit;
        if (v < first_temp) continue;
        unit = static_cast<Slot>(v >= kMaxTempSlots ? const_slot - v : v + shift);
      }
      pc += shape.count_unit ? instruction_units(pc) : shape.units;
    }
  }

  void translate_body(const Function& f, const FuncType& type) {
    first_temp_ = type.num_results > const_base_ ? type.num_results : const_base_;
    limit_base_ = const_base_ + (type.num_results > kMaxConsts ? type.num_results : kMaxConsts);
    height_ = max_height_ = deferred_ = ctrl_depth_ = loop_depth_ = 0;
    set_push_limit();
    seal();
    if (const_base_ >= kMaxSlots) return fail(ErrorCode::limit_locals);
    Body r(m_.bytes.data, f.code.data, f.code.data + f.code.size);
    reader_ = &r;
    push_ctrl(CtrlKind::func, 0, type.num_results, false);
    // The function's final end is the body's last byte (validated); an error stops the reader.
    while (!r.at_end()) step(r);
    if (ctrl_depth_ > 0) fail(ErrorCode::unexpected_end_section);  // not after validation
    reader_ = nullptr;
  }

  // Translates one instruction.
  [[gnu::always_inline]] void step(Body& r) {
    wasm_pos_ = r.pos();
    // Validated: a known opcode, and SIMD was refused. Its OpInfo is looked up only when needed.
    const uint8_t byte = r.byte();
    Op op = static_cast<Op>(byte);
    if (byte == kPrefixFC) {
      uint32_t sub = 0;
      r.u32(&sub);
      op = static_cast<Op>(0x100 + sub);
    }
    if (skip_) return dead_step(r, op, op_info(op));

    switch (op) {
      case Op::unreachable: instr(code_op(XOp::trap_unreachable)); return make_unreachable();
      case Op::nop: return;
      case Op::block:
      case Op::loop:
      case Op::if_: return open_block(r, op);
      case Op::else_: return on_else();
      case Op::end: return on_end();
      case Op::br: {
        uint32_t depth = 0;
        r.u32(&depth);
        branch_to(label(depth));
        return make_unreachable();
      }
      case Op::br_if: return on_br_if(r);
      case Op::br_table: return on_br_table(r);
      case Op::return_: branch_to(ctrl_[0]); return make_unreachable();
      case Op::call: return on_call(r, false);
      case Op::call_indirect: return on_call_indirect(r, false);
      case Op::return_call: return on_call(r, true);
      case Op::return_call_indirect: return on_call_indirect(r, true);
      case Op::drop: pop(); return;
      case Op::select: return on_select();
      case Op::select_t: {
        skip(r, Imm::select_t);
        return on_select();
      }
      case Op::local_get: {
        uint32_t x = 0;
        r.u32(&x);
        return push(Where::local, x, kNone);
      }
      case Op::local_set:
      case Op::local_tee: return on_local_set(r, op == Op::local_tee);
      case Op::global_get: {
        uint32_t g = 0;
        r.u32(&g);
        CodeUnit* p = instr(code_op(XOp::global_get), 1);
        p[1] = static_cast<Slot>(home(height_));
        put_u32(p + 2, g);
        return push_result();
      }
      case Op::global_set: {
        uint32_t g = 0;
        r.u32(&g);
        Slot v = pop();
        CodeUnit* p = instr(code_op(XOp::global_set));
        put_u32(p + 1, g);
        p[3] = v;
        return;
      }
#if PICOWASM_FEATURE_REFERENCE_TYPES  // else refused by validation
      case Op::table_get: return table_op(r, XOp::table_get, true);
      case Op::table_set: return table_op(r, XOp::table_set, false);
#endif
      case Op::memory_size: {
        const uint32_t memory = memory_index(r);
        if (memory != 0) {  // multi-memory: memory 0 keeps its own operation
          CodeUnit* p = instr(code_op(XOp::memory_size_n), 1);
          p[1] = static_cast<Slot>(home(height_));
          put_u32(p + 2, memory);
          return push_result();
        }
        CodeUnit* p = instr(code_op(XOp::memory_size), 1);
        p[1] = static_cast<Slot>(home(height_));
        return push_result();
      }
      case Op::memory_grow: {
        const uint32_t memory = memory_index(r);
        Slot n = pop();
        if (memory != 0) {
          CodeUnit* p = instr(code_op(XOp::memory_grow_n), 1);
          p[1] = static_cast<Slot>(home(height_));
          p[2] = n;
          put_u32(p + 3, memory);
          return push_result();
        }
        CodeUnit* p = instr(code_op(XOp::memory_grow), 1);
        p[1] = static_cast<Slot>(home(height_));
        p[2] = n;
        return push_result();
      }
      case Op::i32_const: {
        int32_t v = 0;
        r.s32(&v);
        if (fold_into_next(r, static_cast<uint32_t>(v))) return;
        const bool short_form = v == static_cast<int16_t>(v);
        if (v == 0) return const64(0, true);
        CodeUnit* p = instr(code_op(short_form ? XOp::const16 : XOp::const32), 1);
        p[1] = static_cast<Slot>(home(height_));
        if (short_form) {
          p[2] = static_cast<CodeUnit>(v);
        } else {
          put_u32(p + 2, static_cast<uint32_t>(v));
        }
        return push(Where::constant, 0, last_start_);
      }
      case Op::i64_const: {
        int64_t v = 0;
        r.s64(&v);
        return const64(static_cast<uint64_t>(v), true);
      }
      case Op::f32_const: {
        uint32_t bits = 0;
        r.f32_bits(&bits);
        CodeUnit* p = instr(code_op(XOp::const32), 1);
        p[1] = static_cast<Slot>(home(height_));
        put_u32(p + 2, bits);
        return push(Where::constant, 0, last_start_);
      }
      case Op::f64_const: {
        uint64_t bits = 0;
        r.f64_bits(&bits);
        return const64(bits, true);
      }
#if PICOWASM_FEATURE_REFERENCE_TYPES
      case Op::ref_null: {
        skip(r, Imm::reftype);
        return const64(0, false);
      }
      case Op::ref_is_null: return unary(code_op(XOp::ref_is_null));
      case Op::ref_func: {
        uint32_t f = 0;
        r.u32(&f);
        CodeUnit* p = instr(code_op(XOp::ref_func), 1);
        p[1] = static_cast<Slot>(home(height_));
        put_u32(p + 2, f);
        return push_result();
      }
#endif
#if PICOWASM_FEATURE_BULK_MEMORY
      case Op::memory_init: {
        uint32_t data = 0;
        r.u32(&data);
        const uint32_t memory = memory_index(r);
        Slot n = pop(), src = pop(), dst = pop();
        CodeUnit* p = instr(code_op(memory ? XOp::memory_init_n : XOp::memory_init));
        put_u32(p + 1, data);
        p[3] = dst, p[4] = src, p[5] = n;
        if (memory) put_u32(p + 6, memory);
        return;
      }
      case Op::data_drop:
      case Op::elem_drop: {
        uint32_t index = 0;
        r.u32(&index);
        CodeUnit* p = instr(code_op(op == Op::data_drop ? XOp::data_drop : XOp::elem_drop));
        put_u32(p + 1, index);
        return;
      }
      case Op::memory_copy:
      case Op::memory_fill: {
        const uint32_t m0 = memory_index(r);
        const uint32_t m1 = op == Op::memory_copy ? memory_index(r) : 0;
        Slot n = pop(), val = pop(), dst = pop();
        if (m0 != 0 || m1 != 0) {  // multi-memory: both indices follow the operands
          CodeUnit* p =
              instr(code_op(op == Op::memory_copy ? XOp::memory_copy_n : XOp::memory_fill_n));
          p[1] = dst, p[2] = val, p[3] = n;
          put_u32(p + 4, m0);
          put_u32(p + 6, m1);
          return;
        }
        CodeUnit* p = instr(code_op(op == Op::memory_copy ? XOp::memory_copy : XOp::memory_fill));
        p[1] = dst, p[2] = val, p[3] = n;
        return;
      }
      case Op::table_init:
      case Op::table_copy: {
        uint32_t a = 0, b = 0;
        r.u32(&a);
        r.u32(&b);
        Slot n = pop(), s = pop(), d = pop();
        // table.init encodes (elem, table); the threaded form takes (table, elem) like table.copy's
        // (dst table, src table): the table written comes first.
        uint32_t first = op == Op::table_init ? b : a, second = op == Op::table_init ? a : b;
        CodeUnit* p = instr(code_op(op == Op::table_init ? XOp::table_init : XOp::table_copy));
        put_u32(p + 1, first);
        put_u32(p + 3, second);
        p[5] = d, p[6] = s, p[7] = n;
        return;
      }
#endif
#if PICOWASM_FEATURE_REFERENCE_TYPES
      case Op::table_grow: {
        uint32_t t = 0;
        r.u32(&t);
        Slot n = pop(), init = pop();
        CodeUnit* p = instr(code_op(XOp::table_grow), 1);
        p[1] = static_cast<Slot>(home(height_));
        put_u32(p + 2, t);
        p[4] = n, p[5] = init;
        return push_result();
      }
      case Op::table_size: {
        uint32_t t = 0;
        r.u32(&t);
        CodeUnit* p = instr(code_op(XOp::table_size), 1);
        p[1] = static_cast<Slot>(home(height_));
        put_u32(p + 2, t);
        return push_result();
      }
      case Op::table_fill: {
        uint32_t t = 0;
        r.u32(&t);
        Slot n = pop(), val = pop(), i = pop();
        CodeUnit* p = instr(code_op(XOp::table_fill));
        put_u32(p + 1, t);
        p[3] = i, p[4] = val, p[5] = n;
        return;
      }
#endif
      default: break;
    }
    // Everything left is described by the opcode table: loads, stores and numeric operations.
    const OpInfo* info = op_info(op);
    if (info->imm == Imm::memarg) return memory_access(r, op, *info);
    if (info->param1 != kT_) return binary(op);
    return unary(code_op(op));
  }

  void dead_step(Body& r, Op op, const OpInfo* info) {
    Ctrl& cur = ctrl_[ctrl_depth_ - 1];
    switch (op) {
      case Op::block:
      case Op::loop:
      case Op::if_: skip(r, info->imm); return push_ctrl(CtrlKind::block, 0, 0, true);
      case Op::else_:
        if (cur.dead) return;
        return on_else();
      case Op::end:
        if (cur.dead) {
          --ctrl_depth_;
          return refresh_skip();
        }
        return on_end();
      default: skip(r, info->imm); return;
    }
  }

  static void skip(Body& r, Imm imm) {
    r.decode([imm](Reader& d) { skip_immediates(d, imm); });
  }

  void make_unreachable() {
    Ctrl& cur = ctrl_[ctrl_depth_ - 1];
    truncate(cur.base);
    cur.unreachable = true;
    skip_ = true;
    seal();
  }

  // Zero, of any type, is the one-operand const0.
  void const64(uint64_t v, bool is_constant) {
    CodeUnit* p = instr(code_op(v == 0 ? XOp::const0 : XOp::const64), 1);
    p[1] = static_cast<Slot>(home(height_));
    if (v != 0) put_u64(p + 2, v);
    push(is_constant ? Where::constant : Where::home, 0, last_start_);
  }

  // ---- control ----
  void open_block(Body& r, Op op) {
    BlockType bt;
    r.decode([&bt](Reader& d) { read_blocktype(d, &bt); });
    uint32_t params, results;
    block_arity(bt, &params, &results);
    Slot cond = 0;
    uint32_t cond_producer = kNone;
    if (op == Op::if_) {
      cond_producer = stack_[height_ - 1].producer;
      cond = pop();
    }
    materialize_all();
    if (op == Op::if_) {
      uint32_t field = cond_branch(false, cond, cond_producer);
      seal();
      push_ctrl(CtrlKind::if_, params, results, false);
      Ctrl& c = ctrl_[ctrl_depth_ - 1];
      c.else_site = field;
      put_u32(at(c.else_site), kNone);
      if (params > 0) {
        // The then-branch works on copies so the else-branch still finds the original params.
        for (uint32_t i = 0; i < params; ++i) {
          emit_copy(home(height_), home(c.height + i));
          push(Where::home, 0, kNone);
        }
        c.base = c.height + params;
        seal();
      }
      return;
    }
    seal();
    push_ctrl(op == Op::loop ? CtrlKind::loop : CtrlKind::block, params, results, false);
    if (op == Op::loop) ctrl_[ctrl_depth_ - 1].loop_start = label_floor_ = here();
  }

  // Ends the live path of the current frame: its results go to the frame's result slots.
  void finish_branch_path(Ctrl& c) {
    if (c.unreachable) return;
    move_top(c.results, home(c.height));
  }

  void on_else() {
    Ctrl& c = ctrl_[ctrl_depth_ - 1];
    finish_branch_path(c);
    if (!c.unreachable) {
      uint32_t start = here();
      instr(code_op(XOp::br));
      branch_field(start + 1, c);
    }
    resolve(c.else_site, here());
    c.else_site = kNone;
    c.kind = CtrlKind::else_;
    c.unreachable = false;
    skip_ = false;
    c.base = c.height;
    // The original params are still in their home slots (materialized when the if was entered).
    height_ = c.height;
    for (uint32_t i = 0; i < c.params; ++i) push(Where::home, 0, kNone);
    seal();
  }

  void on_end() {
    Ctrl& c = ctrl_[ctrl_depth_ - 1];
    if (c.kind == CtrlKind::func) {
      if (!c.unreachable) emit_return(c.results);
      --ctrl_depth_;
      reader_->stop();  // anything after the final end is not read (validation refuses it)
      return;
    }
    finish_branch_path(c);
    uint32_t label_pos = here();
    if (c.else_site != kNone) resolve(c.else_site, label_pos);  // if without else
    resolve(c.patch_head, label_pos);
    uint32_t h = c.height, n = c.results;
    if (c.kind == CtrlKind::loop) --loop_depth_;
    --ctrl_depth_;
    refresh_skip();
    height_ = h;
    for (uint32_t i = 0; i < n; ++i) push(Where::home, 0, kNone);
    seal();
  }

  // Emits a conditional branch taken when the i32 `cond` is non-zero (`when_true`) or zero, and
  // returns the position of its offset field. When `cond` was computed by the instruction just
  // emitted and that is an i32 comparison (or eqz), the two become one instruction.
  uint32_t cond_branch(bool when_true, Slot cond, uint32_t cond_producer) {
    if (cond_producer != kNone && cond_producer == last_start_) {
      const CodeUnit* prev = at(cond_producer);
      if (prev[0] == code_op(Op::i32_eqz)) {
        Slot operand = prev[2];
        rewind_to(cond_producer);
        return plain_branch(!when_true, operand);
      }
      if (const BranchFusion* f = branch_fusion(prev[0])) {
        // The second operand is a slot or a 16-bit immediate: one unit in both forms.
        const CodeUnit a = prev[2], b = prev[3];
        rewind_to(cond_producer);
        uint32_t start = here();
        CodeUnit* p = instr(code_op(when_true ? f->branch : f->negated));
        p[1] = a;
        p[2] = b;
        return start + 3;
      }
    }
    return plain_branch(when_true, cond);
  }
  uint32_t plain_branch(bool when_true, Slot cond) {
    uint32_t start = here();
    CodeUnit* p = instr(code_op(when_true ? XOp::br_if : XOp::br_unless));
    p[1] = cond;
    return start + 2;
  }

  void on_br_if(Body& r) {
    uint32_t depth = 0;
    r.u32(&depth);
    const uint32_t cond_producer = stack_[height_ - 1].producer;
    Slot cond = pop();
    Ctrl& c = label(depth);
    const uint32_t n = arity(c);
    // The values must be in place on both paths, so deferred ones are materialized unconditionally;
    // after that, the moves below only copy and leave the compile-time stack untouched.
    materialize_range(height_ - n, height_);
    if (c.kind != CtrlKind::func && top_in_place(n, target_slot(c))) {
      branch_field(cond_branch(true, cond, cond_producer), c);
      seal();
      return;
    }
    // The taken path needs moves (or is a return): jump over them when the condition is false.
    uint32_t field = cond_branch(false, cond, cond_producer);
    branch_to(c);
    put_u32(at(field), static_cast<uint32_t>(static_cast<int32_t>(here() - field)));
    seal();
  }

  void on_br_table(Body& r) {
    uint32_t count = 0;
    r.u32(&count);
    const uint8_t* labels = r.pos();
    for (uint32_t i = 0; i <= count; ++i) {
      uint32_t ignored = 0;
      r.u32(&ignored);
    }
    Slot index = pop();
    // All targets share one arity; values are materialized once, before the dispatch.
    uint32_t first_depth = 0;
    Body lr(m_.bytes.data, labels, r.pos());
    lr.u32(&first_depth);
    const uint32_t n = arity(label(first_depth));
    materialize_range(height_ - n, height_);
    uint32_t start = here();
    CodeUnit* p = instr_sized(code_op(XOp::br_table), 3 + 2 * (count + 1));
    if (!error_.ok()) return make_unreachable();  // out of arena: the table was not emitted
    p[1] = index;
    p[2] = static_cast<CodeUnit>(count);
    // Entries whose values are already in place jump straight to the label; the others (and
    // returns) jump to a stub after the table that moves the values first.
    for (int pass = 0; pass < 2; ++pass) {
      lr = Body(m_.bytes.data, labels, r.pos());
      for (uint32_t i = 0; i <= count; ++i) {
        uint32_t depth = 0;
        lr.u32(&depth);
        Ctrl& c = label(depth);
        uint32_t field = start + 3 + 2 * i;
        bool direct = c.kind != CtrlKind::func && top_in_place(n, target_slot(c));
        if (pass == 0 && direct) branch_field(field, c);
        if (pass == 1 && !direct) {
          put_u32(at(field), static_cast<uint32_t>(static_cast<int32_t>(here() - field)));
          branch_to(c);
        }
      }
    }
    make_unreachable();
  }

  // ---- calls ----
  void call_frame(uint32_t num_params, uint32_t* frame_slot) {
    materialize_range(height_ - num_params, height_);
    *frame_slot = home(height_ - num_params);
    if (limit_base_ + height_ - num_params >= kMaxTempSlots)  // not pushed yet
      fail(ErrorCode::limit_operand_stack);
    truncate(height_ - num_params);
  }

  // A tail call (return_call*) is followed by `ret`: a wasm callee replaces the frame and never
  // comes back to it, a host callee returns there like from a call, with the caller's results.
  void end_tail_call() {
    instr(code_op(XOp::ret));
    make_unreachable();
  }

  void on_call(Body& r, bool tail) {
    uint32_t f = 0;
    r.u32(&f);
    const FuncType& t = m_.func_type(f);
    uint32_t frame = 0;
    call_frame(t.num_params, &frame);
    if (PICOWASM_FEATURE_TAIL_CALL && tail) {
      CodeUnit* p = instr(code_op(XOp::return_call));
      put_u32(p + 1, f);
      p[3] = static_cast<Slot>(frame);
      return end_tail_call();
    }
    // The module's own functions are called directly; imports go through the instance's table.
    const bool defined = f >= m_.num_imported_functions;
    CodeUnit* p = instr(code_op(defined ? XOp::call_defined : XOp::call));
    put_u32(p + 1, defined ? f - m_.num_imported_functions : f);
    p[3] = static_cast<Slot>(frame);
    seal();
    for (uint32_t i = 0; i < t.num_results; ++i) push(Where::home, 0, kNone);
  }

  void on_call_indirect(Body& r, bool tail) {
    uint32_t type_index = 0, table = 0;
    r.u32(&type_index);
    r.u32(&table);
    Slot index = pop();
    const FuncType& t = m_.types[type_index];
    uint32_t frame = 0;
    call_frame(t.num_params, &frame);
    tail = PICOWASM_FEATURE_TAIL_CALL && tail;
    CodeUnit* p = instr(code_op(tail ? XOp::return_call_indirect : XOp::call_indirect));
    put_u32(p + 1, type_index);
    put_u32(p + 3, table);
    p[5] = index;
    p[6] = static_cast<Slot>(frame);
    if (tail) return end_tail_call();
    seal();
    for (uint32_t i = 0; i < t.num_results; ++i) push(Where::home, 0, kNone);
  }

  // ---- locals, select, tables ----
  void on_local_set(Body& r, bool tee) {
    uint32_t x = 0;
    r.u32(&x);
    materialize_local_refs(x);
    const Operand top = stack_[height_ - 1];
    if (!tee && zeroes_fresh_local(top, x)) {
      rewind_to(top.producer);
      --height_;  // a constant
      return;
    }
    if (retargetable(top)) {
      CodeUnit* p = at(last_start_);
      if (p[0] == code_op(XOp::i32_add_imm) && p[2] == x) {
        // local.get x; i32.const k; i32.add; local.set x: the in-place form, one unit shorter.
        p[0] = code_op(XOp::i32_inc);
        p[1] = static_cast<Slot>(x);
        p[2] = p[3];
        emitted_ = last_start_ + code_units(XOp::i32_inc);
      } else {
        *at(last_dst_) = static_cast<Slot>(x);
      }
      seal();  // the instruction now writes the local: it must not be rewritten or taken back
      pop();
    } else {
      Slot v = pop();
      emit_copy(x, v);
    }
    if (tee) push(Where::local, x, kNone);
  }

  void on_select() {
    if (fuse_conditional_xor()) return;
    Slot cond = pop(), b = pop(), a = pop();
    CodeUnit* p = instr(code_op(XOp::select), 1);
    p[1] = static_cast<Slot>(home(height_));
    p[2] = a, p[3] = b, p[4] = cond;
    push_result();
  }

  void table_op(Body& r, XOp op, bool result) {
    uint32_t t = 0;
    r.u32(&t);
    if (result) {  // table.get dst, table, index
      Slot i = pop();
      CodeUnit* p = instr(code_op(op), 1);
      p[1] = static_cast<Slot>(home(height_));
      put_u32(p + 2, t);
      p[4] = i;
      return push_result();
    }
    // table.set table, index, value
    Slot v = pop(), i = pop();
    CodeUnit* p = instr(code_op(op));
    put_u32(p + 1, t);
    p[3] = i, p[4] = v;
  }

  // ---- memory and numeric operations ----
  // A memory index immediate (validated): a u32 with multi-memory, else 2.0's zero byte.
  uint32_t memory_index(Body& r) {
    uint32_t index = 0;
    if (multi_memory()) {
      r.u32(&index);
    } else {
      skip(r, Imm::memory);
    }
    return index;
  }
  bool multi_memory() const {
    return PICOWASM_FEATURE_MULTI_MEMORY && (m_.features & kFeatureMultiMemory);
  }

  void memory_access(Body& r, Op op, const OpInfo& info) {
    uint32_t align = 0, offset = 0, memory = 0;
    r.u32(&align);
    if (multi_memory() && (align & kMemargMemoryIndex)) r.u32(&memory);
    r.u32(&offset);
    const bool load = info.result != kT_;
    if (!load && madd_add_ == last_start_ && madd_add_ != kNone &&
        fuse_mul_add_store(op, memory, offset))
      return;
    const uint32_t emitted = here();
    Slot value = load ? 0 : pop();
    if (memory != 0 || offset > kMaxShortMemOffset) {
      // One generic load and one generic store for memories other than 0 (multi-memory) and for
      // offsets above 16 bits (rare: memory 0's operations keep a one-unit offset and their
      // speed). The wasm opcode is the kind.
      Slot addr = pop();
      CodeUnit* p = memory_operands(code_op(load ? XOp::load_n : XOp::store_n), load, addr, value);
      put_u32(p + 3, offset);
      put_u32(p + 5, memory);
      p[7] = code_op(op);
      if (load) push_result();
      return;
    }
    // An address computed by `i32.add x, C` just before an access at offset 0 is fused into it.
    CodeUnit code = code_op(op);
    const Operand& a = stack_[height_ - 1];
    // A store of a constant in a loop took the constant back (it reads a constant slot), which
    // leaves the address computation last again (sieve's `flags[j] = 1`).
    const bool address_last = a.producer == last_start_ ||
                              (here() < emitted && a.producer != kNone && a.producer < here() &&
                               a.producer + instruction_units(at(a.producer)) == here());
    if (PICOWASM_FEATURE_FUSED_FORMS && offset == 0 && a.where == Where::home &&
        a.producer != kNone && address_last &&
        (at(a.producer)[0] == code_op(XOp::i32_add_imm) ||
         at(a.producer)[0] == code_op(XOp::i32_add_imm32))) {
      const CodeUnit* add = at(a.producer);
      const Slot base = add[2];
      const uint32_t imm = add[0] == code_op(XOp::i32_add_imm) ? imm16(add + 3) : read_u32(add + 3);
      rewind_to(a.producer);
      --height_;
      code = static_cast<CodeUnit>(kFirstWrappedMemOp + (code_op(op) - code_op(Op::i32_load)));
      put_u32(memory_operands(code, load, base, value) + 3, imm);
      if (load) push_result();
      return;
    }
    Slot addr = pop();
    emit_memory_access(code, load, addr, value, static_cast<CodeUnit>(offset));
  }

  // load: op dst, addr; store: op addr, value (the offset or immediate follows; load_n/store_n add
  // their memory and kind after it). Returns the instruction; a load's result is not pushed yet.
  CodeUnit* memory_operands(CodeUnit code, bool load, Slot addr, Slot value) {
    CodeUnit* p = instr(code, load ? 1 : kNone);
    if (load) {
      p[1] = static_cast<Slot>(home(height_));
      p[2] = addr;
    } else {
      p[1] = addr;
      p[2] = value;
    }
    return p;
  }
  // Memory 0: a 16-bit offset in the last unit.
  void emit_memory_access(CodeUnit code, bool load, Slot addr, Slot value, CodeUnit offset) {
    memory_operands(code, load, addr, value)[kMemAccessUnits - 1] = offset;
    if (load) push_result();
  }

  void unary(CodeUnit op) {
    Slot a = pop();
    CodeUnit* p = instr(op, 1);
    p[1] = static_cast<Slot>(home(height_));
    p[2] = a;
    push_result();
  }

  // A constant operand produced by the instruction just emitted can become an immediate.
  bool foldable(uint32_t pos) const {
    const Operand& o = stack_[pos];
    return o.where == Where::constant && o.producer == last_start_ && o.producer != kNone;
  }

  void binary(Op op) {
    const FoldRule* rule = fold_rule(op);
    if (rule && foldable(height_ - 1) && takes_imm(rule->imm, height_ - 1))
      return binary_imm(rule->imm);
    if (rule && rule->swapped != kNoSwap && foldable(height_ - 2) &&
        takes_imm(rule->swapped, height_ - 2)) {
      // Constant on the left. Nothing was emitted after it, so the right operand is a deferred
      // local: remove the constant and let the local take its stack position.
      Operand right = stack_[height_ - 1];
      uint64_t imm = const_value(stack_[height_ - 2].producer);
      rewind_to(stack_[height_ - 2].producer);
      stack_[height_ - 2] = right;
      --height_;
      return emit_binary_imm(rule->swapped, imm);
    }
    if (fuse_loaded_operands(code_op(op))) return;
    Slot b = pop(), a = pop();
    CodeUnit* p = instr(code_op(op), 1);
    p[1] = static_cast<Slot>(home(height_));
    p[2] = a, p[3] = b;
    push_result();
  }

  // ---- fused forms chosen from benchmark profiles (FUSE) ----
  // Each rewrites the last one or two instructions, which computed temporaries only the current
  // operation reads. Contiguity (the earlier one ends where the last begins) rules out a label or
  // any other write in between, so the fused form may read their sources later.

  // Whether the operand at `pos` is a temporary computed by the last instruction (`back` = 0) or
  // by the one just before it (`back` = 1, ending where the last begins, with no label between:
  // a loop's label there would be the target of its back edge).
  bool computed_by(uint32_t pos, int back) const {
    const Operand& o = stack_[pos];
    if (o.where != Where::home || o.producer == kNone || last_start_ == kNone) return false;
    if (back == 0) return o.producer == last_start_;
    return o.producer < last_start_ && o.producer >= label_floor_ &&
           o.producer + instruction_units(code_base_ + o.producer) == last_start_;
  }

  // The fused forms laid out "SSISI": op, s, a, imm_a, b, imm_b (`dst_field` 1 if s is the
  // destination, kNone if it is read).
  CodeUnit* emit_ssisi(XOp op, Slot s, Slot a, uint32_t imm_a, Slot b, uint32_t imm_b,
                       uint32_t dst_field) {
    CodeUnit* p = instr(code_op(op), dst_field);
    p[1] = s;
    p[2] = a;
    put_u32(p + 3, imm_a);
    p[5] = b;
    put_u32(p + 6, imm_b);
    return p;
  }

  // Locate mode keeps the module offsets of the last two instructions still in the code (a rewind
  // forgets those at or after the new start), so that a fused form reports the wasm instruction
  // in it that traps.
  void remember_offset(uint32_t start) {
    while (recent_start_[1] != kNone && recent_start_[1] >= start) {
      recent_start_[1] = recent_start_[0], recent_offset_[1] = recent_offset_[0];
      recent_start_[0] = kNone;
    }
    recent_start_[0] = recent_start_[1], recent_offset_[0] = recent_offset_[1];
    recent_start_[1] = start, recent_offset_[1] = wasm_offset();
  }
  uint32_t offset_at(uint32_t start) const {
    return recent_start_[1] == start   ? recent_offset_[1]
           : recent_start_[0] == start ? recent_offset_[0]
                                       : wasm_offset();
  }
  // After emitting a fused form at `start` that replaced loads at `first` and `second`: units
  // before `split` report the first load, the others the second (the interpreter points at
  // `split` when the second load traps).
  void locate_fused(uint32_t start, uint32_t split, uint32_t first, uint32_t second) {
    const uint32_t t = locate_target_;
    if (t == kNone || t < start || t >= here()) return;
    located_ = t < start + split ? first : second;
  }

  // i32.mul of two int8 loads (dense8's dot products), or a binary operation on a just-loaded
  // second operand (kLoadFusions).
  bool fuse_loaded_operands(CodeUnit op) {
    // Out of line behind the cheap tests: every i32.add not folded asks (load time).
    if (PICOWASM_FEATURE_FUSED_FORMS && op == code_op(Op::i32_add) && last_start_ != kNone &&
        (last_start_ == mac_add_ || at(last_start_)[0] == code_op(XOp::i32_mul_load8_s_pair)) &&
        fuse_multiply_accumulate())
      return true;
    Slot base_a, base_b;
    uint32_t imm_a, imm_b;
    // The candidates first: every binary operation not folded asks (load time).
    const LoadFusion* f = load_fusion(op);
    if (!PICOWASM_FEATURE_FUSED_FORMS ||
        (!f && op != code_op(Op::i32_mul) && op != code_op(Op::i32_xor)) ||
        !computed_by(height_ - 1, 0))
      return false;
    const CodeUnit load8 = code_op(Op::i32_load8_s);
    if (op == code_op(Op::i32_mul) && computed_by(height_ - 2, 1) &&
        wrapped_load(at(stack_[height_ - 2].producer), load8, &base_a, &imm_a) &&
        wrapped_load(at(last_start_), load8, &base_b, &imm_b)) {
      const uint32_t start = stack_[height_ - 2].producer;
      const uint32_t first = offset_at(start), second = offset_at(last_start_);
      rewind_to(start);
      height_ -= 2;
      emit_ssisi(XOp::i32_mul_load8_s_pair, static_cast<Slot>(home(height_)), base_a, imm_a, base_b,
                 imm_b, 1);
      locate_fused(start, kSecondLoadUnit, first, second);
      push_result();
      return true;
    }
    if (op == code_op(Op::i32_xor) && at(last_start_)[0] == code_op(XOp::i32_rotl_imm)) {
      // sha256's sigma functions: a ^ rotl(x, k).
      const CodeUnit x = at(last_start_)[2], k = at(last_start_)[3];
      rewind_to(last_start_);
      --height_;
      const Slot a = pop();
      CodeUnit* p = instr(code_op(XOp::i32_xor_rotl_imm), 1);
      p[1] = static_cast<Slot>(home(height_));
      p[2] = a;
      p[3] = x;
      p[4] = k;
      push_result();
      return true;
    }
    if (!f || !wrapped_load(at(last_start_), f->load, &base_b, &imm_b)) return false;
    const uint32_t start = last_start_, load = offset_at(start);
    // A sum of a product just computed by f64_mul_load: fuse_mul_add_store() may take both.
    const uint32_t product = stack_[height_ - 2].producer;
    const bool after_mul = f->fused == XOp::f64_add_load && computed_by(height_ - 2, 1) &&
                           at(product)[0] == code_op(XOp::f64_mul_load);
    rewind_to(start);
    --height_;
    const Slot a = pop();
    CodeUnit* p = instr(code_op(f->fused), 1);
    p[1] = static_cast<Slot>(home(height_));
    p[2] = a;
    p[3] = base_b;
    put_u32(p + 4, imm_b);
    locate_fused(start, 0, load, load);
    push_result();
    if (after_mul) madd_mul_ = product, madd_add_ = start;
    return true;
  }

  // Whether a fused load's base slots (units 2 and 5 of the "SSISI" forms) are no temporaries:
  // locals or loop constants, which the instructions the fused form moves across never write.
  bool own_bases(const CodeUnit* p) const {
    const auto temp = [this](Slot s) { return s >= first_temp_ && s < kMaxTempSlots; };
    return !temp(p[2]) && !temp(p[5]);
  }

  // dense8's dot products: clang sums four int8 products after computing them all, as
  // p1 + (p2 + (p3 + (p4 + acc))). The products keep their wasm order and accumulate in one slot
  // instead, (((p1 + p2) + p3) + p4) + acc, the same i32 (addition wraps): every product but the
  // first becomes i32_mac_load8_s_pair in place (same layout and size, so the trap locations
  // stay), and only the last add remains (4 dispatches fewer per 4 products). The first add of a
  // product just computed by a pair starts the chain [pair at mac_head_][macs][i32.add at
  // mac_add_]; an add of the pair just before the chain and the chain's sum extends it.
  [[gnu::noinline]] bool fuse_multiply_accumulate() {
    const CodeUnit pair = code_op(XOp::i32_mul_load8_s_pair);
    const uint32_t x = height_ - 2, y = height_ - 1;
    const Operand& px = stack_[x];
    if (last_start_ == mac_add_ && at(mac_add_)[0] == code_op(Op::i32_add) && computed_by(y, 0) &&
        px.where == Where::home && px.producer != kNone && px.producer >= label_floor_ &&
        px.producer + code_units(pair) == mac_head_ && at(px.producer)[0] == pair &&
        own_bases(at(px.producer))) {
      CodeUnit* add = at(mac_add_);
      CodeUnit* head = at(mac_head_);
      const Slot acc = head[1], sum = static_cast<Slot>(home(x));
      const Slot other = add[2] == acc ? add[3] : add[2];  // what the chain's sum is added to
      if ((add[2] != acc && add[3] != acc) || other == sum || other == acc) return false;
      at(px.producer)[1] = acc;  // the pair now starts the sum
      head[0] = code_op(XOp::i32_mac_load8_s_pair);
      add[1] = sum;
      mac_head_ = px.producer;
      --height_;  // the chain's sum, a temporary: the result takes x's place
      stack_[x].producer = mac_add_;
      return true;
    }
    if ((!computed_by(y, 0) && !computed_by(x, 0)) || at(last_start_)[0] != pair ||
        !own_bases(at(last_start_)))
      return false;
    const uint32_t head = last_start_;
    const Slot b = pop(), a = pop();
    CodeUnit* p = instr(code_op(Op::i32_add), 1);
    p[1] = static_cast<Slot>(home(height_));
    p[2] = a, p[3] = b;
    push_result();
    mac_head_ = head, mac_add_ = last_start_;
    return true;
  }

  // matmul's row update c[j] += a * b[j]: f64_mul_load, f64_add_load of c[j] and the store of the
  // sum to the same address (the store's address slot at offset 0, the load's at u32(c + 0)) in
  // one instruction, f64_mul_add_store at the f64_mul_load's place: 2 dispatches and 8 of 16 code
  // units fewer. Both loads are checked in wasm order; the store cannot fail after the second.
  [[gnu::noinline]] bool fuse_mul_add_store(Op op, uint32_t memory, uint32_t offset) {
    if (!PICOWASM_FEATURE_FUSED_FORMS || op != Op::f64_store || memory != 0 || offset != 0 ||
        !computed_by(height_ - 1, 0) || madd_mul_ < label_floor_ ||
        madd_mul_ + code_units(XOp::f64_mul_load) != madd_add_)
      return false;
    const CodeUnit* mul = at(madd_mul_);
    const CodeUnit* add = at(madd_add_);
    if (mul[0] != code_op(XOp::f64_mul_load) || add[0] != code_op(XOp::f64_add_load)) return false;
    const Slot addr = slot_of(height_ - 2);
    // The address slot is read before the product and the sum are written now.
    if (add[2] != mul[1] || add[3] != addr || read_u32(add + 4) != 0 || addr == mul[1] ||
        addr == add[1])
      return false;
    const Slot x = mul[2], b = mul[3];
    const uint32_t imm_b = read_u32(mul + 4), start = madd_mul_, kept = located_;
    pop();  // the sum, a temporary
    pop();  // the address
    rewind_to(start);
    emit_ssisi(XOp::f64_mul_add_store, x, b, imm_b, addr, 0, kNone);
    // Locate: units before kMulAddSecondLoadUnit still name the first load, the others the
    // second (the units the f64_mul_load and the f64_add_load took).
    located_ = kept;
    return true;
  }

  // select(x ^ K, x, c & M): CRC bit steps, (c & M) ? x ^ K : x in one instruction. The xor and the
  // and are the last two instructions (either may take its constant from a constant slot).
  bool fuse_conditional_xor() {
    const uint32_t cond = height_ - 1, b = height_ - 2, a = height_ - 3;
    uint32_t k, mask;
    if (!PICOWASM_FEATURE_FUSED_FORMS || !computed_by(cond, 0) || !computed_by(a, 1)) return false;
    const CodeUnit* x = at(stack_[a].producer);
    const CodeUnit* c = at(last_start_);
    if (!imm_operation(x, XOp::i32_xor_imm, XOp::i32_xor_imm32, Op::i32_xor, &k) ||
        !imm_operation(c, XOp::i32_and_imm, XOp::i32_and_imm32, Op::i32_and, &mask) ||
        x[2] != slot_of(b))
      return false;
    const Slot source = x[2], tested = c[2];
    rewind_to(stack_[a].producer);
    --height_;  // the condition, a temporary
    pop();      // x, maybe a deferred local
    pop();
    emit_ssisi(XOp::i32_xor_imm_if, static_cast<Slot>(home(height_)), source, k, tested, mask, 1);
    push_result();
    return true;
  }

  // `i32.const 0; local.set x` as a function's first instruction, outside any block (no label
  // can lead back to it), for a declared local: the frame starts it at zero already (fib's
  // accumulator, set again on every call).
  bool zeroes_fresh_local(const Operand& top, uint32_t x) {
    return top.where == Where::constant && top.producer == body_start_ &&
           top.producer == last_start_ && ctrl_depth_ == 1 && x >= first_declared_ &&
           x < const_base_ && const_value(top.producer) == 0;
  }

  // Whether `p` is the operation with a constant operand: an immediate form (16 or 32 bits), or
  // the plain one reading a constant slot; the constant goes to *v.
  bool imm_operation(const CodeUnit* p, XOp imm16_form, XOp imm32_form, Op plain,
                     uint32_t* v) const {
    if (p[0] == code_op(imm16_form) || p[0] == code_op(imm32_form)) {
      *v = third_operand(p);
      return true;
    }
    if (p[0] != code_op(plain) || p[3] < kMaxTempSlots) return false;
    *v = static_cast<uint32_t>(consts_[kConstMark - p[3]]);
    return true;
  }

  uint64_t const_value(uint32_t producer) {
    const CodeUnit* p = at(producer);
    if (p[0] == code_op(XOp::const0)) return 0;
    if (p[0] == code_op(XOp::const16)) return imm16(p + 2);
    return p[0] == code_op(XOp::const64) ? read_u64(p + 2) : read_u32(p + 2);
  }

  // Removes the last instruction (a constant about to be folded).
  void rewind_to(uint32_t producer) {
    emitted_ = producer;
    seal();
  }

  // Folds the constant on top of the stack into the operation.
  void binary_imm(XOp op) {
    uint64_t imm = const_value(stack_[height_ - 1].producer);
    rewind_to(stack_[height_ - 1].producer);
    --height_;  // a constant, never a deferred local
    emit_binary_imm(op, imm);
  }

  // Whether the constant at `pos` fits the immediate of `op`: a 16-bit one ('H') takes shift
  // counts (only their low 5 bits matter) and values that survive sign extension; arithmetic has
  // a 32-bit form for the others (wide_imm), comparisons leave them a constant (in a loop, a
  // constant slot).
  bool takes_imm(XOp op, uint32_t pos) {
    return takes_any_imm(op) || fits_imm16(const_value(stack_[pos].producer));
  }
  static bool takes_any_imm(XOp op) {
    return code_units(op) != kImm16Units || wide_imm(op) != kNoSwap || is_shift_imm(op);
  }

  // `i32.const C` right before a binary operation that takes C as its immediate (binary()'s first
  // fold): the immediate form is emitted at once instead of the constant, which binary() would
  // take back. Same code, frame and errors: taken only when pushing the constant would have needed
  // no check and both instructions fit the arena.
  bool fold_into_next(Body& r, uint32_t v) {
    const FoldRule* rule = fold_rule(static_cast<Op>(r.peek()));
    if (!rule || (!takes_any_imm(rule->imm) && !fits_imm16(v)) || height_ >= push_limit_ ||
        code_room_ - emitted_ < kImm16Units + 1)
      return false;
    if (height_ + 1 > max_height_) max_height_ = height_ + 1;  // the constant's position
    seal();
    wasm_pos_ = r.pos();
    r.byte();
    emit_binary_imm(rule->imm, v);
    return true;
  }
  static bool is_shift_imm(XOp op) {
    return (op >= XOp::i32_shl_imm && op <= XOp::i32_shr_u_imm) || op == XOp::i32_rotl_imm ||
           op == XOp::i32_rotr_imm;
  }

  // The immediate's width follows the operation's layout: H (16 bits), I (32) or L (64).
  void emit_binary_imm(XOp op, uint64_t imm) {
    if (wide_imm(op) != kNoSwap && !fits_imm16(imm)) op = wide_imm(op);
    // The result takes the operand's position: a pop and a push of it, without their checks (it
    // was pushed before). A constant operand takes pop()'s path, which may take it back.
    const uint32_t pos = height_ - 1;
    const Where where = stack_[pos].where;
    Slot a = static_cast<Slot>(home(pos));
    if (where == Where::constant) {
      a = pop();
      ++height_;
    } else if (where == Where::local) {
      a = static_cast<Slot>(stack_[pos].local);
      --deferred_;
    }
    CodeUnit* p = instr(code_op(op), 1);
    p[1] = static_cast<Slot>(home(pos));
    p[2] = a;
    if (code_units(op) == kImm16Units) {
      p[3] = static_cast<CodeUnit>(is_shift_imm(op) ? imm & 31 : imm);
    } else if (code_units(op) == kImm16Units + 1) {
      put_u32(p + 3, static_cast<uint32_t>(imm));
    } else {
      put_u64(p + 3, imm);  // the i64 operations
    }
    stack_[pos] = Operand{Where::home, 0, last_start_};
  }

  const Module& m_;
  Arena& arena_;
  Error error_;
  Body* reader_ = nullptr;
  uint32_t func_index_ = 0;

  CodeUnit* code_base_ = nullptr;
  Arena::Mark code_mark_{0};  // the arena's bottom at code_base_
  uint32_t emitted_ = 0;
  uint32_t code_room_ = 0;  // units that fit from code_base_ (see sync_code())
  CodeUnit dummy_[kDummyUnits] = {};

  uint32_t locate_target_ = kNone;  // locate(): code position looked for (relative to code base)
  uint32_t located_ = kNone;        // locate(): module offset found
  const uint8_t* wasm_pos_ = nullptr;  // the wasm instruction being translated (see wasm_offset)
  // locate(): start and module offset of the last two instructions emitted (see remember_offset)
  uint32_t recent_start_[2] = {kNone, kNone};
  uint32_t recent_offset_[2] = {0, 0};

  uint32_t last_start_ = kNone;  // start of the last emitted instruction, if it may be rewritten
  uint32_t last_dst_ = kNone;    // its destination field
  uint32_t label_floor_ = 0;     // the last loop's label: no fused form may span it
  // fuse_multiply_accumulate(): the chain's first pair and its add (kNone: no chain to extend)
  uint32_t mac_head_ = kNone;
  uint32_t mac_add_ = kNone;
  // fuse_mul_add_store(): an f64_mul_load and the f64_add_load of its product (kNone: none)
  uint32_t madd_mul_ = kNone;
  uint32_t madd_add_ = kNone;

  Operand* stack_ = nullptr;
  uint32_t height_ = 0;
  uint32_t max_height_ = 0;
  uint32_t deferred_ = 0;  // entries that are deferred locals
  uint32_t first_temp_ = 0;
  uint32_t limit_base_ = 0;  // first_temp_ for the limit checks (see kMaxConsts)

  Ctrl* ctrl_ = nullptr;
  uint32_t ctrl_depth_ = 0;
  bool skip_ = false;  // the innermost frame is unreachable or dead (refresh_skip())
  uint32_t stack_capacity_ = 0;
  uint32_t push_limit_ = 0;  // heights below which push() checks nothing
  uint32_t ctrl_capacity_ = 0;
  uint32_t loop_depth_ = 0;  // live loops enclosing the current instruction

  uint64_t consts_[kMaxConsts] = {};
  uint32_t num_consts_ = 0;      // constants in slots (kConstMark - k while translating)
  uint32_t const_base_ = 0;      // first constant slot (params + locals)
  uint32_t body_start_ = 0;      // code offset where the function being translated starts
  uint32_t first_declared_ = 0;  // its first declared local (after the params)
};

}  // namespace

uint32_t locate_module_offset(const Module& module, uint32_t func_index, uint32_t code_unit,
                              Arena* arena) {
  if (!arena || func_index < module.num_imported_functions || func_index >= module.num_functions)
    return kNone;
  Arena::Mark start = arena->mark();
  Translator t(module, *arena);
  uint32_t offset = t.locate(func_index, code_unit);
  arena->rewind(start);
  return offset;
}

Error translate_each(const Module& module, Arena& arena, const FunctionSink& sink) {
  const Arena::Mark start = arena.mark();
  Translator t(module, arena);
  const Error err = t.run_each(sink);
  arena.rewind(start);
  return err;
}

Error translate_module(const Module& module, Arena& arena, CompiledModule* out) {
  Arena::Mark start = arena.mark();
  Translator t(module, arena);
  Error err = t.run(out);
  if (!err.ok()) {
    arena.rewind(start);
    *out = CompiledModule{};
  }
  return err;
}

}  // namespace picowasm
