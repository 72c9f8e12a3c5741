// WebAssembly 2.0 numeric instruction semantics (every non-SIMD numeric opcode), written once as
// small templates and instantiated per width. Header-only, no state, no exceptions, no libm.
//
// Types: integers are carried as their unsigned bit pattern (uint32_t for i32, uint64_t for i64);
// the _s/_u suffix of an op chooses the interpretation, exactly as in the spec. Floats are carried
// as float/double. Ops that can trap return a NumTrap and write the result through `out` only on
// success; everything else returns the result directly. Comparisons return the i32 0/1.
//
// Call these qualified (num::abs, num::min): a using-directive next to <cmath>/<cstdlib> would
// let their non-template overloads of abs/trunc/... win overload resolution silently.
//
// Floating-point environment this relies on (all are the power-on defaults):
//  - IEEE 754 binary32/binary64, evaluated at their own precision (FLT_EVAL_METHOD == 0; x87
//    excess precision is rejected below: build 32-bit x86 with -msse2 -mfpmath=sse).
//  - Round-to-nearest-even mode; no flush-to-zero / denormals-are-zero (MXCSR FTZ/DAZ, FPSCR.FZ).
//  - No -ffast-math. Compile interpreter code with -ffp-contract=off (the default in the ISO
//    -std=c++17 mode the project uses) so a mul followed by an add is never fused into an FMA.
//  - NaN results: the spec allows any arithmetic NaN (quiet bit set) for an op with a NaN
//    operand, and requires a canonical NaN when every NaN operand is canonical. x86 SSE returns
//    the first NaN operand quieted, and the generated default NaN (0xffc00000) is canonical;
//    ARM VFP does the same with FPSCR.DN = 0 and yields the canonical 0x7fc00000 with DN = 1;
//    libgcc's soft-float double routines (Cortex-M4F) return NaN operands with the quiet bit set.
//    So plain C++ arithmetic already meets the spec and this file relies on that.
//  - sqrt uses __builtin_sqrt where the FPU has the instruction (unless the translation unit is
//    built with -fno-math-errno GCC/Clang add a call to libm's sqrt for the NaN case) and integer
//    arithmetic where it has not (detail::sqrt_soft), never libm. ceil/floor/trunc/nearest use a
//    rounding instruction where the compiler advertises one (SSE4.1, AArch64,
//    __ARM_FEATURE_DIRECTED_ROUNDING; GCC 12 does not set the latter for Cortex-M7/M33) and exact
//    float arithmetic elsewhere, never libm.
// Signed shifts right and unsigned-to-signed narrowing rely on GCC/Clang's documented
// two's-complement behaviour (guaranteed since C++20).
#ifndef PICOWASM_EXEC_NUMERICS_H
#define PICOWASM_EXEC_NUMERICS_H

#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "picowasm numerics need float/double evaluated at their own precision (use SSE math)"
#endif

// Whether ceil/floor/trunc/nearest have an instruction for f32 / f64 (an FPv5-SP Cortex-M has VRINT
// for single precision only; __ARM_FP bit 3 says double precision is in hardware).
#if defined(__SSE4_1__) || defined(__aarch64__)
#define PICOWASM_NUM_HW_ROUNDING_F32 1
#define PICOWASM_NUM_HW_ROUNDING_F64 1
#elif defined(__ARM_FEATURE_DIRECTED_ROUNDING) && defined(__ARM_FP)
#define PICOWASM_NUM_HW_ROUNDING_F32 ((__ARM_FP & 4) != 0)
#define PICOWASM_NUM_HW_ROUNDING_F64 ((__ARM_FP & 8) != 0)
#else
#define PICOWASM_NUM_HW_ROUNDING_F32 0
#define PICOWASM_NUM_HW_ROUNDING_F64 0
#endif

// Whether sqrt has an instruction for f32 / f64; where it has not, num::sqrt computes it in
// integer arithmetic (detail::sqrt_soft) rather than call libm.
#if defined(__SSE2__) || defined(__aarch64__)
#define PICOWASM_NUM_HW_SQRT_F32 1
#define PICOWASM_NUM_HW_SQRT_F64 1
#elif defined(__ARM_FP)
#define PICOWASM_NUM_HW_SQRT_F32 ((__ARM_FP & 4) != 0)
#define PICOWASM_NUM_HW_SQRT_F64 ((__ARM_FP & 8) != 0)
#elif defined(__riscv_flen) && defined(__riscv_fdiv)
#define PICOWASM_NUM_HW_SQRT_F32 1
#define PICOWASM_NUM_HW_SQRT_F64 (__riscv_flen >= 64)
#else
#define PICOWASM_NUM_HW_SQRT_F32 0
#define PICOWASM_NUM_HW_SQRT_F64 0
#endif

