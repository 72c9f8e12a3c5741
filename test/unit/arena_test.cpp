// Arena (include/picowasm/arena.h): the bump allocator every engine structure comes from.
#include "common/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace {

using picowasm::Arena;

uintptr_t addr(const void* p) {
  return reinterpret_cast<uintptr_t>(p);
}

TEST(Arena, AlignsFromAnUnalignedBuffer) {
  alignas(16) uint8_t storage[256];
  Arena arena(storage + 1, sizeof(storage) - 1);  // deliberately misaligned base
  void* a = arena.allocate(1, 1);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, storage + 1);
  void* b = arena.allocate(8, 8);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(addr(b) % 8, 0u);
  EXPECT_EQ(b, storage + 8) << "padding is the minimum needed";
  void* c = arena.allocate(4, 16);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(addr(c) % 16, 0u);
  EXPECT_EQ(c, storage + 16);
  EXPECT_EQ(arena.used(), 19u);  // 16 - 1 (base) + 4
}

TEST(Arena, ExhaustionReturnsNullAndKeepsState) {
  alignas(16) uint8_t storage[64];
  Arena arena(storage, sizeof(storage));
  EXPECT_EQ(arena.capacity(), 64u);
  ASSERT_NE(arena.allocate(60, 1), nullptr);
  EXPECT_EQ(arena.remaining(), 4u);
  EXPECT_EQ(arena.allocate(5, 1), nullptr);
  EXPECT_EQ(arena.used(), 60u) << "a failed allocation takes nothing";
  // Fits by size but not once aligned: 60 -> 64 leaves no room.
  EXPECT_EQ(arena.allocate(4, 8), nullptr);
  EXPECT_EQ(arena.used(), 60u);
  void* last = arena.allocate(4, 4);
  EXPECT_EQ(last, storage + 60) << "exactly filling the arena works";
  EXPECT_EQ(arena.remaining(), 0u);
  EXPECT_EQ(arena.allocate(1, 1), nullptr);
}

TEST(Arena, HugeRequestsDoNotWrap) {
  alignas(16) uint8_t storage[64];
  Arena arena(storage, sizeof(storage));
  ASSERT_NE(arena.allocate(10, 1), nullptr);
  EXPECT_EQ(arena.allocate(SIZE_MAX, 1), nullptr);
  EXPECT_EQ(arena.allocate(SIZE_MAX - 5, 8), nullptr);
  EXPECT_EQ(arena.used(), 10u);
}

TEST(Arena, MarkAndRewind) {
  alignas(16) uint8_t storage[128];
  Arena arena(storage, sizeof(storage));
  ASSERT_NE(arena.allocate(10, 1), nullptr);
  Arena::Mark m = arena.mark();
  void* first = arena.allocate(32, 8);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(arena.allocate(32, 8), nullptr);
  arena.rewind(m);
  EXPECT_EQ(arena.used(), 10u);
  EXPECT_EQ(arena.allocate(32, 8), first) << "rewound space is handed out again";

  // Rewinding to a mark beyond the current use is ignored (stale mark after an earlier rewind).
  Arena::Mark later = arena.mark();
  arena.rewind(m);
  arena.rewind(later);
  EXPECT_EQ(arena.used(), 10u);

  arena.reset();
  EXPECT_EQ(arena.used(), 0u);
}

TEST(Arena, HighWater) {
  alignas(16) uint8_t storage[256];
  Arena arena(storage, sizeof(storage));
  Arena::Mark m = arena.mark();
  ASSERT_NE(arena.allocate(100, 1), nullptr);
  arena.rewind(m);
  ASSERT_NE(arena.allocate(10, 1), nullptr);
  EXPECT_EQ(arena.used(), 10u);
  EXPECT_EQ(arena.high_water(), 100u);
  EXPECT_EQ(arena.allocate(1000, 1), nullptr);
  EXPECT_EQ(arena.high_water(), 100u) << "failed allocations do not count";
  arena.reset_high_water();
  EXPECT_EQ(arena.high_water(), 10u);
}

