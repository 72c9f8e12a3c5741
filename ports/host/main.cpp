// picowasm host CLI entry point: global options, logging setup and subcommand dispatch.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "cli.h"

namespace picowasm::host {
namespace {

int cmd_help(const Args& args);

// Adding a subcommand: write cmd_NAME (its own .cpp), declare it in cli.h, add a row here.
const Command kCommands[] = {
    {"inspect", "FILE.wasm",
     "load (decode + validate) a module; print its imports, exports and function signatures",
     nullptr, cmd_inspect},
    {"run", "FILE.wasm [OPTION...] [ARG...]",
     "instantiate a module without imports, call an exported function, print its results",
     "  options (before the first ARG; --NAME=VALUE works too):\n"
     "    --invoke NAME          function to call (default: _start if exported, else main)\n"
     "    --fuel N               bound the run, the module's start function included, to N\n"
     "                           safe points (loop iterations and calls)\n"
     "    --json                 print the outcome as one JSON object on stdout\n"
     "    --max-memory-pages N   linear memory limit, initial and grown, in 64 KiB pages\n"
     "                           (default 1024 = 64 MiB, at most 65536)\n"
     "    --max-table-elems N    limit on the elements of all tables together (default 65536;\n"
     "                           growth is shared out between the tables)\n"
     "    --snapshot-out FILE    if the call pauses (--fuel ran out), write the instance's\n"
     "                           snapshot to FILE (exit status 4)\n"
     "    --from-snapshot FILE   restore FILE (a snapshot of the same module) first, then resume\n"
     "                           the call it paused, or make the call if it was idle; a foreign,\n"
     "                           corrupt or truncated image is refused (status 1, its error code)\n"
     "  Each ARG is parsed by the function's parameter type: i32/i64 in decimal or 0x hex, with "
     "an\n"
     "  optional '-' (unsigned spellings such as 0xffffffff work too); f32/f64 as decimal, inf or\n"
     "  nan. Each result is printed on its own line as TYPE:VALUE, e.g. i32:-1, f64:0.5, f32:inf;\n"
     "  integers are shown signed, floats with the fewest digits that read back exactly.\n"
     "  A trap prints 'trap: MESSAGE (function N)' and a backtrace on stderr and\n"
     "  exits with status 3. Running out of fuel prints 'paused: out of fuel' and exits with\n"
     "  status 4. --json prints the outcome as one run record on stdout instead (every --json\n"
     "  output is one: docs/run-record.md, docs/run-record.schema.json): \"status\" (ok, trap,\n"
     "  paused, ...), \"results\":[{\"type\",\"value\"}],\n"
     "  \"trap\":{\"code\",\"kind\",\"message\",\n"
     "  \"frames\":[{\"function\",\"name\",\"module_offset\"}]}, \"pause_reason\", \"fuel_used\",\n"
     "  \"high_water\", \"hal\", \"output\", ... and \"phase\":\"start|call\" (whether it\n"
     "  ended in the start function or the call) (exit status as above). WASI commands take\n"
     "  --json too: their stdout and stderr then go into the record's output (status exited with\n"
     "  exit_code).\n"
     "  Names from the module are escaped: in text, control characters and bytes that are not\n"
     "  UTF-8 as \\xNN, a backslash as \\\\; the JSON is written as ASCII with \\uXXXX escapes, "
     "and\n"
     "  bytes that are not UTF-8 are replaced by U+FFFD.\n"
     "  The limits are checked against what the module declares before anything is allocated: a\n"
     "  module that declares more is refused with 'error: limit: ...' and exit status 1, as are\n"
     "  module files that are missing, unreadable, empty, not regular files (directories, FIFOs,\n"
     "  devices) or larger than 16 MiB.\n"
     "\n"
     "  picowasm run [--env K=V]... [--dir HOST[::GUEST][:ro]]... [--fuel N]\n"
     "               [--max-memory-pages N] APP.wasm [ARG...]\n"
     "  runs a WASI command (a module importing wasi_snapshot_preview1, docs/wasi.md) like\n"
     "  wasmtime run: _start with argv = APP.wasm ARG..., the environment only from --env,\n"
     "  the CLI's stdin, stdout and stderr; exits with the program's exit code (134 on a trap).\n"
     "    --dir HOST::GUEST      preopen host directory HOST as GUEST (HOST alone: the same name),\n"
     "                           read-write, or read-only with :ro at the end (changes: EROFS);\n"
     "                           repeatable. No path leaves it: '..' past it, absolute paths and\n"
     "                           symlinks leading out answer ENOTCAPABLE (Linux 5.6+ openat2)\n"
     "\n"
     "  picowasm run --board virtual [--grant SPEC]... [--grants FILE] [--fuel N] [--json] "
     "APP.wasm\n"
     "  runs a guest app (its pw_main export) on the virtual board (docs/guest.md): 16 GPIO pins,\n"
     "  I2C bus 0 with a TMP105 sensor at 0x48 (fixed at 25.0 C unless --temp) and an AT24C02\n"
     "  EEPROM at 0x50, SPI bus 0 with an M25P80 flash on chip select 0 (JEDEC ID 20 20 14),\n"
     "  UART 0, 4 PWM and 4 ADC channels, log, and 4 relays (board class pw_board_relay). Its\n"
     "  clock is virtual: it jumps to the next deadline or scripted event whenever the app waits,\n"
     "  so every run is the same.\n"
     "    --grant SPEC           grant a capability (repeatable); nothing is granted without one:\n"
     "                           gpio:2,3  gpio:0-7:in  gpio:13:out  i2c:0:0x48,0x50  "
     "spi:0:1[@HZ]\n"
     "                           uart:0  uart:0:r|w  pwm:0  adc:1  time  log  board:relay[:0,1]\n"
     "                           rate:CLASS:N/s[,NB/s] (calls, bytes per second)  all\n"
     "    --grants FILE          one SPEC (or trap-on-denial) per line, '#' starts a comment\n"
     "    --trap-on-denial       a DENIED or REVOKED call traps instead of returning the status\n"
     "    --stub-ungranted       link imports of ungranted classes (their calls answer DENIED)\n"
     "                           instead of refusing the app\n"
     "    --fuel N, --max-memory-pages N, --max-table-elems N   as above\n"
     "    --uart-input TEXT      bytes the app can read from UART 0 (escapes \\n \\r \\t \\\\ "
     "\\xNN)\n"
     "    --uart-input-file FILE the same from a file (- reads stdin to its end first)\n"
     "    --uart-input-at TEXT@US the same, arriving at virtual time US (a read waits for it)\n"
     "    --uart-out FILE        also write the app's UART output to FILE\n"
     "    --temp C[@US]          the sensor's temperature (default 25.0 C), from virtual time US\n"
     "    --button PIN:LEVEL@US  a button drives PIN to LEVEL at virtual time US (edges latch)\n"
     "    --adc CH:SAMPLE[@US]   an ADC channel's 12-bit sample (default 2048)\n"
     "    --revoke CLASS@US      revoke a class (gpio, ..., log, relay, all) at virtual time US\n"
     "    --us-per-op N          advance the clock N us after each peripheral operation (default "
     "0)\n"
     "    --max-time US          stop an app that would wait beyond virtual time US\n"
     "    --trace                print every peripheral operation on stderr at the end\n"
     "  Output: stdout carries the app's UART bytes and nothing else, byte for byte; log records,\n"
     "  the trace and the outcome go to stderr ('picowasm: pw_main returned N ...'). The app's "
     "own\n"
     "  status (pw_main's result) does not change picowasm's exit status: 0 when pw_main returned\n"
     "  (whatever it returned), 1 when the app cannot be linked (an import of an ungranted class,\n"
     "  named with the grant it needs) or loaded, 2 bad usage or grant spec, 3 trap, 4 out of "
     "fuel\n"
     "  or waiting for something nothing will bring. --json prints one object instead: "
     "{\"status\":\n"
     "  ok|trap|out_of_fuel|stalled|link_error|load_error, \"exit_code\" (pw_main's result or\n"
     "  null), \"fuel_used\", \"time_us\", "
     "\"hal\":{\"gpio\":{\"calls\",\"denied\",\"rate_limited\"},\n"
     "  ...}, \"uart\", \"log\":[{\"t\",\"level\",\"text\"}], "
     "\"trace\":[{\"t\",\"class\",\"resource\",\n"
     "  \"op\",\"value\",\"out\",\"in\",\"status\"}], \"trace_dropped\", \"trap\", \"message\"}.\n"
     "\n"
     "  picowasm run --board virtual [OPTIONS] APP.wasm APP.wasm... | --board-file FILE\n"
     "  runs several apps at once on one virtual board under the supervisor (docs/supervisor.md):\n"
     "  round-robin within a priority in fuel slices, apps waiting in a HAL call parked until the\n"
     "  clock or a scripted event wakes them, a watchdog on each app's fuel per period, restarts\n"
     "  by policy. The --grant and policy options apply to every APP.wasm named (its name: the\n"
     "  file name); a board file gives each app its own, one setting per line ('#' comments):\n"
     "    app NAME PATH          starts an app (PATH relative to the board file)\n"
     "    grant SPEC | grants FILE | trap-on-denial      its grants, as above\n"
     "    priority N | slice N | budget N[/US] | max-fuel N | restart POLICY | backoff US[..MAX]\n"
     "    max-restarts N         its policy: the options below without the dashes\n"
     "    --priority N           higher runs first (default 0)\n"
     "    --slice N              fuel per turn (default 1000)\n"
     "    --budget N[/US]        watchdog: at most N fuel per period of US us (default\n"
     "                           1000000); an app still running when it has used N is killed\n"
     "    --max-fuel N           fuel of one activation in all (out_of_fuel beyond)\n"
     "    --restart POLICY       never (default), on-failure (trap, out of fuel, killed), always\n"
     "    --backoff US[..MAX]    first restart delay (default 100000), doubled per restart up to\n"
     "                           MAX (default 60000000)\n"
     "    --max-restarts N       give up at the failure after N restarts (default 0)\n"
     "    --us-per-fuel N        computing takes N virtual us per unit of fuel (default 0: the\n"
     "                           clock moves only while every app waits)\n"
     "    --events               print every transition (parked, woken, each slice)\n"
     "  and --json, --fuel N (all apps together), --max-time US, --max-memory-pages N (per app,\n"
     "  default 16) and the scripted events above (--button, --temp, --uart-input, --adc).\n"
     "  Output: each app's UART lines on stdout, its log records and transitions on stderr, as\n"
     "  '[SECONDS] NAME: ...'. --json prints one run record per activation as it ends (one JSON\n"
     "  object per line, docs/run-record.schema.json); activations still under way at the end\n"
     "  print theirs as paused (or stalled). Exit status 0, 1 if an app file cannot be loaded,\n"
     "  2 bad usage.\n",
     cmd_run},
    {"keygen", "KEY",
     "write a new P-256 signing key to KEY (mode 0600) and its public key to KEY.pub",
     "  KEY is a PEM EC private key, KEY.pub a PEM SubjectPublicKeyInfo (openssl reads both).\n"
     "  Existing files are never overwritten. Prints the key id (SHA-256 of the public point).\n",
     cmd_keygen},
    {"pack", "APP.wasm --manifest FILE --key KEY -o PKG.wasm",
     "sign a module with a manifest into an app package (docs/lifecycle.md)",
     "  FILE is JSON: {\"app_id\": \"blink\", \"version\": 3, \"min_hal_abi\": \"1.0\",\n"
     "  \"resources\": {\"memory_bytes\": N, \"stack_bytes\": N, \"fuel\": N},\n"
     "  \"grants\": [\"gpio:13:out\", \"time\", ...]} with grants in the --grant spec grammar.\n"
     "  The module must load; the package is verified with the key before it is written.\n",
     cmd_pack},
    {"verify", "PKG.wasm --pub KEY.pub",
     "check a package's code digest and signature against a public key",
     "  Exit status 0 when the digest and the signature hold and the code loads; otherwise 1\n"
     "  with a typed message (error: STATUS: ... (field F) at offset 0x...).\n",
     cmd_verify},
    {"store", "SUBCOMMAND IMG ...",
     "the on-device app store over a flash image file: install, trial, confirm, revoke, run",
     "  picowasm store format IMG                       a new, empty store image (584 KiB: 4 apps,\n"
     "                                                  two 64 KiB slots each and a spare, 4 KiB\n"
     "                                                  blocks)\n"
     "  picowasm store install IMG PKG.wasm --policy FILE\n"
     "      streams the package into the spare slot; the store admits it from the image\n"
     "      (digest, signature, publisher, grants, revocation lists, min version, resources,\n"
     "      code) and only then records it as pending: its next run is a trial. The version it\n"
     "      replaces (a pending or the previous one) is dropped then; a refused one drops nothing\n"
     "  picowasm store list IMG [--json]                apps, slots, versions, states, digests\n"
     "  picowasm store confirm IMG APP                  confirm the trial version now\n"
     "  picowasm store rollback IMG APP                 drop the pending or trial version\n"
     "  picowasm store revoke IMG (--digest D | --app ID[@V1-V2] | --key KEY.pub)\n"
     "      revoke by package digest, by app versions, or every package of a publisher key; an\n"
     "      app whose running version is revoked falls back to its previous version or to none\n"
     "  picowasm store run IMG APP --board virtual [--fuel N] [--max-time US] [--uart-input TEXT]\n"
     "      runs the version the store selects in place from the image, with the grants of its\n"
     "      manifest and (default) its fuel per activation. A trial run that ends cleanly counts\n"
     "      toward confirmation (3 clean runs confirm); one that traps or runs out of fuel rolls\n"
     "      back to the confirmed version\n"
     "  The policy FILE is JSON (docs/lifecycle.md): {\"publishers\": [{\"key\": \"vendor.pub\",\n"
     "  \"grants\": [\"gpio:0-15:inout\", \"time\", \"log\"]}], \"min_versions\": {\"blink\": 2},\n"
     "  \"revoked_digests\": [HEX], \"revoked_versions\": [\"blink@1-2\"], \"revoked_keys\":\n"
     "  [\"old.pub\"], \"max_memory_bytes\": N, \"max_stack_bytes\": N, \"max_fuel\": N}.\n"
     "  Exit status: 0 ok, 1 image or file error (missing, wrong size, not a store), 2 bad usage,\n"
     "  3 the app trapped (run), 4 it ran out of fuel (run), 5 the package was refused (install:\n"
     "  error: STORE_STATUS: ...: PACKAGE_STATUS: ...), 6 the store's state does not allow it\n"
     "  (no_such_app, nothing_to_run, no_trial, trial_running, table_full, ...).\n",
     cmd_store},
    {"help", "[COMMAND]", "show this help, or the usage of one command", nullptr, cmd_help},
};

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: picowasm [-v|-q] COMMAND [ARG...]\n"
               "\n"
               "Host tool of picowasm, a WebAssembly interpreter for microcontroller firmware.\n"
               "\n"
               "commands:\n");
  for (const Command& c : kCommands) {
    std::string head = std::string(c.name) + " " + c.synopsis;
    std::fprintf(out, "  %-20s %s\n", head.c_str(), c.summary);
  }
  std::fprintf(out,
               "\n"
               "options:\n"
               "  -v, --verbose        more log output on stderr (twice: trace)\n"
               "  -q, --quiet          log errors only\n"
               "  -h, --help           show this help\n"
               "      --version        print the version and exit\n"
               "\n"
               "exit status: 0 success, 1 failure (e.g. the module does not load), 2 bad usage,\n"
               "             3 the called function trapped (run), 4 it ran out of fuel (run)\n");
}

