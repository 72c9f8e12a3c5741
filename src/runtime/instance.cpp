// Compilation and instantiation: the WebAssembly 2.0 instantiation algorithm (spec 4.5.4) over
// arena-allocated runtime objects.
//
// Order, as the spec gives it: check the imports against their declared types (unlinkable),
// allocate the instance and its tables/memory/globals, evaluate global initialisers, run the active
// element segments then the active data segments in order (the first out-of-bounds one traps,
// earlier writes stay), and finally call the start function.
#include <cstring>

#include "picowasm/config.h"
#include "picowasm/exec.h"
#include "picowasm/runtime.h"
#include "runtime/segments.h"
#include "translate/translator.h"

namespace picowasm {

namespace {

constexpr uint32_t kDefaultStackSlots = 16384;
constexpr uint32_t kDefaultCallDepth = 1024;
constexpr uint32_t kDefaultTraceFrames = 8;
constexpr size_t kMemoryAlign = 64;  // cache line: lets ports map memory data efficiently
constexpr uint32_t kMaxTableElems = 0xFFFFFFFFu;

// Whether a byte count computed in 64 bits is addressable on this target (32-bit MCUs).
bool fits_size(uint64_t bytes) {
  return static_cast<uint64_t>(static_cast<size_t>(bytes)) == bytes;
}

Error make_error(ErrorCode code) {
  Error e;
  e.code = code;
  return e;
}

// ---- Import matching (spec 4.5.2, "import subtyping" of limits) ------------------------------

// `provided_min` is the current size of the provided table/memory, which is what its external type
// reports (it grows with table.grow / memory.grow).
bool limits_match(uint64_t provided_min, const Limits& provided, const Limits& wanted) {
  if (provided_min < wanted.min) return false;
  if (!wanted.has_max) return true;
  return provided.has_max && provided.max <= wanted.max;
}

Error check_import(const Module& m, const Import& import, const ExternVal& value) {
  if (value.kind != import.kind) return make_error(ErrorCode::incompatible_import);
  switch (import.kind) {
    case ExternKind::func:
      if (!value.func || !value.func->type) return make_error(ErrorCode::bad_argument);
      if (!value.func->type->equals(m.types[import.type_index])) break;
      return Error{};
    case ExternKind::table:
      if (!value.table) return make_error(ErrorCode::bad_argument);
      if (value.table->type.elem != import.table.elem) break;
      if (!limits_match(value.table->size, value.table->type.limits, import.table.limits)) break;
      return Error{};
    case ExternKind::memory:
      if (!value.memory) return make_error(ErrorCode::bad_argument);
      if (!limits_match(value.memory->pages, value.memory->type.limits, import.memory.limits)) {
        break;
      }
      return Error{};
    case ExternKind::global:
      if (!value.global) return make_error(ErrorCode::bad_argument);
      if (value.global->type.type != import.global.type ||
          value.global->type.mutable_ != import.global.mutable_) {
        break;
      }
      return Error{};
  }
  return make_error(ErrorCode::incompatible_import);
}

// ---- Reservation sizes (InstanceLimits) ------------------------------------------------------

// Elements (or pages) to reserve for a table or memory with declared `limits`, given the
// embedder's request (0 = default: the declared maximum, else the minimum). Never below the
// declared minimum, so a valid module always gets the space it needs up front.
uint32_t reservation(const Limits& limits, uint32_t requested, uint32_t hard_max) {
  uint64_t n;
  if (requested == 0) {
    n = limits.has_max ? limits.max : limits.min;
  } else {
    n = limits.has_max && limits.max < requested ? limits.max : requested;
  }
  if (n < limits.min) n = limits.min;
  if (n > hard_max) n = hard_max;
  return static_cast<uint32_t>(n);
}

// ---- Allocation ------------------------------------------------------------------------------

class Builder {
 public:
  Builder(const CompiledModule& compiled, const InstanceLimits& limits, Arena& arena)
      : c_(compiled), m_(*compiled.module), limits_(limits), arena_(arena) {}

  // Allocates the instance and every object it defines, binding the imports. No side effects on
  // imported objects; returns nullptr when the arena is too small.
  Instance* allocate(const ExternVal* imports) {
    inst_ = arena_.allocate_array<Instance>(1);
    if (!inst_) return nullptr;
    inst_->compiled = &c_;
    inst_->module = &m_;
    inst_->funcs = arena_.allocate_array<FuncInst*>(m_.num_functions);
    inst_->tables = arena_.allocate_array<TableInst*>(m_.num_tables);
    inst_->globals = arena_.allocate_array<GlobalInst*>(m_.num_globals);
    inst_->elem_dropped = arena_.allocate_array<uint8_t>(m_.num_elems);
    inst_->data_dropped = arena_.allocate_array<uint8_t>(m_.num_datas);
    if (!inst_->funcs || !inst_->tables || !inst_->globals || !inst_->elem_dropped ||
        !inst_->data_dropped) {
      return nullptr;
    }
    bind_imports(imports);
    if (!define_functions() || !define_tables() || !define_memory() || !define_globals() ||
        !allocate_stacks()) {
      return nullptr;
    }
    return inst_;
  }

