// The start function is bounded like every call (issue 7, finding A1: a looping start function
// used to hang instantiate() forever). instantiate() runs no wasm code; start() runs the start
// function under fuel, can be interrupted, pauses and resumes, and a failed or abandoned start
// leaves the instance unusable but its buffer reusable.
#include <gtest/gtest.h>

#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::config_for;
using embed_test::Module;
using embed_test::wasm;
using picowasm::CallResult;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::HostContext;
using picowasm::Instance;
using picowasm::PauseReason;

// The reproducer of finding A1 (shared/findings/start_loop.wat).
const char* const kStartLoop = "start-loop";

// A start function that counts to 100 in a global, one loop iteration per unit of fuel.
const char* const kStartCount = "start-count";

struct Fixture {
  explicit Fixture(const char* name) : module(wasm(name)), buffer(256 << 10) {}
  Instance* instantiate() {
    Instance* inst = nullptr;
    EXPECT_EQ(picowasm::instantiate(*module.loaded, config_for(buffer), &inst).code, ErrorCode::ok);
    return inst;
  }
  Module module;
  Buffer buffer;
};

uint32_t counted(Instance& inst) {
  std::vector<uint64_t> slots;
  EXPECT_EQ(embed_test::run(inst, "n", slots).status, CallStatus::ok);
  return embed_test::i32(slots[0]);
}

TEST(StartFunction, LoopingStartIsBoundedByFuel) {
  Fixture f(kStartLoop);
  Instance* inst = f.instantiate();  // returns at once: no wasm code has run
  ASSERT_NE(inst, nullptr);
  EXPECT_TRUE(inst->start_state == picowasm::StartState::pending);

  uint64_t slots[1] = {0};
  CallResult r = picowasm::call(*inst, picowasm::find_function(*inst, "main"), slots, 10);
  EXPECT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::start_pending);

  r = picowasm::start(*inst, 1000);
  EXPECT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::out_of_fuel);
  EXPECT_EQ(r.fuel_used, 1000u);
  EXPECT_TRUE(picowasm::is_paused(*inst));
  r = picowasm::resume(*inst, nullptr, 500);
  EXPECT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.fuel_used, 500u);

  // Abandoning the start leaves the instance unusable...
  picowasm::abandon(*inst);
  EXPECT_FALSE(picowasm::is_paused(*inst));
  r = picowasm::call(*inst, picowasm::find_function(*inst, "main"), slots, 10);
  EXPECT_EQ(r.error.code, ErrorCode::instance_failed);
  EXPECT_EQ(picowasm::start(*inst, 10).error.code, ErrorCode::instance_failed);
  EXPECT_EQ(picowasm::resume(*inst, nullptr, 10).error.code, ErrorCode::bad_argument);
  // ...but its buffer reusable.
  picowasm::unload(*inst);
  Instance* again = f.instantiate();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(picowasm::start(*again, 7).fuel_used, 7u);
}

TEST(StartFunction, SlicedStartEqualsOneRun) {
  Fixture whole(kStartCount);
  Instance* a = whole.instantiate();
  CallResult r = picowasm::start(*a, picowasm::kUnlimitedFuel);
  ASSERT_EQ(r.status, CallStatus::ok);
  const uint64_t total = r.fuel_used;
  EXPECT_EQ(counted(*a), 100u);
  EXPECT_EQ(picowasm::start(*a, 0).status, CallStatus::ok) << "a second start() is a no-op";

  Fixture sliced(kStartCount);
  Instance* b = sliced.instantiate();
  uint64_t used = 0;
  r = picowasm::start(*b, 3);
  for (used += r.fuel_used; r.status == CallStatus::paused; used += r.fuel_used) {
    EXPECT_EQ(r.pause, PauseReason::out_of_fuel);
    r = picowasm::resume(*b, nullptr, 3);
  }
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(used, total);
  EXPECT_EQ(counted(*b), 100u);
}

TEST(StartFunction, ModuleWithoutStartIsReady) {
  Fixture f("start-none");
  Instance* inst = f.instantiate();
  EXPECT_EQ(picowasm::start(*inst, 0).status, CallStatus::ok);
  std::vector<uint64_t> slots;
  EXPECT_EQ(embed_test::run(*inst, "n", slots).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(slots[0]), 5u);
}

TEST(StartFunction, InterruptPausesStart) {
  Fixture f(kStartLoop);
  Instance* inst = f.instantiate();
  picowasm::interrupt(*inst);  // e.g. from an ISR while start() runs
  CallResult r = picowasm::start(*inst, picowasm::kUnlimitedFuel);
  EXPECT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, PauseReason::interrupted);
  EXPECT_EQ(r.fuel_used, 0u);
  picowasm::unload(*inst);
}

// A host function the start function calls: it yields the first time.
int32_t g_ticks = 0;
int32_t tick(HostContext& ctx, int32_t by) {
  g_ticks += by;
  if (g_ticks == by) ctx.yield();
  return g_ticks;
}
int32_t boom(HostContext& ctx) {
  return ctx.trap("start refused");
}
constexpr picowasm::HostFunction kHost[] = {
    picowasm::host_function<&tick>("env", "tick"),
    picowasm::host_function<&boom>("env", "boom"),
};

TEST(StartFunction, HostYieldInStartIsReported) {
  Fixture f("start-host-yield");
  picowasm::InstanceConfig c = config_for(f.buffer);
  c.host_functions = kHost;
  c.num_host_functions = 2;
  Instance* inst = nullptr;
  ASSERT_EQ(picowasm::instantiate(*f.module.loaded, c, &inst).code, ErrorCode::ok);
  g_ticks = 0;
  CallResult r = picowasm::start(*inst, 100);
  EXPECT_EQ(r.status, CallStatus::paused) << "the yield is not dropped";
  EXPECT_EQ(r.pause, PauseReason::host_yield);
  EXPECT_EQ(g_ticks, 2);
  r = picowasm::resume(*inst, nullptr, 100);
  EXPECT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(g_ticks, 5);
  EXPECT_EQ(counted(*inst), 2u);
}

TEST(StartFunction, TrapInStartIsReportedAndFinal) {
  Fixture f("start-trap");
  picowasm::InstanceConfig c = config_for(f.buffer);
  c.host_functions = kHost;
  c.num_host_functions = 2;
  Instance* inst = nullptr;
  ASSERT_EQ(picowasm::instantiate(*f.module.loaded, c, &inst).code, ErrorCode::ok);
  CallResult r = picowasm::start(*inst, 100);
  EXPECT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_host);
  const picowasm::TrapReport report = picowasm::trap_report(*inst);
  EXPECT_EQ(report.code, ErrorCode::trap_host);
  EXPECT_STREQ(report.host_message, "start refused");
  EXPECT_GE(report.num_frames, 1u);
  uint64_t slots[1];
  EXPECT_EQ(picowasm::call(*inst, picowasm::find_function(*inst, "n"), slots, 10).error.code,
            ErrorCode::instance_failed);
}

}  // namespace
