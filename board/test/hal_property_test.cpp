// Property test (CTest `hal_property`): random guests call random HAL functions with random
// resource arguments under random grants; the mock drivers fail the test if they ever see a
// resource outside the grant. Seeded (PICOWASM_HAL_SEED), PICOWASM_HAL_GUESTS guests.
#include <cstdio>
#include <random>

#include "board_test_util.h"

namespace board_test {
namespace {

struct RandomGrant {
  std::vector<GpioGrant> gpio;
  std::vector<I2cGrant> i2c;
  std::vector<SpiGrant> spi;
  std::vector<UartGrant> uart;
  Grant grant;
};

void make_grant(std::mt19937& rng, RandomGrant& r) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  for (uint32_t k = pick(4); k > 0; --k) {
    const uint16_t first = static_cast<uint16_t>(pick(10));
    r.gpio.push_back(
        {first, static_cast<uint16_t>(first + pick(3)), static_cast<uint8_t>(1 + pick(3))});
  }
  for (uint32_t k = pick(3); k > 0; --k) {
    I2cGrant g = i2c_grant(static_cast<uint8_t>(pick(3)), {0x48, 0x50});
    g.addrs[pick(4)] |= static_cast<uint32_t>(rng());
    if (pick(2)) g = i2c_grant(g.bus, {static_cast<uint8_t>(pick(128))});
    r.i2c.push_back(g);
  }
  const uint32_t clocks[] = {0, 1000000, 8000000};
  for (uint32_t k = pick(3); k > 0; --k) {
    r.spi.push_back({static_cast<uint8_t>(pick(3)), pick(16), clocks[pick(3)]});
  }
  for (uint32_t k = pick(4); k > 0; --k) {
    r.uart.push_back({static_cast<uint8_t>(pick(4)), static_cast<uint8_t>(1 + pick(3))});
  }
  Grant& g = r.grant;
  g.gpio = r.gpio.data();
  g.num_gpio = static_cast<uint32_t>(r.gpio.size());
  g.i2c = r.i2c.data();
  g.num_i2c = static_cast<uint32_t>(r.i2c.size());
  g.spi = r.spi.data();
  g.num_spi = static_cast<uint32_t>(r.spi.size());
  g.uart = r.uart.data();
  g.num_uart = static_cast<uint32_t>(r.uart.size());
  g.pwm_channels = pick(8);
  g.adc_channels = pick(8);
  g.time = pick(2);
  g.log = pick(2);
  g.trap_on_denial = pick(10) == 0;
  for (RateLimit& rl : g.rate) {
    if (pick(4) == 0) rl.calls_per_s = 1 + pick(50);
    if (pick(4) == 0) rl.bytes_per_s = 1 + pick(1000);
  }
}

// One random call of `s`, as WAT (its result dropped).
std::string random_call(std::mt19937& rng, const Sig& s, const RandomGrant& g) {
  auto pick = [&](uint32_t n) { return static_cast<int64_t>(rng() % n); };
  const std::string name = std::string(s.module) + "." + s.name;
  std::vector<int64_t> a;
  const int64_t buf = pick(65536 - 300), len = pick(8) == 0 ? pick(300) : 1 + pick(16);
  const int64_t timeouts[] = {0, 0, 100, 2000, -1};
  const int64_t addrs[] = {-1, 0x10, 0x48, 0x50, 0x7F, 0x80, pick(128)};
  const int64_t clocks[] = {0, 1000, 1000000, 8000000, 20000000};
  auto res = [&] { return pick(6) - 1; };  // -1 .. 4: some missing, some negative
  // Half the time a resource the grant names (else the drivers would rarely run at all).
  const bool near = pick(2);
  auto pin = [&] {
    return near && !g.gpio.empty() ? g.gpio[pick(g.gpio.size())].first + pick(2) : pick(11) - 1;
  };
  int64_t bus = res(), addr = addrs[pick(7)], cs = res(), port = res(), ch = res();
  if (near && !g.i2c.empty()) {
    const I2cGrant& i = g.i2c[pick(g.i2c.size())];
    bus = i.bus;
    for (uint32_t a = 0; a < 128; ++a) {
      if ((i.addrs[a >> 5] >> (a & 31)) & 1) addr = a;
    }
  }
  if (near && !g.spi.empty()) {
    const SpiGrant& i = g.spi[pick(g.spi.size())];
    bus = i.bus;
    cs = i.cs_mask ? __builtin_ctz(i.cs_mask) : 0;
  }
  if (near && !g.uart.empty()) port = g.uart[pick(g.uart.size())].port;
  if (near && (g.grant.pwm_channels | g.grant.adc_channels)) {
    ch = __builtin_ctz(g.grant.pwm_channels | g.grant.adc_channels);
  }
  if (name == "pw_hal.query") a = {pick(10), res(), pick(4) == 0 ? addrs[pick(7)] : pick(4)};
  if (name == "pw_gpio.configure") a = {pin(), pick(6)};
  if (name == "pw_gpio.write") a = {pin(), pick(3)};
  if (name == "pw_gpio.read" || name == "pw_gpio.toggle") a = {pin()};
  if (name == "pw_gpio.wait_edge") a = {pin(), pick(5), timeouts[pick(5)]};
  if (name == "pw_i2c.write" || name == "pw_i2c.read") a = {bus, addr, buf, len};
  if (name == "pw_i2c.write_read") a = {bus, addr, buf, len, buf, 1 + pick(8)};
  if (name == "pw_spi.configure") a = {bus, cs, pick(5), clocks[pick(5)]};
  if (name == "pw_spi.transfer") a = {bus, cs, pick(3) ? buf : 0, pick(3) ? buf : 0, len};
  if (name == "pw_uart.write") a = {port, buf, len};
  if (name == "pw_uart.read") a = {port, buf, len, timeouts[pick(5)]};
  if (name == "pw_pwm.set") a = {ch, clocks[pick(5)], pick(70000)};
  if (name == "pw_adc.read") a = {ch};
  if (name == "pw_time.sleep_us") a = {pick(5) == 0 ? -1 : pick(3000)};
  if (name == "pw_time.sleep_until_us") a = {pick(200000)};
  if (name == "pw_log.write") a = {pick(5), buf, len};
  std::string w = "(drop (call $" + name;
  for (size_t k = 0; k < a.size(); ++k) {
    w += std::string(" (") + (s.params[k] == 'I' ? "i64" : "i32") + ".const " +
         std::to_string(a[k]) + ")";
  }
  return w + "))\n";
}

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 0) : fallback;
}

