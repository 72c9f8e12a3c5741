// Unit tests for src/exec/numerics.h. The tables are a selection of the official spec suite's
// assertions (i32, i64, f32, f64, f32/f64_cmp, f32/f64_bitwise, conversions, float_misc and
// float_exprs .wast), transcribed with their literals: floats as C++ hex-float or decimal literals,
// integers as their unsigned bit pattern. The few hand-written cases (limit neighbours, rounding
// edges) follow from the IEEE 754 definitions. `nan:canonical` and `nan:arithmetic` results are
// checked the way the spec defines them; every other float result is compared bit for bit.
#include "exec/numerics.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

namespace {

namespace num = picowasm::num;
using num::NumTrap;

// Inputs go through a volatile so that no operation is folded at compile time: the tests must
// exercise the instructions (and the NaN behaviour) of the machine they run on.
template <typename T>
T opaque(T value) {
  volatile T copy = value;
  return copy;
}

constexpr float nan32(uint32_t payload, bool negative = false) {
  return num::from_bits<float>((negative ? 0xff800000u : 0x7f800000u) | payload);
}
constexpr double nan64(uint64_t payload, bool negative = false) {
  return num::from_bits<double>((negative ? 0xfff0000000000000u : 0x7ff0000000000000u) | payload);
}
constexpr float kInf32 = std::numeric_limits<float>::infinity();
constexpr double kInf64 = std::numeric_limits<double>::infinity();

// An expected float result: exact bits, or one of the spec's NaN classes.
enum NaNClass { kCanonical, kArithmetic };
template <typename F>
struct Want {
  enum class Kind : uint8_t { exact, canonical, arithmetic };
  Kind kind;
  num::FloatBits<F> bits;
  constexpr Want(F value) : kind(Kind::exact), bits(num::bits(value)) {}
  constexpr Want(NaNClass nan)
      : kind(nan == kCanonical ? Kind::canonical : Kind::arithmetic), bits(0) {}
};

template <typename F>
std::string describe(F value) {
  char text[64];
  std::snprintf(text, sizeof text, "%a (0x%llx)", double(value),
                static_cast<unsigned long long>(num::bits(value)));
  return text;
}

// EXPECT_PRED_FORMAT2 predicate: does `got` satisfy `want` (a Want<F>, an F or a NaNClass)?
struct MatchesWant {
  template <typename F, typename W>
  ::testing::AssertionResult operator()(const char* got_text, const char*, F got,
                                        const W& expected) const {
    using Traits = num::FloatTraits<F>;
    const Want<F> want(expected);
    const num::FloatBits<F> raw = num::bits(got);
    switch (want.kind) {
      case Want<F>::Kind::exact:
        if (raw == want.bits) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << got_text << " = " << describe(got) << ", want "
                                             << describe(num::from_bits<F>(want.bits));
      case Want<F>::Kind::canonical:
        if ((raw & ~Traits::kSignMask) == Traits::kCanonicalNaN) {
          return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure()
               << got_text << " = " << describe(got) << ", want a canonical NaN";
      case Want<F>::Kind::arithmetic:
        if (got != got && (raw & Traits::kQuietBit) != 0) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << got_text << " = " << describe(got) << ", want an arithmetic NaN";
    }
    return ::testing::AssertionFailure() << "bad Want";
  }
};
#define EXPECT_FLOAT_IS(got, want) EXPECT_PRED_FORMAT2(MatchesWant{}, got, want)

template <typename T>
std::string hex(T value) {
  if constexpr (std::is_floating_point<T>::value) {
    return describe(value);
  } else {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
  }
}
#define TRACE_ROW(i, ...) SCOPED_TRACE(::testing::Message() << "row " << (i) << ": " << __VA_ARGS__)

// ---- Row shapes ---------------------------------------------------------------------------------

template <typename A, typename B>
struct Pair {
  A in;
  B want;
};
template <typename U>
struct BinRow {
  U a, b, want;
};
template <typename U>
struct DivRow {
  U a, b;
  NumTrap trap;
  U want;
};

template <typename A, typename B, size_t N>
void expect_unary(const Pair<A, B> (&rows)[N], B (*op)(A)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].in));
    EXPECT_EQ(op(opaque(rows[i].in)), rows[i].want);
  }
}
template <typename U, size_t N>
void expect_binary(const BinRow<U> (&rows)[N], U (*op)(U, U)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].a) << ", " << hex(rows[i].b));
    EXPECT_EQ(op(opaque(rows[i].a), opaque(rows[i].b)), rows[i].want);
  }
}
// A trapping op must leave the destination untouched.
template <typename U, size_t N>
void expect_div(const DivRow<U> (&rows)[N], NumTrap (*op)(U, U, U*)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].a) << ", " << hex(rows[i].b));
    const U sentinel = U(0x5a5a5a5a5a5a5a5au);
    U out = sentinel;
    EXPECT_EQ(op(opaque(rows[i].a), opaque(rows[i].b), &out), rows[i].trap);
    EXPECT_EQ(out, rows[i].trap == NumTrap::none ? rows[i].want : sentinel);
  }
}

// ---- Integer operators (i32.wast, i64.wast) -----------------------------------------------------

const BinRow<uint32_t> kI32Add[] = {
    {0xffffffffu, 0xffffffffu, 0xfffffffeu},
    {0xffffffffu, 1u, 0u},
    {0x80000000u, 0xffffffffu, 0x7fffffffu},
    {0x80000000u, 0x80000000u, 0u},
};
const BinRow<uint32_t> kI32Sub[] = {
    {0xffffffffu, 0xffffffffu, 0u},
    {0x7fffffffu, 0xffffffffu, 0x80000000u},
    {0x80000000u, 1u, 0x7fffffffu},
    {0x80000000u, 0x80000000u, 0u},
};
const BinRow<uint32_t> kI32Mul[] = {
    {1u, 0u, 0u},
    {0xffffffffu, 0xffffffffu, 1u},
    {0x80000000u, 0u, 0u},
    {0x80000000u, 0xffffffffu, 0x80000000u},
    {0x7fffffffu, 0xffffffffu, 0x80000001u},
};
const BinRow<uint64_t> kI64Add[] = {
    {0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffeull},
    {0x8000000000000000ull, 0xffffffffffffffffull, 0x7fffffffffffffffull},
    {0x8000000000000000ull, 0x8000000000000000ull, 0ull},
};
const BinRow<uint64_t> kI64Sub[] = {
    {0xffffffffffffffffull, 0xffffffffffffffffull, 0ull},
    {0x7fffffffffffffffull, 0xffffffffffffffffull, 0x8000000000000000ull},
    {0x8000000000000000ull, 0x8000000000000000ull, 0ull},
};
const BinRow<uint64_t> kI64Mul[] = {
    {1ull, 0ull, 0ull},
    {0x8000000000000000ull, 0ull, 0ull},
    {0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull},
};

TEST(NumericsInt, AddSubMulWrap) {
  expect_binary(kI32Add, num::add<uint32_t>);
  expect_binary(kI32Sub, num::sub<uint32_t>);
  expect_binary(kI32Mul, num::mul<uint32_t>);
  expect_binary(kI64Add, num::add<uint64_t>);
  expect_binary(kI64Sub, num::sub<uint64_t>);
  expect_binary(kI64Mul, num::mul<uint64_t>);
}

const DivRow<uint32_t> kI32DivS[] = {
    {1u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 0u, NumTrap::int_div_by_zero, 0},
    {0x80000000u, 0xffffffffu, NumTrap::int_overflow, 0},
    {0x80000000u, 0u, NumTrap::int_div_by_zero, 0},
    {1u, 1u, NumTrap::none, 1u},
    {0u, 1u, NumTrap::none, 0u},
    {0u, 0xffffffffu, NumTrap::none, 0u},
    {0xffffffffu, 0xffffffffu, NumTrap::none, 1u},
    {0x80000000u, 2u, NumTrap::none, 0xc0000000u},
};
const DivRow<uint32_t> kI32DivU[] = {
    {1u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 1u, NumTrap::none, 0u},
    {0xffffffffu, 0xffffffffu, NumTrap::none, 1u},
    {0x80000000u, 0xffffffffu, NumTrap::none, 0u},
};
const DivRow<uint32_t> kI32RemS[] = {
    {1u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 0u, NumTrap::int_div_by_zero, 0},
    {0x7fffffffu, 0xffffffffu, NumTrap::none, 0u},
    {1u, 1u, NumTrap::none, 0u},
    {0u, 1u, NumTrap::none, 0u},
    {0u, 0xffffffffu, NumTrap::none, 0u},
    {0xffffffffu, 0xffffffffu, NumTrap::none, 0u},
    {0x80000000u, 0xffffffffu, NumTrap::none, 0u},
    {0x80000000u, 2u, NumTrap::none, 0u},
};
const DivRow<uint32_t> kI32RemU[] = {
    {1u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 0u, NumTrap::int_div_by_zero, 0},
    {0u, 1u, NumTrap::none, 0u},
    {0xffffffffu, 0xffffffffu, NumTrap::none, 0u},
    {0x80000000u, 0xffffffffu, NumTrap::none, 0x80000000u},
};
const DivRow<uint64_t> kI64DivS[] = {
    {1ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0x8000000000000000ull, 0xffffffffffffffffull, NumTrap::int_overflow, 0},
    {0x8000000000000000ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0ull, 1ull, NumTrap::none, 0ull},
    {0ull, 0xffffffffffffffffull, NumTrap::none, 0ull},
};
const DivRow<uint64_t> kI64DivU[] = {
    {1ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0x8000000000000000ull, 0xffffffffffffffffull, NumTrap::none, 0ull},
};
const DivRow<uint64_t> kI64RemS[] = {
    {1ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0x7fffffffffffffffull, 0xffffffffffffffffull, NumTrap::none, 0ull},
    {0ull, 0xffffffffffffffffull, NumTrap::none, 0ull},
    {0xffffffffffffffffull, 0xffffffffffffffffull, NumTrap::none, 0ull},
    {0x8000000000000000ull, 0xffffffffffffffffull, NumTrap::none, 0ull},
};
const DivRow<uint64_t> kI64RemU[] = {
    {1ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0ull, 0ull, NumTrap::int_div_by_zero, 0},
    {0xffffffffffffffffull, 0xffffffffffffffffull, NumTrap::none, 0ull},
};

TEST(NumericsInt, DivRemResultsAndTraps) {
  expect_div(kI32DivS, num::div_s<uint32_t>);
  expect_div(kI32DivU, num::div_u<uint32_t>);
  expect_div(kI32RemS, num::rem_s<uint32_t>);
  expect_div(kI32RemU, num::rem_u<uint32_t>);
  expect_div(kI64DivS, num::div_s<uint64_t>);
  expect_div(kI64DivU, num::div_u<uint64_t>);
  expect_div(kI64RemS, num::rem_s<uint64_t>);
  expect_div(kI64RemU, num::rem_u<uint64_t>);
}

