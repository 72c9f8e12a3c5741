// The HAL host functions against docs/hal-abi.md: every function granted, denied, not present,
// invalid, revoked and rate limited; buffers at the edges of memory; blocking calls completed by
// hal_poll; revocation from another thread; link-time refusal; trap-on-denial; audit.
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "board_test_util.h"

namespace board_test {
namespace {

uint64_t i(int32_t v) {
  return static_cast<uint32_t>(v);
}
uint64_t L(int64_t v) {
  return static_cast<uint64_t>(v);
}

// The ABI's numbers, exactly.
static_assert(PW_HAL_OK == 0 && PW_HAL_E_DENIED == -1 && PW_HAL_E_INVALID == -2 &&
                  PW_HAL_E_NOT_PRESENT == -3 && PW_HAL_E_NOT_SUPPORTED == -4 &&
                  PW_HAL_E_BUSY == -5 && PW_HAL_E_TIMEOUT == -6 && PW_HAL_E_IO == -7 &&
                  PW_HAL_E_NACK == -8 && PW_HAL_E_RATE_LIMITED == -9 && PW_HAL_E_REVOKED == -10,
              "status codes as in docs/hal-abi.md");

// The grant most tests use: pin 2 both ways, pin 3 input, pin 4 output; I2C bus 0 address 0x48;
// SPI bus 0 chip select 1 up to 8 MHz; UART 0 both ways, 1 read, 2 write; PWM 0; ADC 1; time;
// log. Everything it lacks exists on the mock board (pins 0-7, two of each bus and channel).
constexpr GpioGrant kPins[] = {{2, 2, kInput | kOutput}, {3, 3, kInput}, {4, 4, kOutput}};
constexpr I2cGrant kI2cs[] = {i2c_grant(0, {0x48})};
constexpr SpiGrant kSpis[] = {{0, 1u << 1, 8000000}};
constexpr UartGrant kUarts[] = {{0, kRead | kWrite}, {1, kRead}, {2, kWrite}};
constexpr Grant make_grant() {
  Grant g;
  g.gpio = kPins;
  g.num_gpio = 3;
  g.i2c = kI2cs;
  g.num_i2c = 1;
  g.spi = kSpis;
  g.num_spi = 1;
  g.uart = kUarts;
  g.num_uart = 3;
  g.pwm_channels = 1u << 0;
  g.adc_channels = 1u << 1;
  g.time = true;
  g.log = true;
  return g;
}
constexpr Grant kGrant = make_grant();
constexpr Grant kNothing{};

const LoadedModule& all_module() {
  static Loaded m(wat(all_functions_wat()));
  return *m.module;
}

struct Fixture : ::testing::Test {
  Mock mock;
  pw_board board = mock_board(mock);
  std::unique_ptr<App> app;
  void make(const Grant& g) {
    app.reset(new App(all_module(), board, g));
    ASSERT_TRUE(app->err.ok()) << error_code_name(app->err.code);
  }
};

// One row per HAL function with a resource: arguments that succeed, that name an existing but
// ungranted resource, a missing resource, and a malformed argument; the calls that must happen
// first (configure), and the driver record the success leaves.
struct Row {
  const char* fn;
  std::vector<uint64_t> ok, denied, absent, invalid;
  int64_t ok_result;
  const char* driver;  // prefix of the mock's record
  const char* setup_fn = nullptr;
  std::vector<uint64_t> setup_args = {};
};

// Buffers inside the page: data at 100, a second buffer at 400. now_us answers the mock's time.
constexpr int64_t kNow = -1000;
const std::vector<Row>& rows() {
  static const std::vector<Row> r = {
      {"pw_gpio.configure", {2, 3}, {3, 3}, {8, 3}, {2, 5}, 0, "gpio.configure"},
      {"pw_gpio.write",
       {2, 1},
       {3, 1},
       {9, 1},
       {i(-1), 1},
       0,
       "gpio.write",
       "pw_gpio.configure",
       {2, 3}},
      {"pw_gpio.read", {3}, {5}, {8}, {i(-1)}, 1, "gpio.read", "pw_gpio.configure", {3, 0}},
      {"pw_gpio.toggle", {4}, {3}, {8}, {i(-3)}, 0, "gpio.toggle", "pw_gpio.configure", {4, 4}},
      {"pw_gpio.wait_edge",
       {3, 1, 0},
       {4, 1, 0},
       {8, 1, 0},
       {3, 4, 0},
       PW_HAL_E_TIMEOUT,
       "gpio.watch 3 1",
       "pw_gpio.configure",
       {3, 1}},
      {"pw_i2c.write",
       {0, 0x48, 100, 2},
       {0, 0x49, 100, 2},
       {2, 0x48, 100, 2},
       {0, 0x80, 100, 2},
       0,
       "i2c.write"},
      {"pw_i2c.read",
       {0, 0x48, 100, 2},
       {1, 0x48, 100, 2},
       {5, 0x48, 100, 2},
       {0, 0x48, 100, 0},
       0,
       "i2c.read"},
      {"pw_i2c.write_read",
       {0, 0x48, 100, 1, 400, 2},
       {0, 0x10, 100, 1, 400, 2},
       {2, 0x48, 100, 1, 400, 2},
       {0, 0x48, 100, 1, 400, 257},
       0,
       "i2c.write_read"},
      {"pw_spi.configure",
       {0, 1, 0, 1000000},
       {0, 1, 0, 9000000},
       {0, 4, 0, 1000000},
       {0, 1, 4, 1000000},
       0,
       "spi.configure"},
      {"pw_spi.transfer",
       {0, 1, 100, 400, 4},
       {1, 1, 100, 400, 4},
       {3, 1, 100, 400, 4},
       {0, 1, 100, 400, 0},
       0,
       "spi.transfer"},
      {"pw_uart.write", {0, 100, 3}, {1, 100, 3}, {3, 100, 3}, {0, 100, 0}, 3, "uart.write"},
      {"pw_uart.read",
       {0, 100, 4, 0},
       {2, 100, 4, 0},
       {3, 100, 4, 0},
       {0, 100, 300, 0},
       PW_HAL_E_TIMEOUT,
       "uart.read"},
      {"pw_pwm.set", {0, 1000, 32768}, {1, 1000, 1}, {2, 1000, 1}, {0, 1000, 65536}, 0, "pwm.set"},
      {"pw_adc.read", {1}, {0}, {2}, {i(-1)}, 1234, "adc.read"},
      {"pw_time.sleep_us", {0}, {}, {}, {L(-1)}, 0, nullptr},
      {"pw_time.sleep_until_us", {0}, {}, {}, {}, 0, nullptr},
      {"pw_time.now_us", {}, {}, {}, {}, kNow, nullptr},
      {"pw_log.write", {2, 100, 5}, {}, {}, {4, 100, 5}, 0, "log.write"},
  };
  return r;
}

TEST_F(Fixture, EveryFunctionGranted) {
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.fn);
    make(kGrant);
    mock.calls.clear();
    if (row.setup_fn) {
      EXPECT_EQ(app->run(row.setup_fn, row.setup_args), 0);
    }
    const size_t before = row.driver ? mock.count(row.driver) : 0;
    EXPECT_EQ(app->run(row.fn, row.ok),
              row.ok_result == kNow ? static_cast<int64_t>(mock.now) : row.ok_result);
    if (row.driver) {
      EXPECT_EQ(mock.count(row.driver), before + 1);
    }
  }
}

