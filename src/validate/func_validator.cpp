// Function body validation (see func_validator.h).
//
// The algorithm is the one of the spec's validation appendix: an operand stack of value types,
// where "unknown" stands for any type popped from the polymorphic stack of unreachable code, and a
// control stack of frames recording each block's input/output types and the operand height at its
// start. Instructions are decoded and checked in the same pass; nothing is allocated per
// instruction.
#include "validate/func_validator.h"

#include <cstring>

#include "common/opcodes.h"
#include "decode/instr.h"
#include "decode/reader.h"
#include "picowasm/config.h"

namespace picowasm {
namespace {

constexpr uint8_t kUnknown = 0;  // operand of the polymorphic stack: matches every type
constexpr uint8_t kI32 = static_cast<uint8_t>(ValType::i32);
constexpr uint8_t kFuncRef = static_cast<uint8_t>(ValType::funcref);
constexpr uint8_t kNumericTypeMin = static_cast<uint8_t>(ValType::f64);  // 0x7C..0x7F: numeric

constexpr uint8_t kOpBlock = static_cast<uint8_t>(Op::block);
constexpr uint8_t kOpLoop = static_cast<uint8_t>(Op::loop);
constexpr uint8_t kOpIf = static_cast<uint8_t>(Op::if_);
constexpr uint8_t kOpElse = static_cast<uint8_t>(Op::else_);

constexpr uint32_t kInitialOperands = 64;
constexpr uint32_t kInitialFrames = 8;

// One-element result sequences for block types of the form `(result t)`: frames point into this
// table (flash) instead of storing the type themselves.
constexpr ValType kSingleTypes[] = {ValType::i32, ValType::i64,     ValType::f32,
                                    ValType::f64, ValType::funcref, ValType::externref};

const ValType* single_type(ValType t) {
  switch (t) {
    case ValType::i32: return &kSingleTypes[0];
    case ValType::i64: return &kSingleTypes[1];
    case ValType::f32: return &kSingleTypes[2];
    case ValType::f64: return &kSingleTypes[3];
    case ValType::funcref: return &kSingleTypes[4];
    case ValType::externref: return &kSingleTypes[5];
    case ValType::v128: break;  // rejected by read_valtype before we get here
  }
  return &kSingleTypes[0];
}

bool is_numeric_or_unknown(uint8_t t) {
  return t == kUnknown || t == 0x7F || t == 0x7E || t == 0x7D || t == 0x7C;
}

bool is_reference_or_unknown(uint8_t t) {
  return t == kUnknown || is_reftype(ValType(t));
}

bool same_types(const ValType* a, uint32_t na, const ValType* b, uint32_t nb) {
  if (na != nb) return false;
  if (a == b || na == 0) return true;
  return std::memcmp(a, b, na) == 0;
}

// log2 of the access size of each load/store from 0x28 i32.load to 0x3E i64.store32 (loads: i32
// i64 f32 f64, i32 8s 8u 16s 16u, i64 8s 8u 16s 16u 32s 32u; stores: i32 i64 f32 f64, i32 8 16,
// i64 8 16 32): the largest alignment exponent each accepts.
constexpr uint8_t kFirstMemoryOp = static_cast<uint8_t>(Op::i32_load);
constexpr uint8_t kNaturalAlignment[] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1,
                                         2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2};
static_assert(sizeof kNaturalAlignment ==
                  static_cast<uint8_t>(Op::i64_store32) - kFirstMemoryOp + 1,
              "one entry per load/store opcode");
uint32_t natural_alignment(Op op) {
  return kNaturalAlignment[static_cast<uint8_t>(op) - kFirstMemoryOp];
}

// Steps over a LEB128 integer of at most 4 bytes (28 bits: valid as any u32/s32/s64, so no
// range check is due); null when it is longer, or within 4 bytes of `end` (rare: a body ends
// with `end`), for the caller's exact path.
inline const uint8_t* skip_short_leb(const uint8_t* p, const uint8_t* end) {
  if (end - p < 4) return nullptr;
  if (p[0] < 0x80) return p + 1;
  if (p[1] < 0x80) return p + 2;
  if (p[2] < 0x80) return p + 3;
  if (p[3] < 0x80) return p + 4;
  return nullptr;
}

// An s32 (i32.const): a short one, or five bytes whose last has bits 4-6 copying the sign (bit 3).
inline const uint8_t* skip_s32(const uint8_t* p, const uint8_t* end) {
  if (const uint8_t* next = skip_short_leb(p, end)) return next;
  if (end - p < 5 || (p[4] >= 0x08 && (p[4] < 0x78 || p[4] >= 0x80))) return nullptr;
  return p + 5;
}

// A label or index of one or two bytes (below 16384); false when longer or past `end`.
inline bool read_short_index(const uint8_t*& p, const uint8_t* end, uint32_t* out) {
  if (p == end) return false;
  if (p[0] < 0x80) {
    *out = *p++;
    return true;
  }
  if (end - p < 2 || p[1] >= 0x80) return false;
  *out = (p[0] & 0x7Fu) | uint32_t{p[1]} << 7;
  p += 2;
  return true;
}

// memory.init and data.drop need the data count section (a decoding rule, so a malformed module).
// Deviation: without any data segment the module is left to the validation rule instead, which
// rejects it too ("unknown data segment", invalid): only the kind of rejection differs, no module
// the spec rejects is accepted. wast2json omits the section in exactly that case, so spec tests
// written as text and expecting "unknown data segment" arrive here without it.
bool data_count_missing(const Module& m) {
  return !m.has_data_count && m.num_datas > 0;
}
uint32_t data_count(const Module& m) {
  return m.has_data_count ? m.data_count : m.num_datas;
}

// The parameter and result types of a block.
struct BlockSig {
  const ValType* params = nullptr;
  const ValType* results = nullptr;
  uint32_t num_params = 0;
  uint32_t num_results = 0;
};

class FuncValidator {
 public:
  FuncValidator(const Module& module, uint32_t func_index, BodyScratch& scratch)
      : module_(module),
        func_index_(func_index),
        fn_(module.functions[func_index]),
        type_(module.types[fn_.type_index]),
        scratch_(scratch),
        r_(module.bytes.data, fn_.code.data, fn_.code.data + fn_.code.size,
           ErrorCode::unexpected_end_section),
        instr_(fn_.code.data),
        vals_(scratch.operands),
        vals_capacity_(scratch.operand_capacity),
        frames_(scratch.frames),
        frames_capacity_(scratch.frame_capacity) {}

