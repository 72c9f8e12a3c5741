// Parsing and comparison of wast2json values (see spec_value.h for the format).
#include "spec_value.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace picowasm::spec {
namespace {

using nlohmann::json;

struct TypeName {
  const char* name;
  ValueType type;
};
constexpr TypeName kTypeNames[] = {
    {"i32", ValueType::i32},
    {"i64", ValueType::i64},
    {"f32", ValueType::f32},
    {"f64", ValueType::f64},
    {"v128", ValueType::v128},
    {"funcref", ValueType::funcref},
    {"externref", ValueType::externref},
};

struct LaneInfo {
  const char* name;
  LaneType type;
  unsigned width;  // bits
  bool is_float;
};
constexpr LaneInfo kLanes[] = {
    {"i8", LaneType::i8, 8, false},    {"i16", LaneType::i16, 16, false},
    {"i32", LaneType::i32, 32, false}, {"i64", LaneType::i64, 64, false},
    {"f32", LaneType::f32, 32, true},  {"f64", LaneType::f64, 64, true},
};

const LaneInfo& lane_info(LaneType t) {
  for (const LaneInfo& l : kLanes)
    if (l.type == t) return l;
  return kLanes[2];
}

uint64_t width_mask(unsigned width) {
  return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
}

bool is_reference(ValueType t) {
  return t == ValueType::funcref || t == ValueType::externref;
}

unsigned scalar_width(ValueType t) {
  return (t == ValueType::i32 || t == ValueType::f32) ? 32 : 64;
}

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// Strict unsigned decimal: digits only, no sign, no overflow past `width` bits.
bool parse_unsigned(const std::string& text, unsigned width, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (~uint64_t{0} - digit) / 10) return false;
    value = value * 10 + digit;
  }
  if (value > width_mask(width)) return false;
  *out = value;
  return true;
}

bool parse_type(const json& j, ValueType* out, std::string* error) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return fail(error, "value without a type: " + j.dump());
  const std::string name = j["type"].get<std::string>();
  for (const TypeName& t : kTypeNames) {
    if (name == t.name) {
      *out = t.type;
      return true;
    }
  }
  return fail(error, "unknown value type '" + name + "'");
}

bool parse_lane_type(const json& j, LaneType* out, std::string* error) {
  if (!j.contains("lane_type") || !j["lane_type"].is_string())
    return fail(error, "v128 value without lane_type: " + j.dump());
  const std::string name = j["lane_type"].get<std::string>();
  for (const LaneInfo& l : kLanes) {
    if (name == l.name) {
      *out = l.type;
      return true;
    }
  }
  return fail(error, "unknown lane type '" + name + "'");
}

// One number or NaN pattern. NaN patterns are only accepted where `allow_nan` (expected floats).
bool parse_lane(const json& j, unsigned width, bool allow_nan, LaneExpectation* out,
                std::string* error) {
  if (!j.is_string()) return fail(error, "value is not a string: " + j.dump());
  const std::string text = j.get<std::string>();
  if (allow_nan && text == "nan:canonical") {
    out->nan = NanPattern::canonical;
    return true;
  }
  if (allow_nan && text == "nan:arithmetic") {
    out->nan = NanPattern::arithmetic;
    return true;
  }
  out->nan = NanPattern::none;
  if (!parse_unsigned(text, width, &out->bits))
    return fail(error, "bad " + std::to_string(width) + "-bit value '" + text + "'");
  return true;
}

// Reads the lanes of a v128 value ("value": [..]) in lane type `lt`.
bool parse_v128_lanes(const json& j, LaneType lt, bool allow_nan,
                      std::vector<LaneExpectation>* lanes, std::string* error) {
  const LaneInfo& info = lane_info(lt);
  const size_t count = 128 / info.width;
  if (!j.contains("value") || !j["value"].is_array() || j["value"].size() != count)
    return fail(error, "v128 " + std::string(info.name) + " value needs " + std::to_string(count) +
                           " lanes: " + j.dump());
  lanes->assign(count, LaneExpectation{});
  for (size_t i = 0; i < count; ++i) {
    if (!parse_lane(j["value"][i], info.width, allow_nan && info.is_float, &(*lanes)[i], error))
      return false;
  }
  return true;
}

