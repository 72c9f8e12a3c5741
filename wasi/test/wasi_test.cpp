// WASI as a capability: a probe program (programs/probe.c) makes one WASI call per run over a
// mock board, and its exit code is the errno (or count) the guest saw. Expected values come from
// the mapping documented in docs/wasi.md and the preview1 errno numbers of wasi-libc's api.h.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "picowasm/board.hpp"
#include "picowasm/wasi.hpp"

namespace picowasm {
namespace {

using board::Class;

struct Mock {
  std::string uart_out[2];
  std::string uart_in;
  std::string uart_later;  // arrives in uart_in at later_us
  uint64_t later_us = 0;
  std::string log;
  int32_t log_level = -1;
  uint64_t now_us = 1000000;
  int entropy_calls = 0;
};

int32_t uart_write(void* ctx, uint32_t port, const uint8_t* data, uint32_t len) {
  static_cast<Mock*>(ctx)->uart_out[port].append(reinterpret_cast<const char*>(data), len);
  return static_cast<int32_t>(len);
}
int32_t uart_read(void* ctx, uint32_t, uint8_t* buf, uint32_t len) {
  Mock& m = *static_cast<Mock*>(ctx);
  if (!m.uart_later.empty() && m.now_us >= m.later_us) {
    m.uart_in += m.uart_later;
    m.uart_later.clear();
  }
  const uint32_t n = len < m.uart_in.size() ? len : static_cast<uint32_t>(m.uart_in.size());
  std::memcpy(buf, m.uart_in.data(), n);
  m.uart_in.erase(0, n);
  return static_cast<int32_t>(n);
}
uint64_t now_us(void* ctx) {
  return static_cast<Mock*>(ctx)->now_us;
}
int32_t log_write(void* ctx, int32_t level, const char* text, uint32_t len) {
  Mock& m = *static_cast<Mock*>(ctx);
  m.log.append(text, len);
  m.log_level = level;
  return PW_HAL_OK;
}
int32_t fill(void* ctx, uint8_t* buf, uint32_t len) {
  ++static_cast<Mock*>(ctx)->entropy_calls;
  std::memset(buf, 0xA5, len);
  return PW_HAL_OK;
}
const pw_uart_driver kUart = {uart_write, uart_read};
const pw_clock_driver kClock = {now_us};
const pw_log_driver kLog = {log_write};
const pw_entropy_driver kEntropy = {fill};

std::vector<uint8_t> read_probe() {
  std::ifstream f(PICOWASM_WASI_PROBE, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

struct AuditLog {
  std::vector<board::AuditEvent> events;
  static void record(void* ctx, const board::AuditEvent& e) {
    static_cast<AuditLog*>(ctx)->events.push_back(e);
  }
};

class Wasi : public ::testing::Test {
 protected:
  Wasi() : bytes_(read_probe()), module_buf_(4 << 20), instance_buf_(8 << 20) {
    board_.uart_ports = 2;
    board_.uart = &kUart;
    board_.uart_ctx = &mock_;
    board_.clock = &kClock;
    board_.clock_ctx = &mock_;
    board_.log = &kLog;
    board_.log_ctx = &mock_;
    board_.entropy = &kEntropy;
    board_.entropy_ctx = &mock_;
    config_.stdin_port = 0;
    config_.out = {wasi::Sink::uart, 0, 0};
    config_.err = {wasi::Sink::uart, 1, 0};
  }

  // Runs the probe with argv[1] = op to its end (waiting out sleeps on the mock clock): the
  // exit code, or -1 if it trapped without proc_exit.
  int run(const char* op) {
    EXPECT_FALSE(bytes_.empty()) << PICOWASM_WASI_PROBE;
    ModuleConfig mc;
    mc.arena = module_buf_.data();
    mc.arena_size = module_buf_.size();
    LoadedModule* module = nullptr;
    EXPECT_TRUE(load(bytes_.data(), bytes_.size(), mc, &module).ok());
    if (!module) return -2;
    argv_[0] = "probe";
    argv_[1] = op;
    config_.argv = argv_;
    config_.argc = 2;
    board::hal_init(hal_, board_, grant_);
    hal_.audit = &AuditLog::record;
    hal_.audit_ctx = &audit_;
    revoke_(hal_);
    if (with_wasi_) wasi::wasi_init(w_, hal_, config_);
    InstanceConfig cfg = board::app_config(hal_, instance_buf_.data(), instance_buf_.size(),
                                           wasi::kWasiFunctions, wasi::kNumWasiFunctions);
    cfg.limits.stack_bytes = 64 << 10;
    Instance* inst = nullptr;
    const Error e = instantiate(*module, cfg, &inst);
    EXPECT_TRUE(e.ok()) << error_message(e.code);
    if (!inst) return -2;
    uint64_t slot = 0;
    CallResult r = start(*inst, kUnlimitedFuel);
    if (r.status == CallStatus::ok) r = call(*inst, find_function(*inst, "_start"), &slot, 1000000000);
    while (r.status == CallStatus::paused && r.pause == PauseReason::host_yield) {
      ++pauses_;
      waits_.push_back(board::hal_wait_state(hal_));
      while (board::hal_poll(hal_, mock_.now_us) == board::Poll::waiting) {
        ++polls_;
        mock_.now_us += 1000;  // 1 ms of board time per poll
        if (end_input_at_ && mock_.now_us >= end_input_at_ && wasi::end_input(w_, hal_)) break;
      }
      r = resume(*inst, &slot, 1000000000);
    }
    trap_message_ = "";
    if (r.status == CallStatus::trap) {
      const TrapReport rep = trap_report(*inst);
      trap_message_ = rep.host_message ? rep.host_message : "";
    }
    const int out = r.status == CallStatus::ok              ? 0
                    : wasi::exited(w_) && with_wasi_        ? static_cast<int>(w_.exit_code)
                                                            : -1;
    unload(*inst);
    return out;
  }

  std::vector<uint8_t> bytes_;
  std::vector<uint8_t> module_buf_, instance_buf_;
  Mock mock_;
  pw_board board_{};
  board::Grant grant_;
  board::AppHal hal_;
  wasi::WasiConfig config_;
  wasi::WasiContext w_;
  const char* argv_[2] = {};
  AuditLog audit_;
  void (*revoke_)(board::AppHal&) = [](board::AppHal&) {};
  bool with_wasi_ = true;
  int pauses_ = 0, polls_ = 0;
  std::vector<board::WaitState> waits_;  // what the app waited for at each pause
  uint64_t end_input_at_ = 0;            // the embedding ends stdin then (0: never)
  std::string trap_message_;
};

constexpr board::UartGrant kWrite0[] = {{0, board::kWrite}};
constexpr board::UartGrant kRead0[] = {{0, board::kRead}};
constexpr board::UartGrant kRead1[] = {{1, board::kRead | board::kWrite}};

TEST_F(Wasi, StdoutNeedsTheUartWriteGrant) {
  EXPECT_EQ(run("write"), wasi::kNotcapable);  // 76: nothing granted
  EXPECT_EQ(mock_.uart_out[0], "");
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::uart)].denied, 1u);
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].cls, Class::uart);
  EXPECT_EQ(audit_.events[0].status, PW_HAL_E_DENIED);
  grant_.uart = kRead0;  // a read grant is not a write grant
  grant_.num_uart = 1;
  EXPECT_EQ(run("write"), wasi::kNotcapable);
  grant_.uart = kRead1;  // nor is one on another port
  EXPECT_EQ(run("write"), wasi::kNotcapable);
  grant_.uart = kWrite0;
  EXPECT_EQ(run("write"), 102);  // 2 bytes written
  EXPECT_EQ(mock_.uart_out[0], "hi");
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::uart)].calls, 1u);
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::uart)].denied, 0u);
}

