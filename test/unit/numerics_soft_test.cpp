// The integer-arithmetic float paths of src/exec/numerics.h that only some targets select:
// detail::sqrt_soft (num::sqrt where the FPU has no square root, e.g. f64 on Cortex-M4F) and the
// u64/i64 -> f32 conversions through u32 -> f32 (Cortex-M4F), and i64 div_s/rem_s through unsigned
// division (32-bit Arm). The host runs them directly so they are tested in every build. Oracles:
// hand-derived values, and the host's own hardware square root, 64-bit conversions and 64-bit
// division (SSE2 sqrtsd/sqrtss, cvtsi2ss, div/idiv), which share no code with the paths under test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "exec/numerics.h"

namespace {

namespace num = picowasm::num;
namespace detail = picowasm::num::detail;

// Inputs through a volatile so the hardware oracle really runs on the machine (no constant
// folding).
template <typename T>
T opaque(T value) {
  volatile T copy = value;
  return copy;
}

// A deterministic 64-bit generator (splitmix64) so failures reproduce.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
};

uint64_t sqrt64(uint64_t x) {
  return num::bits(detail::sqrt_soft(num::from_bits<double>(x)));
}
uint32_t sqrt32(uint32_t x) {
  return num::bits(detail::sqrt_soft(num::from_bits<float>(x)));
}

TEST(NumericsSoft, SqrtHandValues) {
  // Exact squares, the smallest subnormal (2^-1074 -> 2^-537), the largest finite value, and
  // sqrt(2) rounded (0x3ff6a09e667f3bcc.9... -> ...bcd).
  EXPECT_EQ(sqrt64(0x4010000000000000u), 0x4000000000000000u);  // 4 -> 2
  EXPECT_EQ(sqrt64(0x4022000000000000u), 0x4008000000000000u);  // 9 -> 3
  EXPECT_EQ(sqrt64(0x3ff0000000000000u), 0x3ff0000000000000u);  // 1 -> 1
  EXPECT_EQ(sqrt64(0x0000000000000001u), 0x1e60000000000000u);  // 2^-1074 -> 2^-537
  EXPECT_EQ(sqrt64(0x0010000000000000u), 0x2000000000000000u);  // 2^-1022 -> 2^-511
  EXPECT_EQ(sqrt64(0x4000000000000000u), 0x3ff6a09e667f3bcdu);  // sqrt(2)
  EXPECT_EQ(sqrt64(0x7fefffffffffffffu), 0x5fefffffffffffffu);  // largest finite
  EXPECT_EQ(sqrt32(0x40800000u), 0x40000000u);                  // 4 -> 2
  EXPECT_EQ(sqrt32(0x00000001u), 0x1a3504f3u);                  // 2^-149 -> 2^-74.5
  EXPECT_EQ(sqrt32(0x40000000u), 0x3fb504f3u);                  // sqrt(2)
  EXPECT_EQ(sqrt32(0x7f7fffffu), 0x5f7fffffu);                  // largest finite
  // Zeros keep their sign, +inf stays, negatives give the canonical NaN, NaNs come out quiet
  // with their payload and sign (spec: arithmetic NaN, canonical for a canonical input).
  EXPECT_EQ(sqrt64(0x0000000000000000u), 0x0000000000000000u);
  EXPECT_EQ(sqrt64(0x8000000000000000u), 0x8000000000000000u);
  EXPECT_EQ(sqrt64(0x7ff0000000000000u), 0x7ff0000000000000u);
  EXPECT_EQ(sqrt64(0xfff0000000000000u), 0x7ff8000000000000u);
  EXPECT_EQ(sqrt64(0xbff0000000000000u), 0x7ff8000000000000u);
  EXPECT_EQ(sqrt64(0x8000000000000001u), 0x7ff8000000000000u);
  EXPECT_EQ(sqrt64(0x7ff8000000000000u), 0x7ff8000000000000u);
  EXPECT_EQ(sqrt64(0x7ff0000000000001u), 0x7ff8000000000001u);
  EXPECT_EQ(sqrt64(0xfff4000000000000u), 0xfffc000000000000u);
  EXPECT_EQ(sqrt32(0x80000000u), 0x80000000u);
  EXPECT_EQ(sqrt32(0x7f800000u), 0x7f800000u);
  EXPECT_EQ(sqrt32(0xff800000u), 0x7fc00000u);
  EXPECT_EQ(sqrt32(0x7fa00000u), 0x7fe00000u);
}

