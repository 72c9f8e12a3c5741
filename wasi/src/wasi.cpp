// wasi_snapshot_preview1 host functions over the board layer (docs/wasi.md). Every guest pointer
// is checked before anything happens: a range outside linear memory traps (trap_memory_oob), as
// the HAL's buffers do, so a call has either its whole effect or none.
#include "picowasm/wasi.hpp"

#include <cstring>
#include <type_traits>

namespace picowasm {
namespace wasi {

const char kModuleName[] = "wasi_snapshot_preview1";
const char kExitMessage[] = "wasi: proc_exit";

namespace {

using board::AppHal;
using board::Class;

constexpr uint32_t kMaxChunk = PICOWASM_HAL_MAX_TRANSFER;  // bytes per driver call
constexpr uint32_t kIovecSize = 8, kSubscriptionSize = 48, kEventSize = 32, kFdstatSize = 24,
                   kFilestatSize = 64, kPrestatSize = 8;
constexpr uint64_t kRightFdRead = 1u << 1, kRightFdWrite = 1u << 6,
                   kRightPollFdReadwrite = 1u << 27;
constexpr uint8_t kEventClock = 0, kEventFdRead = 1;
constexpr uint32_t kClockRealtime = 0, kClockThreadCputime = 3;
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint32_t kWhenceCur = 1;
constexpr uint64_t kResolutionNs = 1000;  // the board clock counts microseconds

// ---- Guest memory (little-endian, as wasm) ----

// [addr, addr + len) as host memory, or a trap (the caller returns at once).
__attribute__((noinline)) bool span(HostContext& ctx, uint32_t addr, uint64_t len, MemView* out) {
  if (len <= 0xFFFFFFFFu && ctx.view(addr, static_cast<uint32_t>(len), out)) return true;
  ctx.trap(ErrorCode::trap_memory_oob, "wasi: pointer outside linear memory");
  return false;
}
uint32_t get32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t get64(const uint8_t* p) {
  return get32(p) | (static_cast<uint64_t>(get32(p + 4)) << 32);
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  put32(p, static_cast<uint32_t>(v));
  put32(p + 4, static_cast<uint32_t>(v >> 32));
}
// ---- State ----

// The app's HAL and WASI state, or null and a trap when the instance has none.
AppHal* enter(HostContext& ctx, WasiContext** w) {
  AppHal* app = ctx.user_as<AppHal>();
  if (app && app->board && app->layer) {
    *w = static_cast<WasiContext*>(app->layer);
    return app;
  }
  ctx.trap("wasi: instance has no WASI state");
  return nullptr;
}

// The file system holding fd (>= kFirstFileFd), or null: the fd is not open (EBADF).
FileSystem* files(const WasiContext& w, uint32_t fd) {
  return fd >= kFirstFileFd ? w.config->files : nullptr;
}

bool fd_open(const WasiContext& w, uint32_t fd) {
  if (fd > 2 || ((w.closed >> fd) & 1)) return false;
  if (fd == 0) return w.config->stdin_port >= 0;
  return (fd == 1 ? w.config->out : w.config->err).sink != Sink::none;
}

// One chunk (<= kMaxChunk bytes) to a stream, through the HAL's gates: a HAL status.
int32_t sink_write(HostContext& ctx, AppHal& app, const Stream& s, const uint8_t* data,
                   uint32_t len) {
  const pw_board& b = *app.board;
  if (s.sink == Sink::uart) {
    if (!board::class_enter(ctx, Class::uart)) return PW_HAL_E_INVALID;
    if (!b.uart || s.port >= b.uart_ports) return PW_HAL_E_NOT_PRESENT;
    const bool granted = (board::uart_access(*app.grant, s.port) & board::kWrite) != 0;
    if (int32_t st = board::class_admit(ctx, app, Class::uart, granted, s.port, len)) return st;
    return b.uart->write(b.uart_ctx, s.port, data, len);
  }
  if (!board::class_enter(ctx, Class::log)) return PW_HAL_E_INVALID;
  if (!b.log) return PW_HAL_E_NOT_PRESENT;
  if (int32_t st = board::class_admit(ctx, app, Class::log, app.grant->log, 0, len)) return st;
  return b.log->write(b.log_ctx, s.level, reinterpret_cast<const char*>(data), len);
}

// The time grant and the clock, through the HAL's gate: 0 or a HAL status.
int32_t time_gate(HostContext& ctx, AppHal& app) {
  if (!board::class_enter(ctx, Class::time)) return PW_HAL_E_INVALID;
  if (!app.board->clock) return PW_HAL_E_NOT_SUPPORTED;
  return board::class_admit(ctx, app, Class::time, app.grant->time, 0, 0);
}
uint64_t now_ns(const AppHal& app) {
  return app.board->clock->now_us(app.board->clock_ctx) * 1000;
}

// Checks an iovec array and every buffer it names; null if one is outside memory (trapped).
const uint8_t* iovecs(HostContext& ctx, uint32_t iovs, uint32_t count) {
  MemView arr;
  if (!span(ctx, iovs, uint64_t{count} * kIovecSize, &arr)) return nullptr;
  for (uint32_t i = 0; i < count; ++i) {
    MemView b;
    if (!span(ctx, get32(arr.data + i * kIovecSize), get32(arr.data + i * kIovecSize + 4), &b))
      return nullptr;
  }
  return arr.data ? arr.data : reinterpret_cast<const uint8_t*>("");
}

void put_filestat(uint8_t* p, const Filestat& st) {
  std::memset(p, 0, kFilestatSize);
  put64(p, st.dev);
  put64(p + 8, st.ino);
  p[16] = st.filetype;
  put64(p + 24, st.nlink);
  put64(p + 32, st.size);
  put64(p + 40, st.atim);
  put64(p + 48, st.mtim);
  put64(p + 56, st.ctim);
}

// Reads or writes a file through the checked iovec array `v` (at *offset when given), stopping
// at the first short transfer; the count goes to `done` (guest memory).
int32_t file_io(HostContext& ctx, FileSystem& fs, uint32_t fd, const uint8_t* v, uint32_t count,
                bool write, const uint64_t* offset, uint8_t* done) {
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    MemView buf;
    span(ctx, get32(v + i * kIovecSize), get32(v + i * kIovecSize + 4), &buf);  // checked
    if (buf.size > 0xFFFFFFFFu - total) break;  // the count must fit its u32
    uint32_t n = 0;
    const uint64_t at = offset ? *offset + total : 0;
    const int32_t e = write ? fs.write(fd, buf.data, buf.size, offset != nullptr, at, &n)
                            : fs.read(fd, buf.data, buf.size, offset != nullptr, at, &n);
    if (e != kSuccess) {
      if (total) break;  // report what moved; the error comes with the next call
      return e;
    }
    total += n;
    if (n < buf.size) break;
  }
  put32(done, total);
  return kSuccess;
}

// ---- stdin on a device: waiting for UART data ----

// The bytes of `data` before the configured end-of-input byte (all of them if there is none).
uint32_t eof_cut(WasiContext& w, const uint8_t* data, uint32_t len) {
  if (w.config->stdin_eof < 0 || len == 0) return len;
  const void* at = std::memchr(data, w.config->stdin_eof, len);
  if (!at) return len;
  w.stdin_ended = true;
  return static_cast<uint32_t>(static_cast<const uint8_t*>(at) - data);
}

// hal_poll found data (outcome: bytes read into the waiting buffer, or a HAL status): the
// fd_read's errno, its count stored as the call would have.
uint64_t stdin_finish(AppHal& app, const board::WaitState& ws, int32_t outcome) {
  WasiContext& w = *static_cast<WasiContext*>(app.layer);
  if (outcome < 0) return static_cast<uint32_t>(errno_of(outcome));
  MemView buf, n;
  // Checked at the call, and memory never shrinks.
  if (!memory_view(*ws.instance, ws.address, ws.length, &buf) ||
      !memory_view(*ws.instance, w.nread_ptr, 4, &n)) {
    return kFault;
  }
  put32(n.data, eof_cut(w, buf.data, static_cast<uint32_t>(outcome)));
  return kSuccess;
}

// Pauses the app until UART `port` has data for [address, address + len), in the board's wait
// primitive (Wait::uart, no deadline); stdin_finish completes the call.
int32_t wait_stdin(HostContext& ctx, AppHal& app, WasiContext& w, uint32_t port, uint32_t address,
                   uint32_t len, uint32_t nread) {
  board::WaitState& ws = app.wait;
  ws = board::WaitState();
  ws.kind = board::Wait::uart;
  ws.resource = port;
  ws.address = address;
  ws.length = len;
  ws.instance = &ctx.instance();
  ws.finish = stdin_finish;
  w.nread_ptr = nread;
  ctx.yield();
  return kSuccess;  // replaced by stdin_finish's result
}

// args_get/environ_get and their sizes share one body: `strings` of `count` NUL-terminated
// strings into a pointer array and a buffer.
uint32_t strings_size(const char* const* strings, uint32_t count) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < count; ++i) n += static_cast<uint32_t>(std::strlen(strings[i])) + 1;
  return n;
}
int32_t strings_get(HostContext& ctx, const char* const* strings, uint32_t count, uint32_t ptrs,
                    uint32_t buf) {
  MemView p, b;
  if (!span(ctx, ptrs, uint64_t{count} * 4, &p) ||
      !span(ctx, buf, strings_size(strings, count), &b)) {
    return 0;
  }
  uint32_t at = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t n = static_cast<uint32_t>(std::strlen(strings[i])) + 1;
    put32(p.data + 4 * i, buf + at);
    std::memcpy(b.data + at, strings[i], n);
    at += n;
  }
  return kSuccess;
}
int32_t sizes_get(HostContext& ctx, const char* const* strings, uint32_t count, uint32_t count_ptr,
                  uint32_t size_ptr) {
  MemView a, b;
  if (!span(ctx, count_ptr, 4, &a) || !span(ctx, size_ptr, 4, &b)) return 0;
  put32(a.data, count);
  put32(b.data, strings_size(strings, count));
  return kSuccess;
}

