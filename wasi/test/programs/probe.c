// One WASI call per run, chosen by argv[1]; its errno (or a count) is the exit code, so the
// grant tests (wasi_test.cpp) can see exactly what the guest saw.
#include <string.h>
#include <wasi/api.h>

static char buf[16];

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* op = argv[1];
  __wasi_size_t n = 0;
  if (strcmp(op, "write") == 0) {
    __wasi_ciovec_t iov = {(const uint8_t*)"hi", 2};
    const int e = __wasi_fd_write(1, &iov, 1, &n);
    return e ? e : (int)n + 100;
  }
  if (strcmp(op, "stderr") == 0) {
    __wasi_ciovec_t iov = {(const uint8_t*)"oops", 4};
    const int e = __wasi_fd_write(2, &iov, 1, &n);
    return e ? e : (int)n + 100;
  }
  if (strcmp(op, "read") == 0) {
    __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf};
    const int e = __wasi_fd_read(0, &iov, 1, &n);
    return e ? e : (int)n + 100;
  }
  if (strcmp(op, "clock") == 0) {
    __wasi_timestamp_t t = 0;
    const int e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return e ? e : (int)(t / 1000000) + 100;  // milliseconds since boot
  }
  if (strcmp(op, "random") == 0) return __wasi_random_get((uint8_t*)buf, sizeof buf);
  if (strcmp(op, "sleep") == 0) {  // 5 ms, then the monotonic time in ms
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = 7;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = 5000000;
    __wasi_event_t ev;
    const int e = __wasi_poll_oneoff(&s, &ev, 1, &n);
    if (e || n != 1 || ev.userdata != 7 || ev.error) return e ? e : 99;
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t)) return 98;
    return (int)(t / 1000000) + 100;
  }
  if (strcmp(op, "stub") == 0) return __wasi_fd_renumber(1, 9);
  if (strcmp(op, "path") == 0) {  // no file system on a device
    __wasi_fd_t fd = 0;
    return __wasi_path_open(3, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  }
  if (strcmp(op, "prestat") == 0) {
    __wasi_prestat_t pre;
    return __wasi_fd_prestat_get(3, &pre);
  }
  return 100;
}