TEST_F(Wasi, RevokedRateLimitedAndTrapOnDenial) {
  grant_.uart = kWrite0;
  grant_.num_uart = 1;
  revoke_ = [](board::AppHal& h) { board::revoke(h, board::class_bit(Class::uart)); };
  EXPECT_EQ(run("write"), wasi::kAcces);  // 2
  revoke_ = [](board::AppHal&) {};
  grant_.rate[static_cast<uint32_t>(Class::uart)].bytes_per_s = 1;  // "hi" never fits
  EXPECT_EQ(run("write"), wasi::kAgain);                            // 6
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::uart)].rate_limited, 1u);
  grant_.rate[static_cast<uint32_t>(Class::uart)].bytes_per_s = 0;
  grant_.num_uart = 0;
  grant_.trap_on_denial = true;
  EXPECT_EQ(run("write"), -1);
  EXPECT_EQ(trap_message_, "denied: pw_uart");
}

TEST_F(Wasi, StderrToTheLogNeedsTheLogGrant) {
  config_.err = {wasi::Sink::log, 0, 1};
  EXPECT_EQ(run("stderr"), wasi::kNotcapable);
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::log)].denied, 1u);
  grant_.log = true;
  EXPECT_EQ(run("stderr"), 104);
  EXPECT_EQ(mock_.log, "oops");
  EXPECT_EQ(mock_.log_level, 1);
  config_.err = {wasi::Sink::none, 0, 0};  // not configured: the fd is not open
  EXPECT_EQ(run("stderr"), wasi::kBadf);
}

TEST_F(Wasi, StdinReadsTheUartReadGrant) {
  mock_.uart_in = "abc";
  EXPECT_EQ(run("read"), wasi::kNotcapable);
  EXPECT_EQ(mock_.uart_in, "abc");  // the driver never ran
  grant_.uart = kRead0;
  grant_.num_uart = 1;
  EXPECT_EQ(run("read"), 103);
  config_.stdin_port = -1;
  EXPECT_EQ(run("read"), wasi::kBadf);
}

