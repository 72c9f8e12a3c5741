// The virtual board: its device models against their datasheets and QEMU's models (expected bytes
// worked out by hand), its GPIO edges, UART script and clock, and apps run by AppRunner: the
// board-specific relay class (grant, denial, link refusal, stubs, trap on denial, rate limit,
// revocation at a virtual time), waits ended by scripted events or timeouts, and grant specs.
#include "picowasm/virtual_board.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "board_test_util.h"

namespace {

using namespace picowasm;
using namespace picowasm::vboard;
using board_test::Bytes;
using board_test::Loaded;
using board_test::wat;

// ---- TMP105 ------------------------------------------------------------------------------------

// A register read as the HAL's write_read does it: pointer byte, repeated START, n bytes.
std::vector<uint8_t> read_reg(I2cTarget& t, uint8_t reg, int n) {
  t.start(false);
  t.send(reg);
  t.start(true);
  std::vector<uint8_t> out;
  for (int i = 0; i < n; ++i) out.push_back(t.receive());
  t.stop();
  return out;
}
void write_bytes(I2cTarget& t, std::vector<uint8_t> bytes) {
  t.start(false);
  for (uint8_t b : bytes) t.send(b);
  t.stop();
}
using B = std::vector<uint8_t>;

TEST(Tmp105, ResetValues) {
  Tmp105 s;
  EXPECT_EQ(read_reg(s, 1, 1), B({0x00}));        // config 0: 9-bit resolution
  EXPECT_EQ(read_reg(s, 2, 2), B({0x4B, 0x00}));  // T_low 75.0 C
  EXPECT_EQ(read_reg(s, 3, 2), B({0x50, 0x00}));  // T_high 80.0 C
  EXPECT_EQ(read_reg(s, 0, 2), B({0x00, 0x00}));  // 0 C
}

TEST(Tmp105, TemperatureAtEachResolution) {
  Tmp105 s;
  // 25.0 C = 0x1900 in 8.8 fixed point.
  ASSERT_TRUE(s.set_temperature(25000));
  EXPECT_EQ(read_reg(s, 0, 2), B({0x19, 0x00}));
  // 21.0625 C: 21063 mC * 256 / 1000 = 5392.1 -> 5392 = 0x1510. 9 bits keep 0x80 of the low byte
  // (21.0 C), 12 bits keep 0xF0 (21.0625 C).
  ASSERT_TRUE(s.set_temperature(21063));
  EXPECT_EQ(read_reg(s, 0, 2), B({0x15, 0x00}));
  write_bytes(s, {1, 0x60});  // R1 R0 = 11: 12 bits
  EXPECT_EQ(s.config(), 0x60);
  EXPECT_EQ(read_reg(s, 0, 2), B({0x15, 0x10}));
  // 21.8 C = 5580 = 0x15CC: 10 bits (R = 01) keep 0xC0, 11 bits (R = 10) 0xE0.
  ASSERT_TRUE(s.set_temperature(21800));
  write_bytes(s, {1, 0x20});
  EXPECT_EQ(read_reg(s, 0, 2), B({0x15, 0xC0}));
  write_bytes(s, {1, 0x40});
  EXPECT_EQ(read_reg(s, 0, 2), B({0x15, 0xC0 & 0xE0}));
}

TEST(Tmp105, NegativeTemperatures) {
  Tmp105 s;
  // -10.5 C = -2688 = 0xF580: 12-bit value 0xF58 = -168 sixteenths.
  ASSERT_TRUE(s.set_temperature(-10500));
  EXPECT_EQ(read_reg(s, 0, 2), B({0xF5, 0x80}));
  // -0.0625 C at 12 bits: -63 mC * 256 / 1000 = -16.1 -> -16 (toward zero) = 0xFFF0.
  write_bytes(s, {1, 0x60});
  ASSERT_TRUE(s.set_temperature(-63));
  EXPECT_EQ(read_reg(s, 0, 2), B({0xFF, 0xF0}));
  // -40 C = -10240 = 0xD800.
  ASSERT_TRUE(s.set_temperature(-40000));
  EXPECT_EQ(read_reg(s, 0, 2), B({0xD8, 0x00}));
  // QEMU's property range: [-128 C, 128 C).
  EXPECT_TRUE(s.set_temperature(-128000));
  EXPECT_FALSE(s.set_temperature(128000));
  EXPECT_FALSE(s.set_temperature(-128001));
}

TEST(Tmp105, PointerLimitsAndExtraBytes) {
  Tmp105 s;
  write_bytes(s, {3, 0x12, 0x34});  // T_high = 0x1234
  EXPECT_EQ(s.limit(1), 0x1234);
  write_bytes(s, {2, 0x55});  // one byte of T_low: not written (both must arrive)
  EXPECT_EQ(s.limit(0), 0x4B00);
  // The pointer stays: a plain read starts at the last register addressed (T_low).
  s.start(true);
  EXPECT_EQ(s.receive(), 0x4B);
  EXPECT_EQ(s.receive(), 0x00);
  EXPECT_EQ(s.receive(), 0xFF);  // beyond the two-byte register
  s.stop();
  // Only the low two bits of the pointer select the register: 0xFD & 3 = 1, config.
  EXPECT_EQ(read_reg(s, 0xFD, 1), B({0x00}));
  // The temperature register is read-only.
  ASSERT_TRUE(s.set_temperature(25000));
  write_bytes(s, {0, 0x00, 0x00});
  EXPECT_EQ(read_reg(s, 0, 2), B({0x19, 0x00}));
}

// ---- EEPROM
// --------------------------------------------------------------------------------------

TEST(Eeprom, PageWriteWrapsWithinThePage) {
  Eeprom e;
  EXPECT_EQ(read_reg(e, 0x00, 2), B({0xFF, 0xFF}));  // erased
  // Four bytes from 0x06 in the page 0x00-0x07: 0x06, 0x07, then back to 0x00, 0x01.
  write_bytes(e, {0x06, 0xA1, 0xA2, 0xA3, 0xA4});
  EXPECT_EQ(e.data()[6], 0xA1);
  EXPECT_EQ(e.data()[7], 0xA2);
  EXPECT_EQ(e.data()[0], 0xA3);
  EXPECT_EQ(e.data()[1], 0xA4);
  EXPECT_EQ(e.data()[8], 0xFF);                            // the next page untouched
  EXPECT_EQ(read_reg(e, 0x06, 3), B({0xA1, 0xA2, 0xFF}));  // reads cross pages
}

TEST(Eeprom, SequentialReadRollsOverAt256) {
  Eeprom e;
  write_bytes(e, {0xFF, 0x11});
  write_bytes(e, {0x00, 0x22});
  EXPECT_EQ(read_reg(e, 0xFF, 2), B({0x11, 0x22}));
  // A current-address read continues where the last one stopped.
  e.start(true);
  EXPECT_EQ(e.receive(), 0xFF);  // address 0x01
  EXPECT_EQ(e.pointer(), 0x02);
}

// ---- Serial flash
// -----------------------------------------------------------------------------------

B spi(SerialFlash& f, B tx) {
  f.select();
  B rx;
  for (uint8_t b : tx) rx.push_back(f.transfer(b));
  return rx;
}

TEST(SerialFlash, JedecIdOfM25p80) {
  SerialFlash f;
  // QEMU's m25p80 table: 0x202014; six ID bytes answered, then idle (NOP) zeros.
  EXPECT_EQ(spi(f, {0x9F, 0, 0, 0, 0, 0, 0, 0}), B({0, 0x20, 0x20, 0x14, 0, 0, 0, 0}));
  // Chip select starts a new command each time.
  EXPECT_EQ(spi(f, {0x9F, 0, 0, 0}), B({0, 0x20, 0x20, 0x14}));
}

TEST(SerialFlash, ReadWithAddressAndWrap) {
  SerialFlash f;
  const uint8_t data[] = {1, 2, 3};
  f.load(0x012345, data, 3);
  EXPECT_EQ(spi(f, {0x03, 0x01, 0x23, 0x45, 0, 0, 0, 0}), B({0, 0, 0, 0, 1, 2, 3, 0xFF}));
  // The last byte of the 1 MiB, then address 0 again; the address's top bits beyond 1 MiB drop.
  f.load(0, data, 1);
  EXPECT_EQ(spi(f, {0x03, 0xFF, 0xFF, 0xFF, 0, 0}), B({0, 0, 0, 0, 0xFF, 1}));
  // A command the model does not have answers zeros.
  EXPECT_EQ(spi(f, {0x05, 0, 0}), B({0, 0, 0}));
}

// ---- Board: GPIO, UART, clock
// ----------------------------------------------------------------------

TEST(VirtualBoard, ButtonEdgesLatchWhenWatched) {
  VirtualBoard vb;
  vb.gpio_configure(3, 0);
  ScriptEvent e;
  e.kind = ScriptEvent::Kind::pin_level;
  e.target = 3;
  e.value = 1;
  e.time_us = 100;
  vb.schedule(e);
  e.value = 0;
  e.time_us = 200;
  vb.schedule(e);
  vb.gpio_watch_edge(3, 2);  // falling only
  vb.advance_to(150);
  EXPECT_EQ(vb.gpio_read(3), 1);
  EXPECT_EQ(vb.gpio_edges(3), 0);  // the rise was not watched
  vb.advance_to(250);
  EXPECT_EQ(vb.gpio_edges(3), 2);
  EXPECT_EQ(vb.now_us(), 250u);
  vb.gpio_watch_edge(3, 0);  // re-arming clears the latch
  EXPECT_EQ(vb.gpio_edges(3), 0);
  // Pull-up reads high without a button; an output reads its latch.
  vb.gpio_configure(4, 1);
  EXPECT_EQ(vb.gpio_read(4), 1);
  vb.gpio_configure(5, 3);
  vb.gpio_toggle(5);
  EXPECT_EQ(vb.gpio_read(5), 1);
}

TEST(VirtualBoard, UartInputArrivesAtItsTimeAndClockStepsPerOperation) {
  VirtualBoard vb;
  ScriptEvent e;
  e.kind = ScriptEvent::Kind::uart_input;
  e.bytes = "hi";
  e.time_us = 1000;
  vb.schedule(e);
  uint8_t buf[4];
  EXPECT_EQ(vb.uart_read(0, buf, 4), 0);
  vb.advance_to(1000);
  EXPECT_EQ(vb.uart_read(0, buf, 1), 1);
  EXPECT_EQ(buf[0], 'h');
  vb.set_us_per_op(7);
  EXPECT_EQ(vb.uart_read(0, buf, 4), 1);
  EXPECT_EQ(buf[0], 'i');
  EXPECT_EQ(vb.now_us(), 1007u);  // one step after the operation
  ASSERT_EQ(vb.trace().size(), 2u);
  EXPECT_EQ(format_trace(vb.trace()[0]), "t=1000 uart 0 read value=1 text=\"h\"");
  EXPECT_EQ(format_trace(vb.trace()[1]), "t=1000 uart 0 read value=1 text=\"i\"");
}

TEST(VirtualBoard, EntropyIsReproduciblePerSeed) {
  VirtualBoard a, b, c;
  a.set_entropy_seed(42);
  b.set_entropy_seed(42);
  c.set_entropy_seed(43);
  uint8_t x[16], y[16], z[16];
  const pw_board& board = a.board();
  ASSERT_NE(board.entropy, nullptr);
  EXPECT_EQ(board.entropy->fill(board.entropy_ctx, x, sizeof x), PW_HAL_OK);
  b.entropy_fill(y, sizeof y);
  c.entropy_fill(z, sizeof z);
  EXPECT_EQ(B(x, x + 16), B(y, y + 16));
  EXPECT_NE(B(x, x + 16), B(z, z + 16));
  EXPECT_NE(B(x, x + 8), B(x + 8, x + 16));  // the stream moves on
}

TEST(VirtualBoard, TraceIsBounded) {
  VirtualBoard vb;
  vb.gpio_configure(1, 3);
  for (size_t i = 0; i < kMaxTraceEntries + 10; ++i) vb.gpio_toggle(1);
  EXPECT_EQ(vb.trace().size(), kMaxTraceEntries);
  EXPECT_EQ(vb.trace_dropped(), 11u);  // the configure took one entry
}

// ---- Apps on the board
// -------------------------------------------------------------------------------

// A guest: pw_main's body in WAT with the relay, GPIO and time imports.
Bytes guest(const std::string& body, const std::string& locals = "") {
  return wat(R"((module
  (import "pw_board_relay" "set" (func $set (param i32 i32) (result i32)))
  (import "pw_gpio" "configure" (func $configure (param i32 i32) (result i32)))
  (import "pw_gpio" "wait_edge" (func $wait_edge (param i32 i32 i64) (result i32)))
  (import "pw_time" "now_us" (func $now (result i64)))
  (import "pw_time" "sleep_us" (func $sleep (param i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "pw_main") (result i32) )" +
             locals + "\n" + body + "))");
}

struct AppRun {
  explicit AppRun(const Bytes& bytes) : loaded(bytes) {}
  RunOutcome go(GrantSet& grants, RunConfig config = RunConfig()) {
    runner.reset(new AppRunner(vb, grants.grant()));
    return runner->run(*loaded.module, config);
  }
  uint32_t mem32(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, instance_memory(*runner->instance()).data + at, 4);
    return v;
  }
  Loaded loaded;
  VirtualBoard vb;
  std::unique_ptr<AppRunner> runner;
};

GrantSet* grants(GrantSet* g, std::vector<std::string> specs) {
  for (const std::string& s : specs) {
    std::string error;
    EXPECT_TRUE(g->add(s, &error)) << error;
  }
  return g;
}

TEST(BoardClass, RelayGrantedDeniedAndNotPresent) {
  // set(0), set(2) granted; set(1) DENIED; set(9) NOT_PRESENT (presence comes before the grant).
  AppRun r(guest(R"(
    (i32.store (i32.const 0) (call $set (i32.const 0) (i32.const 1)))
    (i32.store (i32.const 4) (call $set (i32.const 1) (i32.const 1)))
    (i32.store (i32.const 8) (call $set (i32.const 9) (i32.const 1)))
    (i32.store (i32.const 12) (call $set (i32.const -1) (i32.const 1)))
    (i32.const 7))"));
  GrantSet g;
  grants(&g, {"board:relay:0,2", "gpio:0", "time"});
  const RunOutcome out = r.go(g);
  ASSERT_EQ(out.status, RunStatus::ok) << out.message;
  EXPECT_EQ(out.exit_code, 7);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(0)), PW_HAL_OK);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(4)), PW_HAL_E_DENIED);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(8)), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(12)), PW_HAL_E_INVALID);
  EXPECT_TRUE(r.vb.relay(0));
  EXPECT_FALSE(r.vb.relay(1));
  const board::ClassStats& s = r.runner->hal().stats[board::kNumClasses + kRelayClass];
  EXPECT_EQ(s.calls, 4u);
  EXPECT_EQ(s.denied, 1u);
}

