// Reader (src/decode/reader.h): bounds checks and the exact LEB128 rules of the binary format.
#include "decode/reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "wasm_builder.h"

namespace {

using picowasm::ErrorCode;
using picowasm::Reader;
using Bytes = std::vector<uint8_t>;

// A reader over all of `b`, reporting offsets from its first byte.
Reader reader_of(const Bytes& b, ErrorCode eof = ErrorCode::unexpected_end) {
  return Reader(b.data(), b.data(), b.data() + b.size(), eof);
}

struct U32Case {
  Bytes bytes;
  uint32_t value;
};

TEST(ReaderLeb, U32Values) {
  const U32Case cases[] = {
      {{0x00}, 0},
      {{0x7F}, 127},
      {{0x80, 0x01}, 128},
      {{0xE5, 0x8E, 0x26}, 624485},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFFu},
      {{0x80, 0x80, 0x80, 0x80, 0x08}, 0x80000000u},
      // Non-minimal encodings are allowed up to the maximum length.
      {{0x80, 0x00}, 0},
      {{0x82, 0x80, 0x80, 0x80, 0x00}, 2},
  };
  for (const auto& c : cases) {
    Reader r = reader_of(c.bytes);
    uint32_t v = 12345;
    ASSERT_TRUE(r.u32(&v)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(v, c.value);
    EXPECT_TRUE(r.at_end()) << "consumes exactly the encoding";
    EXPECT_TRUE(r.ok());
  }
}

TEST(ReaderLeb, U32TooLong) {
  Bytes b = {0x82, 0x80, 0x80, 0x80, 0x80, 0x00};  // 2 in six bytes
  Reader r = reader_of(b);
  uint32_t v;
  EXPECT_FALSE(r.u32(&v));
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
  EXPECT_EQ(r.error().offset, 0u);
}

TEST(ReaderLeb, U32UnusedBitsMustBeZero) {
  for (uint8_t last : {0x10, 0x1F, 0x40, 0x70}) {
    Bytes b = {0xFF, 0xFF, 0xFF, 0xFF, last};
    Reader r = reader_of(b);
    uint32_t v;
    EXPECT_FALSE(r.u32(&v)) << int(last);
    EXPECT_EQ(r.error().code, ErrorCode::integer_too_large) << int(last);
  }
}

TEST(ReaderLeb, TruncatedUsesEofCodeAndOffset) {
  Bytes b = {0x80, 0x80};
  Reader r = reader_of(b, ErrorCode::unexpected_end_section);
  uint32_t v;
  EXPECT_FALSE(r.u32(&v));
  EXPECT_EQ(r.error().code, ErrorCode::unexpected_end_section);
  EXPECT_EQ(r.error().offset, 2u);  // where the missing byte should have been

  Bytes empty;
  Reader e = reader_of(empty);
  EXPECT_FALSE(e.u32(&v));
  EXPECT_EQ(e.error().code, ErrorCode::unexpected_end);
}

TEST(ReaderLeb, ErrorOffsetsAreRelativeToOrigin) {
  Bytes b = {0xAA, 0xBB, 0xCC, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(b.data(), b.data() + 3, b.data() + b.size(), ErrorCode::unexpected_end);
  EXPECT_EQ(r.offset(), 3u);
  uint32_t v;
  EXPECT_FALSE(r.u32(&v));
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
  EXPECT_EQ(r.error().offset, 3u) << "reported at the start of the integer";
}

TEST(ReaderLeb, FirstErrorIsKept) {
  Bytes b = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r = reader_of(b);
  uint32_t v;
  uint8_t byte;
  EXPECT_FALSE(r.u32(&v));
  EXPECT_FALSE(r.u8(&byte)) << "a failed reader stops";
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
}

struct S32Case {
  Bytes bytes;
  int32_t value;
};

TEST(ReaderLeb, S32Values) {
  const S32Case cases[] = {
      {{0x00}, 0},
      {{0x7F}, -1},
      {{0x3F}, 63},
      {{0x40}, -64},
      {{0xC0, 0x00}, 64},
      {{0xBF, 0x7F}, -65},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x07}, std::numeric_limits<int32_t>::max()},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, std::numeric_limits<int32_t>::min()},
      // Non-minimal, with the unused bits of the last byte copying the sign bit.
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1},
      {{0x80, 0x80, 0x80, 0x80, 0x00}, 0},
      {{0xFF, 0x7F}, -1},
  };
  for (const auto& c : cases) {
    Reader r = reader_of(c.bytes);
    int32_t v = 12345;
    ASSERT_TRUE(r.s32(&v)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(v, c.value) << testing::PrintToString(c.bytes);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(ReaderLeb, S32UnusedBitsMustBeSignExtension) {
  // The fifth byte carries bits 28..31; its three unused bits must all equal bit 31.
  const Bytes cases[] = {
      {0x80, 0x80, 0x80, 0x80, 0x70},  // positive, unused bits set
      {0x80, 0x80, 0x80, 0x80, 0x10},  // positive, one unused bit set
      {0xFF, 0xFF, 0xFF, 0xFF, 0x0F},  // negative, unused bits clear
      {0xFF, 0xFF, 0xFF, 0xFF, 0x4F},  // negative, one unused bit clear
  };
  for (const Bytes& b : cases) {
    Reader r = reader_of(b);
    int32_t v;
    EXPECT_FALSE(r.s32(&v)) << testing::PrintToString(b);
    EXPECT_EQ(r.error().code, ErrorCode::integer_too_large) << testing::PrintToString(b);
  }
}

TEST(ReaderLeb, S32TooLong) {
  Bytes b = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  Reader r = reader_of(b);
  int32_t v;
  EXPECT_FALSE(r.s32(&v));
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
}

TEST(ReaderLeb, U64Values) {
  struct Case {
    Bytes bytes;
    uint64_t value;
  };
  const Case cases[] = {
      {{0x00}, 0},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFFull},
      {{0x80, 0x80, 0x80, 0x80, 0x10}, 0x100000000ull},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, UINT64_MAX},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0},
  };
  for (const auto& c : cases) {
    Reader r = reader_of(c.bytes);
    uint64_t v = 12345;
    ASSERT_TRUE(r.u64(&v)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(v, c.value);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(ReaderLeb, U64Errors) {
  uint64_t v;
  Bytes too_large = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  Reader a = reader_of(too_large);
  EXPECT_FALSE(a.u64(&v));
  EXPECT_EQ(a.error().code, ErrorCode::integer_too_large);

  Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader b = reader_of(too_long);
  EXPECT_FALSE(b.u64(&v));
  EXPECT_EQ(b.error().code, ErrorCode::integer_too_long);
}

TEST(ReaderLeb, S64Values) {
  struct Case {
    Bytes bytes;
    int64_t value;
  };
  const Case cases[] = {
      {{0x7F}, -1},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F},
       std::numeric_limits<int64_t>::min()},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00},
       std::numeric_limits<int64_t>::max()},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, -(int64_t{1} << 32)},  // beyond 32 bits, negative
  };
  for (const auto& c : cases) {
    Reader r = reader_of(c.bytes);
    int64_t v = 12345;
    ASSERT_TRUE(r.s64(&v)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(v, c.value) << testing::PrintToString(c.bytes);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(ReaderLeb, S64Errors) {
  int64_t v;
  // Last byte: one payload bit (bit 63); the other six must copy it.
  for (uint8_t last : {0x01, 0x7E, 0x41, 0x02}) {
    Bytes b = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, last};
    Reader r = reader_of(b);
    EXPECT_FALSE(r.s64(&v)) << int(last);
    EXPECT_EQ(r.error().code, ErrorCode::integer_too_large) << int(last);
  }
  Bytes too_long = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  Reader r = reader_of(too_long);
  EXPECT_FALSE(r.s64(&v));
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
}

TEST(ReaderLeb, S33) {
  struct Case {
    Bytes bytes;
    int64_t value;
  };
  const Case cases[] = {
      {{0x40}, -64},
      {{0x00}, 0},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFFll},         // largest type index
      {{0x80, 0x80, 0x80, 0x80, 0x70}, -(int64_t{1} << 32)},  // smallest s33
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1},
  };
  for (const auto& c : cases) {
    Reader r = reader_of(c.bytes);
    int64_t v = 12345;
    ASSERT_TRUE(r.s33(&v)) << testing::PrintToString(c.bytes);
    EXPECT_EQ(v, c.value) << testing::PrintToString(c.bytes);
  }
  int64_t v;
  // Five payload bits in the last byte; bits 5 and 6 must copy bit 4.
  for (uint8_t last : {0x20, 0x4F, 0x6F, 0x50, 0x10}) {
    Bytes b = {0xFF, 0xFF, 0xFF, 0xFF, last};
    Reader r = reader_of(b);
    EXPECT_FALSE(r.s33(&v)) << int(last);
    EXPECT_EQ(r.error().code, ErrorCode::integer_too_large) << int(last);
  }
  Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r = reader_of(too_long);
  EXPECT_FALSE(r.s33(&v));
  EXPECT_EQ(r.error().code, ErrorCode::integer_too_long);
}

