// picowasm-spec: runs the official WebAssembly spec test suite, as converted by wast2json, against
// picowasm and reports the results per file, per command type and in total.
//
//   picowasm-spec [--gate validation|all] [--json FILE] [-v|-vv|-q] [--arena-mib N] [PATH...]
//
// PATH is a wast2json .json file or a folder searched recursively for <name>/<name>.json; without
// PATHs it runs every file the build it belongs to converted (PICOWASM_SPEC_DIR). The last line of
// stdout is always "N passed, N failed, N skipped". Exit status: 0 if no command within the gate
// failed, 1 if one did, 77 (CTest's skip code) if every command was skipped, 2 on usage errors.
//
// Counting: every command is passed, failed or skipped, except `register`, which is not counted
// (as in wabt's spectest-interp, so totals compare with its "tallied" numbers).
//
// Execution: each `module` is loaded, compiled and instantiated in its own arena, with imports
// resolved against the `spectest` host module and the modules named by `register`; actions run
// on those instances. With --gate validation, failures of the execution phase (instantiation,
// actions, assert_trap/return/exhaustion/unlinkable/uninstantiable) are counted but do not
// change the exit status.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "spec_value.h"

#ifndef PICOWASM_SPEC_DIR
#define PICOWASM_SPEC_DIR ""
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using picowasm::ErrorKind;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitAllSkipped = 77;

// Post-2.0 proposals of the suite (proposals/<name>). Set `implemented` once the engine supports
// one: its files then run like the core set instead of being skipped.
// Each folder runs with exactly its own proposal enabled (`features`): core files with none, so
// that 2.0's "constant expression required" assertions hold while extended-const is built in.
struct Proposal {
  const char* name;
  bool implemented;
  uint32_t features;  // picowasm::kFeature* bits the folder's modules are validated with
};
constexpr Proposal kProposals[] = {
    {"tail-call", PICOWASM_FEATURE_TAIL_CALL != 0, picowasm::kFeatureTailCall},
    {"extended-const", PICOWASM_FEATURE_EXTENDED_CONST != 0, picowasm::kFeatureExtendedConst},
    {"multi-memory", PICOWASM_FEATURE_MULTI_MEMORY != 0, picowasm::kFeatureMultiMemory},
    {"memory64", false, 0},
};

const Proposal* find_proposal(const std::string& group) {
  for (const Proposal& p : kProposals)
    if (group == p.name) return &p;
  return nullptr;
}

// ---- Outcomes and tallies -----------------------------------------------------------------------

enum class Status { passed, failed, skipped };

// Which part of the engine decided a command. With --gate validation only `load` failures
// (decode + validate) make the exit status non-zero; `execute` failures still count in the totals.
enum class Phase { load, execute };

struct Outcome {
  Status status = Status::failed;
  Phase phase = Phase::load;
  std::string reason;  // bookkeeping key for skips and failures, e.g. "text module"
  bool message_mismatch = false;
};

Outcome pass(Phase phase) {
  return Outcome{Status::passed, phase, "", false};
}
Outcome fail(Phase phase, std::string reason) {
  return Outcome{Status::failed, phase, std::move(reason), false};
}
Outcome skip(std::string reason) {
  return Outcome{Status::skipped, Phase::load, std::move(reason), false};
}

struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0;

  void add(Status s) {
    if (s == Status::passed) ++passed;
    if (s == Status::failed) ++failed;
    if (s == Status::skipped) ++skipped;
  }
  void add(const Counts& c) {
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  }
  uint64_t total() const { return passed + failed + skipped; }
};

std::string counts_text(const Counts& c) {
  return std::to_string(c.passed) + " passed, " + std::to_string(c.failed) + " failed, " +
         std::to_string(c.skipped) + " skipped";
}

json counts_json(const Counts& c) {
  return json{{"passed", c.passed}, {"failed", c.failed}, {"skipped", c.skipped}};
}

struct FileReport {
  std::string group;  // "core" or a proposal name
  std::string file;   // e.g. "address.wast"
  Counts counts;
  std::map<std::string, Counts> by_command;
  std::map<std::string, uint64_t> skip_reasons;
  std::map<std::string, uint64_t> fail_reasons;
  uint64_t message_mismatches = 0;  // passed load assertions whose error text differs
  uint64_t gate_failures = 0;       // failures that count for the exit status

  std::string label() const { return group + "/" + file; }
};

enum class Gate { validation, all };

struct Options {
  Gate gate = Gate::all;
  std::string json_path;
  bool quiet = false;
  int verbosity = 0;
  // Per live module: room for a 1024-page memory (runner_limits) plus the module and its stacks.
  // Only the pages the engine touches get committed.
  // Two memories of 1024 pages (runner_limits) and the rest: multi-memory modules without maxima.
  size_t arena_bytes = size_t{200} << 20;
  std::vector<std::string> paths;
};

// ---- Modules and their memory -------------------------------------------------------------------

// Arena buffers, one per live module, reused once a module is dropped. Allocated with new[] rather
// than std::vector so the pages of a 64 MiB buffer are only committed when the engine touches them.
class ArenaPool {
 public:
  explicit ArenaPool(size_t buffer_size) : buffer_size_(buffer_size) {}
  size_t buffer_size() const { return buffer_size_; }

  std::unique_ptr<uint8_t[]> acquire() {
    if (free_.empty()) return std::unique_ptr<uint8_t[]>(new uint8_t[buffer_size_]);
    std::unique_ptr<uint8_t[]> buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }
  void release(std::unique_ptr<uint8_t[]> buffer) {
    if (buffer) free_.push_back(std::move(buffer));
  }

