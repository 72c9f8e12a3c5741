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
  kExist = 20,
  kFault = 21,
  kFbig = 22,
  kIlseq = 25,
  kIntr = 27,
  kInval = 28,
  kIo = 29,
  kIsdir = 31,
  kLoop = 32,
  kMfile = 33,
  kMlink = 34,
  kNametoolong = 37,
  kNfile = 41,
  kNodev = 43,
  kNoent = 44,
  kNomem = 48,
  kNospc = 51,
  kNosys = 52,
  kNotdir = 54,
  kNotempty = 55,
  kNotsup = 58,
  kOverflow = 61,
  kPerm = 63,
  kRofs = 69,
  kSpipe = 70,
  kTimedout = 73,
  kXdev = 75,
  kNotcapable = 76,
};

// ---- Files (host only: `picowasm run --dir`) ---------------------------------------------------
// fds from kFirstFileFd up belong to a FileSystem: the preopened directories first (numbered
// without gaps: wasi-libc stops looking at the first EBADF), then what path_open opens. The WASI
// layer checks every guest pointer and passes host buffers and byte strings; each method answers
// a WASI errno (kSuccess on success). A device has no FileSystem: path functions answer ENOSYS.
constexpr uint32_t kFirstFileFd = 3;

enum Filetype : uint8_t {
  kFiletypeUnknown = 0,
  kFiletypeBlockDevice = 1,
  kFiletypeCharacterDevice = 2,
  kFiletypeDirectory = 3,
  kFiletypeRegularFile = 4,
  kFiletypeSymbolicLink = 7,
};
struct Filestat {  // wasi `filestat`
  uint64_t dev = 0, ino = 0;
  uint8_t filetype = kFiletypeUnknown;
  uint64_t nlink = 0, size = 0, atim = 0, mtim = 0, ctim = 0;
};
struct Fdstat {  // wasi `fdstat`
  uint8_t filetype = kFiletypeUnknown;
  uint16_t flags = 0;  // fdflags
  uint64_t rights_base = 0, rights_inheriting = 0;
};
// A path argument: the guest's bytes (not NUL-terminated).
struct Path {
  const char* data;
  uint32_t size;
};
enum class PathOp : uint8_t { create_directory, unlink_file, remove_directory };

class FileSystem {
 public:
  virtual int32_t prestat(uint32_t fd, uint32_t* name_len) = 0;  // EBADF: not a preopen
  virtual int32_t prestat_name(uint32_t fd, uint8_t* out, uint32_t len) = 0;
  virtual int32_t fdstat(uint32_t fd, Fdstat* out) = 0;
  virtual int32_t set_fdflags(uint32_t fd, uint16_t flags) = 0;
  virtual int32_t open(uint32_t dirfd, uint32_t lookupflags, Path path, uint16_t oflags,
                       uint64_t rights_base, uint64_t rights_inheriting, uint16_t fdflags,
                       uint32_t* fd) = 0;
  virtual int32_t close(uint32_t fd) = 0;
  // At the file position, or at `offset` when `positioned` (pread/pwrite: the position stays).
  virtual int32_t read(uint32_t fd, uint8_t* buf, uint32_t len, bool positioned, uint64_t offset,
                       uint32_t* done) = 0;
  virtual int32_t write(uint32_t fd, const uint8_t* buf, uint32_t len, bool positioned,
                        uint64_t offset, uint32_t* done) = 0;
  virtual int32_t seek(uint32_t fd, int64_t offset, uint8_t whence, uint64_t* position) = 0;
  virtual int32_t filestat(uint32_t fd, Filestat* out) = 0;
  virtual int32_t set_size(uint32_t fd, uint64_t size) = 0;
  virtual int32_t path_filestat(uint32_t dirfd, uint32_t lookupflags, Path path, Filestat* out) = 0;
  // Directory entries from `cookie` on, in wasi `dirent` layout, into buf (the last one cut short
  // when it does not fit); *used = bytes written.
  virtual int32_t readdir(uint32_t fd, uint8_t* buf, uint32_t len, uint64_t cookie,
                          uint32_t* used) = 0;
  virtual int32_t path_op(PathOp op, uint32_t dirfd, Path path) = 0;
  virtual int32_t rename(uint32_t dirfd, Path from, uint32_t to_dirfd, Path to) = 0;
  virtual int32_t sync(uint32_t fd, bool data_only) = 0;

 protected:
  ~FileSystem() = default;
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
  // A device's UART never ends: with stdin_waits, fd_read on stdin with no byte available pauses
  // the app (PauseReason::host_yield, hal_wait_state: Wait::uart on stdin_port) until hal_poll
  // finds data, as the HAL's UART read does; without it no byte is end of input (a host stream).
  bool stdin_waits = false;
  // A byte that ends the input, as ^D (4) on a terminal: fd_read returns what precedes it, and
  // end of input from then on (bytes after it in the same read are dropped). -1: none.
  int16_t stdin_eof = -1;
  Stream out, err;          // fd 1 and fd 2
  bool random = false;      // random_get may use the board's entropy driver
  uint64_t realtime_base_ns = 0;  // CLOCK_REALTIME = this + the board's monotonic clock
  FileSystem* files = nullptr;    // fds from kFirstFileFd up (host: --dir); null on a device
};

struct WasiContext {
  const WasiConfig* config = nullptr;
  uint8_t closed = 0;      // bit n: fd n (0..2) was closed by fd_close
  bool exited = false;     // proc_exit was called: the call trapped with kExitMessage
  uint32_t exit_code = 0;  // its argument
  bool stdin_ended = false;  // stdin_eof was read, or end_input() was called
  uint32_t nread_ptr = 0;    // a waiting fd_read's result pointer (guest address)
};

// The trap message of proc_exit (TrapReport::host_message): the run ended by the app's choice.
extern const char kExitMessage[];

// Resets `w` for a new run with `config` and links it to `app` (call after board::hal_init).
void wasi_init(WasiContext& w, board::AppHal& app, const WasiConfig& config);
// True if the last call ended in proc_exit (then w.exit_code is the app's exit status).
inline bool exited(const WasiContext& w) {
  return w.exited;
}
// Ends stdin: an fd_read waiting for UART data completes with 0 bytes (end of input), and every
// later one too. For an embedding that knows no more input will come (the virtual board when its
// script is over). True if a waiting read was completed: resume() the app.
bool end_input(WasiContext& w, board::AppHal& app);

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
