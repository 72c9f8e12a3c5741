// validate_module(): module-level rules, constant expressions, declared function references,
// function bodies, error precedence (malformed bodies beat invalid ones), scratch use and the
// validation limits. Modules are built byte by byte with wasm_builder.h.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::Error;
using picowasm::ErrorCode;
using picowasm::ErrorKind;

// Opcodes used below.
constexpr uint8_t kUnreachable = 0x00, kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05,
                  kEnd = 0x0B, kBr = 0x0C, kBrTable = 0x0E, kCall = 0x10, kDrop = 0x1A,
                  kSelect = 0x1B, kSelectT = 0x1C, kLocalGet = 0x20, kGlobalGet = 0x23,
                  kGlobalSet = 0x24, kI32Load = 0x28, kI32Add = 0x6A, kRefNull = 0xD0,
                  kRefFunc = 0xD2, kVoid = 0x40;

Bytes types(const std::vector<Bytes>& fts) {
  return section(kType, vec(fts));
}
Bytes memory1() {
  return section(kMemory, vec({limits(1)}));
}

// A module with one function of type `ft` whose body is `instrs` (the final `end` is added).
Bytes one_func(const Bytes& ft, const Bytes& instrs, const LocalRuns& locals = {},
               std::initializer_list<Bytes> before_code = {}) {
  Bytes m = cat({header(), types({ft}), funcs({0})});
  for (const Bytes& s : before_code) m = cat({m, s});
  return cat({m, code({body(locals, cat({instrs, {kEnd}}))})});
}

Error load(const Bytes& bytes) {
  Loaded l(bytes);
  return l.err;
}
ErrorCode load_code(const Bytes& bytes) {
  return load(bytes).code;
}

const Bytes kVoidToVoid = func_type({}, {});
const Bytes kVoidToI32 = func_type({}, {kI32});

// ---- Function bodies: stack typing -------------------------------------------------------------

TEST(ValidateBody, AcceptsWellTypedArithmetic) {
  EXPECT_EQ(load_code(one_func(kVoidToI32, cat({i32_const(1), i32_const(2), {kI32Add}}))),
            ErrorCode::ok);
}

TEST(ValidateBody, OperandTypeMismatch) {
  EXPECT_EQ(load_code(one_func(kVoidToI32, cat({i32_const(1), i64_const(2), {kI32Add}}))),
            ErrorCode::type_mismatch);
}

TEST(ValidateBody, ResultCountMismatchAtEnd) {
  EXPECT_EQ(load_code(one_func(kVoidToI32, {})), ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, i32_const(1))), ErrorCode::type_mismatch);
}

TEST(ValidateBody, ErrorCarriesInstructionOffsetAndFunctionIndex) {
  // Function 1's i32.add pops an i64.
  Bytes bad = cat({i64_const(7), i32_const(1), {kI32Add, kDrop, kEnd}});
  Bytes m = module({types({kVoidToVoid}), funcs({0, 0}), code({body({}, {kEnd}), body({}, bad)})});
  Loaded l(m);
  ASSERT_EQ(l.err.code, ErrorCode::type_mismatch);
  EXPECT_EQ(l.err.function, 1u);
  // The add is the 5th byte of function 1's instructions (after i64.const 7, i32.const 1).
  size_t body1_instrs = m.size() - bad.size();
  EXPECT_EQ(l.err.offset, body1_instrs + 4);
}

TEST(ValidateBody, UnreachableMakesTheStackPolymorphic) {
  EXPECT_EQ(load_code(one_func(kVoidToI32, {kUnreachable, kI32Add})), ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kUnreachable, kSelect, kDrop})), ErrorCode::ok);
  // Values pushed after `unreachable` are still typed.
  EXPECT_EQ(load_code(one_func(kVoidToI32, cat({{kUnreachable}, i64_const(0)}))),
            ErrorCode::type_mismatch);
}

TEST(ValidateBody, LocalsAcrossRuns) {
  // (param f64) (local i32 i32 i64 i64 i64 f32): local 3 is i64, local 6 is f32, 7 is unknown.
  Bytes ft = func_type({kF64}, {kI64});
  LocalRuns runs = {{2, kI32}, {3, kI64}, {1, kF32}};
  EXPECT_EQ(load_code(one_func(ft, {kLocalGet, 3}, runs)), ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(ft, {kLocalGet, 5}, runs)), ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(ft, {kLocalGet, 6}, runs)), ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(one_func(ft, {kLocalGet, 7}, runs)), ErrorCode::unknown_local);
  EXPECT_EQ(load_code(one_func(func_type({kI64}, {kI64}), {kLocalGet, 0})), ErrorCode::ok);
}

