// decode_module(): element and data segments (all encodings), code bodies and locals, the
// implementation limits of config.h, and arena exhaustion.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::SegmentMode;
using picowasm::ValType;
using Stage = Loaded::Stage;


// ---- Element segments ---------------------------------------------------------------------------

const Bytes kRefFunc0 = const_expr({0xD2, 0x00});
const Bytes kRefFunc1 = const_expr({0xD2, 0x01});
const Bytes kRefNullFunc = const_expr({0xD0, 0x70});
const Bytes kRefNullExtern = const_expr({0xD0, 0x6F});

// Two functions, two funcref tables, and one segment in each of the eight encodings.
Bytes all_elem_encodings_module() {
  return module({
      kVoidType,
      funcs({0, 0}),
      section(kTable, vec({cat({{kFuncref}, limits(10)}), cat({{kFuncref}, limits(10)})})),
      section(kElem,
              vec({
                  cat({{0x00}, const_expr(i32_const(1)), vec({leb_u(0), leb_u(1)})}),
                  cat({{0x01, 0x00}, vec({leb_u(1)})}),
                  cat({{0x02}, leb_u(1), const_expr(i32_const(2)), {0x00}, vec({leb_u(0)})}),
                  cat({{0x03, 0x00}, vec({leb_u(0)})}),
                  cat({{0x04}, const_expr(i32_const(3)), vec({kRefFunc0, kRefNullFunc})}),
                  cat({{0x05, kExternref}, vec({kRefNullExtern})}),
                  cat({{0x06}, leb_u(1), const_expr(i32_const(4)), {kFuncref}, vec({kRefFunc1})}),
                  cat({{0x07, kFuncref}, vec({kRefFunc0})}),
              })),
      code({kEmptyBody, kEmptyBody}),
  });
}