bool parse_reference(const json& j, bool* is_null, uint64_t* ref, std::string* error) {
  if (!j["value"].is_string()) return fail(error, "reference value is not a string: " + j.dump());
  const std::string text = j["value"].get<std::string>();
  if (text == "null") {
    *is_null = true;
    return true;
  }
  *is_null = false;
  if (!parse_unsigned(text, 64, ref)) return fail(error, "bad reference value '" + text + "'");
  return true;
}

uint64_t v128_lane_bits(const std::array<uint8_t, 16>& bytes, unsigned width, size_t lane) {
  const size_t lane_bytes = width / 8;
  uint64_t bits = 0;
  for (size_t b = 0; b < lane_bytes; ++b) bits |= uint64_t{bytes[lane * lane_bytes + b]} << (8 * b);
  return bits;
}

bool lane_matches(const LaneExpectation& e, uint64_t bits, unsigned width) {
  switch (e.nan) {
    case NanPattern::canonical:
      return width == 32 ? is_canonical_nan_f32(static_cast<uint32_t>(bits))
                         : is_canonical_nan_f64(bits);
    case NanPattern::arithmetic:
      return width == 32 ? is_arithmetic_nan_f32(static_cast<uint32_t>(bits))
                         : is_arithmetic_nan_f64(bits);
    case NanPattern::none: break;
  }
  return (e.bits & width_mask(width)) == (bits & width_mask(width));
}

std::string hex(uint64_t bits, unsigned width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*" PRIx64, static_cast<int>(width / 4), bits);
  return buf;
}

std::string float_text(uint64_t bits, unsigned width) {
  char buf[64];
  if (width == 32) {
    uint32_t b32 = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b32, sizeof f);
    std::snprintf(buf, sizeof buf, "%s(%.9g)", hex(bits, 32).c_str(), static_cast<double>(f));
  } else {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    std::snprintf(buf, sizeof buf, "%s(%.17g)", hex(bits, 64).c_str(), d);
  }
  return buf;
}

std::string lane_text(const LaneExpectation& e, unsigned width, bool is_float) {
  if (e.nan == NanPattern::canonical) return "nan:canonical";
  if (e.nan == NanPattern::arithmetic) return "nan:arithmetic";
  return is_float ? float_text(e.bits, width) : std::to_string(e.bits);
}

}  // namespace

const char* value_type_name(ValueType t) {
  for (const TypeName& n : kTypeNames)
    if (n.type == t) return n.name;
  return "?";
}

Value Value::i32(uint32_t v) {
  Value r;
  r.type = ValueType::i32;
  r.bits = v;
  return r;
}
Value Value::i64(uint64_t v) {
  Value r;
  r.type = ValueType::i64;
  r.bits = v;
  return r;
}
Value Value::f32_bits(uint32_t v) {
  Value r;
  r.type = ValueType::f32;
  r.bits = v;
  return r;
}
Value Value::f64_bits(uint64_t v) {
  Value r;
  r.type = ValueType::f64;
  r.bits = v;
  return r;
}
Value Value::null_ref(ValueType t) {
  Value r;
  r.type = t;
  r.is_null = true;
  return r;
}
Value Value::ref_to(ValueType t, uint64_t ref) {
  Value r;
  r.type = t;
  r.ref = ref;
  return r;
}

