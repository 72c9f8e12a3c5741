// Constant-expression evaluation and the bounds-checked segment copies behind table.init /
// memory.init, used both by instantiation (active segments) and by the interpreter.
#include "runtime/segments.h"

#include <cstring>

#include "common/opcodes.h"
#include "decode/instr.h"
#include "decode/reader.h"

namespace picowasm {

namespace {

// A validated 2.0 constant expression leaves one value and never holds more than one; the
// extended-const proposal allows arithmetic, which needs a little more room. Deeper expressions
// cannot pass validation, so running out of room only stops evaluation (result 0).
constexpr uint32_t kConstStackDepth = PICOWASM_MAX_CONST_EXPR_STACK;

uint64_t func_ref(const Instance& instance, uint32_t func_index) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(instance.funcs[func_index]));
}

// Extended-const arithmetic: i32 results are kept zero-extended, like every i32 slot.
uint64_t apply_binary(Op op, uint64_t a, uint64_t b) {
  const uint32_t a32 = static_cast<uint32_t>(a), b32 = static_cast<uint32_t>(b);
  switch (op) {
    case Op::i32_add: return static_cast<uint32_t>(a32 + b32);
    case Op::i32_sub: return static_cast<uint32_t>(a32 - b32);
    case Op::i32_mul: return static_cast<uint32_t>(a32 * b32);
    case Op::i64_add: return a + b;
    case Op::i64_sub: return a - b;
    case Op::i64_mul: return a * b;
    default: return 0;
  }
}

// The reference an element segment's item `item` evaluates to.
uint64_t elem_item(const Instance& instance, const ElemSegment& seg, uint32_t item) {
  if (seg.func_indices) return func_ref(instance, seg.func_indices[item]);
  if (seg.exprs) return eval_const_expr(instance, seg.exprs[item]);
  return 0;
}

}  // namespace

uint64_t eval_const_expr(const Instance& instance, const ConstExpr& expr) {
  const Module& m = *instance.module;
  if (!expr.data) return 0;
  Reader r(m.bytes.data, expr.data, expr.data + expr.size, ErrorCode::unexpected_end);
  uint64_t stack[kConstStackDepth];
  uint32_t height = 0;
  while (!r.at_end()) {
    Op op;
    const OpInfo* info;
    if (!read_opcode(r, &op, &info)) break;
    uint64_t value = 0;
    switch (op) {
      case Op::end: return height ? stack[height - 1] : 0;
      case Op::i32_const: {
        int32_t v = 0;
        r.s32(&v);
        value = static_cast<uint32_t>(v);
        break;
      }
      case Op::i64_const: {
        int64_t v = 0;
        r.s64(&v);
        value = static_cast<uint64_t>(v);
        break;
      }
      case Op::f32_const: {
        uint32_t bits = 0;
        r.f32_bits(&bits);
        value = bits;
        break;
      }
      case Op::f64_const: r.f64_bits(&value); break;
      case Op::ref_null: {
        ValType type;
        read_reftype(r, &type);
        value = 0;
        break;
      }
      case Op::ref_func: {
        uint32_t index = 0;
        r.u32(&index);
        value = func_ref(instance, index);
        break;
      }
      case Op::global_get: {
        uint32_t index = 0;
        r.u32(&index);
        value = instance.globals[index]->value;
        break;
      }
      case Op::i32_add:
      case Op::i32_sub:
      case Op::i32_mul:
      case Op::i64_add:
      case Op::i64_sub:
      case Op::i64_mul:
        // (Compiled out with the proposal: such expressions cannot pass validation then.)
        if (!PICOWASM_FEATURE_EXTENDED_CONST || height < 2) return 0;
        height -= 1;
        value = apply_binary(op, stack[height - 1], stack[height]);
        height -= 1;
        break;
      default: return 0;  // not constant: cannot pass validation
    }
    if (!r.ok() || height == kConstStackDepth) return 0;
    stack[height++] = value;
  }
  return height ? stack[height - 1] : 0;
}

ErrorCode table_init(Instance& instance, TableInst& table, uint32_t elem_index, uint32_t dst,
                     uint32_t src, uint32_t n) {
  const ElemSegment& seg = instance.module->elems[elem_index];
  const uint64_t seg_len = instance.elem_dropped[elem_index] ? 0 : seg.count;
  // 64-bit sums: src + n and dst + n cannot wrap around.
  if (uint64_t{src} + n > seg_len || uint64_t{dst} + n > table.size) {
    return ErrorCode::trap_table_oob;
  }
  for (uint32_t i = 0; i < n; ++i) table.elems[dst + i] = elem_item(instance, seg, src + i);
  return ErrorCode::ok;
}

ErrorCode memory_init(Instance& instance, MemoryInst* memory, uint32_t data_index, uint32_t dst,
                      uint32_t src, uint32_t n) {
  const DataSegment& seg = instance.module->datas[data_index];
  const uint64_t seg_len = instance.data_dropped[data_index] ? 0 : seg.bytes.size;
  const uint64_t mem_size = memory ? memory->size : 0;
  if (uint64_t{src} + n > seg_len || uint64_t{dst} + n > mem_size) {
    return ErrorCode::trap_memory_oob;
  }
  if (n > 0) std::memcpy(memory->data + dst, seg.bytes.data + src, n);
  return ErrorCode::ok;
}

}  // namespace picowasm
