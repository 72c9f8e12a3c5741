// Validation behaviour the spec suite covers poorly: the working-set limits of config.h, the
// ordering of malformed vs. invalid errors across function bodies, error locations, and the
// declared-function-reference rule for ref.func.
#include <gtest/gtest.h>

#include <vector>

#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::Error;
using picowasm::ErrorCode;
using picowasm::ErrorKind;


// One function of type [] -> [] with the given instructions (which must end with `end`).
Bytes single_function(const Bytes& instrs) {
  return module({kVoidType, funcs({0}), code({body({}, instrs)})});
}

// ---- Working-set limits -------------------------------------------------------------------------

Bytes push_then_drop(uint32_t values) {
  Bytes instrs;
  for (uint32_t i = 0; i < values; ++i) instrs.insert(instrs.end(), {0x41, 0x00});
  instrs.insert(instrs.end(), values, 0x1A);
  instrs.push_back(0x0B);
  return single_function(instrs);
}

TEST(ValidationLimits, OperandStackHeight) {
  const uint32_t max = PICOWASM_MAX_OPERAND_STACK;
  Loaded at(push_then_drop(max));
  EXPECT_TRUE(at.err.ok()) << at.err.message();
  Loaded over(push_then_drop(max + 1));
  EXPECT_EQ(over.err.code, ErrorCode::limit_operand_stack);
  EXPECT_EQ(over.err.kind(), ErrorKind::limit);
  EXPECT_EQ(over.err.function, 0u);
  EXPECT_EQ(over.arena.used(), 0u);
  EXPECT_EQ(over.arena.scratch_used(), 0u);
}

Bytes nested(uint8_t opcode, uint32_t depth) {
  Bytes instrs;
  for (uint32_t i = 0; i < depth; ++i) instrs.insert(instrs.end(), {opcode, 0x40});
  instrs.insert(instrs.end(), depth + 1, 0x0B);
  return single_function(instrs);
}

TEST(ValidationLimits, ControlDepth) {
  const uint32_t max = PICOWASM_MAX_CONTROL_DEPTH;
  for (uint8_t opcode : {0x02, 0x03}) {  // block, loop
    SCOPED_TRACE(opcode == 0x02 ? "block" : "loop");
    Loaded at(nested(opcode, max));
    EXPECT_TRUE(at.err.ok()) << at.err.message() << " (" << max << " nested)";
    Loaded over(nested(opcode, max + 1));
    EXPECT_EQ(over.err.code, ErrorCode::limit_control_depth);
    EXPECT_EQ(over.err.function, 0u);
  }
  // A deep nest far past the limit fails the same way (and must not recurse natively).
  Loaded deep(nested(0x02, 200000));
  EXPECT_EQ(deep.err.code, ErrorCode::limit_control_depth);
}

// ---- Error ordering -----------------------------------------------------------------------------

TEST(ValidationOrder, MalformedBodyWinsOverEarlierInvalidBody) {
  const Bytes invalid = body({}, {0x41, 0x00, 0x0B});  // leaves an i32 in a [] -> [] function
  const Bytes malformed_bodies[] = {
      body({}, {0xFF, 0x0B}),                                            // illegal opcode
      body({}, {0xFC, 0x7F, 0x0B}),                                      // illegal 0xFC sub-opcode
      body({}, {0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B}),  // LEB too long
      body({}, {0x01, 0x01}),                                            // no final `end`
      // memory.size with a bad memory index: not a zero byte (2.0), an overlong u32 (multi-memory)
      body({}, {0x3F, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B}),
  };
  for (const Bytes& bad : malformed_bodies) {
    SCOPED_TRACE(testing::PrintToString(bad));
    Bytes m = module(
        {kVoidType, funcs({0, 0}), section(kMemory, vec({limits(1)})), code({invalid, bad})});
    Loaded l(m);
    EXPECT_EQ(l.err.kind(), ErrorKind::malformed) << l.err.message();
    EXPECT_EQ(l.err.function, 1u);
  }
  // The same invalid body alone is invalid, so the ordering above is what is being tested.
  Loaded alone(module({kVoidType, funcs({0, 0}), code({invalid, kEmptyBody})}));
  EXPECT_EQ(alone.err.code, ErrorCode::type_mismatch);
}

TEST(ValidationOrder, IllegalOpcodeIsReportedAsSuch) {
  Bytes m = module({kVoidType, funcs({0, 0}),
                    code({body({}, {0x41, 0x00, 0x0B}), body({}, {0x01, 0xFF, 0x0B})})});
  Loaded l(m);
  EXPECT_EQ(l.err.code, ErrorCode::illegal_opcode);
  EXPECT_EQ(l.err.offset, m.size() - 2) << "at the opcode byte";
}

// ---- Error locations ----------------------------------------------------------------------------