TEST(Arena, AllocateArrayValueInitialisesAndAligns) {
  alignas(16) uint8_t storage[256];
  std::memset(storage, 0xAB, sizeof(storage));
  Arena arena(storage + 3, sizeof(storage) - 3);
  uint64_t* items = arena.allocate_array<uint64_t>(4);
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(addr(items) % alignof(uint64_t), 0u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(items[i], 0u);

  struct Pair {
    uint32_t a = 7;
    uint16_t b = 9;
  };
  Pair* pairs = arena.allocate_array<Pair>(3);
  ASSERT_NE(pairs, nullptr);
  EXPECT_EQ(pairs[2].a, 7u);
  EXPECT_EQ(pairs[2].b, 9u);
}

TEST(Arena, AllocateArrayCountOverflowIsSafe) {
  alignas(16) uint8_t storage[256];
  Arena arena(storage, sizeof(storage));
  // count * sizeof(T) wraps around to a small number: must be refused, not under-allocated.
  EXPECT_EQ(arena.allocate_array<uint64_t>(SIZE_MAX / 8 + 2), nullptr);
  EXPECT_EQ(arena.allocate_array<uint32_t>(SIZE_MAX), nullptr);
  EXPECT_EQ(arena.allocate_array<uint32_t>(65), nullptr);  // 260 bytes > 256
  EXPECT_EQ(arena.used(), 0u);
  EXPECT_NE(arena.allocate_array<uint32_t>(0), nullptr) << "zero elements is a valid request";
}

TEST(Arena, ScratchComesFromTheTopAndNeverOverlapsResults) {
  alignas(16) uint8_t storage[128];
  Arena arena(storage, sizeof(storage));
  uint8_t* result = static_cast<uint8_t*>(arena.allocate(40, 1));
  ASSERT_NE(result, nullptr);
  Arena::ScratchMark sm = arena.scratch_mark();
  uint8_t* scratch = static_cast<uint8_t*>(arena.allocate_scratch(30, 8));
  ASSERT_NE(scratch, nullptr);
  EXPECT_EQ(addr(scratch) % 8, 0u);
  EXPECT_GE(scratch, result + 40);
  EXPECT_LE(scratch + 30, storage + 128);
  EXPECT_GE(arena.scratch_used(), 30u);
  EXPECT_EQ(arena.used(), 40u) << "scratch does not move the result end";
  EXPECT_EQ(arena.remaining(), 128u - 40u - arena.scratch_used());

  // Results cannot grow into scratch, and scratch cannot grow into results.
  const size_t gap = arena.remaining();
  EXPECT_EQ(arena.allocate(gap + 1, 1), nullptr);
  EXPECT_EQ(arena.allocate_scratch(gap + 1, 1), nullptr);
  uint8_t* more = static_cast<uint8_t*>(arena.allocate(gap, 1));
  ASSERT_NE(more, nullptr);
  EXPECT_LE(more + gap, scratch);
  EXPECT_EQ(arena.allocate_scratch(1, 1), nullptr);

  arena.rewind_scratch(sm);
  EXPECT_EQ(arena.scratch_used(), 0u);
  EXPECT_EQ(arena.high_water(), 128u) << "both ends count towards the high-water mark";
}

TEST(Arena, ScratchArraysAndStaleMarks) {
  alignas(16) uint8_t storage[256];
  std::memset(storage, 0xCD, sizeof(storage));
  Arena arena(storage, sizeof(storage));
  Arena::ScratchMark outer = arena.scratch_mark();
  uint32_t* words = arena.allocate_scratch_array<uint32_t>(8);
  ASSERT_NE(words, nullptr);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(words[i], 0u);
  Arena::ScratchMark inner = arena.scratch_mark();
  ASSERT_NE(arena.allocate_scratch(16, 1), nullptr);
  arena.rewind_scratch(inner);
  EXPECT_EQ(arena.scratch_mark().top, inner.top);
  arena.rewind_scratch(outer);
  // A mark below the current top (taken while more scratch was in use) is ignored.
  arena.rewind_scratch(inner);
  EXPECT_EQ(arena.scratch_used(), 0u);
  EXPECT_EQ(arena.allocate_scratch_array<uint64_t>(SIZE_MAX / 4), nullptr);
  EXPECT_EQ(arena.scratch_used(), 0u);
  arena.allocate_scratch(10, 1);
  arena.reset();
  EXPECT_EQ(arena.scratch_used(), 0u);
  EXPECT_EQ(arena.used(), 0u);
}

TEST(Arena, NullOrEmptyBuffer) {
  Arena null_arena(nullptr, 1024);
  EXPECT_EQ(null_arena.capacity(), 0u);
  EXPECT_EQ(null_arena.allocate(1, 1), nullptr);

  Arena default_arena;
  EXPECT_EQ(default_arena.capacity(), 0u);
  EXPECT_EQ(default_arena.allocate(1, 1), nullptr);
  EXPECT_EQ(default_arena.allocate_array<uint32_t>(1), nullptr);
}

}  // namespace
