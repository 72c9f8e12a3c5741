// decode_module(): header, section framing and order, and the module-level sections (types,
// imports, functions, tables, memories, globals, exports, start, custom sections, names).
// Element/data segments, code bodies, limits and arena use are in decoder_segments_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::ExternKind;
using picowasm::ValType;
using Stage = Loaded::Stage;


void expect_empty(const picowasm::Module& m) {
  EXPECT_EQ(m.num_types, 0u);
  EXPECT_EQ(m.num_imports, 0u);
  EXPECT_EQ(m.num_functions, 0u);
  EXPECT_EQ(m.num_tables, 0u);
  EXPECT_EQ(m.num_memories, 0u);
  EXPECT_EQ(m.num_globals, 0u);
  EXPECT_EQ(m.num_exports, 0u);
  EXPECT_EQ(m.num_elems, 0u);
  EXPECT_EQ(m.num_datas, 0u);
  EXPECT_FALSE(m.has_start);
}

// ---- Header -----------------------------------------------------------------------------------

TEST(DecodeHeader, EmptyModule) {
  Loaded l(header(), Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  expect_empty(l.module);
  EXPECT_EQ(l.module.bytes.data, l.bytes.data());
  EXPECT_EQ(l.module.bytes.size, 8u);
  EXPECT_EQ(l.module.name_section.size, 0u);
  EXPECT_FALSE(l.module.has_data_count);
}

TEST(DecodeHeader, TruncatedHeaderIsUnexpectedEnd) {
  for (size_t n = 0; n < 8; ++n) {
    Bytes prefix(header().begin(), header().begin() + n);
    Loaded l(prefix, Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::unexpected_end) << n << " bytes";
  }
}

TEST(DecodeHeader, BadMagic) {
  const Bytes cases[] = {
      {0x00, 'A', 'S', 'M', 0x01, 0x00, 0x00, 0x00},
      {'a', 's', 'm', 0x00, 0x01, 0x00, 0x00, 0x00},
      {0xEF, 0xBB, 0xBF, 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00},
  };
  for (const Bytes& b : cases) {
    Loaded l(b, Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::magic_header) << testing::PrintToString(b);
  }
}

TEST(DecodeHeader, UnknownVersion) {
  const Bytes cases[] = {
      {0x00, 'a', 's', 'm', 0x00, 0x00, 0x00, 0x00},
      {0x00, 'a', 's', 'm', 0x0D, 0x00, 0x00, 0x00},
      {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x01},
  };
  for (const Bytes& b : cases) {
    Loaded l(b, Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::unknown_version) << testing::PrintToString(b);
  }
}

// ---- Section framing and order ------------------------------------------------------------------

TEST(DecodeSections, MalformedSectionId) {
  for (uint8_t id : {0x0D, 0x7F, 0x80, 0xFF}) {
    Loaded l(cat({header(), {id, 0x00}}), Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::malformed_section_id) << int(id);
    EXPECT_EQ(l.err.offset, 8u) << int(id);
  }
}

TEST(DecodeSections, SectionSizeLargerThanContent) {
  // One type declared, two given: the section has bytes left over.
  Bytes m = cat({header(), {kType, 0x07, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00}});
  Loaded l(m, Stage::decode);
  EXPECT_EQ(l.err.code, ErrorCode::section_size_mismatch);
  expect_empty(l.module);
}

TEST(DecodeSections, SectionSizeSmallerThanContent) {
  // Two types declared, the section size covers only one.
  Bytes m = cat({header(), {kType, 0x04, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00}});
  Loaded l(m, Stage::decode);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed) << l.err.message();
}

TEST(DecodeSections, SectionRunsPastEndOfModule) {
  Bytes m = cat({header(), {kType, 0x10, 0x01, 0x60, 0x00, 0x00}});
  Loaded l(m, Stage::decode);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed) << l.err.message();
}

TEST(DecodeSections, SectionSizeLebTooLong) {
  Bytes m = cat({header(), {kType, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}});
  Loaded l(m, Stage::decode);
  EXPECT_EQ(l.err.code, ErrorCode::integer_too_long);
}

