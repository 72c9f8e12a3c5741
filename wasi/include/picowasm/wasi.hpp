// picowasm WASI layer: a subset of wasi_snapshot_preview1 (docs/wasi.md) as host functions over
// the board layer. WASI is a capability like the HAL's classes: stdout and stderr are written to
// a UART port (write grant) or the log (log grant), stdin reads a UART port (read grant), clocks
// and poll_oneoff need the time grant, and every such call passes the HAL's gates (counted,
// audited, rate-limited, revocable). No heap, no mutable globals: the state is a WasiContext in
// the caller's memory, reached through AppHal::layer.
//
//   static board::AppHal hal;  static wasi::WasiContext w;   // per app; outlive the instance
//   board::hal_init(hal, kMyBoard, kGrant);
//   wasi::wasi_init(w, hal, kWasiConfig);                     // after hal_init
//   InstanceConfig cfg = board::app_config(hal, buf, sizeof buf, wasi::kWasiFunctions,
//                                          wasi::kNumWasiFunctions);
//   ... call _start; on PauseReason::host_yield: hal_poll(hal, now) as for HAL calls;
//   on a trap: wasi::exited(w) tells a proc_exit (exit code in w.exit_code) from a real trap.
#ifndef PICOWASM_WASI_HPP
#define PICOWASM_WASI_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/board.hpp"
#include "picowasm/picowasm.hpp"

namespace picowasm {
namespace wasi {

// WASI errno values used here (wasi_snapshot_preview1 `errno`).
enum Errno : int32_t {
  kSuccess = 0,
  kAcces = 2,
  kAgain = 6,
  kBadf = 8,
  kBusy = 10,
  kFault = 21,
  kInval = 28,
  kIo = 29,
  kNodev = 43,
  kNosys = 52,
  kNotsup = 58,
  kSpipe = 70,
  kTimedout = 73,
  kNotcapable = 76,
};

// Where a standard output stream goes.
enum class Sink : uint8_t {
  none,  // the fd is not open (EBADF)
  uart,  // UART `port`: needs a write grant on it
  log,   // the log at `level`: needs the log grant
};
struct Stream {
  Sink sink = Sink::none;
  uint8_t port = 0;
  int32_t level = 2;  // log level (0 error .. 3 debug) when sink == log
};

// What the embedder gives the app: constant data that outlives the instance (may be in flash).
struct WasiConfig {
  const char* const* argv = nullptr;  // argv[0] is the program name, by convention
  uint32_t argc = 0;
  const char* const* environ = nullptr;  // "KEY=VALUE" strings
  uint32_t environ_count = 0;
  int32_t stdin_port = -1;  // UART port fd 0 reads (read grant); -1: fd 0 is not open
  Stream out, err;          // fd 1 and fd 2
  bool random = false;      // random_get may use the board's entropy driver
  uint64_t realtime_base_ns = 0;  // CLOCK_REALTIME = this + the board's monotonic clock
};

struct WasiContext {
  const WasiConfig* config = nullptr;
  uint8_t closed = 0;      // bit n: fd n (0..2) was closed by fd_close
  bool exited = false;     // proc_exit was called: the call trapped with kExitMessage
  uint32_t exit_code = 0;  // its argument
};

// The trap message of proc_exit (TrapReport::host_message): the run ended by the app's choice.
extern const char kExitMessage[];

// Resets `w` for a new run with `config` and links it to `app` (call after board::hal_init).
void wasi_init(WasiContext& w, board::AppHal& app, const WasiConfig& config);
// True if the last call ended in proc_exit (then w.exit_code is the app's exit status).
inline bool exited(const WasiContext& w) {
  return w.exited;
}

// The import module name, and every wasi_snapshot_preview1 function: the implemented ones and
// stubs answering ENOSYS for the rest, so that a module merely mentioning one still links.
extern const char kModuleName[];  // "wasi_snapshot_preview1"
constexpr size_t kNumWasiFunctions = 46;
extern const HostFunction kWasiFunctions[kNumWasiFunctions];

// The WASI errno for a HAL status (docs/wasi.md): DENIED -> NOTCAPABLE, REVOKED -> ACCES,
// RATE_LIMITED -> AGAIN, INVALID -> INVAL, NOT_PRESENT -> NODEV, NOT_SUPPORTED -> NOTSUP,
// BUSY -> BUSY, TIMEOUT -> TIMEDOUT, IO and NACK -> IO; 0 for PW_HAL_OK.
int32_t errno_of(int32_t hal_status);

}  // namespace wasi
}  // namespace picowasm

#endif  // PICOWASM_WASI_HPP