// Every rounding case: random bit patterns over all exponents (normal and subnormal), and
// squares of random values plus or minus one ulp (the results nearest to a rounding boundary).
TEST(NumericsSoft, SqrtMatchesHardware) {
  Rng rng{1};
  int mismatches = 0;
  for (int i = 0; i < 300000 && mismatches < 5; ++i) {
    uint64_t x = rng.next() & 0x7fffffffffffffffu;
    if (i % 4 == 1) x >>= 12;  // subnormals
    if (i % 4 == 2) {
      double r = opaque(num::from_bits<double>(0x3ff0000000000000u | (x >> 12)));
      x = num::bits(r * r) + (i % 8 < 4 ? 1 : uint64_t(0) - 1);  // a near-square
    }
    uint64_t want = num::bits(std::sqrt(opaque(num::from_bits<double>(x))));
    if (std::isnan(num::from_bits<double>(x))) want = x | 0x0008000000000000u;
    if (sqrt64(x) != want) {
      ADD_FAILURE() << std::hex << "sqrt64(0x" << x << ") = 0x" << sqrt64(x) << ", want 0x" << want;
      ++mismatches;
    }
    uint32_t y = uint32_t(rng.next() >> 33);
    if (i % 4 == 1) y >>= 9;
    uint32_t want32 = num::bits(std::sqrt(opaque(num::from_bits<float>(y))));
    if (std::isnan(num::from_bits<float>(y))) want32 = y | 0x00400000u;
    if (sqrt32(y) != want32) {
      ADD_FAILURE() << std::hex << "sqrt32(0x" << y << ") = 0x" << sqrt32(y) << ", want 0x"
                    << want32;
      ++mismatches;
    }
  }
}

uint32_t u64_f32(uint64_t a) {
  return num::bits(detail::u64_to_f32_by_u32(a));
}
uint32_t i64_f32(uint64_t a) {
  return num::bits(detail::i64_to_f32_by_u32(a));
}

TEST(NumericsSoft, ConvertI64ToF32HandValues) {
  EXPECT_EQ(u64_f32(0), 0x00000000u);
  EXPECT_EQ(u64_f32(1), 0x3f800000u);
  EXPECT_EQ(u64_f32(0xffffffffu), 0x4f800000u);          // 2^32 - 1 rounds up to 2^32
  EXPECT_EQ(u64_f32(0x100000000u), 0x4f800000u);         // 2^32
  EXPECT_EQ(u64_f32(0xffffffffffffffffu), 0x5f800000u);  // rounds up to 2^64
  EXPECT_EQ(u64_f32(0x8000000000000000u), 0x5f000000u);  // 2^63
  // Ties to even: 2^40 + 2^16 lies halfway between 2^40 and 2^40 + 2^17 -> 2^40 (even).
  EXPECT_EQ(u64_f32(0x0000010000010000u), 0x53800000u);
  // ... and 2^40 + 3 * 2^16 halfway between 2^40 + 2^17 and 2^40 + 2^18 -> the even upper one.
  EXPECT_EQ(u64_f32(0x0000010000030000u), 0x53800002u);
  // A bit below the 32 kept bits breaks the tie upwards (the sticky bit): the spec's
  // 0x0020000020000001 -> 0x1.000002p+53, and 2^63 + 2^39 + 1 -> 2^63 + 2^40.
  EXPECT_EQ(u64_f32(0x0020000020000001u), 0x5a000001u);
  EXPECT_EQ(u64_f32(0x8000008000000001u), 0x5f000001u);
  EXPECT_EQ(i64_f32(0x8000000000000000u), 0xdf000000u);  // INT64_MIN -> -2^63
  EXPECT_EQ(i64_f32(0xffffffffffffffffu), 0xbf800000u);  // -1
  EXPECT_EQ(i64_f32(0x7fffffffffffffffu), 0x5f000000u);  // INT64_MAX rounds up to 2^63
  EXPECT_EQ(i64_f32(0xffdfffffdfffffffu), 0xda000001u);  // -0x0020000020000001
}

