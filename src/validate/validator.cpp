// validate_module(): the WebAssembly 2.0 validation rules for a decoded module.
//
// Module-level checks follow the order of the reference interpreter (imports, functions, globals,
// tables, memories, element and data segments, code, start, exports); function bodies are checked
// by func_validator.cpp. The only lasting allocation is the bitmap of functions that `ref.func` may
// name (C.refs); everything else is scratch, given back to the arena before returning.
#include <cstring>

#include "common/make_error.h"
#include "common/opcodes.h"
#include "decode/instr.h"
#include "decode/reader.h"
#include "picowasm/config.h"
#include "validate/func_validator.h"
#include "validate/validator.h"

namespace picowasm {
namespace {

uint32_t offset_of(const Module& m, const void* p) {
  return p ? static_cast<uint32_t>(static_cast<const uint8_t*>(p) - m.bytes.data) : 0;
}

// ---- C.refs: functions that may be named by ref.func in a body --------------------------------

void mark_ref(const Module& m, uint8_t* bits, uint32_t func) {
  if (func < m.num_functions) bits[func >> 3] |= static_cast<uint8_t>(1u << (func & 7));
}

// Marks every ref.func operand of a constant expression (already well-formed: the decoder skipped
// it; validity is checked later, so a failed read just ends the scan).
void mark_refs_in_expr(const Module& m, uint8_t* bits, ConstExpr expr) {
  if (!expr.data) return;
  Reader r(m.bytes.data, expr.data, expr.data + expr.size, ErrorCode::unexpected_end_section);
  while (!r.at_end()) {
    Op op;
    const OpInfo* info;
    if (!read_opcode(r, &op, &info)) return;
    if (op == Op::ref_func) {
      uint32_t func;
      if (!r.u32(&func)) return;
      mark_ref(m, bits, func);
    } else if (!skip_immediates(r, info->imm)) {
      return;
    }
  }
}

// The spec's C.refs: every function index occurring in the module outside function bodies and the
// start section (element segments, global initialisers, exports, segment offsets).
void collect_declared_refs(const Module& m, uint8_t* bits) {
  for (uint32_t i = m.num_imported_globals; i < m.num_globals; ++i) {
    mark_refs_in_expr(m, bits, m.globals[i].init);
  }
  for (uint32_t i = 0; i < m.num_elems; ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::active) mark_refs_in_expr(m, bits, seg.offset);
    for (uint32_t k = 0; k < seg.count; ++k) {
      if (seg.func_indices) {
        mark_ref(m, bits, seg.func_indices[k]);
      } else if (seg.exprs) {
        mark_refs_in_expr(m, bits, seg.exprs[k]);
      }
    }
  }
  for (uint32_t i = 0; i < m.num_datas; ++i) {
    if (m.datas[i].mode == SegmentMode::active) mark_refs_in_expr(m, bits, m.datas[i].offset);
  }
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    if (m.exports[i].kind == ExternKind::func) mark_ref(m, bits, m.exports[i].index);
  }
}

// ---- constant expressions ---------------------------------------------------------------------

