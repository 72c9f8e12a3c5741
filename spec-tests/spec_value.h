// Values of the spec test suite as written by wast2json, and the rules for comparing results.
//
// wast2json writes every value as {"type": T, "value": V}: V is the decimal string of the unsigned
// bit pattern (floats too), "null" for null references, a host reference number for externref,
// and for v128 a list with one string per lane plus "lane_type". Expected float results (also per
// v128 lane) may be "nan:canonical" or "nan:arithmetic" instead of bits, and assert_trap's
// expectations give only the type. Pure logic: no engine involved, so it is tested on its own.
#ifndef PICOWASM_SPEC_VALUE_H
#define PICOWASM_SPEC_VALUE_H

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace picowasm::spec {

enum class ValueType { i32, i64, f32, f64, v128, funcref, externref };
// Interpretation of a v128 value's lanes (only for parsing and comparing; the value is 16 bytes).
enum class LaneType { i8, i16, i32, i64, f32, f64 };

const char* value_type_name(ValueType t);

// A concrete value: an argument of an action, or a result the engine produced.
struct Value {
  ValueType type = ValueType::i32;
  uint64_t bits = 0;               // i32/i64/f32/f64: raw bit pattern, zero-extended
  std::array<uint8_t, 16> v128{};  // v128: little-endian bytes
  bool is_null = false;            // funcref/externref
  uint64_t ref = 0;                // non-null reference: host number (externref) or identity

  static Value i32(uint32_t v);
  static Value i64(uint64_t v);
  static Value f32_bits(uint32_t v);
  static Value f64_bits(uint64_t v);
  static Value null_ref(ValueType t);
  static Value ref_to(ValueType t, uint64_t r);
};

enum class NanPattern { none, canonical, arithmetic };

// One scalar (or one v128 lane) of an expected result.
struct LaneExpectation {
  NanPattern nan = NanPattern::none;  // set: any NaN of that class matches, `bits` is unused
  uint64_t bits = 0;                  // otherwise the exact bit pattern
};

// An expected result of assert_return / the type of one of assert_trap.
struct Expected {
  ValueType type = ValueType::i32;
  LaneType lane_type = LaneType::i32;  // v128 only
  bool type_only = false;              // no value given: any value of `type` matches
  bool is_null = false;                // references: expects null
  uint64_t ref = 0;                    // references: expects this non-null reference
  std::vector<LaneExpectation> lanes;  // numbers: one entry; v128: one per lane
};

// Parse one JSON value object. On failure return false and say why in *error.
bool parse_value(const nlohmann::json& j, Value* out, std::string* error);
bool parse_expected(const nlohmann::json& j, Expected* out, std::string* error);

// Whether a JSON value object (argument or expectation) is of type v128.
bool is_v128(const nlohmann::json& j);

// The comparison rules: integers and exact floats by bit pattern (so -0 != +0 and NaN payloads
// count), NaN patterns by class, v128 lane by lane in the expected lane type, references by
// nullness and identity. Types must be equal.
bool matches(const Expected& expected, const Value& actual);

// NaN classes as the spec defines them: canonical = quiet bit only in the payload (either sign);
// arithmetic = quiet bit set (any payload).
bool is_canonical_nan_f32(uint32_t bits);
bool is_canonical_nan_f64(uint64_t bits);
bool is_arithmetic_nan_f32(uint32_t bits);
bool is_arithmetic_nan_f64(uint64_t bits);

// Readable forms for logs, e.g. "i32:42", "f32:0x7fc00000", "v128:i32x4[1 2 3 4]",
// "f64:nan:canonical", "externref:null".
std::string to_string(const Value& v);
std::string to_string(const Expected& e);

}  // namespace picowasm::spec

#endif  // PICOWASM_SPEC_VALUE_H