// Stubs: every function not implemented below answers ENOSYS.
template <typename... A>
int32_t enosys(HostContext&, A...) {
  return kNosys;
}

}  // namespace

int32_t errno_of(int32_t s) {
  switch (s) {
    case PW_HAL_OK: return kSuccess;
    case PW_HAL_E_DENIED: return kNotcapable;
    case PW_HAL_E_REVOKED: return kAcces;
    case PW_HAL_E_RATE_LIMITED: return kAgain;
    case PW_HAL_E_NOT_PRESENT: return kNodev;
    case PW_HAL_E_NOT_SUPPORTED: return kNotsup;
    case PW_HAL_E_BUSY: return kBusy;
    case PW_HAL_E_TIMEOUT: return kTimedout;
    case PW_HAL_E_IO:
    case PW_HAL_E_NACK: return kIo;
    default: return kInval;
  }
}

// The implemented functions, named as their imports.
namespace impl {
namespace {
using I = uint32_t;
using L = uint64_t;

int32_t args_get(HostContext& ctx, I argv, I buf) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  return strings_get(ctx, w->config->argv, w->config->argc, argv, buf);
}
int32_t args_sizes_get(HostContext& ctx, I argc, I size) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  return sizes_get(ctx, w->config->argv, w->config->argc, argc, size);
}
int32_t environ_get(HostContext& ctx, I env, I buf) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  return strings_get(ctx, w->config->environ, w->config->environ_count, env, buf);
}
int32_t environ_sizes_get(HostContext& ctx, I count, I size) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  return sizes_get(ctx, w->config->environ, w->config->environ_count, count, size);
}