// 2.0 rules: only t.const, ref.null, ref.func and global.get of an immutable imported global, and
// the expression must leave exactly one value of type `expected`; with extended-const
// (Module::features) also i32/i64 add, sub and mul. As in the reference interpreter, constness is
// checked over the whole expression before typing errors are reported.
Error check_const_expr(const Module& m, ConstExpr expr, ValType expected) {
  const uint8_t* begin = expr.data ? expr.data : m.bytes.data;
  Reader r(m.bytes.data, begin, begin + expr.size, ErrorCode::unexpected_end_section);
  const bool extended = PICOWASM_FEATURE_EXTENDED_CONST && (m.features & kFeatureExtendedConst);
  Error typing;  // first typing error, reported once the expression is known to be constant
  ValType stack[PICOWASM_MAX_CONST_EXPR_STACK];
  uint32_t height = 0;
  for (;;) {
    const uint8_t* at = r.pos();
    uint32_t at_offset = offset_of(m, at);
    if (r.at_end()) return make_error(ErrorCode::end_expected, at_offset);
    Op op;
    const OpInfo* info;
    if (!read_opcode(r, &op, &info)) return r.error();
    uint32_t index;
    ValType pushed;
    switch (op) {
      case Op::i32_const:
      case Op::i64_const:
      case Op::f32_const:
      case Op::f64_const:
        if (!skip_immediates(r, info->imm)) return r.error();
        pushed = static_cast<ValType>(info->result);
        break;
      case Op::ref_null:
        if (!read_reftype(r, &pushed)) return r.error();
        break;
      case Op::ref_func:
        if (!r.u32(&index)) return r.error();
        if (index >= m.num_functions && typing.ok()) {
          typing = make_error(ErrorCode::unknown_function, at_offset);
        }
        pushed = ValType::funcref;
        break;
      case Op::global_get:
        if (!r.u32(&index)) return r.error();
        // Only imported globals are visible to constant expressions in 2.0.
        if (index >= m.num_imported_globals)
          return make_error(ErrorCode::unknown_global, at_offset);
        if (m.globals[index].type.mutable_) {
          return make_error(ErrorCode::constant_expr_required, at_offset);
        }
        pushed = m.globals[index].type.type;
        break;
      case Op::i32_add:
      case Op::i32_sub:
      case Op::i32_mul:
      case Op::i64_add:
      case Op::i64_sub:
      case Op::i64_mul: {
        if (!extended) return make_error(ErrorCode::constant_expr_required, at_offset);
        pushed = static_cast<ValType>(info->result);
        const bool operands_ok = height >= 2 && stack[height - 1] == pushed &&
                                 stack[height - 2] == pushed;
        if (!operands_ok && typing.ok()) typing = make_error(ErrorCode::type_mismatch, at_offset);
        height = height >= 2 ? height - 2 : 0;
        break;
      }
      case Op::end:
        if (!typing.ok()) return typing;
        if (height != 1 || stack[0] != expected) {
          return make_error(ErrorCode::type_mismatch, at_offset);
        }
        return Error{};
      default: return make_error(ErrorCode::constant_expr_required, at_offset);
    }
    if (height == PICOWASM_MAX_CONST_EXPR_STACK) {
      // Without arithmetic, a second value already makes the expression ill-typed; with it, a
      // deeper expression could be valid but exceeds the implementation limit.
      if (extended) return make_error(ErrorCode::limit_operand_stack, at_offset);
      if (typing.ok()) typing = make_error(ErrorCode::type_mismatch, at_offset);
      continue;
    }
    stack[height++] = pushed;
  }
}

// ---- limits -----------------------------------------------------------------------------------

Error check_limits(const Limits& limits, uint32_t range, ErrorCode range_error) {
  if (limits.min > range) return make_error(range_error, 0);
  if (limits.has_max) {
    if (limits.max > range) return make_error(range_error, 0);
    if (limits.min > limits.max) return make_error(ErrorCode::limits_min_gt_max, 0);
  }
  return Error{};
}

Error check_table_type(const TableType& t) {
  return check_limits(t.limits, 0xFFFFFFFFu, ErrorCode::table_size_too_large);
}

Error check_memory_type(const Module& m, const MemoryType& t) {
  if (t.custom_page_size) {
    if (!PICOWASM_FEATURE_CUSTOM_PAGE_SIZES || !(m.features & kFeatureCustomPageSizes)) {
      return make_error(ErrorCode::unsupported_page_size, 0);
    }
    if (t.page_size_log2 != 0 && t.page_size_log2 != PICOWASM_PAGE_SIZE_LOG2) {
      return make_error(ErrorCode::invalid_page_size, 0);
    }
  }
  return check_limits(t.limits, t.max_pages(), ErrorCode::memory_size_too_large);
}

// ---- exports ----------------------------------------------------------------------------------

bool name_less(const Name& a, const Name& b) {
  uint32_t n = a.size < b.size ? a.size : b.size;
  int c = n ? std::memcmp(a.data, b.data, n) : 0;
  return c < 0 || (c == 0 && a.size < b.size);
}

void sift_down(uint32_t* order, uint32_t root, uint32_t n, const Export* exports) {
  for (;;) {
    uint32_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && name_less(exports[order[child]].name, exports[order[child + 1]].name)) {
      ++child;
    }
    if (!name_less(exports[order[root]].name, exports[order[child]].name)) return;
    uint32_t tmp = order[root];
    order[root] = order[child];
    order[child] = tmp;
    root = child;
  }
}

// Heapsort: O(n log n), in place, no recursion.
void sort_by_name(uint32_t* order, uint32_t n, const Export* exports) {
  for (uint32_t i = n / 2; i-- > 0;) sift_down(order, i, n, exports);
  for (uint32_t end = n; end-- > 1;) {
    uint32_t tmp = order[0];
    order[0] = order[end];
    order[end] = tmp;
    sift_down(order, 0, end, exports);
  }
}

