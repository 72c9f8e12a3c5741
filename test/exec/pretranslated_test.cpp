// pretranslated: translated code executed in place from an image (picowasm.hpp translate_to,
// load_pretranslated, verify_image), for every benchmark program, against two oracles: the
// program's native build (the result, bit for bit) and the same module loaded normally (the fuel,
// unit for unit, in one run and in random slices). Also: the sink sees the body in increasing
// contiguous offsets and the header last; an image is what a fresh translation makes
// (verify_image), can be moved to another address, and snapshots move between a normally loaded
// and a pretranslated instance; every truncation, every damaged byte, another module's image,
// another build's, a misaligned image and a failing sink are refused with their typed errors;
// trap reports locate the faulting instruction in code from an image as in a normal load; and
// translating, loading, verifying and running never touch the heap (locked_heap.h counts). Prints
// the RAM of the module buffer and of the instance beyond linear memory and the wasm stack, normal
// and pretranslated. Built once per dispatch variant: pretranslated.goto, pretranslated.switch.
// Usage: picowasm-pretranslated-test WASM_DIR   (a missing module fails the test)
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../no_heap/locked_heap.h"
#include "exec_test_util.h"
#include "picowasm/picowasm.hpp"
#include "programs.h"
#include "runtime/runtime.h"
#include "translate/threaded_code.h"

using namespace picowasm;
using exec_test::check;
using exec_test::failures;
using exec_test::read_file;

namespace {

// Writes the image into a vector reserved beforehand (no allocation while the heap is locked),
// recording that the body arrives in order and the header last.
struct VectorSink {
  std::vector<uint8_t>* out;
  size_t next = kImageHeaderBytes;
  bool in_order = true, header_last = true, header_written = false;
  size_t fail_at = SIZE_MAX;  // refuse the write covering this offset

  static bool write(void* context, size_t offset, const void* data, size_t size) {
    VectorSink& s = *static_cast<VectorSink*>(context);
    if (offset <= s.fail_at && s.fail_at < offset + size) return false;
    if (s.header_written) s.header_last = false;
    if (offset == 0) {
      s.in_order = s.in_order && size == kImageHeaderBytes;
      s.header_written = true;
    } else {
      s.in_order = s.in_order && offset == s.next;
      s.next = offset + size;
    }
    if (offset + size > s.out->size()) return false;
    std::memcpy(s.out->data() + offset, data, size);
    return true;
  }
  ImageSink sink() { return ImageSink{write, this}; }
};

// Independent FNV-1a 32 of the image's checksummed part, so tests can forge a consistent header.
void reseal(std::vector<uint8_t>& image) {
  uint32_t h = 0x811c9dc5u;
  auto mix = [&h](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x01000193u;
  };
  mix(image.data() + kImageHeaderBytes, image.size() - kImageHeaderBytes);
  mix(image.data() + 16, kImageHeaderBytes - 16);
  for (int i = 0; i < 4; ++i) image[12 + i] = static_cast<uint8_t>(h >> (8 * i));
}

// 8-aligned storage for an image, optionally shifted by `shift` bytes.
struct AlignedImage {
  std::vector<uint64_t> words;
  size_t shift = 0;
  size_t size = 0;
  AlignedImage(const std::vector<uint8_t>& bytes, size_t shift_bytes = 0)
      : words((bytes.size() + shift_bytes) / 8 + 2), shift(shift_bytes), size(bytes.size()) {
    std::memcpy(data(), bytes.data(), bytes.size());
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words.data()) + shift; }
  // Replaces the contents (at most the first size's worth: no allocation).
  void assign(const uint8_t* bytes, size_t n) {
    size = n;
    std::memcpy(data(), bytes, n);
  }
};

std::vector<uint8_t> g_module_arena(1 << 20), g_instance_arena(256 << 10), g_scratch(1 << 20);

ModuleConfig module_config(std::vector<uint8_t>& arena) {
  ModuleConfig mc;
  mc.arena = arena.data();
  mc.arena_size = arena.size();
  return mc;
}

