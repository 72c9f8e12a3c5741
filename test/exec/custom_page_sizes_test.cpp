// The custom-page-sizes proposal (a memory of 1-byte pages: limits flag bit 3, then the page-size
// exponent as a u32). The spec suite at the pinned commit has no tests for it, so the modules are
// written byte by byte here (wabt 1.0.32 cannot write the flag). Expected values follow from the
// proposal's text (proposals/custom-page-sizes/Overview.md): memory.size and memory.grow count
// pages of the declared size, a memory of 1-byte pages has min/max up to 2^32 - 1, the exponent
// must be 0 or 16 (above 16 does not decode), and an imported memory matches only a memory of the
// same page size. Built once per dispatch mode and once with the proposal compiled out
// (test/CMakeLists.txt): then the flag itself is malformed.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using embed_test::Buffer;
using picowasm::CallStatus;
using picowasm::ErrorCode;

constexpr uint8_t kFlagMax = 0x01, kFlagPageSize = 0x08;

// A memory type with an explicit page-size exponent.
Bytes mem_type(uint8_t flags, uint64_t min, uint64_t max, uint32_t exponent) {
  Bytes out = cat({{flags}, leb_u(min)});
  if (flags & kFlagMax) out = cat({out, leb_u(max)});
  if (flags & kFlagPageSize) out = cat({out, leb_u(exponent)});
  return out;
}
Bytes memory_section(const Bytes& type) {
  return section(kMemory, vec({type}));
}
Bytes export_entry(const std::string& name, uint8_t kind, uint32_t index) {
  return cat({str(name), {kind}, leb_u(index)});
}

// Loads (decode + validate + translate) through the public API.
ErrorCode load_code(const Bytes& bytes, uint32_t disabled = 0) {
  Buffer buffer(1 << 16);
  picowasm::ModuleConfig config;
  config.arena = buffer.data;
  config.arena_size = buffer.size;
  config.disabled_features = disabled;
  picowasm::LoadedModule* loaded = nullptr;
  return picowasm::load(bytes.data(), bytes.size(), config, &loaded).code;
}

// Functions of the test module, by index:
//   0 size() -> i32             memory.size
//   1 grow(n) -> i32            memory.grow
//   2 load8(a) -> i32           i32.load8_u
//   3 load32(a) -> i32          i32.load
//   4 fill(d, v, n)             memory.fill
//   5 copy(d, s, n)             memory.copy
//   6 init(d, s, n)             memory.init of passive segment 1 ("wxyz")
const Bytes kTypes = section(kType, vec({func_type({}, {kI32}), func_type({kI32}, {kI32}),
                                         func_type({kI32, kI32, kI32}, {})}));
const Bytes kFuncs = funcs({0, 1, 1, 1, 2, 2, 2});
const Bytes kExports =
    section(kExport, vec({export_entry("size", kExtFunc, 0), export_entry("grow", kExtFunc, 1),
                          export_entry("load8", kExtFunc, 2), export_entry("load32", kExtFunc, 3),
                          export_entry("fill", kExtFunc, 4), export_entry("copy", kExtFunc, 5),
                          export_entry("init", kExtFunc, 6), export_entry("mem", kExtMemory, 0)}));
const Bytes kGet012 = {0x20, 0x00, 0x20, 0x01, 0x20, 0x02};
const Bytes kCodeSection = code({
    body({}, {0x3F, 0x00, 0x0B}),                              // memory.size 0
    body({}, {0x20, 0x00, 0x40, 0x00, 0x0B}),                  // memory.grow 0
    body({}, {0x20, 0x00, 0x2D, 0x00, 0x00, 0x0B}),            // i32.load8_u align=1 offset=0
    body({}, {0x20, 0x00, 0x28, 0x02, 0x00, 0x0B}),            // i32.load align=4 offset=0
    body({}, cat({kGet012, {0xFC, 0x0B, 0x00, 0x0B}})),        // memory.fill 0
    body({}, cat({kGet012, {0xFC, 0x0A, 0x00, 0x00, 0x0B}})),  // memory.copy 0 0
    body({}, cat({kGet012, {0xFC, 0x08, 0x01, 0x00, 0x0B}})),  // memory.init 1 0
});
// Segment 0: active, bytes 01 02 03 04 at offset 12; segment 1: passive "wxyz".
const Bytes kDataSection =
    section(kData, vec({cat({{0x00}, const_expr(i32_const(12)), byte_vec({1, 2, 3, 4})}),
                        cat({{0x01}, byte_vec({'w', 'x', 'y', 'z'})})}));
const Bytes kDataCountSection = section(kDataCount, leb_u(2));

// A module over memory `type` with the functions above.
Bytes test_module(const Bytes& type) {
  return module({kTypes, kFuncs, memory_section(type), kExports, kDataCountSection, kCodeSection,
                 kDataSection});
}

