// snapshot_equivalence: a paused call snapshotted at a random fuel point and restored into a fresh
// instance at another address must finish exactly as the uninterrupted run does — same result
// (also checked against the program's native build, the independent oracle) and the same total
// fuel — for every benchmark program; clones of one image all finish the same way; and every
// damaged image is refused with its typed error, leaving the instance untouched:
//   - every truncation and every single-byte change (the checksum catches each one),
//   - images of another module, of another translation, images that do not fit the limits,
//   - random rewrites of the body with the checksum recomputed, which must each be refused or,
//     if accepted, run without leaving the sandbox (this binary runs under ASan in the fuzz build).
// Usage: picowasm-snapshot-test WASM_DIR   (a missing module fails the test)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "exec_test_util.h"
#include "picowasm/picowasm.hpp"
#include "programs.h"

using namespace picowasm;
using exec_test::check;
using exec_test::failures;
using exec_test::ModuleFile;

namespace {

// An instance in a buffer of its own; `offset` shifts where it starts, so restored images land at
// other addresses than they were taken at.
struct Inst {
  std::vector<uint8_t> buffer;
  Instance* instance = nullptr;
  Inst(const LoadedModule& m, size_t offset, ResourceLimits limits = ResourceLimits()) {
    buffer.resize((256 << 10) + offset);
    InstanceConfig ic;
    ic.arena = buffer.data() + offset;
    ic.arena_size = buffer.size() - offset;
    ic.limits = limits;
    if (!instantiate(m, ic, &instance).ok() || !start(*instance, kUnlimitedFuel).error.ok())
      instance = nullptr;
  }
  ~Inst() {
    if (instance) unload(*instance);
  }
};

std::vector<uint8_t> take(const Instance& inst) {
  size_t size = 0;
  if (!snapshot_size(inst, &size).ok()) return {};
  std::vector<uint8_t> image(size);
  size_t written = 0;
  if (!snapshot(inst, image.data(), image.size(), &written).ok() || written != size) return {};
  return image;
}

// Runs a paused or fresh call to its end; returns the fuel it used.
uint64_t finish(Instance& inst, uint64_t* slots, CallResult r) {
  uint64_t used = r.fuel_used;
  while (r.status == CallStatus::paused) {
    r = resume(inst, slots, kUnlimitedFuel);
    used += r.fuel_used;
  }
  return r.status == CallStatus::ok ? used : ~uint64_t{0};
}

void put_u32(std::vector<uint8_t>& image, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) image[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
// The image format's checksum (FNV-1a 32 over everything after the 32-byte header, at offset 12),
// recomputed here from its documented definition so that body rewrites get past it.
void reseal(std::vector<uint8_t>& image) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 32; i < image.size(); ++i) h = (h ^ image[i]) * 0x01000193u;
  put_u32(image, 12, h);
}

}  // namespace

