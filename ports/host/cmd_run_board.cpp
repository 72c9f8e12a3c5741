// `picowasm run --board virtual [--grant SPEC]... [--grants FILE] [--fuel N] [--json] APP.wasm`:
// runs a guest app (pw_main) on the virtual board (board/virtual) with the grants given, through
// the public API only. stdout carries the app's UART output and nothing else (or, with --json, one
// JSON object); everything the CLI says goes to stderr.
#include <spdlog/fmt/fmt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "cli_json.h"
#include "picowasm/picowasm.hpp"
#include "picowasm/virtual_board.hpp"
#include "picowasm/wasi.hpp"
#include "run_apps.h"

namespace picowasm::host {
namespace {

using vboard::ScriptEvent;

constexpr uint32_t kDefaultMemoryPages = 1024;  // as `picowasm run`
constexpr uint32_t kDefaultTableElems = 65536;

struct BoardArgs {
  std::string path;
  vboard::GrantSet grants;
  bool trap_on_denial = false;
  bool json = false;
  bool trace = false;
  bool stub_ungranted = false;
  uint64_t fuel = kUnlimitedFuel;
  uint32_t max_memory_pages = kDefaultMemoryPages;
  uint32_t max_table_elems = kDefaultTableElems;
  uint64_t us_per_op = 0;
  uint64_t max_time_us = 0;
  std::string uart_out;  // file for the UART bytes
  std::vector<ScriptEvent> events;
};

[[noreturn]] void bad(const std::string& option, const std::string& value,
                      const std::string& what) {
  throw UsageError(fmt::format("bad {} '{}': {}", option, escape_text(value), what));
}

uint64_t parse_u64(const std::string& option, const std::string& whole, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (text.empty() || *end || errno || text[0] == '-' || text[0] == '+' || text[0] == ' ')
    bad(option, whole, "'" + escape_text(text) + "' is not a number");
  return v;
}

// "VALUE@US": the value and the virtual time (0 without @).
std::string split_time(const std::string& option, const std::string& text, uint64_t* time_us) {
  const size_t at = text.rfind('@');
  *time_us = at == std::string::npos ? 0 : parse_u64(option, text, text.substr(at + 1));
  return text.substr(0, at);
}

// Degrees Celsius with up to 3 decimals, exactly, as millidegrees: "25", "-10.5", "21.0625" is
// refused (the sensor's property takes millidegrees).
int32_t parse_celsius(const std::string& whole, const std::string& text) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  int64_t whole_part = 0, frac = 0;
  int digits = 0, frac_digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    whole_part = whole_part * 10 + (text[i] - '0');
    if (whole_part > 1000) bad("--temp", whole, "out of range");
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (++frac_digits > 3) bad("--temp", whole, "at most 3 decimals (millidegrees)");
      frac = frac * 10 + (text[i] - '0');
    }
  }
  if (digits == 0 || i != text.size()) bad("--temp", whole, "not a temperature in C (e.g. 21.5)");
  while (frac_digits++ < 3) frac *= 10;
  const int64_t milli = (negative ? -1 : 1) * (whole_part * 1000 + frac);
  if (milli < -128000 || milli >= 128000) {
    bad("--temp", whole, "outside the sensor's range (-128.0 C to below 128.0 C)");
  }
  return static_cast<int32_t>(milli);
}

// C-style escapes in --uart-input: \n \r \t \\ \xNN.
std::string unescape(const std::string& whole) {
  std::string out;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i] != '\\') {
      out += whole[i];
      continue;
    }
    if (++i == whole.size()) bad("--uart-input", whole, "ends in a lone backslash");
    switch (whole[i]) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        if (i + 2 >= whole.size() + 0 || !std::isxdigit(static_cast<unsigned char>(whole[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(whole[i + 2]))) {
          bad("--uart-input", whole, "\\x needs two hex digits");
        }
        out += static_cast<char>(std::strtoul(whole.substr(i + 1, 2).c_str(), nullptr, 16));
        i += 2;
        break;
      }
      default: bad("--uart-input", whole, std::string("unknown escape \\") + whole[i]);
    }
  }
  return out;
}

