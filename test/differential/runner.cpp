// picowasm side of the differential test (test/differential/differential.py): loads one module,
// binds every function import to a dummy that logs its arguments and returns zeros (like
// `wasm-interp --dummy-import-func`), instantiates it once, runs its start function, then calls
// every exported function without parameters in export order (like `--run-all-exports`, which
// skips the others; with --all-exports also those with parameters, passing zeros), all on that
// one instance. One line per event on stdout:
//
//   log MODULE.FIELD(TYPE:HEX, ...)       an import was called
//   instantiate: ok | trap CLASS | timeout | error CODE     (+ " [fuel N]" after a start function)
//   export NAME: ok[ TYPE:HEX, ...] [fuel N] | trap CLASS [fuel N] | timeout
//   load: error CODE | skip REASON
//
// Values are bit patterns in hex (floats too: the comparison canonicalises NaNs, not this
// program, so that both dispatch builds and the sliced mode must agree to the bit); references
// print as null/nonnull. CLASS is one of the trap classes differential.py knows, "exhausted" for
// call stack exhaustion. `timeout` means the fuel cap ran out; nothing runs after it.
//
// Usage: picowasm-diff-runner [--fuel CAP] [--slices SEED] [--all-exports] FILE.wasm
//   --fuel CAP     safe points each call may pass before it counts as a timeout (default 10^7)
//   --slices SEED  run every call in random small fuel slices (seeded), resuming until done; the
//                  output must equal the unsliced run's
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "picowasm/picowasm.hpp"

using namespace picowasm;

namespace {

// ---- Output ----------------------------------------------------------------------------------

void print_value(std::string& out, ValType type, uint64_t slot) {
  char buf[40];
  switch (type) {
    case ValType::i32: std::snprintf(buf, sizeof buf, "i32:%08" PRIx32, uint32_t(slot)); break;
    case ValType::f32: std::snprintf(buf, sizeof buf, "f32:%08" PRIx32, uint32_t(slot)); break;
    case ValType::i64: std::snprintf(buf, sizeof buf, "i64:%016" PRIx64, slot); break;
    case ValType::f64: std::snprintf(buf, sizeof buf, "f64:%016" PRIx64, slot); break;
    // Reference values are addresses here and store indices in wabt: only null-ness compares.
    case ValType::funcref:
      std::snprintf(buf, sizeof buf, "funcref:%s", slot ? "nonnull" : "null");
      break;
    case ValType::externref:
      std::snprintf(buf, sizeof buf, "externref:%s", slot ? "nonnull" : "null");
      break;
    default: std::snprintf(buf, sizeof buf, "?%02x:%016" PRIx64, unsigned(type), slot); break;
  }
  out += buf;
}

void print_values(std::string& out, const ValType* types, uint32_t count, const uint64_t* slots) {
  for (uint32_t i = 0; i < count; ++i) {
    if (i) out += ',';
    out += ' ';
    print_value(out, types[i], slots[i]);
  }
}

void emit(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

// Trap classes shared with differential.py (which maps wabt's messages onto the same names).
const char* trap_class(ErrorCode code) {
  switch (code) {
    case ErrorCode::trap_unreachable: return "unreachable";
    case ErrorCode::trap_int_div_by_zero: return "int_div_zero";
    case ErrorCode::trap_int_overflow: return "int_overflow";
    case ErrorCode::trap_invalid_conversion: return "invalid_conversion";
    case ErrorCode::trap_memory_oob: return "memory_oob";
    case ErrorCode::trap_table_oob: return "table_oob";
    case ErrorCode::trap_undefined_element: return "undefined_element";
    case ErrorCode::trap_uninitialized_element: return "uninitialized_element";
    case ErrorCode::trap_indirect_call_type: return "indirect_call_type";
    case ErrorCode::trap_null_reference: return "null_reference";
    case ErrorCode::trap_host: return "host";
    case ErrorCode::call_stack_exhausted: return "exhausted";
    default: return nullptr;
  }
}

std::string outcome_of_error(ErrorCode code) {
  const char* cls = trap_class(code);
  if (cls) return std::string("trap ") + cls;
  return std::string("error ") + error_code_name(code);
}

// ---- Dummy imports ---------------------------------------------------------------------------

// A HostFn cannot tell which import it serves, so each function import gets its own
// instantiation of dummy_import<N>, which looks up import N here.
struct DummyImport {
  std::string label;  // "module.field"
  const FuncType* type = nullptr;
};
std::vector<DummyImport> g_imports;

ErrorCode log_and_return_zeros(uint32_t index, HostCall& call) {
  const DummyImport& imp = g_imports[index];
  std::string line = "log " + imp.label + "(";
  for (uint32_t i = 0; i < imp.type->num_params; ++i) {
    if (i) line += ", ";
    print_value(line, imp.type->params[i], call.slots[i]);
  }
  line += ')';
  emit(line);
  for (uint32_t i = 0; i < imp.type->num_results; ++i) call.slots[i] = 0;
  return ErrorCode::ok;
}

template <uint32_t N>
ErrorCode dummy_import(HostCall& call) {
  return log_and_return_zeros(N, call);
}

template <uint32_t... N>
constexpr std::array<HostFn, sizeof...(N)> make_thunks(std::integer_sequence<uint32_t, N...>) {
  return {&dummy_import<N>...};
}
constexpr auto kThunks = make_thunks(std::make_integer_sequence<uint32_t, 128>());

// ---- Fuel ------------------------------------------------------------------------------------

// xorshift64*: the slice sizes must be the same on every run of one seed.
struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
};

struct Runner {
  uint64_t fuel_cap = 10000000;
  bool sliced = false;
  bool trace = std::getenv("PICOWASM_DIFF_TRACE") != nullptr;  // slices on stderr
  Rng rng{1};
  CallResult last;         // how the last call that finished ended
  uint64_t fuel_used = 0;  // and the fuel it spent in all its slices

