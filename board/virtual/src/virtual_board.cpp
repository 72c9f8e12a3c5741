// The virtual board: device models, drivers over board_drivers.h, the virtual clock and the trace.
#include "picowasm/virtual_board.hpp"

#include <algorithm>
#include <cstring>

namespace picowasm {
namespace vboard {

// ---- TMP105 (QEMU hw/sensor/tmp105.c semantics) -------------------------------------------------

namespace {
constexpr uint8_t kRegTemperature = 0, kRegConfig = 1, kRegTLow = 2, kRegTHigh = 3;
constexpr int16_t kResetTLow = 0x4b00;   // 75.0 C
constexpr int16_t kResetTHigh = 0x5000;  // 80.0 C
}  // namespace

void Tmp105::reset() {
  pointer_ = config_ = len_ = 0;
  buf_[0] = buf_[1] = 0;
  temperature_ = 0;
  limit_[0] = kResetTLow;
  limit_[1] = kResetTHigh;
}

bool Tmp105::set_temperature(int32_t milli_c) {
  if (milli_c >= 128000 || milli_c < -128000) return false;
  temperature_ = static_cast<int16_t>(static_cast<int64_t>(milli_c) * 256 / 1000);
  return true;
}

void Tmp105::start(bool receive) {
  if (receive) {
    // The register is latched into the two-byte buffer when a read starts.
    const uint16_t t = static_cast<uint16_t>(temperature_);
    switch (pointer_ & 3) {
      case kRegTemperature: {
        // Resolution bits R1:R0 (config bits 6:5): 9 + R bits; the unused low bits read 0.
        const unsigned unused = (~config_ >> 5) & 3u;
        buf_[0] = static_cast<uint8_t>(t >> 8);
        buf_[1] = static_cast<uint8_t>(t & (0xF0u << unused));
        break;
      }
      case kRegConfig: buf_[0] = config_; break;  // one byte; buf_[1] keeps what it held
      default: {
        const uint16_t l = static_cast<uint16_t>(limit_[pointer_ & 1]);
        buf_[0] = static_cast<uint8_t>(l >> 8);
        buf_[1] = static_cast<uint8_t>(l);
        break;
      }
    }
  }
  len_ = 0;
}

void Tmp105::send(uint8_t byte) {
  if (len_ == 0) {
    pointer_ = byte;
    ++len_;
    return;
  }
  if (len_ <= 2) buf_[len_ - 1] = byte;
  ++len_;
  write_register();
}

void Tmp105::write_register() {
  switch (pointer_ & 3) {
    case kRegTemperature: break;  // read-only
    case kRegConfig: config_ = buf_[0]; break;
    default:
      if (len_ >= 3) {
        limit_[pointer_ & 1] =
            static_cast<int16_t>((static_cast<uint16_t>(buf_[0]) << 8) | buf_[1]);
      }
      break;
  }
}

uint8_t Tmp105::receive() {
  return len_ < 2 ? buf_[len_++] : 0xFF;
}

// ---- AT24C02 EEPROM
// ---------------------------------------------------------------------------------

void Eeprom::clear() {
  std::memset(data_, 0xFF, sizeof data_);
  pointer_ = 0;
  addressed_ = false;
}

void Eeprom::start(bool receive) {
  if (!receive) addressed_ = false;  // a write begins with the word address
}

void Eeprom::send(uint8_t byte) {
  if (!addressed_) {
    pointer_ = byte;
    addressed_ = true;
    return;
  }
  data_[pointer_] = byte;
  // Page write: only the low 3 bits count, so a write past the page's end wraps to its start.
  const uint8_t page = static_cast<uint8_t>(pointer_ & ~(kEepromPage - 1));
  pointer_ = static_cast<uint8_t>(page | ((pointer_ + 1) & (kEepromPage - 1)));
}

uint8_t Eeprom::receive() {
  return data_[pointer_++];  // sequential read rolls over at 256 (uint8_t)
}

// ---- M25P80 serial flash (QEMU hw/block/m25p80.c, read paths)
// -------------------------------------

namespace {
constexpr uint8_t kCmdReadId = 0x9F, kCmdRead = 0x03, kCmdNop = 0x00;
constexpr uint32_t kIdBytes = 6;  // QEMU answers SPI_NOR_MAX_ID_LEN bytes: the ID, then zeros
}  // namespace

SerialFlash::SerialFlash() : storage_(kFlashBytes, 0xFF) {}

void SerialFlash::select() {
  state_ = State::command;
  count_ = 0;
}

uint8_t SerialFlash::transfer(uint8_t tx) {
  switch (state_) {
    case State::command:
      count_ = 0;
      if (tx == kCmdReadId) {
        state_ = State::id;
      } else if (tx == kCmdRead) {
        state_ = State::address;
        address_ = 0;
      } else if (tx != kCmdNop) {
        state_ = State::zeros;  // not modelled (writes, erases, status): answers zeros
      }
      return 0;
    case State::address:
      address_ = (address_ << 8) | tx;
      if (++count_ == 3) {
        address_ &= kFlashBytes - 1;
        state_ = State::read;
      }
      return 0;
    case State::read: {
      const uint8_t b = storage_[address_];
      address_ = (address_ + 1) & (kFlashBytes - 1);
      return b;
    }
    case State::id: {
      const uint8_t b = count_ < 3 ? kFlashJedecId[count_] : 0;
      if (++count_ == kIdBytes) state_ = State::command;
      return b;
    }
    case State::zeros: break;
  }
  return 0;
}

void SerialFlash::load(uint32_t address, const uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) storage_[(address + i) & (kFlashBytes - 1)] = bytes[i];
}

// ---- Trace text
// ----------------------------------------------------------------------------------------

namespace {
std::string hex(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}
// Printable ASCII as is, anything else as \xNN (the bytes come from the app).
std::string text(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    if (b >= 0x20 && b < 0x7F && b != '\\' && b != '"') {
      s += static_cast<char>(b);
    } else {
      s += "\\x";
      s += kDigits[b >> 4];
      s += kDigits[b & 15];
    }
  }
  return s;
}
}  // namespace

