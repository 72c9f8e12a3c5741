// `picowasm run --board virtual` with several apps: APP.wasm... and/or --board-file FILE. The apps
// run together under the supervisor (supervisor/, docs/supervisor.md) on one virtual board; with
// --json every activation prints one run record (docs/run-record.schema.json) as it ends, and the
// activations still under way at the end print theirs (paused or stalled). Without --json, each
// app's UART lines go to stdout and its log records and transitions to stderr, prefixed with the
// virtual time and the app's name.
#include <spdlog/fmt/fmt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "cli.h"
#include "cli_json.h"
#include "picowasm/supervisor.hpp"
#include "picowasm/virtual_board.hpp"
#include "run_apps.h"
#include "supervisor_virtual.hpp"

namespace picowasm::host {
namespace {

constexpr uint32_t kDefaultAppMemoryPages = 16;  // 1 MiB of linear memory per app at most
constexpr uint32_t kDefaultTableElems = 4096;

struct AppArgs {
  std::string name, path;
  std::vector<std::string> grants;  // specs, as --grant takes them
  bool trap_on_denial = false;
  sup::Policy policy;
};

struct AppsArgs {
  std::vector<AppArgs> apps;
  std::vector<std::string> grants;  // --grant for the apps named on the command line
  sup::Policy policy;               // --slice, --budget, ... for them
  bool json = false;
  bool events = false;
  uint64_t fuel = sup::kNever;
  uint64_t max_time_us = sup::kNever;
  uint64_t us_per_fuel = 0;
  uint32_t max_memory_pages = kDefaultAppMemoryPages;
  std::vector<vboard::ScriptEvent> script;
};

[[noreturn]] void bad(const std::string& what, const std::string& value, const std::string& why) {
  throw UsageError(fmt::format("bad {} '{}': {}", what, escape_text(value), why));
}

uint64_t number(const std::string& what, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (text.empty() || *end || errno || text[0] == '-' || text[0] == '+' || text[0] == ' ')
    bad(what, text, "not a number");
  return v;
}

sup::Restart restart_policy(const std::string& what, const std::string& text) {
  if (text == "never") return sup::Restart::never;
  if (text == "on-failure" || text == "on_failure") return sup::Restart::on_failure;
  if (text == "always") return sup::Restart::always;
  bad(what, text, "expected never, on-failure or always");
}

// One policy setting (KEY VALUE), from the command line (--KEY) or a board file (KEY); false if
// KEY is not a policy key.
bool set_policy(sup::Policy* p, const std::string& key, const std::string& value,
                const std::string& where) {
  const std::string what = key + where;
  if (key == "priority") {
    const uint64_t v = number(what, value);
    if (v > 255) bad(what, value, "0..255");
    p->priority = static_cast<uint8_t>(v);
  } else if (key == "slice") {
    p->slice_fuel = number(what, value);
    if (!p->slice_fuel) bad(what, value, "a slice needs at least 1 unit of fuel");
  } else if (key == "budget") {  // FUEL[/PERIOD_US]
    const size_t slash = value.find('/');
    p->budget_fuel = number(what, value.substr(0, slash));
    if (slash != std::string::npos) p->period_us = number(what, value.substr(slash + 1));
    if (!p->period_us) bad(what, value, "the period must be at least 1 us");
  } else if (key == "max-fuel") {
    p->max_fuel = number(what, value);
  } else if (key == "restart") {
    p->restart = restart_policy(what, value);
  } else if (key == "backoff") {  // US[..MAX_US]
    const size_t dots = value.find("..");
    p->backoff_us = number(what, value.substr(0, dots));
    if (dots != std::string::npos) p->backoff_max_us = number(what, value.substr(dots + 2));
  } else if (key == "max-restarts") {
    p->max_restarts = static_cast<uint32_t>(number(what, value));
  } else {
    return false;
  }
  return true;
}

std::string trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The board file: `app NAME PATH` opens an app; `grant SPEC`, `grants FILE`, `trap-on-denial`
// and the policy keys (priority, slice, budget, max-fuel, restart, backoff, max-restarts) set the
// app's; '#' starts a comment. Relative paths are relative to the board file.
void read_board_file(AppsArgs* run, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read --board-file {}", escape_text(path)));
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const auto relative = [&](const std::string& p) { return p[0] == '/' ? p : dir + p; };
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string where = fmt::format(" ({}:{})", escape_text(path), n);
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    line = trim(line);
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string key, value, extra;
    words >> key >> value;
    if (key == "app") {
      words >> extra;
      if (value.empty() || extra.empty()) throw UsageError("expected 'app NAME PATH'" + where);
      AppArgs a;
      a.name = value;
      a.path = relative(extra);
      run->apps.push_back(a);
      continue;
    }
    if (run->apps.empty()) throw UsageError("'" + escape_text(key) + "' before any 'app'" + where);
    AppArgs& app = run->apps.back();
    if (key == "trap-on-denial") {
      app.trap_on_denial = true;
    } else if (value.empty()) {
      throw UsageError("'" + escape_text(key) + "' needs a value" + where);
    } else if (key == "grant") {
      app.grants.push_back(value);
    } else if (key == "grants") {
      std::ifstream g(relative(value));
      if (!g) throw UsageError("cannot read grants file " + escape_text(value) + where);
      for (std::string spec; std::getline(g, spec);) {
        const size_t h = spec.find('#');
        if (h != std::string::npos) spec.erase(h);
        spec = trim(spec);
        if (spec == "trap-on-denial") {
          app.trap_on_denial = true;
        } else if (!spec.empty()) {
          app.grants.push_back(spec);
        }
      }
    } else if (!set_policy(&app.policy, key, value, where)) {
      throw UsageError("unknown key '" + escape_text(key) + "'" + where);
    }
  }
}

void parse(const Args& args, AppsArgs& run) {
  std::vector<std::string> paths;
  std::string v;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (take_option(args, &i, "--board", "a board NAME (virtual)", &v)) {
      if (v != "virtual") bad("--board", v, "unknown board (there is one: virtual)");
    } else if (take_option(args, &i, "--board-file", "a FILE", &v)) {
      read_board_file(&run, v);
    } else if (take_option(args, &i, "--grant", "a SPEC", &v)) {
      run.grants.push_back(v);
    } else if (a == "--json") {
      run.json = true;
    } else if (a == "--events") {
      run.events = true;
    } else if (take_option(args, &i, "--fuel", "a number N", &v)) {
      run.fuel = number("--fuel", v);
    } else if (take_option(args, &i, "--max-time", "microseconds", &v)) {
      run.max_time_us = number("--max-time", v);
    } else if (take_option(args, &i, "--us-per-fuel", "microseconds", &v)) {
      run.us_per_fuel = number("--us-per-fuel", v);
    } else if (take_option(args, &i, "--max-memory-pages", "a number N", &v)) {
      run.max_memory_pages = parse_limit("--max-memory-pages", v, PICOWASM_MAX_MEMORY_PAGES);
    } else if (take_board_event(args, &i, &run.script)) {
      // --button, --temp, --uart-input, --adc: as for one app
    } else if (a.size() > 2 && a.compare(0, 2, "--") == 0 && i + 1 < args.size() &&
               set_policy(&run.policy, a.substr(2), args[i + 1], "")) {
      ++i;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError(
          fmt::format("unknown option '{}' for run --board with several apps", escape_text(a)));
    } else {
      paths.push_back(a);
    }
  }
  for (const std::string& p : paths) {
    AppArgs a;
    const size_t slash = p.rfind('/');
    a.name = p.substr(slash == std::string::npos ? 0 : slash + 1);
    if (a.name.size() > 5 && a.name.compare(a.name.size() - 5, 5, ".wasm") == 0)
      a.name.resize(a.name.size() - 5);
    a.path = p;
    a.grants = run.grants;
    a.policy = run.policy;
    run.apps.push_back(a);
  }
  if (run.apps.empty()) throw UsageError("run --board needs an APP.wasm or a --board-file");
  if (run.apps.size() > sup::kMaxApps) {
    throw UsageError(fmt::format("at most {} apps run together", sup::kMaxApps));
  }
}