bool is_canonical_nan_f32(uint32_t bits) {
  return (bits & 0x7FFFFFFFu) == 0x7FC00000u;
}
bool is_canonical_nan_f64(uint64_t bits) {
  return (bits & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
}
bool is_arithmetic_nan_f32(uint32_t bits) {
  return (bits & 0x7FC00000u) == 0x7FC00000u;
}
bool is_arithmetic_nan_f64(uint64_t bits) {
  return (bits & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

bool is_v128(const nlohmann::json& j) {
  return j.is_object() && j.contains("type") && j["type"] == "v128";
}

bool parse_value(const nlohmann::json& j, Value* out, std::string* error) {
  Value v;
  if (!parse_type(j, &v.type, error)) return false;
  if (!j.contains("value")) return fail(error, "value missing: " + j.dump());
  if (is_reference(v.type)) {
    if (!parse_reference(j, &v.is_null, &v.ref, error)) return false;
  } else if (v.type == ValueType::v128) {
    LaneType lt;
    std::vector<LaneExpectation> lanes;
    if (!parse_lane_type(j, &lt, error) || !parse_v128_lanes(j, lt, false, &lanes, error))
      return false;
    const unsigned width = lane_info(lt).width;
    for (size_t lane = 0; lane < lanes.size(); ++lane)
      for (unsigned b = 0; b < width / 8; ++b)
        v.v128[lane * (width / 8) + b] = static_cast<uint8_t>(lanes[lane].bits >> (8 * b));
  } else {
    LaneExpectation lane;
    if (!parse_lane(j["value"], scalar_width(v.type), false, &lane, error)) return false;
    v.bits = lane.bits;
  }
  *out = v;
  return true;
}

bool parse_expected(const nlohmann::json& j, Expected* out, std::string* error) {
  Expected e;
  if (!parse_type(j, &e.type, error)) return false;
  if (!j.contains("value")) {
    e.type_only = true;
    if (e.type == ValueType::v128 && j.contains("lane_type") &&
        !parse_lane_type(j, &e.lane_type, error))
      return false;
    *out = std::move(e);
    return true;
  }
  if (is_reference(e.type)) {
    if (!parse_reference(j, &e.is_null, &e.ref, error)) return false;
  } else if (e.type == ValueType::v128) {
    if (!parse_lane_type(j, &e.lane_type, error) ||
        !parse_v128_lanes(j, e.lane_type, true, &e.lanes, error))
      return false;
  } else {
    const bool is_float = e.type == ValueType::f32 || e.type == ValueType::f64;
    e.lanes.resize(1);
    if (!parse_lane(j["value"], scalar_width(e.type), is_float, &e.lanes[0], error)) return false;
  }
  *out = std::move(e);
  return true;
}

bool matches(const Expected& expected, const Value& actual) {
  if (expected.type != actual.type) return false;
  if (expected.type_only) return true;
  switch (expected.type) {
    case ValueType::funcref:
    case ValueType::externref:
      if (expected.is_null || actual.is_null) return expected.is_null == actual.is_null;
      return expected.ref == actual.ref;
    case ValueType::v128: {
      const unsigned width = lane_info(expected.lane_type).width;
      if (expected.lanes.size() != 128 / width) return false;
      for (size_t i = 0; i < expected.lanes.size(); ++i) {
        if (!lane_matches(expected.lanes[i], v128_lane_bits(actual.v128, width, i), width))
          return false;
      }
      return true;
    }
    case ValueType::i32:
    case ValueType::i64:
    case ValueType::f32:
    case ValueType::f64:
      if (expected.lanes.size() != 1) return false;
      // Integer expectations never carry a NaN pattern, so this is an exact compare for them.
      return lane_matches(expected.lanes[0], actual.bits, scalar_width(expected.type));
  }
  return false;
}

std::string to_string(const Value& v) {
  std::string s = std::string(value_type_name(v.type)) + ":";
  switch (v.type) {
    case ValueType::i32:
    case ValueType::i64: return s + std::to_string(v.bits);
    case ValueType::f32:
    case ValueType::f64: return s + float_text(v.bits, scalar_width(v.type));
    case ValueType::funcref:
    case ValueType::externref: return s + (v.is_null ? "null" : std::to_string(v.ref));
    case ValueType::v128: {
      s += "i32x4[";
      for (size_t i = 0; i < 4; ++i) s += (i ? " " : "") + hex(v128_lane_bits(v.v128, 32, i), 32);
      return s + "]";
    }
  }
  return s;
}

std::string to_string(const Expected& e) {
  std::string s = std::string(value_type_name(e.type));
  if (e.type_only) return s;
  s += ":";
  switch (e.type) {
    case ValueType::funcref:
    case ValueType::externref: return s + (e.is_null ? "null" : std::to_string(e.ref));
    case ValueType::v128: {
      const LaneInfo& info = lane_info(e.lane_type);
      s += std::string(info.name) + "x" + std::to_string(128 / info.width) + "[";
      for (size_t i = 0; i < e.lanes.size(); ++i)
        s += (i ? " " : "") + lane_text(e.lanes[i], info.width, info.is_float);
      return s + "]";
    }
    default: break;
  }
  if (e.lanes.empty()) return s + "?";
  const bool is_float = e.type == ValueType::f32 || e.type == ValueType::f64;
  return s + lane_text(e.lanes[0], scalar_width(e.type), is_float);
}

}  // namespace picowasm::spec
