// The embedding API (include/picowasm/picowasm.hpp): configuration checks, load into a module
// buffer, admission control, and instantiation with imports resolved by name.
//
// Both buffers start with their own bookkeeping: a module buffer with its LoadedModule, an instance
// buffer with the Arena the instance keeps using (trap reports borrow its free space), so that the
// caller only ever hands over (pointer, size) pairs.
#include <cstring>
#include <new>

#include "api/load.h"
#include "common/make_error.h"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "runtime/instantiate.h"
#include "runtime/runtime.h"

namespace picowasm {

namespace {

// Alignment the module buffer's end is trimmed to, so that the working space load() takes from
// the top is laid out the same whatever the buffer size (module_size() figures stay exact).
constexpr size_t kBufferAlign = PICOWASM_BUFFER_ALIGN;
static_assert(kBufferAlign >= 8 && (kBufferAlign & (kBufferAlign - 1)) == 0,
              "PICOWASM_BUFFER_ALIGN: a power of two, at least 8 (value slots are 64-bit)");

Error check_arena(const void* arena, size_t size) {
  if (!arena && size != 0) return make_error(ErrorCode::config_null_arena);
  if (arena && size > UINTPTR_MAX - reinterpret_cast<uintptr_t>(arena)) {
    return make_error(ErrorCode::config_bad_arena);
  }
  return Error{};
}

Error check_limits(const ResourceLimits& l) {
  const bool bad =
      l.memory_pages > PICOWASM_MAX_MEMORY_PAGES ||
      (l.stack_bytes != 0 && l.stack_bytes < sizeof(uint64_t)) ||
      l.stack_bytes > PICOWASM_MAX_STACK_BYTES || l.call_depth > PICOWASM_MAX_CALL_DEPTH ||
      l.trace_frames > PICOWASM_MAX_TRACE_FRAMES || l.host_call_depth > PICOWASM_MAX_CALL_DEPTH ||
      l.functions > PICOWASM_MAX_FUNCTIONS || l.locals > PICOWASM_MAX_LOCALS ||
      l.elem_segments > PICOWASM_MAX_ELEM_SEGMENTS || l.data_segments > PICOWASM_MAX_DATA_SEGMENTS;
  return bad ? make_error(ErrorCode::config_bad_limit) : Error{};
}

bool signature_ok(const FuncType& t) {
  return (t.num_params == 0 || t.params) && (t.num_results == 0 || t.results);
}

bool extern_ok(const ExternVal& v) {
  switch (v.kind) {
    case ExternKind::func: return v.func && v.func->type;
    case ExternKind::table: return v.table != nullptr;
    case ExternKind::memory: return v.memory != nullptr;
    case ExternKind::global: return v.global != nullptr;
  }
  return false;
}

InstanceLimits instance_limits(const ResourceLimits& l) {
  InstanceLimits il;
  il.memory_pages = l.memory_pages;
  il.table_elems = l.table_elems;
  il.stack_slots = l.stack_bytes / sizeof(uint64_t);
  il.call_depth = l.call_depth;
  il.trace_frames = l.trace_frames;
  il.host_call_depth = l.host_call_depth;
  il.memory_bytes = l.memory_bytes;
  return il;
}

// Module-side ResourceLimits, checked on the decoded module (the decoder's own memory use is
// bounded by the arena, so checking afterwards is safe).
Error check_module_limits(const Module& m, const ResourceLimits& l) {
  if (l.functions && m.num_functions > l.functions) return make_error(ErrorCode::limit_functions);
  if (l.elem_segments && m.num_elems > l.elem_segments) {
    return make_error(ErrorCode::limit_segments);
  }
  if (l.data_segments && m.num_datas > l.data_segments) {
    return make_error(ErrorCode::limit_segments);
  }
  if (l.locals) {
    for (uint32_t i = m.num_imported_functions; i < m.num_functions; ++i) {
      if (m.functions[i].num_locals > l.locals) {
        return make_error(ErrorCode::limit_locals, m.functions[i].code_offset, i);
      }
    }
  }
  return Error{};
}

// ---- Import resolution by name -----------------------------------------------------------------

struct NameResolver {
  const LoadedModule* module;
  const InstanceConfig* config;
};

bool name_is(const Name& name, const char* s) {
  return name.equals(s, std::strlen(s));
}

Error resolve_by_name(const void* context, uint32_t index, ImportBinding* out) {
  const NameResolver& r = *static_cast<const NameResolver*>(context);
  const InstanceConfig& config = *r.config;
  const Import& import = r.module->module.imports[index];
  for (size_t i = 0; i < config.num_host_functions; ++i) {
    const HostFunction& h = config.host_functions[i];
    if (name_is(import.module, h.module) && name_is(import.field, h.name)) {
      out->host_type = &h.type;
      out->host = h.thunk;
      out->host_user = config.user;
      out->host_data = h.data;
      return Error{};
    }
  }
  for (size_t i = 0; i < config.num_externs; ++i) {
    const NamedExtern& e = config.externs[i];
    if (name_is(import.module, e.module) && name_is(import.field, e.name)) {
      out->value = e.value;
      return Error{};
    }
  }
  return make_error(ErrorCode::unknown_import);
}

// Everything instance_size() and instantiate() check before measuring.
Error check_instance(const LoadedModule& module, const InstanceConfig& config) {
  if (!module.compiled) return make_error(ErrorCode::bad_argument);
  Error err = check_config(config);
  if (!err.ok()) return err;
  const Module& m = module.module;
  if (config.limits.table_elems != 0) {
    for (uint32_t i = m.num_imported_tables; i < m.num_tables; ++i) {
      if (m.tables[i].limits.min > config.limits.table_elems) {
        return make_error(ErrorCode::limit_table_elems);
      }
    }
  }
  return Error{};
}

// Bytes from config.arena to the end of the instance: the Arena object first, then the instance.
Error measure(const LoadedModule& module, const InstanceConfig& config,
              const ImportResolver& resolver, size_t* bytes, const char** largest = nullptr) {
  const uintptr_t base = reinterpret_cast<uintptr_t>(config.arena);
  const bool worst_case = config.arena == nullptr;
  // The same arithmetic as Arena::allocate_array<Arena>(1) on a fresh arena over the buffer.
  const size_t arena_start =
      worst_case ? alignof(Arena) - 1 : align_up(base, alignof(Arena)) - base;
  const size_t head = arena_start + sizeof(Arena);
  size_t body = 0;
  Error err = measure_instance(*module.compiled, resolver, instance_limits(config.limits),
                               base + head, worst_case, &body, largest);
  if (!err.ok()) return err;
  if (body > SIZE_MAX - head) return make_error(ErrorCode::out_of_arena);
  *bytes = head + body;
  return Error{};
}

}  // namespace

Error check_config(const ModuleConfig& config) {
  Error err = check_arena(config.arena, config.arena_size);
  if (err.ok()) err = check_limits(config.limits);
  return err;
}

Error check_config(const InstanceConfig& config) {
  Error err = check_arena(config.arena, config.arena_size);
  if (!err.ok()) return err;
  err = check_limits(config.limits);
  if (!err.ok()) return err;
  if (config.num_host_functions != 0 && !config.host_functions) {
    return make_error(ErrorCode::config_null_table);
  }
  if (config.num_externs != 0 && !config.externs) return make_error(ErrorCode::config_null_table);
  if (config.num_host_functions > UINT32_MAX || config.num_externs > UINT32_MAX) {
    return make_error(ErrorCode::config_bad_limit);
  }
  const uint32_t num_host = static_cast<uint32_t>(config.num_host_functions);
  for (uint32_t i = 0; i < num_host; ++i) {
    const HostFunction& h = config.host_functions[i];
    if (!h.module || !h.name) return make_error(ErrorCode::config_null_name, 0, i);
    if (!h.thunk || !signature_ok(h.type)) return make_error(ErrorCode::config_null_function, 0, i);
  }
  for (uint32_t i = 0; i < config.num_externs; ++i) {
    const NamedExtern& e = config.externs[i];
    if (!e.module || !e.name) return make_error(ErrorCode::config_null_name, 0, num_host + i);
    if (!extern_ok(e.value)) return make_error(ErrorCode::config_bad_extern, 0, num_host + i);
  }
  return Error{};
}

Error load_with(const uint8_t* bytes, size_t size, const ModuleConfig& config,
                const CompileStep& compile, LoadedModule** out) {
  if (!out) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  Error err = check_config(config);
  if (!err.ok()) return err;
  if (!bytes && size != 0) return make_error(ErrorCode::bad_argument);
  if (config.limits.module_bytes != 0 && size > config.limits.module_bytes) {
    return make_error(ErrorCode::limit_module_size);
  }
  // Trim the end to kBufferAlign (see there).
  size_t usable = 0;
  if (config.arena) {
    const uintptr_t base = reinterpret_cast<uintptr_t>(config.arena);
    const uintptr_t end = (base + config.arena_size) & ~static_cast<uintptr_t>(kBufferAlign - 1);
    usable = end > base ? static_cast<size_t>(end - base) : 0;
  }
  Arena arena(config.arena, usable);
  LoadedModule* loaded = arena.allocate_array<LoadedModule>(1);
  if (loaded) {
    err = load_module(bytes, size, arena, &loaded->module, kAllFeatures & ~config.disabled_features);
    if (err.ok()) err = check_module_limits(loaded->module, config.limits);
    if (err.ok()) err = compile.run(compile.context, loaded->module, arena, &loaded->compiled);
  } else {
    err = make_error(ErrorCode::out_of_arena);
  }
  if (err.code == ErrorCode::out_of_arena) err.available = config.arena_size;
  if (!err.ok()) return err;
  loaded->arena_used = arena.used();
  loaded->arena_peak = align_up(arena.high_water(), kBufferAlign);
  *out = loaded;
  return Error{};
}

Error load(const uint8_t* bytes, size_t size, const ModuleConfig& config, LoadedModule** out) {
  const CompileStep translate{
      [](const void*, const Module& m, Arena& arena, CompiledModule** compiled) {
        return compile_module(m, arena, compiled);
      },
      nullptr};
  return load_with(bytes, size, config, translate, out);
}

Error module_size(const uint8_t* bytes, size_t size, const ModuleConfig& scratch,
                  ModuleFootprint* out) {
  if (!out) return make_error(ErrorCode::bad_argument);
  *out = ModuleFootprint();
  LoadedModule* loaded = nullptr;
  Error err = load(bytes, size, scratch, &loaded);
  if (!err.ok()) return err;
  out->retained = loaded->arena_used;
  out->peak = loaded->arena_peak;
  return Error{};
}

Error instance_size(const LoadedModule& module, const InstanceConfig& config, size_t* bytes,
                    const char** largest_limit) {
  if (!bytes) return make_error(ErrorCode::bad_argument);
  *bytes = 0;
  Error err = check_instance(module, config);
  if (!err.ok()) return err;
  const NameResolver names{&module, &config};
  return measure(module, config, ImportResolver{resolve_by_name, &names}, bytes, largest_limit);
}

Error instantiate(const LoadedModule& module, const InstanceConfig& config, Instance** out) {
  if (!out) return make_error(ErrorCode::bad_argument);
  *out = nullptr;
  Error err = check_instance(module, config);
  if (!err.ok()) return err;
  const NameResolver names{&module, &config};
  const ImportResolver resolver{resolve_by_name, &names};
  size_t need = 0;
  const char* largest = nullptr;
  err = measure(module, config, resolver, &need, &largest);
  if (err.code == ErrorCode::out_of_arena) err.lower = largest;
  if (!err.ok()) return err;
  // Admission before the first write: nothing of the buffer is touched when it is too small.
  if (!config.arena || need > config.arena_size) {
    err = make_error(ErrorCode::out_of_arena);
    err.needed = need;
    err.available = config.arena ? config.arena_size : 0;
    err.lower = largest;
    return err;
  }

  Arena outer(config.arena, config.arena_size);
  Arena* arena = outer.allocate_array<Arena>(1);
  if (!arena) return make_error(ErrorCode::out_of_arena);
  *arena = outer;  // the arena accounts for its own bytes at the start of the buffer
  Instance* inst = nullptr;
  err = instantiate_resolved(*module.compiled, resolver, instance_limits(config.limits), *arena,
                             &inst);
  if (!err.ok()) return err;
  inst->user = config.user;
  *out = inst;
  return Error{};
}

const Import* import_at(const LoadedModule& module, uint32_t index) {
  return index < module.module.num_imports ? &module.module.imports[index] : nullptr;
}

FuncInst* find_function(const Instance& instance, const char* name) {
  ExternVal v;
  if (!name || !find_export(instance, name, std::strlen(name), &v)) return nullptr;
  return v.kind == ExternKind::func ? v.func : nullptr;
}

const FuncType& function_type(const FuncInst& func) {
  return *func.type;
}

const Module& instance_module(const Instance& instance) {
  return *instance.module;
}

ArenaUse instance_arena_use(const Instance& instance) {
  ArenaUse use;
  use.used = instance.arena->used();
  use.high_water = instance.arena->high_water();
  return use;
}

namespace {
// Elements of [begin, begin + count) below the highest one whose last byte is not the fill.
template <typename T>
uint32_t touched(const T* begin, uint32_t count) {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(begin);
  size_t n = static_cast<size_t>(count) * sizeof(T);
  while (n > 0 && bytes[n - 1] == kUnusedStackByte) --n;
  return static_cast<uint32_t>((n + sizeof(T) - 1) / sizeof(T));
}
}  // namespace

uint32_t stack_slots_touched(const Instance& instance) {
  return touched(instance.stack, static_cast<uint32_t>(instance.stack_end - instance.stack));
}
uint32_t frames_touched(const Instance& instance) {
  return touched(instance.frames, instance.max_frames);
}

InstanceUse instance_use(const Instance& instance) {
  InstanceUse use;
  if (instance.memory) use.memory_bytes = instance.memory->size;
  use.stack_slots = static_cast<uint32_t>(instance.stack_end - instance.stack);
  use.call_depth = instance.max_frames;
  use.stack_slots_high_water = stack_slots_touched(instance);
  // frames[d - 1] holds the caller of depth d (frames[0]: the entry's sentinel).
  use.call_depth_high_water = frames_touched(instance);
  return use;
}

MemView instance_memory(const Instance& instance) {
  const MemoryInst* m = instance.memory;
  if (!m) return MemView();
  const uint64_t size = m->size < 0xFFFFFFFFu ? m->size : 0xFFFFFFFFu;
  return MemView{m->data, static_cast<uint32_t>(size), 0};
}

bool memory_view(const Instance& instance, uint32_t address, uint32_t length, MemView* out) {
  const MemoryInst* m = instance.memory;
  const uint64_t size = m ? m->size : 0;
  if (uint64_t{address} + length > size) return false;
  *out = MemView{m ? m->data + address : nullptr, length, address};
  return true;
}

void unload(Instance& instance) {
  if (is_paused(instance)) abandon(instance);
  instance.interrupt_requested = 0;
}

}  // namespace picowasm