// Denied (a resource outside the grant, or no grant at all), not present, invalid: the status,
// and no driver call.
TEST_F(Fixture, EveryFunctionRefused) {
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.fn);
    struct Case {
      const std::vector<uint64_t>* args;
      const Grant* grant;
      int32_t status;
    } cases[] = {{&row.denied, &kGrant, PW_HAL_E_DENIED},
                 {&row.ok, &kNothing, PW_HAL_E_DENIED},
                 {&row.absent, &kGrant, PW_HAL_E_NOT_PRESENT},
                 {&row.invalid, &kGrant, PW_HAL_E_INVALID}};
    for (const Case& c : cases) {
      if (c.args->empty() && c.args != &row.ok) continue;  // no such case for this function
      make(*c.grant);
      if (row.setup_fn && c.grant == &kGrant) app->run(row.setup_fn, row.setup_args);
      mock.calls.clear();
      EXPECT_EQ(app->run(row.fn, *c.args), c.status) << "grant " << (c.grant == &kGrant);
      EXPECT_TRUE(mock.calls.empty()) << mock.calls[0];
      const uint32_t k = c.status == PW_HAL_E_DENIED ? 1 : 0;
      uint32_t denied = 0;
      for (const ClassStats& s : app->hal->stats) denied += s.denied;
      EXPECT_EQ(denied, k);
    }
  }
}

TEST_F(Fixture, EveryFunctionRevoked) {
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.fn);
    make(kGrant);
    if (row.setup_fn) app->run(row.setup_fn, row.setup_args);
    revoke(*app->hal, kAllClasses);
    mock.calls.clear();
    EXPECT_EQ(app->run(row.fn, row.ok), PW_HAL_E_REVOKED);
    EXPECT_TRUE(mock.calls.empty());
    restore(*app->hal, kAllClasses);
    EXPECT_EQ(app->run(row.fn, row.ok),
              row.ok_result == kNow ? static_cast<int64_t>(mock.now) : row.ok_result);
  }
}

// One call per second per class: the second call in the same microsecond is refused.
TEST_F(Fixture, EveryFunctionRateLimited) {
  Grant g = kGrant;
  for (RateLimit& r : g.rate) r.calls_per_s = 1;
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.fn);
    make(g);
    mock.now += 2000000;  // the setup call's token is back
    if (row.setup_fn) app->run(row.setup_fn, row.setup_args);
    mock.now += 2000000;
    EXPECT_EQ(app->run(row.fn, row.ok),
              row.ok_result == kNow ? static_cast<int64_t>(mock.now) : row.ok_result);
    mock.calls.clear();
    EXPECT_EQ(app->run(row.fn, row.ok), PW_HAL_E_RATE_LIMITED);
    EXPECT_TRUE(mock.calls.empty());
    uint32_t limited = 0;
    for (const ClassStats& s : app->hal->stats) limited += s.rate_limited;
    EXPECT_EQ(limited, 1u);
  }
}

TEST_F(Fixture, DriverStatusPassesThrough) {
  make(kGrant);
  const int32_t codes[] = {PW_HAL_E_NACK, PW_HAL_E_IO, PW_HAL_E_BUSY, PW_HAL_E_NOT_SUPPORTED};
  for (int32_t code : codes) {
    mock.status = code;
    EXPECT_EQ(app->run("pw_i2c.write", {0, 0x48, 100, 1}), code);
    EXPECT_EQ(app->run("pw_spi.configure", {0, 1, 0, 1000}), code);
    EXPECT_EQ(app->run("pw_adc.read", {1}), code);
  }
}