  Error run() {
    prepare_locals();
    validate_instructions();
    // Grown stacks are kept for the next function.
    scratch_.operands = vals_;
    scratch_.operand_capacity = vals_capacity_;
    scratch_.frames = frames_;
    scratch_.frame_capacity = frames_capacity_;
    if (!err_.ok()) err_.function = func_index_;
    return err_;
  }

 private:
  // ---- errors ----------------------------------------------------------------------------------
  bool fail(ErrorCode code) { return fail_at(code, instr_); }
  bool fail_at(ErrorCode code, const uint8_t* where) {
    err_.code = code;
    err_.offset = static_cast<uint32_t>(where - module_.bytes.data);
    return false;
  }
  // Adopts the error the Reader (or a decode helper using it) recorded.
  bool reader_failed() {
    err_.code = r_.error().code;
    err_.offset = r_.error().offset;
    if (err_.code == ErrorCode::ok) err_.code = ErrorCode::unexpected_end_section;
    return false;
  }

  // ---- scratch growth --------------------------------------------------------------------------
  bool grow_operands(uint32_t needed) {
    if (needed > PICOWASM_MAX_OPERAND_STACK) return fail(ErrorCode::limit_operand_stack);
    uint64_t doubled = vals_capacity_ ? uint64_t{vals_capacity_} * 2 : kInitialOperands;
    uint64_t capacity = doubled > needed ? doubled : needed;
    if (capacity > PICOWASM_MAX_OPERAND_STACK) capacity = PICOWASM_MAX_OPERAND_STACK;
    uint8_t* grown = scratch_.arena->allocate_scratch_array<uint8_t>(static_cast<size_t>(capacity));
    if (!grown) return fail(ErrorCode::out_of_arena);
    if (height_) std::memcpy(grown, vals_, height_);
    vals_ = grown;
    vals_capacity_ = static_cast<uint32_t>(capacity);
    return true;
  }

  bool grow_frames() {
    // The function frame comes on top of PICOWASM_MAX_CONTROL_DEPTH nested blocks.
    constexpr uint32_t kMaxFrames = PICOWASM_MAX_CONTROL_DEPTH + 1;
    if (depth_ >= kMaxFrames) return fail(ErrorCode::limit_control_depth);
    uint32_t capacity = frames_capacity_ ? frames_capacity_ * 2 : kInitialFrames;
    if (capacity > kMaxFrames) capacity = kMaxFrames;
    CtrlFrame* grown = static_cast<CtrlFrame*>(
        scratch_.arena->allocate_scratch(sizeof(CtrlFrame) * capacity, alignof(CtrlFrame)));
    if (!grown) return fail(ErrorCode::out_of_arena);
    if (depth_) std::memcpy(static_cast<void*>(grown), frames_, sizeof(CtrlFrame) * depth_);
    frames_ = grown;
    frames_capacity_ = capacity;
    return true;
  }

  // ---- locals ----------------------------------------------------------------------------------
  void prepare_locals() {
    // The flat type table when it fits (see BodyScratch::local_types), else a search of the runs.
    const uint32_t num_all = type_.num_params + fn_.num_locals;
    // Numeric locals only: a reference-typed one leaves the function to the search (and its pushes
    // to push(), which records ref_values).
    if (scratch_.local_types && num_all <= scratch_.local_types_capacity &&
        fn_.num_locals <= fn_.code.size) {
      uint8_t* types = scratch_.local_types;
      bool numeric = true;
      for (uint32_t i = 0; i < type_.num_params; ++i) {
        *types = static_cast<uint8_t>(type_.params[i]);
        numeric &= *types++ >= kNumericTypeMin;
      }
      for (uint32_t run = 0; run < fn_.num_local_runs; ++run) {
        const uint8_t t = static_cast<uint8_t>(fn_.local_runs[run].type);
        std::memset(types, t, fn_.local_runs[run].count);
        types += fn_.local_runs[run].count;
        numeric &= t >= kNumericTypeMin;
      }
      if (numeric) num_local_types_ = num_all;
    }
    use_local_ends_ = scratch_.local_ends && fn_.num_local_runs <= scratch_.local_ends_capacity;
    if (!use_local_ends_) return;
    uint32_t end = 0;
    for (uint32_t i = 0; i < fn_.num_local_runs; ++i) {
      end += fn_.local_runs[i].count;  // the decoder bounds the total by PICOWASM_MAX_LOCALS
      scratch_.local_ends[i] = end;
    }
  }