struct Instance {
  explicit Instance(const Bytes& bytes, uint32_t memory_pages = 0,
                    const picowasm::NamedExtern* externs = nullptr, size_t num_externs = 0)
      : mod(bytes), buffer(1 << 20) {
    if (!mod.loaded) return;
    picowasm::InstanceConfig config = embed_test::config_for(buffer);
    config.limits.memory_pages = memory_pages;
    config.externs = externs;
    config.num_externs = num_externs;
    err = picowasm::instantiate(*mod.loaded, config, &inst);
  }
  // Calls `name` with i32 arguments; a trap is reported as its code.
  uint32_t call(const char* name, std::vector<uint64_t> args, ErrorCode* trap = nullptr) {
    picowasm::CallResult r = embed_test::run(*inst, name, args);
    if (trap) *trap = r.status == CallStatus::trap ? r.error.code : ErrorCode::ok;
    EXPECT_TRUE(trap || r.status == CallStatus::ok) << name;
    return embed_test::i32(args[0]);
  }
  ErrorCode trap_of(const char* name, std::vector<uint64_t> args) {
    ErrorCode code;
    call(name, std::move(args), &code);
    return code;
  }
  embed_test::Module mod;
  Buffer buffer;
  picowasm::Instance* inst = nullptr;
  picowasm::Error err;
};

#if PICOWASM_FEATURE_CUSTOM_PAGE_SIZES

// (memory 16 20 (pagesize 1)): 16 bytes, growable to 20.
const Bytes kByteMemory = mem_type(kFlagMax | kFlagPageSize, 16, 20, 0);

TEST(CustomPageSizes, SizeAndGrowCountBytePages) {
  Instance t(test_module(kByteMemory));
  ASSERT_TRUE(t.err.ok()) << t.err.message();
  EXPECT_EQ(t.call("size", {}), 16u);
  EXPECT_EQ(t.call("grow", {1}), 16u);  // returns the old size in pages (bytes here)
  EXPECT_EQ(t.call("size", {}), 17u);
  EXPECT_EQ(t.call("grow", {3}), 17u);
  EXPECT_EQ(t.call("size", {}), 20u);
  EXPECT_EQ(t.call("grow", {1}), 0xFFFFFFFFu);  // beyond max 20: -1, size unchanged
  EXPECT_EQ(t.call("grow", {0}), 20u);
  EXPECT_EQ(t.call("size", {}), 20u);
}

TEST(CustomPageSizes, BoundsAreTheLastByte) {
  Instance t(test_module(kByteMemory));
  ASSERT_TRUE(t.err.ok()) << t.err.message();
  // The data segment put 01 02 03 04 at 12..15: the last 4 bytes of the 16-byte memory.
  EXPECT_EQ(t.call("load32", {12}), 0x04030201u);
  EXPECT_EQ(t.call("load8", {15}), 4u);
  EXPECT_EQ(t.trap_of("load8", {16}), ErrorCode::trap_memory_oob);   // one past the last byte
  EXPECT_EQ(t.trap_of("load32", {13}), ErrorCode::trap_memory_oob);  // 13 + 4 > 16
  // One byte more: address 16 exists (zero), a 4-byte load at 13 still does not fit (17 bytes).
  EXPECT_EQ(t.call("grow", {1}), 16u);
  EXPECT_EQ(t.call("load8", {16}), 0u);
  EXPECT_EQ(t.trap_of("load8", {17}), ErrorCode::trap_memory_oob);
  EXPECT_EQ(t.call("load32", {13}), 0x00040302u);
  // Bulk operations are bounded by the same 17 bytes.
  EXPECT_EQ(t.trap_of("fill", {16, 0xAB, 1}), ErrorCode::ok);
  EXPECT_EQ(t.call("load8", {16}), 0xABu);
  EXPECT_EQ(t.trap_of("fill", {16, 0xAB, 2}), ErrorCode::trap_memory_oob);
  EXPECT_EQ(t.trap_of("copy", {0, 13, 4}), ErrorCode::ok);
  EXPECT_EQ(t.call("load32", {0}), 0xAB040302u);
  EXPECT_EQ(t.trap_of("copy", {14, 0, 4}), ErrorCode::trap_memory_oob);
  EXPECT_EQ(t.trap_of("init", {13, 0, 4}), ErrorCode::ok);
  EXPECT_EQ(t.call("load32", {13}), 0x7A797877u);  // "wxyz"
  EXPECT_EQ(t.trap_of("init", {14, 0, 4}), ErrorCode::trap_memory_oob);
}

TEST(CustomPageSizes, DataSegmentPastTheEndTraps) {
  // (memory 15 (pagesize 1)) and 4 bytes at 12: one byte too many.
  Instance t(test_module(mem_type(kFlagPageSize, 15, 0, 0)));
  EXPECT_EQ(t.err.code, ErrorCode::trap_memory_oob);
}