std::string format_trace(const TraceEntry& e) {
  std::string s = "t=" + std::to_string(e.time_us) + " " + e.cls + " " +
                  std::to_string(e.resource) + " " + e.op + " value=" + std::to_string(e.value);
  if (e.value2) s += " value2=" + std::to_string(e.value2);
  const bool is_text = e.cls == "uart" || e.cls == "log";
  if (!e.out.empty()) s += is_text ? " text=\"" + text(e.out) + "\"" : " out=" + hex(e.out);
  if (!e.in.empty()) s += is_text ? " text=\"" + text(e.in) + "\"" : " in=" + hex(e.in);
  if (e.status) s += " status=" + std::to_string(e.status);
  return s;
}

// ---- C driver tables: every context is the VirtualBoard
// --------------------------------------------

namespace {
VirtualBoard& V(void* ctx) {
  return *static_cast<VirtualBoard*>(ctx);
}
extern "C" {
int32_t d_gpio_configure(void* c, uint32_t pin, int32_t mode) {
  return V(c).gpio_configure(pin, mode);
}
int32_t d_gpio_write(void* c, uint32_t pin, int32_t level) {
  return V(c).gpio_write(pin, level);
}
int32_t d_gpio_read(void* c, uint32_t pin) {
  return V(c).gpio_read(pin);
}
int32_t d_gpio_toggle(void* c, uint32_t pin) {
  return V(c).gpio_toggle(pin);
}
int32_t d_gpio_watch(void* c, uint32_t pin, int32_t edge) {
  return V(c).gpio_watch_edge(pin, edge);
}
int32_t d_gpio_edges(void* c, uint32_t pin) {
  return V(c).gpio_edges(pin);
}
int32_t d_i2c_write(void* c, uint32_t bus, uint32_t addr, const uint8_t* d, uint32_t n) {
  return V(c).i2c_transfer(bus, addr, d, n, nullptr, 0, "write");
}
int32_t d_i2c_read(void* c, uint32_t bus, uint32_t addr, uint8_t* b, uint32_t n) {
  return V(c).i2c_transfer(bus, addr, nullptr, 0, b, n, "read");
}
int32_t d_i2c_write_read(void* c, uint32_t bus, uint32_t addr, const uint8_t* w, uint32_t wn,
                         uint8_t* r, uint32_t rn) {
  return V(c).i2c_transfer(bus, addr, w, wn, r, rn, "write_read");
}
int32_t d_spi_configure(void* c, uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz) {
  return V(c).spi_configure(bus, cs, mode, hz);
}
int32_t d_spi_transfer(void* c, uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx,
                       uint32_t n) {
  return V(c).spi_transfer(bus, cs, tx, rx, n);
}
int32_t d_uart_write(void* c, uint32_t port, const uint8_t* d, uint32_t n) {
  return V(c).uart_write(port, d, n);
}
int32_t d_uart_read(void* c, uint32_t port, uint8_t* b, uint32_t n) {
  return V(c).uart_read(port, b, n);
}
int32_t d_pwm_set(void* c, uint32_t ch, uint32_t hz, uint32_t duty) {
  return V(c).pwm_set(ch, hz, duty);
}
int32_t d_adc_read(void* c, uint32_t ch) {
  return V(c).adc_read(ch);
}
uint64_t d_now(void* c) {
  return V(c).now_us();
}
int32_t d_log(void* c, int32_t level, const char* text, uint32_t n) {
  return V(c).log_write(level, text, n);
}
int32_t d_entropy(void* c, uint8_t* buf, uint32_t n) {
  return V(c).entropy_fill(buf, n);
}
}

constexpr pw_gpio_driver kGpio = {d_gpio_configure, d_gpio_write, d_gpio_read,
                                  d_gpio_toggle,    d_gpio_watch, d_gpio_edges};
constexpr pw_i2c_driver kI2c = {d_i2c_write, d_i2c_read, d_i2c_write_read};
constexpr pw_spi_driver kSpi = {d_spi_configure, d_spi_transfer};
constexpr pw_uart_driver kUart = {d_uart_write, d_uart_read};
constexpr pw_pwm_driver kPwm = {d_pwm_set};
constexpr pw_adc_driver kAdc = {d_adc_read};
constexpr pw_clock_driver kClock = {d_now};
constexpr pw_log_driver kLog = {d_log};
constexpr pw_entropy_driver kEntropy = {d_entropy};

// ---- The relay bank: board-specific class pw_board_relay ----

VirtualBoard& of(const board::AppHal& app) {
  return V(app.board->gpio_ctx);
}

// The board layer's gate first (counts, revocation, grant, rate limit), as for built-in classes:
// the board when the relay may be switched or read, else null with the status in *status.
VirtualBoard* relay_gate(HostContext& ctx, int32_t relay, int32_t* status) {
  *status = 0;
  board::AppHal* app = board::board_class_enter(ctx, kRelayClass);
  if (!app) return nullptr;
  if (relay < 0) {
    *status = PW_HAL_E_INVALID;
  } else if (static_cast<uint32_t>(relay) >= kRelays) {
    *status = PW_HAL_E_NOT_PRESENT;
  } else {
    *status = board::board_class_admit(ctx, *app, kRelayClass, static_cast<uint32_t>(relay), 0);
  }
  return *status ? nullptr : &of(*app);
}
int32_t relay_set(HostContext& ctx, int32_t relay, int32_t on) {
  int32_t status;
  VirtualBoard* vb = relay_gate(ctx, relay, &status);
  return vb ? vb->relay_set(static_cast<uint32_t>(relay), on != 0) : status;
}
int32_t relay_get(HostContext& ctx, int32_t relay) {
  int32_t status;
  VirtualBoard* vb = relay_gate(ctx, relay, &status);
  return vb ? vb->relay_get(static_cast<uint32_t>(relay)) : status;
}

constexpr char kRelayModule[] = "pw_board_relay";
constexpr HostFunction kRelayFunctions[2] = {
    host_function<&relay_set>(kRelayModule, "set"),
    host_function<&relay_get>(kRelayModule, "get"),
};
}  // namespace