Error check_exports(const Module& m, Arena& arena) {
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    const Export& e = m.exports[i];
    ErrorCode code = ErrorCode::ok;
    switch (e.kind) {
      case ExternKind::func:
        if (e.index >= m.num_functions) code = ErrorCode::unknown_function;
        break;
      case ExternKind::table:
        if (e.index >= m.num_tables) code = ErrorCode::unknown_table;
        break;
      case ExternKind::memory:
        if (e.index >= m.num_memories) code = ErrorCode::unknown_memory;
        break;
      case ExternKind::global:
        if (e.index >= m.num_globals) code = ErrorCode::unknown_global;
        break;
    }
    if (code != ErrorCode::ok) return make_error(code, offset_of(m, e.name.data));
  }
  if (m.num_exports < 2) return Error{};

  // Duplicate names: sort an index array (scratch) by name, then compare neighbours.
  Arena::ScratchMark mark = arena.scratch_mark();
  uint32_t* order = arena.allocate_scratch_array<uint32_t>(m.num_exports);
  if (!order) return make_error(ErrorCode::out_of_arena, 0);
  for (uint32_t i = 0; i < m.num_exports; ++i) order[i] = i;
  sort_by_name(order, m.num_exports, m.exports);
  Error err;
  for (uint32_t i = 1; i < m.num_exports; ++i) {
    const Name& a = m.exports[order[i - 1]].name;
    const Name& b = m.exports[order[i]].name;
    if (a.equals(b.data, b.size)) {
      // Report the later of the two in module order.
      const Name& later = order[i] > order[i - 1] ? b : a;
      err = make_error(ErrorCode::duplicate_export, offset_of(m, later.data));
      break;
    }
  }
  arena.rewind_scratch(mark);
  return err;
}

// ---- segments ---------------------------------------------------------------------------------

Error check_elem(const Module& m, const ElemSegment& seg) {
  for (uint32_t k = 0; k < seg.count; ++k) {
    if (seg.func_indices) {
      if (seg.func_indices[k] >= m.num_functions) {
        return make_error(ErrorCode::unknown_function, offset_of(m, seg.offset.data));
      }
    } else if (seg.exprs) {
      Error err = check_const_expr(m, seg.exprs[k], seg.type);
      if (!err.ok()) return err;
    }
  }
  if (seg.mode == SegmentMode::active) {
    uint32_t at = offset_of(m, seg.offset.data);
    if (seg.table_index >= m.num_tables) return make_error(ErrorCode::unknown_table, at);
    Error err = check_const_expr(m, seg.offset, ValType::i32);
    if (!err.ok()) return err;
    if (m.tables[seg.table_index].elem != seg.type) return make_error(ErrorCode::type_mismatch, at);
  }
  return Error{};
}

Error check_data(const Module& m, const DataSegment& seg) {
  if (seg.mode != SegmentMode::active) return Error{};
  if (seg.memory_index >= m.num_memories) {
    return make_error(ErrorCode::unknown_memory, offset_of(m, seg.offset.data));
  }
  return check_const_expr(m, seg.offset, ValType::i32);
}

// ---- everything before the code section's bodies ---------------------------------------------

Error check_module_fields(const Module& m) {
  for (uint32_t i = 0; i < m.num_functions; ++i) {
    if (m.functions[i].type_index >= m.num_types) {
      return make_error(ErrorCode::unknown_type, m.functions[i].code_offset);
    }
  }
  Error err;
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    const Import& imp = m.imports[i];
    if (imp.kind == ExternKind::table) err = check_table_type(imp.table);
    if (imp.kind == ExternKind::memory) err = check_memory_type(m, imp.memory);
    if (!err.ok()) return err;
  }
  for (uint32_t i = m.num_imported_globals; i < m.num_globals; ++i) {
    err = check_const_expr(m, m.globals[i].init, m.globals[i].type.type);
    if (!err.ok()) return err;
  }
  for (uint32_t i = m.num_imported_tables; i < m.num_tables; ++i) {
    err = check_table_type(m.tables[i]);
    if (!err.ok()) return err;
  }
  for (uint32_t i = m.num_imported_memories; i < m.num_memories; ++i) {
    err = check_memory_type(m, m.memories[i]);
    if (!err.ok()) return err;
  }
  for (uint32_t i = 0; i < m.num_elems; ++i) {
    err = check_elem(m, m.elems[i]);
    if (!err.ok()) return err;
  }
  for (uint32_t i = 0; i < m.num_datas; ++i) {
    err = check_data(m, m.datas[i]);
    if (!err.ok()) return err;
  }
  return Error{};
}