// clock_res_get and clock_time_get share one body: the resolution, or the time of clock `id`.
int32_t clock_get(HostContext& ctx, I id, I out, bool resolution) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, out, 8, &m)) return 0;
  AppHal* app = enter(ctx, &w);
  if (!app) return 0;
  if (id > kClockThreadCputime) return kInval;
  if (int32_t s = time_gate(ctx, *app)) return errno_of(s);
  // The CPU-time clocks are the monotonic one: an app runs alone on its instance.
  const uint64_t base = id == kClockRealtime ? w->config->realtime_base_ns : 0;
  put64(m.data, resolution ? kResolutionNs : now_ns(*app) + base);
  return kSuccess;
}
int32_t clock_res_get(HostContext& ctx, I id, I out) {
  return clock_get(ctx, id, out, true);
}
int32_t clock_time_get(HostContext& ctx, I id, L, I out) {
  return clock_get(ctx, id, out, false);
}

int32_t fd_close(HostContext& ctx, I fd) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  if (FileSystem* fs = files(*w, fd)) return fs->close(fd);
  if (!fd_open(*w, fd)) return kBadf;
  w->closed = static_cast<uint8_t>(w->closed | (1u << fd));
  return kSuccess;
}

int32_t fd_fdstat_get(HostContext& ctx, I fd, I out) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, out, kFdstatSize, &m)) return 0;
  if (!enter(ctx, &w)) return 0;
  Fdstat st;
  if (FileSystem* fs = files(*w, fd)) {
    if (int32_t e = fs->fdstat(fd, &st)) return e;
  } else if (fd_open(*w, fd)) {
    st.filetype = kFiletypeCharacterDevice;  // no seek or tell rights: isatty() holds
    st.rights_base = (fd == 0 ? kRightFdRead : kRightFdWrite) | kRightPollFdReadwrite;
  } else {
    return kBadf;
  }
  std::memset(m.data, 0, kFdstatSize);
  m.data[0] = st.filetype;
  m.data[2] = static_cast<uint8_t>(st.flags);
  m.data[3] = static_cast<uint8_t>(st.flags >> 8);
  put64(m.data + 8, st.rights_base);
  put64(m.data + 16, st.rights_inheriting);
  return kSuccess;
}

