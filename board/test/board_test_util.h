// Board-layer tests: a mock board whose drivers record every call (and, given a grant, fail the
// test when they see a resource outside it), and apps made of small guest modules in WAT.
#ifndef PICOWASM_BOARD_TEST_UTIL_H
#define PICOWASM_BOARD_TEST_UTIL_H

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "picowasm/board.hpp"

#ifndef PICOWASM_WAT2WASM
#define PICOWASM_WAT2WASM "wat2wasm"
#endif

namespace board_test {

using namespace picowasm;
using namespace picowasm::board;
using Bytes = std::vector<uint8_t>;

// Converts WAT text with wabt at test time (the property test makes its modules at random).
inline Bytes wat(const std::string& text) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = "pw-board-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  const std::string in = (dir / (stem + ".wat")).string(), out = (dir / (stem + ".wasm")).string();
  std::ofstream(in) << text;
  const std::string cmd = std::string(PICOWASM_WAT2WASM) + " " + in + " -o " + out;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << text;
  std::ifstream f(out, std::ios::binary);
  Bytes b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  return b;
}

// The HAL ABI 1.0 functions: import module, field, params (i = i32, I = i64), result (i or I).
struct Sig {
  const char* module;
  const char* name;
  const char* params;
  char result;
};
inline const std::vector<Sig>& hal_sigs() {
  static const std::vector<Sig> s = {
      {"pw_hal", "abi_version", "", 'i'},      {"pw_hal", "query", "iii", 'i'},
      {"pw_gpio", "configure", "ii", 'i'},     {"pw_gpio", "write", "ii", 'i'},
      {"pw_gpio", "read", "i", 'i'},           {"pw_gpio", "toggle", "i", 'i'},
      {"pw_gpio", "wait_edge", "iiI", 'i'},    {"pw_i2c", "write", "iiii", 'i'},
      {"pw_i2c", "read", "iiii", 'i'},         {"pw_i2c", "write_read", "iiiiii", 'i'},
      {"pw_spi", "configure", "iiii", 'i'},    {"pw_spi", "transfer", "iiiii", 'i'},
      {"pw_uart", "write", "iii", 'i'},        {"pw_uart", "read", "iiiI", 'i'},
      {"pw_pwm", "set", "iii", 'i'},           {"pw_adc", "read", "i", 'i'},
      {"pw_time", "now_us", "", 'I'},          {"pw_time", "sleep_us", "I", 'i'},
      {"pw_time", "sleep_until_us", "I", 'i'}, {"pw_log", "write", "iii", 'i'},
  };
  return s;
}

inline std::string wat_type(char c) {
  return c == 'I' ? "i64" : "i32";
}

// The import declaration of `s`, as function $<module>.<name>.
inline std::string import_decl(const Sig& s) {
  std::string d = std::string("(import \"") + s.module + "\" \"" + s.name + "\" (func $" +
                  s.module + "." + s.name;
  if (*s.params) {
    d += " (param";
    for (const char* p = s.params; *p; ++p) d += " " + wat_type(*p);
    d += ")";
  }
  return d + " (result " + wat_type(s.result) + ")))\n";
}

// A guest importing every HAL function and exporting a wrapper "<module>.<name>" for each, plus
// `extra` (more functions), with one page of memory.
inline std::string all_functions_wat(const std::string& extra = "") {
  std::string w = "(module\n";
  for (const Sig& s : hal_sigs()) w += import_decl(s);
  w += "(memory (export \"memory\") 1)\n";
  for (const Sig& s : hal_sigs()) {
    w += std::string("(func (export \"") + s.module + "." + s.name + "\")";
    if (*s.params) {
      w += " (param";
      for (const char* p = s.params; *p; ++p) w += " " + wat_type(*p);
      w += ")";
    }
    w += " (result " + wat_type(s.result) + ")";
    for (size_t i = 0; s.params[i]; ++i) w += " local.get " + std::to_string(i);
    w += std::string(" call $") + s.module + "." + s.name + ")\n";
  }
  return w + extra + ")\n";
}

// ---- The mock board ----