  bool local_type(uint32_t index, uint8_t* out) {
    if (index < type_.num_params) {
      *out = static_cast<uint8_t>(type_.params[index]);
      return true;
    }
    uint32_t rel = index - type_.num_params;
    if (rel - run_first_ < run_count_) {
      *out = run_type_;
      return true;
    }
    if (rel >= fn_.num_locals) return false;
    uint32_t run = 0;
    if (use_local_ends_) {
      // First run whose cumulative end exceeds `rel`.
      const uint32_t* ends = scratch_.local_ends;
      uint32_t lo = 0, hi = fn_.num_local_runs;
      while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ends[mid] > rel) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      run = lo;
    } else {
      uint32_t end = 0;
      for (; run < fn_.num_local_runs; ++run) {
        end += fn_.local_runs[run].count;
        if (end > rel) break;
      }
    }
    if (run >= fn_.num_local_runs) return false;
    // Remember the run: accesses to one local, or neighbours of one type, come in streaks.
    run_count_ = fn_.local_runs[run].count;
    run_first_ = use_local_ends_ ? scratch_.local_ends[run] - run_count_ : first_of_run(run);
    run_type_ = static_cast<uint8_t>(fn_.local_runs[run].type);
    *out = run_type_;
    return true;
  }
  uint32_t first_of_run(uint32_t run) const {
    uint32_t first = 0;
    for (uint32_t i = 0; i < run; ++i) first += fn_.local_runs[i].count;
    return first;
  }

  // ---- operand stack ---------------------------------------------------------------------------
  CtrlFrame& top() { return frames_[depth_ - 1]; }

  bool push(uint8_t t) {
    if (height_ == vals_capacity_ && !grow_operands(height_ + 1)) return false;
    vals_[height_++] = t;
    if (is_reftype(static_cast<ValType>(t))) scratch_.ref_values = true;
    return true;
  }

  bool push_types(const ValType* types, uint32_t n) {
    if (n > vals_capacity_ - height_ && !grow_operands(height_ + n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      vals_[height_ + i] = static_cast<uint8_t>(types[i]);
      scratch_.ref_values |= is_reftype(types[i]);
    }
    height_ += n;
    return true;
  }

  // Pops any operand; unknown when popping past the start of an unreachable frame.
  bool pop_any(uint8_t* out) {
    if (height_ == floor_) {
      if (!polymorphic_) return fail(ErrorCode::type_mismatch);
      *out = kUnknown;
      return true;
    }
    *out = vals_[--height_];
    return true;
  }

  bool pop(uint8_t expect) {
    if (height_ == floor_) {
      if (!polymorphic_) return fail(ErrorCode::type_mismatch);
      return true;
    }
    uint8_t actual = vals_[--height_];
    if (actual != expect && actual != kUnknown) return fail(ErrorCode::type_mismatch);
    return true;
  }

  bool pop_types(const ValType* types, uint32_t n) {
    for (uint32_t i = n; i-- > 0;) {
      if (!pop(static_cast<uint8_t>(types[i]))) return false;
    }
    return true;
  }

  // Checks that the top of the stack matches `types` without popping (br_table targets).
  bool peek_types(const ValType* types, uint32_t n) {
    uint32_t available = height_ - floor_;
    for (uint32_t i = 0; i < n; ++i) {
      if (i >= available) return polymorphic_ || fail(ErrorCode::type_mismatch);
      uint8_t actual = vals_[height_ - 1 - i];
      if (actual != static_cast<uint8_t>(types[n - 1 - i]) && actual != kUnknown) {
        return fail(ErrorCode::type_mismatch);
      }
    }
    return true;
  }

  // ---- control stack ---------------------------------------------------------------------------
  bool push_ctrl(uint8_t opcode, const BlockSig& sig) {
    if (depth_ == frames_capacity_ && !grow_frames()) return false;
    CtrlFrame& frame = frames_[depth_++];
    frame.start_types = sig.params;
    frame.num_start = sig.num_params;
    frame.end_types = sig.results;
    frame.num_end = sig.num_results;
    frame.height = height_;
    frame.opcode = opcode;
    frame.unreachable = false;
    floor_ = height_;
    polymorphic_ = false;
    return push_types(sig.params, sig.num_params);
  }

  bool pop_ctrl(CtrlFrame* out) {
    const CtrlFrame& frame = top();
    if (!pop_types(frame.end_types, frame.num_end)) return false;
    if (height_ != frame.height) return fail(ErrorCode::type_mismatch);
    *out = frame;
    if (--depth_ > 0) {
      floor_ = top().height;
      polymorphic_ = top().unreachable;
    }
    return true;
  }

  void mark_unreachable() {
    height_ = floor_;
    top().unreachable = true;
    polymorphic_ = true;
  }

  // The frame `label` levels out, or unknown_label.
  bool label_frame(uint32_t label, const CtrlFrame** out) {
    if (label >= depth_) return fail(ErrorCode::unknown_label);
    *out = &frames_[depth_ - 1 - label];
    return true;
  }

  static void label_types(const CtrlFrame& frame, const ValType** types, uint32_t* n) {
    if (frame.opcode == kOpLoop) {
      *types = frame.start_types;
      *n = frame.num_start;
    } else {
      *types = frame.end_types;
      *n = frame.num_end;
    }
  }

  bool block_sig(const BlockType& bt, BlockSig* sig) {
    switch (bt.kind) {
      case BlockType::Kind::empty: break;
      case BlockType::Kind::value:
        sig->results = single_type(bt.value);
        sig->num_results = 1;
        break;
      case BlockType::Kind::index: {
        if (bt.type_index >= module_.num_types) return fail(ErrorCode::unknown_type);
        const FuncType& t = module_.types[bt.type_index];
        sig->params = t.params;
        sig->num_params = t.num_params;
        sig->results = t.results;
        sig->num_results = t.num_results;
        break;
      }
    }
    return true;
  }

  // ---- immediates and index spaces -------------------------------------------------------------
  bool read_index(uint32_t* out) { return r_.u32(out) || reader_failed(); }

  bool multi_memory() const {
    return PICOWASM_FEATURE_MULTI_MEMORY && (module_.features & kFeatureMultiMemory);
  }
  // A memory index immediate: a u32 with multi-memory, else the zero byte of 2.0.
  bool read_memory_index(uint32_t* out) {
    *out = 0;
    if (multi_memory()) return read_index(out);
    return read_zero_byte(r_) || reader_failed();
  }
  bool require_memory(uint32_t index) {
    return index < module_.num_memories || fail(ErrorCode::unknown_memory);
  }

  bool table_elem(uint32_t index, uint8_t* elem) {
    if (index >= module_.num_tables) return fail(ErrorCode::unknown_table);
    *elem = static_cast<uint8_t>(module_.tables[index].elem);
    return true;
  }

  bool require_data_index(uint32_t index) {
    return index < data_count(module_) || fail(ErrorCode::unknown_data);
  }

  // ---- instructions ----------------------------------------------------------------------------
  bool validate_instructions();
  bool instruction(Op op, const OpInfo* info);
  const uint8_t* fast_control(uint8_t byte, const uint8_t* p);
  // Whether the `n` operands below the top `h` are exactly `types` (no unknown, no shortfall).
  bool operands_are(uint32_t h, uint32_t floor, const ValType* types, uint32_t n) const {
    if (h - floor < n) return false;
    for (uint32_t i = 0; i < n; ++i) {
      if (vals_[h - n + i] != static_cast<uint8_t>(types[i])) return false;
    }
    return true;
  }
  bool validate_block(Op op);
  bool validate_br_table();
  bool typed_immediates(Op op, Imm imm);
  bool indirect_callee(const FuncType** callee);
  bool validate_tail_call(Op op);
  bool validate_prefixed(Op op);
  // The stack effect (p0, p1 -> r) of a numeric operator, load, store or constant, for the cases
  // validate_instructions() does not check in place (unknown operands, too few, a full stack).
  // Results are numeric, so ref_values stays as it is.
  bool apply_simple(const OpInfo& info) {
    if (info.param1 && !pop(info.param1)) return false;
    if (info.param0 && !pop(info.param0)) return false;
    return !info.result || push(info.result);
  }

  const Module& module_;
  const uint32_t func_index_;
  const Function& fn_;
  const FuncType& type_;
  BodyScratch& scratch_;
  Reader r_;
  const uint8_t* instr_;  // start of the instruction being validated, for error offsets
  Error err_;
  bool use_local_ends_ = false;
  uint32_t num_local_types_ = 0;  // entries of scratch_.local_types valid for this function
  // The run of locals found last (relative to the first non-parameter local): [first, first+count).
  uint32_t run_first_ = 0;
  uint32_t run_count_ = 0;
  uint8_t run_type_ = 0;

  uint8_t* vals_;
  uint32_t vals_capacity_;
  uint32_t height_ = 0;
  uint32_t floor_ = 0;        // the innermost frame's height ...
  bool polymorphic_ = false;  // ... and unreachable flag, kept here for pop()
  CtrlFrame* frames_;
  uint32_t frames_capacity_;
  uint32_t depth_ = 0;
};

bool FuncValidator::validate_block(Op op) {
  BlockType bt;
  if (!read_blocktype(r_, &bt)) return reader_failed();
  BlockSig sig;
  if (!block_sig(bt, &sig)) return false;
  if (op == Op::if_ && !pop(kI32)) return false;
  if (!pop_types(sig.params, sig.num_params)) return false;
  return push_ctrl(static_cast<uint8_t>(op), sig);
}

bool FuncValidator::validate_br_table() {
  uint32_t count;
  if (!r_.u32(&count)) return reader_failed();
  if (count > r_.remaining()) {
    r_.fail(ErrorCode::unexpected_end_section);
    return reader_failed();
  }
  // First pass: decode all labels (so that malformed immediates are found before type errors) and
  // find the default; the second pass re-reads them from the bytes, so nothing is stored.
  const uint8_t* labels = r_.pos();
  uint32_t label = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (!r_.u32(&label)) return reader_failed();
  }
  const uint8_t* labels_end = r_.pos();
  uint32_t default_label;
  if (!r_.u32(&default_label)) return reader_failed();
  if (count > PICOWASM_MAX_BR_TABLE) return fail(ErrorCode::limit_br_table);

