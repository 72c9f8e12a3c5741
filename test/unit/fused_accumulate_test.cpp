// The accumulating fused forms (translator.cpp, fuse_multiply_accumulate and fuse_mul_add_store):
// dense8's sum of four int8 products computed before their adds, and matmul's c[j] += x * b[j].
// Results against hand-derived values (i32 wrap-around, f64 rounding of the product before the
// add), and traps naming the wasm load that failed, its byte offset found in the module bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/config.h"
#include "translate/disassemble.h"
#include "wasm_builder.h"

namespace {

using embed_test::i32;
using wb::Bytes;

// clang's unrolled dot product: a[k] * b[k] for k = 3, 2, 1 (address i32.add k), then k = 0.
Bytes product(uint8_t k) {
  if (k == 0) return {0x20, 0x00, 0x2C, 0x00, 0x00, 0x20, 0x01, 0x2C, 0x00, 0x00, 0x6C};
  return {0x20, 0x00, 0x41, k, 0x6A, 0x2C, 0x00, 0x00, 0x20, 0x01, 0x41, k, 0x6A, 0x2C, 0x00, 0x00,
          0x6C};
}
const Bytes kAdd4 = {0x6A, 0x6A, 0x6A, 0x6A};
// Offsets of the eight loads from the first product's start, in wasm order.
constexpr uint32_t kLoadAt[8] = {5, 13, 17 + 5, 17 + 13, 34 + 5, 34 + 13, 51 + 2, 51 + 7};

// (a, b, acc) -> acc + sum of the products; the same with acc before the last product; a loop
// over n groups of four with the sum set to a local (the chain's add then writes the local).
Bytes dot4_body() {
  return wb::cat({product(3), product(2), product(1), product(0), {0x20, 0x02}, kAdd4, {0x0B}});
}
Bytes dot4_acc_first_body() {
  return wb::cat({product(3), product(2), product(1), {0x20, 0x02}, product(0), kAdd4, {0x0B}});
}
Bytes dot_loop_body() {
  return wb::body({{1, wb::kI32}},
                  wb::cat({{0x03, 0x40}, product(3), product(2), product(1), product(0),
                           {0x20, 0x03}, kAdd4, {0x21, 0x03},
                           // a += 4; b += 4; n -= 1; loop while n != 0
                           {0x20, 0x00, 0x41, 0x04, 0x6A, 0x21, 0x00, 0x20, 0x01, 0x41, 0x04, 0x6A,
                            0x21, 0x01, 0x20, 0x02, 0x41, 0x7F, 0x6A, 0x22, 0x02, 0x0D, 0x00, 0x0B,
                            0x20, 0x03, 0x0B}}));
}
// (c, x, b) -> c[0] += x * b[0] (f64), then returns c[0].
const Bytes kMaddCode = {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x2B, 0x03, 0x00, 0xA2, 0x20, 0x00, 0x2B,
                         0x03, 0x00, 0xA0, 0x39, 0x03, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x00, 0x0B};

Bytes test_module() {
  using namespace wb;
  const Bytes types = section(kType, vec({func_type({kI32, kI32, kI32}, {kI32}),
                                          func_type({kI32, kF64, kI32}, {kF64})}));
  const Bytes exports = section(
      kExport, vec({cat({str("dot4"), {kExtFunc, 0}}), cat({str("dot4_acc_first"), {kExtFunc, 1}}),
                    cat({str("dot_loop"), {kExtFunc, 2}}), cat({str("madd"), {kExtFunc, 3}})}));
  // a at 0: 1, -2, 3, -4, 10, 20, -30, 40; b at 8: 5, 6, -7, 127, -128, 2, 3, -1;
  // f64 1.5 at 32, 0.25 at 40, 1 + 2^-30 at 48, -(1 + 2^-29) at 56.
  const Bytes data = section(
      kData, vec({cat({{0}, const_expr(i32_const(0)),
                       byte_vec({0x01, 0xFE, 0x03, 0xFC, 0x0A, 0x14, 0xE2, 0x28, 0x05, 0x06, 0xF9,
                                 0x7F, 0x80, 0x02, 0x03, 0xFF})}),
                  cat({{0}, const_expr(i32_const(32)),
                       byte_vec({0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0xD0, 0x3F,  //
                                 0, 0, 0x40, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0x80, 0, 0, 0, 0xF0,
                                 0xBF})})}));
  return module({types, funcs({0, 0, 0, 1}), section(kMemory, vec({limits(1)})), exports,
                 code({body({}, dot4_body()), body({}, dot4_acc_first_body()), dot_loop_body(),
                       body({}, kMaddCode)}),
                 data});
}

uint64_t f64_bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

struct Fixture {
  Fixture() : module(test_module()), buffer(1u << 20) {
    if (module.loaded) {
      EXPECT_TRUE(picowasm::instantiate(*module.loaded, embed_test::config_for(buffer), &inst).ok());
    }
  }
  uint32_t offset_of(const Bytes& pattern) const {
    auto it = std::search(module.bytes.begin(), module.bytes.end(), pattern.begin(), pattern.end());
    EXPECT_NE(it, module.bytes.end());
    return static_cast<uint32_t>(it - module.bytes.begin());
  }
  uint32_t trap_offset(const char* name, std::vector<uint64_t> slots) {
    return embed_test::trap_offset(*inst, name, std::move(slots));
  }
  uint64_t call(const char* name, std::vector<uint64_t> slots) {
    return embed_test::call_ok(*inst, name, std::move(slots));
  }
  embed_test::Module module;
  embed_test::Buffer buffer;
  picowasm::Instance* inst = nullptr;
};

TEST(FusedAccumulate, ResultsMatchHandDerivedValues) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  // -4 * 127 + 3 * -7 + -2 * 6 + 1 * 5 = -536.
  EXPECT_EQ(i32(fx.call("dot4", {0, 8, 1000})), 464u);
  EXPECT_EQ(i32(fx.call("dot4_acc_first", {0, 8, 1000})), 464u);
  // The sum wraps: 0x80000000 - 536.
  EXPECT_EQ(i32(fx.call("dot4", {0, 8, 0x80000000u})), 0x7FFFFDE8u);
  // The second group alone: 10 * -128 + 20 * 2 + -30 * 3 + 40 * -1 = -1370.
  EXPECT_EQ(i32(fx.call("dot4", {4, 12, 0})), static_cast<uint32_t>(-1370));
  // Second group: 10 * -128 + 20 * 2 + -30 * 3 + 40 * -1 = -1370; -536 - 1370 = -1906.
  EXPECT_EQ(i32(fx.call("dot_loop", {0, 8, 2})), static_cast<uint32_t>(-1906));
  EXPECT_EQ(i32(fx.call("dot_loop", {0, 8, 1})), static_cast<uint32_t>(-536));
  // 2 * 1.5 + 0.25, stored at 40; again: 2 * 1.5 + 3.25.
  EXPECT_EQ(fx.call("madd", {40, f64_bits(2.0), 32}), f64_bits(3.25));
  EXPECT_EQ(fx.call("madd", {40, f64_bits(2.0), 32}), f64_bits(6.25));
  // The product is rounded before the add (no FMA): (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60 rounds to
  // 1 + 2^-29, and adding c = -(1 + 2^-29) gives exactly +0 (an FMA would give 2^-60).
  EXPECT_EQ(fx.call("madd", {56, f64_bits(1.0 + 0x1p-30), 48}), f64_bits(0.0));
}