const BinRow<uint32_t> kI32And[] = {
    {0u, 0u, 0u},
    {0x7fffffffu, 0x80000000u, 0u},
    {0x7fffffffu, 0xffffffffu, 0x7fffffffu},
};
const BinRow<uint32_t> kI32Or[] = {
    {0u, 0u, 0u},
    {0x7fffffffu, 0x80000000u, 0xffffffffu},
    {0x80000000u, 0u, 0x80000000u},
};
const BinRow<uint32_t> kI32Xor[] = {
    {0u, 0u, 0u},
    {0x7fffffffu, 0x80000000u, 0xffffffffu},
    {0x80000000u, 0u, 0x80000000u},
};
const BinRow<uint64_t> kI64And[] = {
    {0ull, 0ull, 0ull},
    {0x7fffffffffffffffull, 0x8000000000000000ull, 0ull},
    {0x7fffffffffffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull},
};
const BinRow<uint64_t> kI64Or[] = {
    {0ull, 0ull, 0ull},
    {0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull},
    {0x8000000000000000ull, 0ull, 0x8000000000000000ull},
};
const BinRow<uint64_t> kI64Xor[] = {
    {0ull, 0ull, 0ull},
    {0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull},
    {0x8000000000000000ull, 0ull, 0x8000000000000000ull},
};

TEST(NumericsInt, Bitwise) {
  expect_binary(kI32And, num::and_<uint32_t>);
  expect_binary(kI32Or, num::or_<uint32_t>);
  expect_binary(kI32Xor, num::xor_<uint32_t>);
  expect_binary(kI64And, num::and_<uint64_t>);
  expect_binary(kI64Or, num::or_<uint64_t>);
  expect_binary(kI64Xor, num::xor_<uint64_t>);
}

const BinRow<uint32_t> kI32Shl[] = {
    {1u, 0u, 1u},
    {0x7fffffffu, 1u, 0xfffffffeu},
    {0x80000000u, 1u, 0u},
    {1u, 0xffffffffu, 0x80000000u},
    {1u, 0x7fffffffu, 0x80000000u},
};
const BinRow<uint32_t> kI32ShrS[] = {
    {0xffffffffu, 1u, 0xffffffffu},          {1u, 0xffffffffu, 0u},
    {0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0x7fffffffu, 0xffffffffu},
    {0xffffffffu, 0x80000000u, 0xffffffffu},
};
const BinRow<uint32_t> kI32ShrU[] = {
    {0xffffffffu, 1u, 0x7fffffffu},
    {1u, 0xffffffffu, 0u},
    {1u, 0x7fffffffu, 0u},
    {0xffffffffu, 0x20u, 0xffffffffu},
    {0xffffffffu, 0x80000000u, 0xffffffffu},
};
const BinRow<uint32_t> kI32Rotl[] = {
    {1u, 1u, 2u},          {1u, 0u, 1u}, {0xffffffffu, 1u, 0xffffffffu}, {1u, 0x1fu, 0x80000000u},
    {0x80000000u, 1u, 1u},
};
const BinRow<uint32_t> kI32Rotr[] = {
    {1u, 1u, 0x80000000u},    {1u, 0u, 1u}, {0xffffffffu, 1u, 0xffffffffu}, {1u, 0x20u, 1u},
    {0x80000000u, 0x1fu, 1u},
};
const BinRow<uint64_t> kI64Shl[] = {
    {0x8000000000000000ull, 1ull, 0ull},
    {1ull, 0xffffffffffffffffull, 0x8000000000000000ull},
    {1ull, 0x7fffffffffffffffull, 0x8000000000000000ull},
};
const BinRow<uint64_t> kI64ShrS[] = {
    {0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull},
    {0xffffffffffffffffull, 0x7fffffffffffffffull, 0xffffffffffffffffull},
    {0xffffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull},
};
const BinRow<uint64_t> kI64ShrU[] = {
    {0xffffffffffffffffull, 1ull, 0x7fffffffffffffffull},
    {1ull, 0xffffffffffffffffull, 0ull},
    {0xffffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull},
};
const BinRow<uint64_t> kI64Rotl[] = {
    {1ull, 0ull, 1ull},
    {0xffffffffffffffffull, 1ull, 0xffffffffffffffffull},
    {1ull, 0x3full, 0x8000000000000000ull},
};
const BinRow<uint64_t> kI64Rotr[] = {
    {1ull, 1ull, 0x8000000000000000ull},
    {1ull, 0ull, 1ull},
    {0xffffffffffffffffull, 1ull, 0xffffffffffffffffull},
};

TEST(NumericsInt, ShiftsAndRotatesTakeCountModWidth) {
  expect_binary(kI32Shl, num::shl<uint32_t>);
  expect_binary(kI32ShrS, num::shr_s<uint32_t>);
  expect_binary(kI32ShrU, num::shr_u<uint32_t>);
  expect_binary(kI32Rotl, num::rotl<uint32_t>);
  expect_binary(kI32Rotr, num::rotr<uint32_t>);
  expect_binary(kI64Shl, num::shl<uint64_t>);
  expect_binary(kI64ShrS, num::shr_s<uint64_t>);
  expect_binary(kI64ShrU, num::shr_u<uint64_t>);
  expect_binary(kI64Rotl, num::rotl<uint64_t>);
  expect_binary(kI64Rotr, num::rotr<uint64_t>);
}

const Pair<uint32_t, uint32_t> kI32Clz[] = {
    {0xffffffffu, 0u}, {0u, 0x20u}, {0x8000u, 0x10u}, {0x80000000u, 0u}, {0x7fffffffu, 1u},
};
const Pair<uint32_t, uint32_t> kI32Ctz[] = {
    {0xffffffffu, 0u},
    {0u, 0x20u},
    {0x80000000u, 0x1fu},
    {0x7fffffffu, 0u},
};
const Pair<uint32_t, uint32_t> kI32Popcnt[] = {
    {0xffffffffu, 0x20u},
    {0u, 0u},
    {0x8000u, 1u},
    {0x7fffffffu, 0x1fu},
};
const Pair<uint64_t, uint64_t> kI64Clz[] = {
    {0xffffffffffffffffull, 0ull},
    {0ull, 0x40ull},
    {0x8000000000000000ull, 0ull},
};
const Pair<uint64_t, uint64_t> kI64Ctz[] = {
    {0xffffffffffffffffull, 0ull},
    {0ull, 0x40ull},
    {0x7fffffffffffffffull, 0ull},
};
const Pair<uint64_t, uint64_t> kI64Popcnt[] = {
    {0xffffffffffffffffull, 0x40ull},
    {0ull, 0ull},
    {0x7fffffffffffffffull, 0x3full},
};

TEST(NumericsInt, BitCountsDefineZero) {
  expect_unary(kI32Clz, num::clz<uint32_t>);
  expect_unary(kI32Ctz, num::ctz<uint32_t>);
  expect_unary(kI32Popcnt, num::popcnt<uint32_t>);
  expect_unary(kI64Clz, num::clz<uint64_t>);
  expect_unary(kI64Ctz, num::ctz<uint64_t>);
  expect_unary(kI64Popcnt, num::popcnt<uint64_t>);
}

const Pair<uint32_t, uint32_t> kI32Eqz[] = {
    {0x80000000u, 0u},
    {0x7fffffffu, 0u},
    {0xffffffffu, 0u},
};
const Pair<uint64_t, uint32_t> kI64Eqz[] = {
    {0x8000000000000000ull, 0u},
    {0x7fffffffffffffffull, 0u},
    {0xffffffffffffffffull, 0u},
};

// One operand pair (the pairs i32/i64.wast use for every comparison) with the results of eq, ne,
// lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u.
template <typename U>
struct IntCmpRow {
  U a, b;
  uint32_t want[10];
};
const IntCmpRow<uint32_t> kI32Cmp[] = {
    {0u, 0u, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {1u, 1u, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0xffffffffu, 1u, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0x80000000u, 0x80000000u, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0x7fffffffu, 0x7fffffffu, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0xffffffffu, 0xffffffffu, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {1u, 0u, {0u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u, 1u}},
    {0u, 1u, {0u, 1u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u}},
    {0x80000000u, 0u, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0u, 0x80000000u, {0u, 1u, 0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u}},
    {0x80000000u, 0xffffffffu, {0u, 1u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u}},
    {0xffffffffu, 0x80000000u, {0u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u, 1u}},
    {0x80000000u, 0x7fffffffu, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0x7fffffffu, 0x80000000u, {0u, 1u, 0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u}},
};
const IntCmpRow<uint64_t> kI64Cmp[] = {
    {0ull, 0ull, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {1ull, 1ull, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0xffffffffffffffffull, 1ull, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0x8000000000000000ull, 0x8000000000000000ull, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0x7fffffffffffffffull, 0x7fffffffffffffffull, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {0xffffffffffffffffull, 0xffffffffffffffffull, {1u, 0u, 0u, 0u, 0u, 0u, 1u, 1u, 1u, 1u}},
    {1ull, 0ull, {0u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u, 1u}},
    {0ull, 1ull, {0u, 1u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u}},
    {0x8000000000000000ull, 0ull, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0ull, 0x8000000000000000ull, {0u, 1u, 0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u}},
    {0x8000000000000000ull, 0xffffffffffffffffull, {0u, 1u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u}},
    {0xffffffffffffffffull, 0x8000000000000000ull, {0u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u, 1u}},
    {0x8000000000000000ull, 0x7fffffffffffffffull, {0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u, 0u, 1u}},
    {0x7fffffffffffffffull, 0x8000000000000000ull, {0u, 1u, 0u, 1u, 1u, 0u, 0u, 1u, 1u, 0u}},
};

template <typename U, size_t N>
void expect_int_compare(const IntCmpRow<U> (&rows)[N]) {
  using Op = uint32_t (*)(U, U);
  const Op ops[10] = {num::eq<U>,   num::ne<U>,   num::lt_s<U>, num::lt_u<U>, num::gt_s<U>,
                      num::gt_u<U>, num::le_s<U>, num::le_u<U>, num::ge_s<U>, num::ge_u<U>};
  const char* const names[10] = {"eq",   "ne",   "lt_s", "lt_u", "gt_s",
                                 "gt_u", "le_s", "le_u", "ge_s", "ge_u"};
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].a) << ", " << hex(rows[i].b));
    for (size_t op = 0; op < 10; ++op) {
      EXPECT_EQ(ops[op](opaque(rows[i].a), opaque(rows[i].b)), rows[i].want[op]) << names[op];
    }
  }
}