TEST(ValidateBody, LabelsAndBlockTypes) {
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kBr, 1})), ErrorCode::unknown_label);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kBlock, kVoid, kBr, 1, kEnd})), ErrorCode::ok);
  // A loop label takes the loop's parameters, not its results.
  Bytes m = cat({header(), types({kVoidToVoid, func_type({kI32}, {})}), funcs({0}),
                 code({body({}, cat({i32_const(0), {kLoop, 1, kBr, 0, kEnd, kEnd}}))})});
  EXPECT_EQ(load_code(m), ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kBlock, 9, kEnd})), ErrorCode::unknown_type);
}

TEST(ValidateBody, IfWithoutElseMustMapParamsToResults) {
  EXPECT_EQ(load_code(one_func(kVoidToI32, cat({i32_const(1), {kIf, kI32}, i32_const(2), {kEnd}}))),
            ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(one_func(
                kVoidToI32,
                cat({i32_const(1), {kIf, kI32}, i32_const(2), {kElse}, i32_const(3), {kEnd}}))),
            ErrorCode::ok);
}

TEST(ValidateBody, BrTableTargetsMustAgree) {
  // Targets: block (result i32) and the function (result i32): fine.
  Bytes ok = cat({{kBlock, kI32}, i32_const(5), i32_const(0), {kBrTable, 1, 0, 1, kEnd}});
  EXPECT_EQ(load_code(one_func(kVoidToI32, ok)), ErrorCode::ok);
  // Targets of different arity.
  Bytes bad = cat({{kBlock, kVoid}, i32_const(5), i32_const(0), {kBrTable, 1, 0, 1, kEnd}});
  EXPECT_EQ(load_code(one_func(kVoidToI32, cat({bad, i32_const(0)}))), ErrorCode::type_mismatch);
}

TEST(ValidateBody, SelectRules) {
  Bytes refs = {kRefNull, kFuncref, kRefNull, kFuncref};
  EXPECT_EQ(load_code(one_func(kVoidToVoid, cat({refs, i32_const(1), {kSelect, kDrop}}))),
            ErrorCode::type_mismatch);
  EXPECT_EQ(
      load_code(one_func(kVoidToVoid, cat({refs, i32_const(1), {kSelectT, 1, kFuncref, kDrop}}))),
      ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(kVoidToVoid,
                               cat({refs, i32_const(1), {kSelectT, 2, kFuncref, kFuncref}}))),
            ErrorCode::invalid_result_arity);
}

TEST(ValidateBody, GlobalsAndMemory) {
  Bytes immutable = section(kGlobal, vec({cat({{kI32, 0x00}, const_expr(i32_const(0))})}));
  EXPECT_EQ(load_code(one_func(kVoidToVoid, cat({i32_const(1), {kGlobalSet, 0}}), {}, {immutable})),
            ErrorCode::immutable_global);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kGlobalGet, 1, kDrop}, {}, {immutable})),
            ErrorCode::unknown_global);
  Bytes load_align = cat({i32_const(0), {kI32Load, 2, 0, kDrop}});
  Bytes load_overaligned = cat({i32_const(0), {kI32Load, 3, 0, kDrop}});
  EXPECT_EQ(load_code(one_func(kVoidToVoid, load_align)), ErrorCode::unknown_memory);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, load_align, {}, {memory1()})), ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, load_overaligned, {}, {memory1()})),
            ErrorCode::bad_alignment);
}

TEST(ValidateBody, CallChecksCalleeType) {
  Bytes m = module({types({kVoidToVoid, func_type({kI32}, {})}), funcs({0, 1}),
                    code({body({}, cat({i64_const(0), {kCall, 1, kEnd}})), body({}, {kEnd})})});
  EXPECT_EQ(load_code(m), ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kCall, 1})), ErrorCode::unknown_function);
}