TEST(HalProperty, RandomGuestsNeverReachUngrantedResources) {
  const uint64_t seed = env_or("PICOWASM_HAL_SEED", 20261202);
  const uint64_t guests = env_or("PICOWASM_HAL_GUESTS", 120);
  const uint32_t calls_per_guest = 200;
  std::mt19937 rng(static_cast<uint32_t>(seed));
  uint64_t hal_calls = 0, driver_calls = 0, yields = 0, traps = 0;
  for (uint64_t n = 0; n < guests; ++n) {
    SCOPED_TRACE("guest " + std::to_string(n) + " seed " + std::to_string(seed));
    RandomGrant rg;
    make_grant(rng, rg);
    std::string w = "(module\n";
    for (const Sig& s : hal_sigs()) w += import_decl(s);
    w += "(memory 1)\n(func (export \"run\")\n";
    uint32_t counted = 0;  // pw_hal.abi_version needs no state and is not counted
    for (uint32_t k = 0; k < calls_per_guest; ++k) {
      const Sig& sig = hal_sigs()[rng() % hal_sigs().size()];
      counted += std::string(sig.name) != "abi_version";
      w += random_call(rng, sig, rg);
    }
    w += "))\n";
    Loaded m(wat(w));
    ASSERT_NE(m.module, nullptr);
    ASSERT_TRUE(check_imports(*m.module, rg.grant, Link::stub_denied).ok());
    Mock mock;
    mock.grant = &rg.grant;
    const pw_board board = mock_board(mock);
    App app(*m.module, board, rg.grant);
    ASSERT_TRUE(app.err.ok());
    CallResult r = app.call("run", {});
    for (int polls = 0; r.status == CallStatus::paused; ++polls) {
      ASSERT_EQ(r.pause, PauseReason::host_yield);
      ++yields;
      mock.now += 700;
      if (polls % 4 == 3) {  // eventually what the guest waits for happens
        mock.uart_rx.assign({1, 2, 3});
        for (uint32_t p = 0; p < PICOWASM_HAL_MAX_PINS; ++p) {
          if (mock.watched[p]) mock.edges[p] = 3;
        }
      }
      const Poll p = hal_poll(*app.hal, mock.now);
      ASSERT_NE(p, Poll::idle);
      if (p == Poll::ready) r = resume(*app.inst, app.slots.data(), kUnlimitedFuel);
    }
    uint32_t calls = 0;
    for (const ClassStats& s : app.hal->stats) calls += s.calls;
    if (r.status == CallStatus::trap) {
      // Only the trap-on-denial policy may end a guest early.
      EXPECT_TRUE(rg.grant.trap_on_denial);
      EXPECT_EQ(r.error.code, ErrorCode::trap_host);
      ++traps;
    } else {
      EXPECT_EQ(calls, counted);
    }
    hal_calls += calls;
    driver_calls += mock.calls.size();
  }
  std::printf(
      "hal_property: seed %llu, %llu guests, %llu HAL calls, %llu reached drivers, "
      "%llu yields, %llu trapped by policy\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(guests),
      static_cast<unsigned long long>(hal_calls), static_cast<unsigned long long>(driver_calls),
      static_cast<unsigned long long>(yields), static_cast<unsigned long long>(traps));
}

}  // namespace
}  // namespace board_test
