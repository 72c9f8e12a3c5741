// Host functions calling back into the instance that called them (nested calls), and the
// InstanceLimits::host_call_depth bound on that nesting.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary
using namespace picowasm;

// (import "env" "cb" (func (param i32) (result i32)))
// (func $add1 (export "add1") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
// (func $ping (export "ping") (param i32) (result i32)
//   local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 call $cb end)
Bytes ping_module() {
  const Bytes type = func_type({0x7F}, {0x7F});
  const Bytes add1 = body({}, {0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B});
  const Bytes ping = body(
      {}, {0x20, 0x00, 0x45, 0x04, 0x7F, 0x41, 0x00, 0x05, 0x20, 0x00, 0x10, 0x00, 0x0B, 0x0B});
  return module({
      section(1, vec({type})),
      section(2, vec({cat({str("env"), str("cb"), {0x00}, leb_u(0)})})),
      section(3, vec({leb_u(0), leb_u(0)})),
      section(7, vec({cat({str("add1"), {0x00}, leb_u(1)}), cat({str("ping"), {0x00}, leb_u(2)})})),
      section(10, vec({add1, ping})),
  });
}

FuncInst* exported(Instance& inst, const char* name) {
  ExternVal ev;
  return find_export(inst, name, std::strlen(name), &ev) ? ev.func : nullptr;
}

// cb(n): calls ping(n - 1) in the same (running) instance and returns its result + 1.
ErrorCode callback(HostCall& call) {
  uint64_t slots[1] = {static_cast<uint32_t>(call.slots[0]) - 1u};
  CallResult r =
      picowasm::call(*call.instance, exported(*call.instance, "ping"), slots, kUnlimitedFuel);
  if (r.status != CallStatus::ok) return call.trap("nested call failed");
  call.slots[0] = static_cast<uint32_t>(slots[0]) + 1u;
  return ErrorCode::ok;
}

struct Fixture {
  explicit Fixture(uint32_t host_call_depth) : loaded(ping_module()) {
    EXPECT_TRUE(loaded.err.ok());
    EXPECT_TRUE(compile_module(loaded.module, loaded.arena, &compiled).ok());
    host.type = &loaded.module.types[0];
    host.host = callback;
    ExternVal import;
    import.kind = ExternKind::func;
    import.func = &host;
    InstanceLimits limits;
    limits.host_call_depth = host_call_depth;
    EXPECT_TRUE(instantiate(*compiled, &import, 1, limits, loaded.arena, &instance).ok());
  }
  uint64_t ping(uint32_t n, CallResult* r) {
    uint64_t slots[1] = {n};
    *r = picowasm::call(*instance, exported(*instance, "ping"), slots, kUnlimitedFuel);
    return static_cast<uint32_t>(slots[0]);
  }
  Loaded loaded;
  CompiledModule* compiled = nullptr;
  FuncInst host;
  Instance* instance = nullptr;
};

TEST(NestedCall, HostFunctionCallsBackIntoRunningInstance) {
  Fixture f(4);
  CallResult r;
  // ping(3) -> cb(3) -> ping(2) -> cb(2) -> ping(1) -> cb(1) -> ping(0) = 0: three nested calls.
  EXPECT_EQ(f.ping(3, &r), 3u);
  EXPECT_EQ(r.status, CallStatus::ok);
  // The instance is usable again afterwards, nesting fully unwound.
  EXPECT_EQ(f.ping(2, &r), 2u);
  EXPECT_EQ(f.instance->nesting, 0u);
}

TEST(NestedCall, DepthBeyondLimitFailsCleanly) {
  Fixture f(2);
  CallResult r;
  EXPECT_EQ(f.ping(2, &r), 2u);  // two nested calls: allowed
  EXPECT_EQ(r.status, CallStatus::ok);
  f.ping(3, &r);  // the third nested call is refused; the host turns that into a trap
  EXPECT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_host);
  const TrapReport report = trap_report(*f.instance);
  ASSERT_NE(report.host_message, nullptr);
  EXPECT_STREQ(report.host_message, "nested call failed");
  EXPECT_EQ(f.instance->nesting, 0u);
  EXPECT_EQ(f.ping(1, &r), 1u);  // and the instance still works
  EXPECT_EQ(r.status, CallStatus::ok);
}

TEST(NestedCall, AddOneThroughNestedCallKeepsOuterFrameIntact) {
  // The outer ping's frame (its argument and pending call) must survive the nested runs above it.
  Fixture f(8);
  CallResult r;
  for (uint32_t n = 0; n <= 7; ++n) {
    EXPECT_EQ(f.ping(n, &r), n);
    EXPECT_EQ(r.status, CallStatus::ok);
  }
}

}  // namespace