TEST_F(Fixture, AbiVersionAndQuery) {
  make(kGrant);
  EXPECT_EQ(app->run("pw_hal.abi_version", {}), 0x00010000);
  auto q = [&](int32_t c, int32_t r, int32_t a) {
    return app->run("pw_hal.query", {i(c), i(r), i(a)});
  };
  EXPECT_EQ(q(1, 3, 1), 1);  // pin 3 input
  EXPECT_EQ(q(1, 3, 2), 0);  // pin 3 output: not granted
  EXPECT_EQ(q(1, 2, 3), 1);
  EXPECT_EQ(q(1, 8, 1), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(q(1, 2, 0), PW_HAL_E_INVALID);
  EXPECT_EQ(q(2, 0, 0x48), 1);
  EXPECT_EQ(q(2, 0, -1), 1);
  EXPECT_EQ(q(2, 1, -1), 0);
  EXPECT_EQ(q(2, 0, 0x80), PW_HAL_E_INVALID);
  EXPECT_EQ(q(3, 0, 1), 1);
  EXPECT_EQ(q(3, 0, 2), 0);
  EXPECT_EQ(q(3, 0, 4), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(q(4, 2, 2), 1);
  EXPECT_EQ(q(4, 2, 1), 0);
  EXPECT_EQ(q(4, 3, 1), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(q(5, 0, 0), 1);
  EXPECT_EQ(q(5, 1, 0), 0);
  EXPECT_EQ(q(6, 1, 0), 1);
  EXPECT_EQ(q(6, 2, 0), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(q(7, 0, 0), 1);
  EXPECT_EQ(q(8, 0, 0), 1);
  EXPECT_EQ(q(0, 0, 0), PW_HAL_E_INVALID);
  EXPECT_EQ(q(9, 0, 0), PW_HAL_E_INVALID);
  revoke(*app->hal, class_bit(Class::gpio));
  EXPECT_EQ(q(1, 3, 1), 0);
  EXPECT_EQ(app->hal->stats[0].denied, 0u);  // never denied, never rate limited
  EXPECT_TRUE(mock.calls.empty());
}

TEST_F(Fixture, GpioPinState) {
  make(kGrant);
  EXPECT_EQ(app->run("pw_gpio.write", {2, 1}), PW_HAL_E_INVALID);  // not configured
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 0}), 0);
  EXPECT_EQ(app->run("pw_gpio.write", {2, 1}), PW_HAL_E_INVALID);  // configured as input
  EXPECT_EQ(app->run("pw_gpio.toggle", {2}), PW_HAL_E_INVALID);
  EXPECT_EQ(app->run("pw_gpio.read", {2}), 1);
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 4}), 0);
  EXPECT_EQ(app->run("pw_gpio.write", {2, 7}), 0);
  EXPECT_EQ(app->run("pw_gpio.wait_edge", {2, 3, 0}), PW_HAL_E_INVALID);  // an output
  EXPECT_EQ(app->run("pw_gpio.configure", {4, 1}), PW_HAL_E_DENIED);      // output-only pin
  EXPECT_EQ(mock.count("gpio.write 2 1"), 1u);  // any nonzero level drives high
  mock.status = PW_HAL_E_NOT_SUPPORTED;         // e.g. no pull-down: the pin stays unconfigured
  EXPECT_EQ(app->run("pw_gpio.configure", {3, 2}), PW_HAL_E_NOT_SUPPORTED);
  mock.status = PW_HAL_OK;
  EXPECT_EQ(app->run("pw_gpio.read", {3}), PW_HAL_E_INVALID);
}

TEST_F(Fixture, SpiClockAndNullBuffers) {
  make(kGrant);
  EXPECT_EQ(app->run("pw_spi.configure", {0, 1, 3, 8000000}), 0);
  EXPECT_EQ(app->run("pw_spi.configure", {0, 1, 3, 8000001}), PW_HAL_E_DENIED);
  EXPECT_EQ(app->run("pw_spi.configure", {0, 1, 3, 0}), PW_HAL_E_INVALID);
  EXPECT_EQ(app->run("pw_spi.transfer", {0, 1, 0, 0, 8}), 0);
  EXPECT_EQ(mock.calls.back(), "spi.transfer 0 1 0 0 8");
  std::memcpy(app->mem() + 100, "\x01\x02", 2);
  EXPECT_EQ(app->run("pw_spi.transfer", {0, 1, 100, 200, 2}), 0);
  EXPECT_EQ(app->mem()[200], 0xFE);
  EXPECT_EQ(app->mem()[201], 0xFD);
}

TEST_F(Fixture, DataReachesDriversAndMemory) {
  make(kGrant);
  std::memcpy(app->mem() + 100, "hello", 5);
  EXPECT_EQ(app->run("pw_log.write", {1, 100, 5}), 0);
  EXPECT_EQ(mock.log_text, "hello");
  EXPECT_EQ(app->run("pw_uart.write", {2, 100, 5}), 5);
  EXPECT_EQ(mock.uart_tx, "hello");
  EXPECT_EQ(app->run("pw_i2c.read", {0, 0x48, 300, 3}), 0);
  EXPECT_EQ(app->mem()[300], 0xA0);
  EXPECT_EQ(app->mem()[302], 0xA2);
  EXPECT_EQ(app->run("pw_log.write", {3, 100, 0}), 0);  // an empty record is fine
  EXPECT_EQ(app->run("pw_log.write", {3, 100, 257}), PW_HAL_E_INVALID);
  EXPECT_EQ(app->run("pw_pwm.set", {0, 0, 0}), 0);  // hz 0 stops
}

