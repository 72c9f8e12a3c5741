// picowasm board layer: the HAL ABI 1.0 (docs/hal-abi.md) as host functions, checked against a
// per-app grant before any driver runs. Built only on the public API (picowasm.hpp); no heap, no
// mutable globals: all per-app state is an AppHal in the caller's memory.
//
// Granting an app GPIO pin 13 as output, and the log:
//
//   constexpr board::GpioGrant kPins[] = {{13, 13, board::kOutput}};
//   constexpr board::Grant kGrant = [] { board::Grant g; g.gpio = kPins; g.num_gpio = 1;
//                                        g.log = true; return g; }();
//   static board::AppHal hal;                       // per app; outlives the instance
//   board::hal_init(hal, kMyBoard, kGrant);         // kMyBoard: a pw_board with its drivers
//   board::LinkError le = board::check_imports(*module, kGrant);   // refuse before instantiating
//   InstanceConfig cfg = board::app_config(hal, instance_buf, sizeof instance_buf);
//   instantiate(*module, cfg, &inst);  ...  call(...);
//   // on PauseReason::host_yield: if (board::hal_poll(hal, now) == board::Poll::ready) resume(...)
//   // or all of it, start function and entry, waiting through HAL calls: board::run_app(...)
#ifndef PICOWASM_BOARD_HPP
#define PICOWASM_BOARD_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "picowasm/board_drivers.h"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"