int32_t fd_fdstat_set_flags(HostContext& ctx, I fd, I flags) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  if (FileSystem* fs = files(*w, fd)) return fs->set_fdflags(fd, static_cast<uint16_t>(flags));
  return fd_open(*w, fd) ? kNotsup : kBadf;
}

int32_t fd_filestat_get(HostContext& ctx, I fd, I out) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, out, kFilestatSize, &m)) return 0;
  if (!enter(ctx, &w)) return 0;
  Filestat st;
  if (FileSystem* fs = files(*w, fd)) {
    if (int32_t e = fs->filestat(fd, &st)) return e;
  } else if (fd_open(*w, fd)) {
    st.filetype = kFiletypeCharacterDevice;
  } else {
    return kBadf;
  }
  put_filestat(m.data, st);
  return kSuccess;
}

int32_t fd_filestat_set_size(HostContext& ctx, I fd, L size) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  if (FileSystem* fs = files(*w, fd)) return fs->set_size(fd, size);
  return fd_open(*w, fd) ? kInval : kBadf;
}

// fd_sync and fd_datasync: a standard stream has nothing to flush (EINVAL, as fsync on a tty).
int32_t sync(HostContext& ctx, I fd, bool data_only) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  if (FileSystem* fs = files(*w, fd)) return fs->sync(fd, data_only);
  return fd_open(*w, fd) ? kInval : kBadf;
}
int32_t fd_sync(HostContext& ctx, I fd) {
  return sync(ctx, fd, false);
}
int32_t fd_datasync(HostContext& ctx, I fd) {
  return sync(ctx, fd, true);
}