// "N:VALUE[@US]" (--button PIN:LEVEL@US, --adc CHANNEL:SAMPLE@US) as a scripted event.
ScriptEvent numbered_event(const char* option, const std::string& text, ScriptEvent::Kind kind,
                           uint32_t max_n, uint64_t max_value) {
  ScriptEvent e;
  const std::string pair = split_time(option, text, &e.time_us);
  const size_t colon = pair.find(':');
  if (colon == std::string::npos) bad(option, text, "expected N:VALUE[@US] (e.g. 3:1@1000)");
  const uint64_t n = parse_u64(option, text, pair.substr(0, colon));
  const uint64_t value = parse_u64(option, text, pair.substr(colon + 1));
  if (n > max_n) bad(option, text, fmt::format("no such pin or channel (0-{})", max_n));
  if (value > max_value) bad(option, text, fmt::format("the value is 0..{}", max_value));
  e.kind = kind;
  e.target = static_cast<uint32_t>(n);
  e.value = static_cast<int64_t>(value);
  return e;
}

void add_grant(BoardArgs* run, const std::string& spec, const std::string& where) {
  std::string error;
  if (spec == "trap-on-denial") {
    run->trap_on_denial = true;
    return;
  }
  if (!run->grants.add(spec, &error)) throw UsageError(escape_text(error) + where);
}

void read_grants_file(BoardArgs* run, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read --grants file {}", escape_text(path)));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const size_t last = line.find_last_not_of(" \t\r");
    add_grant(run, line.substr(first, last - first + 1),
              fmt::format(" ({}:{})", escape_text(path), n));
  }
}

void parse(const Args& args, BoardArgs& run) {
  bool have_path = false;
  std::string v;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    uint64_t t = 0;
    if (take_option(args, &i, "--board", "a board NAME (virtual)", &v)) {
      if (v != "virtual") bad("--board", v, "unknown board (there is one: virtual)");
    } else if (take_option(args, &i, "--grants", "a FILE", &v)) {
      read_grants_file(&run, v);
    } else if (take_option(args, &i, "--grant", "a SPEC", &v)) {
      add_grant(&run, v, "");
    } else if (a == "--json") {
      run.json = true;
    } else if (a == "--trace") {
      run.trace = true;
    } else if (a == "--stub-ungranted") {
      run.stub_ungranted = true;
    } else if (a == "--trap-on-denial") {
      run.trap_on_denial = true;
    } else if (take_option(args, &i, "--fuel", "a number N", &v)) {
      run.fuel = parse_u64("--fuel", v, v);
    } else if (take_option(args, &i, "--max-memory-pages", "a number N", &v)) {
      run.max_memory_pages = parse_limit("--max-memory-pages", v, PICOWASM_MAX_MEMORY_PAGES);
    } else if (take_option(args, &i, "--max-table-elems", "a number N", &v)) {
      run.max_table_elems = parse_limit("--max-table-elems", v, UINT32_MAX);
    } else if (take_option(args, &i, "--us-per-op", "microseconds", &v)) {
      run.us_per_op = parse_u64("--us-per-op", v, v);
    } else if (take_option(args, &i, "--max-time", "microseconds", &v)) {
      run.max_time_us = parse_u64("--max-time", v, v);
    } else if (take_option(args, &i, "--uart-out", "a FILE", &v)) {
      run.uart_out = v;
    } else if (take_board_event(args, &i, &run.events)) {
      // --uart-input, --uart-input-file, --temp, --button, --adc
    } else if (take_option(args, &i, "--revoke", "CLASS@US", &v)) {
      const std::string name = split_time("--revoke", v, &t);
      board::Class c;
      ScriptEvent e;
      e.kind = ScriptEvent::Kind::revoke;
      if (name == "all") {
        e.target = board::kAllClasses;
      } else if (vboard::class_by_name(name, &c)) {
        e.target = board::class_bit(c);
      } else {
        bad("--revoke", v, "unknown class (gpio, i2c, spi, uart, pwm, adc, time, log, relay, all)");
      }
      e.time_us = t;
      run.events.push_back(e);
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError(fmt::format("unknown option '{}' for run --board", escape_text(a)));
    } else if (!have_path) {
      run.path = a;
      have_path = true;
    } else {
      throw UsageError(
          "run --board takes one APP.wasm and no function arguments (the app's entry "
          "point is pw_main)");
    }
  }
  if (!have_path) throw UsageError("run --board needs an APP.wasm");
}

const char* kLevelNames[] = {"error", "warn", "info", "debug"};

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  for (uint8_t b : bytes) s += fmt::format("{:02x}", b);
  return s;
}