 private:
  size_t buffer_size_;
  std::vector<std::unique_ptr<uint8_t[]>> free_;
};

// A decoded and validated module with everything it points into: its bytes and its own arena,
// which also holds its compiled code and its instance (memory, tables, stacks). Shared by every
// name a later command may use for it (current, $name, registered name).
class LoadedModule {
 public:
  LoadedModule(ArenaPool& pool, std::vector<uint8_t> bytes)
      : pool_(pool),
        bytes_(std::move(bytes)),
        buffer_(pool.acquire()),
        arena_(buffer_.get(), pool.buffer_size()) {}
  ~LoadedModule() { pool_.release(std::move(buffer_)); }
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;

  picowasm::Error load(uint32_t features) {
    return picowasm::load_module(bytes_.data(), bytes_.size(), arena_, &module_, features);
  }
  const picowasm::Module& module() const { return module_; }
  picowasm::Arena& arena() { return arena_; }
  picowasm::Instance* instance() const { return instance_; }
  void set_instance(picowasm::Instance* instance) { instance_ = instance; }

 private:
  ArenaPool& pool_;
  std::vector<uint8_t> bytes_;
  std::unique_ptr<uint8_t[]> buffer_;
  picowasm::Arena arena_;
  picowasm::Module module_;
  picowasm::Instance* instance_ = nullptr;
};

// What a command finds when it refers to a module defined earlier.
struct ModuleRef {
  enum class State { instantiated, failed, unsupported } state = State::failed;
  std::string reason;                    // why it is not instantiated (skip reason if unsupported)
  std::shared_ptr<LoadedModule> loaded;  // set when state == instantiated
};

struct LoadAttempt {
  picowasm::Error error;
  std::string io_error;                  // the .wasm file could not be read
  std::shared_ptr<LoadedModule> loaded;  // set on success
};

std::string unsupported_reason(picowasm::ErrorCode code) {
  // "unsupported_simd" -> "unsupported: simd"
  std::string name = picowasm::error_code_name(code);
  const std::string prefix = "unsupported_";
  if (name.compare(0, prefix.size(), prefix) == 0) name = name.substr(prefix.size());
  return "unsupported: " + name;
}

std::string describe(const picowasm::Error& e) {
  std::string s = std::string(picowasm::error_kind_name(e.kind())) + " " +
                  picowasm::error_code_name(e.code) + " (\"" + e.message() + "\") at offset " +
                  std::to_string(e.offset);
  if (e.function != picowasm::Error::kNoFunction) s += " in function " + std::to_string(e.function);
  return s;
}

// The spec's expected texts and our messages are compared by prefix either way: the reference
// interpreter's wording is sometimes longer, sometimes shorter than the assertion's text.
bool messages_agree(const std::string& expected, const std::string& actual) {
  const size_t n = std::min(expected.size(), actual.size());
  return expected.compare(0, n, actual, 0, n) == 0;
}

// ---- Execution: the spectest host module, instantiation and actions -----------------------------

using picowasm::ValType;

// The result of performing an action (invoke or get).
struct ActionResult {
  enum class Kind { returned, trapped, exhausted, failed } kind = Kind::failed;
  std::vector<picowasm::spec::Value> values;  // returned
  std::string message;                        // trapped / exhausted / failed
};

// Reservations for every instance the runner creates. Memories get up to 1024 pages (64 MiB; the
// declared maximum when smaller): memory_grow.wast grows a memory without maximum to 803 pages.
// Tables without maximum may grow to 100000 elements (table_grow.wast needs 803). Calls may nest
// 1024 deep, so the infinite recursions of assert_exhaustion stop after a few microseconds.
picowasm::InstanceLimits runner_limits() {
  picowasm::InstanceLimits limits;
  limits.memory_pages = 1024;
  limits.table_elems = 100000;
  limits.stack_slots = 65536;
  limits.call_depth = 1024;
  return limits;
}

// The `spectest` module every spec file may import from: print functions that do nothing (they
// log at -vv), four immutable globals holding 666, a funcref table 10..20 and a memory 1..2.
// One per file, so writes into its table and memory do not leak from one file into the next.
class SpectestHost {
 public:
  SpectestHost() {
    const std::pair<const char*, std::vector<ValType>> signatures[] = {
        {"print", {}},
        {"print_i32", {ValType::i32}},
        {"print_i64", {ValType::i64}},
        {"print_f32", {ValType::f32}},
        {"print_f64", {ValType::f64}},
        {"print_i32_f32", {ValType::i32, ValType::f32}},
        {"print_f64_f64", {ValType::f64, ValType::f64}},
    };
    for (const auto& [name, params] : signatures) {
      auto fn = std::make_unique<PrintFunc>();
      fn->name = name;
      fn->params = params;
      fn->type.params = fn->params.data();
      fn->type.num_params = static_cast<uint32_t>(fn->params.size());
      fn->inst.type = &fn->type;
      fn->inst.host = &print;
      fn->inst.host_user = fn.get();
      prints_.push_back(std::move(fn));
    }
    const float f32 = 666.0f;
    const double f64 = 666.0;
    uint32_t f32_bits;
    uint64_t f64_bits;
    std::memcpy(&f32_bits, &f32, sizeof f32_bits);
    std::memcpy(&f64_bits, &f64, sizeof f64_bits);
    set_global(global_i32_, ValType::i32, 666);
    set_global(global_i64_, ValType::i64, 666);
    set_global(global_f32_, ValType::f32, f32_bits);
    set_global(global_f64_, ValType::f64, f64_bits);

    table_elems_.assign(20, 0);
    table_.elems = table_elems_.data();
    table_.size = 10;
    table_.capacity = 20;
    table_.type.elem = ValType::funcref;
    table_.type.limits = picowasm::Limits{10, 20, true};

    memory_data_.assign(size_t{2} * PICOWASM_PAGE_SIZE, 0);
    memory_.data = memory_data_.data();
    memory_.pages = 1;
    memory_.size = PICOWASM_PAGE_SIZE;
    memory_.capacity_pages = 2;
    memory_.type.limits = picowasm::Limits{1, 2, true};
  }
  SpectestHost(const SpectestHost&) = delete;
  SpectestHost& operator=(const SpectestHost&) = delete;

