// Lifecycle: load, instantiate, run, unload and do it again 1,000 times in the same memory with a
// stable high-water mark; A/B replacement of a running module (the pattern documented in
// embed.hpp), including rejected updates that leave the running module untouched.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::wasm;
using picowasm::Arena;
using picowasm::CallResult;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::PauseReason;

struct Led {
  uint32_t toggles = 0;
  int32_t level = 0;
};
void gpio_write(HostContext& ctx, int32_t pin, int32_t level) {
  if (pin != 13) {
    ctx.trap("no such pin");
    return;
  }
  Led& led = *ctx.user_as<Led>();
  ++led.toggles;
  led.level = level;
}
void delay_ms(HostContext&, int32_t) {}
constexpr HostFunction kBoard[] = {host_function<&gpio_write>("env", "gpio_write"),
                                   host_function<&delay_ms>("env", "delay_ms")};

// Blink `times` times; "bad" writes to a pin the board does not have.
const char* const kBlink = "lifecycle-blink";

picowasm::InstanceConfig board_config(void* arena, size_t size, Led* led) {
  picowasm::InstanceConfig c;
  c.arena = arena;
  c.arena_size = size;
  c.host_functions = kBoard;
  c.num_host_functions = 2;
  c.limits.stack_bytes = 4096;
  c.limits.call_depth = 32;
  c.user = led;
  return c;
}

// One full life: run to completion (5 toggles), trap, pause on fuel (4 more toggles) and get
// unloaded while paused.
void exercise(picowasm::Instance& inst, const Led& led, uint32_t expected_toggles) {
  std::vector<uint64_t> s = {5};
  ASSERT_EQ(embed_test::run(inst, "run", s).status, CallStatus::ok);
  ASSERT_EQ(embed_test::i32(s[0]), 5u);
  s = {};
  ASSERT_EQ(embed_test::run(inst, "bad", s).error.code, ErrorCode::trap_host);
  ASSERT_STREQ(picowasm::trap_report(inst).host_message, "no such pin");
  picowasm::FuncInst* run = picowasm::find_function(inst, "run");
  uint64_t slots[2] = {1000, 0};
  CallResult r = picowasm::call(inst, run, slots, 10);
  ASSERT_EQ(r.status, CallStatus::paused);
  ASSERT_EQ(r.pause, PauseReason::out_of_fuel);
  // 10 safe points: three iterations (two calls and a back-edge each), then the fourth
  // iteration's gpio_write call; it pauses before delay_ms.
  ASSERT_EQ(led.toggles, expected_toggles);
  picowasm::unload(inst);  // while paused
  ASSERT_FALSE(picowasm::is_paused(inst));
}

