// Compilation and instantiation: the WebAssembly 2.0 instantiation algorithm (spec 4.5.4) over
// arena-allocated runtime objects.
//
// Order, as the spec gives it: check the imports against their declared types (unlinkable),
// allocate the instance and its tables/memory/globals, evaluate global initialisers, run the active
// element segments then the active data segments in order (the first out-of-bounds one traps,
// earlier writes stay), and finally call the start function.
//
// All of an instance's memory is taken in one fixed sequence (Builder::reserve()), which a dry run
// replays over an address counter: measure_instance() reports exactly what instantiation will use,
// padding included, and an instance that does not fit fails before anything is written.
#include <cstring>

#include "common/make_error.h"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "runtime/instantiate.h"
#include "runtime/runtime.h"
#include "runtime/segments.h"
#include "translate/translator.h"

namespace picowasm {

namespace {

constexpr uint32_t kDefaultStackSlots = PICOWASM_DEFAULT_STACK_BYTES / sizeof(uint64_t);
constexpr uint32_t kDefaultCallDepth = PICOWASM_DEFAULT_CALL_DEPTH;
constexpr uint32_t kDefaultTraceFrames = PICOWASM_DEFAULT_TRACE_FRAMES;
constexpr size_t kMemoryAlign = PICOWASM_MEMORY_ALIGN;
static_assert(kMemoryAlign >= 8 && (kMemoryAlign & (kMemoryAlign - 1)) == 0,
              "PICOWASM_MEMORY_ALIGN: a power of two, at least 8");
constexpr uint32_t kMaxTableElems = 0xFFFFFFFFu;

// Whether a byte count computed in 64 bits is addressable on this target (32-bit MCUs).
bool fits_size(uint64_t bytes) {
  return static_cast<uint64_t>(static_cast<size_t>(bytes)) == bytes;
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
      // custom-page-sizes: limits only compare in pages of the same size.
      if (value.memory->type.page_size_log2 != import.memory.page_size_log2) break;
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

// Where instantiation takes its memory from: an arena, or (dry run) an address counter that
// mirrors Arena::allocate()'s arithmetic without touching memory, so that measuring and
// instantiating take exactly the same bytes.
class Region {
 public:
  explicit Region(Arena& arena) : arena_(&arena) {}
  Region(uintptr_t start, bool worst_case)
      : cursor_(start), start_(start), worst_case_(worst_case) {}

  bool dry() const { return arena_ == nullptr; }
  bool failed() const { return failed_; }
  size_t measured() const { return static_cast<size_t>(cursor_ - start_); }

  // `bytes` uninitialised bytes. A dry run returns nullptr: its pointers are never used.
  void* take(uint64_t bytes, size_t align) {
    if (failed_ || !fits_size(bytes)) {
      failed_ = true;
      return nullptr;
    }
    if (arena_) {
      void* p = arena_->allocate(static_cast<size_t>(bytes), align);
      if (!p) failed_ = true;
      return p;
    }
    const uintptr_t mask = static_cast<uintptr_t>(align - 1);
    if (cursor_ > UINTPTR_MAX - mask) {
      failed_ = true;
      return nullptr;
    }
    const uintptr_t aligned = worst_case_ ? cursor_ + mask : (cursor_ + mask) & ~mask;
    if (static_cast<size_t>(bytes) > UINTPTR_MAX - aligned) {
      failed_ = true;
      return nullptr;
    }
    cursor_ = aligned + static_cast<size_t>(bytes);
    return nullptr;
  }

  // `count` zero-filled objects (real runs). These equal value-initialised ones: every runtime
  // object's default member values are zeros, except the declared `type` of tables, memories and
  // globals, which build() assigns for each (test/unit/runtime_defaults_test.cpp). One
  // out-of-line fill serves all types instead of a constructor loop per type (-392 bytes on
  // Cortex-M4).
  template <typename T>
  T* take_array(uint64_t count) {
    return static_cast<T*>(take_zeroed(count, sizeof(T), alignof(T)));
  }

 private:
  __attribute__((noinline)) void* take_zeroed(uint64_t count, size_t size, size_t align) {
    if (count > SIZE_MAX / size) {
      failed_ = true;
      return nullptr;
    }
    void* items = take(count * size, align);
    if (items) std::memset(items, 0, static_cast<size_t>(count * size));
    return items;
  }

  Arena* arena_ = nullptr;
  uintptr_t cursor_ = 0;
  uintptr_t start_ = 0;
  bool worst_case_ = false;
  bool failed_ = false;
};

// Linear memory reservation under InstanceLimits (memory_pages, memory_bytes).
struct MemoryPlan {
  uint32_t capacity_pages = 0;  // growth limit
  uint64_t size = 0;            // accessible bytes at the start
  uint64_t reserved = 0;        // bytes to allocate
};

MemoryPlan plan_memory(const MemoryType& type, const InstanceLimits& limits) {
  MemoryPlan plan;
  // memory_pages counts 64 KiB whatever the memory's page size (custom-page-sizes): the same
  // limit means the same bytes for every module.
  const unsigned log2 = type.page_size_log2;
  uint64_t requested = uint64_t{limits.memory_pages} << (PICOWASM_PAGE_SIZE_LOG2 - log2);
  if (requested > type.max_pages()) requested = type.max_pages();
  plan.capacity_pages =
      reservation(type.limits, static_cast<uint32_t>(requested), type.max_pages());
  plan.size = uint64_t{type.limits.min} << log2;
  plan.reserved = uint64_t{plan.capacity_pages} << log2;
  if (limits.memory_bytes != 0) {
    // Whole pages only ever become accessible by growing, so growth stops at the last page that
    // fits under the cap; the declared minimum stays (memory.size reports it) but its bytes beyond
    // the cap do not exist.
    const uint32_t cap_pages = limits.memory_bytes >> log2;
    uint32_t pages = plan.capacity_pages < cap_pages ? plan.capacity_pages : cap_pages;
    if (pages < type.limits.min) pages = type.limits.min;
    plan.capacity_pages = pages;
    const uint64_t cap = limits.memory_bytes;
    const uint64_t pages_bytes = uint64_t{pages} << log2;
    plan.reserved = pages_bytes < cap ? pages_bytes : cap;
    if (plan.size > cap) plan.size = cap;
  }
  return plan;
}

uint32_t stack_slots(const InstanceLimits& limits) {
  return limits.stack_slots ? limits.stack_slots : kDefaultStackSlots;
}
uint32_t call_depth(const InstanceLimits& limits) {
  return limits.call_depth ? limits.call_depth : kDefaultCallDepth;
}
uint32_t trace_frames(const InstanceLimits& limits) {
  return limits.trace_frames ? limits.trace_frames : kDefaultTraceFrames;
}

// Checks every import against its declared type, before anything is allocated, and counts the
// host functions that need a FuncInst of their own.
Error check_imports(const Module& m, const ImportResolver& resolver, uint32_t* num_host) {
  *num_host = 0;
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    const Import& import = m.imports[i];
    ImportBinding binding;
    Error err = resolver.resolve(resolver.context, i, &binding);
    if (err.ok()) {
      if (binding.host_type) {
        if (!binding.host) {
          err = make_error(ErrorCode::bad_argument);
        } else if (import.kind != ExternKind::func ||
                   !binding.host_type->equals(m.types[import.type_index])) {
          err = make_error(ErrorCode::incompatible_import);
        } else {
          ++*num_host;
        }
      } else {
        err = check_import(m, import, binding.value);
      }
    }
    if (!err.ok()) {
      err.function = i;
      return err;
    }
  }
  return Error{};
}

// Takes the instance's memory from a Region in one fixed sequence (reserve()), then, in real runs,
// fills the objects in and binds the imports (build()).
class Builder {
 public:
  Builder(const CompiledModule& compiled, const InstanceLimits& limits,
          const ImportResolver& resolver, uint32_t num_host, Region& region)
      : c_(compiled),
        m_(*compiled.module),
        limits_(limits),
        resolver_(resolver),
        num_host_(num_host),
        region_(region) {}