  if (!pop(kI32)) return false;
  const CtrlFrame* frame;
  if (!label_frame(default_label, &frame)) return false;
  const ValType* default_types;
  uint32_t arity;
  label_types(*frame, &default_types, &arity);

  // Every target must take the same number of values, and the operands must fit each target.
  // Targets sharing a type sequence (the common case) are checked once.
  const ValType* last_checked = default_types;
  Reader again(module_.bytes.data, labels, labels_end, ErrorCode::unexpected_end_section);
  for (uint32_t i = 0; i < count; ++i) {
    again.u32(&label);  // cannot fail: decoded above
    if (!label_frame(label, &frame)) return false;
    const ValType* types;
    uint32_t n;
    label_types(*frame, &types, &n);
    if (n != arity) return fail(ErrorCode::type_mismatch);
    if (n == 0 || types == default_types || types == last_checked) continue;
    if (!peek_types(types, n)) return false;
    last_checked = types;
  }
  if (!pop_types(default_types, arity)) return false;
  mark_unreachable();
  return true;
}

// call_indirect's immediates: type index, then a funcref table.
bool FuncValidator::indirect_callee(const FuncType** callee) {
  uint32_t index, table;
  uint8_t elem;
  if (!read_index(&index) || !read_index(&table)) return false;
  if (!table_elem(table, &elem)) return false;
  if (index >= module_.num_types) return fail(ErrorCode::unknown_type);
  if (elem != kFuncRef) return fail(ErrorCode::type_mismatch);
  *callee = &module_.types[index];
  return true;
}

