// The tail-call proposal in execution (return_call, return_call_indirect): constant call-stack
// space, the frame a tail call replaces, traps of the indirect form, fuel, interrupts, host yields
// and traps, backtraces and instance switches across tail calls. Built once per dispatch mode
// (computed goto and switch), and once with the proposal compiled out (test/CMakeLists.txt).
// Expected values are worked out by hand in the comments beside them.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using picowasm::CallResult;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::PauseReason;

int32_t add(HostContext&, int32_t a, int32_t b) {
  return a + b;
}
// Pauses the calling wasm code, then returns n + 1 when it resumes.
int32_t tick(HostContext& ctx, int32_t n) {
  ctx.yield();
  return n + 1;
}
int32_t fail(HostContext& ctx, int32_t) {
  return ctx.trap("fail called");
}

constexpr HostFunction kHost[] = {
    picowasm::host_function<&add>("env", "add"),
    picowasm::host_function<&tick>("env", "tick"),
    picowasm::host_function<&fail>("env", "fail"),
};

// Function indices (imports first): add 0, tick 1, fail 2, then the defined functions in order.
constexpr uint32_t kFailTail = 12, kInner = 13, kOuter = 15;

const char* const kModule = "tail-call";

// One instance of kModule with the default limits (256 call frames, 16 KiB of value stack).
struct Fixture {
  Fixture() : module(embed_test::wasm(kModule)), buffer(256 * 1024) {
    picowasm::InstanceConfig config;
    config.arena = buffer.data;
    config.arena_size = buffer.size;
    config.host_functions = kHost;
    config.num_host_functions = sizeof(kHost) / sizeof(kHost[0]);
    err = picowasm::instantiate(*module.loaded, config, &inst);
    EXPECT_EQ(err.code, ErrorCode::ok) << picowasm::error_code_name(err.code);
  }
  // Calls `name` once with `fuel`, arguments in slots.
  CallResult call(const char* name, std::vector<uint64_t> args, uint64_t fuel) {
    slots = args;
    slots.resize(8);
    picowasm::FuncInst* f = picowasm::find_function(*inst, name);
    EXPECT_NE(f, nullptr) << name;
    return picowasm::call(*inst, f, slots.data(), fuel);
  }
  // Calls `name` to completion.
  CallResult run(const char* name, std::vector<uint64_t> args) {
    slots = args;
    return embed_test::run(*inst, name, slots);
  }
  embed_test::Module module;
  Buffer buffer;
  picowasm::Instance* inst = nullptr;
  picowasm::Error err;
  std::vector<uint64_t> slots;
};

#if PICOWASM_FEATURE_TAIL_CALL

constexpr uint64_t kMillion = 1000000;
constexpr uint64_t kSumToMillion = kMillion * (kMillion + 1) / 2;  // 500000500000

TEST(TailCall, MillionTailCallsRunInConstantCallStackSpace) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  CallResult r = fx.run("sum", {kMillion, 0});
  ASSERT_EQ(r.status, CallStatus::ok) << picowasm::error_code_name(r.error.code);
  EXPECT_EQ(fx.slots[0], kSumToMillion);
  // The same recursion with `call` needs a frame per step and exceeds the 256 default frames.
  r = fx.run("sum_call", {kMillion, 0});
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::call_stack_exhausted);
  // ... while a shallow one fits: 1 + 2 + ... + 100 = 5050 on top of 7.
  ASSERT_EQ(fx.run("sum_call", {100, 7}).status, CallStatus::ok);
  EXPECT_EQ(fx.slots[0], 5057u);
}

