// The picowasm host CLI: subcommand table and the helpers subcommands share.
//
// Each subcommand is one function `int cmd_NAME(const Args&)` returning the process exit code, and
// one row in kCommands (main.cpp). Global options (-v/-q) are removed from the argument list before
// a subcommand sees it.
#ifndef PICOWASM_HOST_CLI_H
#define PICOWASM_HOST_CLI_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"

namespace picowasm::host {

// Exit codes shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the module failed to load, a file could not be read, ...
constexpr int kExitUsage = 2;    // bad command line
constexpr int kExitTrap = 3;     // the called wasm code trapped or exhausted its stack (run)
constexpr int kExitPaused = 4;   // the call ran out of fuel (run --fuel)

// Arguments after the subcommand name.
using Args = std::vector<std::string>;
using CommandFn = int (*)(const Args& args);

struct Command {
  const char* name;
  const char* synopsis;  // arguments, shown after "picowasm NAME"
  const char* summary;   // one line for the usage text
  const char* details;   // more lines for "picowasm help NAME", or nullptr
  CommandFn run;
};

// Thrown for a bad command line; main() prints the message with the subcommand's synopsis.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- Subcommands
// ---------------------------------------------------------------------------------
int cmd_inspect(const Args& args);
int cmd_run(const Args& args);

// ---- Loading
// -------------------------------------------------------------------------------------

// A module loaded from a file, together with the memory it lives in: `module` points into `bytes`
// and `arena_buffer`, so the three are kept together and the object is not copyable.
struct LoadedModule {
  std::unique_ptr<uint8_t[]> bytes;
  size_t size = 0;
  std::unique_ptr<uint8_t[]> arena_buffer;
  Arena arena;
  Module module;
  Error error;

  LoadedModule() = default;
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;
};

// Arena size the CLI gives load_module for a module of `file_size` bytes: generous, since the host
// has memory to spare and a too-small arena would only hide the real result behind out_of_arena.
size_t arena_size_for(size_t file_size);

// Reads `path` and runs load_module on it. Throws std::runtime_error if the file cannot be read;
// a module that fails to load is reported through `error`, not by throwing.
std::unique_ptr<LoadedModule> load_file(const std::string& path);

// ---- Formatting
// ----------------------------------------------------------------------------------

// "error: <kind>: <message> at offset 0x<hex>" plus " (function N)" for errors inside a body.
std::string format_error(const Error& error);
// "(i32, i32) -> (i64)".
std::string format_functype(const FuncType& type);
// "min=1 max=2" or "min=1".
std::string format_limits(const Limits& limits);
// A name in double quotes; bytes outside printable ASCII, quotes and backslashes as \hh (as in
// .wat).
std::string quote_name(const Name& name);

}  // namespace picowasm::host

#endif  // PICOWASM_HOST_CLI_H