// Buffers at the end of the one page: the last byte is fine, one past it traps.
TEST_F(Fixture, BuffersAtTheEdgeOfMemory) {
  make(kGrant);
  const uint32_t end = 65536;
  struct Edge {
    const char* fn;
    std::vector<uint64_t> fits, past;
  } edges[] = {
      {"pw_i2c.write", {0, 0x48, end - 4, 4}, {0, 0x48, end - 3, 4}},
      {"pw_i2c.read", {0, 0x48, end - 1, 1}, {0, 0x48, end, 1}},
      {"pw_i2c.write_read", {0, 0x48, 0, 1, end - 2, 2}, {0, 0x48, 0, 1, end - 1, 2}},
      {"pw_i2c.write_read", {0, 0x48, end - 1, 1, 0, 2}, {0, 0x48, end, 1, 0, 2}},
      {"pw_spi.transfer", {0, 1, end - 8, 0, 8}, {0, 1, end - 7, 0, 8}},
      {"pw_spi.transfer", {0, 1, 0, end - 8, 8}, {0, 1, 0, end - 7, 8}},
      {"pw_uart.write", {0, end - 1, 1}, {0, end - 1, 2}},
      {"pw_uart.read", {0, end - 256, 256, 0}, {0, end - 255, 256, 0}},
      {"pw_log.write", {0, end - 5, 5}, {0, end - 4, 5}},
      {"pw_log.write", {0, end, 0}, {0, end + 1, 0}},
  };
  for (const Edge& e : edges) {
    SCOPED_TRACE(e.fn);
    const size_t before = mock.calls.size();
    EXPECT_EQ(app->call(e.fn, e.fits).status, CallStatus::ok);
    const CallResult r = app->call(e.fn, e.past);
    EXPECT_EQ(r.status, CallStatus::trap);
    EXPECT_EQ(r.error.code, ErrorCode::trap_memory_oob);
    EXPECT_EQ(mock.calls.size(), before + 1);  // the trapping call reached no driver
  }
  // A huge length traps too (memory-safety first), whatever else is wrong with the call.
  EXPECT_EQ(app->call("pw_i2c.write", {7, 0x90, 0, 0x7FFFFFFF}).error.code,
            ErrorCode::trap_memory_oob);
}

// ---- Blocking calls ----

TEST_F(Fixture, SleepYieldsAndCompletesAgainstTheClock) {
  make(kGrant);
  mock.now = 5000;
  CallResult r = app->call("pw_time.sleep_us", {1000});
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  const WaitState& w = hal_wait_state(*app->hal);
  EXPECT_EQ(w.kind, Wait::time);
  EXPECT_TRUE(w.has_deadline);
  EXPECT_EQ(w.deadline_us, 6000u);
  EXPECT_EQ(hal_poll(*app->hal, 5999), Poll::waiting);
  EXPECT_EQ(hal_poll(*app->hal, 6000), Poll::ready);
  EXPECT_EQ(hal_wait_state(*app->hal).kind, Wait::none);
  EXPECT_EQ(hal_poll(*app->hal, 6001), Poll::idle);
  r = resume(*app->inst, app->slots.data(), kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_time.sleep_us"), PW_HAL_OK);

  EXPECT_EQ(app->run("pw_time.sleep_until_us", {4000}), 0);  // passed: at once
  EXPECT_EQ(app->run("pw_time.sleep_us", {0}), 0);
  ASSERT_EQ(app->call("pw_time.sleep_until_us", {7000}).status, CallStatus::paused);
  EXPECT_EQ(hal_wait_state(*app->hal).deadline_us, 7000u);
  EXPECT_EQ(hal_poll(*app->hal, 7000), Poll::ready);
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->run("pw_time.now_us", {}), 5000);
}

TEST_F(Fixture, WaitEdgeWithEdgeAndWithTimeout) {
  make(kGrant);
  EXPECT_EQ(app->run("pw_gpio.configure", {3, 1}), 0);
  mock.now = 100;
  ASSERT_EQ(app->call("pw_gpio.wait_edge", {3, 1, 10000}).status, CallStatus::paused);
  EXPECT_EQ(hal_wait_state(*app->hal).kind, Wait::edge);
  EXPECT_EQ(hal_wait_state(*app->hal).resource, 3u);
  EXPECT_EQ(hal_wait_state(*app->hal).deadline_us, 10100u);
  EXPECT_EQ(mock.watched[3], 1);
  mock.edges[3] = 2;  // falling: not the one asked for
  EXPECT_EQ(hal_poll(*app->hal, 200), Poll::waiting);
  mock.edges[3] = 3;
  EXPECT_EQ(hal_poll(*app->hal, 300), Poll::ready);
  EXPECT_EQ(mock.watched[3], 0);  // disarmed
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_gpio.wait_edge"), PW_HAL_OK);

  ASSERT_EQ(app->call("pw_gpio.wait_edge", {3, 3, 500}).status, CallStatus::paused);
  EXPECT_EQ(hal_poll(*app->hal, 599), Poll::waiting);  // called at 100
  EXPECT_EQ(hal_poll(*app->hal, 600), Poll::ready);
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_gpio.wait_edge"), PW_HAL_E_TIMEOUT);

  // Negative timeout: no deadline.
  ASSERT_EQ(app->call("pw_gpio.wait_edge", {3, 2, L(-1)}).status, CallStatus::paused);
  EXPECT_FALSE(hal_wait_state(*app->hal).has_deadline);
  EXPECT_EQ(hal_poll(*app->hal, ~0ull - 1), Poll::waiting);
  mock.edges[3] = 2;
  EXPECT_EQ(hal_poll(*app->hal, 0), Poll::ready);
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_gpio.wait_edge"), PW_HAL_OK);
}