TEST(TailCall, MutualRecursionReusesTheFrame) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  // 1000001 steps alternate even/odd down to zero: 1000001 is odd.
  ASSERT_EQ(fx.run("even", {kMillion + 1}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 0u);
  ASSERT_EQ(fx.run("odd", {kMillion + 1}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 1u);
  ASSERT_EQ(fx.run("even", {0}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 1u);
}

TEST(TailCall, IndirectTailCallsAndTheirTraps) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  ASSERT_EQ(fx.run("indirect", {0, 10}).status, CallStatus::ok);  // $sum: 1 + ... + 10
  EXPECT_EQ(fx.slots[0], 55u);
  ASSERT_EQ(fx.run("indirect", {1, kMillion}).status, CallStatus::ok);  // $sum_ind, 10^6 deep
  EXPECT_EQ(fx.slots[0], kSumToMillion);
  const struct {
    uint32_t slot;
    ErrorCode trap;
  } traps[] = {
      {2, ErrorCode::trap_indirect_call_type},     // $even: (i32) -> i32
      {3, ErrorCode::trap_uninitialized_element},  // null
      {5, ErrorCode::trap_undefined_element},      // past the table's 5 elements
      {0xFFFFFFFFu, ErrorCode::trap_undefined_element},
  };
  for (const auto& t : traps) {
    CallResult r = fx.run("indirect", {t.slot, 10});
    ASSERT_EQ(r.status, CallStatus::trap) << t.slot;
    EXPECT_EQ(r.error.code, t.trap) << t.slot;
    EXPECT_EQ(picowasm::trap_report(*fx.inst).code, t.trap) << t.slot;
  }
}

TEST(TailCall, FuelRunsOutMidRecursionAndResumes) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  // Each return_call is one safe point (one unit of fuel); `sum` has no loop and its entry from
  // the host is not a safe point, so sum(10^6) takes exactly 10^6 units. In slices of 1000 it
  // pauses after 999 slices and returns in the 1000th.
  CallResult r = fx.call("sum", {kMillion, 0}, 1000);
  uint64_t fuel = r.fuel_used;
  int pauses = 0;
  while (r.status == CallStatus::paused) {
    ASSERT_EQ(r.pause, PauseReason::out_of_fuel);
    ASSERT_EQ(r.fuel_used, 1000u);
    ++pauses;
    r = picowasm::resume(*fx.inst, fx.slots.data(), 1000);
    fuel += r.fuel_used;
  }
  ASSERT_EQ(r.status, CallStatus::ok) << picowasm::error_code_name(r.error.code);
  EXPECT_EQ(pauses, 999);
  EXPECT_EQ(fuel, kMillion);
  EXPECT_EQ(fx.slots[0], kSumToMillion);

  // Mutual recursion and the indirect form, in odd slices: the same results as without pauses.
  r = fx.call("odd", {12345}, 7);
  while (r.status == CallStatus::paused) r = picowasm::resume(*fx.inst, fx.slots.data(), 7);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 1u);  // 12345 is odd
  r = fx.call("indirect", {1, 1000}, 3);
  while (r.status == CallStatus::paused) r = picowasm::resume(*fx.inst, fx.slots.data(), 3);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(fx.slots[0], 500500u);  // 1000 * 1001 / 2
}

TEST(TailCall, InterruptPausesAtATailCall) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  picowasm::interrupt(*fx.inst);
  CallResult r = fx.call("sum", {10, 0}, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::interrupted);
  EXPECT_EQ(r.fuel_used, 0u);  // paused at the first return_call, before charging it
  r = picowasm::resume(*fx.inst, fx.slots.data(), picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(r.fuel_used, 10u);
  EXPECT_EQ(fx.slots[0], 55u);
}

TEST(TailCall, HostFunctionsInTailPosition) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  ASSERT_EQ(fx.run("add_tail", {7}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 12u);  // 7 + 5
  ASSERT_EQ(fx.run("add_indirect", {7}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 107u);  // 7 + 100, host function from the table
  // outer(0) = (inner(0) + add_tail(2)) * 10 = (1 + 7) * 10: the host tail call returns to a
  // wasm caller that goes on computing.
  ASSERT_EQ(fx.run("outer", {0}).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 80u);

  // A yielding host function: tick_tail(5) pauses in the call, then in the tail call, and
  // returns 5 + 1 + 1.
  CallResult r = fx.call("tick_tail", {5}, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  r = picowasm::resume(*fx.inst, fx.slots.data(), picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  // The tail-called host function's result can be replaced before resuming, like a call's.
  const uint64_t replaced = 40;
  ASSERT_TRUE(picowasm::set_yield_results(*fx.inst, &replaced, 1));
  r = picowasm::resume(*fx.inst, fx.slots.data(), picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(fx.slots[0]), 40u);

  // A trapping one: reported in its caller's place, with the host's message.
  r = fx.run("fail_tail", {1});
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_host);
  picowasm::TrapReport report = picowasm::trap_report(*fx.inst);
  ASSERT_EQ(report.num_frames, 1u);
  EXPECT_EQ(report.frames[0].function, kFailTail);
  EXPECT_STREQ(report.host_message, "fail called");
}

TEST(TailCall, BacktraceShowsTheCalleeInTheCallersPlace) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  CallResult r = fx.run("outer", {1});
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_unreachable);
  EXPECT_EQ(r.error.function, kInner);
  picowasm::TrapReport report = picowasm::trap_report(*fx.inst);
  // outer -> middle -(tail)-> inner: middle's frame became inner's.
  ASSERT_EQ(report.num_frames, 2u);
  EXPECT_EQ(report.total_frames, 2u);
  EXPECT_EQ(report.frames[0].function, kInner);
  EXPECT_EQ(report.frames[1].function, kOuter);
  for (uint32_t i = 0; i < report.num_frames; ++i)
    EXPECT_NE(report.frames[i].module_offset, picowasm::TrapFrame::kUnknownOffset) << i;
}