// The validator checks the common instructions on a fast path and leaves everything else to the
// full checks; these cases sit on both sides of each fast path's conditions. The expected codes
// and offsets follow from the spec's typing and LEB128 rules.
TEST(ValidateBody, FastPathsAgreeWithTheFullChecks) {
  constexpr uint8_t kNop = 0x01, kBrIf = 0x0D, kReturn = 0x0F, kLocalSet = 0x21, kLocalTee = 0x22,
                    kI32Const = 0x41, kI64Load = 0x29, kI32Load8U = 0x2D;
  // Locals through the type table (the body is longer than the local count): (param f64)
  // (local i32 i32 i64 i64 i64 f32), locals 0..6.
  const Bytes ft = func_type({kF64}, {kI64});
  const LocalRuns runs = {{2, kI32}, {3, kI64}, {1, kF32}};
  const Bytes pad(8, kNop);
  auto with_locals = [&](const Bytes& instrs) {
    return load_code(one_func(ft, cat({pad, instrs}), runs));
  };
  EXPECT_EQ(with_locals({kLocalGet, 3}), ErrorCode::ok);
  EXPECT_EQ(with_locals({kLocalGet, 6}), ErrorCode::type_mismatch);
  EXPECT_EQ(with_locals({kLocalGet, 7}), ErrorCode::unknown_local);
  EXPECT_EQ(with_locals(cat({i64_const(1), {kLocalTee, 4}})), ErrorCode::ok);
  EXPECT_EQ(with_locals(cat({i64_const(1), {kLocalSet, 1, kLocalGet, 2}})),
            ErrorCode::type_mismatch);
  EXPECT_EQ(with_locals(cat({i32_const(1), {kLocalSet, 1, kLocalGet, 0, kDrop, kLocalGet, 5}})),
            ErrorCode::ok);
  // A two-byte local index (local 150 of 200 i64 locals).
  const LocalRuns many = {{200, kI64}};
  EXPECT_EQ(load_code(one_func(ft, cat({Bytes(200, kNop), {kLocalGet, 0x96, 0x01}}), many)),
            ErrorCode::ok);
  EXPECT_EQ(load_code(one_func(ft, cat({Bytes(200, kNop), {kLocalGet, 0xC9, 0x01}}), many)),
            ErrorCode::unknown_local);

  // i32.const of five bytes: bits 4-6 of the last byte must copy the sign (bit 3).
  auto i32_body = [](const Bytes& leb) {
    return one_func(kVoidToVoid, cat({{kI32Const}, leb, {kDrop}}));
  };
  EXPECT_EQ(load_code(i32_body({0xFF, 0xFF, 0xFF, 0xFF, 0x07})), ErrorCode::ok);  // INT32_MAX
  EXPECT_EQ(load_code(i32_body({0x80, 0x80, 0x80, 0x80, 0x78})), ErrorCode::ok);  // INT32_MIN
  EXPECT_EQ(load_code(i32_body({0x80, 0x80, 0x80, 0x80, 0x08})), ErrorCode::integer_too_large);
  EXPECT_EQ(load_code(i32_body({0x80, 0x80, 0x80, 0x80, 0x70})), ErrorCode::integer_too_large);
  EXPECT_EQ(load_code(i32_body({0x80, 0x80, 0x80, 0x80, 0x80, 0x00})), ErrorCode::integer_too_long);
  // The error is reported at the integer's first byte: 7 bytes before the end of the module
  // (five LEB128 bytes, drop, the final end).
  Bytes too_large = i32_body({0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  Error err = load(too_large);
  EXPECT_EQ(err.code, ErrorCode::integer_too_large);
  EXPECT_EQ(err.offset, too_large.size() - 7);
  EXPECT_EQ(load_code(one_func(kVoidToVoid, cat({i64_const(INT64_MIN), {kDrop}}))), ErrorCode::ok);

  // Memory accesses: a two-byte offset; alignments up to the natural one.
  auto access = [](const Bytes& instr) {
    return load_code(one_func(kVoidToVoid, cat({i32_const(0), instr, {kDrop}}), {}, {memory1()}));
  };
  EXPECT_EQ(access({kI32Load, 2, 0xE8, 0x07}), ErrorCode::ok);
  EXPECT_EQ(access({kI64Load, 3, 0x80, 0x80, 0x04}), ErrorCode::ok);
  EXPECT_EQ(access({kI32Load8U, 0, 0}), ErrorCode::ok);
  EXPECT_EQ(access({kI32Load8U, 1, 0}), ErrorCode::bad_alignment);

  // Blocks, branches, calls, returns, select and globals with exactly typed operands, with
  // mismatched ones, and on the polymorphic stack after unreachable.
  auto i32_func = [](const Bytes& instrs) { return load_code(one_func(kVoidToI32, instrs)); };
  EXPECT_EQ(i32_func({kBlock, kI32, kUnreachable, kEnd}), ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({{kBlock, kI32}, i64_const(0), {kEnd}})), ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func(cat({{kBlock, kVoid}, i32_const(1), {kEnd}, i32_const(1)})),
            ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func(cat({{kBlock, kI32}, i32_const(1), i32_const(0), {kBrIf, 0, kEnd}})),
            ErrorCode::ok);
  EXPECT_EQ(
      i32_func(cat(
          {{kBlock, kI32}, i64_const(1), i32_const(0), {kBrIf, 0, kDrop}, i32_const(0), {kEnd}})),
      ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func(cat({{kBlock, kI32}, i64_const(0), i32_const(1), {kBr, 0, kEnd}})),
            ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({{kBlock, kI32}, i32_const(1), {kBr, 1, kEnd}})), ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({i32_const(1), {kIf, kVoid}, i32_const(2), {kDrop, kEnd}, i32_const(3)})),
            ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({i64_const(1), {kIf, kVoid, kEnd}, i32_const(3)})),
            ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func(cat({{kLoop, kI32}, i32_const(1), {kEnd}})), ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({i32_const(1), {kReturn}})), ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({i64_const(1), {kReturn}})), ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func(cat({i32_const(1), i32_const(2), i32_const(0), {kSelect}})), ErrorCode::ok);
  EXPECT_EQ(i32_func(cat({i64_const(1), i32_const(2), i32_const(0), {kSelect}})),
            ErrorCode::type_mismatch);
  EXPECT_EQ(i32_func({kDrop}), ErrorCode::type_mismatch);
  Bytes mutable_i64 = section(kGlobal, vec({cat({{kI64, 0x01}, const_expr(i64_const(0))})}));
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kGlobalGet, 0, kGlobalSet, 0}, {}, {mutable_i64})),
            ErrorCode::ok);
  EXPECT_EQ(
      load_code(one_func(kVoidToVoid, cat({i32_const(0), {kGlobalSet, 0}}), {}, {mutable_i64})),
      ErrorCode::type_mismatch);
  // A call's results replace its parameters: function 1 is (i32 i32) -> i64.
  Bytes m = module({types({kVoidToI32, func_type({kI32, kI32}, {kI64})}), funcs({0, 1}),
                    code({body({}, cat({i32_const(1), i32_const(2), {kCall, 1, kEnd}})),
                          body({}, cat({i64_const(0), {kEnd}}))})});
  EXPECT_EQ(load_code(m), ErrorCode::type_mismatch);  // an i64 where the i32 result is due
}