TEST(DecodeSections, DuplicateSectionsAreRejected) {
  const Bytes cases[] = {
      module({kVoidType, kVoidType}),
      module({kVoidType, funcs({0}), section(kStart, leb_u(0)), section(kStart, leb_u(0)),
              code({kEmptyBody})}),
      module({section(kMemory, vec({limits(1)})), section(kMemory, vec({limits(1)}))}),
  };
  for (const Bytes& m : cases) {
    Loaded l(m, Stage::decode);
    EXPECT_EQ(l.err.kind(), ErrorKind::malformed);
    EXPECT_STREQ(l.err.message(), "unexpected content after last section");
  }
}

TEST(DecodeSections, OutOfOrderSectionsAreRejected) {
  const Bytes cases[] = {
      module({funcs({0}), kVoidType, code({kEmptyBody})}),
      module({section(kExport, vec({})), section(kGlobal, vec({}))}),
      // The data count section comes after the element section but before the code section.
      module({kVoidType, funcs({0}), code({kEmptyBody}), section(kDataCount, leb_u(0))}),
      module({section(kData, vec({})), section(kDataCount, leb_u(0))}),
  };
  for (const Bytes& m : cases) {
    Loaded l(m, Stage::decode);
    EXPECT_EQ(l.err.kind(), ErrorKind::malformed) << testing::PrintToString(m);
    EXPECT_STREQ(l.err.message(), "unexpected content after last section");
  }
}

TEST(DecodeSections, CustomSectionsMayAppearAnywhere) {
  Bytes m = module({custom_section("first", {1, 2, 3}), kVoidType, custom_section("", {}),
                    funcs({0}), custom_section("x", {0xFF}), code({kEmptyBody}),
                    custom_section("last", raw("payload"))});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  EXPECT_EQ(l.module.num_types, 1u);
  EXPECT_EQ(l.module.num_functions, 1u);
  EXPECT_EQ(l.module.name_section.size, 0u) << "no custom section is called \"name\"";
}

TEST(DecodeSections, CustomSectionDoesNotResetOrder) {
  Loaded l(module({kVoidType, custom_section("c", {}), kVoidType}), Stage::decode);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed);
}

TEST(DecodeSections, NameSectionPayloadIsKept) {
  const Bytes payload = {0x00, 0x02, 0x01, 'm'};  // module-name subsection "m"
  Bytes m = module({kVoidType, custom_section("other", {9, 9}), custom_section("name", payload)});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_EQ(span_bytes(l.module.name_section), payload);
  EXPECT_EQ(l.offset_of(l.module.name_section.data), m.size() - payload.size())
      << "the span points into the module bytes";
}

TEST(DecodeSections, CustomSectionNameOverrunsSection) {
  // Section of 3 bytes whose name claims 16.
  Loaded l(cat({header(), {kCustom, 0x03, 0x10, 'a', 'b'}}), Stage::decode);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed);
  Loaded empty(cat({header(), {kCustom, 0x00}}), Stage::decode);
  EXPECT_EQ(empty.err.kind(), ErrorKind::malformed) << "a custom section needs a name";
}

// ---- Type section -------------------------------------------------------------------------------

TEST(DecodeTypes, FunctionTypesIncludingMultiValue) {
  Bytes m = module({section(
      kType, vec({func_type({}, {}), func_type({kI32, kI64}, {kF32}),
                  func_type({kF64}, {kI32, kI64, kFuncref}), func_type({kExternref}, {})}))});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  const picowasm::Module& mod = l.module;
  ASSERT_EQ(mod.num_types, 4u);
  EXPECT_EQ(mod.types[0].num_params, 0u);
  EXPECT_EQ(mod.types[0].num_results, 0u);
  ASSERT_EQ(mod.types[1].num_params, 2u);
  EXPECT_EQ(mod.types[1].params[0], ValType::i32);
  EXPECT_EQ(mod.types[1].params[1], ValType::i64);
  ASSERT_EQ(mod.types[1].num_results, 1u);
  EXPECT_EQ(mod.types[1].results[0], ValType::f32);
  ASSERT_EQ(mod.types[2].num_results, 3u);
  EXPECT_EQ(mod.types[2].params[0], ValType::f64);
  EXPECT_EQ(mod.types[2].results[0], ValType::i32);
  EXPECT_EQ(mod.types[2].results[1], ValType::i64);
  EXPECT_EQ(mod.types[2].results[2], ValType::funcref);
  EXPECT_EQ(mod.types[3].params[0], ValType::externref);
  EXPECT_TRUE(mod.types[0].equals(mod.types[0]));
  EXPECT_FALSE(mod.types[1].equals(mod.types[2]));
}