struct Mock {
  std::vector<std::string> calls;  // "gpio.configure 3 1", ... in order
  uint64_t now = 0;
  int32_t status = PW_HAL_OK;  // what the drivers return
  uint32_t edges[PICOWASM_HAL_MAX_PINS] = {};
  int32_t watched[PICOWASM_HAL_MAX_PINS] = {};
  std::deque<uint8_t> uart_rx;
  std::string uart_tx, log_text;
  const Grant* grant = nullptr;      // set: every driver call must be inside it
  std::atomic<uint32_t> toggles{0};  // read by another thread

  void rec(const std::string& s) { calls.push_back(s); }
  size_t count(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& c : calls) n += c.compare(0, prefix.size(), prefix) == 0;
    return n;
  }
  void pin_granted(uint32_t pin, uint8_t need) const {
    if (!grant) return;
    uint8_t a = 0;
    for (uint32_t i = 0; i < grant->num_gpio; ++i) {
      if (pin >= grant->gpio[i].first && pin <= grant->gpio[i].last) a |= grant->gpio[i].access;
    }
    EXPECT_TRUE(need ? (a & need) == need : a != 0)
        << "driver saw pin " << pin << " need " << int(need);
  }
  void i2c_granted(uint32_t bus, uint32_t addr) const {
    if (!grant) return;
    bool ok = false;
    for (uint32_t i = 0; i < grant->num_i2c; ++i) {
      ok |= grant->i2c[i].bus == bus && ((grant->i2c[i].addrs[addr >> 5] >> (addr & 31)) & 1);
    }
    EXPECT_TRUE(ok) << "driver saw i2c " << bus << ":" << addr;
  }
  void spi_granted(uint32_t bus, uint32_t cs, uint32_t hz) const {
    if (!grant) return;
    bool ok = false;
    for (uint32_t i = 0; i < grant->num_spi; ++i) {
      const SpiGrant& g = grant->spi[i];
      ok |= g.bus == bus && ((g.cs_mask >> cs) & 1) && (g.max_hz == 0 || hz <= g.max_hz);
    }
    EXPECT_TRUE(ok) << "driver saw spi " << bus << ":" << cs << " @" << hz;
  }
  void uart_granted(uint32_t port, uint8_t need) const {
    if (!grant) return;
    uint8_t a = 0;
    for (uint32_t i = 0; i < grant->num_uart; ++i) {
      if (grant->uart[i].port == port) a |= grant->uart[i].access;
    }
    EXPECT_TRUE(a & need) << "driver saw uart " << port;
  }
};

inline Mock& M(void* c) {
  return *static_cast<Mock*>(c);
}
inline std::string S(uint64_t v) {
  return std::to_string(v);
}

