// Tests of the wast2json value parsing and the result comparison rules (spec_value.h).
#include "spec_value.h"

#include <gtest/gtest.h>

namespace picowasm::spec {
namespace {

using nlohmann::json;

Value value_of(const char* text) {
  Value v;
  std::string error;
  EXPECT_TRUE(parse_value(json::parse(text), &v, &error)) << text << ": " << error;
  return v;
}

Expected expected_of(const char* text) {
  Expected e;
  std::string error;
  EXPECT_TRUE(parse_expected(json::parse(text), &e, &error)) << text << ": " << error;
  return e;
}

bool value_parses(const char* text) {
  Value v;
  std::string error;
  return parse_value(json::parse(text), &v, &error);
}

bool expected_parses(const char* text) {
  Expected e;
  std::string error;
  return parse_expected(json::parse(text), &e, &error);
}

TEST(SpecValue, IntegersAreUnsignedDecimalOfTheirWidth) {
  EXPECT_EQ(value_of(R"({"type":"i32","value":"4294967295"})").bits, 0xFFFFFFFFu);
  EXPECT_EQ(value_of(R"({"type":"i64","value":"18446744073709551615"})").bits, ~uint64_t{0});
  EXPECT_FALSE(value_parses(R"({"type":"i32","value":"4294967296"})"));
  EXPECT_FALSE(value_parses(R"({"type":"i64","value":"18446744073709551616"})"));
  EXPECT_FALSE(value_parses(R"({"type":"i32","value":"-1"})"));
  EXPECT_FALSE(value_parses(R"({"type":"i32","value":""})"));
  EXPECT_FALSE(value_parses(R"({"type":"i32","value":"12a"})"));
  EXPECT_FALSE(value_parses(R"({"type":"i32"})"));
  EXPECT_FALSE(value_parses(R"({"type":"i31","value":"1"})"));
}

TEST(SpecValue, FloatsCompareByBitPattern) {
  const Expected plus_zero = expected_of(R"({"type":"f32","value":"0"})");
  EXPECT_TRUE(matches(plus_zero, Value::f32_bits(0)));
  EXPECT_FALSE(matches(plus_zero, Value::f32_bits(0x80000000u)));  // -0 is not +0
  const Expected nan_payload = expected_of(R"({"type":"f64","value":"9221120237041090561"})");
  EXPECT_TRUE(matches(nan_payload, Value::f64_bits(0x7FF8000000000001ull)));
  EXPECT_FALSE(matches(nan_payload, Value::f64_bits(0x7FF8000000000000ull)));
}

TEST(SpecValue, CanonicalNan) {
  const Expected e = expected_of(R"({"type":"f32","value":"nan:canonical"})");
  EXPECT_TRUE(matches(e, Value::f32_bits(0x7FC00000u)));
  EXPECT_TRUE(matches(e, Value::f32_bits(0xFFC00000u)));   // either sign
  EXPECT_FALSE(matches(e, Value::f32_bits(0x7FC00001u)));  // payload beyond the quiet bit
  EXPECT_FALSE(matches(e, Value::f32_bits(0x7F800000u)));  // infinity
  const Expected e64 = expected_of(R"({"type":"f64","value":"nan:canonical"})");
  EXPECT_TRUE(matches(e64, Value::f64_bits(0xFFF8000000000000ull)));
  EXPECT_FALSE(matches(e64, Value::f64_bits(0x7FF8000000000001ull)));
}

TEST(SpecValue, ArithmeticNan) {
  const Expected e = expected_of(R"({"type":"f32","value":"nan:arithmetic"})");
  EXPECT_TRUE(matches(e, Value::f32_bits(0x7FC00000u)));
  EXPECT_TRUE(matches(e, Value::f32_bits(0xFFFFFFFFu)));
  EXPECT_FALSE(matches(e, Value::f32_bits(0x7FA00000u)));  // signalling NaN: quiet bit clear
  const Expected e64 = expected_of(R"({"type":"f64","value":"nan:arithmetic"})");
  EXPECT_TRUE(matches(e64, Value::f64_bits(0x7FF8000000000001ull)));
  EXPECT_FALSE(matches(e64, Value::f64_bits(0x7FF4000000000000ull)));
  EXPECT_FALSE(matches(e64, Value::f32_bits(0x7FC00000u)));  // wrong type
}

TEST(SpecValue, NanPatternsOnlyInExpectedFloats) {
  EXPECT_FALSE(value_parses(R"({"type":"f32","value":"nan:canonical"})"));
  EXPECT_FALSE(expected_parses(R"({"type":"i32","value":"nan:canonical"})"));
  EXPECT_FALSE(expected_parses(
      R"({"type":"v128","lane_type":"i32","value":["nan:canonical","0","0","0"]})"));
}

TEST(SpecValue, V128LanesAreLittleEndian) {
  const Value v = value_of(
      R"({"type":"v128","lane_type":"i16","value":["1","65535","3","4","5","6","7","258"]})");
  EXPECT_EQ(v.v128[0], 1);
  EXPECT_EQ(v.v128[1], 0);
  EXPECT_EQ(v.v128[2], 0xFF);
  EXPECT_EQ(v.v128[3], 0xFF);
  EXPECT_EQ(v.v128[14], 2);  // 258 = 0x0102
  EXPECT_EQ(v.v128[15], 1);
  EXPECT_FALSE(value_parses(R"({"type":"v128","lane_type":"i8","value":["256","0","0","0","0","0",
      "0","0","0","0","0","0","0","0","0","0"]})"));
  EXPECT_FALSE(value_parses(R"({"type":"v128","lane_type":"i32","value":["1","2","3"]})"));
  EXPECT_FALSE(value_parses(R"({"type":"v128","value":["1","2","3","4"]})"));
}

TEST(SpecValue, V128ComparesPerLaneInTheExpectedLaneType) {
  // Lanes: canonical NaN, 1.0f, arithmetic NaN, -0.0f.
  const Expected e = expected_of(
      R"({"type":"v128","lane_type":"f32",
          "value":["nan:canonical","1065353216","nan:arithmetic","2147483648"]})");
  Value v = value_of(
      R"({"type":"v128","lane_type":"i32","value":["4290772992","1065353216","2143289345","2147483648"]})");
  EXPECT_TRUE(matches(e, v));
  v.v128[4] ^= 1;  // lane 1 no longer 1.0f
  EXPECT_FALSE(matches(e, v));
  const Expected ints =
      expected_of(R"({"type":"v128","lane_type":"i64","value":["1","18446744073709551615"]})");
  Value w =
      value_of(R"({"type":"v128","lane_type":"i32","value":["1","0","4294967295","4294967295"]})");
  EXPECT_TRUE(matches(ints, w));
  w.v128[8] = 0xFE;
  EXPECT_FALSE(matches(ints, w));
}