const board::BoardClass kBoardClasses[1] = {
    {kRelayModule, "denied: pw_board_relay", "revoked: pw_board_relay"}};

// ---- The board
// ------------------------------------------------------------------------------------

VirtualBoard::VirtualBoard() {
  board_.gpio_pins = kPins;
  board_.i2c_buses = kI2cBuses;
  board_.spi_buses = kSpiBuses;
  board_.spi_chip_selects = kSpiChipSelects;
  board_.uart_ports = kUartPorts;
  board_.pwm_channels = kPwmChannels;
  board_.adc_channels = kAdcChannels;
  board_.gpio = &kGpio;
  board_.i2c = &kI2c;
  board_.spi = &kSpi;
  board_.uart = &kUart;
  board_.pwm = &kPwm;
  board_.adc = &kAdc;
  board_.clock = &kClock;
  board_.log = &kLog;
  board_.entropy = &kEntropy;
  board_.gpio_ctx = board_.i2c_ctx = board_.spi_ctx = board_.uart_ctx = board_.pwm_ctx =
      board_.adc_ctx = board_.clock_ctx = board_.log_ctx = board_.entropy_ctx = this;
  num_functions_ = board::hal_function_table(kRelayFunctions, 2, functions_,
                                             sizeof functions_ / sizeof functions_[0]);
  tmp105.set_temperature(kDefaultTempMilliC);
  for (uint32_t& a : adc_) a = kDefaultAdcSample;
}