  bool find(const std::string& field, picowasm::ExternVal* out) {
    using picowasm::ExternKind;
    for (const auto& fn : prints_) {
      if (field == fn->name) {
        out->kind = ExternKind::func;
        out->func = &fn->inst;
        return true;
      }
    }
    const std::pair<const char*, picowasm::GlobalInst*> globals[] = {{"global_i32", &global_i32_},
                                                                     {"global_i64", &global_i64_},
                                                                     {"global_f32", &global_f32_},
                                                                     {"global_f64", &global_f64_}};
    for (const auto& [name, global] : globals) {
      if (field == name) {
        out->kind = ExternKind::global;
        out->global = global;
        return true;
      }
    }
    if (field == "table") {
      out->kind = ExternKind::table;
      out->table = &table_;
      return true;
    }
    if (field == "memory") {
      out->kind = ExternKind::memory;
      out->memory = &memory_;
      return true;
    }
    return false;
  }

 private:
  struct PrintFunc {
    std::string name;
    std::vector<ValType> params;
    picowasm::FuncType type;
    picowasm::FuncInst inst;
  };

  static picowasm::ErrorCode print(picowasm::HostCall& call) {
    const auto* fn = static_cast<const PrintFunc*>(call.user);
    if (spdlog::should_log(spdlog::level::trace)) {
      std::string args;
      for (size_t i = 0; i < fn->params.size(); ++i) {
        if (i) args += ", ";
        args += std::string(picowasm::valtype_name(fn->params[i])) + ":0x" +
                fmt::format("{:x}", call.slots[i]);
      }
      spdlog::trace("spectest.{}({})", fn->name, args);
    }
    return picowasm::ErrorCode::ok;
  }

  static void set_global(picowasm::GlobalInst& g, ValType type, uint64_t value) {
    g.type.type = type;
    g.type.mutable_ = false;
    g.value = value;
  }

  std::vector<std::unique_ptr<PrintFunc>> prints_;
  picowasm::GlobalInst global_i32_, global_i64_, global_f32_, global_f64_;
  std::vector<uint64_t> table_elems_;
  picowasm::TableInst table_;
  std::vector<uint8_t> memory_data_;
  picowasm::MemoryInst memory_;
};

// Raw slot <-> spec value. Null references are slot 0; an externref N is the slot N + 1 so that
// externref 0 is not null.
bool value_to_slot(const picowasm::spec::Value& v, ValType type, uint64_t* slot) {
  using picowasm::spec::ValueType;
  switch (type) {
    case ValType::i32: *slot = static_cast<uint32_t>(v.bits); return v.type == ValueType::i32;
    case ValType::i64: *slot = v.bits; return v.type == ValueType::i64;
    case ValType::f32: *slot = static_cast<uint32_t>(v.bits); return v.type == ValueType::f32;
    case ValType::f64: *slot = v.bits; return v.type == ValueType::f64;
    case ValType::funcref: *slot = v.is_null ? 0 : v.ref; return v.type == ValueType::funcref;
    case ValType::externref:
      *slot = v.is_null ? 0 : v.ref + 1;
      return v.type == ValueType::externref;
    default: return false;
  }
}

picowasm::spec::Value slot_to_value(ValType type, uint64_t slot) {
  using picowasm::spec::Value;
  using picowasm::spec::ValueType;
  switch (type) {
    case ValType::i32: return Value::i32(static_cast<uint32_t>(slot));
    case ValType::i64: return Value::i64(slot);
    case ValType::f32: return Value::f32_bits(static_cast<uint32_t>(slot));
    case ValType::f64: return Value::f64_bits(slot);
    case ValType::funcref:
      return slot ? Value::ref_to(ValueType::funcref, slot) : Value::null_ref(ValueType::funcref);
    case ValType::externref:
      return slot ? Value::ref_to(ValueType::externref, slot - 1)
                  : Value::null_ref(ValueType::externref);
    default: return Value::i32(0);  // v128 never gets this far: SIMD modules do not load
  }
}

// A returned function reference is an engine pointer: the spec JSON can only say whether it is
// null, so non-null funcrefs match any non-null expectation.
bool result_matches(const picowasm::spec::Expected& expected, const picowasm::spec::Value& actual) {
  using picowasm::spec::ValueType;
  if (expected.type == ValueType::funcref && actual.type == ValueType::funcref &&
      !expected.type_only && !expected.is_null && !actual.is_null)
    return true;
  return picowasm::spec::matches(expected, actual);
}