int32_t fd_readdir(HostContext& ctx, I fd, I buf, I len, L cookie, I used) {
  WasiContext* w;
  MemView b, u;
  if (!span(ctx, buf, len, &b) || !span(ctx, used, 4, &u)) return 0;
  if (!enter(ctx, &w)) return 0;
  FileSystem* fs = files(*w, fd);
  if (!fs) return fd_open(*w, fd) ? kNotdir : kBadf;
  uint32_t n = 0;
  if (int32_t e = fs->readdir(fd, b.data, b.size, cookie, &n)) return e;
  put32(u.data, n);
  return kSuccess;
}

// The preopened directories (EBADF past the last ends wasi-libc's scan for them).
int32_t fd_prestat_get(HostContext& ctx, I fd, I out) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, out, kPrestatSize, &m)) return 0;
  if (!enter(ctx, &w)) return 0;
  FileSystem* fs = files(*w, fd);
  uint32_t len = 0;
  if (!fs) return kBadf;
  if (int32_t e = fs->prestat(fd, &len)) return e;
  std::memset(m.data, 0, kPrestatSize);  // tag 0: a directory
  put32(m.data + 4, len);
  return kSuccess;
}
int32_t fd_prestat_dir_name(HostContext& ctx, I fd, I path, I len) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, path, len, &m)) return 0;
  if (!enter(ctx, &w)) return 0;
  FileSystem* fs = files(*w, fd);
  return fs ? fs->prestat_name(fd, m.data, m.size) : kBadf;
}

int32_t fd_read(HostContext& ctx, I fd, I iovs, I count, I nread) {
  WasiContext* w;
  MemView n;
  if (!span(ctx, nread, 4, &n)) return 0;
  const uint8_t* v = iovecs(ctx, iovs, count);
  if (!v) return 0;
  AppHal* app = enter(ctx, &w);
  if (!app) return 0;
  if (FileSystem* fs = files(*w, fd))
    return file_io(ctx, *fs, fd, v, count, false, nullptr, n.data);
  if (fd != 0 || !fd_open(*w, fd)) return kBadf;
  if (w->stdin_ended) {
    put32(n.data, 0);
    return kSuccess;
  }
  const pw_board& b = *app->board;
  const uint32_t port = static_cast<uint32_t>(w->config->stdin_port);
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    MemView buf;
    span(ctx, get32(v + i * kIovecSize), get32(v + i * kIovecSize + 4), &buf);  // checked above
    for (uint32_t at = 0; at < buf.size;) {
      const uint32_t want = buf.size - at < kMaxChunk ? buf.size - at : kMaxChunk;
      if (!board::class_enter(ctx, Class::uart)) return 0;
      int32_t got = PW_HAL_E_NOT_PRESENT;
      if (b.uart && port < b.uart_ports) {
        const bool granted = (board::uart_access(*app->grant, port) & board::kRead) != 0;
        got = board::class_admit(ctx, *app, Class::uart, granted, port, want);
        if (got == 0) got = b.uart->read(b.uart_ctx, port, buf.data + at, want);
      }
      if (ctx.trapped()) return 0;
      if (got < 0) {
        if (total) break;  // report what was read; the error comes with the next call
        return errno_of(got);
      }
      // Nothing now: a device waits for data; on a host stream this is its end.
      if (got == 0 && total == 0 && w->config->stdin_waits) {
        return wait_stdin(ctx, *app, *w, port, buf.address + at, want, nread);
      }
      const uint32_t kept = eof_cut(*w, buf.data + at, static_cast<uint32_t>(got));
      total += kept;
      at += kept;
      if (kept < want) {  // a short read (or the end): return what is there
        put32(n.data, total);
        return kSuccess;
      }
    }
  }
  put32(n.data, total);
  return kSuccess;
}