TEST(ValidationErrors, FunctionIndexAndOffsetOfInvalidBody) {
  // One imported function, then two defined ones; the second defined one (index 2) is invalid
  // at its i64.eqz, which pops an i32.
  Bytes m = module({kVoidType, section(kImport, vec({cat({str("m"), str("f"), {kExtFunc, 0x00}})})),
                    funcs({0, 0}), code({kEmptyBody, body({}, {0x41, 0x00, 0x50, 0x1A, 0x0B})})});
  const size_t eqz_offset = m.size() - 3;
  ASSERT_EQ(m[eqz_offset], 0x50);
  Loaded l(m);
  EXPECT_EQ(l.err.code, ErrorCode::type_mismatch);
  EXPECT_EQ(l.err.kind(), ErrorKind::invalid);
  EXPECT_EQ(l.err.function, 2u) << "index in the function index space, imports included";
  EXPECT_GE(l.err.offset, eqz_offset);
  EXPECT_LE(l.err.offset, eqz_offset + 1) << "at (or just after) the offending opcode";
  EXPECT_EQ(l.arena.used(), 0u);
  EXPECT_EQ(l.module.num_functions, 0u) << "a failed load leaves the module empty";
}

TEST(ValidationErrors, UnknownLocal) {
  Loaded l(single_function({0x20, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(l.err.code, ErrorCode::unknown_local);
  EXPECT_EQ(l.err.function, 0u);
}

TEST(ValidationErrors, ModuleLevelErrorsHaveNoFunction) {
  // A global whose initializer has the wrong type.
  Loaded l(module({section(kGlobal, vec({cat({{kI32, 0x00}, const_expr(i64_const(0))})}))}));
  EXPECT_EQ(l.err.code, ErrorCode::type_mismatch);
  EXPECT_EQ(l.err.function, Error::kNoFunction);
}

// ---- Declared function references --------------------------------------------------------------

// Function 0 takes a reference to function 1 with ref.func; the extra sections may declare it
// (`after_funcs`: globals/exports, `before_code`: elements).
Bytes ref_func_module(const std::vector<Bytes>& before_code,
                      const std::vector<Bytes>& after_funcs) {
  const Bytes take_ref = body({}, {0xD2, 0x01, 0x1A, 0x0B});  // ref.func 1; drop
  Bytes m = cat({header(), kVoidType, funcs({0, 0})});
  for (const Bytes& s : after_funcs) m.insert(m.end(), s.begin(), s.end());
  for (const Bytes& s : before_code) m.insert(m.end(), s.begin(), s.end());
  Bytes c = code({take_ref, kEmptyBody});
  m.insert(m.end(), c.begin(), c.end());
  return m;
}

TEST(DeclaredRefs, UndeclaredReferenceIsInvalid) {
  Loaded l(ref_func_module({}, {}));
  EXPECT_EQ(l.err.code, ErrorCode::undeclared_func_ref);
  EXPECT_EQ(l.err.function, 0u);
}

TEST(DeclaredRefs, DeclarativeElementSegmentDeclares) {
  Loaded l(ref_func_module({section(kElem, vec({cat({{0x03, 0x00}, vec({leb_u(1)})})}))}, {}));
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_TRUE(l.module.is_declared_ref(1));
  EXPECT_FALSE(l.module.is_declared_ref(0));
}

TEST(DeclaredRefs, ElementExpressionDeclares) {
  Loaded l(ref_func_module(
      {section(kElem, vec({cat({{0x07, kFuncref}, vec({const_expr({0xD2, 0x01})})})}))}, {}));
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_TRUE(l.module.is_declared_ref(1));
}

TEST(DeclaredRefs, ExportDeclares) {
  Loaded l(ref_func_module({}, {section(kExport, vec({cat({str("f1"), {kExtFunc}, leb_u(1)})}))}));
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_TRUE(l.module.is_declared_ref(1));
  EXPECT_FALSE(l.module.is_declared_ref(0));
}

TEST(DeclaredRefs, GlobalInitializerDeclares) {
  Loaded l(ref_func_module(
      {}, {section(kGlobal, vec({cat({{kFuncref, 0x00}, const_expr({0xD2, 0x01})})}))}));
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_TRUE(l.module.is_declared_ref(1));
}

TEST(DeclaredRefs, DeclaringAnotherFunctionDoesNotHelp) {
  Loaded l(ref_func_module({}, {section(kExport, vec({cat({str("f0"), {kExtFunc}, leb_u(0)})}))}));
  EXPECT_EQ(l.err.code, ErrorCode::undeclared_func_ref);
}

TEST(DeclaredRefs, BitmapCoversManyFunctions) {
  // 20 functions; only 3, 8 and 17 are exported (the bitmap spans three bytes).
  std::vector<uint32_t> types(20, 0);
  std::vector<Bytes> bodies(20, kEmptyBody);
  Bytes m = module({kVoidType, funcs(types),
                    section(kExport, vec({cat({str("a"), {kExtFunc}, leb_u(3)}),
                                          cat({str("b"), {kExtFunc}, leb_u(8)}),
                                          cat({str("c"), {kExtFunc}, leb_u(17)})})),
                    code(bodies)});
  Loaded l(m);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  ASSERT_NE(l.module.declared_refs, nullptr);
  for (uint32_t f = 0; f < 20; ++f) {
    EXPECT_EQ(l.module.is_declared_ref(f), f == 3 || f == 8 || f == 17) << f;
  }
}

}  // namespace
