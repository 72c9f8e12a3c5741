// The translator folds `i32.const C` into the binary operation right after it while reading the
// constant (translator.cpp, fold_into_next) instead of emitting the constant and taking it back.
// Checked against code derived by hand from the code format (threaded_code.h's layouts and the
// frame rules of docs/interpreter.md), and, for every arena size around the code's own size, that
// translation either gives exactly that code or fails with out_of_arena without writing past the
// arena.
#include <gtest/gtest.h>

#include <vector>

#include "translate/threaded_code.h"
#include "translate/translator.h"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::code_op;
using picowasm::CodeUnit;
using picowasm::ErrorCode;
using picowasm::Op;
using picowasm::XOp;

// (param i32) (result i32): ((x + 5) & 70000) < 100000, signed.
Bytes fold_module() {
  Bytes instrs = {0x20, 0x00};                                  // local.get 0
  for (const Bytes& part : {i32_const(5), Bytes{0x6A},          // i32.add: 16-bit immediate
                            i32_const(70000), Bytes{0x71},      // i32.and: 32-bit immediate
                            i32_const(100000), Bytes{0x48}}) {  // i32.lt_s: too wide to fold
    instrs.insert(instrs.end(), part.begin(), part.end());
  }
  instrs.push_back(0x0B);
  return module(
      {section(kType, vec({func_type({kI32}, {kI32})})), funcs({0}), code({body({}, instrs)})});
}

// Slot 0 is the parameter, temporaries start at slot 1 (no locals, no loop constants): the sum
// and the mask overwrite the temporary holding x + 5, the unfolded 100000 goes to slot 2; the
// comparison, the last instruction before the return, writes slot 0 itself.
std::vector<CodeUnit> expected_code() {
  return {code_op(XOp::i32_add_imm),   1, 0,      5,               // slot 1 <- slot 0 + 5
          code_op(XOp::i32_and_imm32), 1, 1,      0x1170, 0x0001,  // slot 1 <- slot 1 & 0x11170
          code_op(XOp::const32),       2, 0x86A0, 0x0001,          // slot 2 <- 0x186A0
          code_op(Op::i32_lt_s),       0, 1,      2,               // slot 0 <- slot 1 < slot 2
          code_op(XOp::ret)};                                      // return slot 0
}

TEST(TranslatorFold, ConstantFoldedIntoTheNextOperationMatchesHandDerivedCode) {
  Loaded loaded(fold_module());
  ASSERT_TRUE(loaded.err.ok()) << loaded.err.message();
  std::vector<uint8_t> buffer(1u << 16);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::CompiledModule compiled;
  ASSERT_EQ(picowasm::translate_module(loaded.module, arena, &compiled).code, ErrorCode::ok);
  ASSERT_EQ(compiled.num_funcs, 1u);
  const picowasm::CompiledFunc& f = compiled.funcs[0];
  EXPECT_EQ(std::vector<CodeUnit>(f.code, f.code + f.code_units), expected_code());
  EXPECT_EQ(f.frame_slots, 3u);  // the parameter and two temporaries (the constant's included)
  EXPECT_EQ(f.num_consts, 0u);
}

TEST(TranslatorFold, EveryArenaSizeGivesTheSameCodeOrOutOfArena) {
  Loaded loaded(fold_module());
  ASSERT_TRUE(loaded.err.ok()) << loaded.err.message();
  constexpr size_t kGuard = 256;
  constexpr uint8_t kGuardByte = 0x5A;
  int translated = 0, refused = 0;
  for (size_t size = 0; size <= 4096; size += 2) {
    std::vector<uint8_t> buffer(size + kGuard, kGuardByte);
    picowasm::Arena arena(buffer.data(), size);
    picowasm::CompiledModule compiled;
    const picowasm::Error err = picowasm::translate_module(loaded.module, arena, &compiled);
    if (err.ok()) {
      ++translated;
      const picowasm::CompiledFunc& f = compiled.funcs[0];
      EXPECT_EQ(std::vector<CodeUnit>(f.code, f.code + f.code_units), expected_code())
          << "arena of " << size << " bytes";
      EXPECT_EQ(f.frame_slots, 3u) << "arena of " << size << " bytes";
    } else {
      ++refused;
      EXPECT_EQ(err.code, ErrorCode::out_of_arena) << "arena of " << size << " bytes";
    }
    for (size_t i = 0; i < kGuard; ++i)
      ASSERT_EQ(buffer[size + i], kGuardByte) << "arena of " << size << " bytes: byte " << i;
  }
  // Both outcomes occur: the sweep crosses the size the translation needs.
  EXPECT_GT(translated, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