TEST_F(Fixture, UartReadWithDataArrivingLater) {
  make(kGrant);
  mock.uart_rx = {'x'};
  EXPECT_EQ(app->run("pw_uart.read", {0, 100, 4, 0}), 1);  // what is there, at once
  EXPECT_EQ(app->mem()[100], 'x');
  EXPECT_EQ(app->run("pw_uart.read", {0, 100, 4, 0}), PW_HAL_E_TIMEOUT);  // polls
  ASSERT_EQ(app->call("pw_uart.read", {0, 200, 4, 1000}).status, CallStatus::paused);
  EXPECT_EQ(hal_wait_state(*app->hal).kind, Wait::uart);
  EXPECT_EQ(hal_wait_state(*app->hal).address, 200u);
  EXPECT_EQ(hal_poll(*app->hal, 500), Poll::waiting);
  mock.uart_rx = {'a', 'b', 'c', 'd', 'e', 'f'};
  EXPECT_EQ(hal_poll(*app->hal, 600), Poll::ready);
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_uart.read"), 4);
  EXPECT_EQ(std::memcmp(app->mem() + 200, "abcd", 4), 0);
  EXPECT_EQ(mock.uart_rx.size(), 2u);
  mock.uart_rx.clear();
  mock.now = 1000;
  ASSERT_EQ(app->call("pw_uart.read", {0, 200, 4, 1000}).status, CallStatus::paused);
  EXPECT_EQ(hal_poll(*app->hal, 2000), Poll::ready);
  ASSERT_EQ(resume(*app->inst, app->slots.data(), kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(app->ret("pw_uart.read"), PW_HAL_E_TIMEOUT);
}

// An abandoned wait is forgotten with hal_cancel: no UART bytes consumed, the pin unwatched.
TEST_F(Fixture, CancelAfterAbandon) {
  make(kGrant);
  ASSERT_EQ(app->call("pw_uart.read", {0, 200, 4, L(-1)}).status, CallStatus::paused);
  abandon(*app->inst);
  hal_cancel(*app->hal);
  mock.uart_rx = {'z'};
  EXPECT_EQ(hal_poll(*app->hal, 0), Poll::idle);
  EXPECT_EQ(mock.uart_rx.size(), 1u);
  EXPECT_EQ(app->run("pw_gpio.configure", {3, 0}), 0);
  ASSERT_EQ(app->call("pw_gpio.wait_edge", {3, 3, L(-1)}).status, CallStatus::paused);
  EXPECT_EQ(mock.watched[3], 3);
  abandon(*app->inst);
  hal_cancel(*app->hal);
  EXPECT_EQ(mock.watched[3], 0);
  EXPECT_EQ(hal_wait_state(*app->hal).kind, Wait::none);
}

// ---- run_app: start function and entry to their end, through HAL waits ----

// The start function sleeps 1000 us and keeps 40 + sleep's status (0); main sleeps 500 us and
// returns that value + 2: 42 at t = 1500 after exactly two waits, whatever the fuel counts.
constexpr const char* kSleepingApp = R"((module
  (import "pw_time" "sleep_us" (func $sleep (param i64) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.add (i32.const 40) (call $sleep (i64.const 1000)))))
  (start $init)
  (func (export "main") (result i32)
    (drop (call $sleep (i64.const 500)))
    (i32.add (global.get $g) (i32.const 2)))))";

struct RunAppFixture : ::testing::Test {
  Mock mock;
  pw_board board = mock_board(mock);
  Loaded loaded{wat(kSleepingApp)};
  Buffer buffer{1 << 18};
  AppHal hal;
  Instance* inst = nullptr;
  FuncInst* main_fn = nullptr;
  uint32_t waits = 0;
  void SetUp() override {
    hal_init(hal, board, kGrant);
    ASSERT_TRUE(instantiate(*loaded.module, app_config(hal, buffer.data, buffer.size), &inst).ok());
    main_fn = find_function(*inst, "main");
    ASSERT_NE(main_fn, nullptr);
  }
  void TearDown() override {
    if (inst) unload(*inst);
  }
  // A board's idle: jump the clock to the wait's deadline until hal_poll lets the app go.
  bool sleep_through() {
    ++waits;
    while (hal_poll(hal, mock.now) == Poll::waiting) mock.now = hal_wait_state(hal).deadline_us;
    return true;
  }
};

TEST_F(RunAppFixture, RunsTheStartFunctionAndTheEntryThroughTheirWaits) {
  uint64_t slots[1] = {0}, used = 0;
  const CallResult r =
      run_app(*inst, main_fn, slots, kUnlimitedFuel, &used, [&] { return sleep_through(); });
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(slots[0]), 42);
  EXPECT_EQ(waits, 2u);
  EXPECT_EQ(mock.now, 1500u);
  EXPECT_GT(used, 0u);
}

TEST_F(RunAppFixture, StopsWhereTheWaitSaysSo) {
  uint64_t slots[1] = {0}, used = 0;
  const CallResult r = run_app(*inst, main_fn, slots, kUnlimitedFuel, &used, [&] {
    ++waits;
    return false;
  });
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  EXPECT_EQ(waits, 1u);  // in the start function's sleep: main never ran
  EXPECT_EQ(hal_wait_state(hal).deadline_us, 1000u);
  abandon(*inst);
  hal_cancel(hal);
}

TEST_F(RunAppFixture, StaysWithinItsFuel) {
  uint64_t slots[1] = {0}, used = 0;
  const CallResult r = run_app(*inst, main_fn, slots, 1, &used, [&] { return sleep_through(); });
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_LE(used, 1u);
  abandon(*inst);
  hal_cancel(hal);
}

// ---- Revocation from another thread while the app loops on a HAL call ----

