// picowasm virtual board: a host-side board implementation over board_drivers.h, with simulated
// peripherals, device models, a deterministic virtual clock and a trace of every peripheral
// operation. `picowasm run --board virtual` runs apps on it; tests assert on its trace.
//
//   GPIO     16 pins: outputs drive LEDs (levels in the trace), inputs read buttons whose levels a
//            script changes at given virtual times (edges latched per watch_edge/edges).
//   I2C 0    a TMP105 temperature sensor at 0x48 (register semantics of QEMU's `tmp105` model)
//            and an AT24C02 EEPROM at 0x50 (256 bytes, 8-byte pages); other addresses NACK.
//   SPI 0    chip select 0: an M25P80 serial flash (QEMU's `m25p80`, JEDEC ID 20 20 14, 1 MiB,
//            erased to 0xFF) answering READ ID (0x9F) and READ (0x03); chip select 1: nothing
//            attached (reads 0xFF).
//   UART 0   output to a capture buffer (and an optional sink), input from a script.
//   PWM 4 channels, ADC 4 channels (scripted samples), log (records to a sink), entropy
//   (xorshift64*, seeded), and a board-specific class: a bank of 4 relays as pw_board_relay.
//
// Time: the clock never reads the wall clock. It advances when the runner finds the app waiting
// (to the wait's deadline or the next scripted event, whichever comes first) and, optionally, by a
// fixed step after every peripheral operation, so every run of the same app and script is
// identical.
//
// Host code: uses the standard library (the board layer it plugs into does not).
#ifndef PICOWASM_VIRTUAL_BOARD_HPP
#define PICOWASM_VIRTUAL_BOARD_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "picowasm/board.hpp"
#include "picowasm/wasi.hpp"

namespace picowasm {
namespace vboard {

// ---- What the board has -------------------------------------------------------------------------
constexpr uint32_t kPins = 16;
constexpr uint32_t kI2cBuses = 1;
constexpr uint32_t kSpiBuses = 1;
constexpr uint32_t kSpiChipSelects = 2;  // 0: the flash, 1: nothing attached
constexpr uint32_t kUartPorts = 1;
constexpr uint32_t kPwmChannels = 4;
constexpr uint32_t kAdcChannels = 4;
constexpr uint32_t kRelays = 4;
constexpr uint8_t kTmp105Address = 0x48;
constexpr uint8_t kEepromAddress = 0x50;
constexpr uint32_t kEepromBytes = 256;
constexpr uint32_t kEepromPage = 8;
constexpr uint32_t kFlashBytes = 16 * 64 * 1024;  // m25p80: 16 sectors of 64 KiB
constexpr uint8_t kFlashJedecId[3] = {0x20, 0x20, 0x14};
constexpr uint32_t kMaxSpiHz = 50000000;       // the SPI controller's fastest clock
constexpr int32_t kDefaultTempMilliC = 25000;  // the sensor's temperature unless scripted
constexpr uint32_t kDefaultAdcSample = 2048;   // mid-scale of 12 bits unless scripted
constexpr size_t kMaxTraceEntries = 4096;      // later operations are counted, not kept
constexpr size_t kMaxTraceBytes = 64;          // bytes kept per direction of one trace entry
constexpr uint64_t kDefaultEntropySeed = 0x5eed;

// The relay bank's class: board class 0 of the virtual board, import module pw_board_relay with
// set(relay i32, on i32) -> i32 and get(relay i32) -> i32 (the level, or a status).
constexpr uint32_t kRelayClass = 0;
extern const board::BoardClass kBoardClasses[1];

// ---- Device models
// --------------------------------------------------------------------------------

// An I2C target as the bus sees it: the controller's events and bytes.
class I2cTarget {
 public:
  virtual ~I2cTarget() = default;
  virtual void start(bool receive) = 0;  // START (or repeated START) addressed to it
  virtual void send(uint8_t byte) = 0;   // controller -> target
  virtual uint8_t receive() = 0;         // target -> controller
  virtual void stop() = 0;
};

// TI TMP105 with QEMU's register semantics (hw/sensor/tmp105.c): the first byte of a write sets
// the pointer register (its low 2 bits select temperature 0, config 1, T_low 2, T_high 3);
// reading starts at the pointer's register. Temperature is two bytes, 12-bit left-aligned two's
// complement, masked to the configured resolution (config bits 5-6: 9 to 12 bits; 9 after reset,
// i.e. 0.5 C steps). Config is one byte; T_low/T_high two bytes, written once both arrived
// (reset: 75.0 C and 80.0 C). A third byte read is 0xFF.
class Tmp105 : public I2cTarget {
 public:
  Tmp105() { reset(); }
  void reset();
  // Millidegrees Celsius, -128000 <= t < 128000 (false otherwise), stored like QEMU's
  // `temperature` property: t * 256 / 1000 in 8.8 fixed point, truncated toward zero.
  bool set_temperature(int32_t milli_c);
  int16_t raw_temperature() const { return temperature_; }
  uint8_t config() const { return config_; }
  int16_t limit(int i) const { return limit_[i & 1]; }