Error check_start(const Module& m) {
  if (!m.has_start) return Error{};
  if (m.start >= m.num_functions) return make_error(ErrorCode::unknown_function, 0);
  const FuncType& t = m.func_type(m.start);
  if (t.num_params != 0 || t.num_results != 0) return make_error(ErrorCode::start_function_type, 0);
  return Error{};
}

// The spec decodes the whole module before validating it, so a malformed body anywhere beats any
// validation error. Bodies are decoded lazily here, so once an invalid (or limit) error is found,
// the bodies not yet fully read are scanned for malformed ones. Only the failure path pays for it.
Error prefer_malformed(const Module& m, uint32_t first_unscanned, Error err) {
  if (err.kind() != ErrorKind::invalid && err.kind() != ErrorKind::limit) return err;
  for (uint32_t f = first_unscanned; f < m.num_functions; ++f) {
    Error structural = scan_function_structure(m, f);
    if (!structural.ok()) return structural;
  }
  return err;
}

Error check_bodies(const Module& m, Arena& arena, bool* ref_values) {
  BodyScratch scratch;
  scratch.arena = &arena;
  uint32_t max_runs = 0;
  uint32_t max_local_types = 0;
  for (uint32_t f = m.num_imported_functions; f < m.num_functions; ++f) {
    const Function& fn = m.functions[f];
    if (fn.num_local_runs > max_runs) max_runs = fn.num_local_runs;
    const uint32_t all = m.types[fn.type_index].num_params + fn.num_locals;
    if (fn.num_locals <= fn.code.size && all > max_local_types) max_local_types = all;
  }
  // Optional: without it locals are found by a linear walk over the runs.
  if (max_runs > 0) {
    scratch.local_ends = arena.allocate_scratch_array<uint32_t>(max_runs);
    if (scratch.local_ends) scratch.local_ends_capacity = max_runs;
  }
  // Optional too: without it (or for a function it does not fit) locals take the search.
  if (max_local_types > 0) {
    scratch.local_types = arena.allocate_scratch_array<uint8_t>(max_local_types);
    if (scratch.local_types) scratch.local_types_capacity = max_local_types;
  }
  for (uint32_t f = m.num_imported_functions; f < m.num_functions; ++f) {
    Error err = validate_function_body(m, f, scratch);
    if (!err.ok()) return prefer_malformed(m, f, err);
  }
  *ref_values = scratch.ref_values;
  return Error{};
}

Error check_module(const Module& m, Arena& arena, bool* ref_values) {
  Error err = check_module_fields(m);
  if (!err.ok()) return prefer_malformed(m, m.num_imported_functions, err);
  Arena::ScratchMark mark = arena.scratch_mark();
  err = check_bodies(m, arena, ref_values);
  arena.rewind_scratch(mark);
  if (!err.ok()) return err;
  err = check_start(m);
  if (err.ok()) err = check_exports(m, arena);
  const bool multi = PICOWASM_FEATURE_MULTI_MEMORY && (m.features & kFeatureMultiMemory);
  if (err.ok() && m.num_memories > 1 && !multi) err = make_error(ErrorCode::multiple_memories, 0);
  // Every body has been read completely by now, so no malformed one remains to be found.
  return err;
}

}  // namespace

Error validate_module(Module& module, Arena& arena, uint32_t features) {
  Arena::Mark start = arena.mark();
  module.features = features & kAllFeatures;
  module.declared_refs = nullptr;
  module.ref_values = false;
  if (module.num_functions > 0 && !module.functions) return make_error(ErrorCode::bad_argument, 0);
  uint8_t* refs = arena.allocate_array<uint8_t>((size_t{module.num_functions} + 7) / 8);
  if (!refs) return make_error(ErrorCode::out_of_arena, 0);
  collect_declared_refs(module, refs);
  module.declared_refs = refs;

  Arena::ScratchMark scratch = arena.scratch_mark();
  Error err = check_module(module, arena, &module.ref_values);
  arena.rewind_scratch(scratch);
  if (!err.ok()) {
    // Leave nothing behind on failure.
    module.declared_refs = nullptr;
    arena.rewind(start);
  }
  return err;
}

}  // namespace picowasm