TEST(NumericsInt, Comparisons) {
  expect_unary(kI32Eqz, num::eqz<uint32_t>);
  expect_unary(kI64Eqz, num::eqz<uint64_t>);
  expect_int_compare(kI32Cmp);
  expect_int_compare(kI64Cmp);
}

const Pair<uint32_t, uint32_t> kI32Extend8S[] = {
    {0u, 0u},
    {0xffu, 0xffffffffu},
    {0x1234500u, 0u},
    {0xffffffffu, 0xffffffffu},
};
const Pair<uint32_t, uint32_t> kI32Extend16S[] = {
    {0u, 0u},
    {0xffffu, 0xffffffffu},
    {0x1230000u, 0u},
    {0xffffffffu, 0xffffffffu},
};
const Pair<uint64_t, uint64_t> kI64Extend8S[] = {
    {0ull, 0ull},
    {0xffull, 0xffffffffffffffffull},
    {0xffffffffffffffffull, 0xffffffffffffffffull},
};
const Pair<uint64_t, uint64_t> kI64Extend16S[] = {
    {0ull, 0ull},
    {0xffffull, 0xffffffffffffffffull},
    {0xffffffffffffffffull, 0xffffffffffffffffull},
};
const Pair<uint64_t, uint64_t> kI64Extend32S[] = {
    {0ull, 0ull},
    {0xffffffffull, 0xffffffffffffffffull},
    {0xffffffffffffffffull, 0xffffffffffffffffull},
};
const Pair<uint64_t, uint32_t> kWrap[] = {
    {0xffffffffffffffffull, 0xffffffffu}, {0xfffffffffffe7960ull, 0xfffe7960u},
    {0x80000000ull, 0x80000000u},         {0xffffffff7fffffffull, 0x7fffffffu},
    {0xffffffff00000000ull, 0u},          {0xfffffffeffffffffull, 0xffffffffu},
};
const Pair<uint32_t, uint64_t> kExtendS[] = {
    {0xffffd8f0u, 0xffffffffffffd8f0ull},
    {0xffffffffu, 0xffffffffffffffffull},
    {0x7fffffffu, 0x7fffffffull},
    {0x80000000u, 0xffffffff80000000ull},
};
const Pair<uint32_t, uint64_t> kExtendU[] = {
    {0xffffd8f0u, 0xffffd8f0ull},
    {0xffffffffu, 0xffffffffull},
    {0x7fffffffu, 0x7fffffffull},
    {0x80000000u, 0x80000000ull},
};

TEST(NumericsInt, SignExtensionWrapAndExtend) {
  expect_unary(kI32Extend8S, num::extend8_s<uint32_t>);
  expect_unary(kI32Extend16S, num::extend16_s<uint32_t>);
  expect_unary(kI64Extend8S, num::extend8_s<uint64_t>);
  expect_unary(kI64Extend16S, num::extend16_s<uint64_t>);
  expect_unary(kI64Extend32S, num::extend32_s);
  expect_unary(kWrap, num::wrap_i64);
  expect_unary(kExtendS, num::extend_i32_s);
  expect_unary(kExtendU, num::extend_i32_u);
}

// ---- Float operators (f32/f64.wast grid, float_misc.wast) ---------------------------------------

// One operand pair with the spec's results for add, sub, mul, div, min and max.
template <typename F>
struct ArithRow {
  F a, b;
  Want<F> add, sub, mul, div, min, max;
};

const ArithRow<float> kF32Arith[] = {
    {-0x0p+0f, -0x0p+0f, -0x0p+0f, 0x0p+0f, 0x0p+0f, kCanonical, -0x0p+0f, -0x0p+0f},
    {-0x0p+0f, 0x0p+0f, 0x0p+0f, -0x0p+0f, -0x0p+0f, kCanonical, -0x0p+0f, 0x0p+0f},
    {0x0p+0f, -0x0p+0f, 0x0p+0f, 0x0p+0f, -0x0p+0f, kCanonical, -0x0p+0f, 0x0p+0f},
    {0x0p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f, kCanonical, 0x0p+0f, 0x0p+0f},
    {-0x1p-149f, 0x1p-126f, 0x1.fffffcp-127f, -0x1.000002p-126f, -0x0p+0f, -0x1p-23f, -0x1p-149f,
     0x1p-126f},
    {0x1p-126f, -0x1p-126f, 0x0p+0f, 0x1p-125f, -0x0p+0f, -0x1p+0f, -0x1p-126f, 0x1p-126f},
    {0x1p+0f, -0x1p+0f, 0x0p+0f, 0x1p+1f, -0x1p+0f, -0x1p+0f, -0x1p+0f, 0x1p+0f},
    {0x1.921fb6p+2f, -0x1p-1f, 0x1.721fb6p+2f, 0x1.b21fb6p+2f, -0x1.921fb6p+1f, -0x1.921fb6p+3f,
     -0x1p-1f, 0x1.921fb6p+2f},
    {0x1.fffffep+127f, 0x1.fffffep+127f, kInf32, 0x0p+0f, kInf32, 0x1p+0f, 0x1.fffffep+127f,
     0x1.fffffep+127f},
    {-0x1.fffffep+127f, 0x1.fffffep+127f, 0x0p+0f, -kInf32, -kInf32, -0x1p+0f, -0x1.fffffep+127f,
     0x1.fffffep+127f},
    {kInf32, kInf32, kInf32, kCanonical, kInf32, kCanonical, kInf32, kInf32},
    {kInf32, -kInf32, kCanonical, kInf32, -kInf32, kCanonical, -kInf32, kInf32},
    {-kInf32, 0x0p+0f, -kInf32, -kInf32, kCanonical, -kInf32, -kInf32, 0x0p+0f},
    {nan32(0x400000u, true), 0x1p+0f, kCanonical, kCanonical, kCanonical, kCanonical, kCanonical,
     kCanonical},
    {nan32(0x200000u), 0x1p+0f, kArithmetic, kArithmetic, kArithmetic, kArithmetic, kArithmetic,
     kArithmetic},
    {-0x1p+0f, nan32(0x200000u, true), kArithmetic, kArithmetic, kArithmetic, kArithmetic,
     kArithmetic, kArithmetic},
};
const ArithRow<double> kF64Arith[] = {
    {-0x0p+0, -0x0p+0, -0x0p+0, 0x0p+0, 0x0p+0, kCanonical, -0x0p+0, -0x0p+0},
    {-0x0p+0, 0x0p+0, 0x0p+0, -0x0p+0, -0x0p+0, kCanonical, -0x0p+0, 0x0p+0},
    {0x0p+0, -0x0p+0, 0x0p+0, 0x0p+0, -0x0p+0, kCanonical, -0x0p+0, 0x0p+0},
    {0x0p+0, 0x0p+0, 0x0p+0, 0x0p+0, 0x0p+0, kCanonical, 0x0p+0, 0x0p+0},
    {-0x0.0000000000001p-1022, 0x1p-1022, 0x0.fffffffffffffp-1022, -0x1.0000000000001p-1022,
     -0x0p+0, -0x1p-52, -0x0.0000000000001p-1022, 0x1p-1022},
    {0x1p-1022, -0x1p-1022, 0x0p+0, 0x1p-1021, -0x0p+0, -0x1p+0, -0x1p-1022, 0x1p-1022},
    {0x1p+0, -0x1p+0, 0x0p+0, 0x1p+1, -0x1p+0, -0x1p+0, -0x1p+0, 0x1p+0},
    {0x1.921fb54442d18p+2, -0x1p-1, 0x1.721fb54442d18p+2, 0x1.b21fb54442d18p+2,
     -0x1.921fb54442d18p+1, -0x1.921fb54442d18p+3, -0x1p-1, 0x1.921fb54442d18p+2},
    {0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023, kInf64, 0x0p+0, kInf64, 0x1p+0,
     0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023},
    {-0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023, 0x0p+0, -kInf64, -kInf64, -0x1p+0,
     -0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023},
    {kInf64, kInf64, kInf64, kCanonical, kInf64, kCanonical, kInf64, kInf64},
    {kInf64, -kInf64, kCanonical, kInf64, -kInf64, kCanonical, -kInf64, kInf64},
    {-kInf64, 0x0p+0, -kInf64, -kInf64, kCanonical, -kInf64, -kInf64, 0x0p+0},
    {nan64(0x8000000000000ull, true), 0x1p+0, kCanonical, kCanonical, kCanonical, kCanonical,
     kCanonical, kCanonical},
    {nan64(0x4000000000000ull), 0x1p+0, kArithmetic, kArithmetic, kArithmetic, kArithmetic,
     kArithmetic, kArithmetic},
    {-0x1p+0, nan64(0x4000000000000ull, true), kArithmetic, kArithmetic, kArithmetic, kArithmetic,
     kArithmetic, kArithmetic},
};

template <typename F, size_t N>
void expect_arith(const ArithRow<F> (&rows)[N]) {
  for (size_t i = 0; i < N; ++i) {
    const ArithRow<F>& row = rows[i];
    TRACE_ROW(i, hex(row.a) << ", " << hex(row.b));
    const F a = opaque(row.a), b = opaque(row.b);
    EXPECT_FLOAT_IS(num::add(a, b), row.add);
    EXPECT_FLOAT_IS(num::sub(a, b), row.sub);
    EXPECT_FLOAT_IS(num::mul(a, b), row.mul);
    EXPECT_FLOAT_IS(num::div(a, b), row.div);
    EXPECT_FLOAT_IS(num::min(a, b), row.min);
    EXPECT_FLOAT_IS(num::max(a, b), row.max);
  }
}

TEST(NumericsFloat, ArithmeticMinMaxF32) {
  expect_arith(kF32Arith);
}
TEST(NumericsFloat, ArithmeticMinMaxF64) {
  expect_arith(kF64Arith);
}

template <typename F>
struct FloatBinRow {
  F a, b;
  Want<F> want;
};
template <typename F, size_t N>
void expect_float_binary(const FloatBinRow<F> (&rows)[N], F (*op)(F, F)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].a) << ", " << hex(rows[i].b));
    EXPECT_FLOAT_IS(op(opaque(rows[i].a), opaque(rows[i].b)), rows[i].want);
  }
}
template <typename F, size_t N>
void expect_float_unary(const Pair<F, Want<F>> (&rows)[N], F (*op)(F)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].in));
    EXPECT_FLOAT_IS(op(opaque(rows[i].in)), rows[i].want);
  }
}

