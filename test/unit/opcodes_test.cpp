// The opcode table (src/common/opcodes.h) and the instruction helpers (src/decode/instr.h),
// checked against the WebAssembly 2.0 binary format (non-SIMD).
#include "common/opcodes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "decode/instr.h"
#include "wasm_builder.h"

namespace {

using picowasm::ErrorCode;
using picowasm::fc_op_info;
using picowasm::Imm;
using picowasm::Op;
using picowasm::op_info;
using picowasm::OpInfo;
using picowasm::Reader;
using Bytes = std::vector<uint8_t>;

// The assigned single-byte opcodes of WebAssembly 2.0 without SIMD, as ranges from the spec's
// instruction index (0xFC is a prefix, not an instruction), plus the tail-call proposal's
// return_call (0x12) and return_call_indirect (0x13).
bool assigned_in_spec(unsigned b) {
  return b <= 0x05 || (b >= 0x0B && b <= 0x13) || (b >= 0x1A && b <= 0x1C) ||
         (b >= 0x20 && b <= 0x26) || (b >= 0x28 && b <= 0xC4) || (b >= 0xD0 && b <= 0xD2);
}

TEST(Opcodes, ExactlyTheSpecOpcodesAreAssigned) {
  int assigned = 0;
  for (unsigned b = 0; b < 256; ++b) {
    const OpInfo* info = op_info(static_cast<uint8_t>(b));
    EXPECT_EQ(info != nullptr, assigned_in_spec(b)) << "opcode 0x" << std::hex << b;
    if (info) {
      ++assigned;
      EXPECT_GT(std::strlen(picowasm::op_name(static_cast<Op>(b))), 0u);
    }
  }
  EXPECT_EQ(assigned, 6 + 9 + 3 + 7 + 157 + 3);
  EXPECT_EQ(op_info(uint8_t{0xFC}), nullptr);
  EXPECT_EQ(op_info(uint8_t{0xFD}), nullptr);
}

TEST(Opcodes, NamesAreUniqueExceptTypedSelect) {
  std::map<std::string, int> seen;
  for (unsigned b = 0; b < 256; ++b) {
    if (op_info(static_cast<uint8_t>(b))) ++seen[picowasm::op_name(static_cast<Op>(b))];
  }
  for (uint32_t s = 0; s < picowasm::kNumFCOpcodes; ++s)
    ++seen[picowasm::op_name(static_cast<Op>(0x100 + s))];
  for (const auto& entry : seen) {
    EXPECT_EQ(entry.second, entry.first == "select" ? 2 : 1) << entry.first;
  }
}

TEST(Opcodes, SpotChecksAgainstTheSpec) {
  struct Expect {
    uint8_t byte;
    const char* name;
    Imm imm;
  };
  const Expect cases[] = {
      {0x00, "unreachable", Imm::none},
      {0x02, "block", Imm::blocktype},
      {0x04, "if", Imm::blocktype},
      {0x0C, "br", Imm::label},
      {0x0E, "br_table", Imm::br_table},
      {0x10, "call", Imm::func},
      {0x11, "call_indirect", Imm::call_indirect},
      {0x12, "return_call", Imm::func},
      {0x13, "return_call_indirect", Imm::call_indirect},
      {0x1C, "select", Imm::select_t},
      {0x20, "local.get", Imm::local},
      {0x24, "global.set", Imm::global},
      {0x25, "table.get", Imm::table},
      {0x28, "i32.load", Imm::memarg},
      {0x3E, "i64.store32", Imm::memarg},
      {0x3F, "memory.size", Imm::memory},
      {0x40, "memory.grow", Imm::memory},
      {0x41, "i32.const", Imm::i32},
      {0x42, "i64.const", Imm::i64},
      {0x43, "f32.const", Imm::f32},
      {0x44, "f64.const", Imm::f64},
      {0x6A, "i32.add", Imm::none},
      {0xA7, "i32.wrap_i64", Imm::none},
      {0xBF, "f64.reinterpret_i64", Imm::none},
      {0xC4, "i64.extend32_s", Imm::none},
      {0xD0, "ref.null", Imm::reftype},
      {0xD1, "ref.is_null", Imm::none},
      {0xD2, "ref.func", Imm::func},
  };
  for (const auto& c : cases) {
    const OpInfo* info = op_info(c.byte);
    ASSERT_NE(info, nullptr) << c.name;
    EXPECT_STREQ(picowasm::op_name(static_cast<Op>(c.byte)), c.name);
    EXPECT_EQ(info->imm, c.imm) << c.name;
  }
}

TEST(Opcodes, StackEffects) {
  using picowasm::kT_;
  using picowasm::kTD;
  using picowasm::kTF;
  using picowasm::kTI;
  using picowasm::kTL;
  struct Expect {
    uint8_t byte;
    uint8_t p0, p1, r;
  };
  const Expect cases[] = {
      {0x6A, kTI, kTI, kTI},  // i32.add
      {0x50, kTL, kT_, kTI},  // i64.eqz
      {0x51, kTL, kTL, kTI},  // i64.eq
      {0xBB, kTF, kT_, kTD},  // f64.promote_f32
      {0xB6, kTD, kT_, kTF},  // f32.demote_f64
      {0x36, kTI, kTI, kT_},  // i32.store
      {0x39, kTI, kTD, kT_},  // f64.store
      {0x29, kTI, kT_, kTL},  // i64.load
      {0x40, kTI, kT_, kTI},  // memory.grow
      {0x01, kT_, kT_, kT_},  // nop
  };
  for (const auto& c : cases) {
    const OpInfo* info = op_info(c.byte);
    ASSERT_NE(info, nullptr);
    const char* name = picowasm::op_name(static_cast<Op>(c.byte));
    EXPECT_EQ(info->param0, c.p0) << name;
    EXPECT_EQ(info->param1, c.p1) << name;
    EXPECT_EQ(info->result, c.r) << name;
  }
}

TEST(Opcodes, PrefixFCTable) {
  EXPECT_EQ(picowasm::kNumFCOpcodes, 18u);
  const char* names[] = {"i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s",
                         "i32.trunc_sat_f64_u", "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u",
                         "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u", "memory.init",
                         "data.drop",           "memory.copy",         "memory.fill",
                         "table.init",          "elem.drop",           "table.copy",
                         "table.grow",          "table.size",          "table.fill"};
  for (uint32_t s = 0; s < 18; ++s) {
    const OpInfo* info = fc_op_info(s);
    ASSERT_NE(info, nullptr) << s;
    EXPECT_STREQ(picowasm::op_name(static_cast<Op>(0x100 + s)), names[s]);
  }
  EXPECT_EQ(fc_op_info(18), nullptr);
  EXPECT_EQ(fc_op_info(0x100), nullptr);
  EXPECT_EQ(fc_op_info(0xFFFFFFFFu), nullptr);
  EXPECT_EQ(fc_op_info(8)->imm, Imm::data_memory);
  EXPECT_EQ(fc_op_info(10)->imm, Imm::memory_memory);
  EXPECT_EQ(fc_op_info(12)->imm, Imm::elem_table);
  EXPECT_EQ(fc_op_info(14)->imm, Imm::table_table);
  EXPECT_EQ(fc_op_info(0)->param0, picowasm::kTF);
  EXPECT_EQ(fc_op_info(0)->result, picowasm::kTI);
}

TEST(Opcodes, LookupByOp) {
  EXPECT_EQ(op_info(Op::i32_add), op_info(uint8_t{0x6A}));
  EXPECT_EQ(op_info(Op::memory_init), fc_op_info(8));
  EXPECT_EQ(op_info(Op::table_fill), fc_op_info(17));
  EXPECT_EQ(static_cast<uint16_t>(Op::table_fill), 0x100 + 17);
}

// ---- instr.h ------------------------------------------------------------------------------------

Reader reader_of(const Bytes& b) {
  return Reader(b.data(), b.data(), b.data() + b.size(), ErrorCode::unexpected_end_section);
}

TEST(Instr, ReadOpcode) {
  Bytes b = {0x6A, 0xFC, 0x88, 0x80, 0x80, 0x80, 0x00};  // i32.add; memory.init (5-byte LEB)
  Reader r = reader_of(b);
  Op op;
  const OpInfo* info;
  ASSERT_TRUE(picowasm::read_opcode(r, &op, &info));
  EXPECT_EQ(op, Op::i32_add);
  ASSERT_TRUE(picowasm::read_opcode(r, &op, &info));
  EXPECT_EQ(op, Op::memory_init);
  EXPECT_EQ(info, fc_op_info(8));
  EXPECT_STREQ(picowasm::op_name(op), "memory.init");
  EXPECT_TRUE(r.at_end());
}

TEST(Instr, ReadOpcodeErrors) {
  struct Case {
    Bytes bytes;
    ErrorCode code;
  };
  const Case cases[] = {
      {{0x06}, ErrorCode::illegal_opcode},
      {{0xFF}, ErrorCode::illegal_opcode},
      {{0xFC, 0x12}, ErrorCode::illegal_opcode},
      {{0xFC, 0x80, 0x80, 0x80, 0x80, 0x10}, ErrorCode::integer_too_large},
      {{0xFD, 0x0C}, ErrorCode::unsupported_simd},
      {{0xFC}, ErrorCode::unexpected_end_section},
  };
  for (const auto& c : cases) {
    Bytes b = c.bytes;
    b.insert(b.begin(), 0x01);  // a nop first, so the offset is not trivially zero
    Reader r = reader_of(b);
    Op op;
    const OpInfo* info;
    ASSERT_TRUE(picowasm::read_opcode(r, &op, &info));
    EXPECT_FALSE(picowasm::read_opcode(r, &op, &info)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(r.error().code, c.code) << testing::PrintToString(c.bytes);
    if (c.code == ErrorCode::illegal_opcode || c.code == ErrorCode::unsupported_simd) {
      EXPECT_EQ(r.error().offset, 1u) << "reported at the opcode";
    }
  }
}

TEST(Instr, ValueAndReferenceTypes) {
  Bytes good = {0x7F, 0x7E, 0x7D, 0x7C, 0x70, 0x6F};
  Reader r = reader_of(good);
  for (uint8_t expected : good) {
    picowasm::ValType t;
    ASSERT_TRUE(picowasm::read_valtype(r, &t));
    EXPECT_EQ(static_cast<uint8_t>(t), expected);
  }
  for (auto [byte, code] :
       std::vector<std::pair<uint8_t, ErrorCode>>{{0x7B, ErrorCode::unsupported_simd},
                                                  {0x40, ErrorCode::malformed_valtype},
                                                  {0x00, ErrorCode::malformed_valtype},
                                                  {0x6E, ErrorCode::malformed_valtype}}) {
    Bytes b = {byte};
    Reader bad = reader_of(b);
    picowasm::ValType t;
    EXPECT_FALSE(picowasm::read_valtype(bad, &t));
    EXPECT_EQ(bad.error().code, code) << int(byte);
  }
  for (uint8_t byte : {0x7F, 0x7B, 0x00}) {
    Bytes b = {byte};
    Reader bad = reader_of(b);
    picowasm::ValType t;
    EXPECT_FALSE(picowasm::read_reftype(bad, &t));
    EXPECT_EQ(bad.error().code, ErrorCode::malformed_reftype) << int(byte);
  }
}

TEST(Instr, BlockTypes) {
  using Kind = picowasm::BlockType::Kind;
  picowasm::BlockType bt;
  Bytes empty = {0x40};
  Reader r1 = reader_of(empty);
  ASSERT_TRUE(picowasm::read_blocktype(r1, &bt));
  EXPECT_EQ(bt.kind, Kind::empty);

  Bytes value = {0x7E};
  Reader r2 = reader_of(value);
  ASSERT_TRUE(picowasm::read_blocktype(r2, &bt));
  EXPECT_EQ(bt.kind, Kind::value);
  EXPECT_EQ(bt.value, picowasm::ValType::i64);

  Bytes index = {0x80, 0x01};  // type index 128 (s33)
  Reader r3 = reader_of(index);
  ASSERT_TRUE(picowasm::read_blocktype(r3, &bt));
  EXPECT_EQ(bt.kind, Kind::index);
  EXPECT_EQ(bt.type_index, 128u);

  Bytes negative = {0x80, 0x7F};  // s33 -128: neither a value type nor an index
  Reader r4 = reader_of(negative);
  EXPECT_FALSE(picowasm::read_blocktype(r4, &bt));
  EXPECT_EQ(r4.error().kind(), picowasm::ErrorKind::malformed);

  Bytes simd = {0x7B};
  Reader r5 = reader_of(simd);
  EXPECT_FALSE(picowasm::read_blocktype(r5, &bt));
  EXPECT_EQ(r5.error().code, ErrorCode::unsupported_simd);
}

TEST(Instr, SkipExpressionStopsAtMatchingEnd) {
  // block (result i32) i32.const 1 br_table 0 0 end  end | trailing byte
  Bytes b = {0x02, 0x7F, 0x41, 0x01, 0x0E, 0x01, 0x00, 0x00, 0x0B, 0x0B, 0x99};
  Reader r = reader_of(b);
  ASSERT_TRUE(picowasm::skip_expression(r));
  EXPECT_EQ(r.offset(), 10u);

  Bytes unterminated = {0x41, 0x00, 0x02, 0x40, 0x0B};
  Reader u = reader_of(unterminated);
  EXPECT_FALSE(picowasm::skip_expression(u));
  EXPECT_EQ(u.error().code, ErrorCode::unexpected_end_section);
}

TEST(Instr, SkipImmediatesChecksEncodings) {
  Bytes memarg = {0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};  // offset LEB too long
  Reader r1 = reader_of(memarg);
  EXPECT_FALSE(picowasm::skip_immediates(r1, Imm::memarg));
  EXPECT_EQ(r1.error().code, ErrorCode::integer_too_long);

  // The memory index byte: zero in 2.0; with multi-memory compiled in, any u32 (the validator
  // checks it against the module's features).
  Bytes nonzero = {0x01};
  Reader r2 = reader_of(nonzero);
#if PICOWASM_FEATURE_MULTI_MEMORY
  EXPECT_TRUE(picowasm::skip_immediates(r2, Imm::memory));
#else
  EXPECT_FALSE(picowasm::skip_immediates(r2, Imm::memory));
  EXPECT_EQ(r2.error().code, ErrorCode::zero_byte_expected);
#endif

  Bytes huge_table = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00};  // 2^32-1 labels, 1 byte left
  Reader r3 = reader_of(huge_table);
  EXPECT_FALSE(picowasm::skip_immediates(r3, Imm::br_table));
  EXPECT_EQ(r3.error().kind(), picowasm::ErrorKind::malformed);

  Bytes f64 = {0, 0, 0, 0, 0, 0, 0};  // one byte short
  Reader r4 = reader_of(f64);
  EXPECT_FALSE(picowasm::skip_immediates(r4, Imm::f64));
  EXPECT_EQ(r4.error().code, ErrorCode::unexpected_end_section);
}

}  // namespace
