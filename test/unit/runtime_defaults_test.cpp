// instantiate() takes every runtime object from the arena as zero bytes (Region::take_array in
// src/runtime/instance.cpp) instead of constructing it: that is only value-initialisation if each
// type's default member values are all zeros, except the declared `type` of tables, memories and
// globals, which Builder::build() assigns from the module for every object it defines. Checked
// here for every type it allocates, against the types' own default initialisers, so a non-zero
// default added later fails this test.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <new>

#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

namespace {

// Value-initialises a T in storage that starts as zeros (so padding compares equal), lets
// `assigned` zero what build() assigns anyway, and says whether any byte of it is not zero.
template <typename T>
bool default_is_zero_bytes(void (*assigned)(T&) = nullptr) {
  alignas(T) unsigned char storage[sizeof(T)];
  std::memset(storage, 0, sizeof storage);
  T* object = new (storage) T();
  if (assigned) assigned(*object);
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(object);
  for (size_t i = 0; i < sizeof(T); ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

TEST(RuntimeDefaults, ZeroBytesAreTheDefaults) {
  using namespace picowasm;
  EXPECT_TRUE(default_is_zero_bytes<Instance>());
  EXPECT_TRUE(default_is_zero_bytes<FuncInst>());
  EXPECT_TRUE(default_is_zero_bytes<TableInst>(
      [](TableInst& t) { std::memset(static_cast<void*>(&t.type), 0, sizeof t.type); }));
  EXPECT_TRUE(default_is_zero_bytes<MemoryInst>(
      [](MemoryInst& m) { std::memset(static_cast<void*>(&m.type), 0, sizeof m.type); }));
  EXPECT_TRUE(default_is_zero_bytes<GlobalInst>(
      [](GlobalInst& g) { std::memset(static_cast<void*>(&g.type), 0, sizeof g.type); }));
  EXPECT_TRUE(default_is_zero_bytes<TrapFrame>());
  EXPECT_TRUE(default_is_zero_bytes<FuncInst*>());
}

// The check itself can fail: a type whose default member value is not zero is caught.
TEST(RuntimeDefaults, ANonZeroDefaultIsCaught) {
  struct WithNonZeroDefault {
    uint32_t a = 0;
    uint32_t b = 16;
  };
  EXPECT_FALSE(default_is_zero_bytes<WithNonZeroDefault>());
}

}  // namespace