std::string time_text(uint64_t t) {
  return fmt::format("[{}.{:06}]", t / 1000000, t % 1000000);
}

const char* kLevelNames[] = {"error", "warn", "info", "debug"};

// Everything the run owns; the supervisor's callbacks reach it through the context pointer.
struct Session {
  AppsArgs* args = nullptr;
  vboard::VirtualBoard vb;
  sup::Supervisor s;
  std::unique_ptr<sup::Slot[]> slots;
  std::deque<vboard::GrantSet> grants;
  std::vector<PublicModule> modules;
  std::vector<std::unique_ptr<uint8_t[]>> arenas;
  std::map<uint32_t, std::string> uart_lines;  // per app: UART bytes not yet ended by '\n'

  static void on_event(void* ctx, const sup::Slot& slot, const sup::Event& e) {
    Session& self = *static_cast<Session*>(ctx);
    if (self.args->json) {
      if (e.kind == sup::EventKind::ended) {
        print_json(record_json(*e.record, &slot.spec.module->module));
      }
      return;
    }
    if (e.kind == sup::EventKind::slice && !self.args->events) return;
    std::string line =
        fmt::format("{} {}: {}", time_text(e.time_us), slot.spec.name, sup::event_name(e.kind));
    switch (e.kind) {
      case sup::EventKind::ended: {
        const board::RunRecord& r = *e.record;
        line += fmt::format(" {} (activation {}, fuel {}", pw_run_status_name(r.status),
                            r.activation, r.fuel_used);
        if (r.has_exit_code) line += fmt::format(", exit code {}", r.exit_code);
        if (r.status == PW_RUN_TRAP) {
          line += fmt::format(", {}", error_message(static_cast<ErrorCode>(r.trap_code)));
        }
        if (r.message[0]) line += fmt::format(": {}", escape_text(r.message));
        line += ")";
        break;
      }
      case sup::EventKind::parked:
        if (!self.args->events) return;
        line += e.wait_us == sup::kNever ? " (no deadline)" : " until " + time_text(e.wait_us);
        break;
      case sup::EventKind::woken:
        if (!self.args->events) return;
        break;
      case sup::EventKind::backoff: line += " (restart at " + time_text(e.wait_us) + ")"; break;
      case sup::EventKind::slice: line += fmt::format(" ({} fuel)", e.fuel); break;
      default: break;
    }
    std::fprintf(stderr, "%s\n", line.c_str());
  }