TEST(Reader, FixedWidthAndBytes) {
  Bytes b = {0x00, 0x00, 0x80, 0x3F, 0x01, 0x02, 0x03};
  Reader r = reader_of(b);
  uint32_t bits;
  ASSERT_TRUE(r.f32_bits(&bits));
  EXPECT_EQ(bits, 0x3F800000u);  // 1.0f, little-endian
  const uint8_t* p;
  ASSERT_TRUE(r.bytes(2, &p));
  EXPECT_EQ(p, b.data() + 4);
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_FALSE(r.bytes(2, &p));
  EXPECT_EQ(r.error().code, ErrorCode::unexpected_end);
  EXPECT_EQ(r.error().offset, 6u);
}

TEST(Reader, F64IsLittleEndian) {
  Bytes b = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F};
  Reader r = reader_of(b);
  uint64_t bits;
  ASSERT_TRUE(r.f64_bits(&bits));
  EXPECT_EQ(bits, 0x3FF0000000000000ull);
}

TEST(Reader, SubReader) {
  Bytes b = {0x01, 0x02, 0x03, 0x04};
  Reader r = reader_of(b);
  Reader sub = reader_of(b);
  ASSERT_TRUE(r.sub(2, ErrorCode::unexpected_end_section, ErrorCode::length_out_of_bounds, &sub));
  EXPECT_EQ(r.offset(), 2u) << "the outer reader skips the sub-range";
  EXPECT_EQ(sub.offset(), 0u);
  EXPECT_EQ(sub.remaining(), 2u);
  uint32_t v;
  ASSERT_TRUE(sub.u32(&v));
  EXPECT_EQ(v, 1u);
  ASSERT_TRUE(sub.u32(&v));
  EXPECT_FALSE(sub.u32(&v)) << "cannot read past the sub-range";
  EXPECT_EQ(sub.error().code, ErrorCode::unexpected_end_section);
  EXPECT_EQ(sub.error().offset, 2u);
  EXPECT_TRUE(r.ok()) << "the sub-reader's failure is its own";

  Reader over = reader_of(b);
  over.skip(1);
  EXPECT_FALSE(
      over.sub(4, ErrorCode::unexpected_end_section, ErrorCode::length_out_of_bounds, &sub));
  EXPECT_EQ(over.error().code, ErrorCode::length_out_of_bounds);
  EXPECT_EQ(over.error().offset, 1u);
}

TEST(Reader, PeekDoesNotConsumeOrFail) {
  Bytes b = {0x2A};
  Reader r = reader_of(b);
  uint8_t v = 0;
  ASSERT_TRUE(r.peek_u8(&v));
  EXPECT_EQ(v, 0x2A);
  EXPECT_EQ(r.remaining(), 1u);
  ASSERT_TRUE(r.u8(&v));
  EXPECT_FALSE(r.peek_u8(&v));
  EXPECT_TRUE(r.ok());
}

}  // namespace
