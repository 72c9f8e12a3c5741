// The minimal engine: every optional part compiled out (config.h PICOWASM_FEATURE_* = 0), the
// configuration scripts/footprint.sh reports as the smallest. It must still be the whole 2.0
// non-SIMD core minus the bulk-memory and reference-type instructions, which validation refuses
// with typed errors, and keep fuel and trap reports (the trapping function, without offset or
// callers). Expected values are worked out by hand in the comments beside them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

static_assert(!PICOWASM_FEATURE_FUSED_FORMS && !PICOWASM_FEATURE_TRAP_BACKTRACE &&
                  !PICOWASM_FEATURE_BULK_MEMORY && !PICOWASM_FEATURE_REFERENCE_TYPES &&
                  !PICOWASM_FEATURE_TAIL_CALL && !PICOWASM_FEATURE_EXTENDED_CONST &&
                  !PICOWASM_FEATURE_MULTI_MEMORY && !PICOWASM_FEATURE_CUSTOM_PAGE_SIZES,
              "built against picowasm_minimal (test/CMakeLists.txt)");

namespace {

using embed_test::Buffer;
using picowasm::CallStatus;
using picowasm::ErrorCode;

picowasm::Error load_error(const embed_test::Bytes& bytes) {
  Buffer buf(1 << 20);
  picowasm::ModuleConfig c;
  c.arena = buf.data;
  c.arena_size = buf.size;
  picowasm::LoadedModule* m = nullptr;
  return picowasm::load(bytes.data(), bytes.size(), c, &m);
}

TEST(MinimalEngine, BulkMemoryAndReferenceTypeInstructionsAreRefused) {
  struct Case {
    const char* module;  // test/wat/NAME.wat: the plain module plus one refused instruction
    ErrorCode code;
    const char* words;  // in the message
  };
  const Case cases[] = {
      {"minimal-refused-memory-fill", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-memory-copy", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-memory-init", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-data-drop", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-table-copy", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-table-init", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-elem-drop", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"minimal-refused-table-size", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-table-grow", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-table-fill", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-table-get", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-table-set", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-ref-is-null", ErrorCode::unsupported_reference_types, "reference types"},
      {"minimal-refused-select-typed", ErrorCode::unsupported_reference_types, "reference types"},
  };
  for (const Case& c : cases) {
    const embed_test::Bytes bytes = embed_test::wasm(c.module);
    const picowasm::Error e = load_error(bytes);
    EXPECT_EQ(e.code, c.code) << c.module << ": " << picowasm::error_code_name(e.code);
    EXPECT_EQ(e.kind(), picowasm::ErrorKind::unsupported) << c.module;
    EXPECT_NE(std::string(e.message()).find(c.words), std::string::npos) << e.message();
  }
}

// Segments, tables and call_indirect are the 2.0 core, not the refused instructions.
const char* const kModule = "minimal-engine";

struct Fixture {
  Fixture() : module(embed_test::wasm(kModule)), buffer(256 * 1024) {
    picowasm::InstanceConfig config = embed_test::config_for(buffer);
    if (module.loaded) err = picowasm::instantiate(*module.loaded, config, &inst);
  }
  embed_test::Module module;
  Buffer buffer;
  picowasm::Instance* inst = nullptr;
  picowasm::Error err;
};

TEST(MinimalEngine, CoreInstructionsRunInTheirPlainForms) {
  Fixture fx;
  ASSERT_EQ(fx.err.code, ErrorCode::ok);
  ASSERT_NE(fx.inst, nullptr);
  std::vector<uint64_t> s = {0, 21};
  ASSERT_EQ(embed_test::run(*fx.inst, "apply", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 42u);  // slot 0: $twice(21)
  s = {1, 21};
  ASSERT_EQ(embed_test::run(*fx.inst, "apply", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 20u);  // slot 1: $dec(21)
  s = {100};
  ASSERT_EQ(embed_test::run(*fx.inst, "sum", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 5050u);  // 100 * 101 / 2
  s = {2};
  ASSERT_EQ(embed_test::run(*fx.inst, "peek", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 0x06050403u);  // bytes 18..21, little-endian
  s = {0x1234};
  ASSERT_EQ(embed_test::run(*fx.inst, "mask64", s).status, CallStatus::ok);
  EXPECT_EQ(s[0], 0x1A0u);  // 0x1234 << 3 = 0x91A0, and 0xFF0 keeps 0x1A0
}

TEST(MinimalEngine, TrapReportNamesTheTrappingFunctionOnly) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  std::vector<uint64_t> s = {7, 0};
  picowasm::CallResult r = embed_test::run(*fx.inst, "outer", s);
  ASSERT_EQ(r.status, CallStatus::trap);
  EXPECT_EQ(r.error.code, ErrorCode::trap_int_div_by_zero);
  EXPECT_EQ(r.error.function, 6u);
  picowasm::TrapReport report = picowasm::trap_report(*fx.inst);
  EXPECT_EQ(report.code, ErrorCode::trap_int_div_by_zero);
  ASSERT_EQ(report.num_frames, 1u);  // no backtrace: the caller (7) is not listed
  EXPECT_EQ(report.total_frames, 1u);
  EXPECT_EQ(report.frames[0].function, 6u);
  EXPECT_EQ(report.frames[0].module_offset, picowasm::TrapFrame::kUnknownOffset);
}

TEST(MinimalEngine, FuelPausesAtLoopIterationsAndResumes) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  picowasm::FuncInst* sum = picowasm::find_function(*fx.inst, "sum");
  ASSERT_NE(sum, nullptr);
  uint64_t s[8] = {100};
  // One unit per taken backward branch: 100 iterations branch back 100 times, so 10 units pause.
  picowasm::CallResult r = picowasm::call(*fx.inst, sum, s, 10);
  ASSERT_EQ(r.status, CallStatus::paused);
  EXPECT_EQ(r.pause, picowasm::PauseReason::out_of_fuel);
  EXPECT_EQ(r.fuel_used, 10u);
  r = picowasm::resume(*fx.inst, s, 1000);
  ASSERT_EQ(r.status, CallStatus::ok);
  EXPECT_EQ(r.fuel_used, 90u);  // the other 90 backward branches
  EXPECT_EQ(embed_test::i32(s[0]), 5050u);
}

}  // namespace