  void start(bool receive) override;
  void send(uint8_t byte) override;
  uint8_t receive() override;
  void stop() override { len_ = 0; }

 private:
  void write_register();
  uint8_t pointer_ = 0, config_ = 0, len_ = 0;
  uint8_t buf_[2] = {};
  int16_t temperature_ = 0;
  int16_t limit_[2] = {};
};

// AT24C02-style EEPROM: 256 bytes erased to 0xFF. A write's first byte sets the address
// pointer; the bytes after it are stored with the low 3 address bits counting and wrapping within
// the 8-byte page. Reads return bytes from the pointer on, sequentially, wrapping at 256.
class Eeprom : public I2cTarget {
 public:
  Eeprom() { clear(); }
  void clear();
  const uint8_t* data() const { return data_; }
  uint8_t pointer() const { return pointer_; }

  void start(bool receive) override;
  void send(uint8_t byte) override;
  uint8_t receive() override;
  void stop() override {}

 private:
  uint8_t data_[kEepromBytes];
  uint8_t pointer_ = 0;
  bool addressed_ = false;  // the first byte of this write (the word address) has arrived
};

// M25P80 serial flash as QEMU's m25p80 model answers it: with chip select asserted, the first
// byte is a command. READ ID (0x9F) answers 20 20 14 then zeros; READ (0x03) takes a 24-bit
// address and streams bytes from it, wrapping at the end of the 1 MiB; a command the model does
// not know answers zeros. Bytes clocked during the command and address answer 0. Contents: 0xFF
// (erased), or what load() put there.
class SerialFlash {
 public:
  SerialFlash();
  void select();  // chip select asserted: a new command follows
  uint8_t transfer(uint8_t tx);
  void load(uint32_t address, const uint8_t* bytes, size_t size);

 private:
  enum class State : uint8_t { command, address, read, id, zeros };
  std::vector<uint8_t> storage_;
  State state_ = State::command;
  uint32_t address_ = 0;
  uint32_t count_ = 0;
};

// ---- The trace
// ------------------------------------------------------------------------------------

// One peripheral operation that reached a driver (denied calls never do: they are counted in the
// app's HAL statistics instead).
struct TraceEntry {
  uint64_t time_us = 0;
  std::string cls;        // gpio, i2c, spi, uart, pwm, adc, log, relay
  uint32_t resource = 0;  // pin, bus, port, channel or relay
  std::string op;         // configure, write, toggle, read, watch_edge, write_read, set, ...
  int64_t value = 0;      // level, mode, I2C address, chip select, hz, sample, log level, ...
  int64_t value2 = 0;     // SPI clock, PWM duty, ...
  std::vector<uint8_t> out, in;  // bytes to and from the device (at most kMaxTraceBytes each)
  int32_t status = 0;            // what the driver returned
};
// "t=500000 gpio 2 toggle value=1", plus " out=9f00 in=00202014" and " status=-8" when present.
std::string format_trace(const TraceEntry& e);

// ---- The board
// ---------------------------------------------------------------------------------------

// Scripted changes, applied when the virtual clock reaches their time (in the order given for
// equal times).
struct ScriptEvent {
  enum class Kind : uint8_t { pin_level, temperature, adc_sample, uart_input, revoke };
  uint64_t time_us = 0;
  Kind kind = Kind::pin_level;
  uint32_t target = 0;  // pin, ADC channel; for revoke the class bits (board::class_bit)
  int64_t value = 0;    // level, millidegrees, sample
  std::string bytes;    // uart_input
};

class VirtualBoard {
 public:
  VirtualBoard();
  VirtualBoard(const VirtualBoard&) = delete;
  VirtualBoard& operator=(const VirtualBoard&) = delete;

  // The board descriptor; every context in it is this object.
  const pw_board& board() const { return board_; }
  // kHalFunctions followed by the relay bank's functions: link apps with this table.
  const HostFunction* functions() const { return functions_; }
  size_t num_functions() const { return num_functions_; }