nlohmann::json trace_json(const vboard::TraceEntry& e) {
  nlohmann::json j = {{"t", e.time_us},
                      {"class", e.cls},
                      {"resource", e.resource},
                      {"op", e.op},
                      {"value", e.value}};
  if (e.value2) j["value2"] = e.value2;
  if (!e.out.empty()) j["out"] = hex(e.out);
  if (!e.in.empty()) j["in"] = hex(e.in);
  if (e.cls == "uart" || e.cls == "log") {
    const std::vector<uint8_t>& b = e.out.empty() ? e.in : e.out;
    j["text"] = json_text(reinterpret_cast<const char*>(b.data()), b.size());
  }
  if (e.status) j["status"] = e.status;
  return j;
}

// The record of a whole run on the virtual board (rec: begun before it, with its output).
void fill_record(pw_run_record& rec, const vboard::RunOutcome& out, vboard::AppRunner& runner,
                 const vboard::VirtualBoard& vb, bool wasi_command, const std::string& message) {
  CallResult r;
  r.fuel_used = out.fuel_used;
  switch (out.status) {
    case vboard::RunStatus::ok: break;
    case vboard::RunStatus::trap:
      r.status = CallStatus::trap;
      r.error = out.error;
      break;
    case vboard::RunStatus::out_of_fuel:
      r.status = CallStatus::paused;
      r.pause = PauseReason::out_of_fuel;
      break;
    default:  // stalled: paused in a HAL wait; link and load errors: no instance
      r.status = CallStatus::paused;
      r.pause = PauseReason::host_yield;
      break;
  }
  if (runner.instance()) {
    board::record_end(rec, *runner.instance(), r, &runner.hal());
  } else {
    rec.status = out.status == vboard::RunStatus::trap ? PW_RUN_TRAP : PW_RUN_LOAD_ERROR;
    rec.trap_code = static_cast<uint32_t>(out.error.code);
    rec.fuel_used = out.fuel_used;
    rec.time_us = vb.now_us();
  }
  rec.elapsed_us = rec.time_us;  // the run starts at virtual time 0
  switch (out.status) {
    case vboard::RunStatus::ok: {
      const auto* w = static_cast<const wasi::WasiContext*>(runner.hal().layer);
      rec.status = wasi_command && w && wasi::exited(*w) ? PW_RUN_EXITED : PW_RUN_OK;
      rec.has_exit_code = 1;
      rec.exit_code = out.exit_code;
      break;
    }
    case vboard::RunStatus::out_of_fuel: rec.status = PW_RUN_OUT_OF_FUEL; break;
    case vboard::RunStatus::stalled: rec.status = PW_RUN_STALLED; break;
    case vboard::RunStatus::link_error: rec.status = PW_RUN_LINK_ERROR; break;
    case vboard::RunStatus::load_error: rec.status = PW_RUN_LOAD_ERROR; break;
    case vboard::RunStatus::trap: break;  // trap, or revoked (record_end tells)
  }
  if (rec.status != PW_RUN_OK && rec.status != PW_RUN_EXITED && rec.status != PW_RUN_TRAP &&
      rec.status != PW_RUN_REVOKED) {
    pw_record_text(rec.message, sizeof rec.message,
                   (message.empty() ? out.message : message).c_str());
  }
}

}  // namespace

