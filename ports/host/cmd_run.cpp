// `picowasm run FILE.wasm [--invoke NAME] [ARG...]`: instantiate a module that needs no imports,
// call one exported function with arguments from the command line and print its results.
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "api/load.h"
#include "cli.h"
#include "cli_json.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

namespace picowasm::host {
namespace {

// Resource limits of `picowasm run`. A module that declares more initial memory or table
// elements than these is refused before anything is allocated (--max-memory-pages and
// --max-table-elems raise them); below them, they cap growth. The host has memory to spare, and a
// large reservation costs nothing until it is touched (memories and tables are cleared only as
// far as they are in use).
constexpr uint32_t kDefaultMemoryPages = 1024;  // 64 MiB
constexpr uint32_t kDefaultTableElems = 65536;  // over all tables together
constexpr uint64_t kPageSize = PICOWASM_PAGE_SIZE;
constexpr uint32_t kStackSlots = 1u << 20;
constexpr uint32_t kCallDepth = 10000;

struct RunArgs {
  std::string path;
  std::string export_name;  // empty: _start, else main
  uint64_t fuel = kUnlimitedFuel;
  bool json = false;
  uint32_t max_memory_pages = kDefaultMemoryPages;
  uint32_t max_table_elems = kDefaultTableElems;
  std::string snapshot_out;   // written when the call pauses
  std::string from_snapshot;  // restored before the call
  Args values;
};

// ---- Resources
// ----------------------------------------------------------------------------------

// "4 GiB", "64 MiB", "192 KiB", "100 bytes": the largest unit that divides `bytes` (memories of
// 1-byte pages need not be a whole number of KiB).
std::string format_size(uint64_t bytes) {
  if (bytes != 0 && bytes % (uint64_t{1} << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes != 0 && bytes % (uint64_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % (uint64_t{1} << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace

std::string check_declared_sizes(const Module& m, uint32_t max_memory_pages,
                                 uint32_t max_table_elems) {
  // In bytes: a memory's pages may be 1 byte (custom-page-sizes); the limit counts 64 KiB pages.
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < m.num_memories; ++i)
    bytes += uint64_t{m.memories[i].limits.min} << m.memories[i].page_size_log2;
  if (bytes > uint64_t{max_memory_pages} * kPageSize) {
    return fmt::format(
        "error: limit: the module declares {} of initial memory, more than picowasm run "
        "allows ({} page{} = {}); raise the limit with --max-memory-pages N",
        format_size(bytes), max_memory_pages, max_memory_pages == 1 ? "" : "s",
        format_size(uint64_t{max_memory_pages} * kPageSize));
  }
  uint64_t elems = 0;
  for (uint32_t i = 0; i < m.num_tables; ++i) elems += m.tables[i].limits.min;
  if (elems > max_table_elems) {
    return fmt::format(
        "error: limit: the module declares {} initial table elements, more than picowasm run "
        "allows ({} in all tables together); raise the limit with --max-table-elems N",
        elems, max_table_elems);
  }
  return "";
}

namespace {

// Growth caps and stacks for instantiate(). The table allowance is shared out between the
// module's tables, so that all of them together reserve at most twice --max-table-elems (each
// gets its share, or its declared minimum if that is more).
InstanceLimits instance_limits(const Module& m, const RunArgs& run) {
  InstanceLimits limits;
  limits.memory_pages = run.max_memory_pages;
  const uint32_t tables = std::max<uint32_t>(m.num_tables - m.num_imported_tables, 1);
  limits.table_elems = std::max<uint32_t>(run.max_table_elems / tables, 1);
  limits.stack_slots = kStackSlots;
  limits.call_depth = kCallDepth;
  return limits;
}

// What instantiate() reserves for a memory or table with these limits (see InstanceLimits).
uint64_t reserved(const Limits& limits, uint32_t requested) {
  uint64_t n = limits.has_max ? std::min(limits.max, requested) : requested;
  return std::max<uint64_t>(n, limits.min);
}

// Adds to a byte count, refusing what does not fit in 64 bits.
void add_bytes(uint64_t* total, uint64_t count, uint64_t unit) {
  if (count != 0 && unit > (UINT64_MAX - *total) / count)
    throw std::runtime_error("module needs more memory than this host has");
  *total += count * unit;
}

// Arena for compiling and instantiating: translated code (generously, 64 bytes per module byte),
// the memory and table reservations, and the stacks. Called after check_declared_sizes(), so the
// reservations are bounded by the limits.
size_t runtime_arena_size(const Module& m, size_t file_size, const InstanceLimits& limits) {
  uint64_t bytes = arena_size_for(file_size);
  add_bytes(&bytes, file_size, 64);
  add_bytes(&bytes, 1, uint64_t{4} << 20);
  for (uint32_t i = m.num_imported_memories; i < m.num_memories; ++i) {
    const MemoryType& t = m.memories[i];
    const uint64_t requested = std::min<uint64_t>(
        uint64_t{limits.memory_pages} << (PICOWASM_PAGE_SIZE_LOG2 - t.page_size_log2),
        t.max_pages());
    add_bytes(&bytes, reserved(t.limits, static_cast<uint32_t>(requested)), t.page_size());
  }
  for (uint32_t i = m.num_imported_tables; i < m.num_tables; ++i)
    add_bytes(&bytes, reserved(m.tables[i].limits, limits.table_elems), sizeof(uint64_t));
  add_bytes(&bytes, limits.stack_slots, sizeof(uint64_t));
  add_bytes(&bytes, limits.call_depth, sizeof(CallFrame));
  if (bytes > SIZE_MAX) throw std::runtime_error("module needs more memory than this host has");
  return static_cast<size_t>(bytes);
}

std::string exported_functions(const Module& m) {
  std::string list;
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    if (m.exports[i].kind != ExternKind::func) continue;
    if (!list.empty()) list += ", ";
    list += escape_text(m.exports[i].name);
  }
  return list.empty() ? "(none)" : list;
}

// ---- Arguments
// ----------------------------------------------------------------------------------

// Parses a decimal or 0x-hex integer with an optional '-' into `bits` bits (two's complement):
// accepts -2^(bits-1) .. 2^bits - 1, so both signed and unsigned spellings work.
bool parse_int(const std::string& text, unsigned bits, uint64_t* out) {
  const char* p = text.c_str();
  bool negative = *p == '-';
  if (negative) ++p;
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  }
  // strtoull would also accept spaces, a sign or an empty string here.
  if (!std::isxdigit(static_cast<unsigned char>(*p))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long magnitude = std::strtoull(p, &end, base);
  if (*end != '\0' || errno == ERANGE) return false;
  const uint64_t max_unsigned = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t max_negative = uint64_t{1} << (bits - 1);
  if (negative ? magnitude > max_negative : magnitude > max_unsigned) return false;
  uint64_t value = negative ? 0 - uint64_t{magnitude} : uint64_t{magnitude};
  *out = bits == 64 ? value : value & max_unsigned;
  return true;
}

// Decimal (or anything strtod reads: hex floats, inf, nan) with nothing left over.
template <typename Float>
bool parse_float(const std::string& text, Float* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  *out = sizeof(Float) == 4 ? std::strtof(text.c_str(), &end) : std::strtod(text.c_str(), &end);
  return *end == '\0';
}

uint64_t parse_arg(const std::string& text, ValType type, size_t index) {
  uint64_t slot = 0;
  bool ok = false;
  switch (type) {
    case ValType::i32: ok = parse_int(text, 32, &slot); break;
    case ValType::i64: ok = parse_int(text, 64, &slot); break;
    case ValType::f32: {
      float f = 0;
      uint32_t bits;
      ok = parse_float(text, &f);
      std::memcpy(&bits, &f, sizeof bits);
      slot = bits;
      break;
    }
    case ValType::f64: {
      double d = 0;
      ok = parse_float(text, &d);
      std::memcpy(&slot, &d, sizeof slot);
      break;
    }
    case ValType::funcref:
    case ValType::externref: ok = text == "null"; break;  // slot 0 is the null reference
    case ValType::v128: break;
  }
  if (!ok) {
    const char* hint = is_reftype(type) ? " (only null can be passed)" : "";
    throw UsageError(fmt::format("argument {} '{}' is not a valid {}{}", index + 1,
                                 escape_text(text), valtype_name(type), hint));
  }
  return slot;
}

// ---- Command
// ------------------------------------------------------------------------------------

}  // namespace

bool take_option(const Args& args, size_t* i, const char* name, const char* what,
                 std::string* value) {
  const std::string& a = args[*i];
  const size_t n = std::strlen(name);
  if (a.compare(0, n, name) != 0) return false;
  if (a.size() == n) {
    if (*i + 1 == args.size()) throw UsageError(fmt::format("{} needs {}", name, what));
    *value = args[++*i];
    return true;
  }
  if (a[n] != '=') return false;
  *value = a.substr(n + 1);
  return true;
}

// A limit: decimal or 0x hex, 1 .. max.
uint32_t parse_limit(const char* flag, const std::string& text, uint32_t max) {
  uint64_t value = 0;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const size_t first = hex ? 2 : 0;
  bool ok = text.size() > first;
  for (size_t i = first; ok && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    ok = hex ? std::isxdigit(c) != 0 : std::isdigit(c) != 0;
    if (ok) {
      value = value * (hex ? 16 : 10) +
              static_cast<uint64_t>(std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10);
      ok = value <= max;
    }
  }
  if (!ok || value == 0) {
    throw UsageError(
        fmt::format("bad {} value '{}' (a number from 1 to {})", flag, escape_text(text), max));
  }
  return static_cast<uint32_t>(value);
}

namespace {

RunArgs parse_run_args(const Args& args) {
  RunArgs run;
  bool have_path = false;
  std::string value;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    // Options come before the function's arguments, which may look like anything (e.g. "-1").
    const bool options = run.values.empty();
    if (options && take_option(args, &i, "--invoke", "a function NAME", &value)) {
      run.export_name = value;
    } else if (options && a == "--json") {
      run.json = true;
    } else if (options && take_option(args, &i, "--fuel", "a number N", &value)) {
      char* end = nullptr;
      errno = 0;
      unsigned long long v = std::strtoull(value.c_str(), &end, 0);
      if (value.empty() || *end || errno || value[0] == '-')
        throw UsageError("bad --fuel value: " + escape_text(value));
      run.fuel = v;
    } else if (options && take_option(args, &i, "--max-memory-pages", "a number N", &value)) {
      run.max_memory_pages = parse_limit("--max-memory-pages", value, PICOWASM_MAX_MEMORY_PAGES);
    } else if (options && take_option(args, &i, "--max-table-elems", "a number N", &value)) {
      run.max_table_elems = parse_limit("--max-table-elems", value, UINT32_MAX);
    } else if (options && take_option(args, &i, "--snapshot-out", "a FILE", &value)) {
      run.snapshot_out = value;
    } else if (options && take_option(args, &i, "--from-snapshot", "a FILE", &value)) {
      run.from_snapshot = value;
    } else if (!have_path) {
      run.path = a;
      have_path = true;
    } else {
      run.values.push_back(a);
    }
  }
  if (!have_path) throw UsageError("run needs a FILE.wasm");
  return run;
}

void print_error(const std::string& what, const Error& error) {
  std::fprintf(stderr, "error: %s: %s: %s", what.c_str(), error_kind_name(error.kind()),
               error.message());
  if (error.function != Error::kNoFunction) std::fprintf(stderr, " (function %u)", error.function);
  std::fprintf(stderr, "\n");
}

// A record for a run that never started (the module or the snapshot could not be used).
nlohmann::json failure_json(pw_run_status status, const std::string& message) {
  pw_run_record rec;
  pw_record_clear(&rec);
  rec.status = status;
  pw_record_text(rec.message, sizeof rec.message, message.c_str());
  return record_json(rec, nullptr);
}

// Writes the paused instance's snapshot to `path`: false, with the error on stderr, if it cannot.
bool write_snapshot(const Instance& instance, const std::string& path) {
  size_t size = 0;
  Error err = snapshot_size(instance, &size);
  std::vector<uint8_t> image(size);
  if (err.ok()) err = snapshot(instance, image.data(), image.size(), &size);
  if (!err.ok()) {
    std::fprintf(stderr, "error: cannot take a snapshot: %s\n", format_error(err).c_str());
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool ok = f && std::fwrite(image.data(), 1, size, f) == size;
  if (f && std::fclose(f) != 0) return false;
  if (!ok) {
    std::fprintf(stderr, "error: cannot write --snapshot-out %s: %s\n", escape_text(path).c_str(),
                 std::strerror(errno));
    return false;
  }
  spdlog::info("snapshot: {} bytes written to {}", size, path);
  return true;
}

// Traps and stack exhaustion end a run with their own exit status; anything else is a failure.
int report_execution_error(const Error& error) {
  if (error.kind() == ErrorKind::trap || error.kind() == ErrorKind::exhaustion) {
    std::fprintf(stderr, "trap: %s", error.message());
    if (error.function != Error::kNoFunction)
      std::fprintf(stderr, " (function %u)", error.function);
    std::fprintf(stderr, "\n");
    return kExitTrap;
  }
  print_error("execution failed", error);
  return kExitFailure;
}

}  // namespace

// A trap and its backtrace, readably, on stderr.
void print_trap(const Instance& instance, const Module& m) {
  const TrapReport report = trap_report(instance);
  std::fprintf(stderr, "trap: %s", error_message(report.code));
  if (report.host_message)
    std::fprintf(stderr, ": %s", escape_text(std::string(report.host_message)).c_str());
  if (report.num_frames > 0) std::fprintf(stderr, " (function %u)", report.frames[0].function);
  std::fprintf(stderr, "\n");
  for (uint32_t i = 0; i < report.num_frames; ++i) {
    const TrapFrame& f = report.frames[i];
    Name name;
    std::string label = function_name(m, f.function, &name) ? " " + escape_text(name) : "";
    std::fprintf(stderr, "  %s func[%u]%s", i == 0 ? "at" : "from", f.function, label.c_str());
    if (f.module_offset != TrapFrame::kUnknownOffset)
      std::fprintf(stderr, " (module offset 0x%x)", f.module_offset);
    std::fprintf(stderr, "\n");
  }
  if (report.total_frames > report.num_frames)
    std::fprintf(stderr, "  ... %u more frames\n", report.total_frames - report.num_frames);
}

bool load_public_module(const std::string& path, uint32_t max_memory_pages,
                        uint32_t max_table_elems, PublicModule* out) {
  size_t size = 0;
  out->bytes = read_whole_file(path, &size);
  const size_t arena_size = arena_size_for(size);
  ModuleConfig mc;
  mc.arena = aligned_buffer(&out->arena, arena_size);
  mc.arena_size = arena_size;
  const Error error = load(out->bytes.get(), size, mc, &out->module);
  if (!error.ok()) {
    std::fprintf(stderr, "%s\n", format_error(error).c_str());
    return false;
  }
  const std::string too_large =
      check_declared_sizes(out->module->module, max_memory_pages, max_table_elems);
  if (!too_large.empty()) {
    std::fprintf(stderr, "%s\n", too_large.c_str());
    return false;
  }
  return true;
}

int cmd_run(const Args& args) {
  // `--board NAME` runs an app on a board instead (cmd_run_board.cpp).
  for (const std::string& a : args) {
    if (a == "--board" || a.compare(0, 8, "--board=") == 0) return cmd_run_board(args);
  }
  if (is_wasi_command(args)) return cmd_run_wasi(args);
  const RunArgs run = parse_run_args(args);
  auto loaded = load_file(run.path);
  if (!loaded->error.ok()) {
    std::fprintf(stderr, "%s\n", format_error(loaded->error).c_str());
    return kExitFailure;
  }
  const Module& m = loaded->module;

  // The CLI has no host functions, memories, tables or globals to offer.
  if (m.num_imports > 0) {
    for (uint32_t i = 0; i < m.num_imports; ++i) {
      const Import& imp = m.imports[i];
      std::fprintf(stderr, "error: unknown import %s.%s (%s)\n", escape_text(imp.module).c_str(),
                   escape_text(imp.field).c_str(), extern_kind_name(imp.kind));
    }
    std::fprintf(stderr, "picowasm run can only run modules without imports\n");
    if (run.json) {
      const Import& imp = m.imports[0];
      print_json(failure_json(PW_RUN_LINK_ERROR,
                              fmt::format("unknown import {}.{}: picowasm run can only run modules "
                                          "without imports",
                                          escape_text(imp.module), escape_text(imp.field))));
    }
    return kExitFailure;
  }

  // The CLI's resource limits, checked against what the module declares before anything is
  // allocated for it.
  const std::string too_large = check_declared_sizes(m, run.max_memory_pages, run.max_table_elems);
  if (!too_large.empty()) {
    std::fprintf(stderr, "%s\n", too_large.c_str());
    return kExitFailure;
  }
  const auto run_limits = [&] { return instance_limits(m, run); };

  // Compiled code and the instance live in their own arena, sized for this module's memory.
  const size_t arena_size = runtime_arena_size(m, loaded->size, run_limits());
  std::unique_ptr<uint8_t[]> arena_buffer(new uint8_t[arena_size]);
  Arena arena(arena_buffer.get(), arena_size);
  CompiledModule* compiled = nullptr;
  Error err = compile_module(m, arena, &compiled);
  if (!err.ok()) {
    print_error("compile", err);
    return kExitFailure;
  }
  Instance* instance = nullptr;
  err = instantiate(*compiled, nullptr, 0, run_limits(), arena, &instance);
  if (!err.ok()) {
    // A trap here comes from an out-of-bounds segment (the start function runs below).
    if (err.kind() == ErrorKind::trap || err.kind() == ErrorKind::exhaustion)
      return report_execution_error(err);
    print_error("instantiate", err);
    return kExitFailure;
  }
  spdlog::debug("instantiated: arena used {} of {} bytes", arena.used(), arena_size);

  std::string name = run.export_name;
  ExternVal ext;
  bool found = false;
  if (name.empty()) {
    for (const char* candidate : {"_start", "main"}) {
      found = find_export(*instance, candidate, std::strlen(candidate), &ext) &&
              ext.kind == ExternKind::func;
      if (found) {
        name = candidate;
        break;
      }
    }
    if (!found) {
      std::fprintf(stderr,
                   "error: no _start or main export; choose one with --invoke NAME. "
                   "Exported functions: %s\n",
                   exported_functions(m).c_str());
      return kExitFailure;
    }
  } else if (!find_export(*instance, name.data(), name.size(), &ext) ||
             ext.kind != ExternKind::func) {
    std::fprintf(stderr, "error: no exported function '%s'. Exported functions: %s\n",
                 escape_text(name).c_str(), exported_functions(m).c_str());
    return kExitFailure;
  }

  const FuncType& type = *ext.func->type;
  if (run.values.size() != type.num_params) {
    throw UsageError(fmt::format("{} {} takes {} argument{}, {} given", escape_text(name),
                                 format_functype(type), type.num_params,
                                 type.num_params == 1 ? "" : "s", run.values.size()));
  }
  std::vector<uint64_t> slots(std::max<size_t>({type.num_params, type.num_results, 1}), 0);
  for (uint32_t i = 0; i < type.num_params; ++i)
    slots[i] = parse_arg(run.values[i], type.params[i], i);

  // With --from-snapshot the instance continues from the image: a paused image resumes the call
  // it holds (the start function first, if it paused there), an idle one takes the call.
  bool restored_paused = false;
  if (!run.from_snapshot.empty()) {
    size_t image_size = 0;
    const std::unique_ptr<uint8_t[]> image = read_whole_file(run.from_snapshot, &image_size);
    err = restore(*instance, image.get(), image_size);
    if (!err.ok()) {
      // The code first: the record's message may cut what follows.
      const std::string what = fmt::format("{}: {} (cannot restore {})", error_code_name(err.code),
                                           err.message(), escape_text(run.from_snapshot));
      if (run.json) print_json(failure_json(PW_RUN_LOAD_ERROR, what));
      std::fprintf(stderr, "error: %s\n", what.c_str());
      return kExitFailure;
    }
    restored_paused = is_paused(*instance);
  }
  // A resumed call returns the paused function's results (the image says which it was).
  const FuncType& result_type =
      restored_paused && instance->paused_call.type ? *instance->paused_call.type : type;
  slots.resize(std::max<size_t>(slots.size(), result_type.num_results));

  // The start function and then the call share the --fuel budget, so that no module can keep the
  // CLI busy beyond it, not even from its start function.
  const bool start_was_pending = instance->start_state == StartState::pending;
  CallResult result =
      restored_paused ? resume(*instance, slots.data(), run.fuel) : start(*instance, run.fuel);
  uint64_t fuel_used = result.fuel_used;
  // Resuming a paused call other than the start function ends with that call.
  const bool call_done = restored_paused && !start_was_pending;
  const bool in_start = !call_done && result.status != CallStatus::ok;
  if (!call_done && !in_start) {
    const uint64_t left = run.fuel == kUnlimitedFuel ? kUnlimitedFuel : run.fuel - fuel_used;
    result = call(*instance, ext.func, slots.data(), left);
    fuel_used += result.fuel_used;
  }
  const char* const phase = in_start ? "start" : "call";
  if (result.status == CallStatus::paused && !run.snapshot_out.empty()) {
    if (!write_snapshot(*instance, run.snapshot_out)) return kExitFailure;
  }
  const int status = result.status == CallStatus::ok     ? kExitOk
                     : result.status == CallStatus::trap ? kExitTrap
                                                         : kExitPaused;
  if (run.json) {
    pw_run_record rec;
    board::record_begin(rec, nullptr);
    board::record_end(rec, *instance, result, nullptr, &result_type, slots.data());
    rec.fuel_used = fuel_used;
    nlohmann::json out = record_json(rec, &m);
    out["phase"] = phase;
    print_json(out);
    return status;
  }
  if (result.status == CallStatus::paused) {
    std::fprintf(stderr, "paused: %s after %llu units of fuel%s\n",
                 result.pause == PauseReason::out_of_fuel ? "out of fuel" : "interrupted",
                 static_cast<unsigned long long>(fuel_used),
                 in_start ? " (in the start function)" : "");
    return kExitPaused;
  }
  if (result.status == CallStatus::trap) {
    if (result.error.kind() != ErrorKind::trap && result.error.kind() != ErrorKind::exhaustion)
      return report_execution_error(result.error);
    print_trap(*instance, m);
    return kExitTrap;
  }
  for (uint32_t i = 0; i < result_type.num_results; ++i)
    std::printf("%s\n", format_result(result_type.results[i], slots[i]).c_str());
  return kExitOk;
}

}  // namespace picowasm::host