const char* const kLoop = R"(
(func (export "loop") (result i32) (local $n i32) (local $s i32)
  (loop $again
    (local.set $s (call $pw_gpio.toggle (i32.const 4)))
    (if (i32.eq (local.get $s) (i32.const -10)) (then (return (local.get $n))))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br $again))
  (i32.const -1))
)";

TEST(HalRevocation, FromAnotherThreadTakesEffectAtTheNextCall) {
  Mock mock;
  const pw_board board = mock_board(mock);
  Loaded m(wat(all_functions_wat(kLoop)));
  App app(*m.module, board, kGrant);
  ASSERT_TRUE(app.err.ok());
  ASSERT_EQ(app.run("pw_gpio.configure", {4, 3}), 0);
  mock.calls.clear();
  mock.calls.reserve(1 << 20);
  std::thread revoker([&] {
    // Let the loop run a while first (the driver has been called), then revoke.
    while (mock.toggles.load() < 1000) std::this_thread::yield();
    revoke(*app.hal, class_bit(Class::gpio));
  });
  const int64_t n = app.run("loop", {});
  revoker.join();
  EXPECT_GE(n, 1000);
  EXPECT_EQ(mock.count("gpio.toggle"), static_cast<size_t>(n));  // the revoked call never ran
  EXPECT_EQ(app.hal->stats[1].denied, 1u);
}

// ---- Rate limits: exact token-bucket counts against the fake clock ----

TEST_F(Fixture, CallRateTokenBucket) {
  Grant g = kGrant;
  g.rate[static_cast<int>(Class::gpio)].calls_per_s = 5;
  make(g);
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 3}), 0);
  int ok = 0;
  for (int k = 0; k < 10; ++k) ok += app->run("pw_gpio.toggle", {2}) == 0;
  EXPECT_EQ(ok, 4);    // 5 tokens, configure took one
  mock.now += 199999;  // not quite one token (one per 200 ms)
  EXPECT_EQ(app->run("pw_gpio.toggle", {2}), PW_HAL_E_RATE_LIMITED);
  mock.now += 1;
  EXPECT_EQ(app->run("pw_gpio.toggle", {2}), 0);
  EXPECT_EQ(app->run("pw_gpio.toggle", {2}), PW_HAL_E_RATE_LIMITED);
  mock.now += 10000000;  // long idle: the bucket holds at most one second (5)
  ok = 0;
  for (int k = 0; k < 10; ++k) ok += app->run("pw_gpio.toggle", {2}) == 0;
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(app->hal->stats[1].calls, 1u + 10 + 3 + 10);
  EXPECT_EQ(app->hal->stats[1].rate_limited, 6u + 2 + 5);
  EXPECT_EQ(mock.count("gpio.toggle"), 4u + 1 + 5);
  // Other classes are not limited.
  for (int k = 0; k < 20; ++k) EXPECT_EQ(app->run("pw_adc.read", {1}), 1234);
}

// pw_gpio.write has a fast path for pins configured as output: a rate limit and a revocation must
// still stop it, and a pin reconfigured as input must leave it.
TEST_F(Fixture, WriteFastPathHonoursLimitsRevocationAndReconfiguration) {
  Grant g = kGrant;
  g.rate[static_cast<int>(Class::gpio)].calls_per_s = 5;
  make(g);
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 3}), 0);
  int ok = 0;
  for (int k = 0; k < 10; ++k)
    ok += app->run("pw_gpio.write", {2, static_cast<uint64_t>(k & 1)}) == 0;
  EXPECT_EQ(ok, 4);  // 5 tokens, configure took one
  EXPECT_EQ(app->hal->stats[1].rate_limited, 6u);
  EXPECT_EQ(mock.count("gpio.write"), 4u);

  make(kGrant);  // no limit: the fast path
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 3}), 0);
  EXPECT_EQ(app->run("pw_gpio.write", {2, 1}), 0);
  revoke(*app->hal, class_bit(Class::gpio));
  EXPECT_EQ(app->run("pw_gpio.write", {2, 0}), PW_HAL_E_REVOKED);
  restore(*app->hal, class_bit(Class::gpio));
  EXPECT_EQ(app->run("pw_gpio.write", {2, 0}), 0);
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 0}), 0);  // now an input
  EXPECT_EQ(app->run("pw_gpio.write", {2, 1}), PW_HAL_E_INVALID);
  EXPECT_EQ(mock.count("gpio.write"), 4u + 2);  // the mock keeps the first app's 4
  EXPECT_EQ(app->hal->stats[1].calls, 6u);
}

TEST_F(Fixture, ByteRateTokenBucket) {
  Grant g = kGrant;
  g.rate[static_cast<int>(Class::i2c)].bytes_per_s = 10;
  make(g);
  EXPECT_EQ(app->run("pw_i2c.write", {0, 0x48, 100, 4}), 0);
  EXPECT_EQ(app->run("pw_i2c.write", {0, 0x48, 100, 4}), 0);
  EXPECT_EQ(app->run("pw_i2c.write", {0, 0x48, 100, 4}), PW_HAL_E_RATE_LIMITED);  // 2 left
  EXPECT_EQ(app->run("pw_i2c.write_read", {0, 0x48, 100, 1, 200, 1}), 0);         // 0 left
  mock.now += 300000;                                                             // 3 bytes
  EXPECT_EQ(app->run("pw_i2c.read", {0, 0x48, 100, 4}), PW_HAL_E_RATE_LIMITED);
  mock.now += 100000;  // 4 bytes
  EXPECT_EQ(app->run("pw_i2c.read", {0, 0x48, 100, 4}), 0);
  EXPECT_EQ(app->run("pw_i2c.read", {0, 0x48, 100, 11}), PW_HAL_E_RATE_LIMITED);
  mock.now += 5000000;
  EXPECT_EQ(app->run("pw_i2c.read", {0, 0x48, 100, 11}), PW_HAL_E_RATE_LIMITED);  // never fits
  EXPECT_EQ(app->hal->stats[2].rate_limited, 4u);
}