TEST(DecodeTypes, Errors) {
  struct Case {
    Bytes section_payload;
    ErrorCode code;
  };
  const Case cases[] = {
      {{0x01, 0x61, 0x00, 0x00}, ErrorCode::malformed_functype},
      {{0x01, 0x40, 0x00, 0x00}, ErrorCode::malformed_functype},
      {{0x01, 0x60, 0x01, 0x7A, 0x00}, ErrorCode::malformed_valtype},
      {{0x01, 0x60, 0x00, 0x01, 0x40}, ErrorCode::malformed_valtype},
      {{0x01, 0x60, 0x01, 0x7B, 0x00}, ErrorCode::unsupported_simd},
  };
  for (const Case& c : cases) {
    Loaded l(module({section(kType, c.section_payload)}), Stage::decode);
    EXPECT_EQ(l.err.code, c.code) << testing::PrintToString(c.section_payload);
    EXPECT_EQ(l.module.num_types, 0u);
  }
}

// ---- Imports ------------------------------------------------------------------------------------

Bytes import(const std::string& mod, const std::string& field, uint8_t kind, const Bytes& desc) {
  return cat({str(mod), str(field), {kind}, desc});
}

TEST(DecodeImports, EachKind) {
  Bytes m = module({
      section(kType, vec({func_type({}, {}), func_type({kI32}, {kI32})})),
      section(kImport, vec({
                           import("env", "f", kExtFunc, leb_u(1)),
                           import("env", "t", kExtTable, cat({{kFuncref}, limits(1, 10)})),
                           import("env", "m", kExtMemory, limits(2)),
                           import("env", "g", kExtGlobal, {kI64, 0x01}),
                           import("", "", kExtGlobal, {kF32, 0x00}),
                       })),
      funcs({0}),
      code({kEmptyBody}),
  });
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  const picowasm::Module& mod = l.module;
  ASSERT_EQ(mod.num_imports, 5u);
  EXPECT_EQ(name_str(mod.imports[0].module), "env");
  EXPECT_EQ(name_str(mod.imports[0].field), "f");
  EXPECT_EQ(mod.imports[0].kind, ExternKind::func);
  EXPECT_EQ(mod.imports[0].type_index, 1u);
  EXPECT_EQ(mod.imports[1].kind, ExternKind::table);
  EXPECT_EQ(mod.imports[1].table.elem, ValType::funcref);
  EXPECT_EQ(mod.imports[1].table.limits.min, 1u);
  EXPECT_TRUE(mod.imports[1].table.limits.has_max);
  EXPECT_EQ(mod.imports[1].table.limits.max, 10u);
  EXPECT_EQ(mod.imports[2].kind, ExternKind::memory);
  EXPECT_EQ(mod.imports[2].memory.limits.min, 2u);
  EXPECT_FALSE(mod.imports[2].memory.limits.has_max);
  EXPECT_EQ(mod.imports[3].kind, ExternKind::global);
  EXPECT_EQ(mod.imports[3].global.type, ValType::i64);
  EXPECT_TRUE(mod.imports[3].global.mutable_);
  EXPECT_EQ(mod.imports[4].module.size, 0u);
  EXPECT_FALSE(mod.imports[4].global.mutable_);

  // Index spaces: imports first.
  ASSERT_EQ(mod.num_functions, 2u);
  EXPECT_EQ(mod.num_imported_functions, 1u);
  EXPECT_EQ(mod.functions[0].type_index, 1u);
  EXPECT_EQ(mod.functions[0].code.size, 0u) << "imported functions have no body";
  EXPECT_EQ(mod.functions[1].type_index, 0u);
  ASSERT_EQ(mod.num_tables, 1u);
  EXPECT_EQ(mod.num_imported_tables, 1u);
  EXPECT_EQ(mod.tables[0].limits.max, 10u);
  ASSERT_EQ(mod.num_memories, 1u);
  EXPECT_EQ(mod.num_imported_memories, 1u);
  EXPECT_EQ(mod.memories[0].limits.min, 2u);
  ASSERT_EQ(mod.num_globals, 2u);
  EXPECT_EQ(mod.num_imported_globals, 2u);
  EXPECT_EQ(mod.globals[0].type.type, ValType::i64);
  EXPECT_EQ(mod.globals[0].init.size, 0u) << "imported globals have no initializer";
  EXPECT_EQ(mod.globals[1].type.type, ValType::f32);
}

