// The HAL ABI 1.0 host functions (docs/hal-abi.md): every call is checked in the documented order
// INVALID, NOT_PRESENT, REVOKED, DENIED, RATE_LIMITED, then reaches the driver.
#include <cstring>

#include "picowasm/board.hpp"

namespace picowasm {
namespace board {
namespace {

constexpr int32_t kMaxTransfer = static_cast<int32_t>(PICOWASM_HAL_MAX_TRANSFER);
constexpr uint64_t kScale = 1000000;  // bucket tokens are token-microseconds
constexpr uint64_t kNoDeadline = ~static_cast<uint64_t>(0);
constexpr int32_t kMaskBits = static_cast<int32_t>(PICOWASM_HAL_MAX_MASK_BITS);

// Trap messages of the trap-on-denial policy, naming the capability; the module names are their
// tails (flash: one copy of each).
constexpr uint32_t kDeniedPrefix = 8;  // "denied: "
constexpr char kHal[] = "denied: pw_hal", kGpio[] = "denied: pw_gpio", kI2c[] = "denied: pw_i2c",
               kSpi[] = "denied: pw_spi", kUart[] = "denied: pw_uart", kPwm[] = "denied: pw_pwm",
               kAdc[] = "denied: pw_adc", kTime[] = "denied: pw_time", kLog[] = "denied: pw_log";
const char* const kDeniedMsg[kNumClasses] = {kHal, kGpio, kI2c,  kSpi, kUart,
                                             kPwm, kAdc,  kTime, kLog};
const char* const kRevokedMsg[kNumClasses] = {
    nullptr,           "revoked: pw_gpio", "revoked: pw_i2c",
    "revoked: pw_spi", "revoked: pw_uart", "revoked: pw_pwm",
    "revoked: pw_adc", "revoked: pw_time", "revoked: pw_log"};  // pw_hal: never

bool bit(const uint32_t* set, uint32_t n) {
  return (set[n >> 5] >> (n & 31)) & 1;
}
void put_bit(uint32_t* set, uint32_t n, bool v) {
  if (v) {
    set[n >> 5] |= 1u << (n & 31);
  } else {
    set[n >> 5] &= ~(1u << (n & 31));
  }
}

uint64_t now(const AppHal& app) {
  const pw_board& b = *app.board;
  return b.clock ? b.clock->now_us(b.clock_ctx) : 0;
}

// ---- Grant lookups ----

bool mask_has(uint32_t mask, uint32_t n) {
  return n < PICOWASM_HAL_MAX_MASK_BITS && ((mask >> n) & 1);
}

// ---- The common gate ----

// The guest buffer [ptr, ptr + len) as host memory. Outside linear memory the call traps
// (trap_memory_oob): a memory-safety violation, never a status. One helper instead of MemView
// parameters keeps each host function's thunk small (flash).
__attribute__((noinline)) bool buffer(HostContext& ctx, uint32_t ptr, uint32_t len, MemView* out) {
  if (ctx.view(ptr, len, out)) return true;
  ctx.trap(ErrorCode::trap_memory_oob, "pw_hal: buffer outside linear memory");
  return false;
}

// Adds dt microseconds' worth of `rate` tokens per second to `tokens` (at most one second's
// worth); true if `need` are there now, or if the rate is 0 (that half of the limit is off).
__attribute__((noinline)) bool refill(uint64_t& tokens, uint64_t dt, uint32_t rate, uint64_t need) {
  const uint64_t cap = rate * kScale, t = tokens + dt * rate;
  tokens = t > cap ? cap : t;
  return rate == 0 || tokens >= need;
}

// Takes `bytes` byte tokens and one call token if both suffice.
bool take_tokens(AppHal& app, Class c, uint32_t bytes) {
  if (!(app.limited & class_bit(c))) return true;
  const RateLimit& r = app.grant->rate[static_cast<uint32_t>(c)];
  Bucket& b = app.buckets[static_cast<uint32_t>(c)];
  const uint64_t t = now(app);
  uint64_t dt = t > b.last_us ? t - b.last_us : 0;
  if (dt > kScale) dt = kScale;  // a full refill; also keeps dt * rate in range
  b.last_us = t;
  const uint64_t need_bytes = static_cast<uint64_t>(bytes) * kScale;
  // Both refilled, then both taken or neither.
  const bool calls = refill(b.calls, dt, r.calls_per_s, kScale);
  if (!(refill(b.bytes, dt, r.bytes_per_s, need_bytes) && calls)) return false;
  if (r.calls_per_s) b.calls -= kScale;
  if (r.bytes_per_s) b.bytes -= need_bytes;
  return true;
}

// REVOKED, DENIED, RATE_LIMITED (in that order) for a call that passed the shape and presence
// checks; 0 if the driver may run. With trap_on_denial a denial also makes the call trap.
int32_t admit(HostContext& ctx, AppHal& app, Class c, bool granted, uint32_t resource,
              uint32_t bytes) {
  const uint32_t k = static_cast<uint32_t>(c);
  int32_t status;
  if (app.revoked.load(std::memory_order_relaxed) & class_bit(c)) {
    status = PW_HAL_E_REVOKED;
  } else if (!granted) {
    status = PW_HAL_E_DENIED;
  } else if (take_tokens(app, c, bytes)) {
    return 0;
  } else {
    status = PW_HAL_E_RATE_LIMITED;
  }
  const bool limited = status == PW_HAL_E_RATE_LIMITED;
  ++(limited ? app.stats[k].rate_limited : app.stats[k].denied);
  if (app.audit) app.audit(app.audit_ctx, AuditEvent{c, status, resource});
  if (!limited && app.grant->trap_on_denial) {
    const bool denied = status == PW_HAL_E_DENIED;
    if (k < kNumClasses) {
      ctx.trap(denied ? kDeniedMsg[k] : kRevokedMsg[k]);
    } else {  // board_class_admit checked that the app's board has class k
      const BoardClass& b = app.board_classes[k - kNumClasses];
      ctx.trap(denied ? b.denied_message : b.revoked_message);
    }
  }
  return status;
}

// Starts a call of class c: counts it; null if the instance has no HAL state (then it traps).
AppHal* enter(HostContext& ctx, Class c) {
  AppHal* app = ctx.user_as<AppHal>();
  if (app && app->board) {  // hal_init sets board and grant together
    ++app->stats[static_cast<uint32_t>(c)].calls;
    return app;
  }
  ctx.trap("pw_hal: instance has no HAL state");
  return nullptr;
}

__attribute__((noinline)) uint64_t deadline_after(uint64_t t, int64_t timeout_us) {
  if (timeout_us < 0) return kNoDeadline;
  const uint64_t d = t + static_cast<uint64_t>(timeout_us);
  return d < t ? kNoDeadline - 1 : d;
}

// Records the wait and pauses the app; the result is a placeholder until hal_poll sets it.
__attribute__((noinline)) int32_t block(HostContext& ctx, AppHal& app, Wait kind, uint32_t resource,
                                        uint64_t deadline) {
  WaitState& w = app.wait;
  w.kind = kind;
  w.resource = resource;
  w.has_deadline = deadline != kNoDeadline;
  w.deadline_us = deadline;
  w.instance = &ctx.instance();
  ctx.yield();
  return PW_HAL_E_TIMEOUT;
}

// ---- pw_hal ----

int32_t hal_abi_version(HostContext&) {  // needs no state, so it is not counted
  return static_cast<int32_t>(PICOWASM_HAL_ABI_VERSION);
}

int32_t hal_query(HostContext& ctx, int32_t cls, int32_t resource, int32_t access) {
  AppHal* app = enter(ctx, Class::hal);
  if (!app) return 0;
  if (cls < 1 || cls > 8) return PW_HAL_E_INVALID;
  const Class c = static_cast<Class>(cls);
  const pw_board& b = *app->board;
  const Grant& g = *app->grant;
  uint32_t r = static_cast<uint32_t>(resource);
  // Per class: the sensible `access` values, the driver and how many of the resource exist.
  int32_t lo = INT32_MIN, hi = INT32_MAX;
  const void* drv;
  uint32_t count;
  bool granted;
  switch (c) {
    case Class::gpio:
      lo = 1, hi = 3, drv = b.gpio;
      count = b.gpio_pins < PICOWASM_HAL_MAX_PINS ? b.gpio_pins : PICOWASM_HAL_MAX_PINS;
      granted = (gpio_access(g, r) & access) == access;
      break;
    case Class::i2c:
      lo = -1, hi = 0x7F, drv = b.i2c, count = b.i2c_buses;
      granted = i2c_allowed(g, r, access);
      break;
    case Class::spi:
      lo = 0, hi = kMaskBits - 1, drv = b.spi;
      count = static_cast<uint32_t>(access) < b.spi_chip_selects ? b.spi_buses : 0;
      granted = spi_grant(g, r, static_cast<uint32_t>(access)) != nullptr;
      break;
    case Class::uart:
      lo = 1, hi = 3, drv = b.uart, count = b.uart_ports;
      granted = (uart_access(g, r) & access) == access;
      break;
    case Class::pwm:
      drv = b.pwm, count = b.pwm_channels, granted = mask_has(g.pwm_channels, r);
      break;
    case Class::adc:
      drv = b.adc, count = b.adc_channels, granted = mask_has(g.adc_channels, r);
      break;
    default:  // time, log: no resource
      r = 0, count = 1;
      drv = c == Class::time ? static_cast<const void*>(b.clock) : b.log;
      granted = c == Class::time ? g.time : g.log;
      break;
  }
  if ((r != 0 && resource < 0) || access < lo || access > hi) return PW_HAL_E_INVALID;
  if (!drv || r >= count) return PW_HAL_E_NOT_PRESENT;
  if (app->revoked.load(std::memory_order_relaxed) & class_bit(c)) return 0;
  return granted ? 1 : 0;
}

// ---- pw_gpio ----

// Shape and presence of a pin argument; 0 if fine.
int32_t pin_check(const AppHal& app, int32_t pin) {
  if (pin < 0) return PW_HAL_E_INVALID;
  const pw_board& b = *app.board;
  // Pins beyond PICOWASM_HAL_MAX_PINS have no per-app state: not present, whatever the board says.
  if (!b.gpio || static_cast<uint32_t>(pin) >= b.gpio_pins ||
      static_cast<uint32_t>(pin) >= PICOWASM_HAL_MAX_PINS) {
    return PW_HAL_E_NOT_PRESENT;
  }
  return 0;
}

int32_t gpio_configure(HostContext& ctx, int32_t pin, int32_t mode) {
  AppHal* app = enter(ctx, Class::gpio);
  if (!app) return 0;
  if (mode < 0 || mode > 4) return PW_HAL_E_INVALID;
  if (int32_t s = pin_check(*app, pin)) return s;
  const uint32_t p = static_cast<uint32_t>(pin);
  const uint8_t need = mode >= 3 ? kOutput : kInput;
  if (int32_t s = admit(ctx, *app, Class::gpio, gpio_access(*app->grant, p) & need, p, 0)) return s;
  const pw_board& b = *app->board;
  const int32_t s = b.gpio->configure(b.gpio_ctx, p, mode);
  if (s == PW_HAL_OK) {
    put_bit(app->pin_out, p, need == kOutput);
    put_bit(app->pin_in, p, need == kInput);
    put_bit(app->pin_fast_out, p, need == kOutput && !(app->limited & class_bit(Class::gpio)));
  }
  return s;
}

enum GpioOp : int32_t { kOpRead, kOpWrite, kOpToggle };

// write, read and toggle share one body (flash): they differ in the access and state they need.
__attribute__((noinline)) int32_t gpio_op(HostContext& ctx, int32_t pin, int32_t op,
                                          int32_t level) {
  AppHal* app = enter(ctx, Class::gpio);
  if (!app) return 0;
  if (int32_t s = pin_check(*app, pin)) return s;
  const uint32_t p = static_cast<uint32_t>(pin);
  const uint8_t have = gpio_access(*app->grant, p);
  if (int32_t s =
          admit(ctx, *app, Class::gpio, op == kOpRead ? have != 0 : (have & kOutput), p, 0)) {
    return s;
  }
  const bool out = bit(app->pin_out, p);
  if (!out && (op != kOpRead || !bit(app->pin_in, p))) return PW_HAL_E_INVALID;
  const pw_board& b = *app->board;
  if (op == kOpRead) return b.gpio->read(b.gpio_ctx, p);
  if (op == kOpWrite) return b.gpio->write(b.gpio_ctx, p, level != 0);
  return b.gpio->toggle(b.gpio_ctx, p);
}
int32_t gpio_write(HostContext& ctx, int32_t pin, int32_t level) {
  return gpio_op(ctx, pin, kOpWrite, level);
}
// pw_gpio.write, the HAL's hottest call, as a HostFn of its own with a fast path: a pin this app
// configured as output is present and granted for output (configure checked both, and board and
// grant are fixed from hal_init on), so only revocation and a rate limit can still stop the call;
// pin_fast_out holds such pins only while pw_gpio has no rate limit, so revocation is left.
// It reads its arguments straight from the slots, with no HostContext; anything else goes through
// gpio_write's generated thunk (out of line, so that the fast path needs no stack frame) and
// gpio_op's checks in the documented order.
__attribute__((noinline)) ErrorCode gpio_write_checked(HostCall& call) {
  return host_function<&gpio_write>(nullptr, nullptr).thunk(call);
}
ErrorCode gpio_write_fast(HostCall& call) {
  AppHal* app = static_cast<AppHal*>(call.user);
  const uint32_t p = static_cast<uint32_t>(call.slots[0]);
  if (!app || p >= PICOWASM_HAL_MAX_PINS || !bit(app->pin_fast_out, p) ||
      (app->revoked.load(std::memory_order_relaxed) & class_bit(Class::gpio))) {
    return gpio_write_checked(call);
  }
  ++app->stats[static_cast<uint32_t>(Class::gpio)].calls;
  const pw_board& b = *app->board;
  const bool level = static_cast<uint32_t>(call.slots[1]) != 0;
  call.slots[0] = static_cast<uint32_t>(b.gpio->write(b.gpio_ctx, p, level));
  return ErrorCode::ok;
}
constexpr HostFunction with_thunk(HostFunction f, HostFn thunk) {
  f.thunk = thunk;
  return f;
}
int32_t gpio_read(HostContext& ctx, int32_t pin) {
  return gpio_op(ctx, pin, kOpRead, 0);
}
int32_t gpio_toggle(HostContext& ctx, int32_t pin) {
  return gpio_op(ctx, pin, kOpToggle, 0);
}

int32_t gpio_wait_edge(HostContext& ctx, int32_t pin, int32_t edge, int64_t timeout_us) {
  AppHal* app = enter(ctx, Class::gpio);
  if (!app) return 0;
  if (edge < 1 || edge > 3) return PW_HAL_E_INVALID;
  if (int32_t s = pin_check(*app, pin)) return s;
  const uint32_t p = static_cast<uint32_t>(pin);
  if (int32_t s = admit(ctx, *app, Class::gpio, gpio_access(*app->grant, p) & kInput, p, 0)) {
    return s;
  }
  if (!bit(app->pin_in, p)) return PW_HAL_E_INVALID;
  const pw_board& b = *app->board;
  int32_t s = b.gpio->watch_edge(b.gpio_ctx, p, edge);
  if (s != PW_HAL_OK) return s;
  s = b.gpio->edges(b.gpio_ctx, p);
  if (s < 0 || (s & edge) || timeout_us == 0) {
    b.gpio->watch_edge(b.gpio_ctx, p, 0);
    return s < 0 ? s : (s & edge) ? PW_HAL_OK : PW_HAL_E_TIMEOUT;
  }
  app->wait.edge = edge;
  return block(ctx, *app, Wait::edge, p, deadline_after(now(*app), timeout_us));
}

// ---- pw_i2c ----

bool bad_length(const MemView* v) {
  return v && (v->size == 0 || v->size > PICOWASM_HAL_MAX_TRANSFER);
}

// write (r null), read (w null) and write_read share one body.
__attribute__((noinline)) int32_t i2c_xfer(HostContext& ctx, int32_t bus, int32_t addr,
                                           const MemView* w, const MemView* r) {
  AppHal* app = enter(ctx, Class::i2c);
  if (!app) return 0;
  if (addr < 0 || addr > 0x7F || bus < 0 || bad_length(w) || bad_length(r)) {
    return PW_HAL_E_INVALID;
  }
  const pw_board& b = *app->board;
  const uint32_t ub = static_cast<uint32_t>(bus), ua = static_cast<uint32_t>(addr);
  if (!b.i2c || ub >= b.i2c_buses) return PW_HAL_E_NOT_PRESENT;
  const uint32_t bytes = (w ? w->size : 0) + (r ? r->size : 0);
  if (int32_t s = admit(ctx, *app, Class::i2c, i2c_allowed(*app->grant, ub, addr), ub, bytes)) {
    return s;
  }
  if (!r) return b.i2c->write(b.i2c_ctx, ub, ua, w->data, w->size);
  if (!w) return b.i2c->read(b.i2c_ctx, ub, ua, r->data, r->size);
  return b.i2c->write_read(b.i2c_ctx, ub, ua, w->data, w->size, r->data, r->size);
}
int32_t i2c_write(HostContext& ctx, int32_t bus, int32_t addr, uint32_t data, uint32_t len) {
  MemView w;
  return buffer(ctx, data, len, &w) ? i2c_xfer(ctx, bus, addr, &w, nullptr) : 0;
}
int32_t i2c_read(HostContext& ctx, int32_t bus, int32_t addr, uint32_t buf, uint32_t len) {
  MemView r;
  return buffer(ctx, buf, len, &r) ? i2c_xfer(ctx, bus, addr, nullptr, &r) : 0;
}
int32_t i2c_write_read(HostContext& ctx, int32_t bus, int32_t addr, uint32_t wdata, uint32_t wlen,
                       uint32_t rbuf, uint32_t rlen) {
  MemView w, r;
  if (!buffer(ctx, wdata, wlen, &w) || !buffer(ctx, rbuf, rlen, &r)) return 0;
  return i2c_xfer(ctx, bus, addr, &w, &r);
}

// ---- pw_spi ----

int32_t spi_check(const AppHal& app, int32_t bus, int32_t cs) {
  if (bus < 0 || cs < 0) return PW_HAL_E_INVALID;
  const pw_board& b = *app.board;
  if (!b.spi || static_cast<uint32_t>(bus) >= b.spi_buses ||
      static_cast<uint32_t>(cs) >= b.spi_chip_selects || cs >= kMaskBits) {
    return PW_HAL_E_NOT_PRESENT;
  }
  return 0;
}

int32_t spi_configure(HostContext& ctx, int32_t bus, int32_t cs, int32_t mode, int32_t hz) {
  AppHal* app = enter(ctx, Class::spi);
  if (!app) return 0;
  if (mode < 0 || mode > 3 || hz <= 0) return PW_HAL_E_INVALID;
  if (int32_t s = spi_check(*app, bus, cs)) return s;
  const uint32_t ub = static_cast<uint32_t>(bus), ucs = static_cast<uint32_t>(cs);
  const uint32_t uhz = static_cast<uint32_t>(hz);
  const SpiGrant* g = spi_grant(*app->grant, ub, ucs);
  const bool ok = g && (g->max_hz == 0 || uhz <= g->max_hz);
  if (int32_t s = admit(ctx, *app, Class::spi, ok, ub, 0)) return s;
  const pw_board& b = *app->board;
  return b.spi->configure(b.spi_ctx, ub, ucs, static_cast<uint32_t>(mode), uhz);
}

int32_t spi_transfer(HostContext& ctx, int32_t bus, int32_t cs, uint32_t tx, uint32_t rx,
                     int32_t len) {
  // Buffers first: a range outside memory traps whatever else is wrong with the call.
  const uint32_t n = len > 0 ? static_cast<uint32_t>(len) : 0;
  MemView vt, vr;
  if ((tx && !buffer(ctx, tx, n, &vt)) || (rx && !buffer(ctx, rx, n, &vr))) return 0;
  AppHal* app = enter(ctx, Class::spi);
  if (!app) return 0;
  if (len <= 0 || len > kMaxTransfer) return PW_HAL_E_INVALID;
  if (int32_t s = spi_check(*app, bus, cs)) return s;
  const uint32_t ub = static_cast<uint32_t>(bus), ucs = static_cast<uint32_t>(cs);
  const bool ok = spi_grant(*app->grant, ub, ucs) != nullptr;
  if (int32_t s = admit(ctx, *app, Class::spi, ok, ub, n)) return s;
  const pw_board& b = *app->board;
  return b.spi->transfer(b.spi_ctx, ub, ucs, tx ? vt.data : nullptr, rx ? vr.data : nullptr, n);
}

// ---- pw_uart ----

int32_t uart_check(const AppHal& app, int32_t port, uint32_t len) {
  if (port < 0 || len == 0 || len > PICOWASM_HAL_MAX_TRANSFER) return PW_HAL_E_INVALID;
  const pw_board& b = *app.board;
  if (!b.uart || static_cast<uint32_t>(port) >= b.uart_ports) return PW_HAL_E_NOT_PRESENT;
  return 0;
}

int32_t uart_write(HostContext& ctx, int32_t port, uint32_t ptr, uint32_t len) {
  MemView data;
  if (!buffer(ctx, ptr, len, &data)) return 0;
  AppHal* app = enter(ctx, Class::uart);
  if (!app) return 0;
  if (int32_t s = uart_check(*app, port, data.size)) return s;
  const uint32_t p = static_cast<uint32_t>(port);
  if (int32_t s =
          admit(ctx, *app, Class::uart, uart_access(*app->grant, p) & kWrite, p, data.size)) {
    return s;
  }
  const pw_board& b = *app->board;
  return b.uart->write(b.uart_ctx, p, data.data, data.size);
}

int32_t uart_read(HostContext& ctx, int32_t port, uint32_t ptr, uint32_t len, int64_t timeout_us) {
  MemView buf;
  if (!buffer(ctx, ptr, len, &buf)) return 0;
  AppHal* app = enter(ctx, Class::uart);
  if (!app) return 0;
  if (int32_t s = uart_check(*app, port, buf.size)) return s;
  const uint32_t p = static_cast<uint32_t>(port);
  // Charged for the bytes asked for: the count arriving later is not known yet.
  if (int32_t s = admit(ctx, *app, Class::uart, uart_access(*app->grant, p) & kRead, p, buf.size)) {
    return s;
  }
  const pw_board& b = *app->board;
  const int32_t n = b.uart->read(b.uart_ctx, p, buf.data, buf.size);
  if (n != 0) return n;
  if (timeout_us == 0) return PW_HAL_E_TIMEOUT;
  app->wait.address = buf.address;
  app->wait.length = buf.size;
  return block(ctx, *app, Wait::uart, p, deadline_after(now(*app), timeout_us));
}

// ---- pw_pwm, pw_adc ----

// pwm.set and adc.read share one body (flash): a channel checked against a count and a mask.
__attribute__((noinline)) int32_t channel_op(HostContext& ctx, Class cls, int32_t channel,
                                             int32_t hz, int32_t duty) {
  AppHal* app = enter(ctx, cls);
  if (!app) return 0;
  if (channel < 0 || hz < 0 || duty < 0 || duty > 65535) return PW_HAL_E_INVALID;
  const uint32_t c = static_cast<uint32_t>(channel);
  const pw_board& b = *app->board;
  const bool pwm = cls == Class::pwm;
  const bool present = pwm ? b.pwm && c < b.pwm_channels : b.adc && c < b.adc_channels;
  if (!present) return PW_HAL_E_NOT_PRESENT;
  const uint32_t mask = pwm ? app->grant->pwm_channels : app->grant->adc_channels;
  if (int32_t s = admit(ctx, *app, cls, mask_has(mask, c), c, 0)) return s;
  if (pwm) return b.pwm->set(b.pwm_ctx, c, static_cast<uint32_t>(hz), static_cast<uint32_t>(duty));
  return b.adc->read(b.adc_ctx, c);
}
int32_t pwm_set(HostContext& ctx, int32_t channel, int32_t hz, int32_t duty) {
  return channel_op(ctx, Class::pwm, channel, hz, duty);
}
int32_t adc_read(HostContext& ctx, int32_t channel) {
  return channel_op(ctx, Class::adc, channel, 0, 0);
}

// ---- pw_time ----

int32_t time_gate(HostContext& ctx, AppHal& app) {
  if (!app.board->clock) return PW_HAL_E_NOT_PRESENT;
  return admit(ctx, app, Class::time, app.grant->time, 0, 0);
}

int64_t time_now_us(HostContext& ctx) {
  AppHal* app = enter(ctx, Class::time);
  if (!app) return 0;
  if (int32_t s = time_gate(ctx, *app)) return s;
  return static_cast<int64_t>(now(*app) & 0x7FFFFFFFFFFFFFFFull);  // never negative
}

// sleep_us (relative) and sleep_until_us share one body.
__attribute__((noinline)) int32_t sleep(HostContext& ctx, int64_t t, bool relative) {
  AppHal* app = enter(ctx, Class::time);
  if (!app) return 0;
  if (relative && t < 0) return PW_HAL_E_INVALID;
  if (int32_t s = time_gate(ctx, *app)) return s;
  const uint64_t now_us = now(*app);
  const uint64_t deadline = relative ? deadline_after(now_us, t)
                            : t < 0  ? 0
                                     : static_cast<uint64_t>(t);
  if (now_us >= deadline) return PW_HAL_OK;
  return block(ctx, *app, Wait::time, 0, deadline);
}
int32_t time_sleep_us(HostContext& ctx, int64_t us) {
  return sleep(ctx, us, true);
}
int32_t time_sleep_until_us(HostContext& ctx, int64_t deadline) {
  return sleep(ctx, deadline, false);
}

// ---- pw_log ----

int32_t log_write(HostContext& ctx, int32_t level, uint32_t ptr, uint32_t len) {
  MemView text;
  if (!buffer(ctx, ptr, len, &text)) return 0;
  AppHal* app = enter(ctx, Class::log);
  if (!app) return 0;
  if (level < 0 || level > 3 || text.size > PICOWASM_HAL_MAX_TRANSFER) return PW_HAL_E_INVALID;
  const pw_board& b = *app->board;
  if (!b.log) return PW_HAL_E_NOT_PRESENT;
  if (int32_t s = admit(ctx, *app, Class::log, app->grant->log, 0, text.size)) return s;
  return b.log->write(b.log_ctx, level, text.chars(), text.size);
}

}  // namespace

constexpr HostFunction kHalFunctions[kNumHalFunctions] = {
    host_function<&hal_abi_version>(kHal + kDeniedPrefix, "abi_version"),
    host_function<&hal_query>(kHal + kDeniedPrefix, "query"),
    host_function<&gpio_configure>(kGpio + kDeniedPrefix, "configure"),
    with_thunk(host_function<&gpio_write>(kGpio + kDeniedPrefix, "write"), &gpio_write_fast),
    host_function<&gpio_read>(kGpio + kDeniedPrefix, "read"),
    host_function<&gpio_toggle>(kGpio + kDeniedPrefix, "toggle"),
    host_function<&gpio_wait_edge>(kGpio + kDeniedPrefix, "wait_edge"),
    host_function<&i2c_write>(kI2c + kDeniedPrefix, "write"),
    host_function<&i2c_read>(kI2c + kDeniedPrefix, "read"),
    host_function<&i2c_write_read>(kI2c + kDeniedPrefix, "write_read"),
    host_function<&spi_configure>(kSpi + kDeniedPrefix, "configure"),
    host_function<&spi_transfer>(kSpi + kDeniedPrefix, "transfer"),
    host_function<&uart_write>(kUart + kDeniedPrefix, "write"),
    host_function<&uart_read>(kUart + kDeniedPrefix, "read"),
    host_function<&pwm_set>(kPwm + kDeniedPrefix, "set"),
    host_function<&adc_read>(kAdc + kDeniedPrefix, "read"),
    host_function<&time_now_us>(kTime + kDeniedPrefix, "now_us"),
    host_function<&time_sleep_us>(kTime + kDeniedPrefix, "sleep_us"),
    host_function<&time_sleep_until_us>(kTime + kDeniedPrefix, "sleep_until_us"),
    host_function<&log_write>(kLog + kDeniedPrefix, "write"),
};

const char* class_module(Class c) {
  const uint32_t k = static_cast<uint32_t>(c);
  return k < kNumClasses ? kDeniedMsg[k] + kDeniedPrefix : nullptr;
}

const char* class_module(const AppHal& app, Class c) {
  const uint32_t k = static_cast<uint32_t>(c);
  if (k < kNumClasses) return kDeniedMsg[k] + kDeniedPrefix;
  return k - kNumClasses < app.num_board_classes ? app.board_classes[k - kNumClasses].module : "?";
}

AppHal* board_class_enter(HostContext& ctx, uint32_t k) {
  return enter(ctx, board_class(k < kMaxBoardClasses ? k : 0));
}

AppHal* class_enter(HostContext& ctx, Class c) {
  return enter(ctx, c);
}

int32_t class_admit(HostContext& ctx, AppHal& app, Class c, bool granted, uint32_t resource,
                    uint32_t bytes) {
  return admit(ctx, app, c, granted, resource, bytes);
}

int32_t board_class_admit(HostContext& ctx, AppHal& app, uint32_t k, uint32_t resource,
                          uint32_t bytes) {
  if (k >= app.num_board_classes) return PW_HAL_E_NOT_PRESENT;
  const bool granted = mask_has(app.grant->board[k], resource);
  return admit(ctx, app, board_class(k), granted, resource, bytes);
}

bool class_granted(const Grant& g, Class c) {
  switch (c) {
    case Class::hal: return true;
    case Class::gpio: return g.num_gpio != 0;
    case Class::i2c: return g.num_i2c != 0;
    case Class::spi: return g.num_spi != 0;
    case Class::uart: return g.num_uart != 0;
    case Class::pwm: return g.pwm_channels != 0;
    case Class::adc: return g.adc_channels != 0;
    case Class::time: return g.time;
    case Class::log: return g.log;
  }
  const uint32_t k = static_cast<uint32_t>(c) - kNumClasses;
  return k < kMaxBoardClasses && g.board[k] != 0;
}

void hal_init(AppHal& app, const pw_board& board, const Grant& grant, const BoardClass* classes,
              uint32_t num_classes) {
  app.board = &board;
  app.grant = &grant;
  app.board_classes = classes;
  app.num_board_classes =
      classes ? (num_classes < kMaxBoardClasses ? num_classes : kMaxBoardClasses) : 0;
  app.revoked.store(0, std::memory_order_relaxed);  // before the app runs
  app.limited = 0;
  app.audit = nullptr;
  app.audit_ctx = nullptr;
  app.wait = WaitState();
  app.layer = nullptr;
  std::memset(app.pin_in, 0, sizeof app.pin_in);
  std::memset(app.pin_out, 0, sizeof app.pin_out);
  std::memset(app.pin_fast_out, 0, sizeof app.pin_fast_out);
  const uint64_t t = now(app);
  for (uint32_t k = 0; k < kNumAllClasses; ++k) {
    app.stats[k] = ClassStats();
    app.buckets[k].calls = static_cast<uint64_t>(grant.rate[k].calls_per_s) * kScale;
    app.buckets[k].bytes = static_cast<uint64_t>(grant.rate[k].bytes_per_s) * kScale;
    app.buckets[k].last_us = t;
    if (grant.rate[k].calls_per_s | grant.rate[k].bytes_per_s) app.limited |= 1u << k;
  }
}

Poll hal_poll(AppHal& app, uint64_t now_us) {
  WaitState& w = app.wait;
  if (w.kind == Wait::none || !w.instance) return Poll::idle;
  const pw_board& b = *app.board;
  int32_t result = 0;
  bool done = false;
  switch (w.kind) {
    case Wait::time:
      done = now_us >= w.deadline_us;
      result = PW_HAL_OK;
      break;
    case Wait::edge: {
      const int32_t e = b.gpio->edges(b.gpio_ctx, w.resource);
      if (e < 0 || (e & w.edge)) {
        done = true;
        result = e < 0 ? e : PW_HAL_OK;
      }
      if (done || (w.has_deadline && now_us >= w.deadline_us))
        b.gpio->watch_edge(b.gpio_ctx, w.resource, 0);
      break;
    }
    default: {  // uart: the buffer was checked at the call; memory never shrinks, check anyway
      MemView v;
      if (!memory_view(*w.instance, w.address, w.length, &v)) {
        result = PW_HAL_E_INVALID;
        done = true;
        break;
      }
      const int32_t n = b.uart->read(b.uart_ctx, w.resource, v.data, v.size);
      if (n != 0) {
        done = true;
        result = n;
      }
      break;
    }
  }
  if (!done) {
    if (!w.has_deadline || now_us < w.deadline_us) return Poll::waiting;
    result = PW_HAL_E_TIMEOUT;
  }
  const WaitState ended = w;
  w = WaitState();
  const uint64_t slot =
      ended.finish ? ended.finish(app, ended, result) : static_cast<uint32_t>(result);
  return set_yield_results(*ended.instance, &slot, 1) ? Poll::ready : Poll::idle;
}

namespace {
// The class importing from `module` links to (Class::hal for modules of no class).
Class class_of(const Name& module, const BoardClass* classes, uint32_t num_classes) {
  for (uint32_t k = 0; k < kNumClasses + num_classes; ++k) {
    const char* name =
        k < kNumClasses ? kDeniedMsg[k] + kDeniedPrefix : classes[k - kNumClasses].module;
    if (module.equals(name, std::strlen(name))) return static_cast<Class>(k);
  }
  return Class::hal;
}

}  // namespace

LinkError check_imports(const LoadedModule& module, const Grant& grant, Link policy,
                        const BoardClass* classes, uint32_t num_classes) {
  LinkError out;
  if (policy == Link::stub_denied) return out;
  const Module& m = module.module;
  for (uint32_t i = 0; i < m.num_imports; ++i) {
    const Import& imp = m.imports[i];
    const Class c = class_of(imp.module, classes, num_classes);
    if (c == Class::hal || class_granted(grant, c)) continue;
    out.error.code = ErrorCode::unknown_import;
    out.error.function = i;
    out.import = &imp;
    out.missing = c;
    return out;
  }
  return out;
}

InstanceConfig app_config(AppHal& app, void* arena, size_t arena_size,
                          const HostFunction* functions, size_t num_functions) {
  InstanceConfig cfg;
  cfg.arena = arena;
  cfg.arena_size = arena_size;
  cfg.host_functions = functions;
  cfg.num_host_functions = num_functions;
  cfg.user = &app;
  return cfg;
}

size_t hal_function_table(const HostFunction* extra, size_t num_extra, HostFunction* out,
                          size_t capacity) {
  if (capacity < kNumHalFunctions || capacity - kNumHalFunctions < num_extra) return 0;
  for (size_t i = 0; i < kNumHalFunctions; ++i) out[i] = kHalFunctions[i];
  for (size_t i = 0; i < num_extra; ++i) out[kNumHalFunctions + i] = extra[i];
  return kNumHalFunctions + num_extra;
}

}  // namespace board
}  // namespace picowasm