TEST(CustomPageSizes, ExplicitExponent16Is64KiB) {
  Instance t(test_module(mem_type(kFlagMax | kFlagPageSize, 1, 2, 16)));
  ASSERT_TRUE(t.err.ok()) << t.err.message();
  EXPECT_EQ(t.call("size", {}), 1u);
  EXPECT_EQ(t.call("load8", {65535}), 0u);
  EXPECT_EQ(t.trap_of("load8", {65536}), ErrorCode::trap_memory_oob);
  EXPECT_EQ(t.call("grow", {1}), 1u);
  EXPECT_EQ(t.call("load8", {131071}), 0u);
}

TEST(CustomPageSizes, MemoryPagesLimitCounts64KiB) {
  // No maximum: ResourceLimits::memory_pages = 1 reserves 64 KiB, i.e. 65536 1-byte pages.
  Instance t(test_module(mem_type(kFlagPageSize, 16, 0, 0)), 1);
  ASSERT_TRUE(t.err.ok()) << t.err.message();
  EXPECT_EQ(t.call("grow", {65536 - 16}), 16u);
  EXPECT_EQ(t.call("size", {}), 65536u);
  EXPECT_EQ(t.call("grow", {1}), 0xFFFFFFFFu);
  EXPECT_EQ(t.call("load8", {65535}), 0u);
}

TEST(CustomPageSizes, Validation) {
  auto with = [](const Bytes& type) { return load_code(test_module(type)); };
  EXPECT_EQ(with(mem_type(kFlagPageSize, 16, 0, 0)), ErrorCode::ok);
  EXPECT_EQ(with(mem_type(kFlagPageSize, 1, 0, 16)), ErrorCode::ok);
  // Only 1 byte and 64 KiB are page sizes; 2^17 and above do not even decode.
  EXPECT_EQ(with(mem_type(kFlagPageSize, 16, 0, 2)), ErrorCode::invalid_page_size);
  EXPECT_EQ(with(mem_type(kFlagPageSize, 16, 0, 15)), ErrorCode::invalid_page_size);
  EXPECT_EQ(with(mem_type(kFlagPageSize, 16, 0, 17)), ErrorCode::malformed_page_size);
  EXPECT_EQ(with(mem_type(kFlagPageSize, 16, 0, 0xFFFFFFFFu)), ErrorCode::malformed_page_size);
  // min > max, in either page size.
  EXPECT_EQ(with(mem_type(kFlagMax | kFlagPageSize, 21, 20, 0)), ErrorCode::limits_min_gt_max);
  EXPECT_EQ(with(mem_type(kFlagMax | kFlagPageSize, 3, 2, 16)), ErrorCode::limits_min_gt_max);
  // Range: 2^32 / page size pages, and at most 2^32 - 1. For 1-byte pages every u32 is in range
  // (validation only: nothing is allocated); 2^32 itself does not fit the u32 field.
  EXPECT_EQ(
      load_code(module({memory_section(mem_type(kFlagMax | kFlagPageSize, 0, 0xFFFFFFFFu, 0))})),
      ErrorCode::ok);
  EXPECT_EQ(load_code(module(
                {memory_section(mem_type(kFlagMax | kFlagPageSize, 0, uint64_t{1} << 32, 0))})),
            ErrorCode::integer_too_large);
  EXPECT_EQ(with(mem_type(kFlagMax | kFlagPageSize, 1, 65537, 16)),
            ErrorCode::memory_size_too_large);
  EXPECT_EQ(with(mem_type(kFlagPageSize, 65537, 0, 16)), ErrorCode::memory_size_too_large);
  // Shared (bit 1) and 64-bit (bit 2) memories are other proposals: the flags are malformed.
  EXPECT_EQ(with(mem_type(0x0A, 1, 0, 0)), ErrorCode::malformed_memory_flags);
  EXPECT_EQ(with(mem_type(0x0C, 1, 0, 0)), ErrorCode::malformed_memory_flags);
  EXPECT_EQ(with(mem_type(0x10, 1, 0, 0)), ErrorCode::malformed_memory_flags);
  // Tables have no page size.
  EXPECT_EQ(
      load_code(module({section(kTable, vec({cat({{kFuncref}, {0x08}, leb_u(1), leb_u(0)})}))})),
      ErrorCode::malformed_limits_flags);
}

TEST(CustomPageSizes, DisabledPerModule) {
  const Bytes m = test_module(kByteMemory);
  EXPECT_EQ(load_code(m, picowasm::kFeatureCustomPageSizes), ErrorCode::unsupported_page_size);
  EXPECT_EQ(load_code(m, picowasm::kFeatureTailCall), ErrorCode::ok);
  // Without the flag, a module is 2.0 and loads whatever is disabled.
  EXPECT_EQ(load_code(test_module(limits(1, 2)), picowasm::kAllFeatures), ErrorCode::ok);
}

