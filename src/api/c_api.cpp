// The C API (include/picowasm/picowasm.h) over the C++ API (picowasm.hpp).
//
// Buffer layouts. A module buffer holds [pw_module | LoadedModule arena (embed load) | import
// names (NUL-terminated copies) and one HostFunction per function import]. An instance buffer
// holds [pw_instance | bindings | call slots | Instance arena (embed instantiate)].
//
// Host functions. Function import number k (counting function imports only) is bound to entry k of
// a HostFunction table built once at load time in the module buffer, named after the module's own
// imports and typed with its import types; every entry has the same thunk, which finds k from the
// entry (its `data` points to itself) and calls the C entry the instance bound import k to
// (pw_instance::bindings[k]). C entries are matched against the imports by name and signature
// here, before the C++ layer sees the table.
#include <cstring>

#include "picowasm/picowasm.hpp"
#include "picowasm/picowasm.h"
#include "runtime/runtime.h"

using picowasm::align_up;
using picowasm::Arena;
using picowasm::CallResult;
using picowasm::CallStatus;
using picowasm::Error;
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::ExternKind;
using picowasm::FuncInst;
using picowasm::FuncType;
using picowasm::HostCall;
using picowasm::HostFn;
using picowasm::HostFunction;
using picowasm::Import;
using picowasm::Instance;
using picowasm::LoadedModule;
using picowasm::PauseReason;
using picowasm::ResourceLimits;
using picowasm::ValType;

namespace {

constexpr uint32_t kModuleMagic = 0x4D447750u;    // "PwDM"
constexpr uint32_t kInstanceMagic = 0x49447750u;  // "PwDI"
constexpr size_t kAlign = PW_BUFFER_ALIGN;

// Bytes from `address` up to the next multiple of `a` (a power of two).
size_t pad_to(uintptr_t address, size_t a) {
  return align_up(static_cast<size_t>(address), a) - static_cast<size_t>(address);
}

}  // namespace

struct pw_module {
  uint32_t magic;
  uint32_t num_func_imports;
  uint32_t num_slots;  // max(params, results) over the module's types: the call slots needed
  LoadedModule* loaded;
  const char* const* import_names;  // module, field of import j at [2j], [2j + 1]
  const HostFunction* host_table;   // function import k is bound to entry k (thunk run_host)
  size_t used;                      // bytes of the buffer, from its start
};

struct pw_instance {
  uint32_t magic;
  uint32_t num_slots;
  const pw_module* module;
  Instance* instance;
  const pw_host_function** bindings;  // C entry of function import k
  uint64_t* slots;                    // arguments in, results out (kept across a pause)
  const FuncType* current;            // the call in progress or paused (its result types)
  void* user;
};

struct pw_host_call {
  HostCall* call;
  pw_instance* instance;
  const pw_host_function* entry;
  const char* trap_message;
};