const FloatBinRow<float> kF32MiscAdd[] = {
    {1.1234567890f, 1.2345e-10f, 1.123456789f},
    {1.0f, 0x1p-24f, 0x1.0p+0f},
    {1.0f, 0x1.000002p-24f, 0x1.000002p+0f},
    {0x1p-149f, 0x1.fffffcp-127f, 0x1p-126f},
};
const FloatBinRow<float> kF32MiscSub[] = {
    {65536.0f, 0x1p-37f, 65536.0f},
    {1.0f, 0x1p-25f, 0x1.0p+0f},
    {1.0f, 0x1.000002p-25f, 0x1.fffffep-1f},
};
const FloatBinRow<float> kF32MiscMul[] = {
    {1e15f, 1e15f, 0x1.93e592p+99f},
    {1e20f, 1e20f, kInf32},
    {1e25f, 1e25f, kInf32},
    {1848874880.0f, 19954563072.0f, 0x1.000002p+65f},
};
const FloatBinRow<float> kF32MiscDiv[] = {
    {1.123456789f, 100.0f, 0x1.702264p-7f},
    {8391667.0f, 12582905.0f, 0x1.55754p-1f},
    {65536.0f, 0x1p-37f, 0x1p+53f},
    {0x1.dcbf6ap+0f, 0x1.fffffep+127f, 0x1.dcbf68p-128f},
};
const FloatBinRow<double> kF64MiscAdd[] = {
    {1.1234567890, 1.2345e-10, 0x1.1f9add37c11f7p+0},
    {1.0, 0x1p-53, 0x1.0p+0},
    {1.0, 0x1.0000000000001p-53, 0x1.0000000000001p+0},
    {0x0.0000000000001p-1022, 0x0.fffffffffffffp-1022, 0x1p-1022},
};
const FloatBinRow<double> kF64MiscSub[] = {
    {65536.0, 0x1p-37, 0x1.fffffffffffffp+15},
    {1.0, 0x1p-54, 0x1.0p+0},
    {1.0, 0x1.0000000000001p-54, 0x1.fffffffffffffp-1},
};
const FloatBinRow<double> kF64MiscMul[] = {
    {1e15, 1e15, 0x1.93e5939a08ceap+99},
    {1e20, 1e20, 0x1.d6329f1c35ca5p+132},
    {1e25, 1e25, 0x1.11b0ec57e649bp+166},
    {1848874847.0, 19954562207.0, 3.6893488147419111424e+19},
};
const FloatBinRow<double> kF64MiscDiv[] = {
    {1.123456789, 100.0, 0.01123456789},
    {8391667.0, 12582905.0, 0x1.55753f1d9ba27p-1},
    {65536.0, 0x1p-37, 0x1p+53},
    {0x1.dcbf6ap+0, 0x1.fffffffffffffp+1023, 0x0.772fda8p-1022},
};

TEST(NumericsFloat, ArithmeticRoundsToNearestEven) {
  expect_float_binary(kF32MiscAdd, num::add<float>);
  expect_float_binary(kF32MiscSub, num::sub<float>);
  expect_float_binary(kF32MiscMul, num::mul<float>);
  expect_float_binary(kF32MiscDiv, num::div<float>);
  expect_float_binary(kF64MiscAdd, num::add<double>);
  expect_float_binary(kF64MiscSub, num::sub<double>);
  expect_float_binary(kF64MiscMul, num::mul<double>);
  expect_float_binary(kF64MiscDiv, num::div<double>);
}

const Pair<float, Want<float>> kF32Sqrt[] = {
    {-0x0p+0f, -0x0p+0f},
    {0x0p+0f, 0x0p+0f},
    {0x1p-149f, 0x1.6a09e6p-75f},
    {-0x1p-149f, kCanonical},
    {0x1p+0f, 0x1p+0f},
    {-0x1p+0f, kCanonical},
    {0x1.fffffep+127f, 0x1.fffffep+63f},
    {kInf32, kInf32},
    {-kInf32, kCanonical},
    {nan32(0x400000u), kCanonical},
    {nan32(0x200000u, true), kArithmetic},
    {0x1.56p+7f, 0x1.a2744cp+3f},
    {0x1.594dfcp-23f, 0x1.a4789cp-12f},
    {0x1.098064p-3f, 0x1.70b23p-2f},
    {0x1.d9befp+100f, 0x1.5c4052p+50f},
};
const Pair<double, Want<double>> kF64Sqrt[] = {
    {-0x0p+0, -0x0p+0},
    {0x0p+0, 0x0p+0},
    {0x0.0000000000001p-1022, 0x1p-537},
    {-0x0.0000000000001p-1022, kCanonical},
    {0x1p+0, 0x1p+0},
    {-0x1p+0, kCanonical},
    {0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+511},
    {kInf64, kInf64},
    {-kInf64, kCanonical},
    {nan64(0x8000000000000ull), kCanonical},
    {nan64(0x4000000000000ull, true), kArithmetic},
    {0x1.56p+7, 0x1.a2744ce9674f5p+3},
    {0x1.594dfc70aa105p-23, 0x1.a4789c0e37f99p-12},
    {0x1.0263fcc94f259p-164, 0x1.0131485de579fp-82},
    {0x1.352dfa278c43dp+338, 0x1.195607dac5417p+169},
};

TEST(NumericsFloat, Sqrt) {
  expect_float_unary(kF32Sqrt, num::sqrt<float>);
  expect_float_unary(kF64Sqrt, num::sqrt<double>);
}

// One input with the spec's ceil, floor, trunc and nearest.
template <typename F>
struct RoundRow {
  F x;
  Want<F> ceil, floor, trunc, nearest;
};
const RoundRow<float> kF32Round[] = {
    {-0x0p+0f, -0x0p+0f, -0x0p+0f, -0x0p+0f, -0x0p+0f},
    {0x0p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f},
    {-0x1p-149f, -0x0p+0f, -0x1p+0f, -0x0p+0f, -0x0p+0f},
    {0x1p-149f, 0x1p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f},
    {-0x1p-1f, -0x0p+0f, -0x1p+0f, -0x0p+0f, -0x0p+0f},
    {0x1p-1f, 0x1p+0f, 0x0p+0f, 0x0p+0f, 0x0p+0f},
    {-0x1p+0f, -0x1p+0f, -0x1p+0f, -0x1p+0f, -0x1p+0f},
    {0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f},
    {0x1.921fb6p+2f, 0x1.cp+2f, 0x1.8p+2f, 0x1.8p+2f, 0x1.8p+2f},
    {-0x1.fffffep+127f, -0x1.fffffep+127f, -0x1.fffffep+127f, -0x1.fffffep+127f, -0x1.fffffep+127f},
    {-kInf32, -kInf32, -kInf32, -kInf32, -kInf32},
    {kInf32, kInf32, kInf32, kInf32, kInf32},
    {nan32(0x400000u, true), kCanonical, kCanonical, kCanonical, kCanonical},
    {nan32(0x200000u, true), kArithmetic, kArithmetic, kArithmetic, kArithmetic},
    {nan32(0x400000u), kCanonical, kCanonical, kCanonical, kCanonical},
    {nan32(0x200000u), kArithmetic, kArithmetic, kArithmetic, kArithmetic},
};
const RoundRow<double> kF64Round[] = {
    {-0x0p+0, -0x0p+0, -0x0p+0, -0x0p+0, -0x0p+0},
    {0x0p+0, 0x0p+0, 0x0p+0, 0x0p+0, 0x0p+0},
    {-0x0.0000000000001p-1022, -0x0p+0, -0x1p+0, -0x0p+0, -0x0p+0},
    {0x0.0000000000001p-1022, 0x1p+0, 0x0p+0, 0x0p+0, 0x0p+0},
    {-0x1p-1, -0x0p+0, -0x1p+0, -0x0p+0, -0x0p+0},
    {0x1p-1, 0x1p+0, 0x0p+0, 0x0p+0, 0x0p+0},
    {-0x1p+0, -0x1p+0, -0x1p+0, -0x1p+0, -0x1p+0},
    {0x1p+0, 0x1p+0, 0x1p+0, 0x1p+0, 0x1p+0},
    {0x1.921fb54442d18p+2, 0x1.cp+2, 0x1.8p+2, 0x1.8p+2, 0x1.8p+2},
    {-0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023,
     -0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023},
    {-kInf64, -kInf64, -kInf64, -kInf64, -kInf64},
    {kInf64, kInf64, kInf64, kInf64, kInf64},
    {nan64(0x8000000000000ull, true), kCanonical, kCanonical, kCanonical, kCanonical},
    {nan64(0x4000000000000ull, true), kArithmetic, kArithmetic, kArithmetic, kArithmetic},
    {nan64(0x8000000000000ull), kCanonical, kCanonical, kCanonical, kCanonical},
    {nan64(0x4000000000000ull), kArithmetic, kArithmetic, kArithmetic, kArithmetic},
};
const Pair<float, Want<float>> kF32MiscCeil[] = {
    {0x1.fffffep-1f, 1.0f},
    {0x1.000002p+0f, 2.0f},
    {0x1.fffffep+22f, 0x1p+23f},
    {-0x1.fffffep+22f, -0x1.fffffcp+22f},
};
const Pair<float, Want<float>> kF32MiscFloor[] = {
    {-0x1.fffffep-1f, -1.0f},
    {-0x1.000002p+0f, -2.0f},
    {-0x1.fffffep+22f, -0x1p+23f},
    {0x1.fffffep+22f, 0x1.fffffcp+22f},
};
const Pair<float, Want<float>> kF32MiscNearest[] = {
    {0x1.000002p+23f, 0x1.000002p+23f},
    {0x1.000004p+23f, 0x1.000004p+23f},
    {0x1.fffffep-2f, 0.0f},
    {0x1.fffffep+47f, 0x1.fffffep+47f},
    {4.5f, 4.0f},
    {-4.5f, -4.0f},
};
const Pair<double, Want<double>> kF64MiscCeil[] = {
    {0x1.fffffffffffffp-1, 1.0},
    {0x1.0000000000001p+0, 2.0},
    {0x1.fffffffffffffp+51, 0x1p+52},
    {-0x1.fffffffffffffp+51, -0x1.ffffffffffffep+51},
};
const Pair<double, Want<double>> kF64MiscFloor[] = {
    {-0x1.fffffffffffffp-1, -1.0},
    {-0x1.0000000000001p+0, -2.0},
    {-0x1.fffffffffffffp+51, -0x1p+52},
    {0x1.fffffffffffffp+51, 0x1.ffffffffffffep+51},
};
const Pair<double, Want<double>> kF64MiscNearest[] = {
    {0x1.0000000000001p+52, 0x1.0000000000001p+52},
    {0x1.0000000000002p+52, 0x1.0000000000002p+52},
    {0x1.fffffffffffffp-2, 0.0},
    {0x1.fffffffffffffp+105, 0x1.fffffffffffffp+105},
    {4.5, 4.0},
    {-4.5, -4.0},
};

// The four rounding ops, either the dispatching ones or the portable arithmetic fallbacks.
template <typename F>
struct Rounders {
  F (*ceil)(F);
  F (*floor)(F);
  F (*trunc)(F);
  F (*nearest)(F);
};
template <typename F>
constexpr Rounders<F> kDispatchedOps = {num::ceil<F>, num::floor<F>, num::trunc<F>,
                                        num::nearest<F>};