TEST(DecodeImports, Errors) {
  struct Case {
    Bytes entry;
    ErrorCode code;
  };
  const Case cases[] = {
      {cat({str(""), str(""), {0x04}}), ErrorCode::malformed_import_kind},
      {cat({str(""), str(""), {0x04, 0x00}}), ErrorCode::malformed_import_kind},
      {cat({str(""), str(""), {0x80, 0x00}}), ErrorCode::malformed_import_kind},
      {import("a", "b", kExtGlobal, {kI32, 0x02}), ErrorCode::malformed_mutability},
      {import("a", "b", kExtGlobal, {0x40, 0x00}), ErrorCode::malformed_valtype},
  };
  for (const Case& c : cases) {
    Loaded l(module({kVoidType, section(kImport, cat({{0x01}, c.entry}))}), Stage::decode);
    EXPECT_EQ(l.err.code, c.code) << testing::PrintToString(c.entry);
  }
  // A table of a non-reference type.
  Loaded t(module({section(kImport, vec({import("a", "b", kExtTable, {kI32, 0x00, 0x01})}))}),
           Stage::decode);
  EXPECT_EQ(t.err.kind(), ErrorKind::malformed);
}

// ---- Functions and code count ------------------------------------------------------------------

TEST(DecodeFunctions, FunctionAndCodeCountsMustMatch) {
  const Bytes cases[] = {
      module({kVoidType, funcs({0, 0})}),                               // code section missing
      module({code({kEmptyBody})}),                                     // function section missing
      module({kVoidType, funcs({0, 0}), code({kEmptyBody})}),           // 2 vs 1
      module({kVoidType, funcs({0}), code({kEmptyBody, kEmptyBody})}),  // 1 vs 2
  };
  for (const Bytes& m : cases) {
    Loaded l(m, Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::func_code_mismatch) << testing::PrintToString(m);
  }
  // Both absent or both empty is fine.
  Loaded empty_code(module({section(kCode, vec({}))}), Stage::decode);
  EXPECT_TRUE(empty_code.err.ok()) << empty_code.err.message();
  Loaded empty_both(module({kVoidType, section(kFunction, vec({})), section(kCode, vec({}))}),
                    Stage::decode);
  EXPECT_TRUE(empty_both.err.ok()) << empty_both.err.message();
}

TEST(DecodeFunctions, TypeIndicesAreKept) {
  Bytes m = module({section(kType, vec({func_type({}, {}), func_type({kI32}, {})})),
                    funcs({1, 0, 1}), code({kEmptyBody, kEmptyBody, kEmptyBody})});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  ASSERT_EQ(l.module.num_functions, 3u);
  EXPECT_EQ(l.module.num_imported_functions, 0u);
  EXPECT_EQ(l.module.functions[0].type_index, 1u);
  EXPECT_EQ(l.module.functions[1].type_index, 0u);
  EXPECT_EQ(l.module.functions[2].type_index, 1u);
  EXPECT_EQ(l.module.func_type(0).num_params, 1u);
}