 private:
  void bind_imports(const ExternVal* imports) {
    uint32_t funcs = 0, tables = 0, globals = 0;
    for (uint32_t i = 0; i < m_.num_imports; ++i) {
      const ExternVal& v = imports[i];
      switch (v.kind) {
        case ExternKind::func: inst_->funcs[funcs++] = v.func; break;
        case ExternKind::table: inst_->tables[tables++] = v.table; break;
        case ExternKind::memory: inst_->memory = v.memory; break;
        case ExternKind::global: inst_->globals[globals++] = v.global; break;
      }
    }
  }

  bool define_functions() {
    const uint32_t first = m_.num_imported_functions;
    FuncInst* funcs = arena_.allocate_array<FuncInst>(m_.num_functions - first);
    if (!funcs) return false;
    for (uint32_t i = first; i < m_.num_functions; ++i) {
      FuncInst& f = funcs[i - first];
      f.type = &m_.func_type(i);
      f.instance = inst_;
      f.code = &c_.funcs[i - first];
      inst_->funcs[i] = &f;
    }
    return true;
  }

  bool define_tables() {
    const uint32_t first = m_.num_imported_tables;
    TableInst* tables = arena_.allocate_array<TableInst>(m_.num_tables - first);
    if (!tables) return false;
    for (uint32_t i = first; i < m_.num_tables; ++i) {
      TableInst& t = tables[i - first];
      t.type = m_.tables[i];
      t.size = t.type.limits.min;
      t.capacity = reservation(t.type.limits, limits_.table_elems, kMaxTableElems);
      // Only the initial elements need clearing: table.grow writes the ones it adds.
      const uint64_t bytes = uint64_t{t.capacity} * sizeof(uint64_t);
      if (!fits_size(bytes)) return false;
      t.elems =
          static_cast<uint64_t*>(arena_.allocate(static_cast<size_t>(bytes), alignof(uint64_t)));
      if (!t.elems) return false;
      std::memset(t.elems, 0, size_t{t.size} * sizeof(uint64_t));
      inst_->tables[i] = &t;
    }
    return true;
  }

  bool define_memory() {
    if (m_.num_imported_memories > 0 || m_.num_memories == 0) return true;
    MemoryInst* mem = arena_.allocate_array<MemoryInst>(1);
    if (!mem) return false;
    mem->type = m_.memories[0];
    mem->pages = mem->type.limits.min;
    mem->size = uint64_t{mem->pages} * PICOWASM_PAGE_SIZE;
    mem->capacity_pages =
        reservation(mem->type.limits, limits_.memory_pages, PICOWASM_MAX_MEMORY_PAGES);
    const uint64_t bytes = uint64_t{mem->capacity_pages} * PICOWASM_PAGE_SIZE;
    if (!fits_size(bytes)) return false;
    mem->data = static_cast<uint8_t*>(arena_.allocate(static_cast<size_t>(bytes), kMemoryAlign));
    if (!mem->data) return false;
    // Pages beyond the initial ones are zeroed by memory.grow when they come into use, so a large
    // reservation costs nothing until then.
    std::memset(mem->data, 0, static_cast<size_t>(mem->size));
    inst_->memory = mem;
    return true;
  }

  bool define_globals() {
    const uint32_t first = m_.num_imported_globals;
    GlobalInst* globals = arena_.allocate_array<GlobalInst>(m_.num_globals - first);
    if (!globals) return false;
    for (uint32_t i = first; i < m_.num_globals; ++i) {
      globals[i - first].type = m_.globals[i].type;
      inst_->globals[i] = &globals[i - first];
    }
    return true;
  }

  bool allocate_stacks() {
    const uint32_t slots = limits_.stack_slots ? limits_.stack_slots : kDefaultStackSlots;
    const uint32_t frames = limits_.call_depth ? limits_.call_depth : kDefaultCallDepth;
    const uint64_t stack_bytes = uint64_t{slots} * sizeof(uint64_t);
    const uint64_t frame_bytes = uint64_t{frames} * sizeof(CallFrame);
    if (!fits_size(stack_bytes) || !fits_size(frame_bytes)) return false;
    // Not cleared: the interpreter writes every slot and frame before reading it.
    inst_->stack = static_cast<uint64_t*>(
        arena_.allocate(static_cast<size_t>(stack_bytes), alignof(uint64_t)));
    inst_->frames = static_cast<CallFrame*>(
        arena_.allocate(static_cast<size_t>(frame_bytes), alignof(CallFrame)));
    if (!inst_->stack || !inst_->frames) return false;
    inst_->stack_end = inst_->stack + slots;
    inst_->max_frames = frames;
    const uint32_t trace = limits_.trace_frames ? limits_.trace_frames : kDefaultTraceFrames;
    inst_->trap_frames = arena_.allocate_array<TrapFrame>(trace);
    if (!inst_->trap_frames) return false;
    inst_->trap_frames_capacity = trace;
    inst_->arena = &arena_;
    return true;
  }