TEST(BoardClass, LinkRefusalStubsAndTrapOnDenial) {
  const Bytes app = guest("(call $set (i32.const 0) (i32.const 1))");
  {
    AppRun r(app);
    GrantSet g;
    grants(&g, {"gpio:0", "time"});
    const RunOutcome out = r.go(g);
    ASSERT_EQ(out.status, RunStatus::link_error);
    EXPECT_EQ(out.link.missing, board::board_class(kRelayClass));
    EXPECT_STREQ(board::class_module(r.runner->hal(), out.link.missing), "pw_board_relay");
    EXPECT_TRUE(out.link.import->module.equals("pw_board_relay", 14));
  }
  {
    AppRun r(app);
    GrantSet g;
    grants(&g, {"gpio:0", "time"});
    RunConfig c;
    c.link = board::Link::stub_denied;
    const RunOutcome out = r.go(g, c);
    ASSERT_EQ(out.status, RunStatus::ok);
    EXPECT_EQ(out.exit_code, PW_HAL_E_DENIED);
  }
  {
    AppRun r(app);
    GrantSet g;
    grants(&g, {"gpio:0", "time", "board:relay:1"});
    g.set_trap_on_denial(true);
    const RunOutcome out = r.go(g);
    ASSERT_EQ(out.status, RunStatus::trap);
    EXPECT_STREQ(trap_report(*r.runner->instance()).host_message, "denied: pw_board_relay");
  }
}