extern "C" {
inline int32_t m_gpio_configure(void* c, uint32_t pin, int32_t mode) {
  M(c).pin_granted(pin, mode >= 3 ? kOutput : kInput);
  M(c).rec("gpio.configure " + S(pin) + " " + S(mode));
  return M(c).status;
}
inline int32_t m_gpio_write(void* c, uint32_t pin, int32_t level) {
  M(c).pin_granted(pin, kOutput);
  M(c).rec("gpio.write " + S(pin) + " " + S(level));
  return M(c).status;
}
inline int32_t m_gpio_read(void* c, uint32_t pin) {
  M(c).pin_granted(pin, 0);
  M(c).rec("gpio.read " + S(pin));
  return M(c).status == PW_HAL_OK ? 1 : M(c).status;
}
inline int32_t m_gpio_toggle(void* c, uint32_t pin) {
  M(c).pin_granted(pin, kOutput);
  M(c).rec("gpio.toggle " + S(pin));
  M(c).toggles.fetch_add(1);
  return M(c).status;
}
inline int32_t m_gpio_watch(void* c, uint32_t pin, int32_t edge) {
  M(c).pin_granted(pin, kInput);
  M(c).rec("gpio.watch " + S(pin) + " " + S(edge));
  M(c).watched[pin] = edge;
  M(c).edges[pin] = 0;
  return M(c).status;
}
inline int32_t m_gpio_edges(void* c, uint32_t pin) {
  M(c).pin_granted(pin, kInput);
  return static_cast<int32_t>(M(c).edges[pin]);
}
inline int32_t m_i2c_write(void* c, uint32_t bus, uint32_t addr, const uint8_t*, uint32_t len) {
  M(c).i2c_granted(bus, addr);
  M(c).rec("i2c.write " + S(bus) + " " + S(addr) + " " + S(len));
  return M(c).status;
}
inline int32_t m_i2c_read(void* c, uint32_t bus, uint32_t addr, uint8_t* buf, uint32_t len) {
  M(c).i2c_granted(bus, addr);
  M(c).rec("i2c.read " + S(bus) + " " + S(addr) + " " + S(len));
  for (uint32_t i = 0; i < len; ++i) buf[i] = static_cast<uint8_t>(0xA0 + i);
  return M(c).status;
}
inline int32_t m_i2c_write_read(void* c, uint32_t bus, uint32_t addr, const uint8_t*, uint32_t wlen,
                                uint8_t* r, uint32_t rlen) {
  M(c).i2c_granted(bus, addr);
  M(c).rec("i2c.write_read " + S(bus) + " " + S(addr) + " " + S(wlen) + " " + S(rlen));
  for (uint32_t i = 0; i < rlen; ++i) r[i] = static_cast<uint8_t>(0xB0 + i);
  return M(c).status;
}
inline int32_t m_spi_configure(void* c, uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz) {
  M(c).spi_granted(bus, cs, hz);
  M(c).rec("spi.configure " + S(bus) + " " + S(cs) + " " + S(mode) + " " + S(hz));
  return M(c).status;
}
inline int32_t m_spi_transfer(void* c, uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx,
                              uint32_t len) {
  M(c).spi_granted(bus, cs, 0);
  M(c).rec("spi.transfer " + S(bus) + " " + S(cs) + " " + S(tx != nullptr) + " " +
           S(rx != nullptr) + " " + S(len));
  if (rx) {
    for (uint32_t i = 0; i < len; ++i) rx[i] = tx ? static_cast<uint8_t>(tx[i] ^ 0xFF) : 0x11;
  }
  return M(c).status;
}
inline int32_t m_uart_write(void* c, uint32_t port, const uint8_t* d, uint32_t len) {
  M(c).uart_granted(port, kWrite);
  M(c).rec("uart.write " + S(port) + " " + S(len));
  M(c).uart_tx.append(reinterpret_cast<const char*>(d), len);
  return M(c).status == PW_HAL_OK ? static_cast<int32_t>(len) : M(c).status;
}
inline int32_t m_uart_read(void* c, uint32_t port, uint8_t* buf, uint32_t len) {
  M(c).uart_granted(port, kRead);
  M(c).rec("uart.read " + S(port) + " " + S(len));
  if (M(c).status != PW_HAL_OK) return M(c).status;
  uint32_t n = 0;
  while (n < len && !M(c).uart_rx.empty()) {
    buf[n++] = M(c).uart_rx.front();
    M(c).uart_rx.pop_front();
  }
  return static_cast<int32_t>(n);
}
inline int32_t m_pwm_set(void* c, uint32_t ch, uint32_t hz, uint32_t duty) {
  if (M(c).grant) {
    EXPECT_TRUE((M(c).grant->pwm_channels >> ch) & 1) << "pwm " << ch;
  }
  M(c).rec("pwm.set " + S(ch) + " " + S(hz) + " " + S(duty));
  return M(c).status;
}
inline int32_t m_adc_read(void* c, uint32_t ch) {
  if (M(c).grant) {
    EXPECT_TRUE((M(c).grant->adc_channels >> ch) & 1) << "adc " << ch;
  }
  M(c).rec("adc.read " + S(ch));
  return M(c).status == PW_HAL_OK ? 1234 : M(c).status;
}
inline uint64_t m_now(void* c) {
  return M(c).now;
}
inline int32_t m_log(void* c, int32_t level, const char* text, uint32_t len) {
  if (M(c).grant) {
    EXPECT_TRUE(M(c).grant->log) << "log";
  }
  M(c).rec("log.write " + S(level) + " " + S(len));
  M(c).log_text.assign(text, len);
  return M(c).status;
}
}

constexpr pw_gpio_driver kGpio = {m_gpio_configure, m_gpio_write, m_gpio_read,
                                  m_gpio_toggle,    m_gpio_watch, m_gpio_edges};