template <typename F>
constexpr Rounders<F> kFallbackOps = {num::detail::ceil_arith<F>, num::detail::floor_arith<F>,
                                      num::detail::trunc_arith<F>, num::detail::nearest_arith<F>};

template <typename F, size_t N>
void expect_rounding(const RoundRow<F> (&rows)[N], const Rounders<F>& ops) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].x));
    const F x = opaque(rows[i].x);
    EXPECT_FLOAT_IS(ops.ceil(x), rows[i].ceil);
    EXPECT_FLOAT_IS(ops.floor(x), rows[i].floor);
    EXPECT_FLOAT_IS(ops.trunc(x), rows[i].trunc);
    EXPECT_FLOAT_IS(ops.nearest(x), rows[i].nearest);
  }
}
void expect_all_rounding(const Rounders<float>& f32, const Rounders<double>& f64) {
  expect_rounding(kF32Round, f32);
  expect_float_unary(kF32MiscCeil, f32.ceil);
  expect_float_unary(kF32MiscFloor, f32.floor);
  expect_float_unary(kF32MiscNearest, f32.nearest);
  expect_rounding(kF64Round, f64);
  expect_float_unary(kF64MiscCeil, f64.ceil);
  expect_float_unary(kF64MiscFloor, f64.floor);
  expect_float_unary(kF64MiscNearest, f64.nearest);
}

TEST(NumericsFloat, RoundingDispatched) {
  expect_all_rounding(kDispatchedOps<float>, kDispatchedOps<double>);
}
TEST(NumericsFloat, RoundingArithmeticFallback) {
  expect_all_rounding(kFallbackOps<float>, kFallbackOps<double>);
}

// Cases around 2^fraction_bits and halfway points that the .wast rows above touch only in
// part; expected values follow from the IEEE definitions (round half to even for nearest).
TEST(NumericsFloat, RoundingFallbackEdges) {
  const Rounders<float>& f = kFallbackOps<float>;
  EXPECT_FLOAT_IS(f.nearest(opaque(0x1.fffffep+22f)), 0x1p+23f);         // 8388607.5 -> even
  EXPECT_FLOAT_IS(f.nearest(opaque(0x1.fffffap+22f)), 0x1.fffff8p+22f);  // 8388606.5 -> even
  EXPECT_FLOAT_IS(f.trunc(opaque(0x1.fffffep+22f)), 0x1.fffffcp+22f);
  EXPECT_FLOAT_IS(f.floor(opaque(-0x1p-149f)), -1.0f);
  EXPECT_FLOAT_IS(f.ceil(opaque(-0x1.fffffep-1f)), -0.0f);
  EXPECT_FLOAT_IS(f.nearest(opaque(2.5f)), 2.0f);
  EXPECT_FLOAT_IS(f.nearest(opaque(-2.5f)), -2.0f);
  EXPECT_FLOAT_IS(f.nearest(opaque(0x1p+23f)), 0x1p+23f);
  EXPECT_FLOAT_IS(f.nearest(opaque(nan32(0x200000u))), kArithmetic);  // signalling NaN is quieted
  const Rounders<double>& d = kFallbackOps<double>;
  EXPECT_FLOAT_IS(d.nearest(opaque(0x1.fffffffffffffp+51)), 0x1p+52);
  EXPECT_FLOAT_IS(d.nearest(opaque(-0x1p-1)), -0.0);
  EXPECT_FLOAT_IS(d.trunc(opaque(-0x1.fffffffffffffp+51)), -0x1.ffffffffffffep+51);
  EXPECT_FLOAT_IS(d.floor(opaque(-0x0.0000000000001p-1022)), -1.0);
  EXPECT_FLOAT_IS(d.ceil(opaque(0x0.0000000000001p-1022)), 1.0);
  EXPECT_FLOAT_IS(d.nearest(opaque(nan64(0x4000000000000u))), kArithmetic);
}

// abs/neg/copysign (f32/f64_bitwise.wast) are sign-bit operations, NaNs included.
template <typename F>
struct AbsNegRow {
  F x;
  Want<F> abs, neg;
};
const AbsNegRow<float> kF32AbsNeg[] = {
    {-0x0p+0f, 0x0p+0f, 0x0p+0f},
    {0x0p+0f, 0x0p+0f, -0x0p+0f},
    {0x1p-149f, 0x1p-149f, -0x1p-149f},
    {-0x1p+0f, 0x1p+0f, 0x1p+0f},
    {-kInf32, kInf32, kInf32},
    {kInf32, kInf32, -kInf32},
    {nan32(0x400000u, true), nan32(0x400000u), nan32(0x400000u)},
    {nan32(0x400000u), nan32(0x400000u), nan32(0x400000u, true)},
};
const AbsNegRow<double> kF64AbsNeg[] = {
    {-0x0p+0, 0x0p+0, 0x0p+0},
    {0x0p+0, 0x0p+0, -0x0p+0},
    {0x0.0000000000001p-1022, 0x0.0000000000001p-1022, -0x0.0000000000001p-1022},
    {-0x1p+0, 0x1p+0, 0x1p+0},
    {-kInf64, kInf64, kInf64},
    {kInf64, kInf64, -kInf64},
    {nan64(0x8000000000000ull, true), nan64(0x8000000000000ull), nan64(0x8000000000000ull)},
    {nan64(0x8000000000000ull), nan64(0x8000000000000ull), nan64(0x8000000000000ull, true)},
};
const FloatBinRow<float> kF32Copysign[] = {
    {0x0p+0f, -0x1p+0f, -0x0p+0f},
    {-0x0p+0f, 0x1p+0f, 0x0p+0f},
    {0x1p+0f, -0x0p+0f, -0x1p+0f},
    {0x1p-149f, -kInf32, -0x1p-149f},
    {-0x1.fffffep+127f, 0x1p-149f, 0x1.fffffep+127f},
    {kInf32, nan32(0x400000u, true), -kInf32},
    {-kInf32, nan32(0x400000u), kInf32},
    {nan32(0x400000u), -0x1p-1f, nan32(0x400000u, true)},
    {nan32(0x400000u, true), 0x1.921fb6p+2f, nan32(0x400000u)},
};
const FloatBinRow<double> kF64Copysign[] = {
    {0x0p+0, -0x1p+0, -0x0p+0},
    {-0x0p+0, 0x1p+0, 0x0p+0},
    {0x1p+0, -0x0p+0, -0x1p+0},
    {0x0.0000000000001p-1022, -kInf64, -0x0.0000000000001p-1022},
    {-0x1.fffffffffffffp+1023, 0x0.0000000000001p-1022, 0x1.fffffffffffffp+1023},
    {kInf64, nan64(0x8000000000000ull, true), -kInf64},
    {-kInf64, nan64(0x8000000000000ull), kInf64},
    {nan64(0x8000000000000ull), -0x1p-1, nan64(0x8000000000000ull, true)},
    {nan64(0x8000000000000ull, true), 0x1.921fb54442d18p+2, nan64(0x8000000000000ull)},
};

template <typename F, size_t N>
void expect_abs_neg(const AbsNegRow<F> (&rows)[N]) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].x));
    EXPECT_FLOAT_IS(num::abs(opaque(rows[i].x)), rows[i].abs);
    EXPECT_FLOAT_IS(num::neg(opaque(rows[i].x)), rows[i].neg);
  }
}

TEST(NumericsFloat, AbsNegCopysign) {
  expect_abs_neg(kF32AbsNeg);
  expect_abs_neg(kF64AbsNeg);
  expect_float_binary(kF32Copysign, num::copysign<float>);
  expect_float_binary(kF64Copysign, num::copysign<double>);
}

// float_exprs.wast "nonarithmetic_nan_bitpattern": neg flips only the sign, even of a signalling
// NaN; abs and copysign must not quiet one either.
TEST(NumericsFloat, SignOpsKeepNaNPayloads) {
  const uint32_t f32_in[] = {0x7fc03210u, 0xffc03210u, 0x7f803210u, 0xff803210u};
  for (uint32_t raw : f32_in) {
    const float x = opaque(num::from_bits<float>(raw));
    EXPECT_EQ(num::bits(num::neg(x)), raw ^ 0x80000000u);
    EXPECT_EQ(num::bits(num::abs(x)), raw & 0x7fffffffu);
    EXPECT_EQ(num::bits(num::copysign(x, opaque(-1.0f))), raw | 0x80000000u);
  }
  const uint64_t f64_in[] = {0x7ff8000000003210u, 0xfff8000000003210u, 0x7ff0000000003210u,
                             0xfff0000000003210u};
  for (uint64_t raw : f64_in) {
    const double x = opaque(num::from_bits<double>(raw));
    EXPECT_EQ(num::bits(num::neg(x)), raw ^ 0x8000000000000000u);
    EXPECT_EQ(num::bits(num::abs(x)), raw & 0x7fffffffffffffffu);
    EXPECT_EQ(num::bits(num::copysign(x, opaque(1.0))), raw & 0x7fffffffffffffffu);
  }
}

// float_exprs.wast NaN bit-pattern checks: results masked with the quiet/canonical bits.
TEST(NumericsFloat, NaNBitPatterns) {
  const auto f32 = [](uint32_t raw) { return opaque(num::from_bits<float>(raw)); };
  const auto f64 = [](uint64_t raw) { return opaque(num::from_bits<double>(raw)); };
  // arithmetic_nan_bitpattern: div of two signalling NaNs, & 0x7fc00000.
  EXPECT_EQ(num::bits(num::div(f32(0x7f803210u), f32(0x7f803210u))) & 0x7fc00000u, 0x7fc00000u);
  EXPECT_EQ(
      num::bits(num::div(f64(0x7ff0000000003210u), f64(0x7ff0000000003210u))) & 0x7ff8000000000000u,
      0x7ff8000000000000u);
  // canonical_nan_bitpattern: div of zeros / canonical NaNs, & 0x7fffffff.
  const uint32_t f32_canon[][2] = {{0, 0},
                                   {0x7fc00000u, 0x7fc00000u},
                                   {0xffc00000u, 0x7fc00000u},
                                   {0x7fc00000u, 0xffc00000u},
                                   {0xffc00000u, 0xffc00000u}};
  for (const auto& in : f32_canon) {
    EXPECT_EQ(num::bits(num::div(f32(in[0]), f32(in[1]))) & 0x7fffffffu, 0x7fc00000u);
  }
  const uint64_t f64_canon[][2] = {{0, 0},
                                   {0x7ff8000000000000u, 0x7ff8000000000000u},
                                   {0xfff8000000000000u, 0x7ff8000000000000u},
                                   {0x7ff8000000000000u, 0xfff8000000000000u},
                                   {0xfff8000000000000u, 0xfff8000000000000u}};
  for (const auto& in : f64_canon) {
    EXPECT_EQ(num::bits(num::div(f64(in[0]), f64(in[1]))) & 0x7fffffffffffffffu,
              0x7ff8000000000000u);
  }
  // no_fold_*: x - 0, -0 - x, x * 1, -1 * x, x / 1, x / -1 on a signalling NaN give a quiet one.
  // The constants are wasm operands, i.e. run-time values: laundered too, as GCC would otherwise
  // fold x * 1 to x, and demote(promote(x)) to x, as it assumes no signalling NaNs by default.
  // In the interpreter every operand and intermediate comes from the value stack.
  const float s32 = f32(0x7fa00000u), zero32 = opaque(0.0f), one32 = opaque(1.0f);
  const float f32_results[] = {num::sub(s32, zero32),
                               num::sub(num::neg(zero32), s32),
                               num::mul(s32, one32),
                               num::mul(num::neg(one32), s32),
                               num::div(s32, one32),
                               num::div(s32, num::neg(one32)),
                               num::demote(opaque(num::promote(s32)))};
  for (float r : f32_results) EXPECT_EQ(num::bits(r) & 0x7fc00000u, 0x7fc00000u);
  const double s64 = f64(0x7ff4000000000000u), zero64 = opaque(0.0), one64 = opaque(1.0);
  const double f64_results[] = {num::sub(s64, zero64), num::sub(num::neg(zero64), s64),
                                num::mul(s64, one64),  num::mul(num::neg(one64), s64),
                                num::div(s64, one64),  num::div(s64, num::neg(one64))};
  for (double r : f64_results) {
    EXPECT_EQ(num::bits(r) & 0x7ff8000000000000u, 0x7ff8000000000000u);
  }
}

