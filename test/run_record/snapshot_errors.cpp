// snapshot_errors: the snapshot failure paths not reached through the CLI (snapshot_cli covers
// foreign, truncated and corrupted images): an image that does not fit the caller's buffer
// (snapshot_buffer_too_small, Error::needed = snapshot_size's answer, nothing written past the
// buffer), a module whose state holds references (snapshot_unsupported), an instance with smaller
// limits than the image's (snapshot_does_not_fit, Error::lower names the limit), a state the module
// cannot be in (its start function pending with no start function, frames that do not nest:
// snapshot_malformed, the target unchanged; fuzz inputs test/regression/runtime-snapshot-*.wasm),
// and clones: one image restored into three instances that then diverge (each call with its own
// argument) and still give the results their arguments call for. Arguments: down.wasm refs.wasm.
#include <cstdio>
#include <cstring>
#include <vector>

#include "../exec/exec_test_util.h"
#include "picowasm/picowasm.hpp"

using namespace picowasm;
using exec_test::check;
using exec_test::failures;
using exec_test::read_file;

namespace {

// FNV-1a 32 of the image's body, its checksum (docs/embedding.md: 32-byte header, checksum at 12).
void reseal(std::vector<uint8_t>& image, size_t size) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 32; i < size; ++i) h = (h ^ image[i]) * 0x01000193u;
  for (int i = 0; i < 4; ++i) image[12 + i] = static_cast<uint8_t>(h >> (8 * i));
}

alignas(16) uint8_t g_modules[2][64 * 1024];
alignas(16) uint8_t g_instances[4][160 * 1024];

LoadedModule* load_file(const std::vector<uint8_t>& bytes, int k) {
  ModuleConfig mc;
  mc.arena = g_modules[k];
  mc.arena_size = sizeof g_modules[k];
  LoadedModule* m = nullptr;
  return load(bytes.data(), bytes.size(), mc, &m).ok() ? m : nullptr;
}

Instance* make(const LoadedModule& m, int k, uint32_t stack_bytes) {
  InstanceConfig c;
  c.arena = g_instances[k];
  c.arena_size = sizeof g_instances[k];
  c.limits.stack_bytes = stack_bytes;
  Instance* inst = nullptr;
  if (!instantiate(m, c, &inst).ok() || start(*inst, kUnlimitedFuel).status != CallStatus::ok)
    return nullptr;
  return inst;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::vector<uint8_t> down_bytes = read_file(argv[1]), refs_bytes = read_file(argv[2]);
  LoadedModule* down = load_file(down_bytes, 0);
  LoadedModule* refs = load_file(refs_bytes, 1);
  if (!down || !refs) {
    std::printf("FAIL cannot load %s or %s\n", argv[1], argv[2]);
    return 1;
  }

  // down(30) paused after 20 calls: 21 frames deep.
  Instance* a = make(*down, 0, 4096);
  check(a != nullptr, "instantiate down");
  if (!a) return 1;
  uint64_t slot = 30;
  const CallResult paused = call(*a, find_function(*a, "down"), &slot, 20);
  check(paused.status == CallStatus::paused && paused.fuel_used == 20, "down(30) pauses at 20");
  size_t size = 0;
  check(snapshot_size(*a, &size).ok() && size > 0, "snapshot_size");

  // Too small by one byte: refused, the needed size reported, not a byte written past the end.
  std::vector<uint8_t> image(size + 16, 0xEE);
  size_t written = 0;
  Error e = snapshot(*a, image.data(), size - 1, &written);
  check(e.code == ErrorCode::snapshot_buffer_too_small && e.needed == size,
        "a buffer one byte short is snapshot_buffer_too_small with needed = size");
  check(image[size - 1] == 0xEE, "nothing written beyond the short buffer");
  check(snapshot(*a, image.data(), size, &written).ok() && written == size, "exact buffer");

  // down has no start function, so no instance of it is ever "start pending" (1) or "failed" (2):
  // the run state's first byte (offset 32) says so. Such an image is refused, even resealed.
  Instance* t = make(*down, 3, 4096);
  check(t != nullptr, "instantiate down for the start-state images");
  // Frames that do not nest: the second caller's frame (fp at offset 74: header 32, run state 2,
  // paused call 20, first caller 12, then function, offset, fp) moved down onto the first one's
  // parameter, which would leave a caller's live slots outside the image.
  if (t) {
    std::vector<uint8_t> bad(image.begin(), image.begin() + written);
    std::memcpy(&bad[74], &bad[62], 4);
    reseal(bad, written);
    e = restore(*t, bad.data(), written);
    check(e.code == ErrorCode::snapshot_malformed && e.offset == 78,
          "a callee frame below its caller's parameters is snapshot_malformed at offset 78");
  }
  for (uint8_t state = 1; t && state <= 2; ++state) {
    std::vector<uint8_t> bad(image.begin(), image.begin() + written);
    bad[32] = state;
    reseal(bad, written);
    e = restore(*t, bad.data(), written);
    check(e.code == ErrorCode::snapshot_malformed && e.offset == 32,
          "a start state the module cannot be in is snapshot_malformed at offset 32");
    const CallResult s = start(*t, 100);
    uint64_t arg = 5;
    check(!is_paused(*t) && s.status == CallStatus::ok && s.fuel_used == 0 &&
              call(*t, find_function(*t, "down"), &arg, kUnlimitedFuel).status == CallStatus::ok &&
              arg == 5,
          "the refused image left the instance as it was: ready, down(5) = 5");
  }

  // A reference-typed global: not capturable.
  Instance* r = make(*refs, 1, 0);
  check(r != nullptr, "instantiate refs");
  if (r) {
    e = snapshot_size(*r, &size);
    check(e.code == ErrorCode::snapshot_unsupported, "reference state is snapshot_unsupported");
  }

  // 21 frames of down need more value stack than 64 bytes (8 slots) hold.
  Instance* small = make(*down, 2, 64);
  check(small != nullptr, "instantiate down with a small stack");
  if (small) {
    e = restore(*small, image.data(), written);
    check(e.code == ErrorCode::snapshot_does_not_fit && e.lower != nullptr &&
              std::strcmp(e.lower, "stack_bytes") == 0,
          "a smaller stack is snapshot_does_not_fit naming stack_bytes");
  }

  // Clones: the image into three instances; each finishes down(30) = 30, then diverges with a
  // call of its own (down(k) = k).
  for (int k = 1; k <= 3; ++k) {
    if (k == 1 && r) unload(*r);  // their buffers are reused
    if (k == 2 && small) unload(*small);
    if (k == 3 && t) unload(*t);
    Instance* c = make(*down, k, 4096);
    if (!c || !restore(*c, image.data(), written).ok()) {
      check(false, "restore a clone");
      continue;
    }
    uint64_t s = 0;
    const CallResult done = resume(*c, &s, kUnlimitedFuel);
    check(done.status == CallStatus::ok && s == 30 && done.fuel_used == 10,
          "a clone finishes down(30) = 30 with the remaining 10 calls");
    s = static_cast<uint64_t>(k * 7);
    check(call(*c, find_function(*c, "down"), &s, kUnlimitedFuel).status == CallStatus::ok &&
              s == static_cast<uint64_t>(k * 7),
          "a clone then runs its own call");
  }
  std::printf("%s\n", failures ? "snapshot_errors: FAILED" : "snapshot_errors: ok");
  return failures ? 1 : 0;
}