int32_t fd_write(HostContext& ctx, I fd, I iovs, I count, I nwritten) {
  WasiContext* w;
  MemView n;
  if (!span(ctx, nwritten, 4, &n)) return 0;
  const uint8_t* v = iovecs(ctx, iovs, count);
  if (!v) return 0;
  AppHal* app = enter(ctx, &w);
  if (!app) return 0;
  if (FileSystem* fs = files(*w, fd)) return file_io(ctx, *fs, fd, v, count, true, nullptr, n.data);
  if (fd < 1 || !fd_open(*w, fd)) return kBadf;
  const Stream& s = fd == 1 ? w->config->out : w->config->err;
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    MemView buf;
    span(ctx, get32(v + i * kIovecSize), get32(v + i * kIovecSize + 4), &buf);  // checked above
    for (uint32_t at = 0; at < buf.size;) {
      const uint32_t len = buf.size - at < kMaxChunk ? buf.size - at : kMaxChunk;
      const int32_t st = sink_write(ctx, *app, s, buf.data + at, len);
      if (ctx.trapped()) return 0;
      if (st < 0) {
        if (total) break;
        return errno_of(st);
      }
      total += len;
      at += len;
    }
  }
  put32(n.data, total);
  return kSuccess;
}

// fd_pread and fd_pwrite share one body: at `offset`, the file position unchanged.
int32_t positioned_io(HostContext& ctx, I fd, I iovs, I count, L offset, I done, bool write) {
  WasiContext* w;
  MemView n;
  if (!span(ctx, done, 4, &n)) return 0;
  const uint8_t* v = iovecs(ctx, iovs, count);
  if (!v || !enter(ctx, &w)) return 0;
  FileSystem* fs = files(*w, fd);
  if (!fs) return fd_open(*w, fd) ? kSpipe : kBadf;
  return file_io(ctx, *fs, fd, v, count, write, &offset, n.data);
}
int32_t fd_pread(HostContext& ctx, I fd, I iovs, I count, L offset, I nread) {
  return positioned_io(ctx, fd, iovs, count, offset, nread, false);
}
int32_t fd_pwrite(HostContext& ctx, I fd, I iovs, I count, L offset, I nwritten) {
  return positioned_io(ctx, fd, iovs, count, offset, nwritten, true);
}

// fd_seek and fd_tell share one body (tell: 0 from the current position); the standard streams
// are not seekable.
int32_t seek(HostContext& ctx, I fd, L offset, I whence, I out) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, out, 8, &m)) return 0;
  if (!enter(ctx, &w)) return 0;
  FileSystem* fs = files(*w, fd);
  if (!fs) return fd_open(*w, fd) ? kSpipe : kBadf;
  if (whence > 2) return kInval;
  uint64_t pos = 0;
  if (int32_t e = fs->seek(fd, static_cast<int64_t>(offset), static_cast<uint8_t>(whence), &pos))
    return e;
  put64(m.data, pos);
  return kSuccess;
}
int32_t fd_seek(HostContext& ctx, I fd, L offset, I whence, I out) {
  return seek(ctx, fd, offset, whence, out);
}
int32_t fd_tell(HostContext& ctx, I fd, I out) {
  return seek(ctx, fd, 0, kWhenceCur, out);
}

// ---- Paths: only with a file system (the host's --dir); a device answers ENOSYS ----

// The guest's path bytes, or a trap; *fs null when there is no file system.
bool path_arg(HostContext& ctx, I path, I len, Path* out, FileSystem** fs) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, path, len, &m) || !enter(ctx, &w)) return false;
  *out = {m.data ? reinterpret_cast<const char*>(m.data) : "", m.size};
  *fs = w->config->files;
  return true;
}

int32_t path_open(HostContext& ctx, I dirfd, I lookup, I path, I len, I oflags, L base,
                  L inheriting, I fdflags, I out) {
  MemView m;
  Path p;
  FileSystem* fs;
  if (!span(ctx, out, 4, &m) || !path_arg(ctx, path, len, &p, &fs)) return 0;
  if (!fs) return kNosys;
  uint32_t fd = 0;
  if (int32_t e = fs->open(dirfd, lookup, p, static_cast<uint16_t>(oflags), base, inheriting,
                           static_cast<uint16_t>(fdflags), &fd)) {
    return e;
  }
  put32(m.data, fd);
  return kSuccess;
}

