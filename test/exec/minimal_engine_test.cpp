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
    const char* body;
    ErrorCode code;
    const char* words;  // in the message
  };
  const Case cases[] = {
      {"(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))",
       ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))",
       ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))",
       ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(data.drop $d)", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(table.copy (i32.const 0) (i32.const 0) (i32.const 0))", ErrorCode::unsupported_bulk_memory,
       "bulk memory"},
      {"(table.init $e (i32.const 0) (i32.const 0) (i32.const 0))",
       ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(elem.drop $e)", ErrorCode::unsupported_bulk_memory, "bulk memory"},
      {"(drop (table.size $t))", ErrorCode::unsupported_reference_types, "reference types"},
      {"(drop (table.grow $t (ref.null func) (i32.const 1)))",
       ErrorCode::unsupported_reference_types, "reference types"},
      {"(table.fill $t (i32.const 0) (ref.null func) (i32.const 1))",
       ErrorCode::unsupported_reference_types, "reference types"},
      {"(drop (table.get $t (i32.const 0)))", ErrorCode::unsupported_reference_types,
       "reference types"},
      {"(table.set $t (i32.const 0) (ref.func $f))", ErrorCode::unsupported_reference_types,
       "reference types"},
      {"(drop (ref.is_null (ref.null extern)))", ErrorCode::unsupported_reference_types,
       "reference types"},
      {"(drop (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))",
       ErrorCode::unsupported_reference_types, "reference types"},
  };
  for (const Case& c : cases) {
    const embed_test::Bytes bytes = embed_test::wat(
        std::string("(module (memory 1) (table $t 2 funcref) (data $d \"ab\") (elem $e func $f)"
                    " (func $f) (func (export \"g\") ") +
        c.body + "))");
    const picowasm::Error e = load_error(bytes);
    EXPECT_EQ(e.code, c.code) << c.body << ": " << picowasm::error_code_name(e.code);
    EXPECT_EQ(e.kind(), picowasm::ErrorKind::unsupported) << c.body;
    EXPECT_NE(std::string(e.message()).find(c.words), std::string::npos) << e.message();
  }
}

// Segments, tables and call_indirect are the 2.0 core, not the refused instructions.
const char* const kModule = R"((module
  (type $i_i (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08")
  (table 2 funcref)
  (elem (i32.const 0) $twice $dec)
  (func $twice (type $i_i) (i32.mul (local.get 0) (i32.const 2)))                 ;; 0
  (func $dec (type $i_i) (i32.sub (local.get 0) (i32.const 1)))                   ;; 1
  ;; table slot i applied to x
  (func (export "apply") (param $i i32) (param $x i32) (result i32)               ;; 2
    (call_indirect (type $i_i) (local.get $x) (local.get $i)))
  ;; 1 + 2 + ... + n, a loop on a compare with a constant and br_if
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)               ;; 3
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; the i32 at address p + 16 (an add of a constant before a load at offset 0)
  (func (export "peek") (param $p i32) (result i32)                               ;; 4
    (i32.load (i32.add (local.get $p) (i32.const 16))))
  ;; (x << 3) & 0xFF0 as i64
  (func (export "mask64") (param $x i64) (result i64)                             ;; 5
    (i64.and (i64.shl (local.get $x) (i64.const 3)) (i64.const 0xFF0)))
  ;; a / b, called through another function so that the trap has a caller
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))  ;; 6
  (func (export "outer") (param i32 i32) (result i32)                             ;; 7
    (i32.add (call $div (local.get 0) (local.get 1)) (i32.const 1)))
))";

struct Fixture {
  Fixture() : module(embed_test::wat(kModule)), buffer(256 * 1024) {
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