// ---- Tables, memories, globals -----------------------------------------------------------------

TEST(DecodeTables, TypesAndLimits) {
  Bytes m =
      module({section(kTable, vec({cat({{kFuncref}, limits(1)}), cat({{kExternref}, limits(2, 3)}),
                                   cat({{kFuncref}, limits(0, 0xFFFFFFFFu)})}))});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  ASSERT_EQ(l.module.num_tables, 3u);
  EXPECT_EQ(l.module.num_imported_tables, 0u);
  EXPECT_EQ(l.module.tables[0].elem, ValType::funcref);
  EXPECT_EQ(l.module.tables[0].limits.min, 1u);
  EXPECT_FALSE(l.module.tables[0].limits.has_max);
  EXPECT_EQ(l.module.tables[1].elem, ValType::externref);
  EXPECT_EQ(l.module.tables[1].limits.min, 2u);
  EXPECT_TRUE(l.module.tables[1].limits.has_max);
  EXPECT_EQ(l.module.tables[1].limits.max, 3u);
  EXPECT_EQ(l.module.tables[2].limits.max, 0xFFFFFFFFu);
}

TEST(DecodeMemories, LimitsFlags) {
  Loaded l(module({section(kMemory, vec({limits(1, 2)}))}), Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  ASSERT_EQ(l.module.num_memories, 1u);
  EXPECT_EQ(l.module.memories[0].limits.min, 1u);
  EXPECT_TRUE(l.module.memories[0].limits.has_max);
  EXPECT_EQ(l.module.memories[0].limits.max, 2u);

  // Non-minimal LEB128 for the minimum (binary.wast).
  Loaded leb(cat({header(), {kMemory, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00}}),
             Stage::decode);
  ASSERT_TRUE(leb.err.ok()) << leb.err.message();
  EXPECT_EQ(leb.module.memories[0].limits.min, 2u);

  // Shared (bit 1) and 64-bit (bit 2) memories, unknown bits; bit 3 (0x08) is custom-page-sizes
  // (test/exec/custom_page_sizes_test.cpp).
  for (uint8_t flags : {0x02, 0x04, 0x10, 0x81}) {
    Loaded bad(module({section(kMemory, vec({{flags, 0x01, 0x01}}))}), Stage::decode);
    EXPECT_EQ(bad.err.kind(), ErrorKind::malformed) << int(flags);
  }
  Loaded too_long(cat({header(), {kMemory, 0x08, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00}}),
                  Stage::decode);
  EXPECT_EQ(too_long.err.code, ErrorCode::integer_too_long);
}

TEST(DecodeMemories, TwoMemoriesDecodeAndNeedMultiMemory) {
  Bytes m = module({section(kMemory, vec({limits(1), limits(2)}))});
  Loaded decoded(m, Stage::decode);
  ASSERT_TRUE(decoded.err.ok()) << decoded.err.message();
  EXPECT_EQ(decoded.module.num_memories, 2u);
  Loaded loaded(m, Stage::load);
  EXPECT_EQ(loaded.err.code,
            PICOWASM_FEATURE_MULTI_MEMORY ? ErrorCode::ok : ErrorCode::multiple_memories);
  // Without the proposal (2.0), a second memory is invalid.
  std::vector<uint8_t> arena(1 << 16);
  picowasm::Arena a(arena.data(), arena.size());
  picowasm::Module out;
  EXPECT_EQ(picowasm::load_module(m.data(), m.size(), a, &out,
                                  picowasm::kAllFeatures & ~picowasm::kFeatureMultiMemory)
                .code,
            ErrorCode::multiple_memories);
}

TEST(DecodeGlobals, TypesMutabilityAndInitializers) {
  const Bytes f64_one = {0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F};
  Bytes m = module({
      section(kImport, vec({import("env", "g", kExtGlobal, {kI32, 0x00})})),
      section(kGlobal, vec({
                           cat({{kI32, 0x00}, const_expr(i32_const(42))}),
                           cat({{kF64, 0x01}, const_expr(f64_one)}),
                           cat({{kFuncref, 0x00}, const_expr({0xD0, 0x70})}),
                           cat({{kI32, 0x00}, const_expr({0x23, 0x00})}),  // global.get 0
                       })),
  });
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  const picowasm::Module& mod = l.module;
  ASSERT_EQ(mod.num_globals, 5u);
  EXPECT_EQ(mod.num_imported_globals, 1u);
  EXPECT_EQ(mod.globals[1].type.type, ValType::i32);
  EXPECT_FALSE(mod.globals[1].type.mutable_);
  EXPECT_EQ(span_bytes(mod.globals[1].init), (Bytes{0x41, 0x2A, 0x0B}));
  EXPECT_EQ(mod.globals[2].type.type, ValType::f64);
  EXPECT_TRUE(mod.globals[2].type.mutable_);
  EXPECT_EQ(span_bytes(mod.globals[2].init), const_expr(f64_one));
  EXPECT_EQ(mod.globals[3].type.type, ValType::funcref);
  EXPECT_EQ(span_bytes(mod.globals[3].init), (Bytes{0xD0, 0x70, 0x0B}));
  EXPECT_EQ(span_bytes(mod.globals[4].init), (Bytes{0x23, 0x00, 0x0B}));
  EXPECT_LT(l.offset_of(mod.globals[4].init.data), m.size()) << "spans point into the module";
}

TEST(DecodeGlobals, Errors) {
  Loaded mut(module({section(kGlobal, vec({cat({{kI32, 0x02}, const_expr(i32_const(0))})}))}),
             Stage::decode);
  EXPECT_EQ(mut.err.code, ErrorCode::malformed_mutability);
  Loaded unterminated(module({section(kGlobal, vec({cat({{kI32, 0x00}, i32_const(0)})}))}),
                      Stage::decode);
  EXPECT_EQ(unterminated.err.kind(), ErrorKind::malformed) << "initializer without `end`";
}

// ---- Exports and start --------------------------------------------------------------------------

TEST(DecodeExports, EachKind) {
  Bytes m = module({
      kVoidType,
      funcs({0, 0}),
      section(kTable, vec({cat({{kFuncref}, limits(0)})})),
      section(kMemory, vec({limits(0)})),
      section(kGlobal, vec({cat({{kI32, 0x00}, const_expr(i32_const(0))})})),
      section(kExport, vec({cat({str("run"), {kExtFunc}, leb_u(1)}),
                            cat({str("tab"), {kExtTable}, leb_u(0)}),
                            cat({str("mem"), {kExtMemory}, leb_u(0)}),
                            cat({str("glob"), {kExtGlobal}, leb_u(0)})})),
      code({kEmptyBody, kEmptyBody}),
  });
  Loaded l(m, Stage::load);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  const picowasm::Module& mod = l.module;
  ASSERT_EQ(mod.num_exports, 4u);
  EXPECT_EQ(name_str(mod.exports[0].name), "run");
  EXPECT_TRUE(mod.exports[0].name.equals("run", 3));
  EXPECT_EQ(mod.exports[0].kind, ExternKind::func);
  EXPECT_EQ(mod.exports[0].index, 1u);
  EXPECT_EQ(mod.exports[1].kind, ExternKind::table);
  EXPECT_EQ(mod.exports[2].kind, ExternKind::memory);
  EXPECT_EQ(name_str(mod.exports[3].name), "glob");
  EXPECT_EQ(mod.exports[3].kind, ExternKind::global);
}

TEST(DecodeExports, BadKind) {
  for (uint8_t kind : {0x04, 0x7F}) {
    Loaded l(module({section(kExport, vec({cat({str("x"), {kind}, leb_u(0)})}))}), Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::malformed_export_kind) << int(kind);
  }
}

TEST(DecodeStart, IndexIsKept) {
  Bytes m =
      module({kVoidType, funcs({0, 0}), section(kStart, leb_u(1)), code({kEmptyBody, kEmptyBody})});
  Loaded l(m, Stage::load);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_TRUE(l.module.has_start);
  EXPECT_EQ(l.module.start, 1u);

  Loaded none(module({kVoidType, funcs({0}), code({kEmptyBody})}), Stage::decode);
  ASSERT_TRUE(none.err.ok());
  EXPECT_FALSE(none.module.has_start);
}

TEST(DecodeStart, TrailingBytesInStartSection) {
  Loaded l(module({kVoidType, funcs({0}), section(kStart, {0x00, 0x00}), code({kEmptyBody})}),
           Stage::decode);
  EXPECT_EQ(l.err.code, ErrorCode::section_size_mismatch);
}

// ---- UTF-8 names --------------------------------------------------------------------------------

TEST(DecodeNames, ValidMultiByteUtf8) {
  // U+00E9, U+20AC, U+1D11E, U+10FFFF, U+0000.
  const std::string name =
      std::string("h\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E\xF4\x8F\xBF\xBF") + std::string(1, '\0');
  Bytes m =
      module({custom_section(name, {}), kVoidType, funcs({0}),
              section(kExport, vec({cat({str(name), {kExtFunc}, leb_u(0)})})), code({kEmptyBody})});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  ASSERT_EQ(l.module.num_exports, 1u);
  EXPECT_EQ(name_str(l.module.exports[0].name), name);
}

const char* const kBadUtf8[] = {
    "\x80",                  // lone continuation byte
    "\xC0\x80",              // overlong 2-byte NUL
    "\xC1\xBF",              // overlong 2-byte
    "\xE0\x80\x80",          // overlong 3-byte
    "\xE0\x9F\xBF",          // overlong 3-byte (U+07FF)
    "\xF0\x80\x80\x80",      // overlong 4-byte
    "\xF0\x8F\xBF\xBF",      // overlong 4-byte (U+FFFF)
    "\xED\xA0\x80",          // surrogate U+D800
    "\xED\xBF\xBF",          // surrogate U+DFFF
    "\xF4\x90\x80\x80",      // U+110000, beyond Unicode
    "\xF5\x80\x80\x80",      // lead byte never valid
    "\xF8\x88\x80\x80\x80",  // 5-byte form
    "\xFF",                  // never valid
    "\xE2\x82",              // truncated 3-byte sequence
    "a\xC3",                 // truncated at the end of the name
    "\xC3\x28",              // bad continuation byte
    "\xE2\x28\xA1",          // bad continuation byte
};

TEST(DecodeNames, MalformedUtf8InCustomSectionName) {
  for (const char* bad : kBadUtf8) {
    Loaded l(module({custom_section(bad, {0x00, 0x01})}), Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::malformed_utf8) << testing::PrintToString(raw(bad));
  }
}

TEST(DecodeNames, MalformedUtf8InImportAndExportNames) {
  for (const char* bad : kBadUtf8) {
    SCOPED_TRACE(testing::PrintToString(raw(bad)));
    Loaded mod_name(module({section(kImport, vec({import(bad, "f", kExtMemory, limits(0))}))}),
                    Stage::decode);
    EXPECT_EQ(mod_name.err.code, ErrorCode::malformed_utf8);
    Loaded field(module({section(kImport, vec({import("m", bad, kExtMemory, limits(0))}))}),
                 Stage::decode);
    EXPECT_EQ(field.err.code, ErrorCode::malformed_utf8);
    Loaded exp(module({section(kMemory, vec({limits(0)})),
                       section(kExport, vec({cat({str(bad), {kExtMemory}, leb_u(0)})}))}),
               Stage::decode);
    EXPECT_EQ(exp.err.code, ErrorCode::malformed_utf8);
  }
}

TEST(DecodeNames, NameLengthBeyondSection) {
  Bytes m = cat({header(), {kExport, 0x04, 0x01, 0x20, 'a', 'b'}});
  Loaded l(m, Stage::decode);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed);
}

}  // namespace
