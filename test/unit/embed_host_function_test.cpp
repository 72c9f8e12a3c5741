// Typed host functions (embed.hpp): signatures derived at compile time, values crossing in both
// directions, MemView bounds checks before the call, traps with messages and codes, cooperative
// yield, per-instance user pointers and bindings.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::config_for;
using embed_test::wasm;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::ExternRef;
using picowasm::FuncRef;
using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::MemView;
using picowasm::PauseReason;
using picowasm::Results;
using picowasm::ValType;

// What host functions record, reached through HostContext::user().
struct Board {
  int calls = 0;
  std::string log;
  int32_t last_pin = -1;
  int yields = 0;
};

int32_t add(HostContext&, int32_t a, int32_t b) {
  return a + b;
}
Results<int32_t, int32_t> divmod(HostContext& ctx, int32_t a, int32_t b) {
  if (b == 0) return ctx.trap("divide by zero in host");
  return {a / b, a % b};
}
uint64_t mix(HostContext&, uint32_t a, int64_t b, float c, double d) {
  return uint64_t{a} * 1000003u + static_cast<uint64_t>(b) +
         static_cast<uint64_t>(static_cast<int64_t>(c * 4.0f)) +
         static_cast<uint64_t>(static_cast<int64_t>(d * 8.0));
}
float half(HostContext&, float x) {
  return x / 2;
}
double twice(HostContext&, double x) {
  return x * 2;
}
void log_text(HostContext& ctx, MemView text) {
  Board& b = *ctx.user_as<Board>();
  ++b.calls;
  b.log.append(text.chars(), text.size);
}
void gpio_write(HostContext& ctx, int32_t pin, int32_t level) {
  Board& b = *ctx.user_as<Board>();
  ++b.calls;
  if (pin < 0 || pin > 31) {
    ctx.trap("bad pin");
    return;
  }
  b.last_pin = pin;
  (void)level;
}
int32_t checked_div(HostContext& ctx, int32_t a, int32_t b) {
  if (b == 0) return ctx.trap(ErrorCode::trap_int_div_by_zero, "host division by zero");
  if (b == -1) return ctx.trap(ErrorCode::out_of_arena, "not a trap code");
  return a / b;
}
int32_t tick(HostContext& ctx, int32_t n) {
  ++ctx.user_as<Board>()->yields;
  ctx.yield();
  return n + 1;
}
ExternRef keep(HostContext&, ExternRef r) {
  return r;
}
int32_t is_null_func(HostContext&, FuncRef f) {
  return f.is_null() ? 1 : 0;
}
// Reads and writes linear memory through the checked helpers: returns the old value at `addr`
// and stores `value` there, or traps when the address is outside the memory.
int32_t swap_word(HostContext& ctx, uint32_t addr, int32_t value) {
  int32_t old = 0;
  if (!ctx.read(addr, &old, 4)) return ctx.trap(ErrorCode::trap_memory_oob, "swap_word");
  if (!ctx.write(addr, &value, 4)) return ctx.trap("unreachable: read succeeded");
  return old;
}
int32_t sum_bytes(HostContext&, MemView a, uint32_t scale, MemView b) {
  int32_t s = 0;
  for (uint32_t i = 0; i < a.size; ++i) s += a.data[i];
  for (uint32_t i = 0; i < b.size; ++i) s += b.data[i];
  return s * static_cast<int32_t>(scale);
}

constexpr HostFunction kHost[] = {
    host_function<&add>("env", "add"),
    host_function<&divmod>("env", "divmod"),
    host_function<&mix>("env", "mix"),
    host_function<&half>("env", "half"),
    host_function<&twice>("env", "twice"),
    host_function<&log_text>("env", "log"),
    host_function<&gpio_write>("env", "gpio_write"),
    host_function<&checked_div>("env", "checked_div"),
    host_function<&tick>("env", "tick"),
    host_function<&keep>("env", "keep"),
    host_function<&is_null_func>("env", "is_null_func"),
    host_function<&swap_word>("env", "swap_word"),
    host_function<&sum_bytes>("env", "sum_bytes"),
};