  // Every allocation, in order; region_.failed() afterwards if something did not fit.
  void reserve() {
    const uint32_t defined_funcs = m_.num_functions - m_.num_imported_functions;
    const uint32_t defined_tables = m_.num_tables - m_.num_imported_tables;
    inst_ = region_.take_array<Instance>(1);
    func_ptrs_ = region_.take_array<FuncInst*>(m_.num_functions);
    table_ptrs_ = region_.take_array<TableInst*>(m_.num_tables);
    memory_ptrs_ = region_.take_array<MemoryInst*>(m_.num_memories);
    global_ptrs_ = region_.take_array<GlobalInst*>(m_.num_globals);
    elem_dropped_ = region_.take_array<uint8_t>(m_.num_elems);
    data_dropped_ = region_.take_array<uint8_t>(m_.num_datas);
    funcs_ = region_.take_array<FuncInst>(uint64_t{defined_funcs} + num_host_);
    tables_ = region_.take_array<TableInst>(defined_tables);
    // One block for all tables' elements. Only the initial elements are cleared (in build()):
    // table.grow writes the ones it adds.
    table_elems_ = static_cast<uint64_t*>(region_.take(table_bytes(), alignof(uint64_t)));
    // Each defined memory's bytes in a block of their own (aligned for the ports).
    memories_ = region_.take_array<MemoryInst>(m_.num_memories - m_.num_imported_memories);
    for (uint32_t i = m_.num_imported_memories; i < m_.num_memories; ++i) {
      uint8_t* data = static_cast<uint8_t*>(region_.take(memory_bytes(i), kMemoryAlign));
      if (memories_) memories_[i - m_.num_imported_memories].data = data;
    }
    globals_ = region_.take_array<GlobalInst>(m_.num_globals - m_.num_imported_globals);
    // Stacks are not cleared: the interpreter writes every slot and frame before reading it.
    stack_ = static_cast<uint64_t*>(region_.take(stack_bytes(), alignof(uint64_t)));
    frames_ = static_cast<CallFrame*>(region_.take(frame_bytes(), alignof(CallFrame)));
    trap_frames_ = region_.take_array<TrapFrame>(trace_frames(limits_));
  }