// return_call / return_call_indirect (tail-call proposal): a call whose results are the caller's
// own, so they must match the function's result types exactly; nothing follows it (like return).
bool FuncValidator::validate_tail_call(Op op) {
  if (!PICOWASM_FEATURE_TAIL_CALL || !(module_.features & kFeatureTailCall))
    return fail(ErrorCode::unsupported_tail_call);
  const FuncType* callee;
  if (op == Op::return_call) {
    uint32_t index;
    if (!read_index(&index)) return false;
    if (index >= module_.num_functions) return fail(ErrorCode::unknown_function);
    callee = &module_.func_type(index);
  } else if (!indirect_callee(&callee) || !pop(kI32)) {
    return false;
  }
  if (!same_types(callee->results, callee->num_results, type_.results, type_.num_results))
    return fail(ErrorCode::type_mismatch);
  if (!pop_types(callee->params, callee->num_params)) return false;
  mark_unreachable();
  return true;
}

// The immediates of an instruction with a (p0, p1 -> r) stack effect: a load/store's memarg,
// memory.size/grow's memory index, a constant.
bool FuncValidator::typed_immediates(Op op, Imm imm) {
  uint32_t memory = 0;
  if (imm == Imm::memarg) {
    uint32_t align, offset;
    if (!r_.u32(&align)) return reader_failed();
    if (multi_memory() && (align & kMemargMemoryIndex)) {
      align &= ~kMemargMemoryIndex;
      if (!read_index(&memory)) return false;
    }
    if (!r_.u32(&offset)) return reader_failed();
    if (!require_memory(memory)) return false;
    return align <= natural_alignment(op) || fail(ErrorCode::bad_alignment);
  }
  if (imm == Imm::memory) return read_memory_index(&memory) && require_memory(memory);
  if (imm == Imm::i32) {
    int32_t value;
    return r_.s32(&value) || reader_failed();
  }
  return skip_immediates(r_, imm) || reader_failed();
}

// 0xFC-prefixed instructions other than the saturating truncations (which are simple).
bool FuncValidator::validate_prefixed(Op op) {
  // table.grow/size/fill belong to reference types, the others to bulk memory: a build may leave
  // either out (config.h), and then refuses them before reading their immediates.
  const bool ref = op == Op::table_grow || op == Op::table_size || op == Op::table_fill;
  if (!(ref ? PICOWASM_FEATURE_REFERENCE_TYPES : PICOWASM_FEATURE_BULK_MEMORY))
    return fail(ref ? ErrorCode::unsupported_reference_types : ErrorCode::unsupported_bulk_memory);
  uint32_t a, b;
  uint8_t elem, elem2;
  switch (op) {
    case Op::memory_init:
      if (!read_index(&a) || !read_memory_index(&b)) return false;
      if (data_count_missing(module_)) return fail(ErrorCode::data_count_required);
      if (!require_memory(b) || !require_data_index(a)) return false;
      return pop(kI32) && pop(kI32) && pop(kI32);
    case Op::data_drop:
      if (!read_index(&a)) return false;
      if (data_count_missing(module_)) return fail(ErrorCode::data_count_required);
      return require_data_index(a);
    case Op::memory_copy:
      if (!read_memory_index(&a) || !read_memory_index(&b)) return false;
      return require_memory(a) && require_memory(b) && pop(kI32) && pop(kI32) && pop(kI32);
    case Op::memory_fill:
      if (!read_memory_index(&a)) return false;
      return require_memory(a) && pop(kI32) && pop(kI32) && pop(kI32);
    case Op::table_init:  // elem index, then table index
      if (!read_index(&a) || !read_index(&b)) return false;
      if (!table_elem(b, &elem)) return false;
      if (a >= module_.num_elems) return fail(ErrorCode::unknown_elem);
      if (static_cast<uint8_t>(module_.elems[a].type) != elem)
        return fail(ErrorCode::type_mismatch);
      return pop(kI32) && pop(kI32) && pop(kI32);
    case Op::elem_drop:
      if (!read_index(&a)) return false;
      return a < module_.num_elems || fail(ErrorCode::unknown_elem);
    case Op::table_copy:  // destination, then source
      if (!read_index(&a) || !read_index(&b)) return false;
      if (!table_elem(a, &elem) || !table_elem(b, &elem2)) return false;
      if (elem != elem2) return fail(ErrorCode::type_mismatch);
      return pop(kI32) && pop(kI32) && pop(kI32);
    case Op::table_grow:
      if (!read_index(&a) || !table_elem(a, &elem)) return false;
      return pop(kI32) && pop(elem) && push(kI32);
    case Op::table_size:
      if (!read_index(&a) || !table_elem(a, &elem)) return false;
      return push(kI32);
    case Op::table_fill:
      if (!read_index(&a) || !table_elem(a, &elem)) return false;
      return pop(kI32) && pop(elem) && pop(kI32);
    default: return fail(ErrorCode::illegal_opcode);  // unreachable: every 0xFC opcode is listed
  }
}

