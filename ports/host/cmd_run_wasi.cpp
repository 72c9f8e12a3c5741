// `picowasm run [--env K=V]... [--dir HOST[::GUEST][:ro]]... [--fuel N] [--max-memory-pages N]
// APP.wasm [ARG...]`: runs a WASI command (a module importing wasi_snapshot_preview1) like
// `wasmtime run`: _start with the arguments after the path as argv[1..], the environment only
// from --env, the --dir directories preopened (wasi_posix.hpp), stdout and stderr the program's,
// and its exit code as the CLI's exit status. Through the public API, the board layer
// and wasi/ only: a small host board whose UART 0 is stdin/stdout and UART 1 stderr.
#include <spdlog/fmt/fmt.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "cli_json.h"
#include "picowasm/board.hpp"
#include "picowasm/picowasm.hpp"
#include "picowasm/wasi.hpp"
#include "picowasm/wasi_posix.hpp"

namespace picowasm::host {
namespace {

constexpr uint32_t kDefaultMemoryPages = 1024;  // as `picowasm run`
constexpr uint32_t kStackBytes = 8u << 20;      // wasm value stack (C keeps its own in memory)
constexpr uint32_t kCallDepth = 100000;
constexpr uint32_t kMaxTableElems = 65536;  // as `picowasm run`
constexpr int kExitWasiTrap = 134;  // a trap ends a WASI command as an abort would (wasmtime)

struct DirArg {
  std::string host, guest;
  bool read_only = false;
};

struct WasiArgs {
  std::vector<DirArg> dirs;
  std::string path;
  std::vector<std::string> argv;  // argv[0] = the path
  std::vector<std::string> env;
  uint64_t fuel = kUnlimitedFuel;
  uint32_t max_memory_pages = kDefaultMemoryPages;
  bool json = false;  // the outcome as one run record; the program's output goes into it
};

// Options come before APP.wasm; everything after it is the program's. False (nothing thrown) if
// the command line is not one for a WASI command (e.g. --invoke, --json, --board).
bool parse_wasi_args(const Args& args, WasiArgs* out, bool strict) {
  std::string value;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!out->path.empty()) {
      out->argv.push_back(a);
    } else if (take_option(args, &i, "--env", "K=V", &value)) {
      const size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("bad --env '" + escape_text(value) + "': expected KEY=VALUE");
      out->env.push_back(value);
    } else if (take_option(args, &i, "--dir", "HOST[::GUEST][:ro]", &value)) {
      // As wasmtime: HOST::GUEST, or HOST alone for the same name; ":ro" or ":rw" at the end.
      DirArg d;
      std::string spec = value;
      for (const char* suffix : {":ro", ":rw"}) {
        const size_t n = std::strlen(suffix);
        if (spec.size() > n && spec.compare(spec.size() - n, n, suffix) == 0) {
          d.read_only = suffix[2] == 'o';
          spec.resize(spec.size() - n);
          break;
        }
      }
      const size_t sep = spec.find("::");
      d.host = spec.substr(0, sep);
      d.guest = sep == std::string::npos ? d.host : spec.substr(sep + 2);
      if (d.host.empty() || d.guest.empty())
        throw UsageError("bad --dir '" + escape_text(value) + "': expected HOST[::GUEST][:ro]");
      out->dirs.push_back(d);
    } else if (take_option(args, &i, "--fuel", "a number N", &value)) {
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(value.c_str(), &end, 0);
      if (value.empty() || *end || errno || value[0] == '-')
        throw UsageError("bad --fuel value: " + escape_text(value));
      out->fuel = v;
    } else if (take_option(args, &i, "--max-memory-pages", "a number N", &value)) {
      out->max_memory_pages =
          parse_limit("--max-memory-pages", value, PICOWASM_MAX_MEMORY_PAGES);
    } else if (a == "--json") {
      out->json = true;
    } else if (a.size() > 1 && a[0] == '-') {
      if (strict) throw UsageError("unknown option " + escape_text(a) + " for a WASI command");
      return false;
    } else {
      out->path = a;
      out->argv.push_back(a);
    }
  }
  if (out->path.empty()) throw UsageError("run needs a FILE.wasm");
  return true;
}