namespace {

// Space taken before the embed layer's region in each buffer (from an aligned start).
constexpr size_t kModuleHead = align_up(sizeof(pw_module), kAlign);

bool live(const pw_module* m) {
  return m && m->magic == kModuleMagic;
}
bool live(const pw_instance* i) {
  return i && i->magic == kInstanceMagic;
}

// ---- Errors -----------------------------------------------------------------------------------

pw_status status_of(ErrorCode code) {
  switch (picowasm::error_kind(code)) {
    case ErrorKind::none: return PW_OK;
    case ErrorKind::malformed: return PW_ERR_MALFORMED;
    case ErrorKind::invalid: return PW_ERR_INVALID;
    case ErrorKind::unsupported: return PW_ERR_UNSUPPORTED;
    case ErrorKind::limit: return PW_ERR_LIMIT;
    case ErrorKind::resource: return PW_ERR_NO_SPACE;
    case ErrorKind::usage: return PW_ERR_BAD_ARGUMENT;
    case ErrorKind::unlinkable: return PW_ERR_UNLINKABLE;
    case ErrorKind::trap: return PW_ERR_TRAP;
    case ErrorKind::exhaustion: return PW_ERR_EXHAUSTION;
  }
  return PW_ERR_BAD_ARGUMENT;
}

bool is_config_code(ErrorCode code) {
  return code >= ErrorCode::config_null_arena && code <= ErrorCode::config_bad_limit;
}

// Fills *out (if given) from `err`; `module` names the import of an unlinkable error.
pw_status report(pw_error* out, const Error& err, const pw_module* module = nullptr) {
  const pw_status status = status_of(err.code);
  if (!out) return status;
  pw_error e;
  e.status = status;
  e.code = static_cast<uint16_t>(err.code);
  e.code_name = picowasm::error_code_name(err.code);
  e.message = picowasm::error_message(err.code);
  e.offset = err.offset;
  e.function = PW_NO_INDEX;
  e.import_index = PW_NO_INDEX;
  e.import_module = nullptr;
  e.import_field = nullptr;
  e.entry = PW_NO_INDEX;
  e.needed = err.needed;
  e.available = err.available;
  e.lower_limit = err.lower;
  if (err.kind() == ErrorKind::unlinkable) {
    e.import_index = err.function;
    if (module && err.function < module->loaded->module.num_imports) {
      e.import_module = module->import_names[2 * err.function];
      e.import_field = module->import_names[2 * err.function + 1];
    }
  } else if (is_config_code(err.code)) {
    e.entry = err.function;
  } else {
    e.function = err.function;
  }
  *out = e;
  return status;
}

pw_status report(pw_error* out, ErrorCode code, uint32_t index = Error::kNoFunction,
                 const pw_module* module = nullptr) {
  Error err;
  err.code = code;
  err.function = index;
  return report(out, err, module);
}

ResourceLimits resource_limits(const pw_limits* l) {
  ResourceLimits r;
  if (!l) return r;
  r.memory_bytes = l->memory_bytes;
  r.memory_pages = l->memory_pages;
  r.table_elems = l->table_elems;
  r.stack_bytes = l->stack_bytes;
  r.call_depth = l->call_depth;
  r.trace_frames = l->trace_frames;
  r.host_call_depth = l->host_call_depth;
  r.module_bytes = l->module_bytes;
  r.functions = l->functions;
  r.locals = l->locals;
  r.elem_segments = l->elem_segments;
  r.data_segments = l->data_segments;
  return r;
}

// ---- Values -----------------------------------------------------------------------------------

uint64_t to_slot(const pw_value& v) {
  switch (v.type) {
    case PW_I32: return static_cast<uint32_t>(v.as.i32);
    case PW_I64: return static_cast<uint64_t>(v.as.i64);
    case PW_F32: {
      uint32_t bits;
      std::memcpy(&bits, &v.as.f32, sizeof bits);
      return bits;
    }
    case PW_F64: {
      uint64_t bits;
      std::memcpy(&bits, &v.as.f64, sizeof bits);
      return bits;
    }
    default: return reinterpret_cast<uintptr_t>(v.as.ref);
  }
}

pw_value from_slot(ValType type, uint64_t slot) {
  pw_value v;
  v.type = static_cast<pw_valtype>(type);
  v.as.i64 = 0;
  switch (type) {
    case ValType::i32: v.as.i32 = static_cast<int32_t>(static_cast<uint32_t>(slot)); break;
    case ValType::i64: v.as.i64 = static_cast<int64_t>(slot); break;
    case ValType::f32: {
      const uint32_t bits = static_cast<uint32_t>(slot);
      std::memcpy(&v.as.f32, &bits, sizeof bits);
      break;
    }
    case ValType::f64: std::memcpy(&v.as.f64, &slot, sizeof slot); break;
    default: v.as.ref = reinterpret_cast<void*>(static_cast<uintptr_t>(slot)); break;
  }
  return v;
}

bool types_equal(const pw_valtype* c_types, uint32_t n, const ValType* types) {
  for (uint32_t i = 0; i < n; ++i) {
    if (c_types[i] != static_cast<pw_valtype>(types[i])) return false;
  }
  return true;
}

// ---- Host functions ---------------------------------------------------------------------------

// The one thunk of every C host function: entry k of the module's table serves function import k.
ErrorCode run_host(HostCall& call) {
  pw_instance* inst = static_cast<pw_instance*>(call.user);
  const HostFunction* self = static_cast<const HostFunction*>(call.data);
  pw_host_call hc{&call, inst, inst->bindings[self - inst->module->host_table], nullptr};
  const pw_status status = hc.entry->fn(&hc);
  if (status == PW_OK) return ErrorCode::ok;
  if (status == PW_PAUSED) return ErrorCode::host_yield;
  call.trap_message = hc.trap_message ? hc.trap_message : pw_status_message(status);
  return ErrorCode::trap_host;
}

// ---- Modules ----------------------------------------------------------------------------------

char* copy_name(Arena& arena, const picowasm::Name& name) {
  char* s = arena.allocate_array<char>(size_t{name.size} + 1);
  if (s && name.size) std::memcpy(s, name.data, name.size);
  return s;
}

// Loads into [buffer, buffer + size); *needed (if given) receives the bytes an aligned buffer
// needs for it.
// With `image`, the code is taken from it (load_pretranslated) instead of translated.
pw_status load_into(const uint8_t* bytes, size_t size, const pw_limits* limits, void* buffer,
                    size_t buffer_size, pw_module** out, size_t* needed, pw_error* error,
                    const uint8_t* image = nullptr, size_t image_size = 0) {
  if (!buffer) {
    return report(error, buffer_size ? ErrorCode::config_null_arena : ErrorCode::out_of_arena);
  }
  const uintptr_t base = reinterpret_cast<uintptr_t>(buffer);
  if (buffer_size > UINTPTR_MAX - base) return report(error, ErrorCode::config_bad_arena);
  const size_t pad = pad_to(base, kAlign);
  if (buffer_size < pad + kModuleHead) return report(error, ErrorCode::out_of_arena);
  uint8_t* const start = static_cast<uint8_t*>(buffer) + pad;
  uint8_t* const region = start + kModuleHead;
  const size_t region_size = buffer_size - pad - kModuleHead;

  picowasm::ModuleConfig config;
  config.arena = region;
  config.arena_size = region_size;
  config.limits = resource_limits(limits);
  LoadedModule* loaded = nullptr;
  Error err = image ? picowasm::load_pretranslated(bytes, size, image, image_size, config, &loaded)
                    : picowasm::load(bytes, size, config, &loaded);
  if (!err.ok()) return report(error, err);
  const picowasm::Module& m = loaded->module;

  uint32_t num_func_imports = 0;
  for (uint32_t j = 0; j < m.num_imports; ++j) {
    if (m.imports[j].kind == ExternKind::func) ++num_func_imports;
  }
  uint32_t num_slots = 1;
  for (uint32_t t = 0; t < m.num_types; ++t) {
    const FuncType& type = m.types[t];
    if (type.num_params > num_slots) num_slots = type.num_params;
    if (type.num_results > num_slots) num_slots = type.num_results;
  }

  // The name and thunk tables, after what load() keeps.
  Arena tail(region + loaded->arena_used, region_size - loaded->arena_used);
  const char** names = tail.allocate_array<const char*>(size_t{m.num_imports} * 2);
  HostFunction* table = tail.allocate_array<HostFunction>(num_func_imports);
  if (!names || !table) return report(error, ErrorCode::out_of_arena);
  uint32_t k = 0;
  for (uint32_t j = 0; j < m.num_imports; ++j) {
    const Import& import = m.imports[j];
    names[2 * j] = copy_name(tail, import.module);
    names[2 * j + 1] = copy_name(tail, import.field);
    if (!names[2 * j] || !names[2 * j + 1]) return report(error, ErrorCode::out_of_arena);
    if (import.kind != ExternKind::func) continue;
    table[k].module = names[2 * j];
    table[k].name = names[2 * j + 1];
    table[k].type = m.types[import.type_index];
    table[k].thunk = run_host;
    table[k].data = &table[k];
    ++k;
  }
  const size_t used = kModuleHead + loaded->arena_used + tail.used();

  pw_module* module = reinterpret_cast<pw_module*>(start);
  module->magic = kModuleMagic;
  module->num_func_imports = num_func_imports;
  module->num_slots = num_slots;
  module->loaded = loaded;
  module->import_names = names;
  module->host_table = table;
  module->used = pad + used;
  if (needed) {
    const size_t peak = kModuleHead + loaded->arena_peak;
    *needed = align_up(peak > used ? peak : used, kAlign);
  }
  *out = module;
  report(error, ErrorCode::ok);
  return PW_OK;
}

// ---- Instances --------------------------------------------------------------------------------

// Offsets from the buffer's start of the parts of an instance buffer (see the top of the file).
struct InstanceLayout {
  size_t head;      // the pw_instance
  size_t bindings;  // const pw_host_function*[num_func_imports]
  size_t slots;     // uint64_t[num_slots]
  size_t region;    // the embed layer's arena
};

// With `base` == 0: the worst case over all addresses.
InstanceLayout instance_layout(const pw_module& m, uintptr_t base) {
  InstanceLayout l;
  l.head = base ? pad_to(base, kAlign) : kAlign - 1;
  l.bindings = align_up(l.head + sizeof(pw_instance), alignof(void*));
  l.slots = align_up(l.bindings + sizeof(void*) * m.num_func_imports, alignof(uint64_t));
  l.region = align_up(l.slots + sizeof(uint64_t) * m.num_slots, kAlign);
  return l;
}

// Checks the C table and binds every import of the module to an entry of it (bindings may be
// null: check only).
Error link(const pw_module& module, const pw_instance_config& config,
           const pw_host_function** bindings) {
  Error err;
  if (config.num_host_functions && !config.host_functions) {
    err.code = ErrorCode::config_null_table;
    return err;
  }
  for (size_t i = 0; i < config.num_host_functions; ++i) {
    const pw_host_function& h = config.host_functions[i];
    const uint32_t entry = i < Error::kNoFunction ? static_cast<uint32_t>(i) : Error::kNoFunction;
    err.function = entry;
    if (!h.module || !h.name) err.code = ErrorCode::config_null_name;
    if (!h.fn || (h.num_params && !h.params) || (h.num_results && !h.results)) {
      err.code = ErrorCode::config_null_function;
    }
    if (!err.ok()) return err;
  }
  const picowasm::Module& m = module.loaded->module;
  uint32_t k = 0;
  for (uint32_t j = 0; j < m.num_imports; ++j) {
    const Import& import = m.imports[j];
    err.function = j;
    err.code = ErrorCode::unknown_import;
    if (import.kind != ExternKind::func) return err;  // the C API links host functions only
    const pw_host_function* found = nullptr;
    for (size_t i = 0; i < config.num_host_functions && !found; ++i) {
      const pw_host_function& h = config.host_functions[i];
      if (import.module.equals(h.module, std::strlen(h.module)) &&
          import.field.equals(h.name, std::strlen(h.name))) {
        found = &h;
      }
    }
    if (!found) return err;
    const FuncType& type = m.types[import.type_index];
    if (found->num_params != type.num_params || found->num_results != type.num_results ||
        !types_equal(found->params, type.num_params, type.params) ||
        !types_equal(found->results, type.num_results, type.results)) {
      err.code = ErrorCode::incompatible_import;
      return err;
    }
    if (bindings) bindings[k] = found;
    ++k;
  }
  return Error{};
}

// The embed layer's view of an instance config, its arena at `region`.
picowasm::InstanceConfig embed_config(const pw_module& module, const pw_instance_config& config,
                                      void* region, size_t region_size, void* wrapper) {
  picowasm::InstanceConfig c;
  c.arena = region;
  c.arena_size = region_size;
  c.host_functions = module.host_table;
  c.num_host_functions = module.num_func_imports;
  c.limits = resource_limits(&config.limits);
  c.user = wrapper;
  return c;
}

// pw_instance_size() without the final report: the layout and the total bytes.
Error measure(const pw_module& module, const pw_instance_config& config, InstanceLayout* layout,
              size_t* needed, const char** largest_limit = nullptr) {
  Error err;
  const uintptr_t base = reinterpret_cast<uintptr_t>(config.buffer);
  if (!config.buffer && config.buffer_size) err.code = ErrorCode::config_null_arena;
  if (config.buffer && config.buffer_size > UINTPTR_MAX - base) {
    err.code = ErrorCode::config_bad_arena;
  }
  if (!err.ok()) return err;
  err = link(module, config, nullptr);
  if (!err.ok()) return err;
  *layout = instance_layout(module, base);
  uint8_t* region = config.buffer ? static_cast<uint8_t*>(config.buffer) + layout->region : nullptr;
  const size_t region_size =
      config.buffer_size > layout->region ? config.buffer_size - layout->region : 0;
  size_t body = 0;
  err = picowasm::instance_size(*module.loaded,
                                embed_config(module, config, region, region_size, nullptr), &body,
                                largest_limit);
  if (!err.ok()) return err;
  *needed = layout->region + body;
  return Error{};
}

pw_status finish_call(pw_instance* inst, const CallResult& r, pw_value* results, size_t nresults,
                      pw_call_result* out) {
  pw_call_result res;
  res.status = PW_OK;
  res.pause = PW_PAUSE_NONE;
  res.trap_code = 0;
  res.trap_name = nullptr;
  res.fuel_used = r.fuel_used;
  switch (r.status) {
    case CallStatus::ok:
      // (No call has run when pw_instance_start() finds nothing to start.)
      for (uint32_t i = 0; inst->current && i < inst->current->num_results && i < nresults; ++i) {
        results[i] = from_slot(inst->current->results[i], inst->slots[i]);
      }
      break;
    case CallStatus::paused:
      res.status = PW_PAUSED;
      switch (r.pause) {
        case PauseReason::out_of_fuel: res.pause = PW_PAUSE_OUT_OF_FUEL; break;
        case PauseReason::interrupted: res.pause = PW_PAUSE_INTERRUPTED; break;
        case PauseReason::host_yield: res.pause = PW_PAUSE_HOST_YIELD; break;
        case PauseReason::none: break;
      }
      break;
    case CallStatus::trap:
      // Usage codes: the interpreter refused the call in this state (nesting not allowed, start
      // function pending or failed).
      res.status = picowasm::error_kind(r.error.code) == ErrorKind::usage ? PW_ERR_STATE
                                                                          : status_of(r.error.code);
      res.trap_code = static_cast<uint16_t>(r.error.code);
      res.trap_name = picowasm::error_code_name(r.error.code);
      break;
  }
  if (out) *out = res;
  return res.status;
}

void clear(pw_call_result* out, pw_status status) {
  if (!out) return;
  std::memset(out, 0, sizeof *out);
  out->status = status;
}

bool memory_view(const Instance* inst, uint32_t address, uint32_t length, uint8_t** out) {
  const picowasm::MemoryInst* m = inst ? inst->memory : nullptr;
  if (!m || uint64_t{address} + length > m->size) return false;
  if (out) *out = m->data + address;
  return true;
}

}  // namespace