namespace picowasm {
namespace board {

// Capability classes, numbered as pw_hal.query's `class` argument. `hal` (0) is pw_hal itself.
enum class Class : uint8_t { hal = 0, gpio, i2c, spi, uart, pwm, adc, time, log };
constexpr uint32_t kNumClasses = 9;
constexpr uint32_t class_bit(Class c) {
  return 1u << static_cast<uint32_t>(c);
}
// Board-specific classes (pw_board_<name>, see BoardClass below) follow the built-in ones: class
// number kNumClasses + k for the board's k-th class. Counters, rate limits and revocation bits
// cover both.
constexpr uint32_t kMaxBoardClasses = PICOWASM_HAL_MAX_BOARD_CLASSES;
constexpr uint32_t kNumAllClasses = kNumClasses + kMaxBoardClasses;
static_assert(kNumAllClasses <= 32, "revocation keeps one bit per class in 32 bits");
constexpr Class board_class(uint32_t k) {
  return static_cast<Class>(kNumClasses + k);
}
// Every class but pw_hal (always allowed), board-specific ones included.
constexpr uint32_t kAllClasses =
    (kNumAllClasses == 32 ? 0xFFFFFFFFu : (1u << kNumAllClasses) - 1) & ~1u;
// "pw_gpio", ... ("pw_hal" for Class::hal; null for a board-specific class: see the AppHal
// overload).
const char* class_module(Class c);

// ---- Grants: constant data (constexpr, may live in flash) ------------------------------------

// Access bits: GPIO input/output, UART read/write.
constexpr uint8_t kInput = 1, kOutput = 2, kRead = 1, kWrite = 2;

struct GpioGrant {  // pins first..last (inclusive)
  uint16_t first = 0, last = 0;
  uint8_t access = 0;  // kInput | kOutput
};

struct I2cGrant {
  uint8_t bus = 0;
  uint32_t addrs[4] = {};  // bit a set: 7-bit address a allowed
};
// An I2C grant for `bus` and the given addresses: i2c_grant(0, {0x48, 0x50}).
constexpr I2cGrant i2c_grant(uint8_t bus, std::initializer_list<uint8_t> addrs) {
  I2cGrant g;
  g.bus = bus;
  for (uint8_t a : addrs) g.addrs[(a >> 5) & 3] |= 1u << (a & 31);
  return g;
}

struct SpiGrant {
  uint8_t bus = 0;
  uint32_t cs_mask = 0;  // bit n: chip select n allowed
  uint32_t max_hz = 0;   // 0: no cap beyond the driver's
};

struct UartGrant {
  uint8_t port = 0;
  uint8_t access = 0;  // kRead | kWrite
};

// Token bucket per class on the board clock; 0 means unlimited. The bucket holds one second's
// worth (burst = rate) and starts full; a call costs one call token and its transfer length in
// byte tokens, taken only if both suffice. A transfer longer than bytes_per_s never fits.
struct RateLimit {
  uint32_t calls_per_s = 0;
  uint32_t bytes_per_s = 0;
};

struct Grant {
  const GpioGrant* gpio = nullptr;
  uint32_t num_gpio = 0;
  const I2cGrant* i2c = nullptr;
  uint32_t num_i2c = 0;
  const SpiGrant* spi = nullptr;
  uint32_t num_spi = 0;
  const UartGrant* uart = nullptr;
  uint32_t num_uart = 0;
  uint32_t pwm_channels = 0;  // mask
  uint32_t adc_channels = 0;  // mask
  bool time = false;
  bool log = false;
  // Board-specific class k (the board's BoardClass table order): bit n grants its resource n;
  // 0 grants nothing of the class.
  uint32_t board[kMaxBoardClasses] = {};
  bool trap_on_denial = false;          // DENIED and REVOKED trap (trap_host) instead of returning
  RateLimit rate[kNumAllClasses] = {};  // indexed by Class; rate[0] unused
};

// A board-specific capability class: import module pw_board_<name> (docs/hal-abi.md). The board
// registers its classes with hal_init and provides their host functions, which gate each call
// with board_class_enter and board_class_admit so that grants, counters, rate limits, audit,
// revocation and trap-on-denial work exactly as for the built-in classes.
struct BoardClass {
  const char* module;           // "pw_board_relay"
  const char* denied_message;   // trap message under trap_on_denial: "denied: pw_board_relay"
  const char* revoked_message;  // "revoked: pw_board_relay"
};

// True if the grant gives anything of class `c` (pw_hal: always).
bool class_granted(const Grant& grant, Class c);

// Grant lookups, shared by the HAL's call-time checks and package admission (package/).
// The access bits the grant gives pin `pin` (kInput | kOutput; 0: none).
inline uint8_t gpio_access(const Grant& g, uint32_t pin) {
  uint8_t a = 0;
  for (uint32_t i = 0; i < g.num_gpio; ++i) {
    if (pin >= g.gpio[i].first && pin <= g.gpio[i].last) a |= g.gpio[i].access;
  }
  return a;
}
// Whether 7-bit address `addr` (< 128) on `bus` is granted; addr -1: any address on that bus.
inline bool i2c_allowed(const Grant& g, uint32_t bus, int32_t addr) {
  for (uint32_t i = 0; i < g.num_i2c; ++i) {
    if (g.i2c[i].bus != bus) continue;
    const uint32_t* m = g.i2c[i].addrs;
    if (addr < 0 ? (m[0] | m[1] | m[2] | m[3]) != 0
                 : ((m[static_cast<uint32_t>(addr) >> 5] >> (addr & 31)) & 1) != 0) {
      return true;
    }
  }
  return false;
}
// The grant's entry for chip select `cs` (< 32) on `bus`, or nullptr.
inline const SpiGrant* spi_grant(const Grant& g, uint32_t bus, uint32_t cs) {
  for (uint32_t i = 0; i < g.num_spi; ++i) {
    if (g.spi[i].bus == bus && ((g.spi[i].cs_mask >> cs) & 1)) return &g.spi[i];
  }
  return nullptr;
}
// The access bits the grant gives UART `port` (kRead | kWrite; 0: none).
inline uint8_t uart_access(const Grant& g, uint32_t port) {
  uint8_t a = 0;
  for (uint32_t i = 0; i < g.num_uart; ++i) {
    if (g.uart[i].port == port) a |= g.uart[i].access;
  }
  return a;
}

// ---- Per-app HAL state (caller memory) --------------------------------------------------------

struct ClassStats {
  uint32_t calls = 0;         // every call of the class
  uint32_t denied = 0;        // DENIED or REVOKED
  uint32_t rate_limited = 0;  // RATE_LIMITED
};

// One denial or rate-limit hit, as reported to the audit callback.
struct AuditEvent {
  Class cls;
  int32_t status;     // PW_HAL_E_DENIED, _REVOKED or _RATE_LIMITED
  uint32_t resource;  // pin / bus / port / channel (0 for time and log)
};
using AuditFn = void (*)(void* ctx, const AuditEvent& event);

struct Bucket {  // tokens scaled by 1e6 (token-microseconds), so refills are exact integers
  uint64_t calls = 0, bytes = 0;
  uint64_t last_us = 0;
};

// What a paused app waits for (set by a blocking HAL call that yielded).
enum class Wait : uint8_t { none, time, edge, uart };
struct AppHal;
struct WaitState;
// A layer over the HAL (wasi/) that waits through WaitState gives the call's result itself:
// hal_poll resumes the app with finish(app, wait, outcome), the outcome being what the HAL call
// would have returned (UART: the bytes read, or a status), instead of the outcome.
using WaitFinish = uint64_t (*)(AppHal& app, const WaitState& wait, int32_t outcome);
struct WaitState {
  Wait kind = Wait::none;
  bool has_deadline = false;
  int32_t edge = 0;       // Wait::edge: 1 rising, 2 falling, 3 either
  uint32_t resource = 0;  // pin or port
  uint32_t address = 0;   // Wait::uart: the guest buffer (checked at the call)
  uint32_t length = 0;
  uint64_t deadline_us = 0;      // when has_deadline: timeout (or sleep end)
  Instance* instance = nullptr;  // the paused instance
  WaitFinish finish = nullptr;   // null: the outcome is the call's i32 result
};

struct AppHal {
  const pw_board* board = nullptr;
  const Grant* grant = nullptr;
  // Revoked classes (class_bit). Written by revoke()/restore() with one atomic read-modify-write
  // each, so an interrupt handler or another thread may call them at any time; read once per
  // HAL call (needs lock-free 32-bit atomics: Cortex-M3 and up, any hosted target).
  std::atomic<uint32_t> revoked{0};
  // Classes whose grant sets a rate limit (class_bit), from hal_init: the others skip the bucket.
  uint32_t limited = 0;
  ClassStats stats[kNumAllClasses];
  Bucket buckets[kNumAllClasses];
  const BoardClass* board_classes = nullptr;  // the board's own classes (hal_init)
  uint32_t num_board_classes = 0;
  AuditFn audit = nullptr;
  void* audit_ctx = nullptr;
  WaitState wait;
  // Pins this app configured (bit per pin): for "not configured, or configured the other way".
  uint32_t pin_in[(PICOWASM_HAL_MAX_PINS + 31) / 32] = {};
  uint32_t pin_out[(PICOWASM_HAL_MAX_PINS + 31) / 32] = {};
  // pin_out's pins while pw_gpio has no rate limit: pw_gpio.write's fast path tests one bitmap
  // and the revocation word instead of also reading `limited` (8 bytes for 2 instructions a call).
  uint32_t pin_fast_out[(PICOWASM_HAL_MAX_PINS + 31) / 32] = {};
  // State of a layer built over the HAL for this app (wasi/: its WasiContext), else null.
  // hal_init clears it; the layer sets it afterwards (wasi_init).
  void* layer = nullptr;
};

// Resets `app` for a new app on `board` with `grant` (both must outlive it). Buckets start full.
// A board with classes of its own passes their table (at most kMaxBoardClasses; more are ignored).
void hal_init(AppHal& app, const pw_board& board, const Grant& grant,
              const BoardClass* classes = nullptr, uint32_t num_classes = 0);
// The import module of class `c`, board-specific classes of the app's board included ("?" for
// a board class it does not have).
const char* class_module(const AppHal& app, Class c);

// ---- Board-specific host functions -------------------------------------------------------------
// A board-class host function starts with these two, in the documented order of checks:
//   AppHal* app = board_class_enter(ctx, k);   if (!app) return 0;   // counts the call
//   if (relay < 0) return PW_HAL_E_INVALID;  if (relay >= 4) return PW_HAL_E_NOT_PRESENT;
//   if (int32_t s = board_class_admit(ctx, *app, k, relay, 0)) return s;   // REVOKED, DENIED, ...
//   ... then its driver.
// enter traps (and returns null) when the instance has no HAL state. admit answers REVOKED,
// DENIED (resource outside grant.board[k]) or RATE_LIMITED (grant.rate[kNumClasses + k], for one
// call and `bytes` bytes), counted, audited and trapping under trap_on_denial; 0 if the driver
// may run.
AppHal* board_class_enter(HostContext& ctx, uint32_t k);
int32_t board_class_admit(HostContext& ctx, AppHal& app, uint32_t k, uint32_t resource,
                          uint32_t bytes);
// The same gates for a built-in class, for layers over the HAL (wasi/) whose calls must be
// counted, audited, rate-limited and revoked like HAL calls: class_enter counts a call of `c`
// (null and a trap when the instance has no HAL state); class_admit answers REVOKED, DENIED
// (!granted) or RATE_LIMITED, or 0 if the driver may run.
AppHal* class_enter(HostContext& ctx, Class c);
int32_t class_admit(HostContext& ctx, AppHal& app, Class c, bool granted, uint32_t resource,
                    uint32_t bytes);
// Revokes (restores) classes: class_bit(Class::i2c), or kAllClasses. ISR/thread safe; takes
// effect at the app's next HAL call.
inline void revoke(AppHal& app, uint32_t classes) {
  app.revoked.fetch_or(classes);
}
inline void restore(AppHal& app, uint32_t classes) {
  app.revoked.fetch_and(~classes);
}

// ---- Blocking calls: what the app waits for, and completing the wait --------------------------

inline const WaitState& hal_wait_state(const AppHal& app) {
  return app.wait;
}
enum class Poll : uint8_t {
  idle,     // the app waits for nothing (not paused by a HAL call)
  waiting,  // the condition does not hold yet: poll again later (at wait.deadline_us at latest)
  ready,    // the outcome was set (set_yield_results; UART bytes copied): resume() the app now
};
// Checks the app's wait condition at `now_us` (the board clock's time).
Poll hal_poll(AppHal& app, uint64_t now_us);
// Forgets what the app waits for (and stops watching its pin): after abandon() or unload() of
// the paused call, so that a later hal_poll neither consumes UART bytes nor touches the instance.
inline void hal_cancel(AppHal& app) {
  if (app.wait.kind == Wait::edge) {
    app.board->gpio->watch_edge(app.board->gpio_ctx, app.wait.resource, 0);
  }
  app.wait = WaitState();
}

// Runs one app to its end: the instance's start function, then `entry` (its results into
// `slots`), within `fuel` in all (kUnlimitedFuel: no bound). Whenever a HAL call pauses the app
// (host yield) with fuel left, wait() is called: it returns true once hal_poll has answered
// something other than waiting (sleeping in between as the board can), and the app resumes; or
// false to stop there. Returns the last result: ok, trap, or paused (out of fuel, another pause
// reason, or stopped by wait()), and the fuel used in all in *fuel_used.
template <typename Wait>
CallResult run_app(Instance& instance, FuncInst* entry, uint64_t* slots, uint64_t fuel,
                   uint64_t* fuel_used, Wait wait) {
  uint64_t used = 0;
  const auto left = [&] { return fuel == kUnlimitedFuel ? kUnlimitedFuel : fuel - used; };
  CallResult r = start(instance, fuel);
  bool in_start = true;  // a start function may wait in a HAL call too
  for (;;) {
    used += r.fuel_used;
    if (r.status == CallStatus::ok && in_start) {
      in_start = false;
      r = call(instance, entry, slots, left());
      continue;
    }
    if (r.status != CallStatus::paused || r.pause != PauseReason::host_yield) break;
    if (left() == 0 || !wait()) break;
    r = resume(instance, slots, left());
  }
  *fuel_used = used;
  return r;
}

// ---- Linking -----------------------------------------------------------------------------------

// Every HAL ABI 1.0 function (module.field per docs/hal-abi.md); the user pointer of the
// instance must be its AppHal.
extern const HostFunction kHalFunctions[20];
constexpr size_t kNumHalFunctions = 20;

enum class Link : uint8_t {
  refuse,       // an import of an ungranted class is an error
  stub_denied,  // link it anyway: every call of it answers DENIED (the checks do that already)
};
struct LinkError {
  Error error;  // ok, or unknown_import with Error::function = the import's index
  const Import* import = nullptr;  // the refused import (module.field names it)
  Class missing = Class::hal;      // the class the grant lacks
  bool ok() const { return error.ok(); }
};
// Refuses a module importing from a pw_* class the grant gives nothing of. Imports of other
// modules, and unknown pw_* functions, are left to instantiate() (unknown_import as usual).
// With `classes`, imports of those board-specific classes are checked too.
LinkError check_imports(const LoadedModule& module, const Grant& grant, Link policy = Link::refuse,
                        const BoardClass* classes = nullptr, uint32_t num_classes = 0);
// The same for the app's grant, board-specific classes of its board included.
inline LinkError check_imports(const LoadedModule& module, const AppHal& app,
                               Link policy = Link::refuse) {
  return check_imports(module, *app.grant, policy, app.board_classes, app.num_board_classes);
}

// An InstanceConfig linking `functions` (a board with classes of its own links kHalFunctions
// and its functions together, copied into one table with hal_function_table), with `app` as the
// user pointer; set limits and externs on the result as needed.
InstanceConfig app_config(AppHal& app, void* arena, size_t arena_size,
                          const HostFunction* functions, size_t num_functions);
// The same linking the HAL functions.
inline InstanceConfig app_config(AppHal& app, void* arena, size_t arena_size) {
  return app_config(app, arena, arena_size, kHalFunctions, kNumHalFunctions);
}
// Copies kHalFunctions followed by `extra` into out[0..capacity); the count, or 0 if it does not
// fit.
size_t hal_function_table(const HostFunction* extra, size_t num_extra, HostFunction* out,
                          size_t capacity);

}  // namespace board
}  // namespace picowasm

#endif  // PICOWASM_BOARD_HPP