bool imports_wasi(const Module& m) {
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    if (m.imports[i].module.equals(wasi::kModuleName, std::strlen(wasi::kModuleName))) return true;
  }
  return false;
}

// ---- The host board: UART 0 = stdin/stdout, UART 1 = stderr, a monotonic clock, getrandom ----

int32_t uart_write(void* ctx, uint32_t port, const uint8_t* data, uint32_t len) {
  if (ctx) {  // --json: stdout and stderr are kept in the run record (stderr as its log)
    auto* rec = static_cast<pw_run_record*>(ctx);
    pw_ring_append(port == 0 ? &rec->uart : &rec->log, data, len);
    return static_cast<int32_t>(len);
  }
  const int fd = port == 0 ? STDOUT_FILENO : STDERR_FILENO;
  for (uint32_t at = 0; at < len;) {
    const ssize_t n = ::write(fd, data + at, len - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return PW_HAL_E_IO;
    at += static_cast<uint32_t>(n);
  }
  return static_cast<int32_t>(len);
}
// Blocks like a terminal read: 0 only at the end of stdin (the app sees EOF).
int32_t uart_read(void*, uint32_t port, uint8_t* buf, uint32_t len) {
  if (port != 0) return PW_HAL_E_NOT_SUPPORTED;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, len);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? PW_HAL_E_IO : static_cast<int32_t>(n);
  }
}
uint64_t clock_now_us(void*) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}
int32_t entropy_fill(void*, uint8_t* buf, uint32_t len) {
  for (uint32_t at = 0; at < len;) {
    const ssize_t n = getrandom(buf + at, len - at, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return PW_HAL_E_IO;
    at += static_cast<uint32_t>(n);
  }
  return PW_HAL_OK;
}

const pw_uart_driver kUart = {uart_write, uart_read};
const pw_clock_driver kClock = {clock_now_us};
const pw_entropy_driver kEntropy = {entropy_fill};

pw_board host_board(pw_run_record* capture) {
  pw_board b{};
  b.uart_ports = 2;
  b.uart = &kUart;
  b.uart_ctx = capture;
  b.clock = &kClock;
  b.entropy = &kEntropy;
  return b;
}

// The program may use its standard streams, the clock and random numbers; nothing else.
constexpr board::UartGrant kStdio[] = {{0, board::kRead | board::kWrite}, {1, board::kWrite}};
board::Grant host_grant() {
  board::Grant g;
  g.uart = kStdio;
  g.num_uart = 2;
  g.time = true;
  return g;
}

}  // namespace

bool is_wasi_command(const Args& args) {
  WasiArgs run;
  try {
    if (!parse_wasi_args(args, &run, false)) return false;
  } catch (const UsageError&) {
    return false;  // the plain run path reports it
  }
  if (!run.env.empty() || !run.dirs.empty()) return true;
  try {
    const auto loaded = load_file(run.path);
    return loaded->error.ok() && imports_wasi(loaded->module);
  } catch (const std::exception&) {
    return false;
  }
}