void VirtualBoard::schedule(const ScriptEvent& event) {
  // Keep the pending events sorted by time, stable for equal times.
  auto pos = std::upper_bound(events_.begin() + static_cast<std::ptrdiff_t>(next_event_),
                              events_.end(), event.time_us,
                              [](uint64_t t, const ScriptEvent& e) { return t < e.time_us; });
  events_.insert(pos, event);
}

uint64_t VirtualBoard::next_event_us() const {
  return next_event_ < events_.size() ? events_[next_event_].time_us : UINT64_MAX;
}

void VirtualBoard::advance_to(uint64_t t) {
  while (next_event_ < events_.size() && events_[next_event_].time_us <= t) {
    const ScriptEvent e = events_[next_event_++];
    if (e.time_us > now_) now_ = e.time_us;
    apply(e);
  }
  if (t > now_) now_ = t;
}

void VirtualBoard::apply(const ScriptEvent& e) {
  switch (e.kind) {
    case ScriptEvent::Kind::pin_level: set_external(e.target, static_cast<int32_t>(e.value)); break;
    case ScriptEvent::Kind::temperature:
      tmp105.set_temperature(static_cast<int32_t>(e.value));
      break;
    case ScriptEvent::Kind::adc_sample:
      if (e.target < kAdcChannels) adc_[e.target] = static_cast<uint32_t>(e.value);
      break;
    case ScriptEvent::Kind::uart_input: uart_in_ += e.bytes; break;
    case ScriptEvent::Kind::revoke:
      if (app_) board::revoke(*app_, e.target);
      break;
  }
}

void VirtualBoard::after_op() {
  if (us_per_op_) advance_to(now_ + us_per_op_);
}

TraceEntry& VirtualBoard::record(const char* cls, uint32_t resource, const char* op,
                                 int64_t value) {
  TraceEntry* e = &scratch_;
  if (trace_.size() < kMaxTraceEntries) {
    trace_.emplace_back();
    e = &trace_.back();
  } else {
    ++trace_dropped_;
    scratch_ = TraceEntry();
  }
  e->time_us = now_;
  e->cls = cls;
  e->resource = resource;
  e->op = op;
  e->value = value;
  return *e;
}

void VirtualBoard::keep(std::vector<uint8_t>* to, const uint8_t* bytes, uint32_t len) {
  if (bytes) to->assign(bytes, bytes + std::min<size_t>(len, kMaxTraceBytes));
}

int32_t VirtualBoard::input_level(const Pin& p) const {
  if (p.external >= 0) return p.external;
  return p.mode == 1 ? 1 : 0;  // pull-up reads high; floating and pull-down read low
}

int32_t VirtualBoard::pin_level(uint32_t pin) const {
  if (pin >= kPins) return -1;
  const Pin& p = pins_[pin];
  return p.mode >= 3 ? p.out : input_level(p);
}

void VirtualBoard::set_external(uint32_t pin, int32_t level) {
  if (pin >= kPins) return;
  Pin& p = pins_[pin];
  const int32_t before = input_level(p);
  p.external = level != 0;
  const int32_t after = input_level(p);
  if (after != before) {
    const int32_t edge = after ? 1 : 2;  // bit 0 rising, bit 1 falling
    if (p.watch & edge) p.latched |= edge;
  }
  record("gpio", pin, "button", p.external);
}

// ---- Drivers
// --------------------------------------------------------------------------------------