// The signatures are compile-time constants of a constexpr (flash-resident) table.
static_assert(kHost[0].type.num_params == 2 && kHost[0].type.num_results == 1, "add");
static_assert(kHost[0].type.params[0] == ValType::i32 && kHost[0].type.results[0] == ValType::i32,
              "add types");
static_assert(kHost[1].type.num_results == 2 && kHost[1].type.results[1] == ValType::i32, "divmod");
static_assert(kHost[2].type.num_params == 4 && kHost[2].type.params[1] == ValType::i64 &&
                  kHost[2].type.params[2] == ValType::f32 &&
                  kHost[2].type.params[3] == ValType::f64 &&
                  kHost[2].type.results[0] == ValType::i64,
              "mix");
static_assert(kHost[5].type.num_params == 2 && kHost[5].type.num_results == 0, "MemView = 2 x i32");
static_assert(kHost[9].type.params[0] == ValType::externref, "externref");
static_assert(kHost[10].type.params[0] == ValType::funcref, "funcref");
static_assert(kHost[12].type.num_params == 5, "MemView, u32, MemView = 5 params");

const char* const kModule = "host-functions";

// One instance of kModule bound to kHost, with a Board as its user pointer.
struct Fixture {
  Fixture() : module(wasm(kModule)), buffer(256 * 1024) {
    picowasm::InstanceConfig config = config_for(buffer);
    config.host_functions = kHost;
    config.num_host_functions = sizeof(kHost) / sizeof(kHost[0]);
    config.user = &board;
    err = picowasm::instantiate(*module.loaded, config, &inst);
    EXPECT_EQ(err.code, ErrorCode::ok) << picowasm::error_code_name(err.code);
  }
  picowasm::CallResult run(const char* name, std::vector<uint64_t>& slots) {
    return embed_test::run(*inst, name, slots);
  }
  embed_test::Module module;
  Buffer buffer;
  Board board;
  picowasm::Instance* inst = nullptr;
  picowasm::Error err;
};