  const char* running_name() const {
    const sup::Slot* slot = sup::running_slot(s);
    return slot ? slot->spec.name : "?";
  }
};

}  // namespace

bool wants_apps(const Args& args) {
  size_t paths = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--board-file" || a.compare(0, 13, "--board-file=") == 0) return true;
    if (a.size() > 5 && a.compare(a.size() - 5, 5, ".wasm") == 0 &&
        (i == 0 || args[i - 1].size() < 2 || args[i - 1][0] != '-' ||
         args[i - 1].find('=') != std::string::npos || args[i - 1] == "--json" ||
         args[i - 1] == "--trace" || args[i - 1] == "--events")) {
      ++paths;
    }
  }
  return paths > 1;
}

int cmd_run_apps(const Args& args) {
  Session session;
  AppsArgs run;
  parse(args, run);
  session.args = &run;
  vboard::VirtualBoard& vb = session.vb;
  for (const vboard::ScriptEvent& e : run.script) vb.schedule(e);

  const uint32_t n = static_cast<uint32_t>(run.apps.size());
  session.slots.reset(new sup::Slot[n]);
  if (!sup::init(session.s, vb.board(), session.slots.get(), n, &Session::on_event, &session)
           .ok()) {
    return kExitFailure;
  }
  // Output, attributed to the app running when the driver is called.
  vb.uart_sink = [&](const uint8_t* data, size_t len) {
    if (run.json) return;
    std::string& pending = session.uart_lines[static_cast<uint32_t>(session.s.running)];
    pending.append(reinterpret_cast<const char*>(data), len);
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
      std::printf("%s %s: %s\n", time_text(vb.now_us()).c_str(), session.running_name(),
                  escape_text(pending.substr(0, nl)).c_str());
    }
    std::fflush(stdout);
  };
  vb.log_sink = [&](uint64_t t, int32_t level, const char* text, size_t len) {
    if (run.json) return;
    std::fprintf(stderr, "%s %s: log %s: %s\n", time_text(t).c_str(), session.running_name(),
                 kLevelNames[level & 3], escape_text(text, len).c_str());
  };

  session.modules.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    AppArgs& app = run.apps[i];
    session.grants.emplace_back();
    vboard::GrantSet& g = session.grants.back();
    std::string error;
    for (const std::string& spec : app.grants) {
      if (!g.add(spec, &error)) throw UsageError(escape_text(error) + " (app " + app.name + ")");
    }
    g.set_trap_on_denial(app.trap_on_denial);
    if (!load_public_module(app.path, run.max_memory_pages, kDefaultTableElems,
                            &session.modules[i])) {
      return kExitFailure;
    }
    sup::AppSpec spec;
    spec.name = app.name.c_str();
    spec.module = session.modules[i].module;
    spec.grant = &g.grant();
    spec.functions = vb.functions();
    spec.num_functions = vb.num_functions();
    spec.classes = vboard::kBoardClasses;
    spec.num_classes = 1;
    spec.limits.memory_pages = run.max_memory_pages;
    spec.limits.table_elems = kDefaultTableElems;
    spec.policy = app.policy;
    // The instance buffer, sized as the supervisor will link it (admission before anything runs).
    board::AppHal probe;
    board::hal_init(probe, vb.board(), *spec.grant, spec.classes, spec.num_classes);
    InstanceConfig cfg = board::app_config(probe, nullptr, 0, spec.functions, spec.num_functions);
    cfg.limits = spec.limits;
    size_t need = 0;
    if (!board::check_imports(*spec.module, probe).ok() ||
        !instance_size(*spec.module, cfg, &need).ok()) {
      need = 16;  // add() reports the error as the app's first (failed) activation
    }
    session.arenas.emplace_back();
    spec.arena = aligned_buffer(&session.arenas.back(), need);
    spec.arena_size = need;
    const Error err = sup::add(session.s, spec);
    if (!err.ok() && !run.json) {
      std::fprintf(stderr, "error: app %s: %s\n", escape_text(app.name).c_str(), err.message());
    }
  }

  sup::VirtualRun config;
  config.us_per_fuel = run.us_per_fuel;
  config.max_time_us = run.max_time_us;
  config.max_fuel = run.fuel;
  const sup::VirtualResult result = sup::run_virtual(session.s, vb, config);

  // UART bytes of an app's last line without its '\n'.
  for (const auto& [index, pending] : session.uart_lines) {
    if (pending.empty() || run.json) continue;
    std::printf("%s %s: %s\n", time_text(vb.now_us()).c_str(),
                index < n ? session.slots[index].spec.name : "?", escape_text(pending).c_str());
  }
  std::fflush(stdout);

  // Activations still under way: their records as they stand.
  for (uint32_t i = 0; i < n; ++i) {
    const sup::Slot& slot = session.slots[i];
    if (slot.state != sup::State::ready && slot.state != sup::State::parked) continue;
    board::RunRecord rec;
    sup::current_record(session.s, i, &rec, result.end == sup::VirtualEnd::stalled);
    if (run.json) {
      print_json(record_json(rec, &slot.spec.module->module));
    } else {
      std::fprintf(stderr, "%s %s: %s (activation %u, fuel %llu)\n", time_text(vb.now_us()).c_str(),
                   slot.spec.name, pw_run_status_name(rec.status), rec.activation,
                   static_cast<unsigned long long>(rec.fuel_used));
    }
  }
  if (!run.json) {
    std::fprintf(stderr, "picowasm: %u apps, %s at t=%lluus after %llu fuel\n", n,
                 sup::virtual_end_name(result.end), static_cast<unsigned long long>(vb.now_us()),
                 static_cast<unsigned long long>(result.fuel_used));
  }
  return kExitOk;
}

}  // namespace picowasm::host