int32_t path_filestat_get(HostContext& ctx, I dirfd, I lookup, I path, I len, I out) {
  MemView m;
  Path p;
  FileSystem* fs;
  if (!span(ctx, out, kFilestatSize, &m) || !path_arg(ctx, path, len, &p, &fs)) return 0;
  if (!fs) return kNosys;
  Filestat st;
  if (int32_t e = fs->path_filestat(dirfd, lookup, p, &st)) return e;
  put_filestat(m.data, st);
  return kSuccess;
}

// path_create_directory, path_unlink_file and path_remove_directory share one body.
int32_t path_op(HostContext& ctx, PathOp op, I dirfd, I path, I len) {
  Path p;
  FileSystem* fs;
  if (!path_arg(ctx, path, len, &p, &fs)) return 0;
  return fs ? fs->path_op(op, dirfd, p) : kNosys;
}
int32_t path_create_directory(HostContext& ctx, I dirfd, I path, I len) {
  return path_op(ctx, PathOp::create_directory, dirfd, path, len);
}
int32_t path_unlink_file(HostContext& ctx, I dirfd, I path, I len) {
  return path_op(ctx, PathOp::unlink_file, dirfd, path, len);
}
int32_t path_remove_directory(HostContext& ctx, I dirfd, I path, I len) {
  return path_op(ctx, PathOp::remove_directory, dirfd, path, len);
}

int32_t path_rename(HostContext& ctx, I dirfd, I path, I len, I to_dirfd, I to_path, I to_len) {
  Path from, to;
  FileSystem* fs;
  if (!path_arg(ctx, path, len, &from, &fs) || !path_arg(ctx, to_path, to_len, &to, &fs)) return 0;
  return fs ? fs->rename(dirfd, from, to_dirfd, to) : kNosys;
}

// Clock subscriptions wait (the instance yields as HAL sleeps do; hal_poll ends the wait); an
// fd subscription is answered at once (ready for an open stream, EBADF otherwise), without
// waiting on any clock.
int32_t poll_oneoff(HostContext& ctx, I in, I out, I count, I nevents) {
  WasiContext* w;
  MemView sub, ev, ne;
  if (!span(ctx, in, uint64_t{count} * kSubscriptionSize, &sub) ||
      !span(ctx, out, uint64_t{count} * kEventSize, &ev) || !span(ctx, nevents, 4, &ne)) {
    return 0;
  }
  AppHal* app = enter(ctx, &w);
  if (!app) return 0;
  if (count == 0) return kInval;
  uint32_t events = 0;
  bool have_clock = false;
  uint64_t earliest = 0;
  uint32_t first = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* s = sub.data + i * kSubscriptionSize;
    if (s[8] != kEventClock) {
      uint8_t* e = ev.data + events++ * kEventSize;
      std::memset(e, 0, kEventSize);
      std::memcpy(e, s, 8);  // userdata
      const uint32_t fd = get32(s + 16);
      const bool ok = fd_open(*w, fd) && (s[8] == kEventFdRead) == (fd == 0);
      e[8] = static_cast<uint8_t>(ok ? kSuccess : kBadf);
      e[10] = s[8];
      continue;
    }
    if (!have_clock) {
      if (int32_t st = time_gate(ctx, *app)) return errno_of(st);
    }
    const uint32_t id = get32(s + 16);
    if (id > kClockThreadCputime) return kInval;
    const uint64_t t = now_ns(*app), timeout = get64(s + 24);
    uint64_t deadline;
    if (get32(s + 40) & kSubclockAbstime) {
      const uint64_t base = id == kClockRealtime ? w->config->realtime_base_ns : 0;
      deadline = timeout > base ? timeout - base : 0;
    } else {
      deadline = t + timeout < t ? ~uint64_t{0} : t + timeout;
    }
    if (!have_clock || deadline < earliest) earliest = deadline, first = i;
    have_clock = true;
  }
  if (events == 0) {  // only clocks: the earliest one fires, now or after a wait
    uint8_t* e = ev.data;
    std::memset(e, 0, kEventSize);
    std::memcpy(e, sub.data + first * kSubscriptionSize, 8);
    e[10] = kEventClock;
    events = 1;
    put32(ne.data, events);
    const uint64_t t = now_ns(*app);
    if (earliest > t) {
      board::WaitState& ws = app->wait;
      ws = board::WaitState();
      ws.kind = board::Wait::time;
      ws.has_deadline = true;
      ws.deadline_us = (earliest + 999) / 1000;  // never before the deadline
      ws.instance = &ctx.instance();
      ctx.yield();  // hal_poll sets the result (0: success) when the time has come
    }
    return kSuccess;
  }
  put32(ne.data, events);
  return kSuccess;
}