ResourceLimits run_limits() {
  ResourceLimits l;
  l.stack_bytes = 16 * 1024;
  l.call_depth = 64;
  return l;
}

FuncInst* export_func(const Instance& inst, const char* name) {
  return find_function(inst, name);
}

// Instantiates `m` in g_instance_arena and runs the program; returns false on any failure.
struct Outcome {
  uint64_t result = 0, fuel = 0, sliced_fuel = 0, sliced_result = 0;
  size_t instance_bytes = 0, memory_bytes = 0;
};
bool run(const LoadedModule& m, const bench_program& prog, std::mt19937_64& rng, Outcome* out) {
  InstanceConfig ic;
  ic.arena = g_instance_arena.data();
  ic.arena_size = g_instance_arena.size();
  ic.limits = run_limits();
  Instance* inst = nullptr;
  if (!instance_size(m, ic, &out->instance_bytes).ok()) return false;
  if (!instantiate(m, ic, &inst).ok() || !start(*inst, kUnlimitedFuel).error.ok()) return false;
  out->memory_bytes = instance_memory(*inst).size;
  uint64_t slots[2] = {static_cast<uint32_t>(prog.cortex_m_param), 0};
  CallResult r = call(*inst, export_func(*inst, prog.export_name), slots, kUnlimitedFuel);
  if (r.status != CallStatus::ok) return false;
  out->result = slots[0];
  out->fuel = r.fuel_used;
  std::uniform_int_distribution<uint64_t> slice(1, 500);
  slots[0] = static_cast<uint32_t>(prog.cortex_m_param);
  r = call(*inst, export_func(*inst, prog.export_name), slots, slice(rng));
  out->sliced_fuel = r.fuel_used;
  while (r.status == CallStatus::paused) {
    r = resume(*inst, slots, slice(rng));
    out->sliced_fuel += r.fuel_used;
  }
  out->sliced_result = slots[0];
  unload(*inst);
  return r.status == CallStatus::ok;
}

// RAM of an instance beyond its linear memory and its wasm stack (value stack and call frames).
size_t beyond(const Outcome& o) {
  const ResourceLimits l = run_limits();
  return o.instance_bytes - o.memory_bytes - l.stack_bytes - l.call_depth * sizeof(CallFrame);
}

// Every truncation and every damaged byte of `image` is refused; checked on small images fully
// and on large ones at `stride`.
void check_damage(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& image,
                  size_t stride, const char* name) {
  AlignedImage copy(image);
  LoadedModule* m = nullptr;
  size_t refused = 0, tried = 0;
  for (size_t n = 0; n < image.size(); n += (n < 64 ? 1 : stride)) {
    ++tried;
    const Error e = load_pretranslated(bytes.data(), bytes.size(), copy.data(), n,
                                       module_config(g_scratch), &m);
    refused += e.code == ErrorCode::image_malformed;
  }
  check(refused == tried, "every truncated image is image_malformed", name);
  refused = tried = 0;
  for (size_t i = 0; i < image.size(); i += (i < kImageHeaderBytes ? 1 : stride)) {
    ++tried;
    copy.data()[i] ^= 0x20;
    const Error e = load_pretranslated(bytes.data(), bytes.size(), copy.data(), image.size(),
                                       module_config(g_scratch), &m);
    refused += e.code == ErrorCode::image_malformed || e.code == ErrorCode::image_foreign_build;
    copy.data()[i] ^= 0x20;
  }
  check(refused == tried, "every damaged byte is refused", name);
}

}  // namespace