// ---- Structure: malformed bodies ---------------------------------------------------------------

TEST(ValidateStructure, ElseOutsideIfIsMalformed) {
  EXPECT_EQ(load_code(one_func(kVoidToVoid, {kBlock, kVoid, kElse, kEnd})),
            ErrorCode::end_expected);
}

TEST(ValidateStructure, BytesAfterFinalEndAreMalformed) {
  Bytes m = module({types({kVoidToVoid}), funcs({0}), code({body({}, {kEnd, 0x01})})});
  EXPECT_EQ(load_code(m), ErrorCode::end_expected);
}

TEST(ValidateStructure, MissingFinalEndIsMalformed) {
  Bytes m = module({types({kVoidToVoid}), funcs({0}), code({body({}, {0x01})})});
  EXPECT_EQ(load_code(m), ErrorCode::end_expected);
}

TEST(ValidateStructure, MalformedBodyWinsOverEarlierInvalidBody) {
  // Function 0 is ill-typed; function 1 contains an unassigned opcode (0x06).
  Bytes m = module({types({kVoidToVoid}), funcs({0, 0}),
                    code({body({}, cat({i32_const(0), {kEnd}})), body({}, {0x06, kEnd})})});
  Error err = load(m);
  EXPECT_EQ(err.code, ErrorCode::illegal_opcode);
  EXPECT_EQ(err.function, 1u);
}