  // Fuel for the first slice of a call.
  uint64_t first_budget() { return clamp(sliced ? next_slice() : fuel_cap, fuel_cap); }

  // Runs a started call (r is what call()/start() returned) to its end under the fuel cap,
  // resuming while it pauses. Returns false on timeout (the call is abandoned).
  bool finish(Instance& instance, CallResult r, uint64_t* slots) {
    uint64_t used = r.fuel_used;
    if (trace) std::fprintf(stderr, "  first slice used %" PRIu64 "\n", r.fuel_used);
    while (r.status == CallStatus::paused) {
      if (used >= fuel_cap) {
        abandon(instance);
        return false;
      }
      const uint64_t slice = clamp(sliced ? next_slice() : fuel_cap, fuel_cap - used);
      r = resume(instance, slots, slice);
      used += r.fuel_used;
      if (trace) {
        std::fprintf(stderr, "  resume(%" PRIu64 ") used %" PRIu64 " status %d\n", slice,
                     r.fuel_used, int(r.status));
      }
    }
    last = r;
    fuel_used = used;
    return true;
  }

  // Mostly tiny slices, with zero (pause at the very next safe point) and the odd larger one.
  uint64_t next_slice() {
    const uint64_t r = rng.next();
    switch (r % 8) {
      case 0: return 0;
      case 1: return 1 + (r >> 8) % 1000;
      default: return 1 + (r >> 8) % 16;
    }
  }

  static uint64_t clamp(uint64_t fuel, uint64_t most) { return fuel < most ? fuel : most; }
};

// ---- Main ------------------------------------------------------------------------------------

bool read_file(const char* path, std::vector<uint8_t>* out) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  std::fclose(f);
  return true;
}

std::string name_of(const Name& n) {
  return std::string(n.data, n.size);
}