  // Fills in the instance reserved by a successful real reserve(). No side effects on imported
  // objects.
  Error build(Arena& arena) {
    Instance& inst = *inst_;
    inst.compiled = &c_;
    inst.module = &m_;
    inst.funcs = func_ptrs_;
    inst.tables = table_ptrs_;
    inst.memories = memory_ptrs_;
    inst.globals = global_ptrs_;
    inst.elem_dropped = elem_dropped_;
    inst.data_dropped = data_dropped_;
    Error err = bind_imports();
    if (!err.ok()) return err;
    define_functions();
    define_tables();
    define_memories();
    define_globals();
    inst.stack = stack_;
    inst.stack_end = stack_ + stack_slots(limits_);
    inst.frames = frames_;
    inst.max_frames = call_depth(limits_);
    // Painted, so that instance_use() can tell what was used (runtime.h kUnusedStackByte).
    std::memset(inst.stack, kUnusedStackByte,
                static_cast<size_t>(inst.stack_end - inst.stack) * sizeof(uint64_t));
    std::memset(inst.frames, kUnusedStackByte, size_t{inst.max_frames} * sizeof(CallFrame));
    inst.trap_frames = trap_frames_;
    inst.trap_frames_capacity = trace_frames(limits_);
    inst.host_call_depth =
        limits_.host_call_depth ? limits_.host_call_depth : PICOWASM_DEFAULT_HOST_CALL_DEPTH;
    inst.arena = &arena;
    return Error{};
  }

  Instance* instance() const { return inst_; }

  // Which of the reservations a limit sizes takes the most bytes: the limit to lower first when
  // the instance does not fit (named after its ResourceLimits field).
  const char* largest_reservation() const {
    const struct {
      const char* limit;
      uint64_t bytes;
    } parts[] = {
        {"memory_pages", all_memory_bytes()},
        {"table_elems", table_bytes()},
        {"stack_bytes", stack_bytes()},
        {"call_depth", frame_bytes()},
    };
    const char* largest = parts[0].limit;
    uint64_t most = parts[0].bytes;
    for (const auto& p : parts) {
      if (p.bytes > most) {
        most = p.bytes;
        largest = p.limit;
      }
    }
    return largest;
  }