// f32/f64_cmp.wast: eq, ne, lt, gt, le, ge for one operand pair.
template <typename F>
struct FloatCmpRow {
  F a, b;
  uint32_t eq, ne, lt, gt, le, ge;
};
const FloatCmpRow<float> kF32Cmp[] = {
    {-0x0p+0f, 0x0p+0f, 1u, 0u, 0u, 0u, 1u, 1u},
    {0x0p+0f, -0x0p+0f, 1u, 0u, 0u, 0u, 1u, 1u},
    {0x1p-149f, 0x1p-149f, 1u, 0u, 0u, 0u, 1u, 1u},
    {-0x1p-149f, 0x1p-126f, 0u, 1u, 1u, 0u, 1u, 0u},
    {0x1p-126f, -0x1p-126f, 0u, 1u, 0u, 1u, 0u, 1u},
    {0x1p+0f, -0x1p+0f, 0u, 1u, 0u, 1u, 0u, 1u},
    {-0x1.fffffep+127f, 0x1.fffffep+127f, 0u, 1u, 1u, 0u, 1u, 0u},
    {kInf32, kInf32, 1u, 0u, 0u, 0u, 1u, 1u},
    {kInf32, -kInf32, 0u, 1u, 0u, 1u, 0u, 1u},
    {0x1p+0f, -kInf32, 0u, 1u, 0u, 1u, 0u, 1u},
    {nan32(0x400000u, true), 0x1p+0f, 0u, 1u, 0u, 0u, 0u, 0u},
    {nan32(0x200000u), 0x1p+0f, 0u, 1u, 0u, 0u, 0u, 0u},
    {-0x1p+0f, nan32(0x200000u, true), 0u, 1u, 0u, 0u, 0u, 0u},
    {nan32(0x400000u), nan32(0x400000u), 0u, 1u, 0u, 0u, 0u, 0u},
};
const FloatCmpRow<double> kF64Cmp[] = {
    {-0x0p+0, 0x0p+0, 1u, 0u, 0u, 0u, 1u, 1u},
    {0x0p+0, -0x0p+0, 1u, 0u, 0u, 0u, 1u, 1u},
    {0x0.0000000000001p-1022, 0x0.0000000000001p-1022, 1u, 0u, 0u, 0u, 1u, 1u},
    {-0x0.0000000000001p-1022, 0x1p-1022, 0u, 1u, 1u, 0u, 1u, 0u},
    {0x1p-1022, -0x1p-1022, 0u, 1u, 0u, 1u, 0u, 1u},
    {0x1p+0, -0x1p+0, 0u, 1u, 0u, 1u, 0u, 1u},
    {-0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023, 0u, 1u, 1u, 0u, 1u, 0u},
    {kInf64, kInf64, 1u, 0u, 0u, 0u, 1u, 1u},
    {kInf64, -kInf64, 0u, 1u, 0u, 1u, 0u, 1u},
    {0x1p+0, -kInf64, 0u, 1u, 0u, 1u, 0u, 1u},
    {nan64(0x8000000000000ull, true), 0x1p+0, 0u, 1u, 0u, 0u, 0u, 0u},
    {nan64(0x4000000000000ull), 0x1p+0, 0u, 1u, 0u, 0u, 0u, 0u},
    {-0x1p+0, nan64(0x4000000000000ull, true), 0u, 1u, 0u, 0u, 0u, 0u},
    {nan64(0x8000000000000ull), nan64(0x8000000000000ull), 0u, 1u, 0u, 0u, 0u, 0u},
};

template <typename F, size_t N>
void expect_float_compare(const FloatCmpRow<F> (&rows)[N]) {
  for (size_t i = 0; i < N; ++i) {
    const FloatCmpRow<F>& row = rows[i];
    TRACE_ROW(i, hex(row.a) << ", " << hex(row.b));
    const F a = opaque(row.a), b = opaque(row.b);
    EXPECT_EQ(num::eq(a, b), row.eq);
    EXPECT_EQ(num::ne(a, b), row.ne);
    EXPECT_EQ(num::lt(a, b), row.lt);
    EXPECT_EQ(num::gt(a, b), row.gt);
    EXPECT_EQ(num::le(a, b), row.le);
    EXPECT_EQ(num::ge(a, b), row.ge);
  }
}

TEST(NumericsFloat, ComparisonsF32) {
  expect_float_compare(kF32Cmp);
}
TEST(NumericsFloat, ComparisonsF64) {
  expect_float_compare(kF64Cmp);
}

// ---- Conversions (conversions.wast) -------------------------------------------------------------