  // ---- Script (before or during a run) ----
  void schedule(const ScriptEvent& event);
  void set_temperature(int32_t milli_c) { tmp105.set_temperature(milli_c); }
  void set_us_per_op(uint64_t us) { us_per_op_ = us; }
  void set_entropy_seed(uint64_t seed) { entropy_state_ = seed ? seed : kDefaultEntropySeed; }
  // The app revocations apply to (ScriptEvent::Kind::revoke).
  void attach(board::AppHal* app) { app_ = app; }

  // ---- Clock ----
  uint64_t now_us() const { return now_; }
  // Moves the clock forward to `t` (never back), applying the scripted events up to it.
  void advance_to(uint64_t t);
  // Time of the earliest event not yet applied, or UINT64_MAX.
  uint64_t next_event_us() const;

  // ---- Outputs ----
  const std::string& uart_output() const { return uart_out_; }
  std::function<void(const uint8_t*, size_t)> uart_sink;                 // also gets every byte
  std::function<void(uint64_t, int32_t, const char*, size_t)> log_sink;  // time, level, text
  const std::vector<TraceEntry>& trace() const { return trace_; }
  uint64_t trace_dropped() const { return trace_dropped_; }
  int32_t pin_level(uint32_t pin) const;  // what read() would answer (-1: no such pin)
  bool relay(uint32_t i) const { return i < kRelays && relays_[i]; }
  uint32_t pwm_hz(uint32_t ch) const { return ch < kPwmChannels ? pwm_[ch].hz : 0; }
  uint32_t pwm_duty(uint32_t ch) const { return ch < kPwmChannels ? pwm_[ch].duty : 0; }

  // ---- Device models (public so tests can drive them directly) ----
  Tmp105 tmp105;
  Eeprom eeprom;
  SerialFlash flash;

  // ---- Driver entry points (C tables call these) ----
  int32_t gpio_configure(uint32_t pin, int32_t mode);
  int32_t gpio_write(uint32_t pin, int32_t level);
  int32_t gpio_read(uint32_t pin);
  int32_t gpio_toggle(uint32_t pin);
  int32_t gpio_watch_edge(uint32_t pin, int32_t edge);
  int32_t gpio_edges(uint32_t pin);
  int32_t i2c_transfer(uint32_t bus, uint32_t addr, const uint8_t* w, uint32_t wlen, uint8_t* r,
                       uint32_t rlen, const char* op);
  int32_t spi_configure(uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz);
  int32_t spi_transfer(uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx, uint32_t len);
  int32_t uart_write(uint32_t port, const uint8_t* data, uint32_t len);
  int32_t uart_read(uint32_t port, uint8_t* buf, uint32_t len);
  int32_t pwm_set(uint32_t channel, uint32_t hz, uint32_t duty);
  int32_t adc_read(uint32_t channel);
  int32_t log_write(int32_t level, const char* text, uint32_t len);
  int32_t entropy_fill(uint8_t* buf, uint32_t len);
  int32_t relay_set(uint32_t relay, bool on);
  int32_t relay_get(uint32_t relay);

 private:
  struct Pin {
    int32_t mode = -1;      // -1: never configured (floating input)
    int32_t out = 0;        // output latch
    int32_t external = -1;  // level a button drives (-1: none)
    int32_t watch = 0;      // armed edges (1 rising, 2 falling)
    int32_t latched = 0;    // edges seen since armed
  };
  struct Pwm {
    uint32_t hz = 0, duty = 0;
  };
  int32_t input_level(const Pin& p) const;
  void set_external(uint32_t pin, int32_t level);
  void apply(const ScriptEvent& e);
  TraceEntry& record(const char* cls, uint32_t resource, const char* op, int64_t value = 0);
  void keep(std::vector<uint8_t>* to, const uint8_t* bytes, uint32_t len);
  void after_op();  // the per-operation clock step