constexpr pw_i2c_driver kI2c = {m_i2c_write, m_i2c_read, m_i2c_write_read};
constexpr pw_spi_driver kSpi = {m_spi_configure, m_spi_transfer};
constexpr pw_uart_driver kUart = {m_uart_write, m_uart_read};
constexpr pw_pwm_driver kPwm = {m_pwm_set};
constexpr pw_adc_driver kAdc = {m_adc_read};
constexpr pw_clock_driver kClock = {m_now};
constexpr pw_log_driver kLog = {m_log};

// A board with 8 pins, 2 I2C buses, 2 SPI buses of 4 chip selects, 3 UART ports, 2 PWM and 2
// ADC channels, a clock and a log, every driver the mock.
inline pw_board mock_board(Mock& m) {
  pw_board b{};
  b.gpio_pins = 8;
  b.i2c_buses = 2;
  b.spi_buses = 2;
  b.spi_chip_selects = 4;
  b.uart_ports = 3;
  b.pwm_channels = 2;
  b.adc_channels = 2;
  b.gpio = &kGpio;
  b.i2c = &kI2c;
  b.spi = &kSpi;
  b.uart = &kUart;
  b.pwm = &kPwm;
  b.adc = &kAdc;
  b.clock = &kClock;
  b.log = &kLog;
  b.gpio_ctx = b.i2c_ctx = b.spi_ctx = b.uart_ctx = b.pwm_ctx = b.adc_ctx = b.clock_ctx =
      b.log_ctx = &m;
  return b;
}

// A 16-byte-aligned heap buffer standing in for a static one.
struct Buffer {
  explicit Buffer(size_t n) : storage(n + 16), size(n) {
    data = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(storage.data()) + 15) &
                                      ~uintptr_t{15});
  }
  std::vector<uint8_t> storage;
  uint8_t* data;
  size_t size;
};

struct Loaded {
  explicit Loaded(Bytes b) : bytes(std::move(b)), buffer(1 << 18) {
    ModuleConfig cfg;
    cfg.arena = buffer.data;
    cfg.arena_size = buffer.size;
    const Error e = load(bytes.data(), bytes.size(), cfg, &module);
    EXPECT_TRUE(e.ok()) << error_code_name(e.code);
  }
  Bytes bytes;
  Buffer buffer;
  LoadedModule* module = nullptr;
};

// One app: an instance of `module` linked to the HAL with `grant` on `board`.
struct App {
  App(const LoadedModule& module, const pw_board& board, const Grant& grant)
      : buffer(1 << 18), hal(new AppHal) {
    hal_init(*hal, board, grant);
    InstanceConfig cfg = app_config(*hal, buffer.data, buffer.size);
    cfg.limits.stack_bytes = 8 * 1024;
    cfg.limits.call_depth = 64;
    err = instantiate(module, cfg, &inst);
    if (err.ok()) err = start(*inst, kUnlimitedFuel).error;
  }
  ~App() {
    if (inst) unload(*inst);
  }
  // Calls export `name`; pauses are left to the caller (status paused).
  CallResult call(const char* name, std::vector<uint64_t> args) {
    FuncInst* f = find_function(*inst, name);
    EXPECT_NE(f, nullptr) << name;
    slots = args;
    slots.resize(8);
    return picowasm::call(*inst, f, slots.data(), kUnlimitedFuel);
  }
  // Calls export `name` expecting it to return without pausing; its i32 (or i64) result.
  int64_t run(const char* name, std::vector<uint64_t> args) {
    const CallResult r = call(name, std::move(args));
    EXPECT_EQ(r.status, CallStatus::ok) << name;
    return ret(name);
  }
  int64_t ret(const char* name) const {
    const FuncType& t = function_type(*find_function(*inst, name));
    if (t.num_results && t.results[0] == ValType::i64) return static_cast<int64_t>(slots[0]);
    return static_cast<int32_t>(static_cast<uint32_t>(slots[0]));
  }
  uint8_t* mem() const { return instance_memory(*inst).data; }
  Buffer buffer;
  std::unique_ptr<AppHal> hal;
  Instance* inst = nullptr;
  Error err;
  std::vector<uint64_t> slots;
};

}  // namespace board_test

#endif  // PICOWASM_BOARD_TEST_UTIL_H