int main(int argc, char** argv) {
  const char* wasm_dir = exec_test::wasm_dir_argument(argc, argv);
  if (!wasm_dir) return 2;
  std::mt19937_64 rng(20261202);
  size_t largest_image = 0, rewrites_accepted = 0, rewrites = 0;
  ModuleFile other;  // a second module, for foreign images
  if (!other.load(std::string(wasm_dir) + "/fib.wasm")) {
    std::printf("FAIL: cannot load fib.wasm\n");
    return 1;
  }
  for (const bench_program& prog : bench_programs) {
    ModuleFile mod;
    if (!mod.load(std::string(wasm_dir) + "/" + prog.name + ".wasm")) {
      check(false, "module loads", prog.name);
      continue;
    }
    const int32_t param = prog.cortex_m_param;
    const uint64_t native = bench_run_native(&prog, param);
    const auto result_bits = [&](uint64_t slot) {
      return prog.result_type == BENCH_RESULT_I32 ? slot & 0xFFFFFFFFu : slot;
    };

    // The uninterrupted run: result and total fuel.
    Inst ref(*mod.loaded, 0);
    check(ref.instance != nullptr, "instantiate", prog.name);
    if (!ref.instance) continue;
    FuncInst* fn = find_function(*ref.instance, prog.export_name);
    uint64_t slots[2] = {static_cast<uint32_t>(param), 0};
    const uint64_t total =
        finish(*ref.instance, slots, call(*ref.instance, fn, slots, kUnlimitedFuel));
    check(result_bits(slots[0]) == native, "uninterrupted result equals native", prog.name);

    for (int trial = 0; trial < 4; ++trial) {
      // Pause the call at a random fuel point, snapshot it, keep running the original.
      Inst a(*mod.loaded, 8 * (trial + 1));
      uint64_t sa[2] = {static_cast<uint32_t>(param), 0};
      const uint64_t at = 1 + rng() % (total - 1);
      CallResult r = call(*a.instance, find_function(*a.instance, prog.export_name), sa, at);
      check(r.status == CallStatus::paused && r.fuel_used == at, "paused at the fuel point",
            prog.name);
      const std::vector<uint8_t> image = take(*a.instance);
      check(!image.empty(), "snapshot taken", prog.name);
      if (image.empty()) continue;
      if (image.size() > largest_image) largest_image = image.size();
      const uint64_t rest_a = finish(*a.instance, sa, r) - at;
      check(result_bits(sa[0]) == native && at + rest_a == total, "original unaffected", prog.name);

      // Two clones at other addresses continue where it paused.
      for (size_t offset : {size_t{136}, size_t{4096 + 24}}) {
        Inst b(*mod.loaded, offset);
        Error e = restore(*b.instance, image.data(), image.size());
        check(e.ok(), "restore", prog.name);
        if (!e.ok()) continue;
        check(is_paused(*b.instance), "restored instance is paused", prog.name);
        uint64_t sb[2] = {0, 0};
        CallResult paused;
        paused.status = CallStatus::paused;
        const uint64_t rest = finish(*b.instance, sb, paused);
        check(result_bits(sb[0]) == native, "restored result equals native", prog.name);
        check(at + rest == total, "fuel before + after the snapshot equals the total", prog.name);
      }

      if (trial != 0) continue;
      // ---- Damaged images, on one snapshot per program ----
      Inst target(*mod.loaded, 64);
      const auto refused = [&](const std::vector<uint8_t>& img, ErrorCode want) {
        const Error e =
            restore(*target.instance, img.empty() ? image.data() : img.data(), img.size());
        return e.code == want && !is_paused(*target.instance);
      };
      bool all = true;
      for (size_t n = 0; n < image.size(); ++n) {  // every truncation (size 0 included)
        all &= refused(std::vector<uint8_t>(image.begin(), image.begin() + n),
                       ErrorCode::snapshot_malformed);
      }
      check(all, "every truncation is snapshot_malformed", prog.name);
      all = true;
      for (size_t i = 32; i < image.size(); ++i) {  // every body byte changed
        std::vector<uint8_t> bad = image;
        bad[i] ^= static_cast<uint8_t>(1 + rng() % 255);
        all &= refused(bad, ErrorCode::snapshot_malformed);
      }
      check(all, "every changed body byte is snapshot_malformed", prog.name);
      std::vector<uint8_t> bad = image;
      bad[16] ^= 1;  // module digest
      check(refused(bad, ErrorCode::snapshot_foreign_module), "module digest", prog.name);
      bad = image;
      bad[24] ^= 1;  // translation digest: what another engine build's translation gives
      check(refused(bad, ErrorCode::snapshot_foreign_build), "translation digest", prog.name);
      Inst stranger(*other.loaded, 0);
      if (std::strcmp(prog.name, "fib") != 0) {
        check(restore(*stranger.instance, image.data(), image.size()).code ==
                  ErrorCode::snapshot_foreign_module,
              "image of another module", prog.name);
      }
      // Smaller limits than the image needs: a call depth of 1 frame.
      ResourceLimits tight;
      tight.call_depth = 1;
      Inst small(*mod.loaded, 0, tight);
      if (small.instance) {
        const Error e = restore(*small.instance, image.data(), image.size());
        check(e.ok() || e.code == ErrorCode::snapshot_does_not_fit, "does not fit", prog.name);
      }
      // The untouched target still takes the good image.
      check(restore(*target.instance, image.data(), image.size()).ok(), "good image after bad ones",
            prog.name);
      abandon(*target.instance);

      // Random rewrites with a valid checksum: refused with a snapshot error, or accepted and then
      // run (bounded) without harm.
      for (int k = 0; k < 300; ++k) {
        std::vector<uint8_t> img = image;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int j = 0; j < edits; ++j) {
          // Half of the edits hit the run state (positions, frames, stack sizes) after the
          // header, the rest anywhere in the body.
          const size_t span = k % 2 ? img.size() - 32 : std::min<size_t>(img.size() - 32, 96);
          const size_t i = 32 + rng() % span;
          img[i] = static_cast<uint8_t>(rng());
        }
        reseal(img);
        ++rewrites;
        const Error e = restore(*target.instance, img.data(), img.size());
        if (e.ok()) {
          ++rewrites_accepted;
          uint64_t s[2] = {0, 0};
          if (is_paused(*target.instance)) resume(*target.instance, s, 100000);
          if (is_paused(*target.instance)) abandon(*target.instance);
        } else {
          const bool typed =
              e.code == ErrorCode::snapshot_malformed || e.code == ErrorCode::snapshot_does_not_fit;
          check(typed, "a rewritten image gets a snapshot error", prog.name);
        }
      }
    }
    std::printf("%-8s ok: %zu-byte image, resumed clones match (fuel %llu)\n", prog.name,
                take(*ref.instance).size(), static_cast<unsigned long long>(total));
  }
  std::printf("largest paused image %zu bytes; %zu random rewrites, %zu accepted and run\n",
              largest_image, rewrites, rewrites_accepted);
  std::printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