// A module importing env.mem of `type`, exporting size().
Bytes importer(const Bytes& type) {
  return module({section(kType, vec({func_type({}, {kI32})})),
                 section(kImport, vec({cat({str("env"), str("mem"), {kExtMemory}, type})})),
                 funcs({0}), section(kExport, vec({export_entry("size", kExtFunc, 0)})),
                 code({body({}, {0x3F, 0x00, 0x0B})})});
}

TEST(CustomPageSizes, ImportMatchingNeedsEqualPageSizes) {
  Instance bytes16(test_module(kByteMemory));  // 16 1-byte pages, max 20
  Instance page1(test_module(limits(1, 2)));   // 1 64 KiB page, max 2
  ASSERT_TRUE(bytes16.err.ok() && page1.err.ok());
  picowasm::ExternVal mem_bytes, mem_page;
  ASSERT_TRUE(picowasm::find_export(*bytes16.inst, "mem", 3, &mem_bytes));
  ASSERT_TRUE(picowasm::find_export(*page1.inst, "mem", 3, &mem_page));
  auto link = [&](const Bytes& type, picowasm::ExternVal value) {
    const picowasm::NamedExtern ext[] = {{"env", "mem", value}};
    Instance t(importer(type), 0, ext, 1);
    // memory.size through the import: the provider's pages (16 bytes, or one 64 KiB page).
    const uint32_t pages = value.memory == mem_bytes.memory ? 16u : 1u;
    if (t.err.ok()) {
      EXPECT_EQ(t.call("size", {}), pages);
    }
    return t.err.code;
  };
  // Same page size, limits within: links, and memory.size counts the provider's pages.
  EXPECT_EQ(link(mem_type(kFlagPageSize, 16, 0, 0), mem_bytes), ErrorCode::ok);
  EXPECT_EQ(link(mem_type(kFlagMax | kFlagPageSize, 10, 20, 0), mem_bytes), ErrorCode::ok);
  EXPECT_EQ(link(mem_type(kFlagPageSize, 17, 0, 0), mem_bytes), ErrorCode::incompatible_import);
  EXPECT_EQ(link(mem_type(kFlagMax | kFlagPageSize, 1, 19, 0), mem_bytes),
            ErrorCode::incompatible_import);
  // Different page sizes never match, even when the byte counts would allow it.
  EXPECT_EQ(link(limits(0), mem_bytes), ErrorCode::incompatible_import);
  EXPECT_EQ(link(mem_type(kFlagPageSize, 0, 0, 0), mem_page), ErrorCode::incompatible_import);
  EXPECT_EQ(link(mem_type(kFlagPageSize, 1, 0, 16), mem_page), ErrorCode::ok);
}

TEST(CustomPageSizes, SnapshotKeepsBytePages) {
  const Bytes m = test_module(kByteMemory);
  Instance a(m), b(m);
  ASSERT_TRUE(a.err.ok() && b.err.ok());
  EXPECT_EQ(a.call("grow", {3}), 16u);
  EXPECT_EQ(a.trap_of("fill", {18, 0x5A, 1}), ErrorCode::ok);
  std::vector<uint8_t> image(4096);
  size_t written = 0;
  ASSERT_TRUE(picowasm::snapshot(*a.inst, image.data(), image.size(), &written).ok());
  ASSERT_TRUE(picowasm::restore(*b.inst, image.data(), written).ok());
  EXPECT_EQ(b.call("size", {}), 19u);
  EXPECT_EQ(b.call("load8", {18}), 0x5Au);
  EXPECT_EQ(b.trap_of("load8", {19}), ErrorCode::trap_memory_oob);
  EXPECT_EQ(b.call("grow", {1}), 19u);
  EXPECT_EQ(b.call("grow", {1}), 0xFFFFFFFFu);
}

#else  // !PICOWASM_FEATURE_CUSTOM_PAGE_SIZES

TEST(CustomPageSizesOff, TheFlagIsMalformed) {
  EXPECT_EQ(load_code(test_module(mem_type(kFlagMax | kFlagPageSize, 16, 20, 0))),
            ErrorCode::malformed_memory_flags);
  EXPECT_EQ(load_code(test_module(mem_type(kFlagPageSize, 1, 0, 16))),
            ErrorCode::malformed_memory_flags);
  Instance t(test_module(limits(1, 2)));
  ASSERT_TRUE(t.err.ok()) << t.err.message();
  EXPECT_EQ(t.call("size", {}), 1u);
}

#endif  // PICOWASM_FEATURE_CUSTOM_PAGE_SIZES

}  // namespace