bool take_board_event(const Args& args, size_t* i, std::vector<ScriptEvent>* events) {
  std::string v;
  uint64_t t = 0;
  if (take_option(args, i, "--uart-input", "TEXT", &v)) {
    ScriptEvent e;
    e.kind = ScriptEvent::Kind::uart_input;
    e.bytes = unescape(v);
    events->push_back(e);
  } else if (take_option(args, i, "--uart-input-at", "TEXT@US", &v)) {
    // Input that arrives at virtual time US: an app waiting for UART data resumes then.
    ScriptEvent e;
    e.kind = ScriptEvent::Kind::uart_input;
    e.bytes = unescape(split_time("--uart-input-at", v, &e.time_us));
    events->push_back(e);
  } else if (take_option(args, i, "--uart-input-file", "a FILE (- for stdin)", &v)) {
    // Read whole before the run: the app sees it as input that was there from the start.
    ScriptEvent e;
    e.kind = ScriptEvent::Kind::uart_input;
    if (v == "-") {
      e.bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(v, std::ios::binary);
      if (!in) bad("--uart-input-file", v, "cannot be read");
      e.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    events->push_back(e);
  } else if (take_option(args, i, "--temp", "a temperature C[@US]", &v)) {
    ScriptEvent e;
    e.kind = ScriptEvent::Kind::temperature;
    e.value = parse_celsius(v, split_time("--temp", v, &t));
    e.time_us = t;
    events->push_back(e);
  } else if (take_option(args, i, "--button", "PIN:LEVEL@US", &v)) {
    events->push_back(
        numbered_event("--button", v, ScriptEvent::Kind::pin_level, vboard::kPins - 1, 1));
  } else if (take_option(args, i, "--adc", "CHANNEL:SAMPLE[@US]", &v)) {
    events->push_back(
        numbered_event("--adc", v, ScriptEvent::Kind::adc_sample, vboard::kAdcChannels - 1, 4095));
  } else {
    return false;
  }
  return true;
}

int cmd_run_board(const Args& args) {
  if (wants_apps(args)) return cmd_run_apps(args);  // several apps: the supervisor
  BoardArgs run;
  parse(args, run);
  run.grants.set_trap_on_denial(run.trap_on_denial);
  const board::Grant& grant = run.grants.grant();

  PublicModule loaded;
  if (!load_public_module(run.path, run.max_memory_pages, run.max_table_elems, &loaded))
    return kExitFailure;
  const picowasm::LoadedModule* module = loaded.module;

  vboard::VirtualBoard vb;
  for (const ScriptEvent& e : run.events) vb.schedule(e);
  vb.set_us_per_op(run.us_per_op);
  std::FILE* uart_file = nullptr;
  if (!run.uart_out.empty()) {
    uart_file = std::fopen(run.uart_out.c_str(), "wb");
    if (!uart_file) {
      std::fprintf(stderr, "error: cannot write --uart-out %s: %s\n",
                   escape_text(run.uart_out).c_str(), std::strerror(errno));
      return kExitFailure;
    }
  }
  // The run's record: the sinks keep the app's output in its rings as it comes.
  pw_run_record rec;
  board::record_begin(rec, nullptr);  // the runner's HAL counters start at zero
  // The UART bytes as they come: on stdout (text mode) and into --uart-out.
  vb.uart_sink = [&](const uint8_t* data, size_t n) {
    pw_ring_append(&rec.uart, data, n);
    if (uart_file) std::fwrite(data, 1, n, uart_file);
    if (!run.json) {
      std::fwrite(data, 1, n, stdout);
      std::fflush(stdout);
    }
  };
  nlohmann::json logs = nlohmann::json::array();
  vb.log_sink = [&](uint64_t t, int32_t level, const char* text, size_t n) {
    pw_ring_append(&rec.log, text, n);
    pw_ring_append(&rec.log, "\n", 1);
    if (run.json) {
      logs.push_back({{"t", t}, {"level", kLevelNames[level & 3]}, {"text", json_text(text, n)}});
    } else {
      std::fprintf(stderr, "[%llu.%06llu] log %s: %s\n",
                   static_cast<unsigned long long>(t / 1000000),
                   static_cast<unsigned long long>(t % 1000000), kLevelNames[level & 3],
                   escape_text(text, n).c_str());
    }
  };

  vboard::AppRunner runner(vb, grant);
  vboard::RunConfig config;
  config.fuel = run.fuel;
  config.max_time_us = run.max_time_us;
  config.link = run.stub_ungranted ? board::Link::stub_denied : board::Link::refuse;
  config.limits.memory_pages = run.max_memory_pages;
  config.limits.table_elems = run.max_table_elems;
  // A WASI command: stdin and stdout are UART 0, stderr the log (each needs its grant).
  const char* const wasi_argv[] = {run.path.c_str()};
  wasi::WasiConfig wasi_config;
  wasi_config.argv = wasi_argv;
  wasi_config.argc = 1;
  wasi_config.stdin_port = 0;
  wasi_config.stdin_waits = true;  // a device's UART: a read waits for scripted input
  wasi_config.out = {wasi::Sink::uart, 0, 0};
  wasi_config.err = {wasi::Sink::log, 0, 0};
  wasi_config.random = true;
  for (uint32_t i = 0; i < module->module.num_imports; ++i) {
    if (module->module.imports[i].module.equals(wasi::kModuleName, std::strlen(wasi::kModuleName)))
      config.wasi = &wasi_config;
  }
  const vboard::RunOutcome out = runner.run(*module, config);
  if (uart_file) std::fclose(uart_file);

  const Module& m = module->module;
  int status = kExitOk;
  std::string message;
  switch (out.status) {
    case vboard::RunStatus::ok: break;
    case vboard::RunStatus::trap: status = kExitTrap; break;
    case vboard::RunStatus::out_of_fuel:
    case vboard::RunStatus::stalled: status = kExitPaused; break;
    case vboard::RunStatus::link_error: {
      const board::Class c = out.link.missing;
      const std::string cls = vboard::class_name(c);
      const bool board_class = static_cast<uint32_t>(c) >= board::kNumClasses;
      message = fmt::format(
          "import {}.{} needs a grant of class {} and none was given (e.g. --grant {}; --grant "
          "all grants everything the board has)",
          escape_text(out.link.import->module), escape_text(out.link.import->field), cls,
          board_class                     ? "board:" + cls
          : cls == "time" || cls == "log" ? cls
                                          : cls + ":...");
      status = kExitFailure;
      break;
    }
    case vboard::RunStatus::load_error: {
      status = kExitFailure;
      if (!out.message.empty()) {
        message = out.message;
      } else if (out.error.code == ErrorCode::unknown_import ||
                 out.error.code == ErrorCode::incompatible_import) {
        const Import* imp = import_at(*module, out.error.function);
        message = fmt::format(
            "{}: {}.{} (the virtual board links the HAL ABI 1.0 and "
            "pw_board_relay)",
            error_message(out.error.code), imp ? escape_text(imp->module) : "?",
            imp ? escape_text(imp->field) : "?");
      } else {
        message = fmt::format("{}: {}", error_kind_name(out.error.kind()), out.error.message());
      }
      break;
    }
  }

  if (run.json) {
    fill_record(rec, out, runner, vb, config.wasi != nullptr, message);
    nlohmann::json j = record_json(rec, &m);
    // The virtual board's own fields: the whole UART output, the log with times, the trace.
    j["uart"] = json_text(vb.uart_output().data(), vb.uart_output().size());
    j["log"] = logs;
    nlohmann::json trace = nlohmann::json::array();
    for (const vboard::TraceEntry& e : vb.trace()) trace.push_back(trace_json(e));
    j["trace"] = trace;
    j["trace_dropped"] = vb.trace_dropped();
    print_json(j);
    return status;
  }

  if (run.trace) {
    for (const vboard::TraceEntry& e : vb.trace())
      std::fprintf(stderr, "trace: %s\n", vboard::format_trace(e).c_str());
    if (vb.trace_dropped())
      std::fprintf(stderr, "trace: ... %llu more operations not kept\n",
                   static_cast<unsigned long long>(vb.trace_dropped()));
  }
  for (uint32_t k = 1; k < board::kNumClasses + 1; ++k) {
    const board::Class c = k < board::kNumClasses ? static_cast<board::Class>(k)
                                                  : board::board_class(vboard::kRelayClass);
    const board::ClassStats& s = runner.hal().stats[static_cast<uint32_t>(c)];
    if (s.denied || s.rate_limited) {
      std::fprintf(stderr, "hal: %s: %u calls, %u denied, %u rate-limited\n", vboard::class_name(c),
                   s.calls, s.denied, s.rate_limited);
    }
  }
  switch (out.status) {
    case vboard::RunStatus::ok:
      std::fprintf(stderr, "picowasm: %s %d at t=%lluus (fuel used %llu)\n",
                   config.wasi ? "the WASI command exited with" : "pw_main returned", out.exit_code,
                   static_cast<unsigned long long>(vb.now_us()),
                   static_cast<unsigned long long>(out.fuel_used));
      break;
    case vboard::RunStatus::trap:
      if (runner.instance()) {
        print_trap(*runner.instance(), m);
      } else {
        std::fprintf(stderr, "trap: %s\n", out.error.message());
      }
      break;
    case vboard::RunStatus::out_of_fuel:
      std::fprintf(stderr, "stopped: %s at t=%lluus\n", out.message.c_str(),
                   static_cast<unsigned long long>(vb.now_us()));
      break;
    case vboard::RunStatus::stalled:
      std::fprintf(stderr, "stopped: %s (t=%lluus)\n", out.message.c_str(),
                   static_cast<unsigned long long>(vb.now_us()));
      break;
    default: std::fprintf(stderr, "error: %s\n", message.c_str()); break;
  }
  return status;
}

}  // namespace picowasm::host