 private:
  // The reservations the limits size (reserve() takes them; largest_reservation() compares them).
  // One block for all defined tables' elements.
  uint64_t table_bytes() const {
    uint64_t elems = 0;
    for (uint32_t i = m_.num_imported_tables; i < m_.num_tables; ++i) elems += table_capacity(i);
    return elems * sizeof(uint64_t);
  }
  uint64_t memory_bytes(uint32_t i) const { return plan_memory(m_.memories[i], limits_).reserved; }
  uint64_t all_memory_bytes() const {
    uint64_t bytes = 0;
    for (uint32_t i = m_.num_imported_memories; i < m_.num_memories; ++i) bytes += memory_bytes(i);
    return bytes;
  }
  uint64_t stack_bytes() const { return uint64_t{stack_slots(limits_)} * sizeof(uint64_t); }
  uint64_t frame_bytes() const { return uint64_t{call_depth(limits_)} * sizeof(CallFrame); }

  uint32_t table_capacity(uint32_t i) const {
    return reservation(m_.tables[i].limits, limits_.table_elems, kMaxTableElems);
  }

  Error bind_imports() {
    const uint32_t first_host = m_.num_functions - m_.num_imported_functions;
    uint32_t funcs = 0, tables = 0, memories = 0, globals = 0, hosts = 0;
    for (uint32_t i = 0; i < m_.num_imports; ++i) {
      ImportBinding b;
      Error err = resolver_.resolve(resolver_.context, i, &b);
      if (!err.ok() || (b.host_type && hosts == num_host_)) {  // the resolver changed its mind
        err.code = err.ok() ? ErrorCode::bad_argument : err.code;
        err.function = i;
        return err;
      }
      if (b.host_type) {
        FuncInst& f = funcs_[first_host + hosts++];
        f.type = b.host_type;
        f.host = b.host;
        f.host_user = b.host_user;
        f.host_data = b.host_data;
        f.host_slots = host_frame_slots(*b.host_type);
        inst_->funcs[funcs++] = &f;
        continue;
      }
      const ExternVal& v = b.value;
      switch (v.kind) {
        case ExternKind::func: inst_->funcs[funcs++] = v.func; break;
        case ExternKind::table: inst_->tables[tables++] = v.table; break;
        case ExternKind::memory: inst_->memories[memories++] = v.memory; break;
        case ExternKind::global: inst_->globals[globals++] = v.global; break;
      }
    }
    return Error{};
  }

  void define_functions() {
    const uint32_t first = m_.num_imported_functions;
    for (uint32_t i = first; i < m_.num_functions; ++i) {
      FuncInst& f = funcs_[i - first];
      f.type = &m_.func_type(i);
      f.instance = inst_;
      f.code = &c_.funcs[i - first];
      inst_->funcs[i] = &f;
    }
  }

  void define_tables() {
    const uint32_t first = m_.num_imported_tables;
    uint64_t* elems = table_elems_;
    for (uint32_t i = first; i < m_.num_tables; ++i) {
      TableInst& t = tables_[i - first];
      t.type = m_.tables[i];
      t.size = t.type.limits.min;
      t.capacity = table_capacity(i);
      t.elems = elems;
      elems += t.capacity;
      std::memset(t.elems, 0, size_t{t.size} * sizeof(uint64_t));
      inst_->tables[i] = &t;
    }
  }

  void define_memories() {
    const uint32_t first = m_.num_imported_memories;
    for (uint32_t i = first; i < m_.num_memories; ++i) {
      const MemoryPlan plan = plan_memory(m_.memories[i], limits_);
      MemoryInst* mem = &memories_[i - first];  // data set by reserve()
      mem->type = m_.memories[i];
      mem->pages = mem->type.limits.min;
      mem->size = plan.size;
      mem->capacity_pages = plan.capacity_pages;
      // Pages beyond the initial ones are zeroed by memory.grow when they come into use, so a
      // large reservation costs nothing until then.
      std::memset(mem->data, 0, static_cast<size_t>(mem->size));
      inst_->memories[i] = mem;
    }
    inst_->memory = m_.num_memories > 0 ? inst_->memories[0] : nullptr;
  }

  void define_globals() {
    const uint32_t first = m_.num_imported_globals;
    for (uint32_t i = first; i < m_.num_globals; ++i) {
      globals_[i - first].type = m_.globals[i].type;
      inst_->globals[i] = &globals_[i - first];
    }
  }

  const CompiledModule& c_;
  const Module& m_;
  const InstanceLimits& limits_;
  const ImportResolver& resolver_;
  const uint32_t num_host_;
  Region& region_;