void print_command_usage(std::FILE* out, const Command& c, bool with_details) {
  std::fprintf(out, "usage: picowasm %s %s\n  %s\n", c.name, c.synopsis, c.summary);
  if (with_details && c.details) std::fprintf(out, "%s", c.details);
}

int cmd_help(const Args& args) {
  if (args.empty()) {
    print_usage(stdout);
    return kExitOk;
  }
  if (args.size() > 1) throw UsageError("help takes at most one COMMAND");
  const Command* c = find_command(args[0]);
  if (!c) throw UsageError("unknown command '" + escape_text(args[0]) + "'");
  print_command_usage(stdout, *c, true);
  return kExitOk;
}

// Logs go to stderr so that a command's output on stdout stays clean for scripts.
void setup_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("picowasm");
  logger->set_pattern("%^[%l]%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::level::level_enum level = spdlog::level::warn;
  if (verbosity < 0) level = spdlog::level::err;
  if (verbosity == 1) level = spdlog::level::debug;
  if (verbosity >= 2) level = spdlog::level::trace;
  spdlog::set_level(level);
}

int run(int argc, char** argv) {
  // Global options may appear anywhere before a "--"; everything else is the command and its
  // arguments, in order.
  int verbosity = 0;
  bool help = false;
  bool options_ended = false;
  Args words;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!options_ended) {
      if (a == "--") {
        options_ended = true;
        continue;
      }
      if (a == "-v" || a == "--verbose") {
        ++verbosity;
        continue;
      }
      if (a == "-vv") {
        verbosity += 2;
        continue;
      }
      if (a == "-q" || a == "--quiet") {
        verbosity = -1;
        continue;
      }
      if (a == "-h" || a == "--help") {
        help = true;
        continue;
      }
      if (a == "--version") {  // the project's version (CMakeLists.txt), e.g. "picowasm 0.1.0"
        std::printf("picowasm %s\n", PICOWASM_VERSION);
        return kExitOk;
      }
    }
    words.push_back(a);
  }
  setup_logging(verbosity);

  const Command* command = words.empty() ? nullptr : find_command(words[0]);
  if (help) {
    // "picowasm inspect --help" describes inspect; a bare --help describes everything.
    if (command && command->run != cmd_help)
      print_command_usage(stdout, *command, true);
    else
      print_usage(stdout);
    return kExitOk;
  }
  if (words.empty()) {
    print_usage(stderr);
    return kExitUsage;
  }
  if (!command) {
    std::fprintf(stderr, "picowasm: unknown command '%s' (see 'picowasm --help')\n",
                 escape_text(words[0]).c_str());
    return kExitUsage;
  }
  Args args(words.begin() + 1, words.end());
  try {
    return command->run(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "picowasm %s: %s\n", command->name, e.what());
    print_command_usage(stderr, *command, false);
    return kExitUsage;
  }
}

}  // namespace
}  // namespace picowasm::host

int main(int argc, char** argv) {
  try {
    return picowasm::host::run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return picowasm::host::kExitFailure;
}