uint64_t f32_slot(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
float slot_f32(uint64_t s) {
  uint32_t b = static_cast<uint32_t>(s);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
uint64_t f64_slot(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
double slot_f64(uint64_t s) {
  double d;
  std::memcpy(&d, &s, 8);
  return d;
}

TEST(EmbedHostFunction, ScalarValuesCrossBothWays) {
  Fixture f;
  ASSERT_NE(f.inst, nullptr);
  std::vector<uint64_t> s = {static_cast<uint32_t>(-7), 3};
  ASSERT_EQ(f.run("add", s).status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(s[0]), -4);

  s = {47, 5};
  ASSERT_EQ(f.run("divmod", s).status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(s[0]), 9 * 1000 + 2);

  s = {0xFFFFFFFFu, static_cast<uint64_t>(int64_t{-5}), f32_slot(2.5f), f64_slot(0.25)};
  ASSERT_EQ(f.run("mix", s).status, CallStatus::ok);
  EXPECT_EQ(s[0], uint64_t{0xFFFFFFFFu} * 1000003u - 5 + 10 + 2);

  s = {f32_slot(-3.0f)};
  ASSERT_EQ(f.run("half", s).status, CallStatus::ok);
  EXPECT_EQ(slot_f32(s[0]), -1.5f);
  s = {f64_slot(1e308)};
  ASSERT_EQ(f.run("twice", s).status, CallStatus::ok);
  EXPECT_TRUE(std::isinf(slot_f64(s[0])));
}

TEST(EmbedHostFunction, ReferencesCrossUnchanged) {
  Fixture f;
  int token = 0;
  std::vector<uint64_t> s = {reinterpret_cast<uintptr_t>(&token)};
  ASSERT_EQ(f.run("keep", s).status, CallStatus::ok);
  EXPECT_EQ(s[0], reinterpret_cast<uintptr_t>(&token));
  s = {};
  ASSERT_EQ(f.run("null_checks", s).status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(s[0]), 10);  // null -> 1 (times 10), ref.func -> 0
}

TEST(EmbedHostFunction, MemViewSeesExactlyTheRangeTheModulePassed) {
  Fixture f;
  std::vector<uint64_t> s = {16, 5};
  ASSERT_EQ(f.run("log", s).status, CallStatus::ok);
  EXPECT_EQ(f.board.log, "hello");
  s = {23, 5};
  ASSERT_EQ(f.run("log", s).status, CallStatus::ok);
  EXPECT_EQ(f.board.log, "helloworld");
  // Empty views are fine anywhere up to the end of memory, including exactly at the end.
  s = {65536, 0};
  ASSERT_EQ(f.run("log", s).status, CallStatus::ok);
  // The last byte of memory is inside; one past it is not.
  s = {65535, 1};
  ASSERT_EQ(f.run("log", s).status, CallStatus::ok);
  EXPECT_EQ(f.board.calls, 4);
}

TEST(EmbedHostFunction, MemViewOutOfBoundsTrapsBeforeTheCall) {
  Fixture f;
  struct Case {
    uint32_t ptr, len;
  };
  const Case cases[] = {{65535, 2}, {65536, 1}, {0, 65537}, {0xFFFFFFFFu, 2}, {16, 0xFFFFFFF0u}};
  for (const Case& c : cases) {
    std::vector<uint64_t> s = {c.ptr, c.len};
    picowasm::CallResult r = f.run("log", s);
    EXPECT_EQ(r.status, CallStatus::trap) << c.ptr << "+" << c.len;
    EXPECT_EQ(r.error.code, ErrorCode::trap_memory_oob);
    EXPECT_NE(picowasm::trap_report(*f.inst).host_message, nullptr);
  }
  EXPECT_EQ(f.board.calls, 0);  // never called with a bad view

  // Several views in one signature: each is checked.
  std::vector<uint64_t> s = {16, 2, 3, 65530, 6};
  ASSERT_EQ(f.run("sum", s).status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(s[0]), ('h' + 'e') * 3);
  s = {16, 2, 3, 65531, 6};
  EXPECT_EQ(f.run("sum", s).error.code, ErrorCode::trap_memory_oob);
}

TEST(EmbedHostFunction, TrapCarriesMessageAndCode) {
  Fixture f;
  std::vector<uint64_t> s = {40};
  picowasm::CallResult r = f.run("gpio", s);
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_host);
  picowasm::TrapReport report = picowasm::trap_report(*f.inst);
  ASSERT_NE(report.host_message, nullptr);
  EXPECT_STREQ(report.host_message, "bad pin");
  EXPECT_EQ(f.board.last_pin, -1);

  s = {13};
  ASSERT_EQ(f.run("gpio", s).status, CallStatus::ok);
  EXPECT_EQ(f.board.last_pin, 13);
  EXPECT_EQ(picowasm::trap_report(*f.inst).code, ErrorCode::ok);

  // A result-returning function traps with `return ctx.trap(...)`; its result is discarded.
  s = {7, 0};
  ASSERT_EQ(f.run("divmod", s).error.code, ErrorCode::trap_host);
  EXPECT_STREQ(picowasm::trap_report(*f.inst).host_message, "divide by zero in host");

  // Its own trap code; a code that is not a trap becomes trap_host.
  s = {7, 0};
  ASSERT_EQ(f.run("cdiv", s).error.code, ErrorCode::trap_int_div_by_zero);
  EXPECT_STREQ(picowasm::trap_report(*f.inst).host_message, "host division by zero");
  s = {7, static_cast<uint32_t>(-1)};
  EXPECT_EQ(f.run("cdiv", s).error.code, ErrorCode::trap_host);
  s = {9, 3};
  ASSERT_EQ(f.run("cdiv", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 3u);
}

TEST(EmbedHostFunction, YieldPausesAfterDeliveringResults) {
  Fixture f;
  picowasm::FuncInst* ticks = picowasm::find_function(*f.inst, "ticks");
  ASSERT_NE(ticks, nullptr);
  uint64_t s[2] = {40, 0};
  picowasm::CallResult r = picowasm::call(*f.inst, ticks, s, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  EXPECT_EQ(f.board.yields, 1);
  r = picowasm::resume(*f.inst, s, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(f.board.yields, 2);
  r = picowasm::resume(*f.inst, s, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 42u);
  EXPECT_EQ(f.board.yields, 2);
}

TEST(EmbedHostFunction, MemoryHelpersAreBoundsChecked) {
  Fixture f;
  std::vector<uint64_t> s = {16, 0x01020304};
  ASSERT_EQ(f.run("swap", s).status, CallStatus::ok);
  int32_t hell;
  std::memcpy(&hell, "hell", 4);
  EXPECT_EQ(static_cast<int32_t>(s[0]), hell);
  s = {16};
  ASSERT_EQ(f.run("load", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 0x01020304u);
  s = {65533, 0};
  picowasm::CallResult r = f.run("swap", s);
  EXPECT_EQ(r.error.code, ErrorCode::trap_memory_oob);
  EXPECT_STREQ(picowasm::trap_report(*f.inst).host_message, "swap_word");
}

// Imports are resolved per instance: two instances of one loaded module, each with its own table
// and user pointer.
int32_t answer_a(HostContext& ctx, int32_t x) {
  ++ctx.user_as<Board>()->calls;
  return x + 1;
}
int32_t answer_b(HostContext& ctx, int32_t x) {
  ++ctx.user_as<Board>()->calls;
  return x * 2;
}
constexpr HostFunction kTableA[] = {host_function<&answer_a>("env", "answer")};
constexpr HostFunction kTableB[] = {host_function<&answer_b>("env", "answer")};

TEST(EmbedHostFunction, BindingsAndUserPointersArePerInstance) {
  embed_test::Module m(wasm("host-answer-call"));
  Buffer buf_a(64 * 1024), buf_b(64 * 1024);
  Board board_a, board_b;
  picowasm::InstanceConfig ca = config_for(buf_a), cb = config_for(buf_b);
  ca.host_functions = kTableA;
  ca.num_host_functions = 1;
  ca.user = &board_a;
  cb.host_functions = kTableB;
  cb.num_host_functions = 1;
  cb.user = &board_b;
  picowasm::Instance *a = nullptr, *b = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, ca, &a).ok());
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, cb, &b).ok());
  EXPECT_EQ(a->user, &board_a);
  std::vector<uint64_t> s = {20};
  ASSERT_EQ(embed_test::run(*a, "f", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 21u);
  s = {20};
  ASSERT_EQ(embed_test::run(*b, "f", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 40u);
  s = {1};
  ASSERT_EQ(embed_test::run(*b, "f", s).status, CallStatus::ok);
  EXPECT_EQ(board_a.calls, 1);
  EXPECT_EQ(board_b.calls, 2);
  // The host FuncInsts live inside each instance's own buffer.
  const picowasm::FuncInst* fa = a->funcs[0];
  EXPECT_GE(reinterpret_cast<const uint8_t*>(fa), buf_a.data);
  EXPECT_LT(reinterpret_cast<const uint8_t*>(fa), buf_a.data + buf_a.size);
  EXPECT_EQ(fa->type, &kTableA[0].type);  // the signature is the table's, not a copy
}

TEST(EmbedHostFunction, HostFunctionCalledDirectlyFromTheHost) {
  // A host function can also be exported and called through call(); the thunk works the same.
  embed_test::Module m(wasm("host-answer-export"));
  Buffer buf(64 * 1024);
  Board board;
  picowasm::InstanceConfig c = config_for(buf);
  c.host_functions = kTableB;
  c.num_host_functions = 1;
  c.user = &board;
  picowasm::Instance* inst = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  std::vector<uint64_t> s = {21};
  ASSERT_EQ(embed_test::run(*inst, "answer", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 42u);
  EXPECT_EQ(board.calls, 1);
}

// One function serves several entries, told apart by each entry's data pointer (as the board API
// serves one peripheral class with one function and a descriptor per entry).
struct Led {
  int32_t pin;
};
constexpr Led kRed{5}, kGreen{6};
int32_t led_pin(HostContext& ctx, int32_t offset) {
  return ctx.data_as<Led>()->pin + offset;
}
constexpr HostFunction kLeds[] = {host_function<&led_pin>("led", "red", &kRed),
                                  host_function<&led_pin>("led", "green", &kGreen)};

TEST(EmbedHostFunction, DataPointerIsPerEntry) {
  embed_test::Module m(wasm("host-leds"));
  Buffer buf(64 * 1024);
  picowasm::InstanceConfig c = config_for(buf);
  c.host_functions = kLeds;
  c.num_host_functions = 2;
  picowasm::Instance* inst = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  std::vector<uint64_t> s;
  ASSERT_EQ(embed_test::run(*inst, "f", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 105u * 1000 + 6);
}

// A host function whose outcome is known only later (a HAL wait): it returns a placeholder and
// yields; the firmware sets the real result before resuming.
int32_t wait_for_data(HostContext& ctx, int32_t port) {
  ctx.yield();
  return -6 - port;  // placeholder: "timeout", unless replaced
}
constexpr HostFunction kWait[] = {host_function<&wait_for_data>("env", "wait")};

TEST(EmbedHostFunction, YieldResultsCanBeReplacedBeforeResume) {
  embed_test::Module m(wasm("host-wait"));
  Buffer buf(64 * 1024);
  picowasm::InstanceConfig c = config_for(buf);
  c.host_functions = kWait;
  c.num_host_functions = 1;
  picowasm::Instance* inst = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  uint64_t slots[1] = {0};
  const uint64_t ready[1] = {42};
  EXPECT_FALSE(picowasm::set_yield_results(*inst, ready, 1)) << "nothing is paused yet";

  picowasm::CallResult r = picowasm::call(*inst, picowasm::find_function(*inst, "f"), slots, 100);
  ASSERT_EQ(r.status, CallStatus::paused);
  ASSERT_EQ(r.pause, picowasm::PauseReason::host_yield);
  EXPECT_FALSE(picowasm::set_yield_results(*inst, ready, 2)) << "wrong result count";
  EXPECT_TRUE(picowasm::set_yield_results(*inst, ready, 1));
  r = picowasm::resume(*inst, slots, 100);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(slots[0]), 1042u);
  EXPECT_FALSE(picowasm::set_yield_results(*inst, ready, 1)) << "only until it resumes";

  // Not replaced: the placeholder stands.
  r = picowasm::call(*inst, picowasm::find_function(*inst, "g"), slots, 100);
  ASSERT_EQ(r.status, CallStatus::paused);
  r = picowasm::resume(*inst, slots, 100);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(static_cast<int32_t>(embed_test::i32(slots[0])), -7);

  // A pause for another reason has no host results to replace.
  r = picowasm::call(*inst, picowasm::find_function(*inst, "f"), slots, 0);
  ASSERT_EQ(r.status, CallStatus::paused);
  ASSERT_EQ(r.pause, picowasm::PauseReason::out_of_fuel);
  EXPECT_FALSE(picowasm::set_yield_results(*inst, ready, 1));
  picowasm::abandon(*inst);
}

}  // namespace
