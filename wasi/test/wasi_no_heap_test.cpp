// No heap after initialisation with WASI on: malloc/free and operator new/delete are replaced by
// the locked heap of test/no_heap/locked_heap.h; the WASI test programs are read first, then each
// runs (load, instantiate, _start, sleeps waited out, unload) over a mock board with the heap
// locked, and its UART output is compared with its hand-written expected file.
//   picowasm-wasi-no-heap-test PROGRAM.wasm EXPECTED.out [PROGRAM.wasm EXPECTED.out]...
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../../test/no_heap/locked_heap.h"
#include "picowasm/wasi.hpp"

namespace {
using namespace picowasm;

alignas(16) uint8_t g_module_buf[4 << 20];
alignas(16) uint8_t g_instance_buf[96 << 20];  // 1024 pages of memory reserved for malloc.wasm
char g_out[1 << 16];
size_t g_out_len = 0;
uint64_t g_now_us = 0;

int32_t uart_write(void*, uint32_t, const uint8_t* data, uint32_t len) {
  if (len > sizeof g_out - g_out_len) return PW_HAL_E_IO;
  std::memcpy(g_out + g_out_len, data, len);
  g_out_len += len;
  return static_cast<int32_t>(len);
}
int32_t uart_read(void*, uint32_t, uint8_t*, uint32_t) {
  return 0;  // no input: end of stdin
}
uint64_t now_us(void*) {
  return ++g_now_us;
}
const pw_uart_driver kUart = {uart_write, uart_read};
const pw_clock_driver kClock = {now_us};
constexpr board::UartGrant kConsole[] = {{0, board::kRead | board::kWrite}};

struct File {
  unsigned char* data = nullptr;
  size_t size = 0;
};
File read_file(const char* path) {
  File f;
  std::FILE* fp = std::fopen(path, "rb");
  if (!fp) return f;
  std::fseek(fp, 0, SEEK_END);
  f.size = static_cast<size_t>(std::ftell(fp));
  std::fseek(fp, 0, SEEK_SET);
  f.data = static_cast<unsigned char*>(std::malloc(f.size + 1));
  if (std::fread(f.data, 1, f.size, fp) != f.size) f.size = 0;
  std::fclose(fp);
  return f;
}

// Runs one program to its end with the heap locked: its exit code, or -1.
int run(const File& wasm, const pw_board& b, const board::Grant& grant,
        const wasi::WasiConfig& config) {
  board::AppHal hal;
  wasi::WasiContext w;
  ModuleConfig mc;
  mc.arena = g_module_buf;
  mc.arena_size = sizeof g_module_buf;
  LoadedModule* module = nullptr;
  if (!load(wasm.data, wasm.size, mc, &module).ok()) return -1;
  board::hal_init(hal, b, grant);
  wasi::wasi_init(w, hal, config);
  InstanceConfig cfg = board::app_config(hal, g_instance_buf, sizeof g_instance_buf,
                                         wasi::kWasiFunctions, wasi::kNumWasiFunctions);
  cfg.limits.memory_pages = 1024;
  cfg.limits.stack_bytes = 1 << 20;
  Instance* inst = nullptr;
  if (!instantiate(*module, cfg, &inst).ok()) return -1;
  FuncInst* entry = find_function(*inst, "_start");
  uint64_t slot = 0;
  CallResult r = start(*inst, kUnlimitedFuel);
  if (r.status == CallStatus::ok && entry) r = call(*inst, entry, &slot, kUnlimitedFuel);
  while (r.status == CallStatus::paused && r.pause == PauseReason::host_yield) {
    while (board::hal_poll(hal, g_now_us) == board::Poll::waiting) g_now_us += 1000;
    r = resume(*inst, &slot, kUnlimitedFuel);
  }
  const int code = r.status == CallStatus::ok ? 0 : wasi::exited(w) ? int(w.exit_code) : -1;
  unload(*inst);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc % 2 == 0) {
    std::fprintf(stderr, "usage: %s PROGRAM.wasm EXPECTED.out...\n", argv[0]);
    return 2;
  }
  const int n = (argc - 1) / 2;
  File wasm[16], expected[16];
  if (n > 16) return 2;
  for (int i = 0; i < n; ++i) {
    wasm[i] = read_file(argv[1 + 2 * i]);
    expected[i] = read_file(argv[2 + 2 * i]);
    if (!wasm[i].data || !expected[i].data) {
      std::fprintf(stderr, "cannot read %s or %s\n", argv[1 + 2 * i], argv[2 + 2 * i]);
      return 2;
    }
  }
  pw_board b{};
  b.uart_ports = 1;
  b.uart = &kUart;
  b.clock = &kClock;
  board::Grant grant;
  grant.uart = kConsole;
  grant.num_uart = 1;
  grant.time = true;
  const char* args[] = {"prog"};
  wasi::WasiConfig config;
  config.argv = args;
  config.argc = 1;
  config.stdin_port = 0;
  config.out = {wasi::Sink::uart, 0, 0};
  config.err = {wasi::Sink::uart, 0, 0};
  config.realtime_base_ns = 1700000000ull * 1000000000ull;  // November 2023
  int failures = 0;
  int codes[16];
  size_t lengths[16];
  static char outputs[16][1 << 16];
  locked_heap::g_locked = true;
  for (int i = 0; i < n; ++i) {
    g_out_len = 0;
    codes[i] = run(wasm[i], b, grant, config);
    lengths[i] = g_out_len;
    std::memcpy(outputs[i], g_out, g_out_len);
  }
  // Self-test: an allocation now is counted (through a pointer the compiler cannot elide).
  void* (*volatile do_malloc)(size_t) = &malloc;
  const unsigned before = locked_heap::g_calls_locked;
  const bool counted = do_malloc(16) == nullptr && locked_heap::g_calls_locked == before + 1;
  locked_heap::g_calls_locked = before;
  locked_heap::g_locked = false;
  if (!counted) {
    std::printf("self-test failed: a locked malloc was not counted\n");
    return 1;
  }
  for (int i = 0; i < n; ++i) {
    const bool same = lengths[i] == expected[i].size &&
                      std::memcmp(outputs[i], expected[i].data, lengths[i]) == 0;
    std::printf("%s: exit %d, output %s\n", argv[1 + 2 * i], codes[i],
                same ? "as expected" : "DIFFERS");
    if (!same || codes[i] != 0) {
      ++failures;
      std::fwrite(outputs[i], 1, lengths[i], stdout);
    }
  }
  std::printf("%d programs, %u heap calls with the heap locked\n", n, locked_heap::g_calls_locked);
  return failures || locked_heap::g_calls_locked ? 1 : 0;
}
