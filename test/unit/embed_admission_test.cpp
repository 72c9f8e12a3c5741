// Admission control: instance_size() is exactly what instantiate() uses (for several modules,
// limits and buffer alignments), a buffer one byte short fails with out_of_arena and is left
// untouched, and module_size() tells how big a module buffer must be.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::wasm;
using picowasm::ErrorCode;
using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::InstanceConfig;

void gpio_write(HostContext&, int32_t, int32_t) {}
void delay_ms(HostContext&, int32_t) {}
constexpr HostFunction kBoard[] = {host_function<&gpio_write>("env", "gpio_write"),
                                   host_function<&delay_ms>("env", "delay_ms")};

struct Case {
  const char* name;
  const char* module;  // test/wat/NAME.wat
  picowasm::ResourceLimits limits;
};

picowasm::ResourceLimits small_stacks() {
  picowasm::ResourceLimits l;
  l.stack_bytes = 1024;
  l.call_depth = 16;
  l.trace_frames = 4;
  return l;
}
picowasm::ResourceLimits with(uint32_t memory_pages, uint32_t table_elems,
                              uint32_t memory_bytes = 0) {
  picowasm::ResourceLimits l = small_stacks();
  l.memory_pages = memory_pages;
  l.table_elems = table_elems;
  l.memory_bytes = memory_bytes;
  return l;
}

std::vector<Case> cases() {
  const char* blink = "admission-blink";
  const char* everything = "admission-everything";
  return {
      {"empty", "empty", {}},
      {"empty-small", "empty", small_stacks()},
      {"blink", blink, {}},
      {"blink-small", blink, small_stacks()},
      {"everything", everything, small_stacks()},
      {"everything-grow", everything, with(3, 7)},
      {"everything-capped", everything, with(0, 0, 5000)},
      {"memory-only", "memory-2-pages", with(0, 0)},
  };
}

InstanceConfig config(const Case& c, void* arena, size_t size) {
  InstanceConfig config;
  config.arena = arena;
  config.arena_size = size;
  config.host_functions = kBoard;
  config.num_host_functions = 2;
  config.limits = c.limits;
  return config;
}

TEST(EmbedAdmission, InstanceSizeIsExactlyWhatInstantiateUses) {
  for (const Case& c : cases()) {
    embed_test::Module m(wasm(c.module));
    ASSERT_NE(m.loaded, nullptr) << c.name;
    size_t bound = 0;
    ASSERT_TRUE(picowasm::instance_size(*m.loaded, config(c, nullptr, 0), &bound).ok());
    for (size_t misalign : {0, 1, 3, 8, 13, 32}) {
      SCOPED_TRACE(std::string(c.name) + " misalign " + std::to_string(misalign));
      Buffer probe(0, misalign);
      size_t need = 0;
      ASSERT_TRUE(picowasm::instance_size(*m.loaded, config(c, probe.data, 0), &need).ok());
      EXPECT_LE(need, bound);  // the address-free figure is an upper bound

      Buffer exact(need, misalign);
      picowasm::Instance* inst = nullptr;
      picowasm::Error e = picowasm::instantiate(*m.loaded, config(c, exact.data, need), &inst);
      ASSERT_EQ(e.code, ErrorCode::ok) << picowasm::error_code_name(e.code);
      EXPECT_EQ(picowasm::instance_arena_use(*inst).used, need);
      // Everything the instance owns lies inside the buffer.
      EXPECT_GE(reinterpret_cast<uint8_t*>(inst), exact.data);
      EXPECT_LE(reinterpret_cast<uint8_t*>(inst->trap_frames + inst->trap_frames_capacity),
                exact.data + need);
      std::vector<uint64_t> slots;
      if (picowasm::find_function(*inst, "f")) {
        EXPECT_EQ(embed_test::run(*inst, "f", slots).status, picowasm::CallStatus::ok);
        EXPECT_EQ(embed_test::i32(slots[0]), 2u);
      }

      Buffer short_by_one(need - 1, misalign, 0xC3);
      inst = nullptr;
      e = picowasm::instantiate(*m.loaded, config(c, short_by_one.data, need - 1), &inst);
      EXPECT_EQ(e.code, ErrorCode::out_of_arena);
      EXPECT_EQ(inst, nullptr);
      // The error says by how much, and which limit to lower.
      EXPECT_EQ(e.needed, need);
      EXPECT_EQ(e.available, need - 1);
      ASSERT_NE(e.lower, nullptr);
      size_t touched = 0;
      for (uint8_t b : short_by_one.storage) touched += b != 0xC3;
      EXPECT_EQ(touched, 0u) << "a failed admission wrote into the buffer";
    }
  }
}