void proc_exit(HostContext& ctx, I code) {
  WasiContext* w;
  if (!enter(ctx, &w)) return;
  w->exited = true;
  w->exit_code = code;
  ctx.trap(kExitMessage);
}

// Pauses the app (PauseReason::host_yield with nothing to wait for: hal_poll answers idle and
// the embedder resumes it when it likes), so a cooperative app lets the firmware run.
int32_t sched_yield(HostContext& ctx) {
  WasiContext* w;
  if (!enter(ctx, &w)) return 0;
  ctx.yield();
  return kSuccess;
}

int32_t random_get(HostContext& ctx, I buf, I len) {
  WasiContext* w;
  MemView m;
  if (!span(ctx, buf, len, &m)) return 0;
  AppHal* app = enter(ctx, &w);
  if (!app) return 0;
  if (!w->config->random) return kNotcapable;
  const pw_board& b = *app->board;
  if (!b.entropy) return kNotsup;
  for (uint32_t at = 0; at < m.size;) {
    const uint32_t n = m.size - at < kMaxChunk ? m.size - at : kMaxChunk;
    const int32_t st = b.entropy->fill(b.entropy_ctx, m.data + at, n);
    if (st < 0) return errno_of(st);
    at += n;
  }
  return kSuccess;
}

}  // namespace
}  // namespace impl

namespace {
// The implemented functions must have the parameters the list gives them.
template <typename... A>
struct Params {};
template <typename R, typename... A>
Params<A...> params_of(R (*)(HostContext&, A...));
using I = uint32_t;
using L = uint64_t;
#define WASI_IMPL(name, ...)                                                                 \
  static_assert(std::is_same<decltype(params_of(&impl::name)), Params<__VA_ARGS__>>::value, \
                #name ": signature differs from wasi_functions.def");
#define WASI_STUB(name, ...)
#include "wasi_functions.def"
#undef WASI_IMPL
#undef WASI_STUB
}  // namespace

const HostFunction kWasiFunctions[kNumWasiFunctions] = {
#define WASI_IMPL(name, ...) host_function<&impl::name>(kModuleName, #name),
#define WASI_STUB(name, ...) host_function<&enosys<__VA_ARGS__>>(kModuleName, #name),
#include "wasi_functions.def"
#undef WASI_IMPL
#undef WASI_STUB
};

bool end_input(WasiContext& w, board::AppHal& app) {
  w.stdin_ended = true;
  board::WaitState& ws = app.wait;
  if (ws.kind != board::Wait::uart || ws.finish != &stdin_finish || !ws.instance) return false;
  Instance& inst = *ws.instance;
  MemView n;
  if (memory_view(inst, w.nread_ptr, 4, &n)) put32(n.data, 0);
  ws = board::WaitState();
  const uint64_t slot = kSuccess;
  return set_yield_results(inst, &slot, 1);
}

void wasi_init(WasiContext& w, board::AppHal& app, const WasiConfig& config) {
  w = WasiContext();
  w.config = &config;
  app.layer = &w;
}

}  // namespace wasi
}  // namespace picowasm
