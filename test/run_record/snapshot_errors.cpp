// snapshot_errors: the snapshot failure paths not reached through the CLI (snapshot_cli covers
// foreign, truncated and corrupted images): an image that does not fit the caller's buffer
// (snapshot_buffer_too_small, Error::needed = snapshot_size's answer, nothing written past the
// buffer), a module whose state holds references (snapshot_unsupported), an instance with smaller
// limits than the image's (snapshot_does_not_fit, Error::lower names the limit), and clones: one
// image restored into three instances that then diverge (each call with its own argument) and
// still give the results their arguments call for. Arguments: down.wasm refs.wasm.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "picowasm/picowasm.hpp"

using namespace picowasm;

namespace {

int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL %s\n", what);
    ++failures;
  }
}

std::vector<uint8_t> read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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
  const std::vector<uint8_t> down_bytes = read(argv[1]), refs_bytes = read(argv[2]);
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