// Compiles and instantiates modules (imports resolved against `spectest` and the modules named by
// `register`) and performs actions on their instances.
class Executor {
 public:
  // Instantiates a loaded module in its own arena. On failure says why in *detail.
  picowasm::Error instantiate(LoadedModule& lm, std::string* detail) {
    picowasm::Error err;
    picowasm::CompiledModule* compiled = nullptr;
    err = picowasm::compile_module(lm.module(), lm.arena(), &compiled);
    if (!err.ok()) {
      *detail = "compile failed: " + describe(err);
      return err;
    }
    const picowasm::Module& m = lm.module();
    std::vector<picowasm::ExternVal> imports(m.num_imports);
    for (uint32_t i = 0; i < m.num_imports; ++i) {
      const picowasm::Import& im = m.imports[i];
      const std::string module_name(im.module.data, im.module.size);
      const std::string field(im.field.data, im.field.size);
      if (!resolve(module_name, field, &imports[i])) {
        *detail = "unknown import \"" + module_name + "\" \"" + field + "\"";
        err.code = picowasm::ErrorCode::unknown_import;
        return err;
      }
    }
    picowasm::Instance* instance = nullptr;
    err = picowasm::instantiate(*compiled, imports.data(), m.num_imports, runner_limits(),
                                lm.arena(), &instance);
    // The spec's instantiation includes the start function; here it is a separate, unbounded run.
    if (err.ok()) err = picowasm::invoke_start(*instance);
    if (!err.ok()) {
      *detail = describe(err);
      return err;
    }
    lm.set_instance(instance);
    return err;
  }

  void register_module(const std::string& name, std::shared_ptr<LoadedModule> module) {
    registered_[name] = std::move(module);
  }

  ActionResult run(const json& action, LoadedModule& target,
                   const std::vector<picowasm::spec::Value>& args) {
    ActionResult result;
    picowasm::Instance* instance = target.instance();
    const std::string type = action.value("type", "");
    const std::string field = action.value("field", "");
    picowasm::ExternVal ext;
    if (!instance || !picowasm::find_export(*instance, field.data(), field.size(), &ext)) {
      result.message = "no export \"" + field + "\"";
      return result;
    }
    if (type == "get") {
      if (ext.kind != picowasm::ExternKind::global) {
        result.message = "export \"" + field + "\" is not a global";
        return result;
      }
      result.kind = ActionResult::Kind::returned;
      result.values.push_back(slot_to_value(ext.global->type.type, ext.global->value));
      return result;
    }
    if (type != "invoke") {
      result.message = "unknown action type \"" + type + "\"";
      return result;
    }
    if (ext.kind != picowasm::ExternKind::func) {
      result.message = "export \"" + field + "\" is not a function";
      return result;
    }
    const picowasm::FuncType& ft = *ext.func->type;
    if (args.size() != ft.num_params) {
      result.message = "wrong number of arguments";
      return result;
    }
    std::vector<uint64_t> slots(std::max<size_t>({ft.num_params, ft.num_results, 1}), 0);
    for (uint32_t i = 0; i < ft.num_params; ++i) {
      if (!value_to_slot(args[i], ft.params[i], &slots[i])) {
        result.message = "argument " + std::to_string(i) + " has the wrong type";
        return result;
      }
    }
    const picowasm::Error err = picowasm::invoke(*instance, ext.func, slots.data());
    if (!err.ok()) {
      result.message = err.message();
      switch (err.kind()) {
        case ErrorKind::trap: result.kind = ActionResult::Kind::trapped; break;
        case ErrorKind::exhaustion: result.kind = ActionResult::Kind::exhausted; break;
        default: result.message = describe(err); break;
      }
      return result;
    }
    result.kind = ActionResult::Kind::returned;
    for (uint32_t i = 0; i < ft.num_results; ++i)
      result.values.push_back(slot_to_value(ft.results[i], slots[i]));
    return result;
  }

 private:
  bool resolve(const std::string& module_name, const std::string& field, picowasm::ExternVal* out) {
    auto it = registered_.find(module_name);
    if (it != registered_.end()) {
      picowasm::Instance* instance = it->second ? it->second->instance() : nullptr;
      return instance && picowasm::find_export(*instance, field.data(), field.size(), out);
    }
    return module_name == "spectest" && spectest_.find(field, out);
  }

  SpectestHost spectest_;
  std::map<std::string, std::shared_ptr<LoadedModule>> registered_;  // by `register` name
};

// ---- Running one file ---------------------------------------------------------------------------

class FileRunner {
 public:
  FileRunner(const Options& options, ArenaPool& pool, FileReport& report, fs::path wasm_dir)
      : options_(options), pool_(pool), report_(report), wasm_dir_(std::move(wasm_dir)) {}

  void run(const json& commands) {
    const Proposal* proposal = find_proposal(report_.group);
    for (const json& cmd : commands) {
      const std::string type = cmd.value("type", "");
      line_ = cmd.value("line", 0);
      if (type == "register") {
        run_register(cmd);  // not counted
        continue;
      }
      Outcome outcome = (proposal && !proposal->implemented)
                            ? skip(std::string("proposal not implemented: ") + proposal->name)
                            : dispatch(type, cmd);
      record(type, outcome);
    }
  }

 private:
  Outcome dispatch(const std::string& type, const json& cmd) {
    if (cmd.value("module_type", "binary") == "text") return skip("text module");
    if (type == "module") return run_module(cmd);
    if (type == "assert_malformed") return run_load_failure(cmd, ErrorKind::malformed);
    if (type == "assert_invalid") return run_load_failure(cmd, ErrorKind::invalid);
    if (type == "assert_unlinkable" || type == "assert_uninstantiable")
      return run_link_failure(cmd);
    if (type == "assert_return" || type == "assert_trap" || type == "assert_exhaustion" ||
        type == "action")
      return run_action(type, cmd);
    log_load_failure(type, "unknown command type");
    return fail(Phase::load, "unknown command type");
  }