bool FuncValidator::validate_instructions() {
  BlockSig function_sig;
  function_sig.results = type_.results;
  function_sig.num_results = type_.num_results;
  if (!push_ctrl(kOpBlock, function_sig)) return false;

  // The common instructions are checked here on locals (cursor, operand stack), which the compiler
  // keeps in registers: the members are written back only before instruction(), which handles
  // every instruction (and every failure) the fast paths leave to it, from the opcode's end.
  const uint8_t* p = r_.pos();
  const uint8_t* const end = r_.end();
  uint8_t* vals = vals_;
  uint32_t h = height_;
  uint32_t cap = vals_capacity_;
  uint32_t floor = floor_;
  const uint8_t* const local_types = scratch_.local_types;
  // One comparison checks a one-byte index against both limits.
  const uint32_t num_local_types = num_local_types_ < 0x80 ? num_local_types_ : 0x80;
  const bool has_memory = module_.num_memories > 0;
  for (;;) {
    if (p >= end) {
      instr_ = p;
      return fail(ErrorCode::end_expected);
    }
    const uint8_t* const start = p;
    const uint8_t byte = *p++;
    const OpInfo* const info = op_info(byte);
    // The row as one word, imm | p0 << 8 | p1 << 16 | r << 24 (the compiler merges the loads).
    const uint32_t w = info ? uint32_t{static_cast<uint8_t>(info->imm)} |
                                  uint32_t{info->param0} << 8 | uint32_t{info->param1} << 16 |
                                  uint32_t{info->result} << 24
                            : 0;
    if (w >> 8) {
      // Numeric operators, loads/stores, constants: the table's (p0, p1 -> r) stack effect.
      const Imm imm = static_cast<Imm>(w & 0xFF);
      if (imm != Imm::none) {
        if (imm == Imm::i32) {
          if (p != end && *p < 0x80) {
            ++p;  // most constants are small
          } else if (!(p = skip_s32(p, end))) {
            goto slow;
          }
        } else if (imm == Imm::i64) {
          if (!(p = skip_short_leb(p, end))) goto slow;
        } else if (imm == Imm::memarg) {
          // An alignment within the natural one has bit 6 clear: no memory index follows.
          if (!has_memory || p == end || *p > kNaturalAlignment[byte - kFirstMemoryOp] ||
              !(p = skip_short_leb(p + 1, end)))
            goto slow;
        } else if (imm == Imm::f32 || imm == Imm::f64) {
          const uint32_t size = imm == Imm::f32 ? 4 : 8;
          if (static_cast<size_t>(end - p) < size) goto slow;
          p += size;
        } else {
          goto slow;  // memory.size/grow
        }
      }
      uint32_t nh = h;
      if (w & 0xFF0000) {
        // Both operands in one comparison: p0 below p1.
        if (nh - floor < 2 || (vals[nh - 2] | uint32_t{vals[nh - 1]} << 8) != ((w >> 8) & 0xFFFF))
          goto slow;
        nh -= 2;
      } else if (w & 0xFF00) {
        if (nh == floor || vals[nh - 1] != ((w >> 8) & 0xFF)) goto slow;
        nh -= 1;
      }
      if (w >> 24) {
        if (nh == cap) goto slow;
        vals[nh++] = static_cast<uint8_t>(w >> 24);
      }
      h = nh;
      continue;
    }
    if (byte >= static_cast<uint8_t>(Op::local_get) &&
        byte <= static_cast<uint8_t>(Op::local_tee)) {
      // The table holds numeric types only (see prepare_locals()).
      if (p == end || *p >= num_local_types) goto slow;
      const uint8_t t = local_types[*p];
      if (byte == static_cast<uint8_t>(Op::local_get)) {
        if (h == cap) goto slow;
        vals[h++] = t;
      } else {
        if (h == floor || vals[h - 1] != t) goto slow;
        if (byte == static_cast<uint8_t>(Op::local_set)) --h;
      }
      ++p;
      continue;
    }
    // Not inlined: the locals stay in registers; the members carry them across.
    height_ = h;
    if (const uint8_t* next = fast_control(byte, p)) {
      p = next;
      h = height_;
      floor = floor_;
      continue;
    }
  slow : {
    // Everything else, from the opcode's end: the members take the locals' values and back.
    instr_ = start;
    height_ = h;
    Op op = static_cast<Op>(byte);
    const OpInfo* slow_info = info;
    if (info) {
      r_.seek(p = start + 1);
    } else {
      r_.seek(start);
      if (!read_opcode(r_, &op, &slow_info)) return reader_failed();
    }
    if (!instruction(op, slow_info)) return false;
    if (depth_ == 0) return true;  // the function's `end`
    p = r_.pos();
    vals = vals_;
    h = height_;
    cap = vals_capacity_;
    floor = floor_;
  }
  }
}

// The common control, call, global and drop instructions in their plain forms: numeric block
// types, operands of exactly the expected types, short indices; `p` is after the opcode. Returns
// the end of the instruction, or null, having changed nothing, for every other case, which
// instruction() then checks (and reports) in full.
__attribute__((noinline)) const uint8_t* FuncValidator::fast_control(uint8_t byte,
                                                                     const uint8_t* p) {
  const uint8_t* const end = r_.end();
  uint32_t h = height_;
  const uint32_t floor = floor_;
  uint32_t index;
  switch (static_cast<Op>(byte)) {
    case Op::block:
    case Op::loop:
    case Op::if_: {
      if (p == end) return nullptr;
      const uint8_t bt = *p++;
      const ValType* results = nullptr;
      uint32_t num_results = 0;
      if (bt >= kNumericTypeMin && bt <= kI32) {
        results = single_type(static_cast<ValType>(bt));
        num_results = 1;
      } else if (bt != 0x40) {
        return nullptr;
      }
      uint32_t nh = h;
      if (byte == kOpIf) {
        if (nh == floor || vals_[nh - 1] != kI32) return nullptr;
        --nh;
      }
      if (depth_ == frames_capacity_) return nullptr;
      CtrlFrame& frame = frames_[depth_++];
      frame.start_types = nullptr;
      frame.num_start = 0;
      frame.end_types = results;
      frame.num_end = num_results;
      frame.height = nh;
      frame.opcode = byte;
      frame.unreachable = false;
      h = floor_ = nh;
      polymorphic_ = false;
      break;
    }
    case Op::end: {
      // Not the function's own end (the caller's slow path checks that the body ends there).
      if (depth_ < 2) return nullptr;
      const CtrlFrame& frame = top();
      if (frame.opcode == kOpIf && (frame.num_start | frame.num_end) != 0) return nullptr;
      if (h != frame.height + frame.num_end ||
          !operands_are(h, frame.height, frame.end_types, frame.num_end))
        return nullptr;
      --depth_;
      floor_ = top().height;
      polymorphic_ = top().unreachable;
      break;  // the results stay where they are
    }
    case Op::br:
    case Op::br_if: {
      uint32_t nh = h;
      if (!read_short_index(p, end, &index) || index >= depth_) return nullptr;
      if (byte == static_cast<uint8_t>(Op::br_if)) {
        if (nh == floor || vals_[nh - 1] != kI32) return nullptr;
        --nh;
      }
      const ValType* types;
      uint32_t n;
      label_types(frames_[depth_ - 1 - index], &types, &n);
      if (!operands_are(nh, floor, types, n)) return nullptr;
      if (byte == static_cast<uint8_t>(Op::br)) {
        nh = floor;
        top().unreachable = true;
        polymorphic_ = true;
      }
      h = nh;
      break;
    }
    case Op::call: {
      if (!read_short_index(p, end, &index) || index >= module_.num_functions) return nullptr;
      const FuncType& callee = module_.func_type(index);
      if (!operands_are(h, floor, callee.params, callee.num_params)) return nullptr;
      uint32_t nh = h - callee.num_params;
      if (callee.num_results > vals_capacity_ - nh) return nullptr;
      for (uint32_t i = 0; i < callee.num_results; ++i) {
        if (static_cast<uint8_t>(callee.results[i]) < kNumericTypeMin) return nullptr;
      }
      for (uint32_t i = 0; i < callee.num_results; ++i) {
        vals_[nh + i] = static_cast<uint8_t>(callee.results[i]);
      }
      h = nh + callee.num_results;
      break;
    }
    case Op::global_get:
    case Op::global_set: {
      if (!read_short_index(p, end, &index) || index >= module_.num_globals) return nullptr;
      const GlobalType& global = module_.globals[index].type;
      const uint8_t t = static_cast<uint8_t>(global.type);
      if (t < kNumericTypeMin) return nullptr;
      if (byte == static_cast<uint8_t>(Op::global_get)) {
        if (h == vals_capacity_) return nullptr;
        vals_[h++] = t;
      } else {
        if (!global.mutable_ || h == floor || vals_[h - 1] != t) return nullptr;
        --h;
      }
      break;
    }
    case Op::drop:
      if (h == floor) return nullptr;
      --h;
      break;
    default: return nullptr;  // rare enough for instruction()
  }
  height_ = h;
  return p;
}