TEST(NumericsSoft, ConvertI64ToF32MatchesHardware) {
  Rng rng{2};
  int mismatches = 0;
  for (int i = 0; i < 300000 && mismatches < 5; ++i) {
    // All magnitudes: drop a random number of top bits; sometimes keep only a few low bits set.
    uint64_t a = rng.next() >> (rng.next() % 64);
    if (i % 3 == 0) a &= ~((uint64_t(1) << (rng.next() % 40)) - 1);
    uint32_t want_u = num::bits(static_cast<float>(opaque(a)));
    uint32_t want_s = num::bits(static_cast<float>(opaque(int64_t(i % 2 ? 0 - a : a))));
    uint64_t s = i % 2 ? 0 - a : a;
    if (u64_f32(a) != want_u || i64_f32(s) != want_s) {
      ADD_FAILURE() << std::hex << "0x" << a << ": u64 0x" << u64_f32(a) << " want 0x" << want_u
                    << ", i64 0x" << i64_f32(s) << " want 0x" << want_s;
      ++mismatches;
    }
  }
}

// detail::sdiv64/srem64 (i64 div_s/rem_s on 32-bit Arm: unsigned division of the magnitudes)
// against the host's signed 64-bit division.
TEST(NumericsSoft, SignedDiv64HandValues) {
  // -7 / 2 = -3 rem -1; 7 / -2 = -3 rem 1; -7 / -2 = 3 rem -1; INT64_MIN / 2, % 3 (2^63 =
  // 3 * 3074457345618258602 + 2); x % -1 = 0.
  EXPECT_EQ(detail::sdiv64(uint64_t(-7), 2), uint64_t(-3));
  EXPECT_EQ(detail::srem64(uint64_t(-7), 2), uint64_t(-1));
  EXPECT_EQ(detail::sdiv64(7, uint64_t(-2)), uint64_t(-3));
  EXPECT_EQ(detail::srem64(7, uint64_t(-2)), 1u);
  EXPECT_EQ(detail::sdiv64(uint64_t(-7), uint64_t(-2)), 3u);
  EXPECT_EQ(detail::srem64(uint64_t(-7), uint64_t(-2)), uint64_t(-1));
  EXPECT_EQ(detail::sdiv64(0x8000000000000000u, 2), 0xc000000000000000u);
  EXPECT_EQ(detail::srem64(0x8000000000000000u, 3), uint64_t(-2));
  EXPECT_EQ(detail::sdiv64(0x8000000000000000u, 0x8000000000000000u), 1u);
  EXPECT_EQ(detail::srem64(0x8000000000000000u, uint64_t(-1)), 0u);
  EXPECT_EQ(detail::srem64(0x7fffffffffffffffu, 0x8000000000000000u), 0x7fffffffffffffffu);
}