TEST(EmbedLifecycle, ThousandLoadInstantiateUnloadCyclesInOneArena) {
  const std::vector<uint8_t> bytes = wasm(kBlink);
  Buffer scratch(1 << 20);
  picowasm::ModuleConfig sc;
  sc.arena = scratch.data;
  sc.arena_size = scratch.size;
  picowasm::ModuleFootprint fp;
  ASSERT_TRUE(picowasm::module_size(bytes.data(), bytes.size(), sc, &fp).ok());

  // All of the firmware's module RAM: one buffer, managed as an arena of buffers.
  Buffer ram(512 * 1024);
  Arena pool(ram.data, ram.size);
  size_t pool_high_water = 0, instance_high_water = 0, instance_used = 0;
  for (int cycle = 0; cycle < 1000; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    const Arena::Mark mark = pool.mark();
    void* module_buf = pool.allocate(fp.peak, 16);
    ASSERT_NE(module_buf, nullptr);
    picowasm::ModuleConfig mc;
    mc.arena = module_buf;
    mc.arena_size = fp.peak;
    picowasm::LoadedModule* module = nullptr;
    ASSERT_TRUE(picowasm::load(bytes.data(), bytes.size(), mc, &module).ok());

    Led led;
    picowasm::InstanceConfig probe = board_config(pool.allocate(0, 64), 0, &led);
    size_t need = 0;
    ASSERT_TRUE(picowasm::instance_size(*module, probe, &need).ok());
    // Room for trap reports to locate bytecode offsets: 4 KiB beyond the exact size.
    const size_t granted = need + 4096;
    void* instance_buf = pool.allocate(granted, 64);
    ASSERT_EQ(instance_buf, probe.arena);
    picowasm::Instance* inst = nullptr;
    ASSERT_TRUE(
        picowasm::instantiate(*module, board_config(instance_buf, granted, &led), &inst).ok());
    exercise(*inst, led, 9);

    const picowasm::ArenaUse ia = picowasm::instance_arena_use(*inst);
    if (cycle == 0) {
      pool_high_water = pool.high_water();
      instance_high_water = ia.high_water;
      instance_used = ia.used;
      EXPECT_EQ(instance_used, need);
      // The trap report locates its offsets in the value stack the trap freed, not in the arena.
      EXPECT_EQ(instance_high_water, instance_used);
    }
    ASSERT_EQ(pool.high_water(), pool_high_water);
    ASSERT_EQ(ia.high_water, instance_high_water);
    ASSERT_EQ(ia.used, instance_used);
    pool.rewind(mark);  // unload both: the RAM is free again
  }
  EXPECT_EQ(pool.used(), 0u);
}

TEST(EmbedLifecycle, ThousandReinstantiationsOfOneModuleInOneBuffer) {
  embed_test::Module m(wasm(kBlink));
  Buffer buf(160 * 1024);
  size_t high_water = 0;
  for (int cycle = 0; cycle < 1000; ++cycle) {
    Led led;
    picowasm::Instance* inst = nullptr;
    ASSERT_TRUE(
        picowasm::instantiate(*m.loaded, board_config(buf.data, buf.size, &led), &inst).ok());
    exercise(*inst, led, 9);
    if (cycle == 0) high_water = picowasm::instance_arena_use(*inst).high_water;
    ASSERT_EQ(picowasm::instance_arena_use(*inst).high_water, high_water) << cycle;
    // The linear memory starts zeroed again every time (the counter at address 0 restarted).
    picowasm::unload(*inst);
  }
}

// Version 1 counts by one, version 2 by ten. Both run slices of a long loop under fuel.
const char* const kCounterV1 = "lifecycle-counter-v1";
const char* const kCounterV2 = "lifecycle-counter-v2";

struct Side {
  explicit Side(size_t module_size, size_t instance_size)
      : module_buf(module_size), instance_buf(instance_size) {}
  picowasm::Error load(const std::vector<uint8_t>& bytes) {
    picowasm::ModuleConfig mc;
    mc.arena = module_buf.data;
    mc.arena_size = module_buf.size;
    return picowasm::load(bytes.data(), bytes.size(), mc, &module);
  }
  picowasm::InstanceConfig config() {
    picowasm::InstanceConfig c;
    c.arena = instance_buf.data;
    c.arena_size = instance_buf.size;
    c.limits.stack_bytes = 1024;
    c.limits.call_depth = 8;
    return c;
  }
  // Admission then instantiation, as firmware would do it.
  picowasm::Error admit_and_instantiate() {
    size_t need = 0;
    picowasm::Error e = picowasm::instance_size(*module, config(), &need);
    if (!e.ok()) return e;
    if (need > instance_buf.size) {
      e.code = ErrorCode::out_of_arena;
      return e;
    }
    return picowasm::instantiate(*module, config(), &inst);
  }
  Buffer module_buf, instance_buf;
  picowasm::LoadedModule* module = nullptr;
  picowasm::Instance* inst = nullptr;
};

std::vector<uint8_t> snapshot(const Buffer& b) {
  return std::vector<uint8_t>(b.data, b.data + b.size);
}