TEST(TailCall, TailCallIntoAnotherInstanceSwitchesMemories) {
  // A's load_at reads A's memory; B tail-calls it, then reads its own memory at the same address.
  embed_test::Module a(embed_test::wasm("tail-call-memory-a"));
  embed_test::Module b(embed_test::wasm("tail-call-memory-b"));
  Buffer buf_a(256 * 1024), buf_b(256 * 1024);
  picowasm::Instance *ia = nullptr, *ib = nullptr;
  picowasm::InstanceConfig ca = embed_test::config_for(buf_a);
  ASSERT_TRUE(picowasm::instantiate(*a.loaded, ca, &ia).ok());
  picowasm::NamedExtern load_at;
  load_at.module = "a";
  load_at.name = "load_at";
  ASSERT_TRUE(picowasm::find_export(*ia, "load_at", 7, &load_at.value));
  picowasm::InstanceConfig cb = embed_test::config_for(buf_b);
  cb.externs = &load_at;
  cb.num_externs = 1;
  ASSERT_TRUE(picowasm::instantiate(*b.loaded, cb, &ib).ok());
  std::vector<uint64_t> s;
  ASSERT_EQ(embed_test::run(*ib, "go", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 1042u);  // 42 from A's memory + 1000 from B's
}

#endif  // PICOWASM_FEATURE_TAIL_CALL

TEST(TailCall, RefusedWhenTheModuleConfigDisablesTheProposal) {
  const embed_test::Bytes bytes = embed_test::wasm(kModule);
  Buffer buf(1 << 20);
  picowasm::ModuleConfig c;
  c.arena = buf.data;
  c.arena_size = buf.size;
  c.disabled_features = picowasm::kFeatureTailCall;
  picowasm::LoadedModule* m = nullptr;
  picowasm::Error e = picowasm::load(bytes.data(), bytes.size(), c, &m);
  EXPECT_EQ(e.code, ErrorCode::unsupported_tail_call);
  EXPECT_EQ(e.kind(), picowasm::ErrorKind::unsupported);
  EXPECT_NE(std::string(e.message()).find("tail-call"), std::string::npos) << e.message();
  // Only that proposal: extended-const alone disabled still loads it (when tail-call is built in).
  c.disabled_features = picowasm::kFeatureExtendedConst;
  EXPECT_EQ(picowasm::load(bytes.data(), bytes.size(), c, &m).code,
            PICOWASM_FEATURE_TAIL_CALL ? ErrorCode::ok : ErrorCode::unsupported_tail_call);
}

#if !PICOWASM_FEATURE_TAIL_CALL
// Built with -DPICOWASM_FEATURE_TAIL_CALL=0: every module using the opcodes is refused, whatever
// its ModuleConfig asks, with the error naming the proposal; other modules run as before.
TEST(TailCall, CompiledOutRefusesTheOpcodesNamingTheProposal) {
  for (const char* name : {"tail-call-return-call", "tail-call-return-call-indirect"}) {
    const embed_test::Bytes bytes = embed_test::wasm(name);
    Buffer buf(1 << 20);
    picowasm::ModuleConfig c;
    c.arena = buf.data;
    c.arena_size = buf.size;
    picowasm::LoadedModule* m = nullptr;
    picowasm::Error e = picowasm::load(bytes.data(), bytes.size(), c, &m);
    EXPECT_EQ(e.code, ErrorCode::unsupported_tail_call) << name;
    EXPECT_NE(std::string(e.message()).find("tail-call"), std::string::npos) << e.message();
  }
  embed_test::Module plain(embed_test::wasm("tail-call-plain"));
  Buffer buf(64 * 1024);
  picowasm::Instance* inst = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*plain.loaded, embed_test::config_for(buf), &inst).ok());
  std::vector<uint64_t> slots;
  ASSERT_EQ(embed_test::run(*inst, "g", slots).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(slots[0]), 42u);
}
#endif

}  // namespace