TEST(ValidateStructure, MalformedBodyWinsOverModuleLevelError) {
  // Start function with a parameter (invalid) and a body with a bad memory index byte.
  // In 2.0 (multi-memory off): with it, 0x01 is a memory index.
  Bytes m = module({types({func_type({kI32}, {})}), funcs({0}), memory1(),
                    section(kStart, leb_u(0)), code({body({}, {0x3F, 0x01, kDrop, kEnd})})});
  std::vector<uint8_t> buffer(1 << 20);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::Module out;
  EXPECT_EQ(picowasm::load_module(m.data(), m.size(), arena, &out, 0).code,
            ErrorCode::zero_byte_expected);
}

TEST(ValidateStructure, DataCountRequiredForDataDropWithDataSection) {
  Bytes data = section(kData, vec({cat({{0x01}, str("x")})}));
  Bytes m = module({types({kVoidToVoid}), funcs({0}), memory1(),
                    code({body({}, {0xFC, 0x09, 0x00, kEnd})}), data});
  EXPECT_EQ(load_code(m), ErrorCode::data_count_required);
  Bytes with_count =
      module({types({kVoidToVoid}), funcs({0}), memory1(), section(kDataCount, leb_u(1)),
              code({body({}, {0xFC, 0x09, 0x00, kEnd})}), data});
  EXPECT_EQ(load_code(with_count), ErrorCode::ok);
}

// ---- Constant expressions ----------------------------------------------------------------------

Bytes global_i32(const Bytes& init_instrs) {
  return section(kGlobal, vec({cat({{kI32, 0x00}, init_instrs, {kEnd}})}));
}
Bytes import_global(uint8_t type, bool mut) {
  return section(
      kImport, vec({cat({str("m"), str("g"), {kExtGlobal, type, mut ? uint8_t{1} : uint8_t{0}}})}));
}

// Loads with only the given post-2.0 proposals enabled (0: strict WebAssembly 2.0).
ErrorCode load_with_features(const Bytes& bytes, uint32_t features) {
  std::vector<uint8_t> buffer(1 << 20);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::Module m;
  return picowasm::load_module(bytes.data(), bytes.size(), arena, &m, features).code;
}

TEST(ValidateConstExpr, OnlyConstantInstructions) {
  EXPECT_EQ(load_code(module({global_i32(i32_const(1))})), ErrorCode::ok);
  EXPECT_EQ(
      load_with_features(module({global_i32(cat({i32_const(1), i32_const(2), {kI32Add}}))}), 0),
      ErrorCode::constant_expr_required);
  EXPECT_EQ(load_code(module({global_i32({})})), ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(module({global_i32(cat({i32_const(1), i32_const(2)}))})),
            ErrorCode::type_mismatch);
  EXPECT_EQ(load_code(module({global_i32(i64_const(1))})), ErrorCode::type_mismatch);
}

TEST(ValidateConstExpr, GlobalGetOnlyOfImmutableImports) {
  EXPECT_EQ(load_code(module({import_global(kI32, false), global_i32({kGlobalGet, 0})})),
            ErrorCode::ok);
  EXPECT_EQ(load_code(module({import_global(kI32, true), global_i32({kGlobalGet, 0})})),
            ErrorCode::constant_expr_required);
  // Index 1 is the module's own global, invisible to constant expressions in 2.0.
  EXPECT_EQ(load_code(module({import_global(kI32, false), global_i32({kGlobalGet, 1})})),
            ErrorCode::unknown_global);
}