TEST(SpecValue, References) {
  const Expected null_func = expected_of(R"({"type":"funcref","value":"null"})");
  EXPECT_TRUE(matches(null_func, Value::null_ref(ValueType::funcref)));
  EXPECT_FALSE(matches(null_func, Value::ref_to(ValueType::funcref, 0)));
  EXPECT_FALSE(matches(null_func, Value::null_ref(ValueType::externref)));
  const Expected host1 = expected_of(R"({"type":"externref","value":"1"})");
  EXPECT_TRUE(matches(host1, Value::ref_to(ValueType::externref, 1)));
  EXPECT_FALSE(matches(host1, Value::ref_to(ValueType::externref, 2)));
  EXPECT_FALSE(matches(host1, Value::null_ref(ValueType::externref)));
  EXPECT_TRUE(value_of(R"({"type":"externref","value":"null"})").is_null);
  EXPECT_EQ(value_of(R"({"type":"externref","value":"7"})").ref, 7u);
}

TEST(SpecValue, TypeOnlyExpectationsMatchAnyValueOfTheType) {
  const Expected e = expected_of(R"({"type":"i32"})");
  EXPECT_TRUE(e.type_only);
  EXPECT_TRUE(matches(e, Value::i32(12345)));
  EXPECT_FALSE(matches(e, Value::i64(12345)));
  EXPECT_TRUE(matches(expected_of(R"({"type":"funcref"})"), Value::null_ref(ValueType::funcref)));
}

TEST(SpecValue, IntegersCompareExactly) {
  const Expected e = expected_of(R"({"type":"i64","value":"9223372036854775808"})");
  EXPECT_TRUE(matches(e, Value::i64(0x8000000000000000ull)));
  EXPECT_FALSE(matches(e, Value::i64(0x7FFFFFFFFFFFFFFFull)));
  EXPECT_FALSE(matches(e, Value::f64_bits(0x8000000000000000ull)));
}

TEST(SpecValue, DetectsV128AndPrintsReadably) {
  EXPECT_TRUE(is_v128(json::parse(R"({"type":"v128","lane_type":"i8","value":[]})")));
  EXPECT_FALSE(is_v128(json::parse(R"({"type":"i32","value":"1"})")));
  EXPECT_EQ(to_string(Value::i32(42)), "i32:42");
  EXPECT_EQ(to_string(Value::f32_bits(0x3F800000u)), "f32:0x3f800000(1)");
  EXPECT_EQ(to_string(Value::null_ref(ValueType::externref)), "externref:null");
  EXPECT_EQ(to_string(expected_of(R"({"type":"f64","value":"nan:arithmetic"})")),
            "f64:nan:arithmetic");
  EXPECT_EQ(
      to_string(expected_of(R"({"type":"v128","lane_type":"i32","value":["1","2","3","4"]})")),
      "v128:i32x4[1 2 3 4]");
}

}  // namespace
}  // namespace picowasm::spec