int cmd_run_wasi(const Args& args) {
  WasiArgs run;
  parse_wasi_args(args, &run, true);

  PublicModule loaded;
  if (!load_public_module(run.path, run.max_memory_pages, kMaxTableElems, &loaded))
    return kExitFailure;
  const picowasm::LoadedModule* module = loaded.module;

  std::vector<const char*> argv, env;
  for (const std::string& a : run.argv) argv.push_back(a.c_str());
  for (const std::string& e : run.env) env.push_back(e.c_str());
  wasi::WasiConfig wc;
  wc.argv = argv.data();
  wc.argc = static_cast<uint32_t>(argv.size());
  wc.environ = env.data();
  wc.environ_count = static_cast<uint32_t>(env.size());
  wc.stdin_port = 0;
  wc.out = {wasi::Sink::uart, 0, 0};
  wc.err = {wasi::Sink::uart, 1, 0};
  wc.random = true;
  wasi::PosixFiles files;
  for (const DirArg& d : run.dirs) {
    std::string error;
    if (!files.preopen(d.host, d.guest, d.read_only, &error)) {
      std::fprintf(stderr, "error: --dir: %s\n", escape_text(error).c_str());
      return kExitFailure;
    }
  }
  if (!run.dirs.empty()) wc.files = &files;
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const uint64_t wall_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
  wc.realtime_base_ns = wall_ns - clock_now_us(nullptr) * 1000;

  pw_run_record rec;
  const pw_board board = host_board(run.json ? &rec : nullptr);
  const board::Grant grant = host_grant();
  board::AppHal hal;
  board::hal_init(hal, board, grant);
  board::record_begin(rec, &hal);
  wasi::WasiContext w;
  wasi::wasi_init(w, hal, wc);

  InstanceConfig cfg =
      board::app_config(hal, nullptr, 0, wasi::kWasiFunctions, wasi::kNumWasiFunctions);
  cfg.limits.memory_pages = run.max_memory_pages;
  cfg.limits.stack_bytes = kStackBytes;
  cfg.limits.call_depth = kCallDepth;
  size_t need = 0;
  Error err = instance_size(*module, cfg, &need);
  if (!err.ok()) {
    if (const Import* imp = import_at(*module, err.function)) {
      std::fprintf(stderr, "error: %s import %s.%s\n", error_code_name(err.code),
                   escape_text(imp->module).c_str(), escape_text(imp->field).c_str());
    } else {
      std::fprintf(stderr, "%s\n", format_error(err).c_str());
    }
    return kExitFailure;
  }
  std::unique_ptr<uint8_t[]> arena;
  cfg.arena = aligned_buffer(&arena, need);
  cfg.arena_size = need;
  Instance* instance = nullptr;
  err = instantiate(*module, cfg, &instance);
  if (!err.ok()) {
    std::fprintf(stderr, "%s\n", format_error(err).c_str());
    return kExitFailure;
  }
  FuncInst* entry = find_function(*instance, "_start");
  if (!entry) {
    std::fprintf(stderr, "error: a WASI command exports _start; this module does not\n");
    return kExitFailure;
  }

  // Start function, then _start; a pause for a WASI sleep (or sched_yield) is waited out here.
  uint64_t slot = 0;
  uint64_t fuel_used = 0;
  const CallResult r = board::run_app(*instance, entry, &slot, run.fuel, &fuel_used, [&] {
    while (board::hal_poll(hal, clock_now_us(nullptr)) == board::Poll::waiting) {
      const uint64_t now = clock_now_us(nullptr), until = hal.wait.deadline_us;
      if (until > now) std::this_thread::sleep_for(std::chrono::microseconds(until - now));
    }
    return true;
  });
  if (run.json) {
    board::record_end(rec, *instance, r, &hal);
    rec.fuel_used = fuel_used;
    if (r.status == CallStatus::paused) rec.status = PW_RUN_OUT_OF_FUEL;  // the whole budget
    if (r.status == CallStatus::ok || wasi::exited(w)) {
      rec.status = wasi::exited(w) ? PW_RUN_EXITED : PW_RUN_OK;
      rec.has_exit_code = 1;
      rec.exit_code = wasi::exited(w) ? static_cast<int32_t>(w.exit_code) : 0;
    }
    print_json(record_json(rec, &module->module));
  }
  if (r.status == CallStatus::ok) return 0;
  if (r.status == CallStatus::trap && wasi::exited(w)) return static_cast<int>(w.exit_code & 0xFF);
  if (r.status == CallStatus::paused) {
    if (!run.json) std::fprintf(stderr, "paused: out of fuel\n");
    return kExitPaused;
  }
  if (run.json) return kExitWasiTrap;
  if (r.error.kind() == ErrorKind::trap || r.error.kind() == ErrorKind::exhaustion) {
    print_trap(*instance, module->module);
  } else {
    std::fprintf(stderr, "%s\n", format_error(r.error).c_str());
  }
  return kExitWasiTrap;
}

}  // namespace picowasm::host