// 16-byte aligned heap buffer: the engine's arenas want alignment; the runner may use the heap.
struct Buffer {
  void* p = nullptr;
  explicit Buffer(size_t size) { p = std::aligned_alloc(16, (size + 15) / 16 * 16); }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

int usage() {
  std::fprintf(stderr,
               "usage: picowasm-diff-runner [--fuel CAP] [--slices SEED] [--all-exports] "
               "FILE.wasm\n");
  return 2;
}

int run(int argc, char** argv) {
  Runner runner;
  bool all_exports = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--fuel") && i + 1 < argc) {
      runner.fuel_cap = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--all-exports")) {
      all_exports = true;
    } else if (!std::strcmp(argv[i], "--slices") && i + 1 < argc) {
      runner.sliced = true;
      runner.rng.s = std::strtoull(argv[++i], nullptr, 10) * 2654435761u + 1;
    } else if (argv[i][0] == '-' || path) {
      return usage();
    } else {
      path = argv[i];
    }
  }
  if (!path) return usage();
  std::vector<uint8_t> bytes;
  if (!read_file(path, &bytes)) {
    std::fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }

  // Load, doubling the module buffer until it fits (translation needs a few times the bytes).
  LoadedModule* module = nullptr;
  std::unique_ptr<Buffer> module_buffer;
  for (size_t size = 16 * bytes.size() + (1u << 20);; size *= 2) {
    module_buffer.reset(new Buffer(size));
    ModuleConfig mc;
    mc.arena = module_buffer->p;
    mc.arena_size = size;
    const Error err = load(bytes.data(), bytes.size(), mc, &module);
    if (err.ok()) break;
    if (err.code == ErrorCode::out_of_arena && size < (size_t{1} << 30)) continue;
    emit(std::string("load: error ") + error_code_name(err.code));
    return 0;
  }

  // One dummy per function import; anything else cannot be provided (and wasm-interp fails too).
  const Module& m = module->module;
  std::vector<HostFunction> hosts;
  g_imports.clear();
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    const Import& imp = m.imports[i];
    if (imp.kind != ExternKind::func) {
      emit(std::string("load: skip import of a ") + extern_kind_name(imp.kind));
      return 0;
    }
    if (g_imports.size() == kThunks.size()) {
      emit("load: skip too many imports");
      return 0;
    }
    g_imports.push_back({name_of(imp.module) + "." + name_of(imp.field), &m.types[imp.type_index]});
  }
  // HostFunction names are C strings: keep NUL-terminated copies alive beside the table.
  std::vector<std::pair<std::string, std::string>> names;
  names.reserve(m.num_imports);
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    names.emplace_back(name_of(m.imports[i].module), name_of(m.imports[i].field));
  }
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    hosts.push_back(HostFunction{names[i].first.c_str(), names[i].second.c_str(),
                                 *g_imports[i].type, kThunks[i]});
  }

  InstanceConfig ic;
  ic.host_functions = hosts.data();
  ic.num_host_functions = hosts.size();
  ic.limits.trace_frames = 1;  // only the trap code matters here
  // Stacks closer to wasm-interp's (about 1600 frames, an unbounded value stack) than the
  // microcontroller defaults, so that fewer exports end in an exhaustion only picowasm has; and
  // fixed here, so that the outcome does not follow changes of the defaults.
  ic.limits.call_depth = 1024;
  ic.limits.stack_bytes = 1u << 20;
  size_t need = 0;
  Error err = instance_size(*module, ic, &need);  // arena == nullptr: a bound for any address
  if (!err.ok()) {
    emit("instantiate: " + outcome_of_error(err.code));
    return 0;
  }
  Buffer instance_buffer(need);
  ic.arena = instance_buffer.p;
  ic.arena_size = need;
  Instance* instance = nullptr;
  err = instantiate(*module, ic, &instance);
  if (!err.ok()) {
    emit("instantiate: " + outcome_of_error(err.code));
    return 0;
  }

  // The start function is a call like any other (wasm-interp runs it inside instantiation, so
  // its trap is an instantiation failure there).
  if (!runner.finish(*instance, start(*instance, runner.first_budget()), nullptr)) {
    emit("instantiate: timeout");
    return 0;
  }
  const std::string start_fuel = " [fuel " + std::to_string(runner.fuel_used) + "]";
  if (runner.last.status == CallStatus::trap) {
    emit("instantiate: " + outcome_of_error(runner.last.error.code) + start_fuel);
    return 0;
  }
  emit("instantiate: ok" + start_fuel);
  std::fflush(stdout);

  for (uint32_t i = 0; i < m.num_exports; ++i) {
    const Export& e = m.exports[i];
    if (e.kind != ExternKind::func) continue;
    const std::string name = name_of(e.name);
    FuncInst* f = find_function(*instance, name.c_str());
    if (!f) {
      emit("export " + name + ": error not found");
      return 1;
    }
    const FuncType& type = function_type(*f);
    if (type.num_params && !all_exports) continue;  // as wasm-interp --run-all-exports does
    std::vector<uint64_t> slots(type.num_params + type.num_results + 1);  // arguments: zeros
    const CallResult r = call(*instance, f, slots.data(), runner.first_budget());
    if (!runner.finish(*instance, r, slots.data())) {
      emit("export " + name + ": timeout");
      return 0;
    }
    std::string line = "export " + name + ": ";
    if (runner.last.status == CallStatus::trap) {
      line += outcome_of_error(runner.last.error.code);
    } else {
      line += "ok";
      print_values(line, type.results, type.num_results, slots.data());
    }
    // Fuel is deterministic: the dispatch variants and the sliced run must spend the same.
    line += " [fuel " + std::to_string(runner.fuel_used) + "]";
    emit(line);
    std::fflush(stdout);
  }
  unload(*instance);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return run(argc, argv);
}