TEST(FusedAccumulate, TrapsNameTheLoadThatFailed) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  const uint32_t dot4 = fx.offset_of(dot4_body());
  EXPECT_EQ(fx.trap_offset("dot4", {65533, 8, 0}), dot4 + kLoadAt[0]);
  EXPECT_EQ(fx.trap_offset("dot4", {0, 65533, 0}), dot4 + kLoadAt[1]);
  EXPECT_EQ(fx.trap_offset("dot4", {0xFFFFFFFDu, 8, 0}), dot4 + kLoadAt[2]);
  EXPECT_EQ(fx.trap_offset("dot4", {0, 0xFFFFFFFDu, 0}), dot4 + kLoadAt[3]);
  EXPECT_EQ(fx.trap_offset("dot4", {0xFFFFFFFEu, 8, 0}), dot4 + kLoadAt[4]);
  EXPECT_EQ(fx.trap_offset("dot4", {0, 0xFFFFFFFEu, 0}), dot4 + kLoadAt[5]);
  EXPECT_EQ(fx.trap_offset("dot4", {0xFFFFFFFFu, 8, 0}), dot4 + kLoadAt[6]);
  EXPECT_EQ(fx.trap_offset("dot4", {0, 0xFFFFFFFFu, 0}), dot4 + kLoadAt[7]);
  // Both out of bounds: the first load traps first.
  EXPECT_EQ(fx.trap_offset("dot4", {65533, 65533, 0}), dot4 + kLoadAt[0]);
  const uint32_t first = fx.offset_of(dot4_acc_first_body());
  EXPECT_EQ(fx.trap_offset("dot4_acc_first", {0xFFFFFFFFu, 8, 0}), first + kLoadAt[6] + 2);
  EXPECT_EQ(fx.trap_offset("dot4_acc_first", {0, 0xFFFFFFFEu, 0}), first + kLoadAt[5]);
  // madd: the load of b, then the load of c (the store to c never traps after it).
  const uint32_t madd = fx.offset_of(kMaddCode);
  EXPECT_EQ(fx.trap_offset("madd", {40, f64_bits(1.0), 65530}), madd + 6);
  EXPECT_EQ(fx.trap_offset("madd", {65530, f64_bits(1.0), 32}), madd + 12);
  EXPECT_EQ(fx.trap_offset("madd", {65530, f64_bits(1.0), 65530}), madd + 6);
}

#if PICOWASM_FEATURE_FUSED_FORMS
// The patterns above do become the accumulating forms (else the tests above would not test them):
// three macs per four products, one f64_mul_add_store per row update.
TEST(FusedAccumulate, PatternsAreFused) {
  Fixture fx;
  ASSERT_NE(fx.module.loaded, nullptr);
  const picowasm::CompiledModule& c = *fx.module.loaded->compiled;
  ASSERT_EQ(c.num_funcs, 4u);
  const auto count = [&c](uint32_t f, const std::string& name) {
    std::string text;
    picowasm::disassemble(
        c.funcs[f],
        [](void* user, const char* line) {
          *static_cast<std::string*>(user) += line + std::string("\n");
        },
        &text);
    size_t n = 0;
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) ++n;
    return n;
  };
  for (uint32_t f = 0; f < 3; ++f) {
    EXPECT_EQ(count(f, "i32_mul_load8_s_pair "), 1u) << f;
    EXPECT_EQ(count(f, "i32_mac_load8_s_pair "), 3u) << f;
  }
  EXPECT_EQ(count(3, "f64_mul_add_store "), 1u);
  EXPECT_EQ(count(3, "f64_mul_load "), 0u);
}
#endif

}  // namespace