// extended-const: i32/i64 add, sub, mul in constant expressions, typed like in a body.
TEST(ValidateConstExpr, ExtendedConstArithmetic) {
  const uint32_t ext = picowasm::kFeatureExtendedConst;
  const uint8_t kI32Sub = 0x6B, kI32Mul = 0x6C, kI64Add = 0x7C;
  const Bytes nested = cat(
      {i32_const(20), i32_const(2), {kI32Mul}, i32_const(2), {kI32Sub}, i32_const(4), {kI32Add}});
  EXPECT_EQ(load_with_features(module({global_i32(nested)}), ext), ErrorCode::ok);
  EXPECT_EQ(load_with_features(module({global_i32(nested)}), 0), ErrorCode::constant_expr_required);
  // Operands of the wrong type, too few operands, a result of the wrong type.
  EXPECT_EQ(
      load_with_features(module({global_i32(cat({i32_const(1), i64_const(2), {kI32Add}}))}), ext),
      ErrorCode::type_mismatch);
  EXPECT_EQ(load_with_features(module({global_i32(cat({i32_const(1), {kI32Add}}))}), ext),
            ErrorCode::type_mismatch);
  EXPECT_EQ(
      load_with_features(module({global_i32(cat({i64_const(1), i64_const(2), {kI64Add}}))}), ext),
      ErrorCode::type_mismatch);
  // Other arithmetic stays non-constant.
  EXPECT_EQ(
      load_with_features(module({global_i32(cat({i32_const(1), i32_const(2), {0x6D}}))}), ext),
      ErrorCode::constant_expr_required);  // i32.div_s
  // The value stack of a constant expression is bounded (config.h).
  Bytes deep;
  for (uint32_t i = 0; i <= PICOWASM_MAX_CONST_EXPR_STACK; ++i) deep = cat({deep, i32_const(1)});
  for (uint32_t i = 0; i < PICOWASM_MAX_CONST_EXPR_STACK; ++i) deep = cat({deep, {kI32Add}});
  EXPECT_EQ(load_with_features(module({global_i32(deep)}), ext), ErrorCode::limit_operand_stack);
  // Without arithmetic, too many values is a typing error, as in 2.0.
  EXPECT_EQ(load_with_features(module({global_i32(deep)}), 0), ErrorCode::constant_expr_required);
}

// tail-call: return_call needs the proposal, and its callee must return exactly the caller's
// results; like `return`, it leaves the rest of the block unreachable.
TEST(ValidateBody, TailCallRules) {
  const uint32_t tail = picowasm::kFeatureTailCall;
  const uint8_t kReturnCall = 0x12;
  const Bytes self = one_func(kVoidToI32, {kReturnCall, 0, kDrop});
  EXPECT_EQ(load_with_features(self, tail), ErrorCode::ok);
  EXPECT_EQ(load_with_features(self, 0), ErrorCode::unsupported_tail_call);
  EXPECT_EQ(load_with_features(self, picowasm::kFeatureExtendedConst),
            ErrorCode::unsupported_tail_call);
  EXPECT_EQ(load_with_features(one_func(kVoidToI32, {kReturnCall, 5}), tail),
            ErrorCode::unknown_function);
  // () -> i32 tail-calling () -> i64, and () -> i32 tail-calling () -> ().
  for (const Bytes& callee : {func_type({}, {kI64}), kVoidToVoid}) {
    Bytes m = module({types({kVoidToI32, callee}), funcs({0, 1}),
                      code({body({}, {kReturnCall, 1, kEnd}), body({}, {kUnreachable, kEnd})})});
    EXPECT_EQ(load_with_features(m, tail), ErrorCode::type_mismatch);
  }
  // The callee's parameters come from the stack: (i32) -> i32 called without an argument.
  const Bytes needs_arg = func_type({kI32}, {kI32});
  EXPECT_EQ(load_with_features(one_func(needs_arg, {kReturnCall, 0}), tail),
            ErrorCode::type_mismatch);
  EXPECT_EQ(load_with_features(one_func(needs_arg, {kLocalGet, 0, kReturnCall, 0}), tail),
            ErrorCode::ok);
}

// ---- Declared function references ---------------------------------------------------------------

TEST(ValidateRefs, RefFuncNeedsADeclaration) {
  Bytes body_ref = body({}, {kRefFunc, 0, kDrop, kEnd});
  EXPECT_EQ(load_code(module({types({kVoidToVoid}), funcs({0}), code({body_ref})})),
            ErrorCode::undeclared_func_ref);
  // A declarative element segment (flags 3) declares function 0.
  Bytes declare = section(kElem, vec({cat({{0x03, 0x00}, vec({leb_u(0)})})}));
  Loaded l(module({types({kVoidToVoid}), funcs({0, 0}), declare, code({body_ref, body_ref})}));
  ASSERT_EQ(l.err.code, ErrorCode::ok);
  EXPECT_TRUE(l.module.is_declared_ref(0));
  EXPECT_FALSE(l.module.is_declared_ref(1));
  // So does an export.
  Bytes exp = section(kExport, vec({cat({str("f"), {kExtFunc, 0}})}));
  EXPECT_EQ(load_code(module({types({kVoidToVoid}), funcs({0}), exp, code({body_ref})})),
            ErrorCode::ok);
}