// Five calls of set(0) a second apart, the statuses stored at 0, 4, ... 16.
const char* kFiveSeconds = R"(
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (i32.store (i32.shl (local.get $i) (i32.const 2))
                 (call $set (i32.const 0) (local.get $i)))
      (drop (call $sleep (i64.const 1000000)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 5)))))
    (i32.const 0))";

TEST(BoardClass, AuditedLikeBuiltInClasses) {
  // A denied relay, a rate-limited one and a denied GPIO pin reach the audit callback.
  AppRun r(guest(R"(
    (drop (call $set (i32.const 3) (i32.const 1)))
    (drop (call $set (i32.const 0) (i32.const 1)))
    (drop (call $set (i32.const 0) (i32.const 0)))
    (drop (call $configure (i32.const 7) (i32.const 3)))
    (i32.const 0))"));
  GrantSet g;
  grants(&g, {"board:relay:0", "gpio:0", "time", "rate:relay:1/s"});
  std::vector<board::AuditEvent> events;
  RunConfig c;
  c.audit = [](void* ctx, const board::AuditEvent& e) {
    static_cast<std::vector<board::AuditEvent>*>(ctx)->push_back(e);
  };
  c.audit_ctx = &events;
  ASSERT_EQ(r.go(g, c).status, RunStatus::ok);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].cls, board::board_class(kRelayClass));
  EXPECT_EQ(events[0].status, PW_HAL_E_DENIED);
  EXPECT_EQ(events[0].resource, 3u);
  EXPECT_EQ(events[1].cls, board::board_class(kRelayClass));
  EXPECT_EQ(events[1].status, PW_HAL_E_RATE_LIMITED);
  EXPECT_EQ(events[2].cls, board::Class::gpio);
  EXPECT_EQ(events[2].resource, 7u);
}