int main(int argc, char** argv) {
  const char* wasm_dir = exec_test::wasm_dir_argument(argc, argv);
  if (!wasm_dir) return 2;
  std::mt19937_64 rng(20261202);
  std::vector<std::vector<uint8_t>> modules;
  for (const bench_program& prog : bench_programs) {
    modules.push_back(read_file(std::string(wasm_dir) + "/" + prog.name + ".wasm"));
  }
  // module_*: bytes the module buffer keeps, loaded normally / in place; inst_*: instance bytes
  // beyond linear memory and the wasm stack (the same: the code's place does not matter there).
  std::printf("%-9s %7s %7s %8s %9s %9s %9s %9s\n", "program", "body_B", "image_B", "fuel",
              "module_B", "mod_xip", "inst_B", "inst_xip");
  size_t tested = 0;
  for (size_t p = 0; p < modules.size(); ++p) {
    const bench_program& prog = bench_programs[p];
    const std::vector<uint8_t>& bytes = modules[p];
    if (bytes.empty()) {
      check(false, "read the module (was bench-wasm built?)", prog.name);
      continue;
    }
    const uint64_t native = bench_run_native(&prog, prog.cortex_m_param);
    std::vector<uint8_t> image(64 << 10);
    AlignedImage moved(image, 8);

    // Everything from here to unlock() runs with the heap locked.
    locked_heap::lock();
    size_t counted = 0;
    VectorSink counter{&image};
    Error err = translate_to(bytes.data(), bytes.size(), module_config(g_scratch), counter.sink(),
                             &counted);
    VectorSink sink{&image};
    size_t image_size = 0;
    if (err.ok()) {
      err = translate_to(bytes.data(), bytes.size(), module_config(g_scratch), sink.sink(),
                         &image_size);
    }
    LoadedModule* normal = nullptr;
    LoadedModule* xip = nullptr;
    Outcome a, b;
    bool ran = false;
    if (err.ok()) {
      err = load(bytes.data(), bytes.size(), module_config(g_module_arena), &normal);
      ran = err.ok() && run(*normal, prog, rng, &a);
    }
    const size_t normal_used = normal ? normal->arena_used : 0;
    // The image at another address than it was written at: nothing in it is an address.
    moved.assign(image.data(), image_size);
    const Error load_err = load_pretranslated(bytes.data(), bytes.size(), moved.data(), image_size,
                                              module_config(g_module_arena), &xip);
    const bool ran_xip = load_err.ok() && run(*xip, prog, rng, &b);
    const Error verified = verify_image(bytes.data(), bytes.size(), moved.data(), image_size,
                                        module_config(g_scratch));
    const unsigned heap_calls = locked_heap::unlock();

    check(err.ok(), "translate_to and load", prog.name);
    check(heap_calls == 0, "no heap while translating, loading and running", prog.name);
    check(counted == image_size && image_size > kImageHeaderBytes, "dry run tells the size",
          prog.name);
    check(sink.in_order && sink.header_last && sink.header_written,
          "body in increasing contiguous offsets, header last", prog.name);
    check(ran, "normal load runs", prog.name);
    check(load_err.ok(), "load_pretranslated", prog.name);
    check(ran_xip, "pretranslated module runs", prog.name);
    check(verified.ok(), "verify_image: the image is a fresh translation", prog.name);
    if (!ran || !ran_xip) continue;
    ++tested;
    check(a.result == native && b.result == native, "results equal the native result", prog.name);
    check(b.sliced_result == native, "sliced pretranslated result equals native", prog.name);
    check(a.fuel == b.fuel && b.sliced_fuel == b.fuel, "same fuel, also in slices", prog.name);
    check(xip->compiled->code_bytes == normal->compiled->code_bytes, "same code size", prog.name);
    check(xip->arena_used < normal_used, "less module RAM", prog.name);
    size_t body = 0;
    for (uint32_t i = xip->module.num_imported_functions; i < xip->module.num_functions; ++i)
      body += xip->module.functions[i].code.size;
    std::printf("%-9s %7zu %7zu %8llu %9zu %9zu %9zu %9zu\n", prog.name, body, image_size,
                static_cast<unsigned long long>(b.fuel), normal_used, xip->arena_used, beyond(a),
                beyond(b));
    check(beyond(a) == beyond(b), "instance RAM does not depend on where the code is", prog.name);

    // Damage: small modules fully, the others sampled.
    std::vector<uint8_t> exact(image.begin(), image.begin() + image_size);
    check_damage(bytes, exact, image_size < 4096 ? 1 : 61, prog.name);
    // Another module's image: foreign module (the header is intact).
    const std::vector<uint8_t>& other = modules[(p + 1) % modules.size()];
    AlignedImage aligned(exact);
    err = load_pretranslated(other.data(), other.size(), aligned.data(), image_size,
                             module_config(g_scratch), &xip);
    check(err.code == ErrorCode::image_foreign_module && err.offset == 16,
          "another module's image is image_foreign_module", prog.name);
    // Another build: a consistent header with another build digest.
    std::vector<uint8_t> forged = exact;
    forged[24] ^= 1;
    reseal(forged);
    AlignedImage foreign(forged);
    err = load_pretranslated(bytes.data(), bytes.size(), foreign.data(), image_size,
                             module_config(g_scratch), &xip);
    check(err.code == ErrorCode::image_foreign_build && err.offset == 24 && !xip,
          "another build's image is image_foreign_build", prog.name);
    // Resealed code changes pass the digests (the code is trusted) but not verify_image.
    forged = exact;
    forged[kImageHeaderBytes + 1] ^= 1;  // the first function's first operation
    reseal(forged);
    AlignedImage changed(forged);
    err = verify_image(bytes.data(), bytes.size(), changed.data(), image_size,
                       module_config(g_scratch));
    check(err.code == ErrorCode::image_foreign_build, "verify_image sees a changed code unit",
          prog.name);
    // A misaligned image, a null one, a failing sink.
    AlignedImage misaligned(exact, 4);
    err = load_pretranslated(bytes.data(), bytes.size(), misaligned.data(), image_size,
                             module_config(g_scratch), &xip);
    check(err.code == ErrorCode::bad_argument, "a misaligned image is bad_argument", prog.name);
    err =
        load_pretranslated(bytes.data(), bytes.size(), nullptr, 0, module_config(g_scratch), &xip);
    check(err.code == ErrorCode::bad_argument, "a null image is bad_argument", prog.name);
    for (size_t at : {size_t{0}, kImageHeaderBytes, image_size - 1}) {
      VectorSink failing{&image};
      failing.fail_at = at;
      err = translate_to(bytes.data(), bytes.size(), module_config(g_scratch), failing.sink());
      check(err.code == ErrorCode::image_sink_failed, "a failing sink is image_sink_failed",
            prog.name);
    }
  }
  // An image that does not fit the module buffer: out_of_arena, like load().
  {
    const std::vector<uint8_t>& bytes = modules[6];  // mixed
    std::vector<uint8_t> image(64 << 10);
    VectorSink sink{&image};
    size_t size = 0;
    LoadedModule* m = nullptr;
    std::vector<uint8_t> tiny(256);
    Error err =
        translate_to(bytes.data(), bytes.size(), module_config(g_scratch), sink.sink(), &size);
    AlignedImage aligned(std::vector<uint8_t>(image.begin(), image.begin() + size));
    if (err.ok()) {
      err = load_pretranslated(bytes.data(), bytes.size(), aligned.data(), size,
                               module_config(tiny), &m);
    }
    check(err.code == ErrorCode::out_of_arena, "a small module buffer is out_of_arena", "mixed");
  }
  // Trap reports locate the faulting instruction by translating the function again: the same
  // byte offset from code in an image. (func (export "d") (param i32 i32) (result i32)
  // local.get 0 local.get 1 i32.div_s), assembled by hand: i32.div_s is byte 37 of the module.
  {
    static constexpr uint8_t kDivide[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02,
        0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 'd',
        0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b};
    static_assert(sizeof kDivide == 39 && kDivide[37] == 0x6d, "i32.div_s at byte 37");
    std::vector<uint8_t> image(1024), arena2(64 << 10);
    VectorSink sink{&image};
    size_t size = 0;
    bool ok =
        translate_to(kDivide, sizeof kDivide, module_config(g_scratch), sink.sink(), &size).ok();
    AlignedImage aligned(std::vector<uint8_t>(image.begin(), image.begin() + size));
    for (int xip = 0; xip < 2 && ok; ++xip) {
      LoadedModule* m = nullptr;
      ok = (xip ? load_pretranslated(kDivide, sizeof kDivide, aligned.data(), size,
                                     module_config(arena2), &m)
                : load(kDivide, sizeof kDivide, module_config(arena2), &m))
               .ok();
      InstanceConfig ic;
      ic.arena = g_instance_arena.data();
      ic.arena_size = g_instance_arena.size();
      Instance* inst = nullptr;
      ok = ok && instantiate(*m, ic, &inst).ok();
      uint64_t slots[2] = {7, 0};
      ok = ok &&
           call(*inst, export_func(*inst, "d"), slots, kUnlimitedFuel).status == CallStatus::trap;
      const TrapReport report = ok ? trap_report(*inst) : TrapReport();
      check(ok && report.code == ErrorCode::trap_int_div_by_zero && report.num_frames == 1 &&
                report.frames[0].module_offset == 37,
            xip ? "trap report from an image: i32.div_s at byte 37"
                : "trap report of a normal load: i32.div_s at byte 37",
            "divide");
      if (inst) unload(*inst);
    }
  }
  // A snapshot of a normally loaded instance restores into a pretranslated one: the code is the
  // same translation, so the positions mean the same.
  {
    const bench_program& prog = bench_programs[6];
    const std::vector<uint8_t>& bytes = modules[6];
    std::vector<uint8_t> image(64 << 10), snap(128 << 10), arena2(256 << 10), inst2(256 << 10);
    VectorSink sink{&image};
    size_t size = 0, snap_size = 0;
    LoadedModule *normal = nullptr, *xip = nullptr;
    Instance *a = nullptr, *b = nullptr;
    InstanceConfig ic;
    ic.arena = g_instance_arena.data();
    ic.arena_size = g_instance_arena.size();
    ic.limits = run_limits();
    InstanceConfig ic2 = ic;
    ic2.arena = inst2.data();
    ic2.arena_size = inst2.size();
    bool ok =
        translate_to(bytes.data(), bytes.size(), module_config(g_scratch), sink.sink(), &size).ok();
    AlignedImage aligned(std::vector<uint8_t>(image.begin(), image.begin() + size));
    ok = ok && load(bytes.data(), bytes.size(), module_config(g_module_arena), &normal).ok() &&
         load_pretranslated(bytes.data(), bytes.size(), aligned.data(), size, module_config(arena2),
                            &xip)
             .ok() &&
         instantiate(*normal, ic, &a).ok() && instantiate(*xip, ic2, &b).ok() &&
         start(*a, kUnlimitedFuel).error.ok() && start(*b, kUnlimitedFuel).error.ok();
    uint64_t slots[2] = {static_cast<uint32_t>(prog.cortex_m_param), 0};
    ok =
        ok && call(*a, export_func(*a, prog.export_name), slots, 5000).status == CallStatus::paused;
    ok = ok && snapshot(*a, snap.data(), snap.size(), &snap_size).ok() &&
         restore(*b, snap.data(), snap_size).ok();
    CallResult r;
    r.status = CallStatus::paused;
    while (ok && r.status == CallStatus::paused) r = resume(*b, slots, kUnlimitedFuel);
    check(ok && r.status == CallStatus::ok &&
              slots[0] == bench_run_native(&prog, prog.cortex_m_param),
          "a snapshot moves from a normal to a pretranslated instance", prog.name);
  }
  std::printf(
      "%zu of %zu programs ran pretranslated with the native result and the same fuel; "
      "%d failures\n",
      tested, modules.size(), failures);
  return failures == 0 && tested == modules.size() ? 0 : 1;
}