  Instance* inst_ = nullptr;
  FuncInst** func_ptrs_ = nullptr;
  TableInst** table_ptrs_ = nullptr;
  MemoryInst** memory_ptrs_ = nullptr;
  GlobalInst** global_ptrs_ = nullptr;
  uint8_t* elem_dropped_ = nullptr;
  uint8_t* data_dropped_ = nullptr;
  FuncInst* funcs_ = nullptr;  // defined functions, then host-function imports
  TableInst* tables_ = nullptr;
  uint64_t* table_elems_ = nullptr;
  MemoryInst* memories_ = nullptr;  // defined memories
  GlobalInst* globals_ = nullptr;
  uint64_t* stack_ = nullptr;
  CallFrame* frames_ = nullptr;
  TrapFrame* trap_frames_ = nullptr;
};

// Imports given as an array (the public instantiate()).
struct ArrayImports {
  const ExternVal* values;
};

Error resolve_from_array(const void* context, uint32_t index, ImportBinding* out) {
  out->value = static_cast<const ArrayImports*>(context)->values[index];
  return Error{};
}

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
    ErrorCode code = memory_init(inst, inst.memories[seg.memory_index], i, offset, 0,
                                 seg.bytes.size);
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

Error instantiate_resolved(const CompiledModule& compiled, const ImportResolver& resolver,
                           const InstanceLimits& limits, Arena& arena, Instance** out) {
  if (!out || !compiled.module || !resolver.resolve) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  const Module& m = *compiled.module;
  uint32_t num_host = 0;
  Error err = check_imports(m, resolver, &num_host);
  if (!err.ok()) return err;

  const Arena::Mark mark = arena.mark();
  Region region(arena);
  Builder builder(compiled, limits, resolver, num_host, region);
  builder.reserve();
  if (region.failed()) {
    arena.rewind(mark);
    return make_error(ErrorCode::out_of_arena);
  }
  err = builder.build(arena);
  if (!err.ok()) {
    arena.rewind(mark);
    return err;
  }
  Instance* inst = builder.instance();

  // From here on a failure leaves the instance allocated: functions of this instance may already
  // sit in imported tables, so its objects must stay valid (the spec keeps them alive too).
  init_globals(*inst);
  ErrorCode code = run_elem_segments(*inst);
  if (code == ErrorCode::ok) code = run_data_segments(*inst);
  if (code != ErrorCode::ok) return make_error(code);
  // The start function is a call like any other, bounded by fuel: start() (picowasm.hpp) runs it.
  if (m.has_start) inst->start_state = StartState::pending;
  *out = inst;
  return Error{};
}

Error measure_instance(const CompiledModule& compiled, const ImportResolver& resolver,
                       const InstanceLimits& limits, uintptr_t start, bool worst_case,
                       size_t* bytes, const char** largest) {
  if (!bytes || !compiled.module || !resolver.resolve) return make_error(ErrorCode::bad_argument);
  *bytes = 0;
  uint32_t num_host = 0;
  Error err = check_imports(*compiled.module, resolver, &num_host);
  if (!err.ok()) return err;
  Region region(worst_case ? 0 : start, worst_case);
  Builder builder(compiled, limits, resolver, num_host, region);
  builder.reserve();
  if (largest) *largest = builder.largest_reservation();
  if (region.failed()) return make_error(ErrorCode::out_of_arena);
  *bytes = region.measured();
  return Error{};
}

Error instantiate(const CompiledModule& compiled, const ExternVal* imports, uint32_t num_imports,
                  const InstanceLimits& limits, Arena& arena, Instance** out) {
  if (!out || !compiled.module) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  if (num_imports != compiled.module->num_imports) {
    return make_error(ErrorCode::incompatible_import);
  }
  if (num_imports > 0 && !imports) return make_error(ErrorCode::bad_argument);
  const ArrayImports array{imports};
  return instantiate_resolved(compiled, ImportResolver{resolve_from_array, &array}, limits, arena,
                              out);
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
      case ExternKind::memory: out->memory = instance.memories[e.index]; break;
      case ExternKind::global: out->global = instance.globals[e.index]; break;
    }
    return true;
  }
  return false;
}

}  // namespace picowasm