TEST(DecodeElems, AllEightEncodings) {
  Loaded l(all_elem_encodings_module(), Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  const picowasm::Module& mod = l.module;
  ASSERT_EQ(mod.num_elems, 8u);
  const picowasm::ElemSegment* e = mod.elems;

  EXPECT_EQ(e[0].mode, SegmentMode::active);
  EXPECT_EQ(e[0].table_index, 0u);
  EXPECT_EQ(e[0].type, ValType::funcref);
  EXPECT_EQ(span_bytes(e[0].offset), const_expr(i32_const(1)));
  ASSERT_EQ(e[0].count, 2u);
  ASSERT_NE(e[0].func_indices, nullptr);
  EXPECT_EQ(e[0].exprs, nullptr);
  EXPECT_EQ(e[0].func_indices[0], 0u);
  EXPECT_EQ(e[0].func_indices[1], 1u);

  EXPECT_EQ(e[1].mode, SegmentMode::passive);
  EXPECT_EQ(e[1].type, ValType::funcref);
  ASSERT_EQ(e[1].count, 1u);
  ASSERT_NE(e[1].func_indices, nullptr);
  EXPECT_EQ(e[1].func_indices[0], 1u);

  EXPECT_EQ(e[2].mode, SegmentMode::active);
  EXPECT_EQ(e[2].table_index, 1u);
  EXPECT_EQ(span_bytes(e[2].offset), const_expr(i32_const(2)));
  ASSERT_EQ(e[2].count, 1u);
  ASSERT_NE(e[2].func_indices, nullptr);
  EXPECT_EQ(e[2].func_indices[0], 0u);

  EXPECT_EQ(e[3].mode, SegmentMode::declarative);
  ASSERT_EQ(e[3].count, 1u);
  ASSERT_NE(e[3].func_indices, nullptr);

  EXPECT_EQ(e[4].mode, SegmentMode::active);
  EXPECT_EQ(e[4].table_index, 0u);
  EXPECT_EQ(e[4].type, ValType::funcref);
  EXPECT_EQ(span_bytes(e[4].offset), const_expr(i32_const(3)));
  ASSERT_EQ(e[4].count, 2u);
  EXPECT_EQ(e[4].func_indices, nullptr);
  ASSERT_NE(e[4].exprs, nullptr);
  EXPECT_EQ(span_bytes(e[4].exprs[0]), kRefFunc0);
  EXPECT_EQ(span_bytes(e[4].exprs[1]), kRefNullFunc);

  EXPECT_EQ(e[5].mode, SegmentMode::passive);
  EXPECT_EQ(e[5].type, ValType::externref);
  ASSERT_EQ(e[5].count, 1u);
  ASSERT_NE(e[5].exprs, nullptr);
  EXPECT_EQ(span_bytes(e[5].exprs[0]), kRefNullExtern);

  EXPECT_EQ(e[6].mode, SegmentMode::active);
  EXPECT_EQ(e[6].table_index, 1u);
  EXPECT_EQ(span_bytes(e[6].offset), const_expr(i32_const(4)));
  ASSERT_EQ(e[6].count, 1u);
  ASSERT_NE(e[6].exprs, nullptr);
  EXPECT_EQ(span_bytes(e[6].exprs[0]), kRefFunc1);

  EXPECT_EQ(e[7].mode, SegmentMode::declarative);
  EXPECT_EQ(e[7].type, ValType::funcref);
  ASSERT_EQ(e[7].count, 1u);
  ASSERT_NE(e[7].exprs, nullptr);
}

TEST(DecodeElems, AllEightEncodingsValidate) {
  Loaded l(all_elem_encodings_module(), Stage::load);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  // Every function is referenced by some segment, so every one may be used by ref.func.
  EXPECT_TRUE(l.module.is_declared_ref(0));
  EXPECT_TRUE(l.module.is_declared_ref(1));
}

TEST(DecodeElems, Errors) {
  struct Case {
    Bytes segment;
    ErrorCode code;
  };
  const Case cases[] = {
      {cat({{0x01, 0x01}, vec({leb_u(0)})}), ErrorCode::malformed_elem_kind},
      {cat({{0x03, 0x70}, vec({leb_u(0)})}), ErrorCode::malformed_elem_kind},
      {cat({{0x08}, vec({})}), ErrorCode::malformed_elem_flags},
      {cat({{0x05, kI32}, vec({kRefNullFunc})}), ErrorCode::malformed_reftype},
  };
  for (const Case& c : cases) {
    Bytes m = module({kVoidType, funcs({0}), section(kElem, vec({c.segment})), code({kEmptyBody})});
    Loaded l(m, Stage::decode);
    EXPECT_EQ(l.err.code, c.code) << testing::PrintToString(c.segment);
    EXPECT_EQ(l.module.num_elems, 0u);
  }
  // Fewer segments than declared: runs out inside the section.
  Bytes truncated =
      module({kVoidType, funcs({0}),
              section(kElem, cat({{0x02}, {0x00}, const_expr(i32_const(0)), vec({leb_u(0)})})),
              code({kEmptyBody})});
  Loaded t(truncated, Stage::decode);
  EXPECT_EQ(t.err.kind(), ErrorKind::malformed);
}

// ---- Data segments and data count --------------------------------------------------------------

Bytes data_module(const Bytes& data_count_section) {
  return module({
      section(kMemory, vec({limits(1)})),
      data_count_section,
      section(kData, vec({
                         cat({{0x00}, const_expr(i32_const(16)), str("ab")}),
                         cat({{0x01}, str("c")}),
                         cat({{0x02}, leb_u(0), const_expr(i32_const(8)), str("")}),
                     })),
  });
}

TEST(DecodeData, ThreeEncodingsWithDataCount) {
  Loaded l(data_module(section(kDataCount, leb_u(3))), Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message() << " at " << l.err.offset;
  const picowasm::Module& mod = l.module;
  EXPECT_TRUE(mod.has_data_count);
  EXPECT_EQ(mod.data_count, 3u);
  ASSERT_EQ(mod.num_datas, 3u);
  const picowasm::DataSegment* d = mod.datas;
  EXPECT_EQ(d[0].mode, SegmentMode::active);
  EXPECT_EQ(d[0].memory_index, 0u);
  EXPECT_EQ(span_bytes(d[0].offset), const_expr(i32_const(16)));
  EXPECT_EQ(span_bytes(d[0].bytes), raw("ab"));
  EXPECT_EQ(d[1].mode, SegmentMode::passive);
  EXPECT_EQ(span_bytes(d[1].bytes), raw("c"));
  EXPECT_EQ(l.offset_of(d[1].bytes.data), l.bytes.size() - 1 - 6) << "points into the module";
  EXPECT_EQ(d[2].mode, SegmentMode::active);
  EXPECT_EQ(span_bytes(d[2].offset), const_expr(i32_const(8)));
  EXPECT_EQ(d[2].bytes.size, 0u);
}

TEST(DecodeData, WithoutDataCount) {
  Loaded l(data_module({}), Stage::load);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  EXPECT_FALSE(l.module.has_data_count);
  EXPECT_EQ(l.module.num_datas, 3u);
}

TEST(DecodeData, DataCountMustMatch) {
  for (uint32_t count : {2u, 4u, 0u}) {
    Loaded l(data_module(section(kDataCount, leb_u(count))), Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::data_count_mismatch) << count;
  }
  // A data count without any data section counts as zero segments.
  Loaded absent(module({section(kMemory, vec({limits(1)})), section(kDataCount, leb_u(1))}),
                Stage::decode);
  EXPECT_EQ(absent.err.code, ErrorCode::data_count_mismatch);
  Loaded zero(module({section(kDataCount, leb_u(0))}), Stage::decode);
  EXPECT_TRUE(zero.err.ok()) << zero.err.message();
}

TEST(DecodeData, Errors) {
  Loaded flags(
      module({section(kMemory, vec({limits(1)})), section(kData, vec({cat({{0x03}, str("x")})}))}),
      Stage::decode);
  EXPECT_EQ(flags.err.code, ErrorCode::malformed_data_flags);

  // Seven bytes declared, six given (binary.wast).
  Bytes short_payload = cat({header(),
                             {kMemory, 0x03, 0x01, 0x00, 0x01},
                             {kData, 0x0C, 0x01, 0x00, 0x41, 0x03, 0x0B, 0x07},
                             raw("abcdef")});
  Loaded s(short_payload, Stage::decode);
  EXPECT_EQ(s.err.kind(), ErrorKind::malformed);
  EXPECT_EQ(s.module.num_datas, 0u);
}

TEST(DecodeData, BulkMemoryInstructionsNeedDataCount) {
  // memory.init 0 and data.drop 0 without a data count section are malformed.
  const Bytes bodies[] = {
      body({}, cat({i32_const(0), i32_const(0), i32_const(0), {0xFC, 0x08, 0x00, 0x00, 0x0B}})),
      body({}, {0xFC, 0x09, 0x00, 0x0B}),
  };
  for (const Bytes& b : bodies) {
    Bytes m = module({kVoidType, funcs({0}), section(kMemory, vec({limits(1)})), code({b}),
                      section(kData, vec({cat({{0x01}, str("")})}))});
    Loaded l(m, Stage::load);
    EXPECT_EQ(l.err.code, ErrorCode::data_count_required);
    // With the data count section the same module is valid.
    Bytes with_count = module({kVoidType, funcs({0}), section(kMemory, vec({limits(1)})),
                               section(kDataCount, leb_u(1)), code({b}),
                               section(kData, vec({cat({{0x01}, str("")})}))});
    Loaded ok(with_count, Stage::load);
    EXPECT_TRUE(ok.err.ok()) << ok.err.message();
  }
}

// ---- Code section and locals -------------------------------------------------------------------

TEST(DecodeCode, LocalsAndCodeSpan) {
  const Bytes instrs = {0x20, 0x00, 0x1A, 0x0B};  // local.get 0; drop; end
  Bytes m = module({kVoidType, funcs({0, 0}),
                    code({kEmptyBody, body({{2, kI32}, {1, kI64}, {0, kF32}}, instrs)})});
  Loaded l(m, Stage::decode);
  ASSERT_TRUE(l.err.ok()) << l.err.message();
  const picowasm::Function& f0 = l.module.functions[0];
  EXPECT_EQ(f0.num_local_runs, 0u);
  EXPECT_EQ(f0.num_locals, 0u);
  EXPECT_EQ(span_bytes(f0.code), (Bytes{0x0B}));
  const picowasm::Function& f1 = l.module.functions[1];
  EXPECT_EQ(f1.num_locals, 3u);
  ASSERT_GE(f1.num_local_runs, 2u);
  EXPECT_EQ(f1.local_runs[0].count, 2u);
  EXPECT_EQ(f1.local_runs[0].type, ValType::i32);
  EXPECT_EQ(f1.local_runs[1].count, 1u);
  EXPECT_EQ(f1.local_runs[1].type, ValType::i64);
  EXPECT_EQ(span_bytes(f1.code), instrs);
  EXPECT_EQ(f1.code_offset, m.size() - instrs.size()) << "offset of the first instruction";
  EXPECT_EQ(l.offset_of(f1.code.data), f1.code_offset);
  EXPECT_EQ(f0.code_offset, l.offset_of(f0.code.data));
}

TEST(DecodeCode, BodySizeErrors) {
  // The body claims more bytes than the section has.
  Loaded over(cat({header(), kVoidType, funcs({0}), {kCode, 0x04, 0x01, 0x05, 0x00, 0x0B}}),
              Stage::decode);
  EXPECT_EQ(over.err.kind(), ErrorKind::malformed);
  // The section has bytes after the last body.
  Loaded under(cat({header(), kVoidType, funcs({0}), {kCode, 0x05, 0x01, 0x02, 0x00, 0x0B, 0x01}}),
               Stage::decode);
  EXPECT_EQ(under.err.code, ErrorCode::section_size_mismatch);
  // Locals run past the body.
  Loaded locals(module({kVoidType, funcs({0}), code({Bytes{0x02, 0x01, 0x05}})}), Stage::decode);
  EXPECT_EQ(locals.err.kind(), ErrorKind::malformed);
  Loaded bad_type(module({kVoidType, funcs({0}), code({body({{1, 0x40}}, {0x0B})})}),
                  Stage::decode);
  EXPECT_EQ(bad_type.err.code, ErrorCode::malformed_valtype);
}

TEST(DecodeCode, TooManyLocalsIsMalformed) {
  // binary.wast: the total of the local counts overflows 2^32-1.
  const Bytes overflow1 = {0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B};
  const Bytes overflow2 = {0x1A, 0x04, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7F, 0x80,
                           0x80, 0x80, 0x80, 0x04, 0x7E, 0x80, 0x80, 0x80, 0x80,
                           0x04, 0x7D, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7C, 0x0B};
  for (const Bytes& b : {overflow1, overflow2}) {
    Loaded l(module({kVoidType, funcs({0}), code({b})}), Stage::decode);
    EXPECT_EQ(l.err.code, ErrorCode::too_many_locals);
  }
}

TEST(DecodeCode, LocalRunCountIsCheckedBeforeAllocating) {
  // 40000 local runs declared in a 4-byte body: malformed, whatever the arena size.
  Bytes b = cat({{0x04}, leb_u(40000), {0x0B}});
  ASSERT_EQ(b.size(), 5u);
  Loaded l(module({kVoidType, funcs({0}), code({b})}), Stage::decode, 16 * 1024);
  EXPECT_EQ(l.err.kind(), ErrorKind::malformed) << l.err.message();
}

// ---- Implementation limits (config.h) ----------------------------------------------------------

TEST(DecodeLimits, Locals) {
  const uint32_t max = PICOWASM_MAX_LOCALS;
  Loaded at(module({kVoidType, funcs({0}), code({body({{max, kI32}}, {0x0B})})}), Stage::decode);
  ASSERT_TRUE(at.err.ok()) << at.err.message();
  EXPECT_EQ(at.module.functions[0].num_locals, max);

  Loaded one(module({kVoidType, funcs({0}), code({body({{max + 1, kI32}}, {0x0B})})}),
             Stage::decode);
  EXPECT_EQ(one.err.code, ErrorCode::limit_locals);
  Loaded split(module({kVoidType, funcs({0}),
                       code({body({{max / 2, kI32}, {max - max / 2 + 1, kF64}}, {0x0B})})}),
               Stage::decode);
  EXPECT_EQ(split.err.code, ErrorCode::limit_locals) << "the limit is on the total";
}

TEST(DecodeLimits, Params) {
  const uint32_t max = PICOWASM_MAX_PARAMS;
  Loaded at(module({section(kType, vec({func_type(Bytes(max, kI32), Bytes(max, kI64))}))}),
            Stage::decode);
  ASSERT_TRUE(at.err.ok()) << at.err.message();
  EXPECT_EQ(at.module.types[0].num_params, max);
  Loaded params(module({section(kType, vec({func_type(Bytes(max + 1, kI32), {})}))}),
                Stage::decode);
  EXPECT_EQ(params.err.code, ErrorCode::limit_params);
  Loaded results(module({section(kType, vec({func_type({}, Bytes(max + 1, kI32))}))}),
                 Stage::decode);
  EXPECT_EQ(results.err.code, ErrorCode::limit_params);
}

TEST(DecodeLimits, BodySize) {
  const uint32_t max = PICOWASM_MAX_BODY_SIZE;
  Bytes instrs(max, 0x01);  // nops; with the locals byte the body is one byte too large
  instrs.back() = 0x0B;
  Loaded l(module({kVoidType, funcs({0}), code({body({}, instrs)})}), Stage::decode);
  EXPECT_EQ(l.err.code, ErrorCode::limit_body_size);
}

TEST(DecodeLimits, BrTable) {
  const uint32_t max = PICOWASM_MAX_BR_TABLE;
  auto module_with_labels = [](uint32_t labels) {
    Bytes instrs = {0x02, 0x40, 0x41, 0x00, 0x0E};  // block; i32.const 0; br_table
    Bytes count = leb_u(labels);
    instrs.insert(instrs.end(), count.begin(), count.end());
    instrs.insert(instrs.end(), labels + 1, 0x00);  // every label (and the default) is 0
    instrs.insert(instrs.end(), {0x0B, 0x0B});
    return module({kVoidType, funcs({0}), code({body({}, instrs)})});
  };
  Loaded at(module_with_labels(max), Stage::load);
  EXPECT_TRUE(at.err.ok()) << at.err.message();
  Loaded over(module_with_labels(max + 1), Stage::load);
  EXPECT_EQ(over.err.code, ErrorCode::limit_br_table);
}

// ---- Arena use ----------------------------------------------------------------------------------

// A module that exercises most allocations: types, imports, functions with locals, tables,
// globals, exports, element and data segments.
Bytes rich_module() {
  return module({
      section(kType, vec({func_type({}, {}), func_type({kI32, kI32}, {kI32})})),
      section(kImport, vec({cat({str("env"), str("f"), {kExtFunc}, leb_u(1)}),
                            cat({str("env"), str("g"), {kExtGlobal, kI32, 0x00}})})),
      funcs({0, 1, 0}),
      section(kTable, vec({cat({{kFuncref}, limits(4)})})),
      section(kMemory, vec({limits(1)})),
      section(kGlobal, vec({cat({{kI32, 0x01}, const_expr(i32_const(7))})})),
      section(kExport, vec({cat({str("a"), {kExtFunc}, leb_u(1)}),
                            cat({str("b"), {kExtGlobal}, leb_u(1)})})),
      section(kElem, vec({cat({{0x00}, const_expr(i32_const(0)), vec({leb_u(1), leb_u(2)})}),
                          cat({{0x05, kFuncref}, vec({kRefFunc0, kRefNullFunc})})})),
      section(kDataCount, leb_u(2)),
      code({body({{1, kI32}, {2, kI64}}, {0x0B}), body({}, {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}),
            body({{3, kF32}}, {0x0B})}),
      section(kData, vec({cat({{0x00}, const_expr(i32_const(0)), str("hello")}),
                          cat({{0x01}, str("world")})})),
      custom_section("name", {0x00, 0x02, 0x01, 'm'}),
  });
}

void expect_out_of_arena_sweep(Stage stage) {
  const Bytes m = rich_module();
  std::vector<uint8_t> buffer(1 << 20);
  size_t needed = 0;
  // Every size at first, where the decoder's many small allocations are; then coarser, through
  // the validator's scratch stacks.
  for (size_t size = 0; size + 8 <= buffer.size(); size += size < 8192 ? 1 : 61) {
    // Something is already allocated: a failure must rewind to it, not to zero.
    picowasm::Arena arena(buffer.data(), size + 8);
    ASSERT_NE(arena.allocate(8, 1), nullptr);
    picowasm::Module mod;
    picowasm::Error err = stage == Stage::decode
                              ? picowasm::decode_module(m.data(), m.size(), arena, &mod)
                              : picowasm::load_module(m.data(), m.size(), arena, &mod);
    ASSERT_EQ(arena.scratch_used(), 0u) << "validation scratch is given back";
    if (err.ok()) {
      needed = size;
      EXPECT_EQ(mod.num_functions, 4u);
      EXPECT_GT(arena.used(), 8u);
      break;
    }
    ASSERT_EQ(err.code, ErrorCode::out_of_arena) << "arena of " << size << " bytes";
    ASSERT_EQ(arena.used(), 8u) << "arena of " << size << " bytes must be rewound";
    ASSERT_EQ(mod.num_functions, 0u) << "module left empty";
    ASSERT_EQ(mod.num_types, 0u);
  }
  ASSERT_GT(needed, 0u) << "the module never loaded within 1 MiB";
}

TEST(DecodeArena, ExhaustionIsOutOfArenaAndRewinds) {
  expect_out_of_arena_sweep(Stage::decode);
}

TEST(DecodeArena, LoadExhaustionIsOutOfArenaAndRewinds) {
  expect_out_of_arena_sweep(Stage::load);
}

TEST(DecodeArena, FailureAfterAllocationRewinds) {
  // Valid sections first (allocating), then a malformed one.
  Bytes m = cat({rich_module(), {0x0D, 0x00}});
  std::vector<uint8_t> buffer(1 << 16);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::Module mod;
  picowasm::Error err = picowasm::decode_module(m.data(), m.size(), arena, &mod);
  EXPECT_EQ(err.kind(), ErrorKind::malformed);
  EXPECT_EQ(arena.used(), 0u);
  EXPECT_EQ(mod.num_types, 0u);
  EXPECT_EQ(mod.num_datas, 0u);
  EXPECT_EQ(err.offset, m.size() - 2);
}

}  // namespace