// One instruction whose opcode was just read (r_ is after it).
bool FuncValidator::instruction(Op op, const OpInfo* info) {
  // Numeric operators, loads/stores, constants, memory.size/grow: the stack effect is the
  // table's (p0, p1 -> r) columns. Most instructions of a body.
  if (info->param0 | info->result) {
    if (info->imm != Imm::none && !typed_immediates(op, info->imm)) return false;
    return apply_simple(*info);
  }
  uint32_t index;
  uint8_t t1, t2;
  switch (op) {
    case Op::unreachable: mark_unreachable(); break;
    case Op::nop: break;
    case Op::block:
    case Op::loop:
    case Op::if_:
      if (!validate_block(op)) return false;
      break;
    case Op::else_: {
      // In the binary format `else` is only part of an `if`; anywhere else the spec's decoder
      // expects the `end` of the enclosing block.
      if (top().opcode != kOpIf) return fail(ErrorCode::end_expected);
      CtrlFrame frame;
      if (!pop_ctrl(&frame)) return false;
      BlockSig sig{frame.start_types, frame.end_types, frame.num_start, frame.num_end};
      if (!push_ctrl(kOpElse, sig)) return false;
      break;
    }
    case Op::end: {
      CtrlFrame frame;
      if (!pop_ctrl(&frame)) return false;
      // An `if` without `else` has an empty else branch, which must map params to results.
      if (frame.opcode == kOpIf &&
          !same_types(frame.start_types, frame.num_start, frame.end_types, frame.num_end)) {
        return fail(ErrorCode::type_mismatch);
      }
      if (depth_ == 0) {
        // The function frame is closed: this must be the last byte of the body.
        if (!r_.at_end()) return fail_at(ErrorCode::end_expected, r_.pos());
        return true;
      }
      if (!push_types(frame.end_types, frame.num_end)) return false;
      break;
    }
    case Op::br:
    case Op::br_if: {
      if (!read_index(&index)) return false;
      if (op == Op::br_if && !pop(kI32)) return false;
      const CtrlFrame* frame;
      if (!label_frame(index, &frame)) return false;
      const ValType* types;
      uint32_t n;
      label_types(*frame, &types, &n);
      if (!pop_types(types, n)) return false;
      if (op == Op::br) {
        mark_unreachable();
      } else if (!push_types(types, n)) {
        return false;
      }
      break;
    }
    case Op::br_table:
      if (!validate_br_table()) return false;
      break;
    case Op::return_:
      if (!pop_types(type_.results, type_.num_results)) return false;
      mark_unreachable();
      break;
    case Op::call: {
      if (!read_index(&index)) return false;
      if (index >= module_.num_functions) return fail(ErrorCode::unknown_function);
      const FuncType& callee = module_.func_type(index);
      if (!pop_types(callee.params, callee.num_params)) return false;
      if (!push_types(callee.results, callee.num_results)) return false;
      break;
    }
    case Op::call_indirect: {
      const FuncType* callee;
      if (!indirect_callee(&callee) || !pop(kI32)) return false;
      if (!pop_types(callee->params, callee->num_params)) return false;
      if (!push_types(callee->results, callee->num_results)) return false;
      break;
    }
    case Op::return_call:
    case Op::return_call_indirect:
      if (!validate_tail_call(op)) return false;
      break;
    case Op::drop:
      if (!pop_any(&t1)) return false;
      break;
    case Op::select:
      // Untyped select is limited to numeric operands.
      if (!pop(kI32) || !pop_any(&t1) || !pop_any(&t2)) return false;
      if (!is_numeric_or_unknown(t1) || !is_numeric_or_unknown(t2)) {
        return fail(ErrorCode::type_mismatch);
      }
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return fail(ErrorCode::type_mismatch);
      if (!push(t1 == kUnknown ? t2 : t1)) return false;
      break;
    case Op::select_t: {
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      uint32_t count;
      if (!r_.u32(&count)) return reader_failed();
      ValType t = ValType::i32;
      for (uint32_t i = 0; i < count; ++i) {
        if (!read_valtype(r_, &t)) return reader_failed();
      }
      if (count != 1) return fail(ErrorCode::invalid_result_arity);
      uint8_t type = static_cast<uint8_t>(t);
      if (!pop(kI32) || !pop(type) || !pop(type) || !push(type)) return false;
      break;
    }
    case Op::local_get:
    case Op::local_set:
    case Op::local_tee:
      if (!read_index(&index)) return false;
      if (!local_type(index, &t1)) return fail(ErrorCode::unknown_local);
      if (op != Op::local_get && !pop(t1)) return false;
      if (op != Op::local_set && !push(t1)) return false;
      break;
    case Op::global_get:
    case Op::global_set: {
      if (!read_index(&index)) return false;
      if (index >= module_.num_globals) return fail(ErrorCode::unknown_global);
      const GlobalType& global = module_.globals[index].type;
      t1 = static_cast<uint8_t>(global.type);
      if (op == Op::global_get) {
        if (!push(t1)) return false;
      } else {
        if (!global.mutable_) return fail(ErrorCode::immutable_global);
        if (!pop(t1)) return false;
      }
      break;
    }
    case Op::table_get:
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      if (!read_index(&index) || !table_elem(index, &t1)) return false;
      if (!pop(kI32) || !push(t1)) return false;
      break;
    case Op::table_set:
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      if (!read_index(&index) || !table_elem(index, &t1)) return false;
      if (!pop(t1) || !pop(kI32)) return false;
      break;
    case Op::ref_null: {
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      ValType t;
      if (!read_reftype(r_, &t)) return reader_failed();
      if (!push(static_cast<uint8_t>(t))) return false;
      break;
    }
    case Op::ref_is_null:
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      if (!pop_any(&t1)) return false;
      if (!is_reference_or_unknown(t1)) return fail(ErrorCode::type_mismatch);
      if (!push(kI32)) return false;
      break;
    case Op::ref_func:
      if (!PICOWASM_FEATURE_REFERENCE_TYPES) return fail(ErrorCode::unsupported_reference_types);
      if (!read_index(&index)) return false;
      if (index >= module_.num_functions) return fail(ErrorCode::unknown_function);
      if (!module_.is_declared_ref(index)) return fail(ErrorCode::undeclared_func_ref);
      if (!push(kFuncRef)) return false;
      break;
    case Op::memory_init:
    case Op::data_drop:
    case Op::memory_copy:
    case Op::memory_fill:
    case Op::table_init:
    case Op::elem_drop:
    case Op::table_copy:
    case Op::table_grow:
    case Op::table_size:
    case Op::table_fill:
      if (!validate_prefixed(op)) return false;
      break;
    default:
      // Every instruction without a (p0, p1 -> r) stack effect is listed above.
      if (!skip_immediates(r_, info->imm)) return reader_failed();
      break;
  }
  return true;
}

}  // namespace