// ---- Link time ----

TEST(HalLink, RefusesAnImportOfAnUngrantedClassNamingIt) {
  Loaded m(wat(R"((module
    (import "pw_gpio" "write" (func $w (param i32 i32) (result i32)))
    (import "pw_i2c" "read" (func $r (param i32 i32 i32 i32) (result i32)))
    (memory 1)
    (func (export "go") (result i32) (call $r (i32.const 0) (i32.const 0x48) (i32.const 0)
      (i32.const 1)))))"));
  constexpr GpioGrant pins[] = {{13, 13, kOutput}};
  Grant g;
  g.gpio = pins;
  g.num_gpio = 1;
  LinkError e = check_imports(*m.module, g);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error.code, ErrorCode::unknown_import);
  EXPECT_EQ(e.error.function, 1u);
  ASSERT_NE(e.import, nullptr);
  EXPECT_TRUE(e.import->module.equals("pw_i2c", 6));
  EXPECT_TRUE(e.import->field.equals("read", 4));
  EXPECT_EQ(e.missing, Class::i2c);
  EXPECT_STREQ(class_module(e.missing), "pw_i2c");
  EXPECT_EQ(import_at(*m.module, e.error.function), e.import);
  // Linked to stubs instead: the call answers DENIED and no driver runs.
  EXPECT_TRUE(check_imports(*m.module, g, Link::stub_denied).ok());
  Mock mock;
  const pw_board board = mock_board(mock);
  App app(*m.module, board, g);
  ASSERT_TRUE(app.err.ok());
  EXPECT_EQ(app.run("go", {}), PW_HAL_E_DENIED);
  EXPECT_TRUE(mock.calls.empty());
  g.num_i2c = 1;
  g.i2c = kI2cs;
  EXPECT_TRUE(check_imports(*m.module, g).ok());
}

TEST(HalLink, UnknownHalFunctionIsUnknownImport) {
  Loaded m(wat(R"((module (import "pw_gpio" "frobnicate" (func (param i32) (result i32)))
                          (import "pw_hal" "abi_version" (func (result i32)))))"));
  EXPECT_TRUE(check_imports(*m.module, kGrant).ok());
  Mock mock;
  const pw_board board = mock_board(mock);
  App app(*m.module, board, kGrant);
  EXPECT_EQ(app.err.code, ErrorCode::unknown_import);
  EXPECT_EQ(app.err.function, 0u);
  // pw_hal needs no grant.
  Loaded h(wat(R"((module (import "pw_hal" "query" (func (param i32 i32 i32) (result i32)))))"));
  EXPECT_TRUE(check_imports(*h.module, kNothing).ok());
}

// ---- Policy and audit ----