extern "C" {

const char* pw_status_message(pw_status status) {
  switch (status) {
    case PW_OK: return "ok";
    case PW_PAUSED: return "paused";
    case PW_ERR_MALFORMED: return "module is malformed";
    case PW_ERR_INVALID: return "module is invalid";
    case PW_ERR_UNSUPPORTED: return "module uses an unsupported feature";
    case PW_ERR_LIMIT: return "limit exceeded";
    case PW_ERR_NO_SPACE: return "buffer too small";
    case PW_ERR_BAD_ARGUMENT: return "bad argument";
    case PW_ERR_UNLINKABLE: return "import cannot be linked";
    case PW_ERR_TRAP: return "trapped";
    case PW_ERR_EXHAUSTION: return "call stack exhausted";
    case PW_ERR_NOT_FOUND: return "no such exported function";
    case PW_ERR_SIGNATURE: return "arguments or results do not match the signature";
    case PW_ERR_STATE: return "instance is not in a state that allows this";
  }
  return "unknown status";
}

// ---- Modules ----------------------------------------------------------------------------------

pw_status pw_module_size(const uint8_t* bytes, size_t size, const pw_limits* limits, void* scratch,
                         size_t scratch_size, size_t* needed, pw_error* error) {
  if (!needed) return report(error, ErrorCode::bad_argument);
  *needed = 0;
  pw_module* module = nullptr;
  size_t n = 0;
  const pw_status s = load_into(bytes, size, limits, scratch, scratch_size, &module, &n, error);
  if (s == PW_OK) {
    module->magic = 0;  // a dry run: the scratch module is not a usable handle
    *needed = n;
  }
  return s;
}

pw_status pw_module_load(const uint8_t* bytes, size_t size, const pw_limits* limits, void* buffer,
                         size_t buffer_size, pw_module** out, pw_error* error) {
  if (!out) return report(error, ErrorCode::bad_argument);
  *out = nullptr;
  return load_into(bytes, size, limits, buffer, buffer_size, out, nullptr, error);
}

pw_status pw_module_translate(const uint8_t* bytes, size_t size, const pw_limits* limits,
                              void* scratch, size_t scratch_size, pw_image_write write,
                              void* context, size_t* image_size, pw_error* error) {
  if (image_size) *image_size = 0;
  if (!write) return report(error, ErrorCode::bad_argument);
  struct Writer {
    pw_image_write write;
    void* context;
    static bool put(void* self, size_t offset, const void* data, size_t n) {
      const Writer& w = *static_cast<const Writer*>(self);
      return w.write(w.context, offset, data, n) != 0;
    }
  } writer{write, context};
  picowasm::ModuleConfig config;
  config.arena = scratch;
  config.arena_size = scratch_size;
  config.limits = resource_limits(limits);
  const picowasm::ImageSink sink{Writer::put, &writer};
  return report(error, picowasm::translate_to(bytes, size, config, sink, image_size));
}

pw_status pw_module_load_pretranslated(const uint8_t* bytes, size_t size, const uint8_t* image,
                                       size_t image_size, const pw_limits* limits, void* buffer,
                                       size_t buffer_size, pw_module** out, pw_error* error) {
  if (!out) return report(error, ErrorCode::bad_argument);
  *out = nullptr;
  if (!image) return report(error, ErrorCode::bad_argument);
  return load_into(bytes, size, limits, buffer, buffer_size, out, nullptr, error, image,
                   image_size);
}

size_t pw_module_used(const pw_module* module) {
  return live(module) ? module->used : 0;
}

void pw_module_unload(pw_module* module) {
  if (live(module)) module->magic = 0;
}

// ---- Instances --------------------------------------------------------------------------------

pw_status pw_instance_size(const pw_module* module, const pw_instance_config* config,
                           size_t* needed, pw_error* error) {
  if (needed) *needed = 0;
  if (!live(module) || !config || !needed) return report(error, ErrorCode::bad_argument);
  InstanceLayout layout;
  size_t n = 0;
  const Error err = measure(*module, *config, &layout, &n);
  if (!err.ok()) return report(error, err, module);
  *needed = n;
  return report(error, ErrorCode::ok);
}

pw_status pw_instance_create(const pw_module* module, const pw_instance_config* config,
                             pw_instance** out, pw_error* error) {
  if (out) *out = nullptr;
  if (!live(module) || !config || !out) return report(error, ErrorCode::bad_argument);
  InstanceLayout layout;
  size_t needed = 0;
  const char* largest = nullptr;
  Error err = measure(*module, *config, &layout, &needed, &largest);
  if (!err.ok()) return report(error, err, module);
  // Admission before the first write: a buffer that is too small is left untouched.
  if (!config->buffer || needed > config->buffer_size) {
    err.code = ErrorCode::out_of_arena;
    err.needed = needed;
    err.available = config->buffer ? config->buffer_size : 0;
    err.lower = largest;
    return report(error, err, module);
  }
  uint8_t* const base = static_cast<uint8_t*>(config->buffer);
  pw_instance* inst = reinterpret_cast<pw_instance*>(base + layout.head);
  inst->magic = 0;
  inst->num_slots = module->num_slots;
  inst->module = module;
  inst->instance = nullptr;
  inst->bindings = reinterpret_cast<const pw_host_function**>(base + layout.bindings);
  inst->slots = reinterpret_cast<uint64_t*>(base + layout.slots);
  inst->current = nullptr;
  inst->user = config->user;
  // The bindings must be in place before instantiation: the start function may call the host.
  link(*module, *config, inst->bindings);
  const picowasm::InstanceConfig c = embed_config(*module, *config, base + layout.region,
                                                  config->buffer_size - layout.region, inst);
  Instance* instance = nullptr;
  err = picowasm::instantiate(*module->loaded, c, &instance);
  if (!err.ok()) return report(error, err, module);
  inst->instance = instance;
  inst->magic = kInstanceMagic;
  *out = inst;
  return report(error, ErrorCode::ok);
}

void pw_instance_unload(pw_instance* instance) {
  if (!live(instance)) return;
  picowasm::unload(*instance->instance);
  instance->magic = 0;
}

bool pw_instance_memory(pw_instance* instance, uint32_t address, uint32_t length, uint8_t** out) {
  return live(instance) && memory_view(instance->instance, address, length, out);
}

// ---- Calls ------------------------------------------------------------------------------------

pw_status pw_call(pw_instance* instance, const char* export_name, const pw_value* args,
                  size_t nargs, pw_value* results, size_t nresults, uint64_t fuel,
                  pw_call_result* out) {
  pw_status status = PW_ERR_BAD_ARGUMENT;
  if (!live(instance) || !export_name || (nargs && !args) || (nresults && !results)) {
    clear(out, status);
    return status;
  }
  Instance& in = *instance->instance;
  FuncInst* func = picowasm::find_function(in, export_name);
  const FuncType* type = func ? func->type : nullptr;
  if (in.start_state != picowasm::StartState::ready && !in.running) {
    CallResult refused;
    refused.status = CallStatus::trap;
    refused.error.code = in.start_state == picowasm::StartState::pending
                             ? ErrorCode::start_pending
                             : ErrorCode::instance_failed;
    return finish_call(instance, refused, results, nresults, out);
  }
  if (in.paused) {
    status = PW_ERR_STATE;
  } else if (!func) {
    status = PW_ERR_NOT_FOUND;
  } else if (nargs != type->num_params || nresults != type->num_results ||
             nargs > instance->num_slots || nresults > instance->num_slots) {
    status = PW_ERR_SIGNATURE;
  } else {
    status = PW_OK;
    for (uint32_t i = 0; i < type->num_params && status == PW_OK; ++i) {
      if (args[i].type != static_cast<pw_valtype>(type->params[i])) status = PW_ERR_SIGNATURE;
    }
  }
  if (status != PW_OK) {
    clear(out, status);
    return status;
  }
  // A call from one of the instance's own host functions nests inside the running one: the outer
  // call's result types are restored when it returns.
  const FuncType* outer = instance->current;
  for (uint32_t i = 0; i < type->num_params; ++i) instance->slots[i] = to_slot(args[i]);
  instance->current = type;
  const CallResult r = picowasm::call(in, func, instance->slots, fuel);
  status = finish_call(instance, r, results, nresults, out);
  if (in.running) instance->current = outer;
  return status;
}

pw_status pw_instance_start(pw_instance* instance, uint64_t fuel, pw_call_result* out) {
  if (!live(instance)) {
    clear(out, PW_ERR_BAD_ARGUMENT);
    return PW_ERR_BAD_ARGUMENT;
  }
  Instance& in = *instance->instance;
  if (in.start_state == picowasm::StartState::pending) {
    instance->current = in.funcs[in.module->start]->type;
  }
  return finish_call(instance, picowasm::start(in, fuel), nullptr, 0, out);
}

pw_status pw_resume(pw_instance* instance, pw_value* results, size_t nresults, uint64_t fuel,
                    pw_call_result* out) {
  pw_status status = PW_OK;
  if (!live(instance) || (nresults && !results)) {
    status = PW_ERR_BAD_ARGUMENT;
  } else if (!instance->instance->paused || instance->instance->running) {
    status = PW_ERR_STATE;
  } else if (nresults != instance->current->num_results) {
    status = PW_ERR_SIGNATURE;
  }
  if (status != PW_OK) {
    clear(out, status);
    return status;
  }
  const CallResult r = picowasm::resume(*instance->instance, instance->slots, fuel);
  return finish_call(instance, r, results, nresults, out);
}

void pw_abandon(pw_instance* instance) {
  if (live(instance) && !instance->instance->running) picowasm::abandon(*instance->instance);
}

bool pw_is_paused(const pw_instance* instance) {
  return live(instance) && picowasm::is_paused(*instance->instance);
}

void pw_interrupt(pw_instance* instance) {
  if (live(instance)) picowasm::interrupt(*instance->instance);
}

// ---- Trap reports -----------------------------------------------------------------------------

bool pw_instance_trap(const pw_instance* instance, pw_trap_report* out) {
  if (!out) return false;
  std::memset(out, 0, sizeof *out);
  if (!live(instance)) return false;
  const picowasm::TrapReport r = picowasm::trap_report(*instance->instance);
  if (r.code == ErrorCode::ok) return false;
  out->code = static_cast<uint16_t>(r.code);
  out->code_name = picowasm::error_code_name(r.code);
  out->message = picowasm::error_message(r.code);
  out->host_message = r.host_message;
  out->num_frames = r.num_frames;
  out->total_frames = r.total_frames;
  return true;
}

bool pw_instance_trap_frame(const pw_instance* instance, uint32_t index, pw_trap_frame* out) {
  if (!out) return false;
  std::memset(out, 0, sizeof *out);
  if (!live(instance)) return false;
  const picowasm::TrapReport r = picowasm::trap_report(*instance->instance);
  if (r.code == ErrorCode::ok || index >= r.num_frames) return false;
  const picowasm::TrapFrame& f = r.frames[index];
  out->function = f.function;
  out->module_offset = f.module_offset;
  picowasm::Name name;
  if (picowasm::function_name(instance->module->loaded->module, f.function, &name)) {
    out->name = name.data;
    out->name_len = name.size;
  }
  return true;
}

// ---- Host calls -------------------------------------------------------------------------------

uint32_t pw_host_num_args(const pw_host_call* call) {
  return call ? call->entry->num_params : 0;
}

pw_value pw_host_arg(const pw_host_call* call, uint32_t index) {
  if (!call || index >= call->entry->num_params) {
    pw_value v;
    v.type = 0;
    v.as.i64 = 0;
    return v;
  }
  return from_slot(static_cast<ValType>(call->entry->params[index]), call->call->slots[index]);
}

int32_t pw_host_arg_i32(const pw_host_call* call, uint32_t index) {
  const pw_value v = pw_host_arg(call, index);
  return v.type == PW_I32 ? v.as.i32 : 0;
}
int64_t pw_host_arg_i64(const pw_host_call* call, uint32_t index) {
  const pw_value v = pw_host_arg(call, index);
  return v.type == PW_I64 ? v.as.i64 : 0;
}
float pw_host_arg_f32(const pw_host_call* call, uint32_t index) {
  const pw_value v = pw_host_arg(call, index);
  return v.type == PW_F32 ? v.as.f32 : 0.0f;
}
double pw_host_arg_f64(const pw_host_call* call, uint32_t index) {
  const pw_value v = pw_host_arg(call, index);
  return v.type == PW_F64 ? v.as.f64 : 0.0;
}
void* pw_host_arg_ref(const pw_host_call* call, uint32_t index) {
  const pw_value v = pw_host_arg(call, index);
  return v.type == PW_FUNCREF || v.type == PW_EXTERNREF ? v.as.ref : nullptr;
}

bool pw_host_set_result(pw_host_call* call, uint32_t index, pw_value value) {
  if (!call || index >= call->entry->num_results || call->entry->results[index] != value.type) {
    return false;
  }
  call->call->slots[index] = to_slot(value);
  return true;
}

bool pw_host_memory(const pw_host_call* call, uint32_t address, uint32_t length, uint8_t** out) {
  return call && memory_view(call->call->instance, address, length, out);
}

pw_status pw_host_trap(pw_host_call* call, const char* message) {
  if (call) call->trap_message = message;
  return PW_ERR_TRAP;
}

pw_status pw_host_yield(pw_host_call*) {
  return PW_PAUSED;
}

void* pw_host_user(const pw_host_call* call) {
  return call ? call->instance->user : nullptr;
}
const void* pw_host_data(const pw_host_call* call) {
  return call ? call->entry->data : nullptr;
}
const pw_host_function* pw_host_entry(const pw_host_call* call) {
  return call ? call->entry : nullptr;
}
pw_instance* pw_host_instance(const pw_host_call* call) {
  return call && live(call->instance) ? call->instance : nullptr;
}

}  // extern "C"
