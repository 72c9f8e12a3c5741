// libFuzzer target: restore() on arbitrary snapshot images (the snapshot parser, seeded with real
// images in test/regression/corpus/snapshot). The image goes into an instance of a fixed module
// (below). The first input byte says what to fix up in the image first, so that mutations reach
// the structure behind the header: bit 0 its size and checksum, bit 1 its module and translation
// digests (copied from the target's own image, so that seeds outlive a change of translation).
// Invariants: restore() never crashes or touches memory outside the instance; a refused image
// leaves the instance exactly as it was (its own snapshot is unchanged) with one of the four errors
// restore() documents; an accepted one leaves a state this module can be in (it has no start
// function, so start() has nothing to do), runs on under fuel, and its snapshot restores into a
// second instance whose snapshot is the same bytes and which runs on the same way (clones).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.h"
#include "picowasm/picowasm.hpp"

namespace {

using namespace picowasm;

// wat2wasm of:
//   (module (memory 1) (global $g (mut i32) (i32.const 0))
//     (func $run (export "run") (param $n i32) (result i32) (local $i i32)
//       (loop $l
//         (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc))
//                    (local.get $i))
//         (global.set $g (i32.add (global.get $g) (call $triple (local.get $i))))
//         (local.set $i (i32.add (local.get $i) (i32.const 1)))
//         (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
//       (global.get $g))
//     (func $triple (param $x i32) (result i32)
//       (if (result i32) (i32.gt_u (local.get $x) (i32.const 0))
//         (then (i32.add (call $triple (i32.shr_u (local.get $x) (i32.const 1))) (i32.const 3)))
//         (else (i32.const 0)))))
// (The seeds in test/regression/corpus/snapshot are its images paused after 3, 40 and 150 units of
// fuel of run(60), taken with `picowasm run --fuel N --snapshot-out`, behind a 0 or 1 byte; they
// are best taken again when the translation of this module changes. The header layout is written
// down again here, from docs/embedding.md: the harness must not trust the parser.)
const uint8_t kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x03, 0x03, 0x02, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x06, 0x01, 0x7f,
    0x01, 0x41, 0x00, 0x0b, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x0a, 0x49,
    0x02, 0x2f, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x41, 0x04, 0x6c, 0x41, 0xfc, 0xff,
    0x03, 0x71, 0x20, 0x01, 0x36, 0x02, 0x00, 0x23, 0x00, 0x20, 0x01, 0x10, 0x01, 0x6a, 0x24,
    0x00, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00,
    0x0b, 0x23, 0x00, 0x0b, 0x17, 0x00, 0x20, 0x00, 0x41, 0x00, 0x4b, 0x04, 0x7f, 0x20, 0x00,
    0x41, 0x01, 0x76, 0x10, 0x01, 0x41, 0x03, 0x6a, 0x05, 0x41, 0x00, 0x0b, 0x0b,
};

constexpr size_t kImageMax = 256 * 1024;
constexpr size_t kHeaderBytes = 32;  // the image's header (runtime/snapshot.cpp)
constexpr size_t kSizeOffset = 8, kChecksumOffset = 12, kDigestsOffset = 16;

alignas(16) uint8_t g_module_arena[64 * 1024];
alignas(16) uint8_t g_instance_a[256 * 1024];
alignas(16) uint8_t g_instance_b[256 * 1024];
uint8_t g_image[kImageMax], g_before[kImageMax], g_after[kImageMax], g_clone[kImageMax];

// FNV-1a, as the image's checksum (written again here: the fuzzer must not trust the parser).
uint32_t fnv32(const uint8_t* p, size_t n) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x01000193u;
  return h;
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

Instance* make(const LoadedModule& m, uint8_t* buffer, size_t size) {
  InstanceConfig c;
  c.arena = buffer;
  c.arena_size = size;
  c.limits.stack_bytes = 2048;
  c.limits.call_depth = 40;
  Instance* inst = nullptr;
  FUZZ_CHECK(instantiate(m, c, &inst).ok());
  FUZZ_CHECK(start(*inst, 1000).status == CallStatus::ok);
  return inst;
}

size_t take(const Instance& inst, uint8_t* out) {
  size_t n = 0;
  FUZZ_CHECK(snapshot(inst, out, kImageMax, &n).ok());
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size - 1 > kImageMax) return 0;
  const bool fix_sum = (data[0] & 1) != 0, fix_digests = (data[0] & 2) != 0;
  const size_t n = size - 1;
  std::memcpy(g_image, data + 1, n);

  static LoadedModule* m = nullptr;  // loaded once: restore() never changes the module
  if (!m) {
    ModuleConfig mc;
    mc.arena = g_module_arena;
    mc.arena_size = sizeof g_module_arena;
    FUZZ_CHECK(load(kModule, sizeof kModule, mc, &m).ok());
  }
  Instance* a = make(*m, g_instance_a, sizeof g_instance_a);
  // Some state of its own first, so that "as it was" is not just the initial state.
  FuncInst* run = find_function(*a, "run");
  uint64_t slot = 7;
  FUZZ_CHECK(call(*a, run, &slot, 1000).status == CallStatus::ok);
  const size_t before = take(*a, g_before);
  if (fix_digests && n >= kHeaderBytes) {
    std::memcpy(g_image + kDigestsOffset, g_before + kDigestsOffset, kHeaderBytes - kDigestsOffset);
  }
  if (fix_sum && n >= kHeaderBytes) {
    put_u32(g_image + kSizeOffset, static_cast<uint32_t>(n));
    put_u32(g_image + kChecksumOffset, fnv32(g_image + kHeaderBytes, n - kHeaderBytes));
  }

  const Error e = restore(*a, g_image, n);
  if (!e.ok()) {
    FUZZ_CHECK(
        e.code == ErrorCode::snapshot_malformed || e.code == ErrorCode::snapshot_foreign_module ||
        e.code == ErrorCode::snapshot_foreign_build || e.code == ErrorCode::snapshot_does_not_fit);
    FUZZ_CHECK(e.offset <= n);  // where in the image
    const size_t after = take(*a, g_after);
    FUZZ_CHECK(after == before && std::memcmp(g_after, g_before, before) == 0);
    unload(*a);
    return 0;
  }
  // Accepted: a state the module can be in. Without a start function an instance is always
  // ready, so start() returns at once (pending would run a function the module does not have).
  const CallResult s = start(*a, 100);
  FUZZ_CHECK(s.status == CallStatus::ok && s.fuel_used == 0);
  // A clone holds the same state, and both run on under fuel.
  const size_t image = take(*a, g_after);
  Instance* b = make(*m, g_instance_b, sizeof g_instance_b);
  FUZZ_CHECK(restore(*b, g_after, image).ok());
  FUZZ_CHECK(take(*b, g_clone) == image && std::memcmp(g_clone, g_after, image) == 0);
  uint64_t sa = 3, sb = 3;
  const CallResult ra = is_paused(*a) ? resume(*a, &sa, 2000) : call(*a, run, &sa, 2000);
  // b's own function: a's would run in a (found by this target: the clone "diverged").
  const CallResult rb =
      is_paused(*b) ? resume(*b, &sb, 2000) : call(*b, find_function(*b, "run"), &sb, 2000);
  FUZZ_CHECK(ra.status == rb.status && ra.fuel_used == rb.fuel_used);
  if (ra.status == CallStatus::ok) FUZZ_CHECK(sa == sb);
  unload(*a);
  unload(*b);
  return 0;
}