TEST(EmbedAdmission, SizesFollowTheLimits) {
  embed_test::Module m(wasm("admission-memory-1-8-table-2-20"));
  Buffer probe(0);
  auto size_with = [&](picowasm::ResourceLimits l) {
    InstanceConfig c;
    c.arena = probe.data;
    c.limits = l;
    size_t n = 0;
    EXPECT_TRUE(picowasm::instance_size(*m.loaded, c, &n).ok());
    return n;
  };
  picowasm::ResourceLimits l = small_stacks();
  l.memory_pages = 1;
  l.table_elems = 2;
  const size_t base = size_with(l);
  l.memory_pages = 3;
  EXPECT_EQ(size_with(l), base + 2 * 65536);
  // 8 more elements keep the (64-byte aligned) memory after them at the same padding.
  l.table_elems = 10;
  EXPECT_EQ(size_with(l), base + 2 * 65536 + 8 * 8);
  l.stack_bytes += 800;
  EXPECT_EQ(size_with(l), base + 2 * 65536 + 8 * 8 + 800);
  l.call_depth += 2;
  EXPECT_EQ(size_with(l), base + 2 * 65536 + 8 * 8 + 800 + 2 * sizeof(picowasm::CallFrame));
  // The default reservation is the declared maximum: 8 pages.
  picowasm::ResourceLimits d = small_stacks();
  d.table_elems = 2;
  EXPECT_EQ(size_with(d), base + 7 * 65536);
}

TEST(EmbedAdmission, ModuleSizeTellsTheBufferLoadNeeds) {
  const std::vector<std::string> modules = {
      "empty",
      "admission-sum-loop",
  };
  for (const std::string& name : modules) {
    const std::vector<uint8_t> bytes = wasm(name);
    Buffer scratch(1 << 20, 0, 0);
    picowasm::ModuleConfig sc;
    sc.arena = scratch.data;
    sc.arena_size = scratch.size;
    picowasm::ModuleFootprint fp;
    ASSERT_TRUE(picowasm::module_size(bytes.data(), bytes.size(), sc, &fp).ok());
    EXPECT_GT(fp.retained, sizeof(picowasm::LoadedModule));
    EXPECT_LE(fp.retained, fp.peak);
    EXPECT_EQ(fp.peak % 16, 0u);

    Buffer exact(fp.peak);
    picowasm::ModuleConfig mc;
    mc.arena = exact.data;
    mc.arena_size = fp.peak;
    picowasm::LoadedModule* loaded = nullptr;
    ASSERT_TRUE(picowasm::load(bytes.data(), bytes.size(), mc, &loaded).ok()) << name;
    EXPECT_EQ(loaded->arena_used, fp.retained);
    EXPECT_EQ(loaded->arena_peak, fp.peak);
    EXPECT_EQ(static_cast<void*>(loaded), exact.data);  // the module sits at the buffer start

    mc.arena_size = fp.peak - 16;
    EXPECT_EQ(picowasm::load(bytes.data(), bytes.size(), mc, &loaded).code,
              ErrorCode::out_of_arena);
    EXPECT_EQ(loaded, nullptr);
  }
}

// The limit named in an out_of_arena error is the one whose reservation is largest.
TEST(EmbedAdmission, OutOfArenaNamesTheLimitToLower) {
  struct Case {
    const char* module;  // test/wat/NAME.wat
    uint32_t stack_bytes;
    uint32_t call_depth;
    const char* lower;
  };
  const Case cases[] = {
      {"memory-2-pages", 1024, 16, "memory_pages"},
      {"table-20000", 1024, 16, "table_elems"},
      {"memory-0-pages", 256 * 1024, 16, "stack_bytes"},
      {"empty", 64, 100000, "call_depth"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.module);
    embed_test::Module m(wasm(c.module));
    Buffer buf(4096);
    picowasm::InstanceConfig config = embed_test::config_for(buf);
    config.limits.stack_bytes = c.stack_bytes;
    config.limits.call_depth = c.call_depth;
    size_t need = 0;
    const char* largest = nullptr;
    ASSERT_TRUE(picowasm::instance_size(*m.loaded, config, &need, &largest).ok());
    EXPECT_STREQ(largest, c.lower);
    picowasm::Instance* inst = nullptr;
    const picowasm::Error e = picowasm::instantiate(*m.loaded, config, &inst);
    EXPECT_EQ(e.code, ErrorCode::out_of_arena);
    EXPECT_EQ(e.needed, need);
    EXPECT_EQ(e.available, 4096u);
    EXPECT_STREQ(e.lower, c.lower);
  }
}

}  // namespace