template <typename F, typename U>
struct TruncRow {
  F x;
  NumTrap trap;
  U want;
};
const TruncRow<float, uint32_t> kI32TruncF32S[] = {
    {-0.0f, NumTrap::none, 0u},
    {-0x1p-149f, NumTrap::none, 0u},
    {-1.9f, NumTrap::none, 0xffffffffu},
    {2147483520.0f, NumTrap::none, 0x7fffff80u},
    {-2147483648.0f, NumTrap::none, 0x80000000u},
    {2147483648.0f, NumTrap::int_overflow, 0},
    {-2147483904.0f, NumTrap::int_overflow, 0},
    {kInf32, NumTrap::int_overflow, 0},
    {-kInf32, NumTrap::int_overflow, 0},
    {nan32(0x400000u), NumTrap::invalid_conversion, 0},
    {nan32(0x200000u, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<float, uint32_t> kI32TruncF32U[] = {
    {-0.0f, NumTrap::none, 0u},
    {-0x1p-149f, NumTrap::none, 0u},
    {2147483648.0f, NumTrap::none, 0x80000000u},
    {4294967040.0f, NumTrap::none, 0xffffff00u},
    {-0x1.ccccccp-1f, NumTrap::none, 0u},
    {-0x1.fffffep-1f, NumTrap::none, 0u},
    {4294967296.0f, NumTrap::int_overflow, 0},
    {-1.0f, NumTrap::int_overflow, 0},
    {kInf32, NumTrap::int_overflow, 0},
    {-kInf32, NumTrap::int_overflow, 0},
    {nan32(0x400000u), NumTrap::invalid_conversion, 0},
    {nan32(0x200000u, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<double, uint32_t> kI32TruncF64S[] = {
    {-0.0, NumTrap::none, 0u},
    {-0x0.0000000000001p-1022, NumTrap::none, 0u},
    {-1.9, NumTrap::none, 0xffffffffu},
    {2147483647.0, NumTrap::none, 0x7fffffffu},
    {-2147483648.0, NumTrap::none, 0x80000000u},
    {-2147483648.9, NumTrap::none, 0x80000000u},
    {2147483647.9, NumTrap::none, 0x7fffffffu},
    {2147483648.0, NumTrap::int_overflow, 0},
    {-2147483649.0, NumTrap::int_overflow, 0},
    {kInf64, NumTrap::int_overflow, 0},
    {-kInf64, NumTrap::int_overflow, 0},
    {nan64(0x8000000000000ull), NumTrap::invalid_conversion, 0},
    {nan64(0x4000000000000ull, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<double, uint32_t> kI32TruncF64U[] = {
    {-0.0, NumTrap::none, 0u},
    {-0x0.0000000000001p-1022, NumTrap::none, 0u},
    {2147483648.0, NumTrap::none, 0x80000000u},
    {4294967295.0, NumTrap::none, 0xffffffffu},
    {-0x1.ccccccccccccdp-1, NumTrap::none, 0u},
    {-0x1.fffffffffffffp-1, NumTrap::none, 0u},
    {-0.9, NumTrap::none, 0u},
    {4294967295.9, NumTrap::none, 0xffffffffu},
    {4294967296.0, NumTrap::int_overflow, 0},
    {-1.0, NumTrap::int_overflow, 0},
    {1e16, NumTrap::int_overflow, 0},
    {1e30, NumTrap::int_overflow, 0},
    {9223372036854775808.0, NumTrap::int_overflow, 0},
    {kInf64, NumTrap::int_overflow, 0},
    {-kInf64, NumTrap::int_overflow, 0},
    {nan64(0x8000000000000ull), NumTrap::invalid_conversion, 0},
    {nan64(0x4000000000000ull, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<float, uint64_t> kI64TruncF32S[] = {
    {-0.0f, NumTrap::none, 0ull},
    {-0x1p-149f, NumTrap::none, 0ull},
    {-1.9f, NumTrap::none, 0xffffffffffffffffull},
    {4294967296.0f, NumTrap::none, 0x100000000ull},
    {-4294967296.0f, NumTrap::none, 0xffffffff00000000ull},
    {9223371487098961920.0f, NumTrap::none, 0x7fffff8000000000ull},
    {-9223372036854775808.0f, NumTrap::none, 0x8000000000000000ull},
    {9223372036854775808.0f, NumTrap::int_overflow, 0},
    {-9223373136366403584.0f, NumTrap::int_overflow, 0},
    {kInf32, NumTrap::int_overflow, 0},
    {-kInf32, NumTrap::int_overflow, 0},
    {nan32(0x400000u), NumTrap::invalid_conversion, 0},
    {nan32(0x200000u, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<float, uint64_t> kI64TruncF32U[] = {
    {-0.0f, NumTrap::none, 0ull},
    {-0x1p-149f, NumTrap::none, 0ull},
    {4294967296.0f, NumTrap::none, 0x100000000ull},
    {18446742974197923840.0f, NumTrap::none, 0xffffff0000000000ull},
    {-0x1.ccccccp-1f, NumTrap::none, 0ull},
    {-0x1.fffffep-1f, NumTrap::none, 0ull},
    {18446744073709551616.0f, NumTrap::int_overflow, 0},
    {-1.0f, NumTrap::int_overflow, 0},
    {kInf32, NumTrap::int_overflow, 0},
    {-kInf32, NumTrap::int_overflow, 0},
    {nan32(0x400000u), NumTrap::invalid_conversion, 0},
    {nan32(0x200000u, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<double, uint64_t> kI64TruncF64S[] = {
    {-0.0, NumTrap::none, 0ull},
    {-0x0.0000000000001p-1022, NumTrap::none, 0ull},
    {-1.9, NumTrap::none, 0xffffffffffffffffull},
    {4294967296.0, NumTrap::none, 0x100000000ull},
    {-4294967296.0, NumTrap::none, 0xffffffff00000000ull},
    {9223372036854774784.0, NumTrap::none, 0x7ffffffffffffc00ull},
    {-9223372036854775808.0, NumTrap::none, 0x8000000000000000ull},
    {9223372036854775808.0, NumTrap::int_overflow, 0},
    {-9223372036854777856.0, NumTrap::int_overflow, 0},
    {kInf64, NumTrap::int_overflow, 0},
    {-kInf64, NumTrap::int_overflow, 0},
    {nan64(0x8000000000000ull), NumTrap::invalid_conversion, 0},
    {nan64(0x4000000000000ull, true), NumTrap::invalid_conversion, 0},
};
const TruncRow<double, uint64_t> kI64TruncF64U[] = {
    {-0.0, NumTrap::none, 0ull},
    {-0x0.0000000000001p-1022, NumTrap::none, 0ull},
    {4294967295.0, NumTrap::none, 0xffffffffull},
    {4294967296.0, NumTrap::none, 0x100000000ull},
    {18446744073709549568.0, NumTrap::none, 0xfffffffffffff800ull},
    {-0x1.ccccccccccccdp-1, NumTrap::none, 0ull},
    {-0x1.fffffffffffffp-1, NumTrap::none, 0ull},
    {1e16, NumTrap::none, 0x2386f26fc10000ull},
    {9223372036854775808.0, NumTrap::none, 0x8000000000000000ull},
    {18446744073709551616.0, NumTrap::int_overflow, 0},
    {-1.0, NumTrap::int_overflow, 0},
    {kInf64, NumTrap::int_overflow, 0},
    {-kInf64, NumTrap::int_overflow, 0},
    {nan64(0x8000000000000ull), NumTrap::invalid_conversion, 0},
    {nan64(0x4000000000000ull, true), NumTrap::invalid_conversion, 0},
};

template <typename F, typename U, size_t N>
void expect_trunc(const TruncRow<F, U> (&rows)[N], NumTrap (*op)(F, U*)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].x));
    const U sentinel = U(0x5a5a5a5a5a5a5a5au);
    U out = sentinel;
    EXPECT_EQ(op(opaque(rows[i].x), &out), rows[i].trap);
    EXPECT_EQ(out, rows[i].trap == NumTrap::none ? rows[i].want : sentinel);
  }
}

TEST(NumericsConvert, TruncTrapsAtExactBoundaries) {
  expect_trunc(kI32TruncF32S, num::trunc_s<uint32_t, float>);
  expect_trunc(kI32TruncF32U, num::trunc_u<uint32_t, float>);
  expect_trunc(kI32TruncF64S, num::trunc_s<uint32_t, double>);
  expect_trunc(kI32TruncF64U, num::trunc_u<uint32_t, double>);
  expect_trunc(kI64TruncF32S, num::trunc_s<uint64_t, float>);
  expect_trunc(kI64TruncF32U, num::trunc_u<uint64_t, float>);
  expect_trunc(kI64TruncF64S, num::trunc_s<uint64_t, double>);
  expect_trunc(kI64TruncF64U, num::trunc_u<uint64_t, double>);
}

// The neighbours of each limit: the last float that converts and the first that traps.
TEST(NumericsConvert, TruncLimitNeighbours) {
  uint32_t out32 = 0;
  uint64_t out64 = 0;
  EXPECT_EQ(num::trunc_s(opaque(-0x1.00000001fffffp+31), &out32), NumTrap::none);
  EXPECT_EQ(out32, 0x80000000u);  // -2147483649 + 2^-21 truncates to INT32_MIN
  EXPECT_EQ(num::trunc_s(opaque(-0x1.000000020p+31), &out32), NumTrap::int_overflow);
  EXPECT_EQ(num::trunc_s(opaque(0x1.fffffep+30f), &out32), NumTrap::none);
  EXPECT_EQ(out32, 0x7fffff80u);
  EXPECT_EQ(num::trunc_s(opaque(-0x1.000002p+31f), &out32), NumTrap::int_overflow);
  EXPECT_EQ(num::trunc_u(opaque(-0x1.fffffffffffffp-1), &out32), NumTrap::none);
  EXPECT_EQ(out32, 0u);
  EXPECT_EQ(num::trunc_u(opaque(0x1.fffffep+31f), &out32), NumTrap::none);
  EXPECT_EQ(out32, 0xffffff00u);
  EXPECT_EQ(num::trunc_s(opaque(0x1.fffffffffffffp+62), &out64), NumTrap::none);
  EXPECT_EQ(out64, 0x7ffffffffffffc00u);
  EXPECT_EQ(num::trunc_s(opaque(-0x1.0000000000001p+63), &out64), NumTrap::int_overflow);
  EXPECT_EQ(num::trunc_u(opaque(0x1.fffffffffffffp+63), &out64), NumTrap::none);
  EXPECT_EQ(out64, 0xfffffffffffff800u);
  EXPECT_EQ(num::trunc_u(opaque(0x1p+64), &out64), NumTrap::int_overflow);
  EXPECT_EQ(num::trunc_u(opaque(-1.0f), &out64), NumTrap::int_overflow);
}

template <typename F, typename U, size_t N>
void expect_sat(const Pair<F, U> (&rows)[N], U (*op)(F)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].in));
    EXPECT_EQ(op(opaque(rows[i].in)), rows[i].want);
  }
}
const Pair<float, uint32_t> kI32SatF32S[] = {
    {-1.0f, 0xffffffffu},          {-2147483648.0f, 0x80000000u}, {2147483648.0f, 0x7fffffffu},
    {-2147483904.0f, 0x80000000u}, {kInf32, 0x7fffffffu},         {-kInf32, 0x80000000u},
    {nan32(0x200000u, true), 0u},
};
const Pair<float, uint32_t> kI32SatF32U[] = {
    {2147483648.0f, 0x80000000u}, {4294967040.0f, 0xffffff00u},
    {4294967296.0f, 0xffffffffu}, {-1.0f, 0u},
    {kInf32, 0xffffffffu},        {-kInf32, 0u},
    {nan32(0x200000u, true), 0u},
};
const Pair<double, uint32_t> kI32SatF64S[] = {
    {-1.0, 0xffffffffu},
    {-2147483648.0, 0x80000000u},
    {2147483648.0, 0x7fffffffu},
    {-2147483649.0, 0x80000000u},
    {kInf64, 0x7fffffffu},
    {-kInf64, 0x80000000u},
    {nan64(0x4000000000000ull, true), 0u},
};
const Pair<double, uint32_t> kI32SatF64U[] = {
    {2147483648.0, 0x80000000u},
    {4294967295.0, 0xffffffffu},
    {4294967296.0, 0xffffffffu},
    {-1.0, 0u},
    {1e16, 0xffffffffu},
    {1e30, 0xffffffffu},
    {9223372036854775808.0, 0xffffffffu},
    {kInf64, 0xffffffffu},
    {-kInf64, 0u},
    {nan64(0x4000000000000ull, true), 0u},
};
const Pair<float, uint64_t> kI64SatF32S[] = {
    {-1.0f, 0xffffffffffffffffull},
    {4294967296.0f, 0x100000000ull},
    {-4294967296.0f, 0xffffffff00000000ull},
    {9223371487098961920.0f, 0x7fffff8000000000ull},
    {-9223372036854775808.0f, 0x8000000000000000ull},
    {9223372036854775808.0f, 0x7fffffffffffffffull},
    {-9223373136366403584.0f, 0x8000000000000000ull},
    {kInf32, 0x7fffffffffffffffull},
    {-kInf32, 0x8000000000000000ull},
    {nan32(0x200000u, true), 0ull},
};
const Pair<float, uint64_t> kI64SatF32U[] = {
    {4294967296.0f, 0x100000000ull},
    {18446742974197923840.0f, 0xffffff0000000000ull},
    {18446744073709551616.0f, 0xffffffffffffffffull},
    {-1.0f, 0ull},
    {kInf32, 0xffffffffffffffffull},
    {-kInf32, 0ull},
    {nan32(0x200000u, true), 0ull},
};
const Pair<double, uint64_t> kI64SatF64S[] = {
    {-1.0, 0xffffffffffffffffull},
    {4294967296.0, 0x100000000ull},
    {-4294967296.0, 0xffffffff00000000ull},
    {9223372036854774784.0, 0x7ffffffffffffc00ull},
    {-9223372036854775808.0, 0x8000000000000000ull},
    {9223372036854775808.0, 0x7fffffffffffffffull},
    {-9223372036854777856.0, 0x8000000000000000ull},
    {kInf64, 0x7fffffffffffffffull},
    {-kInf64, 0x8000000000000000ull},
    {nan64(0x4000000000000ull, true), 0ull},
};
const Pair<double, uint64_t> kI64SatF64U[] = {
    {4294967295.0, 0xffffffffull},
    {4294967296.0, 0x100000000ull},
    {18446744073709549568.0, 0xfffffffffffff800ull},
    {1e16, 0x2386f26fc10000ull},
    {9223372036854775808.0, 0x8000000000000000ull},
    {18446744073709551616.0, 0xffffffffffffffffull},
    {-1.0, 0ull},
    {kInf64, 0xffffffffffffffffull},
    {-kInf64, 0ull},
    {nan64(0x4000000000000ull, true), 0ull},
};

TEST(NumericsConvert, TruncSatClampsAndMapsNaNToZero) {
  expect_sat(kI32SatF32S, num::trunc_sat_s<uint32_t, float>);
  expect_sat(kI32SatF32U, num::trunc_sat_u<uint32_t, float>);
  expect_sat(kI32SatF64S, num::trunc_sat_s<uint32_t, double>);
  expect_sat(kI32SatF64U, num::trunc_sat_u<uint32_t, double>);
  expect_sat(kI64SatF32S, num::trunc_sat_s<uint64_t, float>);
  expect_sat(kI64SatF32U, num::trunc_sat_u<uint64_t, float>);
  expect_sat(kI64SatF64S, num::trunc_sat_s<uint64_t, double>);
  expect_sat(kI64SatF64U, num::trunc_sat_u<uint64_t, double>);
}

const Pair<uint32_t, Want<float>> kF32ConvertI32S[] = {
    {1u, 1.0f},
    {0xffffffffu, -1.0f},
    {0u, 0.0f},
    {0x7fffffffu, 2147483648.0f},
    {0x80000000u, -2147483648.0f},
    {0x499602d2u, 0x1.26580cp+30f},
    {0x1000001u, 16777216.0f},
};
const Pair<uint32_t, Want<float>> kF32ConvertI32U[] = {
    {0x12345678u, 0x1.234568p+28f}, {0xffffffffu, 4294967296.0f},   {0x80000080u, 0x1.000000p+31f},
    {0x80000081u, 0x1.000002p+31f}, {0x80000082u, 0x1.000002p+31f}, {0xfffffe80u, 0x1.fffffcp+31f},
    {0xfffffe81u, 0x1.fffffep+31f},
};
const Pair<uint64_t, Want<float>> kF32ConvertI64S[] = {
    {0x7fffffffffffffffull, 9223372036854775807.0f},
    {0x8000000000000000ull, -9223372036854775808.0f},
    {0x11db9e76a2483ull, 0x1.1db9e8p+48f},
    {0x7fffff4000000001ull, 0x1.fffffep+62f},
    {0x8000004000000001ull, -0x1.fffffep+62f},
    {0x20000020000001ull, 0x1.000002p+53f},
    {0xffdfffffdfffffffull, -0x1.000002p+53f},
};
const Pair<uint64_t, Want<float>> kF32ConvertI64U[] = {
    {0x7fffffffffffffffull, 9223372036854775807.0f},
    {0x8000000000000000ull, 9223372036854775808.0f},
    {0xffffffffffffffffull, 18446744073709551616.0f},
    {0x20000020000001ull, 0x1.000002p+53f},
    {0x7fffffbfffffffffull, 0x1.fffffep+62f},
    {0x8000008000000001ull, 0x1.000002p+63f},
    {0xfffffe8000000001ull, 0x1.fffffep+63f},
};
const Pair<uint32_t, Want<double>> kF64ConvertI32S[] = {
    {1u, 1.0},
    {0xffffffffu, -1.0},
    {0u, 0.0},
    {0x7fffffffu, 2147483647.0},
    {0x80000000u, -2147483648.0},
    {0x3ade68b1u, 987654321.0},
};
const Pair<uint32_t, Want<double>> kF64ConvertI32U[] = {
    {1u, 1.0},
    {0u, 0.0},
    {0x7fffffffu, 2147483647.0},
    {0x80000000u, 2147483648.0},
    {0xffffffffu, 4294967295.0},
};
const Pair<uint64_t, Want<double>> kF64ConvertI64S[] = {
    {0x7fffffffffffffffull, 9223372036854775807.0}, {0x8000000000000000ull, -9223372036854775808.0},
    {0x10969d374b968eull, 4669201609102990.0},      {0x20000000000001ull, 9007199254740992.0},
    {0xffdfffffffffffffull, -9007199254740992.0},   {0x20000000000003ull, 9007199254740996.0},
    {0xffdffffffffffffdull, -9007199254740996.0},
};
const Pair<uint64_t, Want<double>> kF64ConvertI64U[] = {
    {0xffffffffffffffffull, 18446744073709551616.0}, {0x8000000000000400ull, 0x1.0000000000000p+63},
    {0x8000000000000401ull, 0x1.0000000000001p+63},  {0x8000000000000402ull, 0x1.0000000000001p+63},
    {0xfffffffffffff400ull, 0x1.ffffffffffffep+63},  {0xfffffffffffff401ull, 0x1.fffffffffffffp+63},
    {0xfffffffffffff402ull, 0x1.fffffffffffffp+63},
};

template <typename A, typename F, size_t N>
void expect_to_float(const Pair<A, Want<F>> (&rows)[N], F (*op)(A)) {
  for (size_t i = 0; i < N; ++i) {
    TRACE_ROW(i, hex(rows[i].in));
    EXPECT_FLOAT_IS(op(opaque(rows[i].in)), rows[i].want);
  }
}

// Includes the double-rounding traps, e.g. u64 0x0020000020000001 -> f32 0x1.000002p+53.
TEST(NumericsConvert, ConvertRoundsOnce) {
  expect_to_float(kF32ConvertI32S, num::convert_s<float, uint32_t>);
  expect_to_float(kF32ConvertI32U, num::convert_u<float, uint32_t>);
  expect_to_float(kF32ConvertI64S, num::convert_s<float, uint64_t>);
  expect_to_float(kF32ConvertI64U, num::convert_u<float, uint64_t>);
  expect_to_float(kF64ConvertI32S, num::convert_s<double, uint32_t>);
  expect_to_float(kF64ConvertI32U, num::convert_u<double, uint32_t>);
  expect_to_float(kF64ConvertI64S, num::convert_s<double, uint64_t>);
  expect_to_float(kF64ConvertI64U, num::convert_u<double, uint64_t>);
}

const Pair<double, Want<float>> kDemote[] = {
    {0x1.0000000000001p+0, 1.0f},
    {0x1.0000010000000p+0, 0x1.000000p+0f},
    {0x1.0000010000001p+0, 0x1.000002p+0f},
    {0x1.000002fffffffp+0, 0x1.000002p+0f},
    {0x1.0000030000000p+0, 0x1.000004p+0f},
    {0x1.0000050000000p+0, 0x1.000004p+0f},
    {0x1.0000010000000p+24, 0x1.0p+24f},
    {nan64(0x8000000000000ull), kCanonical},
    {nan64(0x4000000000000ull), kArithmetic},
    {nan64(0x8000000000000ull, true), kCanonical},
    {nan64(0x4000000000000ull, true), kArithmetic},
};
const Pair<float, Want<double>> kPromote[] = {
    {0x1p-149f, 0x1p-149},
    {-0x1p-149f, -0x1p-149},
    {0x1.8f867ep+125f, 6.6382536710104395e+37},
    {nan32(0x400000u), kCanonical},
    {nan32(0x200000u), kArithmetic},
    {nan32(0x400000u, true), kCanonical},
    {nan32(0x200000u, true), kArithmetic},
};

TEST(NumericsConvert, DemotePromote) {
  expect_to_float(kDemote, num::demote);
  expect_to_float(kPromote, num::promote);
  // float_exprs.wast no_fold_demote_promote: the round trip through f32 rounds.
  EXPECT_FLOAT_IS(num::promote(num::demote(opaque(-0x1.dece272390f5dp-133))), -0x1.decep-133);
  EXPECT_FLOAT_IS(num::promote(num::demote(opaque(0x1.49b297ec44dc1p+107))), 0x1.49b298p+107);
}

const Pair<uint32_t, Want<float>> kF32ReinterpretI32[] = {
    {0xffffffffu, nan32(0x7fffffu, true)},
    {0x7fc00000u, nan32(0x400000u)},
    {0xffc00000u, nan32(0x400000u, true)},
    {0x7fa00000u, nan32(0x200000u)},
};
const Pair<uint64_t, Want<double>> kF64ReinterpretI64[] = {
    {0xffffffffffffffffull, nan64(0xfffffffffffffull, true)},
    {0x7ff8000000000000ull, nan64(0x8000000000000ull)},
    {0xfff8000000000000ull, nan64(0x8000000000000ull, true)},
    {0x7ff4000000000000ull, nan64(0x4000000000000ull)},
};
const Pair<float, uint32_t> kI32ReinterpretF32[] = {
    {nan32(0x7fffffu, true), 0xffffffffu},
    {nan32(0x400000u), 0x7fc00000u},
    {nan32(0x400000u, true), 0xffc00000u},
    {nan32(0x200000u), 0x7fa00000u},
};
const Pair<double, uint64_t> kI64ReinterpretF64[] = {
    {nan64(0xfffffffffffffull, true), 0xffffffffffffffffull},
    {nan64(0x8000000000000ull), 0x7ff8000000000000ull},
    {nan64(0x8000000000000ull, true), 0xfff8000000000000ull},
    {nan64(0x4000000000000ull), 0x7ff4000000000000ull},
};

TEST(NumericsConvert, ReinterpretKeepsEveryBit) {
  expect_to_float(kF32ReinterpretI32, num::reinterpret<float, uint32_t>);
  expect_to_float(kF64ReinterpretI64, num::reinterpret<double, uint64_t>);
  expect_sat(kI32ReinterpretF32, num::reinterpret<uint32_t, float>);
  expect_sat(kI64ReinterpretF64, num::reinterpret<uint64_t, double>);
}

// ---- Compile-time evaluation --------------------------------------------------------------------
// The integer ops, min/max, the sign ops, the fallbacks and the conversions are constexpr.

constexpr uint32_t div_s_result(uint32_t a, uint32_t b) {
  uint32_t out = 0;
  return num::div_s(a, b, &out) == NumTrap::none ? out : 0xdeadu;
}
static_assert(num::add<uint32_t>(0xffffffffu, 2u) == 1u, "add wraps");
static_assert(num::mul<uint64_t>(0x8000000000000000u, 2u) == 0u, "mul wraps");
static_assert(div_s_result(7u, 0xfffffffeu) == 0xfffffffdu, "7 / -2 = -3");
static_assert(div_s_result(0x80000000u, 0xffffffffu) == 0xdeadu, "INT_MIN / -1 traps");
static_assert(num::rotl<uint32_t>(0x80000001u, 33u) == 3u, "rotl count mod 32");
static_assert(num::shr_s<uint64_t>(0x8000000000000000u, 63u) == ~uint64_t(0), "arith shift");
static_assert(num::clz<uint64_t>(0u) == 64u && num::ctz<uint32_t>(0u) == 32u, "count of 0");
static_assert(num::bits(num::min(-0.0f, 0.0f)) == 0x80000000u, "min(-0, +0) = -0");
static_assert(num::bits(num::max(-0.0, 0.0)) == 0u, "max(-0, +0) = +0");
static_assert(num::bits(num::detail::nearest_arith(-0.5)) == 0x8000000000000000u, "-0");
static_assert(num::trunc_sat_s<uint32_t>(3e9) == 0x7fffffffu, "saturates");
static_assert(num::trunc_sat_u<uint64_t>(-0.75f) == 0u, "(-1, 0) truncates to 0");
static_assert(num::convert_u<float>(uint64_t(0x0020000020000001u)) == 0x1.000002p+53f, "once");

}  // namespace