  // `module`: must decode, validate and instantiate.
  Outcome run_module(const json& cmd) {
    LoadAttempt attempt = load(cmd);
    ModuleRef ref;
    Outcome outcome;
    if (attempt.loaded) {
      std::string detail;
      const picowasm::Error err = executor_.instantiate(*attempt.loaded, &detail);
      keep_if_referenced(attempt.loaded, err);
      if (err.ok()) {
        ref.state = ModuleRef::State::instantiated;
        ref.loaded = attempt.loaded;
        outcome = pass(Phase::load);
      } else if (const std::string* why = skipped_exporter(attempt.loaded->module(), err)) {
        // It imports from a module this build refused: unsupported too, not a failure.
        ref.state = ModuleRef::State::unsupported;
        ref.reason = *why;
        outcome = skip(ref.reason);
      } else {
        ref.state = ModuleRef::State::failed;
        ref.reason = "instantiation failed: " + detail;
        log_failure("module", ref.reason);
        outcome = fail(Phase::execute,
                       std::string("instantiation failed: ") + picowasm::error_code_name(err.code));
      }
    } else if (attempt.io_error.empty() && attempt.error.kind() == ErrorKind::unsupported) {
      ref.state = ModuleRef::State::unsupported;
      ref.reason = unsupported_reason(attempt.error.code);
      outcome = skip(ref.reason);
    } else {
      ref.state = ModuleRef::State::failed;
      ref.reason = attempt.io_error.empty() ? describe(attempt.error) : attempt.io_error;
      log_load_failure("module", "load failed: " + ref.reason);
      outcome = fail(Phase::load, attempt.io_error.empty()
                                      ? std::string("load failed: ") +
                                            picowasm::error_code_name(attempt.error.code)
                                      : "cannot read module");
    }
    current_ = ref;
    if (cmd.contains("name")) named_[cmd["name"].get<std::string>()] = ref;
    return outcome;
  }

  // assert_malformed / assert_invalid: loading must fail with an error of `expected` kind.
  Outcome run_load_failure(const json& cmd, ErrorKind expected) {
    const std::string type = cmd.value("type", "");
    const std::string text = cmd.value("text", "");
    LoadAttempt attempt = load(cmd);
    if (!attempt.io_error.empty()) {
      log_load_failure(type, attempt.io_error);
      return fail(Phase::load, "cannot read module");
    }
    const picowasm::Error& err = attempt.error;
    if (attempt.loaded) {
      log_load_failure(type, "expected " + std::string(picowasm::error_kind_name(expected)) +
                                 " \"" + text + "\", but the module loaded");
      return fail(Phase::load, "loaded");
    }
    if (err.kind() == ErrorKind::unsupported) return skip(unsupported_reason(err.code));
    if (err.kind() != expected) {
      log_load_failure(type, "expected " + std::string(picowasm::error_kind_name(expected)) +
                                 " \"" + text + "\", got " + describe(err));
      return fail(Phase::load,
                  std::string("wrong error kind: ") + picowasm::error_kind_name(err.kind()));
    }
    Outcome outcome = pass(Phase::load);
    if (!messages_agree(text, err.message())) {
      outcome.message_mismatch = true;
      spdlog::debug("{}:{}: {}: message mismatch: expected \"{}\", got {}", report_.label(), line_,
                    type, text, describe(err));
    }
    return outcome;
  }

  // assert_unlinkable / assert_uninstantiable: the module must decode and validate, then its
  // instantiation must fail: unlinkable (imports) or trap (segments, start function).
  Outcome run_link_failure(const json& cmd) {
    const std::string type = cmd.value("type", "");
    const std::string text = cmd.value("text", "");
    LoadAttempt attempt = load(cmd);
    if (attempt.loaded) {
      const ErrorKind expected =
          type == "assert_unlinkable" ? ErrorKind::unlinkable : ErrorKind::trap;
      std::string detail;
      const picowasm::Error err = executor_.instantiate(*attempt.loaded, &detail);
      keep_if_referenced(attempt.loaded, err);
      if (err.ok()) {
        log_failure(type, "expected \"" + text + "\", but the module instantiated");
        return fail(Phase::execute, "instantiated");
      }
      if (err.kind() != expected) {
        log_failure(type, "expected " + std::string(picowasm::error_kind_name(expected)) + " \"" +
                              text + "\", got " + detail);
        return fail(Phase::execute,
                    std::string("wrong error kind: ") + picowasm::error_kind_name(err.kind()));
      }
      Outcome outcome = pass(Phase::execute);
      if (!messages_agree(text, err.message())) {
        outcome.message_mismatch = true;
        spdlog::debug("{}:{}: {}: message mismatch: expected \"{}\", got {}", report_.label(),
                      line_, type, text, detail);
      }
      return outcome;
    }
    if (attempt.io_error.empty() && attempt.error.kind() == ErrorKind::unsupported)
      return skip(unsupported_reason(attempt.error.code));
    const std::string why = attempt.io_error.empty() ? describe(attempt.error) : attempt.io_error;
    log_load_failure(type, "module must validate, but: " + why);
    return fail(Phase::load,
                attempt.io_error.empty()
                    ? std::string("load failed: ") + picowasm::error_code_name(attempt.error.code)
                    : "cannot read module");
  }