TEST_F(Fixture, TrapOnDenialPolicy) {
  Grant g = kGrant;
  g.trap_on_denial = true;
  make(g);
  CallResult r = app->call("pw_gpio.configure", {3, 3});  // output on an input-only pin
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_host);
  EXPECT_STREQ(trap_report(*app->inst).host_message, "denied: pw_gpio");
  revoke(*app->hal, class_bit(Class::uart));
  r = app->call("pw_uart.write", {0, 100, 1});
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_STREQ(trap_report(*app->inst).host_message, "revoked: pw_uart");
  // Everything else stays a status.
  EXPECT_EQ(app->run("pw_gpio.configure", {8, 3}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_gpio.configure", {3, 9}), PW_HAL_E_INVALID);
  EXPECT_TRUE(mock.calls.empty());
}

TEST_F(Fixture, AuditCallbackCounts) {
  Grant g = kGrant;
  g.rate[static_cast<int>(Class::adc)].calls_per_s = 2;
  make(g);
  struct Seen {
    int denied = 0, revoked = 0, limited = 0;
    uint32_t last_resource = 0;
    Class last_class = Class::hal;
  } seen;
  app->hal->audit = [](void* ctx, const AuditEvent& e) {
    Seen& s = *static_cast<Seen*>(ctx);
    s.denied += e.status == PW_HAL_E_DENIED;
    s.revoked += e.status == PW_HAL_E_REVOKED;
    s.limited += e.status == PW_HAL_E_RATE_LIMITED;
    s.last_resource = e.resource;
    s.last_class = e.cls;
  };
  app->hal->audit_ctx = &seen;
  for (int k = 0; k < 3; ++k) app->run("pw_pwm.set", {1, 10, 10});
  EXPECT_EQ(seen.last_resource, 1u);
  EXPECT_EQ(seen.last_class, Class::pwm);
  for (int k = 0; k < 5; ++k) app->run("pw_adc.read", {1});
  EXPECT_EQ(seen.last_class, Class::adc);
  revoke(*app->hal, class_bit(Class::log));
  app->run("pw_log.write", {0, 0, 1});
  app->run("pw_gpio.configure", {9, 0});  // not present: no audit
  EXPECT_EQ(seen.denied, 3);
  EXPECT_EQ(seen.limited, 3);
  EXPECT_EQ(seen.revoked, 1);
  EXPECT_EQ(app->hal->stats[5].denied, 3u);
  EXPECT_EQ(app->hal->stats[6].rate_limited, 3u);
  EXPECT_EQ(app->hal->stats[8].denied, 1u);
}

// Pins beyond PICOWASM_HAL_MAX_PINS (the per-app pin state) are not present, even if the board
// claims them.
TEST_F(Fixture, PinsBeyondTheConfiguredMaximum) {
  constexpr GpioGrant all[] = {{0, 200, kInput | kOutput}};
  Grant g;
  g.gpio = all;
  g.num_gpio = 1;
  board.gpio_pins = 200;
  make(g);
  const uint64_t last = PICOWASM_HAL_MAX_PINS - 1, beyond = PICOWASM_HAL_MAX_PINS;
  EXPECT_EQ(app->run("pw_gpio.configure", {last, 3}), 0);
  EXPECT_EQ(app->run("pw_gpio.configure", {beyond, 3}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_gpio.write", {beyond, 1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_hal.query", {1, last, 3}), 1);
  EXPECT_EQ(app->run("pw_hal.query", {1, beyond, 3}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(mock.calls.size(), 1u);
}

// A board without some classes: NOT_PRESENT for all of them, never a crash.
TEST_F(Fixture, MissingDriversAreNotPresent) {
  board = pw_board{};
  board.clock = nullptr;
  make(kGrant);
  EXPECT_EQ(app->run("pw_gpio.configure", {2, 3}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_i2c.write", {0, 0x48, 0, 1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_spi.transfer", {0, 1, 0, 0, 1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_uart.write", {0, 0, 1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_pwm.set", {0, 0, 0}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_adc.read", {1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_time.now_us", {}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_time.sleep_us", {5}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_log.write", {0, 0, 1}), PW_HAL_E_NOT_PRESENT);
  EXPECT_EQ(app->run("pw_hal.query", {7, 0, 0}), PW_HAL_E_NOT_PRESENT);
}

// docs/hal-abi.md's order: pin state (configured, and which way) is checked after the grant, so
// an ungranted pin is DENIED whatever its state and a granted unconfigured one is INVALID.
TEST_F(Fixture, PinStateIsCheckedAfterTheGrant) {
  make(kGrant);
  EXPECT_EQ(app->run("pw_gpio.write", {5, 1}), PW_HAL_E_DENIED);  // ungranted, unconfigured
  EXPECT_EQ(app->run("pw_gpio.read", {6}), PW_HAL_E_DENIED);
  EXPECT_EQ(app->run("pw_gpio.write", {4, 1}), PW_HAL_E_INVALID);  // granted, unconfigured
  EXPECT_EQ(app->run("pw_gpio.wait_edge", {3, 1, 0}), PW_HAL_E_INVALID);
  EXPECT_EQ(app->run("pw_gpio.configure", {3, 0}), 0);
  EXPECT_EQ(app->run("pw_gpio.write", {3, 1}), PW_HAL_E_DENIED);  // configured, input grant only
  EXPECT_EQ(mock.calls, (std::vector<std::string>{"gpio.configure 3 0"}));
}

TEST(HalState, InstanceWithoutHalStateTraps) {
  Loaded m(wat(all_functions_wat()));
  Buffer buf(1 << 18);
  InstanceConfig cfg;
  cfg.arena = buf.data;
  cfg.arena_size = buf.size;
  cfg.host_functions = kHalFunctions;
  cfg.num_host_functions = kNumHalFunctions;
  Instance* inst = nullptr;
  ASSERT_TRUE(instantiate(*m.module, cfg, &inst).ok());
  ASSERT_TRUE(start(*inst, kUnlimitedFuel).error.ok());
  uint64_t slots[8] = {};
  const CallResult r = call(*inst, find_function(*inst, "pw_adc.read"), slots, kUnlimitedFuel);
  EXPECT_EQ(r.status, CallStatus::trap);
  unload(*inst);
}

// The example of board.hpp's header comment: GPIO pin 13 as output, and the log.
constexpr GpioGrant kPin13[] = {{13, 13, kOutput}};
constexpr Grant kBlinkGrant = [] {
  Grant g;
  g.gpio = kPin13;
  g.num_gpio = 1;
  g.log = true;
  return g;
}();

TEST(HalExample, Pin13AndLog) {
  Mock mock;
  pw_board my_board = mock_board(mock);
  my_board.gpio_pins = 16;
  Loaded m(wat(R"((module
    (import "pw_gpio" "configure" (func $cfg (param i32 i32) (result i32)))
    (import "pw_gpio" "toggle" (func $toggle (param i32) (result i32)))
    (import "pw_log" "write" (func $log (param i32 i32 i32) (result i32)))
    (memory 1) (data (i32.const 0) "on")
    (func (export "run") (result i32)
      (drop (call $cfg (i32.const 13) (i32.const 3)))
      (drop (call $log (i32.const 2) (i32.const 0) (i32.const 2)))
      (i32.add (call $toggle (i32.const 13)) (call $toggle (i32.const 12))))))"));
  AppHal hal;
  hal_init(hal, my_board, kBlinkGrant);
  ASSERT_TRUE(check_imports(*m.module, kBlinkGrant).ok());
  Buffer buf(1 << 18);
  InstanceConfig cfg = app_config(hal, buf.data, buf.size);
  Instance* inst = nullptr;
  ASSERT_TRUE(instantiate(*m.module, cfg, &inst).ok());
  ASSERT_TRUE(start(*inst, kUnlimitedFuel).error.ok());
  uint64_t slots[1] = {};
  ASSERT_EQ(call(*inst, find_function(*inst, "run"), slots, kUnlimitedFuel).status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(slots[0]), PW_HAL_E_DENIED);  // 0 + DENIED for pin 12
  EXPECT_EQ(mock.calls,
            (std::vector<std::string>{"gpio.configure 13 3", "log.write 2 2", "gpio.toggle 13"}));
  EXPECT_EQ(mock.log_text, "on");
  unload(*inst);
}

}  // namespace
}  // namespace board_test