TEST(BoardClass, RevokedAtAVirtualTime) {
  // Calls at t = 0, 1, 2, 3, 4 s; the relay class is revoked at 2.5 s.
  AppRun r(guest(kFiveSeconds, "(local $i i32)"));
  ScriptEvent e;
  e.kind = ScriptEvent::Kind::revoke;
  e.target = board::class_bit(board::board_class(kRelayClass));
  e.time_us = 2500000;
  r.vb.schedule(e);
  GrantSet g;
  grants(&g, {"board:relay", "gpio:0", "time"});
  const RunOutcome out = r.go(g);
  ASSERT_EQ(out.status, RunStatus::ok) << out.message;
  const int32_t want[] = {0, 0, 0, PW_HAL_E_REVOKED, PW_HAL_E_REVOKED};
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(static_cast<int32_t>(r.mem32(4 * i)), want[i]) << i;
  EXPECT_EQ(r.vb.now_us(), 5000000u);
  EXPECT_EQ(r.runner->hal().stats[board::kNumClasses + kRelayClass].denied, 2u);
}

TEST(BoardClass, RateLimitedAgainstTheVirtualClock) {
  // rate:relay:1/s: a bucket of one token (burst = rate), refilled at one token a second.
  AppRun r(guest(R"(
    (i32.store (i32.const 0) (call $set (i32.const 0) (i32.const 1)))
    (i32.store (i32.const 4) (call $set (i32.const 0) (i32.const 1)))
    (drop (call $sleep (i64.const 500000)))
    (i32.store (i32.const 8) (call $set (i32.const 0) (i32.const 1)))
    (drop (call $sleep (i64.const 500000)))
    (i32.store (i32.const 12) (call $set (i32.const 0) (i32.const 1)))
    (i32.const 0))"));
  GrantSet g;
  grants(&g, {"board:relay", "gpio:0", "time", "rate:relay:1/s"});
  const RunOutcome out = r.go(g);
  ASSERT_EQ(out.status, RunStatus::ok) << out.message;
  // t=0: the one token; t=0 again: none; t=0.5 s: half a token; t=1 s: one again.
  EXPECT_EQ(static_cast<int32_t>(r.mem32(0)), PW_HAL_OK);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(4)), PW_HAL_E_RATE_LIMITED);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(8)), PW_HAL_E_RATE_LIMITED);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(12)), PW_HAL_OK);
  EXPECT_EQ(r.runner->hal().stats[board::kNumClasses + kRelayClass].rate_limited, 2u);
}

