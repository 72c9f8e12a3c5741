// ResourceLimits::memory_bytes: a physical cap on linear memory below its declared size (an
// opt-in deviation from the spec, see embed.hpp). memory.size keeps reporting the declared pages;
// bytes beyond the cap do not exist (loads, stores, bulk operations, data segments and MemViews
// trap); memory.grow fails once the grown memory would exceed the cap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::wasm;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::MemView;

uint32_t view_size(HostContext&, MemView v) {
  return v.size;
}
constexpr HostFunction kHost[] = {host_function<&view_size>("env", "view_size")};

// One declared page; uses the first 4 KiB as a ring of counters, and exposes raw accesses.
const char* const kOnePage = "memory-cap-one-page";

struct Capped {
  explicit Capped(const char* name, uint32_t cap, uint32_t memory_pages = 0)
      : module(wasm(name)), buffer(512 * 1024) {
    picowasm::InstanceConfig c = embed_test::config_for(buffer);
    c.host_functions = kHost;
    c.num_host_functions = 1;
    c.limits.memory_bytes = cap;
    c.limits.memory_pages = memory_pages;
    EXPECT_TRUE(picowasm::instance_size(*module.loaded, c, &need).ok());
    err = picowasm::instantiate(*module.loaded, c, &inst);
  }
  picowasm::CallResult run(const char* name, std::vector<uint64_t> args) {
    slots = std::move(args);
    return embed_test::run(*inst, name, slots);
  }
  uint32_t result() const { return static_cast<uint32_t>(slots[0]); }

  embed_test::Module module;
  Buffer buffer;
  size_t need = 0;
  picowasm::Instance* inst = nullptr;
  picowasm::Error err;
  std::vector<uint64_t> slots;
};

TEST(EmbedMemoryCap, OnePageModuleRunsInFourKiB) {
  Capped capped(kOnePage, 4096);
  ASSERT_TRUE(capped.err.ok()) << picowasm::error_code_name(capped.err.code);
  Capped full(kOnePage, 0);
  ASSERT_TRUE(full.err.ok());
  // The capped instance needs 60 KiB less (alignment aside).
  EXPECT_LE(capped.need + 60 * 1024, full.need);
  EXPECT_EQ(capped.inst->memory->size, 4096u);
  EXPECT_EQ(capped.inst->memory->pages, 1u);

  // Same results as with the whole page: the module only touches the first 4 KiB.
  ASSERT_EQ(capped.run("churn", {3}).status, CallStatus::ok);
  ASSERT_EQ(full.run("churn", {3}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), full.result());
  EXPECT_EQ(capped.result(), 1000u * 3);
  ASSERT_EQ(capped.run("load8", {4003}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), 'l');

  // memory.size still reports the declared page.
  ASSERT_EQ(capped.run("size", {}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), 1u);
}

TEST(EmbedMemoryCap, AccessBeyondTheCapTraps) {
  Capped capped(kOnePage, 4096);
  ASSERT_TRUE(capped.err.ok());
  EXPECT_EQ(capped.run("load8", {4095}).status, CallStatus::ok);
  EXPECT_EQ(capped.run("load8", {4096}).error.code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(capped.run("store8", {4096}).error.code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(capped.run("store8", {65535}).error.code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(capped.run("load_off", {92}).status, CallStatus::ok);  // 4092..4095
  EXPECT_EQ(capped.run("load_off", {93}).error.code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(capped.run("fill", {4000, 96}).status, CallStatus::ok);
  EXPECT_EQ(capped.run("fill", {4000, 97}).error.code, ErrorCode::trap_memory_oob);
  // Host functions see the capped memory too.
  ASSERT_EQ(capped.run("view", {4000, 96}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), 96u);
  EXPECT_EQ(capped.run("view", {4000, 97}).error.code, ErrorCode::trap_memory_oob);
}

TEST(EmbedMemoryCap, GrowStopsAtTheCap) {
  Capped capped(kOnePage, 4096);
  ASSERT_TRUE(capped.err.ok());
  ASSERT_EQ(capped.run("grow", {1}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), 0xFFFFFFFFu);
  // Growing by 0 succeeds and must not lift the cap.
  ASSERT_EQ(capped.run("grow", {0}).status, CallStatus::ok);
  EXPECT_EQ(capped.result(), 1u);
  EXPECT_EQ(capped.inst->memory->size, 4096u);
  EXPECT_EQ(capped.run("load8", {4096}).error.code, ErrorCode::trap_memory_oob);

  // With room for growth below the cap: 1 page declared, cap 3 pages + 100 bytes, reservation
  // asked for 8 pages: growth stops at 3 whole pages.
  const char* growable = "memory-cap-growable";
  Capped g(growable, 3 * 65536 + 100, 8);
  ASSERT_TRUE(g.err.ok());
  EXPECT_EQ(g.inst->memory->capacity_pages, 3u);
  ASSERT_EQ(g.run("grow", {2}).status, CallStatus::ok);
  EXPECT_EQ(g.result(), 1u);
  EXPECT_EQ(g.inst->memory->size, 3u * 65536);
  EXPECT_EQ(g.run("load8", {3 * 65536 - 1}).status, CallStatus::ok);
  EXPECT_EQ(g.run("load8", {3 * 65536}).error.code, ErrorCode::trap_memory_oob);
  ASSERT_EQ(g.run("grow", {1}).status, CallStatus::ok);
  EXPECT_EQ(g.result(), 0xFFFFFFFFu);
}

TEST(EmbedMemoryCap, DataSegmentBeyondTheCapTrapsAtInstantiation) {
  Capped capped(kOnePage, 4000);  // the segment at 4000..4003 does not fit
  EXPECT_EQ(capped.err.code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(capped.inst, nullptr);
  Capped just(kOnePage, 4004);
  EXPECT_TRUE(just.err.ok());
}

TEST(EmbedMemoryCap, CapAboveTheDeclaredSizeChangesNothing) {
  Capped capped(kOnePage, 5 * 65536);
  ASSERT_TRUE(capped.err.ok());
  EXPECT_EQ(capped.inst->memory->size, 65536u);
  EXPECT_EQ(capped.inst->memory->capacity_pages, 1u);
  EXPECT_EQ(capped.run("load8", {65535}).status, CallStatus::ok);
  Capped full(kOnePage, 0);
  EXPECT_EQ(capped.need, full.need);
}

}  // namespace