  const CompiledModule& c_;
  const Module& m_;
  const InstanceLimits& limits_;
  Arena& arena_;
  Instance* inst_ = nullptr;
};

// ---- Initialisation (may have side effects on imported objects) ------------------------------

void init_globals(Instance& inst) {
  const Module& m = *inst.module;
  // In order: an initialiser may read globals before it (imported ones in 2.0).
  for (uint32_t i = m.num_imported_globals; i < m.num_globals; ++i) {
    inst.globals[i]->value = eval_const_expr(inst, m.globals[i].init);
  }
}

ErrorCode run_elem_segments(Instance& inst) {
  const Module& m = *inst.module;
  for (uint32_t i = 0; i < m.num_elems; ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::active) {
      const uint32_t offset = static_cast<uint32_t>(eval_const_expr(inst, seg.offset));
      ErrorCode code = table_init(inst, *inst.tables[seg.table_index], i, offset, 0, seg.count);
      if (code != ErrorCode::ok) return code;
      inst.elem_dropped[i] = 1;
    } else if (seg.mode == SegmentMode::declarative) {
      inst.elem_dropped[i] = 1;
    }
  }
  return ErrorCode::ok;
}

ErrorCode run_data_segments(Instance& inst) {
  const Module& m = *inst.module;
  for (uint32_t i = 0; i < m.num_datas; ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::active) continue;
    const uint32_t offset = static_cast<uint32_t>(eval_const_expr(inst, seg.offset));
    ErrorCode code = memory_init(inst, i, offset, 0, seg.bytes.size);
    if (code != ErrorCode::ok) return code;
    inst.data_dropped[i] = 1;
  }
  return ErrorCode::ok;
}

}  // namespace

Error compile_module(const Module& module, Arena& arena, CompiledModule** out) {
  if (!out) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  const Arena::Mark mark = arena.mark();
  CompiledModule* compiled = arena.allocate_array<CompiledModule>(1);
  if (!compiled) return make_error(ErrorCode::out_of_arena);
  Error err = translate_module(module, arena, compiled);
  if (!err.ok()) {
    arena.rewind(mark);
    return err;
  }
  *out = compiled;
  return err;
}

Error instantiate(const CompiledModule& compiled, const ExternVal* imports, uint32_t num_imports,
                  const InstanceLimits& limits, Arena& arena, Instance** out) {
  if (!out || !compiled.module) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  const Module& m = *compiled.module;
  if (num_imports != m.num_imports) return make_error(ErrorCode::incompatible_import);
  if (num_imports > 0 && !imports) return make_error(ErrorCode::bad_argument);
  for (uint32_t i = 0; i < num_imports; ++i) {
    Error err = check_import(m, m.imports[i], imports[i]);
    if (!err.ok()) return err;
  }

  const Arena::Mark mark = arena.mark();
  Instance* inst = Builder(compiled, limits, arena).allocate(imports);
  if (!inst) {
    arena.rewind(mark);
    return make_error(ErrorCode::out_of_arena);
  }

  // From here on a failure leaves the instance allocated: functions of this instance may already
  // sit in imported tables, so its objects must stay valid (the spec keeps them alive too).
  init_globals(*inst);
  ErrorCode code = run_elem_segments(*inst);
  if (code == ErrorCode::ok) code = run_data_segments(*inst);
  if (code != ErrorCode::ok) return make_error(code);
  if (m.has_start) {
    uint64_t no_values[1];  // the start function takes and returns nothing
    Error err = invoke(*inst, inst->funcs[m.start], no_values);
    if (!err.ok()) return err;
  }
  *out = inst;
  return Error{};
}

bool find_export(const Instance& instance, const char* name, size_t name_len, ExternVal* out) {
  const Module& m = *instance.module;
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    const Export& e = m.exports[i];
    if (!e.name.equals(name, name_len)) continue;
    if (!out) return true;
    out->kind = e.kind;
    switch (e.kind) {
      case ExternKind::func: out->func = instance.funcs[e.index]; break;
      case ExternKind::table: out->table = instance.tables[e.index]; break;
      case ExternKind::memory: out->memory = instance.memory; break;
      case ExternKind::global: out->global = instance.globals[e.index]; break;
    }
    return true;
  }
  return false;
}

}  // namespace picowasm