Error validate_function_body(const Module& module, uint32_t func_index, BodyScratch& scratch) {
  FuncValidator validator(module, func_index, scratch);
  return validator.run();
}

Error scan_function_structure(const Module& module, uint32_t func_index) {
  const Function& fn = module.functions[func_index];
  Reader r(module.bytes.data, fn.code.data, fn.code.data + fn.code.size,
           ErrorCode::unexpected_end_section);
  Error err;
  err.function = func_index;
  // Bit d is set while the block at nesting depth d is an `if` still in its then-branch. Deeper
  // nesting than the bitmap covers is not tracked (an `else` there is assumed to be in place).
  constexpr uint32_t kTrackedDepth = 512;
  uint8_t open_if[kTrackedDepth / 8] = {};
  uint32_t depth = 0;  // blocks open inside the function frame
  for (;;) {
    const uint8_t* at = r.pos();
    err.offset = static_cast<uint32_t>(at - module.bytes.data);
    if (r.at_end()) {
      err.code = ErrorCode::end_expected;
      return err;
    }
    Op op;
    const OpInfo* info;
    if (!read_opcode(r, &op, &info) || !skip_immediates(r, info->imm)) {
      err.code = r.error().code;
      err.offset = r.error().offset;
      return err;
    }
    switch (op) {
      case Op::block:
      case Op::loop:
      case Op::if_:
        ++depth;
        if (depth < kTrackedDepth) {
          uint8_t bit = static_cast<uint8_t>(1u << (depth & 7));
          if (op == Op::if_) {
            open_if[depth >> 3] |= bit;
          } else {
            open_if[depth >> 3] &= static_cast<uint8_t>(~bit);
          }
        }
        break;
      case Op::else_:
        if (depth == 0) {
          err.code = ErrorCode::end_expected;
          return err;
        }
        if (depth < kTrackedDepth) {
          uint8_t bit = static_cast<uint8_t>(1u << (depth & 7));
          if (!(open_if[depth >> 3] & bit)) {
            err.code = ErrorCode::end_expected;
            return err;
          }
          open_if[depth >> 3] &= static_cast<uint8_t>(~bit);
        }
        break;
      case Op::end:
        if (depth == 0) {
          if (!r.at_end()) {
            err.code = ErrorCode::end_expected;
            err.offset = r.offset();
            return err;
          }
          return Error{};
        }
        --depth;
        break;
      case Op::memory_init:
      case Op::data_drop:
        if (data_count_missing(module)) {
          err.code = ErrorCode::data_count_required;
          return err;
        }
        break;
      default: break;
    }
  }
}

}  // namespace picowasm