  // assert_return / assert_trap / assert_exhaustion / action.
  Outcome run_action(const std::string& type, const json& cmd) {
    const json action = cmd.value("action", json::object());
    const json args = action.value("args", json::array());
    const json expected = cmd.value("expected", json::array());
    for (const json* list : {&args, &expected})
      for (const json& v : *list)
        if (picowasm::spec::is_v128(v)) return skip("unsupported: simd");

    const ModuleRef* target = find_target(action);
    if (!target) return fail(Phase::execute, "unknown module");
    if (target->state == ModuleRef::State::unsupported) return skip(target->reason);
    if (target->state == ModuleRef::State::failed) {
      log_failure(type, "module not available: " + target->reason);
      return fail(Phase::execute, "module not instantiated");
    }

    std::vector<picowasm::spec::Value> arg_values(args.size());
    std::vector<picowasm::spec::Expected> expected_values(expected.size());
    std::string error;
    for (size_t i = 0; i < args.size(); ++i)
      if (!picowasm::spec::parse_value(args[i], &arg_values[i], &error))
        return bad_json(type, error);
    for (size_t i = 0; i < expected.size(); ++i)
      if (!picowasm::spec::parse_expected(expected[i], &expected_values[i], &error))
        return bad_json(type, error);

    ActionResult result = executor_.run(action, *target->loaded, arg_values);
    return judge(type, cmd.value("text", ""), expected_values, result);
  }

  // Compares what the interpreter did with what the command expects.
  Outcome judge(const std::string& type, const std::string& text,
                const std::vector<picowasm::spec::Expected>& expected, const ActionResult& result) {
    using Kind = ActionResult::Kind;
    std::string problem, reason;
    if (result.kind == Kind::failed) {
      problem = "action failed: " + result.message;
      reason = "action failed";
    } else if (type == "assert_trap" || type == "assert_exhaustion") {
      const Kind want = type == "assert_trap" ? Kind::trapped : Kind::exhausted;
      if (result.kind != want) {
        problem = "expected \"" + text + "\", got " + outcome_text(result);
        reason = type == "assert_trap" ? "no trap" : "no exhaustion";
      }
      if (problem.empty() && !messages_agree(text, result.message)) {
        Outcome o = pass(Phase::execute);
        o.message_mismatch = true;
        spdlog::debug("{}:{}: {}: message mismatch: expected \"{}\", got \"{}\"", report_.label(),
                      line_, type, text, result.message);
        return o;
      }
    } else if (result.kind != Kind::returned) {
      problem = "unexpected " + outcome_text(result);
      reason = result.kind == Kind::trapped ? "unexpected trap" : "unexpected exhaustion";
    } else if (type == "assert_return") {
      bool same = result.values.size() == expected.size();
      for (size_t i = 0; same && i < expected.size(); ++i)
        same = result_matches(expected[i], result.values[i]);
      if (!same) {
        problem = outcome_text(result) + ", expected";
        for (const auto& e : expected) problem += " " + picowasm::spec::to_string(e);
        reason = "wrong result";
      }
    }
    if (problem.empty()) return pass(Phase::execute);
    spdlog::info("{}:{}: {}: {}", report_.label(), line_, type, problem);
    return fail(Phase::execute, reason);
  }

  static std::string outcome_text(const ActionResult& result) {
    switch (result.kind) {
      case ActionResult::Kind::trapped: return "trap \"" + result.message + "\"";
      case ActionResult::Kind::exhausted: return "exhaustion \"" + result.message + "\"";
      case ActionResult::Kind::failed: return "failure \"" + result.message + "\"";
      case ActionResult::Kind::returned: break;
    }
    std::string text = "returned";
    for (const auto& v : result.values) text += " " + picowasm::spec::to_string(v);
    return text;
  }

  // An instance whose functions may have been stored into an imported table or global (also by a
  // failed instantiation) must outlive this file: keep every module that imports one alive.
  void keep_if_referenced(const std::shared_ptr<LoadedModule>& module, const picowasm::Error& err) {
    if (!err.ok() && err.kind() != ErrorKind::trap) return;  // failed before any side effect
    const picowasm::Module& m = module->module();
    if (m.num_imported_tables > 0 || m.num_imported_globals > 0) kept_.push_back(module);
  }

  void run_register(const json& cmd) {
    const ModuleRef* target = cmd.contains("name") ? find_named(cmd["name"].get<std::string>())
                                                   : (current_ ? &*current_ : nullptr);
    if (target && target->state == ModuleRef::State::instantiated)
      executor_.register_module(cmd.value("as", ""), target->loaded);
    else if (target && target->state == ModuleRef::State::unsupported)
      unsupported_exporters_[cmd.value("as", "")] = target->reason;
    spdlog::trace("{}:{}: register as \"{}\" (not counted)", report_.label(), line_,
                  cmd.value("as", ""));
  }

  // The skip reason of a registered module that was unsupported (e.g. a build without reference
  // types) when `m` failed to link because it imports from it, else nullptr.
  const std::string* skipped_exporter(const picowasm::Module& m, const picowasm::Error& err) const {
    if (err.code != picowasm::ErrorCode::unknown_import) return nullptr;
    for (uint32_t i = 0; i < m.num_imports; ++i) {
      const auto it = unsupported_exporters_.find(
          std::string(m.imports[i].module.data, m.imports[i].module.size));
      if (it != unsupported_exporters_.end()) return &it->second;
    }
    return nullptr;
  }

  Outcome bad_json(const std::string& type, const std::string& error) {
    log_load_failure(type, "bad value in JSON: " + error);
    return fail(Phase::execute, "bad value in JSON");
  }

  const ModuleRef* find_named(const std::string& name) const {
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : &it->second;
  }