int32_t VirtualBoard::gpio_configure(uint32_t pin, int32_t mode) {
  pins_[pin].mode = mode;
  record("gpio", pin, "configure", mode);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::gpio_write(uint32_t pin, int32_t level) {
  pins_[pin].out = level != 0;
  record("gpio", pin, "write", pins_[pin].out);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::gpio_read(uint32_t pin) {
  const int32_t level = pin_level(pin);
  record("gpio", pin, "read", level);
  after_op();
  return level;
}

int32_t VirtualBoard::gpio_toggle(uint32_t pin) {
  pins_[pin].out ^= 1;
  record("gpio", pin, "toggle", pins_[pin].out);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::gpio_watch_edge(uint32_t pin, int32_t edge) {
  pins_[pin].watch = edge;
  pins_[pin].latched = 0;
  record("gpio", pin, "watch_edge", edge);
  return PW_HAL_OK;
}

int32_t VirtualBoard::gpio_edges(uint32_t pin) {
  return pins_[pin].latched;  // polled by the HAL: not an operation of its own
}

int32_t VirtualBoard::i2c_transfer(uint32_t bus, uint32_t addr, const uint8_t* w, uint32_t wlen,
                                   uint8_t* r, uint32_t rlen, const char* op) {
  I2cTarget* target = nullptr;
  if (bus == 0 && addr == kTmp105Address) target = &tmp105;
  if (bus == 0 && addr == kEepromAddress) target = &eeprom;
  TraceEntry& e = record("i2c", bus, op, addr);
  keep(&e.out, w, wlen);
  if (!target) {
    e.status = PW_HAL_E_NACK;
    after_op();
    return PW_HAL_E_NACK;
  }
  if (w) {
    target->start(false);
    for (uint32_t i = 0; i < wlen; ++i) target->send(w[i]);
  }
  if (r) {
    target->start(true);  // a repeated START after a write
    for (uint32_t i = 0; i < rlen; ++i) r[i] = target->receive();
  }
  target->stop();
  keep(&e.in, r, rlen);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::spi_configure(uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz) {
  TraceEntry& e = record("spi", bus, "configure", cs);
  e.value2 = hz;
  if (hz > kMaxSpiHz) {
    e.status = PW_HAL_E_NOT_SUPPORTED;
    return PW_HAL_E_NOT_SUPPORTED;
  }
  spi_mode_[cs] = mode;
  spi_hz_[cs] = hz;
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::spi_transfer(uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx,
                                   uint32_t len) {
  TraceEntry& e = record("spi", bus, "transfer", cs);
  std::vector<uint8_t> in(len);
  if (cs == 0) flash.select();
  for (uint32_t i = 0; i < len; ++i) {
    in[i] = cs == 0 ? flash.transfer(tx ? tx[i] : 0) : 0xFF;  // nothing on cs 1: MISO idles high
  }
  if (rx) std::memcpy(rx, in.data(), len);
  keep(&e.out, tx, len);
  keep(&e.in, in.data(), len);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::uart_write(uint32_t port, const uint8_t* data, uint32_t len) {
  uart_out_.append(reinterpret_cast<const char*>(data), len);
  if (uart_sink) uart_sink(data, len);
  TraceEntry& e = record("uart", port, "write", len);
  keep(&e.out, data, len);
  after_op();
  return static_cast<int32_t>(len);
}

int32_t VirtualBoard::uart_read(uint32_t port, uint8_t* buf, uint32_t len) {
  const size_t available = uart_in_.size() - uart_in_pos_;
  const uint32_t n = static_cast<uint32_t>(std::min<size_t>(len, available));
  if (n == 0) return 0;  // polled while the app waits: nothing happened
  std::memcpy(buf, uart_in_.data() + uart_in_pos_, n);
  uart_in_pos_ += n;
  TraceEntry& e = record("uart", port, "read", n);
  keep(&e.in, buf, n);
  after_op();
  return static_cast<int32_t>(n);
}

int32_t VirtualBoard::pwm_set(uint32_t channel, uint32_t hz, uint32_t duty) {
  pwm_[channel].hz = hz;
  pwm_[channel].duty = duty;
  record("pwm", channel, "set", hz).value2 = duty;
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::adc_read(uint32_t channel) {
  const int32_t sample = static_cast<int32_t>(adc_[channel] & 0xFFF);
  record("adc", channel, "read", sample);
  after_op();
  return sample;
}

int32_t VirtualBoard::log_write(int32_t level, const char* text, uint32_t len) {
  if (log_sink) log_sink(now_, level, text, len);
  TraceEntry& e = record("log", 0, "write", level);
  keep(&e.out, reinterpret_cast<const uint8_t*>(text), len);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::entropy_fill(uint8_t* buf, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    // xorshift64*: deterministic for a seed, which is the point on a virtual board.
    uint64_t x = entropy_state_;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    entropy_state_ = x;
    buf[i] = static_cast<uint8_t>((x * 0x2545F4914F6CDD1Dull) >> 56);
  }
  return PW_HAL_OK;
}

int32_t VirtualBoard::relay_set(uint32_t relay, bool on) {
  relays_[relay] = on;
  record("relay", relay, "set", on);
  after_op();
  return PW_HAL_OK;
}

int32_t VirtualBoard::relay_get(uint32_t relay) {
  record("relay", relay, "get", relays_[relay]);
  after_op();
  return relays_[relay];
}

}  // namespace vboard
}  // namespace picowasm