TEST(NumericsSoft, SignedDiv64MatchesHardware) {
  Rng rng{3};
  int mismatches = 0;
  for (int i = 0; i < 100000 && mismatches < 5; ++i) {
    const uint64_t n = rng.next() >> (rng.next() % 64), d = rng.next() >> (rng.next() % 64);
    // Every sign combination; INT64_MIN / -1 traps in div_s before sdiv64.
    const uint64_t a = i & 1 ? 0 - n : n, b = d == 0 ? 1 : i & 2 ? 0 - d : d;
    if (a == 0x8000000000000000u && b == uint64_t(-1)) continue;
    const uint64_t want_q = uint64_t(int64_t(opaque(a)) / int64_t(opaque(b)));
    const uint64_t want_r = uint64_t(int64_t(opaque(a)) % int64_t(opaque(b)));
    if (detail::sdiv64(a, b) != want_q || detail::srem64(a, b) != want_r) {
      ADD_FAILURE() << std::hex << "0x" << a << " / 0x" << b << ": 0x" << detail::sdiv64(a, b)
                    << " rem 0x" << detail::srem64(a, b) << ", want 0x" << want_q << " rem 0x"
                    << want_r;
      ++mismatches;
    }
  }
}

// detail::ctz64_by_halves (i64.ctz on 32-bit cores): every single-bit position, and each with
// higher bits set too (the count is the lowest set bit's index).
TEST(NumericsSoft, Ctz64ByHalves) {
  for (unsigned k = 0; k < 64; ++k) {
    EXPECT_EQ(detail::ctz64_by_halves(uint64_t(1) << k), k);
    EXPECT_EQ(detail::ctz64_by_halves(~uint64_t(0) << k), k);
  }
  EXPECT_EQ(detail::ctz64_by_halves(0x8000000100000000u), 32u);
}

// detail::trunc_by_bits (float -> integer truncation on 32-bit Arm where the FPU has no
// conversion): hand values, and random in-range values against the host's cvttsd2si/cvttss2si.
TEST(NumericsSoft, TruncByBitsHandValues) {
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(-0.0), 0u);
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(0.99999999999999989), 0u);    // largest below 1
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(-0.99999999999999989), 0u);   // -0 -> 0
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(-1.5), 0xffffffffu);          // -1
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(4294967295.9), 0xffffffffu);  // below 2^32
  EXPECT_EQ(detail::trunc_by_bits<uint32_t>(-2147483648.9), 0x80000000u);
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(4503599627370497.0), 4503599627370497u);  // 2^52 + 1
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(18446744073709549568.0),  // largest double < 2^64
            0xfffffffffffff800u);
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(-9223372036854775808.0), 0x8000000000000000u);
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(1.5f), 1u);
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(-16777217.0f), uint64_t(-16777216));  // rounds to 2^24
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(18446742974197923840.0f),  // largest float < 2^64
            0xffffff0000000000u);
  EXPECT_EQ(detail::trunc_by_bits<uint64_t>(1.4e-45f), 0u);  // smallest subnormal
}

TEST(NumericsSoft, TruncByBitsMatchesHardware) {
  Rng rng{4};
  int mismatches = 0;
  for (int i = 0; i < 200000 && mismatches < 5; ++i) {
    // Random magnitudes below 2^63 (so both the signed and unsigned host conversions apply) and
    // below 2^31 for the 32-bit forms; random fractions.
    const uint64_t r = rng.next();
    const double d = opaque(std::ldexp(double(r >> 11), int(rng.next() % 115) - 105));
    const float f = opaque(float(d));
    const double d32 = std::fmod(d, 2147483648.0);
    const bool bad = (std::fabs(d) < 9223372036854775808.0 &&
                      (detail::trunc_by_bits<uint64_t>(d) != uint64_t(int64_t(d)) ||
                       detail::trunc_by_bits<uint64_t>(-d) != uint64_t(int64_t(-d)))) ||
                     (std::fabs(f) < 9223372036854775808.0f &&
                      detail::trunc_by_bits<uint64_t>(f) != uint64_t(int64_t(f))) ||
                     detail::trunc_by_bits<uint32_t>(d32) != uint32_t(int32_t(d32));
    if (bad) {
      ADD_FAILURE() << std::hexfloat << d << " / " << f << " / " << d32;
      ++mismatches;
    }
  }
}

}  // namespace