  pw_board board_{};
  HostFunction functions_[board::kNumHalFunctions + 2];
  size_t num_functions_ = 0;
  uint64_t now_ = 0;
  uint64_t us_per_op_ = 0;
  std::vector<ScriptEvent> events_;  // sorted by time, stable
  size_t next_event_ = 0;
  board::AppHal* app_ = nullptr;
  Pin pins_[kPins];
  uint32_t spi_mode_[kSpiChipSelects] = {}, spi_hz_[kSpiChipSelects] = {};
  std::string uart_in_;  // arrived, not yet read
  size_t uart_in_pos_ = 0;
  std::string uart_out_;
  Pwm pwm_[kPwmChannels];
  uint32_t adc_[kAdcChannels];
  bool relays_[kRelays] = {};
  uint64_t entropy_state_ = kDefaultEntropySeed;
  std::vector<TraceEntry> trace_;
  uint64_t trace_dropped_ = 0;
  TraceEntry scratch_;  // where records go once the trace is full
};

// ---- Running one app
// ---------------------------------------------------------------------------------

struct RunConfig {
  uint64_t fuel = kUnlimitedFuel;  // for the start function, pw_main and every resume together
  ResourceLimits limits;           // instance limits (memory_pages, table_elems, ...)
  uint64_t max_time_us = 0;        // stop once the app would wait beyond this time (0: never)
  // refuse: an import of an ungranted class is a link error; stub_denied: it links, and every
  // call of it answers DENIED (for apps that ask pw_hal.query first and degrade).
  board::Link link = board::Link::refuse;
  // Optional: told of every denial and rate-limit hit (board::AppHal::audit).
  board::AuditFn audit = nullptr;
  void* audit_ctx = nullptr;
  // A WASI command (docs/wasi.md): links wasi_snapshot_preview1 besides the board's functions
  // and runs _start instead of pw_main; proc_exit ends the run with status ok and its exit code.
  const wasi::WasiConfig* wasi = nullptr;
};

enum class RunStatus : uint8_t {
  ok,           // pw_main returned: exit_code holds its result
  trap,         // the app trapped (trap_report(instance()) says where)
  out_of_fuel,  // RunConfig::fuel ran out
  stalled,      // the app waits for something no script will bring (or beyond max_time_us)
  link_error,   // an import of a class the grant lacks (board::check_imports)
  load_error,   // the module does not instantiate (unknown import, limits, no pw_main, ...)
};
const char* run_status_name(RunStatus s);

struct RunOutcome {
  RunStatus status = RunStatus::ok;
  int32_t exit_code = 0;
  uint64_t fuel_used = 0;
  Error error;            // trap / load_error: the error
  board::LinkError link;  // link_error
  std::string message;    // what went wrong, in words (empty when ok)
};

// Runs one app on `board` to completion: links it with the board's functions and `grant`, starts
// it, calls pw_main under the fuel budget, and whenever a HAL call yields, polls the wait
// (board::hal_poll) and moves the virtual clock to the wait's deadline or the next scripted
// event. The instance and its HAL state stay alive for inspection until the runner is destroyed.
class AppRunner {
 public:
  AppRunner(VirtualBoard& board, const board::Grant& grant);
  ~AppRunner();
  AppRunner(const AppRunner&) = delete;
  AppRunner& operator=(const AppRunner&) = delete;

  RunOutcome run(const LoadedModule& module, const RunConfig& config);
  board::AppHal& hal() { return *hal_; }
  Instance* instance() const { return instance_; }

 private:
  VirtualBoard& board_;
  const board::Grant& grant_;
  std::unique_ptr<board::AppHal> hal_;
  std::unique_ptr<uint8_t[]> arena_;
  Instance* instance_ = nullptr;
  std::unique_ptr<wasi::WasiContext> wasi_;
  std::vector<HostFunction> functions_;  // the board's and WASI's, for a WASI command
};

// ---- Grant specs (the CLI's --grant SPEC, docs/hal-abi.md)
// ----------------------------------------

// A grant under construction that owns its arrays; grant() points into them (valid until the next
// add()).
class GrantSet {
 public:
  GrantSet();
  ~GrantSet();
  GrantSet(const GrantSet&) = delete;
  GrantSet& operator=(const GrantSet&) = delete;
  // Adds one spec: gpio:2,3 gpio:0-7:in gpio:13:out i2c:0:0x48,0x50 spi:0:1[@HZ] uart:0[:r|:w|:rw]
  // pwm:0,1 adc:1 time log rate:CLASS:N/s[,NB/s] (the package library's grammar,
  // package/host/package_host.hpp) and the board's own: all, board:relay[:RELAYS],
  // rate:relay:N/s. Every resource must exist on the virtual board. False with *error
  // ("grant 'SPEC': what is wrong").
  bool add(const std::string& spec, std::string* error);
  void set_trap_on_denial(bool on) { grant_.trap_on_denial = on; }
  // The grant (valid until the next add()).
  const board::Grant& grant();

 private:
  struct Specs;  // the package parser's set (kept out of this header)
  std::unique_ptr<Specs> specs_;
  uint32_t board_[board::kMaxBoardClasses] = {};
  board::RateLimit relay_rate_;
  board::Grant grant_;
};

// The class named `name` (gpio, i2c, ..., log, or a board class: relay); false if none.
bool class_by_name(const std::string& name, board::Class* out);
// The class's short name: "gpio", ..., "relay".
const char* class_name(board::Class c);

}  // namespace vboard
}  // namespace picowasm

#endif  // PICOWASM_VIRTUAL_BOARD_HPP