TEST(EmbedLifecycle, ABReplacementWhileTheOldVersionRuns) {
  const std::vector<uint8_t> v1 = wasm(kCounterV1), v2 = wasm(kCounterV2);
  Side a(16 * 1024, 80 * 1024), b(16 * 1024, 160 * 1024);
  ASSERT_TRUE(a.load(v1).ok());
  ASSERT_TRUE(a.admit_and_instantiate().ok());

  // A is mid-computation, paused on fuel.
  picowasm::FuncInst* count_a = picowasm::find_function(*a.inst, "count");
  uint64_t sa[1] = {100000};
  CallResult r = picowasm::call(*a.inst, count_a, sa, 1000);
  ASSERT_EQ(r.status, CallStatus::paused);
  const std::vector<uint8_t> a_module = snapshot(a.module_buf),
                             a_instance = snapshot(a.instance_buf);

  // Rejected updates: a corrupt image, and one that does not fit the B instance buffer.
  std::vector<uint8_t> corrupt = v2;
  corrupt[corrupt.size() - 3] = 0xFF;
  EXPECT_FALSE(b.load(corrupt).ok());
  Side small_b(16 * 1024, 100 * 1024);  // v2 declares 2 pages: 128 KiB
  ASSERT_TRUE(small_b.load(v2).ok());
  EXPECT_EQ(small_b.admit_and_instantiate().code, ErrorCode::out_of_arena);

  // The accepted update: loaded, validated, admitted and instantiated beside A.
  ASSERT_TRUE(b.load(v2).ok());
  ASSERT_TRUE(b.admit_and_instantiate().ok());

  // None of that touched A, which finishes its call exactly as if nothing had happened.
  EXPECT_EQ(snapshot(a.module_buf), a_module);
  EXPECT_EQ(snapshot(a.instance_buf), a_instance);
  while (r.status == CallStatus::paused) r = picowasm::resume(*a.inst, sa, 1000);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(sa[0]), 100000u);

  // Switch over: drop A, B serves.
  picowasm::unload(*a.inst);
  std::vector<uint64_t> sb = {7};
  ASSERT_EQ(embed_test::run(*b.inst, "count", sb).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(sb[0]), 70u);

  // A's buffers are now free for the next update (v1 again, say).
  ASSERT_TRUE(a.load(v1).ok());
  ASSERT_TRUE(a.admit_and_instantiate().ok());
  std::vector<uint64_t> s2 = {3};
  ASSERT_EQ(embed_test::run(*a.inst, "count", s2).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s2[0]), 3u);
}

TEST(EmbedLifecycle, PausedInstancesOfOneModuleResumeInAnyOrder) {
  embed_test::Module m(wasm(kCounterV1));
  constexpr int kInstances = 3;
  std::vector<Buffer> bufs;
  for (int i = 0; i < kInstances; ++i) bufs.emplace_back(80 * 1024);
  picowasm::Instance* inst[kInstances];
  uint64_t slots[kInstances][1];
  CallResult r[kInstances];
  for (int i = 0; i < kInstances; ++i) {
    picowasm::InstanceConfig c = embed_test::config_for(bufs[i]);
    ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst[i]).ok());
    slots[i][0] = 1000u * (i + 1);
    r[i] = picowasm::call(*inst[i], picowasm::find_function(*inst[i], "count"), slots[i], 7);
    ASSERT_EQ(r[i].status, CallStatus::paused);
  }
  // Round-robin in reverse order with uneven slices.
  for (bool any = true; any;) {
    any = false;
    for (int i = kInstances - 1; i >= 0; --i) {
      if (r[i].status != CallStatus::paused) continue;
      r[i] = picowasm::resume(*inst[i], slots[i], 13 + i * 5);
      any = true;
    }
  }
  for (int i = 0; i < kInstances; ++i) {
    ASSERT_EQ(r[i].status, CallStatus::ok);
    EXPECT_EQ(embed_test::i32(slots[i][0]), 1000u * (i + 1));
  }
}

}  // namespace
