// supervisor.no_heap: the supervisor's run loop never touches the heap. The guests are read and
// loaded first; then, with the heap locked (test/no_heap/locked_heap.h), three apps are added and
// run to the end over a mock board with a clock and a log: a sleeper (parked and woken three
// times), a spinner the watchdog kills and restarts until it gives up, and an app that traps.
//   picowasm-supervisor-no-heap-test SLEEPER.wasm SPIN.wasm TRAPPER.wasm
#include <cstdio>

#include "../../test/no_heap/locked_heap.h"
#include "picowasm/supervisor.hpp"

namespace {

using namespace picowasm;

constexpr size_t kModuleBytes = 64 * 1024;
constexpr size_t kInstanceBytes = 128 * 1024;
constexpr uint32_t kApps = 3;
alignas(16) uint8_t g_modules[kApps][kModuleBytes];
alignas(16) uint8_t g_instances[kApps][kInstanceBytes];

struct Mock {
  uint64_t now_us = 0;
  uint32_t ticks = 0;
  uint64_t tick_times[4] = {};
  uint32_t counts[16] = {};  // per EventKind
  uint32_t kills = 0, traps = 0, returns = 0;
};

uint64_t now_us(void* ctx) {
  return static_cast<Mock*>(ctx)->now_us;
}
int32_t log_write(void* ctx, int32_t, const char* text, uint32_t len) {
  Mock& m = *static_cast<Mock*>(ctx);
  if (len == 4 && std::memcmp(text, "tick", 4) == 0 && m.ticks < 4)
    m.tick_times[m.ticks++] = m.now_us;
  return PW_HAL_OK;
}
const pw_clock_driver kClock = {now_us};
const pw_log_driver kLog = {log_write};

void on_event(void* ctx, const sup::Slot&, const sup::Event& e) {
  Mock& m = *static_cast<Mock*>(ctx);
  ++m.counts[static_cast<uint32_t>(e.kind)];
  if (e.kind != sup::EventKind::ended) return;
  if (e.record->status == PW_RUN_KILLED) ++m.kills;
  if (e.record->status == PW_RUN_TRAP) ++m.traps;
  if (e.record->status == PW_RUN_OK) ++m.returns;
}

bool read_file(const char* path, uint8_t** data, size_t* size) {
  std::FILE* fp = std::fopen(path, "rb");
  if (!fp) return false;
  std::fseek(fp, 0, SEEK_END);
  *size = static_cast<size_t>(std::ftell(fp));
  std::fseek(fp, 0, SEEK_SET);
  *data = static_cast<uint8_t*>(std::malloc(*size));
  const bool ok = *data && std::fread(*data, 1, *size, fp) == *size;
  std::fclose(fp);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 1 + static_cast<int>(kApps)) {
    std::fprintf(stderr, "usage: %s SLEEPER.wasm SPIN.wasm TRAPPER.wasm\n", argv[0]);
    return 2;
  }
  LoadedModule* modules[kApps] = {};
  for (uint32_t i = 0; i < kApps; ++i) {
    uint8_t* bytes = nullptr;
    size_t size = 0;
    ModuleConfig mc;
    mc.arena = g_modules[i];
    mc.arena_size = kModuleBytes;
    if (!read_file(argv[1 + i], &bytes, &size) || !load(bytes, size, mc, &modules[i]).ok()) {
      std::fprintf(stderr, "error: cannot load %s\n", argv[1 + i]);
      return 1;
    }
  }
  static Mock mock;
  pw_board board = {};
  board.clock = &kClock;
  board.clock_ctx = &mock;
  board.log = &kLog;
  board.log_ctx = &mock;
  board::Grant grant;
  grant.time = true;
  grant.log = true;
  static sup::Slot slots[kApps];
  sup::Supervisor s;
  const char* names[kApps] = {"sleeper", "spin", "trapper"};

  locked_heap::lock();
  bool ok = sup::init(s, board, slots, kApps, on_event, &mock).ok();
  for (uint32_t i = 0; i < kApps; ++i) {
    sup::AppSpec spec;
    spec.name = names[i];
    spec.module = modules[i];
    spec.grant = &grant;
    spec.arena = g_instances[i];
    spec.arena_size = kInstanceBytes;
    spec.limits.stack_bytes = 4096;
    spec.limits.call_depth = 16;
    if (i == 1) {
      spec.policy.budget_fuel = 20000;
      spec.policy.restart = sup::Restart::on_failure;
      spec.policy.backoff_us = 1000;
      spec.policy.max_restarts = 2;
    }
    ok = ok && sup::add(s, spec).ok();
  }
  uint32_t calls = 0;
  for (; ok && calls < 10000; ++calls) {
    const sup::RunResult r = sup::run(s, 5000);
    if (r.status == sup::RunStatus::all_done) break;
    if (r.status == sup::RunStatus::idle) {
      if (r.next_wake_us == sup::kNever) break;
      mock.now_us = r.next_wake_us;
    }
  }
  const unsigned heap_calls = locked_heap::unlock();

  // Expected, by hand: ticks at 10, 20, 30 ms; the spinner killed at 0, 1 and 3 ms (back-off
  // 1 ms, then 2 ms) and given up; the trapper trapped at 15 ms.
  const bool ticks_ok = mock.ticks == 3 && mock.tick_times[0] == 10000 &&
                        mock.tick_times[1] == 20000 && mock.tick_times[2] == 30000;
  const uint32_t parked = mock.counts[static_cast<uint32_t>(sup::EventKind::parked)];
  const uint32_t gave_up = mock.counts[static_cast<uint32_t>(sup::EventKind::gave_up)];
  std::printf(
      "supervisor no-heap: %u run() calls, %u heap calls after init; ticks %u, parked %u, "
      "returned %u, killed %u, trapped %u, gave up %u\n",
      calls, heap_calls, mock.ticks, parked, mock.returns, mock.kills, mock.traps, gave_up);
  const bool pass = ok && heap_calls == 0 && ticks_ok && parked == 4 && mock.returns == 1 &&
                    mock.kills == 3 && mock.traps == 1 && gave_up == 1;
  if (!pass) std::fprintf(stderr, "FAIL\n");
  return pass ? 0 : 1;
}