// Whether i64 div_s/rem_s divide the magnitudes unsigned (detail::sdiv64/srem64): on 32-bit Arm,
// where 64-bit division is a libgcc call.
#if defined(__arm__)
#define PICOWASM_NUM_SDIV64_BY_UDIV 1
#else
#define PICOWASM_NUM_SDIV64_BY_UDIV 0
#endif

// Whether float -> integer truncations the FPU has no instruction for (on Cortex-M4F: f64 -> any,
// f32 -> 64-bit) are done on the float's bits (detail::trunc_magnitude) rather than by libgcc's
// __aeabi_d2iz/d2uiz/d2lz/d2ulz/f2lz/f2ulz (356 bytes on Cortex-M4): 32-bit Arm.
#if defined(__arm__)
#define PICOWASM_NUM_TRUNC_BY_BITS 1
#ifdef __ARM_FP
#define PICOWASM_NUM_ARM_FP __ARM_FP
#else
#define PICOWASM_NUM_ARM_FP 0
#endif
#else
#define PICOWASM_NUM_TRUNC_BY_BITS 0
#define PICOWASM_NUM_ARM_FP 0
#endif

#define PICOWASM_NUM_UNLIKELY(cond) __builtin_expect(static_cast<bool>(cond), 0)

namespace picowasm {
namespace num {

// Traps a numeric instruction can raise; the interpreter maps them onto its own trap codes.
enum class NumTrap : uint8_t { none = 0, int_div_by_zero, int_overflow, invalid_conversion };

// ---- Type plumbing ------------------------------------------------------------------------------

template <typename T>
constexpr bool kIsWasmInt = std::is_same<T, uint32_t>::value || std::is_same<T, uint64_t>::value;
template <typename T>
constexpr bool kIsWasmFloat = std::is_same<T, float>::value || std::is_same<T, double>::value;
template <typename T>
constexpr bool kIsWasmNum = kIsWasmInt<T> || kIsWasmFloat<T>;

template <typename U>
constexpr unsigned kWidth = sizeof(U) * 8;

template <typename F>
struct FloatTraits;
template <>
struct FloatTraits<float> {
  using Bits = uint32_t;
  static constexpr Bits kSignMask = 0x80000000u;
  static constexpr Bits kQuietBit = 0x00400000u;
  static constexpr Bits kCanonicalNaN = 0x7fc00000u;
  static constexpr float kTwoPowFraction = 8388608.0f;  // 2^23: every float at or above is integral
};
template <>
struct FloatTraits<double> {
  using Bits = uint64_t;
  static constexpr Bits kSignMask = 0x8000000000000000u;
  static constexpr Bits kQuietBit = 0x0008000000000000u;
  static constexpr Bits kCanonicalNaN = 0x7ff8000000000000u;
  static constexpr double kTwoPowFraction = 4503599627370496.0;  // 2^52
};

template <typename F>
using FloatBits = typename FloatTraits<F>::Bits;

template <typename To, typename From>
constexpr To reinterpret(From value) {
  static_assert(sizeof(To) == sizeof(From) && kIsWasmNum<To> && kIsWasmNum<From>,
                "reinterpret is between an integer and a float of the same width");
  return __builtin_bit_cast(To, value);
}

template <typename F>
constexpr FloatBits<F> bits(F value) {
  return reinterpret<FloatBits<F>>(value);
}

template <typename F>
constexpr F from_bits(FloatBits<F> raw) {
  return reinterpret<F>(raw);
}

// ---- Operators shared by integers and floats ----------------------------------------------------
// Integers are unsigned, so + - * wrap modulo 2^N (uint32_t never promotes to a signed int).

template <typename T>
constexpr T add(T a, T b) {
  static_assert(kIsWasmNum<T>, "i32/i64 as uint32_t/uint64_t, f32/f64 as float/double");
  return a + b;
}
template <typename T>
constexpr T sub(T a, T b) {
  static_assert(kIsWasmNum<T>, "i32/i64 as uint32_t/uint64_t, f32/f64 as float/double");
  return a - b;
}
template <typename T>
constexpr T mul(T a, T b) {
  static_assert(kIsWasmNum<T>, "i32/i64 as uint32_t/uint64_t, f32/f64 as float/double");
  return a * b;
}
// Float equality is IEEE: NaN == x is false, NaN != x is true, -0 == +0.
template <typename T>
constexpr uint32_t eq(T a, T b) {
  static_assert(kIsWasmNum<T>, "i32/i64 as uint32_t/uint64_t, f32/f64 as float/double");
  return a == b;
}
template <typename T>
constexpr uint32_t ne(T a, T b) {
  static_assert(kIsWasmNum<T>, "i32/i64 as uint32_t/uint64_t, f32/f64 as float/double");
  return a != b;
}

// ---- Integer operators --------------------------------------------------------------------------

namespace detail {
template <typename U>
constexpr U kSignedMin = U(1) << (kWidth<U> - 1);
template <typename U>
using Signed = std::make_signed_t<U>;
template <typename U>
constexpr void check_int() {
  static_assert(kIsWasmInt<U>, "integers are passed as uint32_t (i32) or uint64_t (i64)");
}
}  // namespace detail

// i64 div_s/rem_s on 32-bit cores: the unsigned 64-bit division on the magnitudes, so libgcc's
// unsigned routine (__aeabi_uldivmod, which firmware printing 64-bit numbers links anyway) serves
// all four and its signed wrapper (__aeabi_ldivmod, 160 bytes on Cortex-M4) is not linked.
namespace detail {
// Signed forms on the magnitudes: the quotient is negative when the signs differ, the remainder
// takes the dividend's sign. b != 0; INT64_MIN / -1 wraps (div_s traps before).
inline uint64_t sdiv64(uint64_t a, uint64_t b) {
  const bool a_neg = int64_t(a) < 0, b_neg = int64_t(b) < 0;
  const uint64_t q = (a_neg ? 0 - a : a) / (b_neg ? 0 - b : b);
  return a_neg != b_neg ? 0 - q : q;
}
inline uint64_t srem64(uint64_t a, uint64_t b) {
  const bool a_neg = int64_t(a) < 0;
  const uint64_t rem = (a_neg ? 0 - a : a) % (int64_t(b) < 0 ? 0 - b : b);
  return a_neg ? 0 - rem : rem;
}
}  // namespace detail

template <typename U>
[[nodiscard]] constexpr NumTrap div_u(U a, U b, U* out) {
  detail::check_int<U>();
  if (PICOWASM_NUM_UNLIKELY(b == 0)) return NumTrap::int_div_by_zero;
  *out = a / b;
  return NumTrap::none;
}

template <typename U>
[[nodiscard]] constexpr NumTrap rem_u(U a, U b, U* out) {
  detail::check_int<U>();
  if (PICOWASM_NUM_UNLIKELY(b == 0)) return NumTrap::int_div_by_zero;
  *out = a % b;
  return NumTrap::none;
}

// Division by zero is checked first, so INT_MIN / 0 reports int_div_by_zero like the spec.
template <typename U>
[[nodiscard]] constexpr NumTrap div_s(U a, U b, U* out) {
  detail::check_int<U>();
  using S = detail::Signed<U>;
  if (PICOWASM_NUM_UNLIKELY(b == 0)) return NumTrap::int_div_by_zero;
  if (PICOWASM_NUM_UNLIKELY(a == detail::kSignedMin<U> && b == U(-1))) {
    return NumTrap::int_overflow;  // 2^(N-1) is not representable
  }
  if constexpr (sizeof(U) == 8 && PICOWASM_NUM_SDIV64_BY_UDIV) {
    *out = detail::sdiv64(a, b);
  } else {
    *out = U(S(a) / S(b));
  }
  return NumTrap::none;
}

// x rem -1 is 0 for every x; answering it directly avoids INT_MIN % -1, which is UB in C++ and
// a hardware fault on x86.
template <typename U>
[[nodiscard]] constexpr NumTrap rem_s(U a, U b, U* out) {
  detail::check_int<U>();
  using S = detail::Signed<U>;
  if (PICOWASM_NUM_UNLIKELY(b == 0)) return NumTrap::int_div_by_zero;
  if constexpr (sizeof(U) == 8 && PICOWASM_NUM_SDIV64_BY_UDIV) {
    *out = detail::srem64(a, b);  // 0 for b = -1 like the general case
  } else {
    *out = b == U(-1) ? U(0) : U(S(a) % S(b));
  }
  return NumTrap::none;
}

// `and`, `or` and `xor` are C++ alternative tokens, hence the trailing underscores.
template <typename U>
constexpr U and_(U a, U b) {
  detail::check_int<U>();
  return a & b;
}
template <typename U>
constexpr U or_(U a, U b) {
  detail::check_int<U>();
  return a | b;
}
template <typename U>
constexpr U xor_(U a, U b) {
  detail::check_int<U>();
  return a ^ b;
}

// Shift and rotate counts are taken modulo the width.
template <typename U>
constexpr U shl(U a, U count) {
  detail::check_int<U>();
  return a << (count & (kWidth<U> - 1));
}
template <typename U>
constexpr U shr_u(U a, U count) {
  detail::check_int<U>();
  return a >> (count & (kWidth<U> - 1));
}
template <typename U>
constexpr U shr_s(U a, U count) {
  detail::check_int<U>();
  return U(detail::Signed<U>(a) >> (count & (kWidth<U> - 1)));
}
// The second shift count is masked too, so a zero rotation never shifts by the full width.
template <typename U>
constexpr U rotl(U a, U count) {
  detail::check_int<U>();
  const unsigned k = unsigned(count & (kWidth<U> - 1));
  return U(a << k) | U(a >> ((kWidth<U> - k) & (kWidth<U> - 1)));
}
template <typename U>
constexpr U rotr(U a, U count) {
  detail::check_int<U>();
  const unsigned k = unsigned(count & (kWidth<U> - 1));
  return U(a >> k) | U(a << ((kWidth<U> - k) & (kWidth<U> - 1)));
}

namespace detail {
// ctz of a nonzero u64 from two 32-bit counts (32-bit cores). Exposed for the unit tests.
constexpr unsigned ctz64_by_halves(uint64_t a) {
  const unsigned low = unsigned(a);
  return low != 0 ? unsigned(__builtin_ctz(low)) : 32u + unsigned(__builtin_ctz(unsigned(a >> 32)));
}
}  // namespace detail

// The builtins are undefined for 0, which wasm defines as the full width.
template <typename U>
constexpr U clz(U a) {
  detail::check_int<U>();
  if (a == 0) return kWidth<U>;
  if constexpr (sizeof(U) == 4) {
    return U(__builtin_clz(static_cast<unsigned>(a)));
  } else {
    return U(__builtin_clzll(static_cast<unsigned long long>(a)));
  }
}
template <typename U>
constexpr U ctz(U a) {
  detail::check_int<U>();
  if (a == 0) return kWidth<U>;
  if constexpr (sizeof(U) == 4) {
    return U(__builtin_ctz(static_cast<unsigned>(a)));
  } else if constexpr (sizeof(void*) == 4 && sizeof(unsigned) == 4) {
    return U(detail::ctz64_by_halves(a));  // GCC calls libgcc's __ctzdi2 for the 64-bit builtin
  } else {
    return U(__builtin_ctzll(static_cast<unsigned long long>(a)));
  }
}
template <typename U>
constexpr U popcnt(U a) {
  detail::check_int<U>();
  if constexpr (sizeof(U) == 4) {
    return U(__builtin_popcount(static_cast<unsigned>(a)));
  } else if constexpr (sizeof(void*) == 4 && sizeof(unsigned) == 4) {
    // Two halves on a 32-bit core: the 32-bit routine is linked anyway (libgcc's 64-bit one is
    // 72 more bytes on Cortex-M4).
    return U(__builtin_popcount(unsigned(a)) + __builtin_popcount(unsigned(a >> 32)));
  } else {
    return U(__builtin_popcountll(static_cast<unsigned long long>(a)));
  }
}

template <typename U>
constexpr uint32_t eqz(U a) {
  detail::check_int<U>();
  return a == 0;
}
template <typename U>
constexpr uint32_t lt_u(U a, U b) {
  detail::check_int<U>();
  return a < b;
}
template <typename U>
constexpr uint32_t gt_u(U a, U b) {
  detail::check_int<U>();
  return a > b;
}
template <typename U>
constexpr uint32_t le_u(U a, U b) {
  detail::check_int<U>();
  return a <= b;
}
template <typename U>
constexpr uint32_t ge_u(U a, U b) {
  detail::check_int<U>();
  return a >= b;
}
template <typename U>
constexpr uint32_t lt_s(U a, U b) {
  detail::check_int<U>();
  return detail::Signed<U>(a) < detail::Signed<U>(b);
}
template <typename U>
constexpr uint32_t gt_s(U a, U b) {
  detail::check_int<U>();
  return detail::Signed<U>(a) > detail::Signed<U>(b);
}
template <typename U>
constexpr uint32_t le_s(U a, U b) {
  detail::check_int<U>();
  return detail::Signed<U>(a) <= detail::Signed<U>(b);
}
template <typename U>
constexpr uint32_t ge_s(U a, U b) {
  detail::check_int<U>();
  return detail::Signed<U>(a) >= detail::Signed<U>(b);
}

// Sign-extension operators (i32/i64.extend8_s, extend16_s, i64.extend32_s).
template <typename U>
constexpr U extend8_s(U a) {
  detail::check_int<U>();
  return U(detail::Signed<U>(int8_t(a)));
}
template <typename U>
constexpr U extend16_s(U a) {
  detail::check_int<U>();
  return U(detail::Signed<U>(int16_t(a)));
}
constexpr uint64_t extend32_s(uint64_t a) {
  return uint64_t(int64_t(int32_t(uint32_t(a))));
}

constexpr uint32_t wrap_i64(uint64_t a) {
  return uint32_t(a);
}
constexpr uint64_t extend_i32_s(uint32_t a) {
  return uint64_t(int64_t(int32_t(a)));
}
constexpr uint64_t extend_i32_u(uint32_t a) {
  return a;
}

// ---- Float operators ----------------------------------------------------------------------------

namespace detail {
template <typename F>
constexpr void check_float() {
  static_assert(kIsWasmFloat<F>, "floats are passed as float (f32) or double (f64)");
}
}  // namespace detail

template <typename F>
constexpr F div(F a, F b) {
  detail::check_float<F>();
  return a / b;
}

namespace detail {
// Correctly rounded square root in integer arithmetic, for a width the FPU lacks: there the
// compiler calls libm's sqrt, whose errno wrapper pulls errno and newlib's reentrancy data into
// the image (~650 bytes on Cortex-M4, against ~180 for this). Digit by digit: Q = floor(sqrt(M *
// 2^(P+1))) has P+1 bits for the P-bit significand M (scaled so the exponent left is even); the
// last bit rounds, and it is never an exact half (a square root of a P+1-bit number is not).
template <typename F>
constexpr F sqrt_soft(F a) {
  using B = FloatBits<F>;
  constexpr int kP = std::numeric_limits<F>::digits;  // 24 or 53 significand bits
  constexpr int kBias = (1 << (int(sizeof(F)) * 8 - kP - 1)) - 1;  // 127 or 1023
  constexpr B kHidden = B(1) << (kP - 1);
  constexpr B kSign = FloatTraits<F>::kSignMask;
  constexpr B kInf = ~kSign & ~(kHidden - 1);
  const B x = bits(a);
  const B magnitude = x & ~kSign;
  if (magnitude > kInf) return from_bits<F>(x | FloatTraits<F>::kQuietBit);  // NaN stays NaN
  if (magnitude == 0 || x == kInf) return a;                                 // +-0, +inf
  if (x & kSign) return from_bits<F>(FloatTraits<F>::kCanonicalNaN);         // x < 0
  int e = int(x >> (kP - 1));  // biased exponent: a = M * 2^(e - kBias - kP + 1)
  B m = x & (kHidden - 1);
  if (e == 0) {  // subnormal: normalise M
    e = 1;
    while (!(m & kHidden)) m <<= 1, --e;
  } else {
    m |= kHidden;
  }
  e -= kBias + 2 * kP;  // a = (M * 2^(P+1)) * 2^e; make e even
  if (e & 1) m <<= 1, --e;
  // Invariants at bit r = 2^b: s = 2q, ix = (M * 2^(P+1) - q^2) / 2^b.
  B ix = m << 1, q = 0, s = 0;
  for (B r = kHidden << 1; r != 0; r >>= 1) {
    const B t = s + r;
    if (t <= ix) s = t + r, ix -= t, q += r;
    ix <<= 1;
  }
  q = (q >> 1) + (q & 1);  // round to nearest (never a tie, see above)
  // sqrt(a) = q * 2^(e/2 + 1); q's hidden bit lands on the exponent field, and so does a carry
  // out of the significand when rounding up.
  return from_bits<F>((B(e / 2 + kBias + kP - 1) << (kP - 1)) + q);
}
}  // namespace detail

template <typename F>
inline F sqrt(F a) {
  detail::check_float<F>();
  if constexpr (sizeof(F) == 4 && PICOWASM_NUM_HW_SQRT_F32) {
    return __builtin_sqrtf(a);
  } else if constexpr (sizeof(F) == 8 && PICOWASM_NUM_HW_SQRT_F64) {
    return __builtin_sqrt(a);
  } else {
    return detail::sqrt_soft(a);
  }
}

// abs/neg/copysign only touch the sign bit, so NaN payloads (even signalling ones) pass through.
template <typename F>
constexpr F abs(F a) {
  detail::check_float<F>();
  return from_bits<F>(bits(a) & ~FloatTraits<F>::kSignMask);
}
template <typename F>
constexpr F neg(F a) {
  detail::check_float<F>();
  return from_bits<F>(bits(a) ^ FloatTraits<F>::kSignMask);
}
template <typename F>
constexpr F copysign(F magnitude, F sign) {
  detail::check_float<F>();
  constexpr FloatBits<F> kSign = FloatTraits<F>::kSignMask;
  return from_bits<F>((bits(magnitude) & ~kSign) | (bits(sign) & kSign));
}

// min/max: any NaN operand gives a NaN; a + b returns it quieted (canonical stays canonical).
// Equal operands can only differ in the sign of zero: OR of the bits picks -0 for min, AND picks
// +0 for max, and leaves any other pair of equal values unchanged.
template <typename F>
constexpr F min(F a, F b) {
  detail::check_float<F>();
  if (a < b) return a;
  if (b < a) return b;
  if (a == b) return from_bits<F>(bits(a) | bits(b));
  return a + b;
}
template <typename F>
constexpr F max(F a, F b) {
  detail::check_float<F>();
  if (a > b) return a;
  if (b > a) return b;
  if (a == b) return from_bits<F>(bits(a) & bits(b));
  return a + b;
}

// IEEE comparisons: false when either operand is NaN (ne is in the shared section above).
template <typename F>
constexpr uint32_t lt(F a, F b) {
  detail::check_float<F>();
  return a < b;
}
template <typename F>
constexpr uint32_t gt(F a, F b) {
  detail::check_float<F>();
  return a > b;
}
template <typename F>
constexpr uint32_t le(F a, F b) {
  detail::check_float<F>();
  return a <= b;
}
template <typename F>
constexpr uint32_t ge(F a, F b) {
  detail::check_float<F>();
  return a >= b;
}

// Rounding to an integral value without libm. Adding and subtracting 2^fraction_bits rounds a
// magnitude below 2^fraction_bits to an integer in the (default) round-to-nearest-even mode;
// magnitudes at or above it are already integral. The sign is put back with copysign so
// results in (-1, 0] keep -0. NaNs come back quieted via a + a. Exposed for the unit tests,
// which check these paths on hosts that use the hardware ones.
namespace detail {
template <typename F>
constexpr F nearest_arith(F a) {
  const F magnitude = num::abs(a);
  if (PICOWASM_NUM_UNLIKELY(a != a)) return a + a;
  if (!(magnitude < FloatTraits<F>::kTwoPowFraction)) return a;
  const F rounded = (magnitude + FloatTraits<F>::kTwoPowFraction) - FloatTraits<F>::kTwoPowFraction;
  return num::copysign(rounded, a);
}
template <typename F>
constexpr F trunc_arith(F a) {
  const F magnitude = num::abs(a);
  if (PICOWASM_NUM_UNLIKELY(a != a)) return a + a;
  if (!(magnitude < FloatTraits<F>::kTwoPowFraction)) return a;
  F rounded = (magnitude + FloatTraits<F>::kTwoPowFraction) - FloatTraits<F>::kTwoPowFraction;
  if (rounded > magnitude) rounded -= F(1);  // exact: an integer no larger than 2^fraction
  return num::copysign(rounded, a);
}
template <typename F>
constexpr F floor_arith(F a) {
  const F truncated = trunc_arith(a);
  return truncated > a ? truncated - F(1) : truncated;  // -0.5 -> -0 -> -1
}
template <typename F>
constexpr F ceil_arith(F a) {
  const F truncated = trunc_arith(a);
  return truncated < a ? truncated + F(1) : truncated;  // -0.5 -> -0 stays -0
}
}  // namespace detail

template <typename F>
inline F ceil(F a) {
  detail::check_float<F>();
  if constexpr (sizeof(F) == 4 && PICOWASM_NUM_HW_ROUNDING_F32) {
    return __builtin_ceilf(a);
  } else if constexpr (sizeof(F) == 8 && PICOWASM_NUM_HW_ROUNDING_F64) {
    return __builtin_ceil(a);
  } else {
    return detail::ceil_arith(a);
  }
}
template <typename F>
inline F floor(F a) {
  detail::check_float<F>();
  if constexpr (sizeof(F) == 4 && PICOWASM_NUM_HW_ROUNDING_F32) {
    return __builtin_floorf(a);
  } else if constexpr (sizeof(F) == 8 && PICOWASM_NUM_HW_ROUNDING_F64) {
    return __builtin_floor(a);
  } else {
    return detail::floor_arith(a);
  }
}
template <typename F>
inline F trunc(F a) {
  detail::check_float<F>();
  if constexpr (sizeof(F) == 4 && PICOWASM_NUM_HW_ROUNDING_F32) {
    return __builtin_truncf(a);
  } else if constexpr (sizeof(F) == 8 && PICOWASM_NUM_HW_ROUNDING_F64) {
    return __builtin_trunc(a);
  } else {
    return detail::trunc_arith(a);
  }
}
// Round half to even. rint rounds in the current mode, which this file requires to be the
// default round-to-nearest-even.
template <typename F>
inline F nearest(F a) {
  detail::check_float<F>();
  if constexpr (sizeof(F) == 4 && PICOWASM_NUM_HW_ROUNDING_F32) {
    return __builtin_rintf(a);
  } else if constexpr (sizeof(F) == 8 && PICOWASM_NUM_HW_ROUNDING_F64) {
    return __builtin_rint(a);
  } else {
    return detail::nearest_arith(a);
  }
}

// ---- Conversions --------------------------------------------------------------------------------

namespace detail {
// 2^n as F, exact for the n used here (n <= 64).
template <typename F>
constexpr F pow2(unsigned n) {
  F result = 1;
  for (unsigned i = 0; i < n; ++i) result *= 2;
  return result;
}
}  // namespace detail

namespace detail {
// |x| truncated toward zero, for finite x with |x| < 2^64 (the callers' range checks): the
// significand shifted by the exponent. Exposed for the unit tests.
template <typename F>
constexpr uint64_t trunc_magnitude(F x) {
  constexpr int kFraction = sizeof(F) == 4 ? 23 : 52;
  constexpr int kBias = sizeof(F) == 4 ? 127 : 1023;
  const uint64_t b = bits(x) & ~FloatTraits<F>::kSignMask;
  const int exponent = int(b >> kFraction) - kBias;
  if (exponent < 0) return 0;
  const uint64_t significand = (b & ((uint64_t(1) << kFraction) - 1)) | uint64_t(1) << kFraction;
  return exponent >= kFraction ? significand << (exponent - kFraction)
                               : significand >> (kFraction - exponent);
}
// x truncated toward zero as U, where the truncation fits U (signed: as two's complement).
template <typename U, typename F>
constexpr U trunc_by_bits(F x) {
  const U magnitude = U(trunc_magnitude(x));
  return bits(x) & FloatTraits<F>::kSignMask ? U(0 - magnitude) : magnitude;
}
// Whether U(x) / U(Signed<U>(x)) below go through trunc_by_bits: where the FPU has no conversion.
template <typename U, typename F>
constexpr bool kTruncByBits = PICOWASM_NUM_TRUNC_BY_BITS &&
                              (sizeof(U) == 8 ||
                               (PICOWASM_NUM_ARM_FP & (sizeof(F) == 4 ? 4 : 8)) == 0);
template <typename U, typename F>
constexpr U trunc_signed(F x) {
  if constexpr (kTruncByBits<U, F>) {
    return trunc_by_bits<U>(x);
  } else {
    return U(Signed<U>(x));
  }
}
template <typename U, typename F>
constexpr U trunc_unsigned(F x) {
  if constexpr (kTruncByBits<U, F>) {
    return trunc_by_bits<U>(x);  // x > -1: the magnitude, 0 for negative x
  } else {
    return U(x);
  }
}
}  // namespace detail

// iN.trunc_fM_s: valid when trunc(x) lies in [-2^(N-1), 2^(N-1)). The lower limit is therefore
// x > -2^(N-1) - 1 when that value is a float of type F (f64 for i32), and x >= -2^(N-1)
// otherwise (no float lies strictly between the two then).
template <typename U, typename F>
[[nodiscard]] constexpr NumTrap trunc_s(F x, U* out) {
  detail::check_int<U>();
  detail::check_float<F>();
  constexpr F kLimit = detail::pow2<F>(kWidth<U> - 1);
  bool in_range = false;
  if constexpr (kWidth<U> <= unsigned(std::numeric_limits<F>::digits)) {
    in_range = x > -kLimit - F(1) && x < kLimit;
  } else {
    in_range = x >= -kLimit && x < kLimit;
  }
  if (PICOWASM_NUM_UNLIKELY(!in_range)) {
    return x != x ? NumTrap::invalid_conversion : NumTrap::int_overflow;
  }
  *out = detail::trunc_signed<U>(x);
  return NumTrap::none;
}

// iN.trunc_fM_u: valid when trunc(x) lies in [0, 2^N), i.e. -1 < x < 2^N (-0.9 gives 0).
template <typename U, typename F>
[[nodiscard]] constexpr NumTrap trunc_u(F x, U* out) {
  detail::check_int<U>();
  detail::check_float<F>();
  constexpr F kLimit = detail::pow2<F>(kWidth<U>);
  if (PICOWASM_NUM_UNLIKELY(!(x > F(-1) && x < kLimit))) {
    return x != x ? NumTrap::invalid_conversion : NumTrap::int_overflow;
  }
  *out = detail::trunc_unsigned<U>(x);
  return NumTrap::none;
}

// Saturating forms: NaN -> 0, out-of-range values clamp to the nearest representable integer.
template <typename U, typename F>
constexpr U trunc_sat_s(F x) {
  detail::check_int<U>();
  detail::check_float<F>();
  constexpr F kLimit = detail::pow2<F>(kWidth<U> - 1);
  if (x != x) return 0;
  if (x < -kLimit) return detail::kSignedMin<U>;
  if (x >= kLimit) return detail::kSignedMin<U> - 1;
  return detail::trunc_signed<U>(x);
}
template <typename U, typename F>
constexpr U trunc_sat_u(F x) {
  detail::check_int<U>();
  detail::check_float<F>();
  constexpr F kLimit = detail::pow2<F>(kWidth<U>);
  if (!(x > F(-1))) return 0;  // also NaN
  if (x >= kLimit) return ~U(0);
  return detail::trunc_unsigned<U>(x);
}

// fM.convert_iN_s/u. The direct conversion rounds once (to nearest even); going through a wider
// float first would round twice and get e.g. u64 0x0020000020000001 -> f32 wrong.
namespace detail {
// u64 -> f32 through the u32 -> f32 conversion, for a 32-bit FPU (Cortex-M4F) where libgcc's
// i64 -> f32 routines share an object with the whole soft-float add (~600 bytes of flash): the
// value shifted right until it fits 32 bits keeps the dropped bits as a sticky bit 0, so the one
// rounding to 24 bits sees the same round and sticky bits; scaling back by 2^shift is exact.
constexpr float u64_to_f32_by_u32(uint64_t a) {
  const uint32_t high = uint32_t(a >> 32);
  if (high == 0) return float(uint32_t(a));
  const int shift = 32 - __builtin_clz(high);  // 1..32
  const uint32_t kept = uint32_t(a >> shift) | uint32_t((a << (64 - shift)) != 0);
  return float(kept) * from_bits<float>(uint32_t(127 + shift) << 23);
}
constexpr float i64_to_f32_by_u32(uint64_t a) {
  // Round to nearest even is symmetric: round the magnitude, then restore the sign.
  return int64_t(a) < 0 ? -u64_to_f32_by_u32(0 - a) : u64_to_f32_by_u32(a);
}
}  // namespace detail

#if defined(__ARM_FP) && !defined(__aarch64__) && (__ARM_FP & 4)
#define PICOWASM_NUM_I64_TO_F32_BY_U32 1
#else
#define PICOWASM_NUM_I64_TO_F32_BY_U32 0
#endif

template <typename F, typename U>
constexpr F convert_s(U a) {
  detail::check_int<U>();
  detail::check_float<F>();
  if constexpr (PICOWASM_NUM_I64_TO_F32_BY_U32 && sizeof(F) == 4 && sizeof(U) == 8) {
    return detail::i64_to_f32_by_u32(a);
  } else {
    return F(detail::Signed<U>(a));
  }
}
template <typename F, typename U>
constexpr F convert_u(U a) {
  detail::check_int<U>();
  detail::check_float<F>();
  if constexpr (PICOWASM_NUM_I64_TO_F32_BY_U32 && sizeof(F) == 4 && sizeof(U) == 8) {
    return detail::u64_to_f32_by_u32(a);
  } else {
    return F(a);
  }
}

// NaNs come out quieted (an arithmetic NaN, canonical for a canonical input) on SSE, VFP and
// libgcc's soft-float conversions.
constexpr float demote(double a) {
  return float(a);
}
constexpr double promote(float a) {
  return double(a);
}

}  // namespace num
}  // namespace picowasm

#undef PICOWASM_NUM_UNLIKELY

#endif  // PICOWASM_EXEC_NUMERICS_H