TEST(AppRunner, EdgeWaitEndsAtTheScriptedPressThenTimesOut) {
  // wait_edge(3, rising, 1 s) twice; statuses and the times they returned at.
  AppRun r(guest(R"(
    (drop (call $configure (i32.const 3) (i32.const 0)))
    (i32.store (i32.const 0) (call $wait_edge (i32.const 3) (i32.const 1) (i64.const 1000000)))
    (i64.store (i32.const 8) (call $now))
    (i32.store (i32.const 4) (call $wait_edge (i32.const 3) (i32.const 1) (i64.const 1000000)))
    (i64.store (i32.const 16) (call $now))
    (i32.const 0))"));
  ScriptEvent e;
  e.kind = ScriptEvent::Kind::pin_level;
  e.target = 3;
  e.value = 1;
  e.time_us = 250000;
  r.vb.schedule(e);
  GrantSet g;
  grants(&g, {"gpio:3:in", "time", "board:relay"});
  const RunOutcome out = r.go(g);
  ASSERT_EQ(out.status, RunStatus::ok) << out.message;
  EXPECT_EQ(static_cast<int32_t>(r.mem32(0)), PW_HAL_OK);
  EXPECT_EQ(r.mem32(8), 250000u);
  EXPECT_EQ(static_cast<int32_t>(r.mem32(4)), PW_HAL_E_TIMEOUT);
  EXPECT_EQ(r.mem32(16), 1250000u);
}

TEST(AppRunner, WaitingForeverStallsAndFuelRunsOut) {
  AppRun r(guest(R"(
    (drop (call $configure (i32.const 3) (i32.const 0)))
    (call $wait_edge (i32.const 3) (i32.const 1) (i64.const -1)))"));
  GrantSet g;
  grants(&g, {"gpio:3:in", "time", "board:relay"});
  const RunOutcome out = r.go(g);
  EXPECT_EQ(out.status, RunStatus::stalled);
  EXPECT_NE(out.message.find("an edge on GPIO pin 3"), std::string::npos) << out.message;

  AppRun spin(guest("(loop $l (br $l)) (i32.const 0)"));
  RunConfig c;
  c.fuel = 1000;
  const RunOutcome o2 = spin.go(g, c);
  EXPECT_EQ(o2.status, RunStatus::out_of_fuel);
  EXPECT_EQ(o2.fuel_used, 1000u);
}

TEST(AppRunner, PeripheralsThroughTheHal) {
  // Through the HAL functions: an I2C write to 0x49 (nobody there), the EEPROM at 0x50 written and
  // read back, the flash's JEDEC ID over SPI, a scripted ADC sample, a PWM setting. Buffers: tx at
  // 64 and 80, rx at 128 and 132; statuses stored at 0, 4, ...
  const Bytes app = wat(R"((module
  (import "pw_i2c" "write" (func $i2c_write (param i32 i32 i32 i32) (result i32)))
  (import "pw_i2c" "write_read" (func $i2c_wr (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "pw_spi" "transfer" (func $spi (param i32 i32 i32 i32 i32) (result i32)))
  (import "pw_adc" "read" (func $adc (param i32) (result i32)))
  (import "pw_pwm" "set" (func $pwm (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "\10\ab\cd")
  (data (i32.const 80) "\9f\00\00\00")
  (func (export "pw_main") (result i32)
    (i32.store (i32.const 0) (call $i2c_write (i32.const 0) (i32.const 0x49) (i32.const 64) (i32.const 1)))
    (i32.store (i32.const 4) (call $i2c_write (i32.const 0) (i32.const 0x50) (i32.const 64) (i32.const 3)))
    (i32.store (i32.const 8) (call $i2c_wr (i32.const 0) (i32.const 0x50) (i32.const 64) (i32.const 1)
                                           (i32.const 128) (i32.const 2)))
    (i32.store (i32.const 12) (call $spi (i32.const 0) (i32.const 0) (i32.const 80) (i32.const 132)
                                         (i32.const 4)))
    (i32.store (i32.const 16) (call $adc (i32.const 2)))
    (i32.store (i32.const 20) (call $pwm (i32.const 1) (i32.const 1000) (i32.const 16384)))
    (i32.const 0)))
)");
  AppRun r(app);
  ScriptEvent e;
  e.kind = ScriptEvent::Kind::adc_sample;
  e.target = 2;
  e.value = 1234;
  r.vb.schedule(e);
  r.vb.advance_to(0);
  GrantSet g;
  grants(&g, {"i2c:0:0x49,0x50", "spi:0:0", "adc:2", "pwm:1"});
  const RunOutcome out = r.go(g);
  ASSERT_EQ(out.status, RunStatus::ok) << out.message;
  EXPECT_EQ(static_cast<int32_t>(r.mem32(0)), PW_HAL_E_NACK);
  EXPECT_EQ(r.mem32(4), 0u);
  EXPECT_EQ(r.mem32(8), 0u);
  const uint8_t* m = instance_memory(*r.runner->instance()).data;
  EXPECT_EQ(m[128], 0xAB);  // what the EEPROM got at 0x10, 0x11
  EXPECT_EQ(m[129], 0xCD);
  EXPECT_EQ(r.mem32(12), 0u);
  EXPECT_EQ(B(m + 132, m + 136), B({0x00, 0x20, 0x20, 0x14}));
  EXPECT_EQ(r.mem32(16), 1234u);
  EXPECT_EQ(r.mem32(20), 0u);
  EXPECT_EQ(r.vb.pwm_hz(1), 1000u);
  EXPECT_EQ(r.vb.pwm_duty(1), 16384u);
  ASSERT_EQ(r.vb.trace().size(), 6u);
  EXPECT_EQ(format_trace(r.vb.trace()[0]), "t=0 i2c 0 write value=73 out=10 status=-8");
  EXPECT_EQ(format_trace(r.vb.trace()[3]), "t=0 spi 0 transfer value=0 out=9f000000 in=00202014");
}

// ---- Grant specs
// ---------------------------------------------------------------------------------------

TEST(GrantSpec, BoardResourcesAndErrors) {
  GrantSet g;
  std::string error;
  EXPECT_FALSE(g.add("gpio:16", &error));
  EXPECT_EQ(error, "grant 'gpio:16': pin 16 is not on the virtual board (it has 16: 0-15)");
  EXPECT_FALSE(g.add("i2c:1:0x48", &error));
  EXPECT_EQ(error, "grant 'i2c:1:0x48': I2C bus 1 is not on the virtual board (it has 1: 0-0)");
  EXPECT_FALSE(g.add("board:fan", &error));
  EXPECT_EQ(error, "grant 'board:fan': the virtual board has no class 'fan' (it has: relay)");
  EXPECT_FALSE(g.add("board:relay:4", &error));
  EXPECT_EQ(error, "grant 'board:relay:4': relay 4 is not on the virtual board (it has 4: 0-3)");
  EXPECT_FALSE(g.add("rate:relay:5", &error));
  EXPECT_EQ(error.compare(0, 21, "grant 'rate:relay:5':"), 0) << error;
  EXPECT_FALSE(g.add("frob", &error));
  EXPECT_EQ(error.compare(0, 14, "grant 'frob': "), 0) << error;
  // Nothing of the failed specs stayed.
  const board::Grant& none = g.grant();
  EXPECT_EQ(none.num_gpio + none.num_i2c + none.board[kRelayClass], 0u);

  ASSERT_TRUE(g.add("board:relay:0,2", &error)) << error;
  ASSERT_TRUE(g.add("rate:relay:2/s", &error)) << error;
  const board::Grant& grant = g.grant();
  EXPECT_EQ(grant.board[kRelayClass], 0x5u);
  EXPECT_EQ(grant.rate[board::kNumClasses + kRelayClass].calls_per_s, 2u);
  EXPECT_TRUE(board::class_granted(grant, board::board_class(kRelayClass)));
}

TEST(GrantSpec, AllGrantsEverythingTheBoardHas) {
  GrantSet g;
  std::string error;
  ASSERT_TRUE(g.add("all", &error)) << error;
  const board::Grant& grant = g.grant();
  for (board::Class c : {board::Class::gpio, board::Class::i2c, board::Class::spi,
                         board::Class::uart, board::Class::pwm, board::Class::adc,
                         board::Class::time, board::Class::log, board::board_class(kRelayClass)}) {
    EXPECT_TRUE(board::class_granted(grant, c)) << static_cast<int>(c);
  }
  EXPECT_EQ(grant.pwm_channels, 0xFu);
  EXPECT_EQ(grant.adc_channels, 0xFu);
  ASSERT_EQ(grant.num_gpio, 1u);
  EXPECT_EQ(grant.gpio[0].last, 15);
  EXPECT_EQ(grant.i2c[0].addrs[3], 0xFFFFFFFFu);  // 0x60-0x7F
  EXPECT_EQ(grant.spi[0].cs_mask, 0x3u);
}

}  // namespace