// ---- Module-level rules ------------------------------------------------------------------------

TEST(ValidateModule, MemoryAndTableLimits) {
  EXPECT_EQ(load_code(module({section(kMemory, vec({limits(65537)}))})),
            ErrorCode::memory_size_too_large);
  EXPECT_EQ(load_code(module({section(kMemory, vec({limits(0, 65537)}))})),
            ErrorCode::memory_size_too_large);
  EXPECT_EQ(load_code(module({section(kMemory, vec({limits(2, 1)}))})),
            ErrorCode::limits_min_gt_max);
  EXPECT_EQ(load_with_features(module({section(kMemory, vec({limits(1), limits(1)}))}), 0),
            ErrorCode::multiple_memories);
  EXPECT_EQ(load_code(module({section(kTable, vec({cat({{kFuncref}, limits(3, 2)})}))})),
            ErrorCode::limits_min_gt_max);
}

TEST(ValidateModule, StartFunctionType) {
  Bytes m = module({types({kVoidToI32}), funcs({0}), section(kStart, leb_u(0)),
                    code({body({}, cat({i32_const(0), {kEnd}}))})});
  EXPECT_EQ(load_code(m), ErrorCode::start_function_type);
  EXPECT_EQ(load_code(module({section(kStart, leb_u(0))})), ErrorCode::unknown_function);
}

TEST(ValidateModule, ElemSegmentTypeMustMatchTable) {
  Bytes table = section(kTable, vec({cat({{kExternref}, limits(1)})}));
  // Encoding 0: funcref items into an externref table.
  Bytes elem = section(kElem, vec({cat({{0x00}, const_expr(i32_const(0)), vec({})})}));
  EXPECT_EQ(load_code(module({table, elem})), ErrorCode::type_mismatch);
}

TEST(ValidateModule, ExportNamesMustBeUnique) {
  const int n = 2000;
  std::vector<Bytes> exports;
  for (int i = 0; i < n; ++i) {
    exports.push_back(cat({str("e" + std::to_string(i)), {kExtGlobal, 0}}));
  }
  Bytes g = global_i32(i32_const(0));
  EXPECT_EQ(load_code(module({g, section(kExport, vec(exports))})), ErrorCode::ok);
  exports.push_back(cat({str("e1234"), {kExtGlobal, 0}}));
  EXPECT_EQ(load_code(module({g, section(kExport, vec(exports))})), ErrorCode::duplicate_export);
  Bytes bad_index = section(kExport, vec({cat({str("x"), {kExtGlobal, 1}})}));
  EXPECT_EQ(load_code(module({g, bad_index})), ErrorCode::unknown_global);
}

// ---- Arena use and limits ----------------------------------------------------------------------

TEST(ValidateArena, KeepsOnlyTheRefBitmapAndRewindsOnFailure) {
  Bytes m = module({types({kVoidToVoid}), funcs({0, 0, 0, 0, 0, 0, 0, 0, 0}),
                    code(std::vector<Bytes>(9, body({{3, kI32}}, {kBlock, kVoid, kEnd, kEnd})))});
  std::vector<uint8_t> buffer(1 << 16);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::Module mod;
  ASSERT_TRUE(picowasm::decode_module(m.data(), m.size(), arena, &mod).ok());
  size_t decoded = arena.used();
  ASSERT_TRUE(picowasm::validate_module(mod, arena).ok());
  EXPECT_EQ(arena.used(), decoded + 2);  // 9 functions -> 2 bitmap bytes
  ASSERT_NE(mod.declared_refs, nullptr);

  Bytes bad = one_func(kVoidToVoid, i32_const(0));
  picowasm::Arena arena2(buffer.data(), buffer.size());
  ASSERT_TRUE(picowasm::decode_module(bad.data(), bad.size(), arena2, &mod).ok());
  decoded = arena2.used();
  EXPECT_EQ(picowasm::validate_module(mod, arena2).code, ErrorCode::type_mismatch);
  EXPECT_EQ(arena2.used(), decoded);
  EXPECT_EQ(mod.declared_refs, nullptr);
}

