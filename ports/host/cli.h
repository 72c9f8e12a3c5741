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

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

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
// `run --board virtual ...` (cmd_run_board.cpp); cmd_run hands over when it sees --board.
int cmd_run_board(const Args& args);
// A WASI command (cmd_run_wasi.cpp): cmd_run hands over when is_wasi_command says the module
// imports wasi_snapshot_preview1 (or --env is given).
bool is_wasi_command(const Args& args);
int cmd_run_wasi(const Args& args);
int cmd_keygen(const Args& args);
int cmd_pack(const Args& args);
int cmd_verify(const Args& args);
// `store ...` (cmd_store.cpp): the app store over a flash image file.
int cmd_store(const Args& args);
// Prints the package section of a module (inspect): false if it is there but invalid.
bool print_package(const uint8_t* bytes, size_t size);

// ---- Shared by run and run --board (cmd_run.cpp) ----------------------------------------------
// Matches option `name` at args[*i], given as "NAME VALUE" or "NAME=VALUE": stores the value in
// *value and moves *i to the last word used. `what` names the value for an error message.
bool take_option(const Args& args, size_t* i, const char* name, const char* what,
                 std::string* value);
// A limit: decimal or 0x hex, 1 .. max (UsageError naming `flag` otherwise).
uint32_t parse_limit(const char* flag, const std::string& text, uint32_t max);
// The CLI's admission check: the initial sizes the module declares (memories and tables, imported
// or defined) must fit the limits. Returns the error message, or "" if they fit.
std::string check_declared_sizes(const Module& m, uint32_t max_memory_pages,
                                 uint32_t max_table_elems);
// A trap and its backtrace, readably, on stderr.
void print_trap(const Instance& instance, const Module& m);
// A module file loaded through the public API (load()), with the buffers it lives in.
struct PublicModule {
  std::unique_ptr<uint8_t[]> bytes, arena;
  picowasm::LoadedModule* module = nullptr;
};
// Reads `path` (throws as read_whole_file does), loads it and checks its declared sizes against
// the limits: false, with the error printed on stderr, if it cannot be loaded or is too large.
bool load_public_module(const std::string& path, uint32_t max_memory_pages,
                        uint32_t max_table_elems, PublicModule* out);

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

// Largest module file the CLI reads. Microcontroller modules are far smaller; the limit keeps a
// huge or endless file from being read into memory.
constexpr size_t kMaxModuleBytes = size_t{16} << 20;  // 16 MiB

// Arena size the CLI gives load_module for a module of `file_size` bytes: generous, since the host
// has memory to spare and a too-small arena would only hide the real result behind out_of_arena.
size_t arena_size_for(size_t file_size);

// Reads `path` and runs load_module on it. Throws std::runtime_error saying what is wrong with
// which path if the file cannot be read: not found, permission denied, a directory or anything
// else that is not a regular file (refused without opening it, so a FIFO cannot block), empty,
// larger than kMaxModuleBytes, or a read error. A module that fails to load is reported through
// `error`, not by throwing.
std::unique_ptr<LoadedModule> load_file(const std::string& path);
// The checks and the reading of load_file without the loading: the file's bytes.
std::unique_ptr<uint8_t[]> read_whole_file(const std::string& path, size_t* size);
// A heap buffer for an engine buffer (module or instance arena) that `*owner` keeps: `size`
// bytes from the returned address, which is aligned to PW_BUFFER_ALIGN (new[] promises less).
void* aligned_buffer(std::unique_ptr<uint8_t[]>* owner, size_t size);

// ---- Formatting
// ----------------------------------------------------------------------------------

// "error: <kind>: <message> at offset 0x<hex>" plus " (function N)" for errors inside a body.
std::string format_error(const Error& error);
// "(i32, i32) -> (i64)".
std::string format_functype(const FuncType& type);
// "min=1 max=2" or "min=1".
std::string format_limits(const Limits& limits);
std::string format_memory_type(const MemoryType& type);
// A name in double quotes, escaped with escape_text (a double quote as \").
std::string quote_name(const Name& name);

// ---- Escaping
// ------------------------------------------------------------------------------------
// Everything taken from a module (names of imports, exports and functions, ...) and everything
// echoed from the command line or the file system goes through one of these two before it is
// printed, so that a module cannot write terminal control sequences or break the JSON output.

// For text output: printable characters of well-formed UTF-8 are kept as they are; a backslash
// becomes \\; control characters (U+0000-U+001F, DEL) and every byte that is not part of a
// well-formed UTF-8 sequence become \xNN; C1 controls (U+0080-U+009F) and the invisible
// direction and line controls (U+061C, U+200E, U+200F, U+2028-U+202E, U+2066-U+2069) become
// \u{XXXX}. If `quote` is not 0, that character becomes a backslash and itself.
std::string escape_text(const char* data, size_t size, char quote = 0);
std::string escape_text(const std::string& text);
std::string escape_text(const Name& name);

// For JSON strings: the bytes unchanged if they are well-formed UTF-8; otherwise every byte that
// is not part of a well-formed sequence is replaced by U+FFFD (the Unicode replacement
// character), so the string is valid UTF-8 and the JSON library can always write it. The CLI
// writes JSON with ensure_ascii, so control and non-ASCII characters appear as \uXXXX escapes.
std::string json_text(const char* data, size_t size);
std::string json_text(const Name& name);

}  // namespace picowasm::host

#endif  // PICOWASM_HOST_CLI_H