  const ModuleRef* find_target(const json& action) const {
    if (action.contains("module")) return find_named(action["module"].get<std::string>());
    return current_ ? &*current_ : nullptr;
  }

  LoadAttempt load(const json& cmd) {
    LoadAttempt attempt;
    const fs::path path = wasm_dir_ / cmd.value("filename", "");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      attempt.io_error = "cannot read " + path.string();
      return attempt;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    auto module = std::make_shared<LoadedModule>(pool_, std::move(bytes));
    const Proposal* proposal = find_proposal(report_.group);
    attempt.error = module->load(proposal ? proposal->features : 0);
    if (attempt.error.ok()) attempt.loaded = std::move(module);
    return attempt;
  }

  void log_load_failure(const std::string& type, const std::string& what) {
    spdlog::warn("{}:{}: {}: {}", report_.label(), line_, type, what);
  }
  void log_failure(const std::string& type, const std::string& what) {
    spdlog::info("{}:{}: {}: {}", report_.label(), line_, type, what);
  }

  void record(const std::string& type, const Outcome& o) {
    report_.counts.add(o.status);
    report_.by_command[type].add(o.status);
    if (o.status == Status::skipped) ++report_.skip_reasons[o.reason];
    if (o.status == Status::failed) {
      ++report_.fail_reasons[o.reason];
      if (options_.gate == Gate::all || o.phase == Phase::load) ++report_.gate_failures;
    }
    if (o.message_mismatch) ++report_.message_mismatches;
  }

  const Options& options_;
  ArenaPool& pool_;
  FileReport& report_;
  fs::path wasm_dir_;
  Executor executor_;
  int line_ = 0;
  std::optional<ModuleRef> current_;
  std::map<std::string, ModuleRef> named_;           // by $name from the .wast
  std::map<std::string, std::string> unsupported_exporters_;  // registered name -> skip reason
  std::vector<std::shared_ptr<LoadedModule>> kept_;  // see keep_if_referenced()
};

// ---- Files --------------------------------------------------------------------------------------

int group_rank(const std::string& group) {
  if (group == "core") return 0;
  for (size_t i = 0; i < std::size(kProposals); ++i)
    if (group == kProposals[i].name) return 1 + static_cast<int>(i);
  return 100;
}

// The build converts into spec/<group>/<name>/<name>.json; for other layouts the group comes from
// the .wast path wast2json recorded (".../proposals/<group>/x.wast"), else it is core.
std::string group_of(const fs::path& json_path, const std::string& source_filename) {
  const fs::path dir = json_path.parent_path();
  if (dir.filename() == json_path.stem()) {
    const std::string g = dir.parent_path().filename().string();
    if (g == "core" || find_proposal(g)) return g;
  }
  const fs::path source(source_filename);
  const fs::path parent = source.parent_path();
  if (parent.parent_path().filename() == "proposals") return parent.filename().string();
  return "core";
}

// Runs one converted file; a file that cannot be read counts as one failed command.
FileReport run_file(const fs::path& json_path, const Options& options, ArenaPool& pool) {
  FileReport report;
  report.file = json_path.stem().string() + ".wast";
  json doc;
  std::string error;
  try {
    std::ifstream in(json_path);
    if (!in) throw std::runtime_error("cannot open file");
    doc = json::parse(in);
    if (!doc.contains("commands") || !doc["commands"].is_array())
      throw std::runtime_error("no \"commands\" array");
  } catch (const std::exception& e) {
    error = e.what();
  }
  const std::string source = doc.is_object() ? doc.value("source_filename", "") : "";
  if (!source.empty()) report.file = fs::path(source).filename().string();
  report.group = group_of(json_path, source);
  if (!error.empty()) {
    spdlog::error("{}: {}", json_path.string(), error);
    report.counts.failed = 1;
    report.by_command["(file)"].failed = 1;
    report.fail_reasons["cannot read JSON"] = 1;
    report.gate_failures = 1;
    return report;
  }
  FileRunner(options, pool, report, json_path.parent_path()).run(doc["commands"]);
  return report;
}

// Expands the PATH arguments (or the build's spec folder) into the .json files to run, core first.
std::vector<fs::path> collect_files(const std::vector<std::string>& paths, bool* ok) {
  std::vector<fs::path> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(p, ec)) {
        const fs::path& f = entry.path();
        // Only wast2json outputs in their own folder (<name>/<name>.json), not other JSON.
        if (entry.is_regular_file() && f.extension() == ".json" &&
            f.parent_path().filename() == f.stem())
          files.push_back(f);
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      spdlog::error("no such file or folder: {}", p);
      *ok = false;
    }
  }
  auto key = [](const fs::path& f) {
    const std::string group = group_of(f, "");
    return std::make_tuple(group_rank(group), group, f.stem().string(), f.string());
  };
  std::sort(files.begin(), files.end(),
            [&](const fs::path& a, const fs::path& b) { return key(a) < key(b); });
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

json report_json(const FileReport& r) {
  json by_command = json::object();
  for (const auto& [type, counts] : r.by_command) by_command[type] = counts_json(counts);
  json j = {{"group", r.group},
            {"file", r.file},
            {"passed", r.counts.passed},
            {"failed", r.counts.failed},
            {"skipped", r.counts.skipped},
            {"message_mismatches", r.message_mismatches},
            {"gate_failures", r.gate_failures},
            {"by_command", by_command},
            {"skip_reasons", json(r.skip_reasons)},
            {"fail_reasons", json(r.fail_reasons)}};
  return j;
}

