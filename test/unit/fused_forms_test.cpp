// The fused forms chosen from benchmark profiles (translator.cpp, "fused forms chosen from
// benchmark profiles"): results against hand-derived values and published CRC check values,
// 32-bit address wrap-around, and traps naming the wasm load that failed (its byte offset found
// in the module bytes, not asked from the engine).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/config.h"
#include "translate/disassemble.h"

namespace {

using embed_test::Buffer;
using embed_test::Bytes;
using embed_test::i32;

const char* const kModule = "fused-forms";

struct Fixture {
  Fixture() : module(embed_test::wasm(kModule)), buffer(1u << 20) {
    if (module.loaded) {
      EXPECT_TRUE(picowasm::instantiate(*module.loaded, embed_test::config_for(buffer), &inst).ok());
    }
  }
  // Byte offset in the module of `pattern` (a function body's bytes), plus `skip`.
  uint32_t offset_of(const std::vector<uint8_t>& pattern, uint32_t skip) const {
    auto it = std::search(module.bytes.begin(), module.bytes.end(), pattern.begin(), pattern.end());
    EXPECT_NE(it, module.bytes.end());
    return static_cast<uint32_t>(it - module.bytes.begin()) + skip;
  }
  uint32_t trap_offset(const char* name, std::vector<uint64_t> slots) {
    return embed_test::trap_offset(*inst, name, std::move(slots));
  }
  uint64_t call(const char* name, std::vector<uint64_t> slots) {
    return embed_test::call_ok(*inst, name, std::move(slots));
  }
  embed_test::Module module;
  Buffer buffer;
  picowasm::Instance* inst = nullptr;
};

uint64_t f64_bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

TEST(FusedForms, ResultsMatchHandDerivedValues) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  EXPECT_EQ(i32(fx.call("mul8", {0, 10})), 0xFFFFF810u);  // -16 * 127
  // i32.add wraps: 0xFFFFFFFF + 3 is address 2, which holds 2.
  EXPECT_EQ(i32(fx.call("mul8", {0xFFFFFFFFu, 10})), 254u);
  EXPECT_EQ(fx.call("madd", {32, f64_bits(2.0)}), f64_bits(3.25));  // 2 * 1.5 + 0.25
  EXPECT_EQ(i32(fx.call("addload", {48, 7})), 12u);
  // SHA-256's Sigma0 of its first initial hash word (rotr 2, 13, 22 = rotl 30, 19, 10).
  EXPECT_EQ(i32(fx.call("sigma0", {0x6a09e667u})), 0xce20b47eu);
  // The catalogued check values of "123456789": CRC-16/MODBUS 0x4B37, CRC-16/CCITT-FALSE 0x29B1.
  EXPECT_EQ(i32(fx.call("modbus", {16, 9})), 0x4B37u);
  EXPECT_EQ(i32(fx.call("ccitt", {16, 9})), 0x29B1u);
  // A zeroed local is zero again on the next call; a parameter set to zero is set.
  EXPECT_EQ(i32(fx.call("sum", {10})), 55u);
  EXPECT_EQ(i32(fx.call("sum", {10})), 55u);
  EXPECT_EQ(i32(fx.call("reset_param", {5})), 0u);
}

TEST(FusedForms, TrapsNameTheLoadThatFailed) {
  Fixture fx;
  ASSERT_NE(fx.inst, nullptr);
  // mul8: local.get 0, i32.const 3, i32.add, i32.load8_s, local.get 1, i32.load8_s, i32.mul.
  const uint32_t mul8_first = fx.offset_of(
      {0x20, 0x00, 0x41, 0x03, 0x6A, 0x2C, 0x00, 0x00, 0x20, 0x01, 0x2C, 0x00, 0x00, 0x6C}, 5);
  EXPECT_EQ(fx.trap_offset("mul8", {65533, 0}), mul8_first);
  EXPECT_EQ(fx.trap_offset("mul8", {0, 65536}), mul8_first + 5);
  // Both out of bounds: the first load traps first.
  EXPECT_EQ(fx.trap_offset("mul8", {65533, 65536}), mul8_first);
  // madd: local.get 1, local.get 0, f64.load, f64.mul, local.get 0, i32.const 8, i32.add,
  // f64.load, f64.add.
  const uint32_t madd_first = fx.offset_of({0x20, 0x01, 0x20, 0x00, 0x2B, 0x03, 0x00, 0xA2, 0x20,
                                            0x00, 0x41, 0x08, 0x6A, 0x2B, 0x03, 0x00, 0xA0},
                                           4);
  EXPECT_EQ(fx.trap_offset("madd", {65530, f64_bits(1.0)}), madd_first);
  EXPECT_EQ(fx.trap_offset("madd", {65528, f64_bits(1.0)}), madd_first + 9);
  const uint32_t addload = fx.offset_of({0x20, 0x01, 0x20, 0x00, 0x28, 0x02, 0x00, 0x6A}, 4);
  EXPECT_EQ(fx.trap_offset("addload", {65533, 0}), addload);
}

#if PICOWASM_FEATURE_FUSED_FORMS
// The patterns above do become the fused forms (else the tests above would not test them).
TEST(FusedForms, PatternsAreFused) {
  Fixture fx;
  ASSERT_NE(fx.module.loaded, nullptr);
  std::string text;
  const picowasm::CompiledModule& c = *fx.module.loaded->compiled;
  for (uint32_t i = 0; i < c.num_funcs; ++i) {
    picowasm::disassemble(
        c.funcs[i],
        [](void* user, const char* line) { *static_cast<std::string*>(user) += line + std::string("\n"); },
        &text);
  }
  for (const char* name : {"i32_mul_load8_s_pair", "f64_mul_load", "f64_add_load", "i32_add_load",
                           "i32_xor_rotl_imm", "i32_xor_imm_if"})
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
}
#endif

}  // namespace