// A device's stdin (stdin_waits): fd_read with no UART byte pauses the app in the board's wait
// primitive (Wait::uart on the stdin port, no deadline) instead of reading end of input, and
// hal_poll resumes it when the bytes come: here 7 ms after the call on the mock clock.
TEST_F(Wasi, StdinWaitsForUartDataOnADevice) {
  grant_.uart = kRead0;
  grant_.num_uart = 1;
  EXPECT_EQ(run("read"), 100);  // a host stream: nothing there is end of input
  EXPECT_EQ(pauses_, 0);
  config_.stdin_waits = true;
  mock_.uart_later = "late";
  mock_.later_us = 1007000;
  EXPECT_EQ(run("read"), 104);
  EXPECT_EQ(pauses_, 1);
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0].kind, board::Wait::uart);
  EXPECT_EQ(waits_[0].resource, 0u);
  EXPECT_FALSE(waits_[0].has_deadline);
  EXPECT_EQ(polls_, 7);  // waiting at 1.000 .. 1.006 s
  EXPECT_EQ(mock_.now_us, 1007000u);
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::uart)].calls, 1u);  // one gated call
}

TEST_F(Wasi, StdinEndsAtTheEofByteOrWhenTheEmbeddingSaysSo) {
  grant_.uart = kRead0;
  grant_.num_uart = 1;
  config_.stdin_waits = true;
  config_.stdin_eof = 4;
  mock_.uart_in = "ab\4cd";     // \4: ^D
  EXPECT_EQ(run("read"), 102);  // the bytes before ^D
  EXPECT_EQ(pauses_, 0);
  end_input_at_ = 1003000;  // no data ever: the embedding ends the input at 1.003 s
  EXPECT_EQ(run("read"), 100);
  EXPECT_EQ(pauses_, 1);
  EXPECT_EQ(polls_, 3);
  EXPECT_TRUE(w_.stdin_ended);
}

// No file system on a device: no preopen (EBADF ends wasi-libc's scan), paths answer ENOSYS.
TEST_F(Wasi, PathsAnswerEnosysWithoutAFileSystem) {
  EXPECT_EQ(run("prestat"), wasi::kBadf);
  EXPECT_EQ(run("path"), wasi::kNosys);
}

TEST_F(Wasi, ClocksAndSleepNeedTheTimeGrant) {
  EXPECT_EQ(run("clock"), wasi::kNotcapable);
  EXPECT_EQ(run("sleep"), wasi::kNotcapable);
  EXPECT_EQ(hal_.stats[static_cast<uint32_t>(Class::time)].denied, 1u);
  grant_.time = true;
  EXPECT_EQ(run("clock"), 100 + 1000);  // the mock clock starts at 1 s
  // A 5 ms sleep pauses the instance (never blocks) and ends at 1.005 s of board time: polled
  // 5 times 1 ms apart while waiting.
  EXPECT_EQ(run("sleep"), 100 + 1005);
  EXPECT_EQ(pauses_, 1);
  EXPECT_EQ(polls_, 5);
  board_.clock = nullptr;
  EXPECT_EQ(run("clock"), wasi::kNotsup);
}

TEST_F(Wasi, RandomNeedsTheConfigAndAnEntropyDriver) {
  EXPECT_EQ(run("random"), wasi::kNotcapable);
  EXPECT_EQ(mock_.entropy_calls, 0);
  config_.random = true;
  EXPECT_EQ(run("random"), 0);
  EXPECT_EQ(mock_.entropy_calls, 1);
  board_.entropy = nullptr;
  EXPECT_EQ(run("random"), wasi::kNotsup);
}

TEST_F(Wasi, StubsAnswerEnosysAndStateIsRequired) {
  EXPECT_EQ(run("stub"), wasi::kNosys);
  with_wasi_ = false;  // an instance whose AppHal has no WASI layer: its calls trap
  EXPECT_EQ(run("write"), -1);
  EXPECT_EQ(trap_message_, "wasi: instance has no WASI state");
}

TEST(WasiTable, EveryPreview1FunctionOnceInItsModule) {
  for (size_t i = 0; i < wasi::kNumWasiFunctions; ++i) {
    EXPECT_STREQ(wasi::kWasiFunctions[i].module, "wasi_snapshot_preview1");
    for (size_t j = 0; j < i; ++j)
      EXPECT_STRNE(wasi::kWasiFunctions[i].name, wasi::kWasiFunctions[j].name);
  }
  // 46 functions in wasi_snapshot_preview1 (witx of the snapshot, as wasi-libc's api.h lists).
  EXPECT_EQ(wasi::kNumWasiFunctions, 46u);
}

TEST(WasiErrno, HalStatusMapping) {
  EXPECT_EQ(wasi::errno_of(PW_HAL_OK), 0);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_DENIED), 76);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_REVOKED), 2);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_RATE_LIMITED), 6);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_INVALID), 28);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_NOT_PRESENT), 43);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_NOT_SUPPORTED), 58);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_BUSY), 10);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_TIMEOUT), 73);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_IO), 29);
  EXPECT_EQ(wasi::errno_of(PW_HAL_E_NACK), 29);
}

}  // namespace
}  // namespace picowasm