bool write_json(const std::string& path, const std::vector<FileReport>& reports,
                const Counts& totals, const Options& options) {
  json files = json::array();
  for (const FileReport& r : reports) files.push_back(report_json(r));
  json doc = {{"totals", counts_json(totals)},
              {"gate", options.gate == Gate::validation ? "validation" : "all"},
              {"files", files}};
  std::ofstream out(path);
  out << doc.dump(1) << "\n";
  return static_cast<bool>(out);
}

void print_usage() {
  std::printf(
      "usage: picowasm-spec [options] [FILE.json | FOLDER]...\n"
      "Runs wast2json output of the WebAssembly spec test suite against picowasm.\n"
      "Without paths: every file converted by this build (%s).\n"
      "  --gate validation|all  failures that decide the exit status (default: all);\n"
      "                         validation = module / assert_malformed / assert_invalid and\n"
      "                         the validation of assert_unlinkable / assert_uninstantiable\n"
      "  --json FILE            write per-file results as JSON\n"
      "  --arena-mib N          arena size per live module (default 200)\n"
      "  -v, -vv                log message mismatches / every failure to stderr\n"
      "  -q                     only the total line\n"
      "Exit status: 0 ok, 1 failures within the gate, 77 everything skipped, 2 usage.\n",
      PICOWASM_SPEC_DIR);
}

// Returns false (and prints why) on a usage error.
bool parse_options(int argc, char** argv, Options* o, bool* help) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name, std::string* out) {
      const std::string eq = std::string(name) + "=";
      if (arg.compare(0, eq.size(), eq) == 0) {
        *out = arg.substr(eq.size());
        return true;
      }
      if (arg != name) return false;
      if (i + 1 >= argc) throw std::invalid_argument(std::string(name) + " needs a value");
      *out = argv[++i];
      return true;
    };
    std::string v;
    try {
      if (arg == "-h" || arg == "--help") {
        *help = true;
      } else if (arg == "-q" || arg == "--quiet") {
        o->quiet = true;
      } else if (arg == "-v" || arg == "--verbose") {
        o->verbosity += 1;
      } else if (arg == "-vv") {
        o->verbosity += 2;
      } else if (value("--gate", &v)) {
        if (v != "validation" && v != "all") throw std::invalid_argument("bad --gate: " + v);
        o->gate = v == "validation" ? Gate::validation : Gate::all;
      } else if (value("--json", &v)) {
        o->json_path = v;
      } else if (value("--arena-mib", &v)) {
        const long mib = std::strtol(v.c_str(), nullptr, 10);
        if (mib <= 0 || mib > 4096) throw std::invalid_argument("bad --arena-mib: " + v);
        o->arena_bytes = static_cast<size_t>(mib) << 20;
      } else if (!arg.empty() && arg[0] == '-') {
        throw std::invalid_argument("unknown option " + arg);
      } else {
        o->paths.push_back(arg);
      }
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "picowasm-spec: %s (see --help)\n", e.what());
      return false;
    }
  }
  return true;
}

void setup_logging(const Options& o) {
  auto logger = spdlog::stderr_color_mt("picowasm-spec");
  logger->set_pattern("[%l] %v");
  spdlog::level::level_enum level = spdlog::level::warn;
  if (o.verbosity >= 2)
    level = spdlog::level::trace;
  else if (o.verbosity == 1)
    level = spdlog::level::debug;
  if (o.quiet && o.verbosity == 0) level = spdlog::level::err;
  logger->set_level(level);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool help = false;
  if (!parse_options(argc, argv, &options, &help)) return kExitUsage;
  if (help) {
    print_usage();
    return kExitOk;
  }
  setup_logging(options);

  const bool default_run = options.paths.empty();
  if (default_run) options.paths.push_back(PICOWASM_SPEC_DIR);
  bool paths_ok = true;
  const std::vector<fs::path> files = collect_files(options.paths, &paths_ok);
  if (!paths_ok) return kExitUsage;
  if (files.empty()) {
    std::printf("no converted spec files found in %s%s\n", options.paths[0].c_str(),
                default_run ? " (build the spec-json target first)" : "");
  }

  ArenaPool pool(options.arena_bytes);
  std::vector<FileReport> reports;
  Counts totals;
  std::map<std::string, Counts> by_command;
  uint64_t gate_failures = 0, mismatches = 0;
  for (const fs::path& f : files) {
    reports.push_back(run_file(f, options, pool));
    const FileReport& r = reports.back();
    totals.add(r.counts);
    for (const auto& [type, counts] : r.by_command) by_command[type].add(counts);
    gate_failures += r.gate_failures;
    mismatches += r.message_mismatches;
    if (!options.quiet) std::printf("%s: %s\n", r.label().c_str(), counts_text(r.counts).c_str());
  }

  if (!options.quiet && !files.empty()) {
    std::printf("-- by command:\n");
    for (const auto& [type, counts] : by_command)
      std::printf("   %-22s %s\n", (type + ":").c_str(), counts_text(counts).c_str());
    std::printf("-- %llu message mismatches; gate %s: %llu failures\n",
                static_cast<unsigned long long>(mismatches),
                options.gate == Gate::validation ? "validation" : "all",
                static_cast<unsigned long long>(gate_failures));
  }
  if (!options.json_path.empty() && !write_json(options.json_path, reports, totals, options)) {
    spdlog::error("cannot write {}", options.json_path);
    gate_failures += 1;
  }
  std::printf("%s\n", counts_text(totals).c_str());
  std::fflush(stdout);

  if (gate_failures > 0) return kExitFailed;
  if (totals.passed == 0 && totals.failed == 0) return kExitAllSkipped;
  return kExitOk;
}
