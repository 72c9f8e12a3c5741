// Compact threaded-code forms (docs/interpreter.md, "The code format"): a local stepped in place by
// a 16-bit constant is the three-unit i32_inc. Results against hand-derived values (32-bit
// wrap-around, the upper half of the slot zero), the form chosen only when the add reads and
// writes the same local, and a stacked read of the old value kept.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "translate/disassemble.h"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary
using namespace picowasm;

// local.get x; i32.const k; i32.add; local.set x (or local.tee x with tee).
Bytes step(uint8_t x, int32_t k, bool tee = false) {
  return cat({{0x20, x}, i32_const(k), {0x6A, static_cast<uint8_t>(tee ? 0x22 : 0x21), x}});
}

// 0 "wrap" (param i32) (result i32): x += 1; x += -32768; x += 32767; x
// 1 "loop" (param i32) (result i32) (local i32): do { s += 3 } while (n += -1, n != 0); s
// 2 "other" (param i32) (result i32) (local i32): l = x + 5; l  (another local: no in-place form)
// 3 "old" (param i32) (result i32): x - (x = x + 1)  (the old x read before the step)
Bytes test_module() {
  const Bytes wrap =
      body({}, cat({step(0, 1), step(0, -32768), step(0, 32767), {0x20, 0x00, 0x0B}}));
  const Bytes loop = body(
      {{1, kI32}},
      cat({{0x03, 0x40}, step(1, 3), step(0, -1, true), {0x0D, 0x00, 0x0B, 0x20, 0x01, 0x0B}}));
  const Bytes other =
      body({{1, kI32}}, cat({{0x20, 0x00}, i32_const(5), {0x6A, 0x21, 0x01, 0x20, 0x01, 0x0B}}));
  const Bytes old = body({}, cat({{0x20, 0x00}, step(0, 1), {0x20, 0x00, 0x6B, 0x0B}}));
  return module(
      {section(kType, vec({func_type({kI32}, {kI32})})), funcs({0, 0, 0, 0}),
       section(kExport,
               vec({cat({str("wrap"), {kExtFunc, 0}}), cat({str("loop"), {kExtFunc, 1}}),
                    cat({str("other"), {kExtFunc, 2}}), cat({str("old"), {kExtFunc, 3}})})),
       code({wrap, loop, other, old})});
}

struct Fixture {
  Fixture() : loaded(test_module()) {
    EXPECT_TRUE(loaded.err.ok());
    EXPECT_TRUE(compile_module(loaded.module, loaded.arena, &compiled).ok());
    EXPECT_TRUE(instantiate(*compiled, nullptr, 0, InstanceLimits{}, loaded.arena, &inst).ok());
  }
  // The result slot, all 64 bits (an i32 result leaves the upper half zero).
  uint64_t call(const char* name, uint32_t arg) {
    ExternVal ev;
    EXPECT_TRUE(find_export(*inst, name, std::strlen(name), &ev));
    uint64_t slots[1] = {arg};
    EXPECT_EQ(picowasm::call(*inst, ev.func, slots, kUnlimitedFuel).status, CallStatus::ok);
    return slots[0];
  }
  // How many instructions of defined function `f` are `op`.
  int count(uint32_t f, const char* op) {
    std::vector<std::string> lines;
    disassemble(
        compiled->funcs[f],
        [](void* user, const char* line) {
          static_cast<std::vector<std::string>*>(user)->push_back(line);
        },
        &lines);
    int n = 0;
    for (const std::string& l : lines)
      n += l.find(std::string(": ") + op + " ") != std::string::npos;
    return n;
  }
  Loaded loaded;
  CompiledModule* compiled = nullptr;
  Instance* inst = nullptr;
};

TEST(CodeSize, LocalSteppedInPlaceWrapsIn32Bits) {
  Fixture f;
  // 0xFFFFFFFF + 1 = 0; 0 - 32768 = 0xFFFF8000; + 32767 = 0xFFFFFFFF.
  EXPECT_EQ(f.call("wrap", 0xFFFFFFFFu), 0xFFFFFFFFull);
  EXPECT_EQ(f.call("wrap", 7), 7u);
  // 0x7FFFFFFF + 1 = 0x80000000, - 32768 = 0x7FFF8000, + 32767 = 0x7FFFFFFF.
  EXPECT_EQ(f.call("wrap", 0x7FFFFFFFu), 0x7FFFFFFFull);
#if PICOWASM_FEATURE_FUSED_FORMS
  EXPECT_EQ(f.count(0, "i32_inc"), 3);
  EXPECT_EQ(f.count(0, "i32_add_imm"), 0);
  // Three steps of 3 units and the return of the parameter: ret_copy would not be needed.
  EXPECT_EQ(f.compiled->funcs[0].code_units, 3u * 3u + 1u);
#endif
}

TEST(CodeSize, LoopCounterAndTeeStepInPlace) {
  Fixture f;
  EXPECT_EQ(f.call("loop", 5), 15u);
  EXPECT_EQ(f.call("loop", 1), 3u);
  // n = 0 runs 2^32 times in wasm; 0x10000 iterations: 3 * 65536.
  EXPECT_EQ(f.call("loop", 0x10000), 0x30000u);
#if PICOWASM_FEATURE_FUSED_FORMS
  EXPECT_EQ(f.count(1, "i32_inc"), 2);
#endif
}

TEST(CodeSize, AddIntoAnotherLocalKeepsTheThreeOperandForm) {
  Fixture f;
  EXPECT_EQ(f.call("other", 0xFFFFFFFDu), 2u);
#if PICOWASM_FEATURE_FUSED_FORMS
  EXPECT_EQ(f.count(2, "i32_inc"), 0);
  EXPECT_EQ(f.count(2, "i32_add_imm"), 1);
#endif
}

TEST(CodeSize, OldValueOnTheStackSurvivesTheStep) {
  Fixture f;
  // x - (x + 1) = -1 for every x.
  EXPECT_EQ(f.call("old", 41), 0xFFFFFFFFull);
  EXPECT_EQ(f.call("old", 0xFFFFFFFFu), 0xFFFFFFFFull);
}

}  // namespace