TEST(ValidateArena, TooSmallArenaIsOutOfArena) {
  Bytes m = one_func(kVoidToI32, cat({i32_const(1), i32_const(2), {kI32Add}}));
  std::vector<uint8_t> buffer(1 << 16);
  picowasm::Arena probe(buffer.data(), buffer.size());
  picowasm::Module mod;
  ASSERT_TRUE(picowasm::decode_module(m.data(), m.size(), probe, &mod).ok());
  size_t decoded = probe.used();
  // Room for the decoded module and the bitmap, but not for the operand stack.
  picowasm::Arena small(buffer.data(), decoded + 1);
  ASSERT_TRUE(picowasm::decode_module(m.data(), m.size(), small, &mod).ok());
  EXPECT_EQ(picowasm::validate_module(mod, small).code, ErrorCode::out_of_arena);
}

TEST(ValidateLimits, ControlDepth) {
  auto nested = [](uint32_t depth) {
    Bytes instrs;
    for (uint32_t i = 0; i < depth; ++i) instrs.insert(instrs.end(), {kBlock, kVoid});
    for (uint32_t i = 0; i < depth; ++i) instrs.push_back(kEnd);
    return one_func(kVoidToVoid, instrs);
  };
  EXPECT_EQ(load_code(nested(PICOWASM_MAX_CONTROL_DEPTH)), ErrorCode::ok);
  EXPECT_EQ(load_code(nested(PICOWASM_MAX_CONTROL_DEPTH + 1)), ErrorCode::limit_control_depth);
}

TEST(ValidateLimits, OperandStack) {
  auto pushes = [](uint32_t n) {
    Bytes instrs;
    for (uint32_t i = 0; i < n; ++i) instrs.insert(instrs.end(), {0x41, 0x00});
    for (uint32_t i = 0; i < n; ++i) instrs.push_back(kDrop);
    return one_func(kVoidToVoid, instrs);
  };
  EXPECT_EQ(load_code(pushes(PICOWASM_MAX_OPERAND_STACK)), ErrorCode::ok);
  EXPECT_EQ(load_code(pushes(PICOWASM_MAX_OPERAND_STACK + 1)), ErrorCode::limit_operand_stack);
}

// ---- Scale: the largest shapes the limits allow load
// --------------------------------------------- (How fast they load is a benchmark's business, not
// a unit test's: a quadratic path would show in the load figures of scripts/bench-cortex-m.sh and
// in this test's run time, never as a flaky timing assertion on a shared machine.)

void expect_loads(const Bytes& m) {
  Loaded l(m, Loaded::Stage::load, 64u << 20);
  EXPECT_EQ(l.err.code, ErrorCode::ok) << l.err.message() << " at " << l.err.offset;
}

TEST(ValidateScale, LargeBrTableManyLocalsManyFunctions) {
  // br_table with the maximum label count, all targets distinct blocks of equal type.
  Bytes instrs;
  for (int i = 0; i < 100; ++i) instrs.insert(instrs.end(), {kBlock, kVoid});
  Bytes table = {kBrTable};
  Bytes count = leb_u(PICOWASM_MAX_BR_TABLE);
  table.insert(table.end(), count.begin(), count.end());
  for (uint32_t i = 0; i < PICOWASM_MAX_BR_TABLE; ++i) table.push_back(uint8_t(i % 100));
  table.push_back(0);
  instrs = cat({instrs, i32_const(0), table});
  for (int i = 0; i < 100; ++i) instrs.push_back(kEnd);
  expect_loads(one_func(kVoidToVoid, instrs));

  // The maximum number of locals, one run per local, each read once.
  LocalRuns runs;
  Bytes reads;
  for (uint32_t i = 0; i < PICOWASM_MAX_LOCALS; ++i) {
    runs.push_back({1, i % 2 ? kI32 : kI64});
    Bytes idx = leb_u(i);
    reads.push_back(kLocalGet);
    reads.insert(reads.end(), idx.begin(), idx.end());
    reads.push_back(kDrop);
  }
  expect_loads(one_func(kVoidToVoid, reads, runs));

  // 100k small functions.
  const uint32_t n = 100000;
  std::vector<uint32_t> type_indices(n, 0);
  std::vector<Bytes> bodies(n, body({}, {kEnd}));
  expect_loads(module({types({kVoidToVoid}), funcs(type_indices), code(bodies)}));
}

}  // namespace
