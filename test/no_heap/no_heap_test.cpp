// No heap after initialisation, proven: this program replaces malloc/calloc/realloc/free (and the
// aligned variants) and every operator new/delete with counting versions. Start-up (reading the
// module files, setting up stdio) may allocate; then the "initialised" flag is set, from which
// point any allocation call is counted and fails. With the flag set, the program loads,
// admits, instantiates, runs, traps, pauses (fuel, interrupt), resumes, abandons and unloads every
// module it was given, using static buffers only, then clears the flag, prints what it did and
// fails unless the count is zero (and the work actually exercised each of those paths).
//
// Usage: picowasm-no-heap-test DIR_OR_FILE...   (directories are searched for *.wasm)
// Not a GoogleTest binary: GoogleTest allocates while running tests.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <string>
#include <vector>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

// ---- Counting allocator ----------------------------------------------------------------------

namespace {

// Start-up allocations come from this bump heap (in .bss: pages cost nothing until touched);
// free() does not reclaim. Every block has a header holding its size, for realloc().
constexpr size_t kHeapBytes = size_t{1} << 30;
alignas(64) unsigned char g_heap[kHeapBytes];
size_t g_heap_top = 0;

bool g_initialised = false;
size_t g_calls_after_init = 0;

struct Header {
  size_t size;
  size_t pad;
};

void* bump(size_t size, size_t align) {
  if (align < alignof(std::max_align_t)) align = alignof(std::max_align_t);
  uintptr_t base = reinterpret_cast<uintptr_t>(g_heap);
  uintptr_t p = (base + g_heap_top + sizeof(Header) + align - 1) & ~uintptr_t(align - 1);
  if (p + size > base + kHeapBytes) return nullptr;
  reinterpret_cast<Header*>(p)[-1].size = size;
  g_heap_top = p + size - base;
  return reinterpret_cast<void*>(p);
}

// One allocation call: counted (and refused) once initialised.
bool refused() {
  if (!g_initialised) return false;
  ++g_calls_after_init;
  return true;
}

void* allocate(size_t size, size_t align) {
  if (refused()) return nullptr;
  return bump(size, align);
}

void release(void* p) {
  if (p) refused();  // free(nullptr) is not an allocation call of the engine's making either way
}

[[noreturn]] void new_failed() {
  static const char msg[] = "no-heap test: operator new called after initialisation\n";
  ssize_t unused = write(2, msg, sizeof msg - 1);
  (void)unused;
  std::abort();
}

void* new_or_die(size_t size, size_t align) {
  void* p = allocate(size ? size : 1, align);
  if (!p) new_failed();
  return p;
}

}  // namespace

extern "C" {
void* malloc(size_t size) {
  return allocate(size, alignof(std::max_align_t));
}
void* calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return nullptr;
  void* p = allocate(n * size, alignof(std::max_align_t));
  if (p) std::memset(p, 0, n * size);
  return p;
}
void* realloc(void* old, size_t size) {
  if (refused()) return nullptr;
  void* p = bump(size, alignof(std::max_align_t));
  if (p && old) {
    const size_t old_size = static_cast<Header*>(old)[-1].size;
    std::memcpy(p, old, old_size < size ? old_size : size);
  }
  return p;
}
void free(void* p) {
  release(p);
}
void* aligned_alloc(size_t align, size_t size) {
  return allocate(size, align);
}
void* memalign(size_t align, size_t size) {
  return allocate(size, align);
}
int posix_memalign(void** out, size_t align, size_t size) {
  void* p = allocate(size, align);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void* valloc(size_t size) {
  return allocate(size, 4096);
}
void* pvalloc(size_t size) {
  return allocate((size + 4095) & ~size_t{4095}, 4096);
}
}

void* operator new(size_t n) {
  return new_or_die(n, alignof(std::max_align_t));
}
void* operator new[](size_t n) {
  return new_or_die(n, alignof(std::max_align_t));
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  return allocate(n ? n : 1, alignof(std::max_align_t));
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return allocate(n ? n : 1, alignof(std::max_align_t));
}
void* operator new(size_t n, std::align_val_t a) {
  return new_or_die(n, static_cast<size_t>(a));
}
void* operator new[](size_t n, std::align_val_t a) {
  return new_or_die(n, static_cast<size_t>(a));
}
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n ? n : 1, static_cast<size_t>(a));
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n ? n : 1, static_cast<size_t>(a));
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, size_t) noexcept {
  release(p);
}
void operator delete[](void* p, size_t) noexcept {
  release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  release(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  release(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  release(p);
}

// ---- The host side of the modules (spectest and the examples' "env") --------------------------

namespace {

using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;

uint64_t g_host_calls = 0;
void print(HostContext&) {
  ++g_host_calls;
}
void print_i32(HostContext&, int32_t) {
  ++g_host_calls;
}
void print_i64(HostContext&, int64_t) {
  ++g_host_calls;
}
void print_f32(HostContext&, float) {
  ++g_host_calls;
}
void print_f64(HostContext&, double) {
  ++g_host_calls;
}
void print_i32_f32(HostContext&, int32_t, float) {
  ++g_host_calls;
}
void print_f64_f64(HostContext&, double, double) {
  ++g_host_calls;
}
void gpio_write(HostContext& ctx, int32_t pin, int32_t) {
  ++g_host_calls;
  if (pin < 0 || pin > 63) ctx.trap("no such pin");
}
void delay_ms(HostContext& ctx, int32_t) {
  ++g_host_calls;
  ctx.yield();  // a firmware host would sleep: let the scheduler run something else
}
void log_state(HostContext&, int32_t) {
  ++g_host_calls;
}

constexpr HostFunction kHost[] = {
    host_function<&print>("spectest", "print"),
    host_function<&print_i32>("spectest", "print_i32"),
    host_function<&print_i64>("spectest", "print_i64"),
    host_function<&print_f32>("spectest", "print_f32"),
    host_function<&print_f64>("spectest", "print_f64"),
    host_function<&print_i32_f32>("spectest", "print_i32_f32"),
    host_function<&print_f64_f64>("spectest", "print_f64_f64"),
    host_function<&gpio_write>("env", "gpio_write"),
    host_function<&delay_ms>("env", "delay_ms"),
    host_function<&log_state>("env", "log_state"),
};

// The spectest module's table, memory and globals, in static storage.
constexpr uint32_t kPage = PICOWASM_PAGE_SIZE;
alignas(64) uint8_t g_spectest_memory_data[2 * kPage];
uint64_t g_spectest_table_elems[20];
picowasm::MemoryInst g_spectest_memory;
picowasm::TableInst g_spectest_table;
picowasm::GlobalInst g_spectest_globals[4];
picowasm::NamedExtern g_spectest_externs[6];

void reset_spectest() {
  std::memset(g_spectest_memory_data, 0, sizeof g_spectest_memory_data);
  g_spectest_memory.data = g_spectest_memory_data;
  g_spectest_memory.pages = 1;
  g_spectest_memory.size = kPage;
  g_spectest_memory.capacity_pages = 2;
  g_spectest_memory.type.limits = picowasm::Limits{1, 2, true};
  // The table may hold functions of the instance just unloaded: clear it.
  std::memset(g_spectest_table_elems, 0, sizeof g_spectest_table_elems);
  g_spectest_table.elems = g_spectest_table_elems;
  g_spectest_table.size = 10;
  g_spectest_table.capacity = 20;
  g_spectest_table.type.elem = picowasm::ValType::funcref;
  g_spectest_table.type.limits = picowasm::Limits{10, 20, true};
}

void set_global(int i, picowasm::ValType t, uint64_t bits) {
  g_spectest_globals[i].type.type = t;
  g_spectest_globals[i].value = bits;
}

void init_spectest() {
  reset_spectest();
  const float f32 = 666.6f;
  const double f64 = 666.6;
  uint32_t f32_bits;
  uint64_t f64_bits;
  std::memcpy(&f32_bits, &f32, 4);
  std::memcpy(&f64_bits, &f64, 8);
  set_global(0, picowasm::ValType::i32, 666);
  set_global(1, picowasm::ValType::i64, 666);
  set_global(2, picowasm::ValType::f32, f32_bits);
  set_global(3, picowasm::ValType::f64, f64_bits);
  const char* global_names[4] = {"global_i32", "global_i64", "global_f32", "global_f64"};
  for (int i = 0; i < 4; ++i) {
    g_spectest_externs[i].module = "spectest";
    g_spectest_externs[i].name = global_names[i];
    g_spectest_externs[i].value.kind = picowasm::ExternKind::global;
    g_spectest_externs[i].value.global = &g_spectest_globals[i];
  }
  g_spectest_externs[4].module = "spectest";
  g_spectest_externs[4].name = "table";
  g_spectest_externs[4].value.kind = picowasm::ExternKind::table;
  g_spectest_externs[4].value.table = &g_spectest_table;
  g_spectest_externs[5].module = "spectest";
  g_spectest_externs[5].name = "memory";
  g_spectest_externs[5].value.kind = picowasm::ExternKind::memory;
  g_spectest_externs[5].value.memory = &g_spectest_memory;
}

// ---- The work done with the heap locked ---------------------------------------------------------

alignas(64) uint8_t g_module_buffer[16u << 20];
alignas(64) uint8_t g_instance_buffer[48u << 20];

struct Tally {
  uint32_t modules = 0, loaded = 0, load_errors = 0, admitted = 0, refused = 0;
  uint32_t instantiated = 0, link_errors = 0, init_traps = 0;
  uint64_t calls = 0, returned = 0, trapped = 0, exhausted = 0, fuel_pauses = 0, resumes = 0;
  uint64_t interrupts = 0, yields = 0, abandoned = 0;
};
Tally g_tally;

struct Input {
  std::string path;
  std::vector<uint8_t> bytes;
};

// Runs one call to completion in fuel slices, giving up (abandon) after `budget` safe points.
// Runs `f` (or, when it is null, the instance's start function) in slices of fuel.
void run_sliced(picowasm::Instance& inst, picowasm::FuncInst* f, uint64_t* slots, uint64_t slice,
                uint64_t budget, bool interrupt_first) {
  ++g_tally.calls;
  if (interrupt_first) picowasm::interrupt(inst);
  picowasm::CallResult r = f ? picowasm::call(inst, f, slots, slice) : picowasm::start(inst, slice);
  uint64_t used = r.fuel_used;
  while (r.status == picowasm::CallStatus::paused) {
    switch (r.pause) {
      case picowasm::PauseReason::out_of_fuel: ++g_tally.fuel_pauses; break;
      case picowasm::PauseReason::interrupted: ++g_tally.interrupts; break;
      case picowasm::PauseReason::host_yield: ++g_tally.yields; break;
      case picowasm::PauseReason::none: break;
    }
    if (used >= budget) {
      picowasm::abandon(inst);
      ++g_tally.abandoned;
      return;
    }
    ++g_tally.resumes;
    r = picowasm::resume(inst, slots, slice);
    used += r.fuel_used;
  }
  if (r.status == picowasm::CallStatus::ok) {
    ++g_tally.returned;
  } else if (r.error.kind() == picowasm::ErrorKind::exhaustion) {
    ++g_tally.exhausted;
  } else {
    ++g_tally.trapped;
    (void)picowasm::trap_report(inst);
  }
}

void exercise(const Input& input, uint64_t arg) {
  ++g_tally.modules;
  picowasm::ModuleConfig mc;
  mc.arena = g_module_buffer;
  mc.arena_size = sizeof g_module_buffer;
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = picowasm::load(input.bytes.data(), input.bytes.size(), mc, &module);
  if (!err.ok()) {
    ++g_tally.load_errors;  // malformed / invalid / unsupported spec modules
    return;
  }
  ++g_tally.loaded;

  picowasm::InstanceConfig ic;
  ic.arena = g_instance_buffer;
  ic.arena_size = sizeof g_instance_buffer;
  ic.host_functions = kHost;
  ic.num_host_functions = sizeof kHost / sizeof kHost[0];
  ic.externs = g_spectest_externs;
  ic.num_externs = sizeof g_spectest_externs / sizeof g_spectest_externs[0];
  ic.limits.stack_bytes = 64 * 1024;
  ic.limits.call_depth = 200;
  ic.limits.memory_pages = 16;
  size_t need = 0;
  err = picowasm::instance_size(*module, ic, &need);
  if (!err.ok()) {
    ++g_tally.link_errors;
    return;
  }
  if (need > ic.arena_size) {
    ++g_tally.refused;
    return;
  }
  ++g_tally.admitted;
  picowasm::Instance* inst = nullptr;
  err = picowasm::instantiate(*module, ic, &inst);
  if (!err.ok()) {
    ++g_tally.init_traps;
    reset_spectest();
    return;
  }
  // The start function, in slices like every call; an instance whose start failed is unusable.
  uint64_t start_slots[1] = {0};
  run_sliced(*inst, nullptr, start_slots, 97, 200000, false);
  if (inst->start_state != picowasm::StartState::ready) {
    ++g_tally.init_traps;
    picowasm::unload(*inst);
    reset_spectest();
    return;
  }
  ++g_tally.instantiated;

  const picowasm::Module& m = module->module;
  for (uint32_t e = 0; e < m.num_exports; ++e) {
    if (m.exports[e].kind != picowasm::ExternKind::func) continue;
    picowasm::FuncInst* f = inst->funcs[m.exports[e].index];
    uint64_t slots[64] = {};
    if (f->type->num_params > 64 || f->type->num_results > 64) continue;
    for (uint32_t p = 0; p < f->type->num_params; ++p) {
      if (f->type->params[p] == picowasm::ValType::i32) slots[p] = arg;
    }
    run_sliced(*inst, f, slots, 97, 200000, false);
    // Again with an interrupt pending: it pauses at the first safe point and resumes from there.
    std::memset(slots, 0, sizeof slots);
    run_sliced(*inst, f, slots, 100000, 200000, true);
  }
  picowasm::unload(*inst);
  reset_spectest();
}

void collect(const std::filesystem::path& path, std::vector<Input>* out) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".wasm") {
        files.push_back(entry.path());
      }
    }
  } else if (std::filesystem::is_regular_file(path)) {
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out->push_back(Input{f.string(), std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                                                          std::istreambuf_iterator<char>())});
  }
}

char g_stdout_buffer[1 << 16];

// Self-test: with the flag set, malloc, free and operator new (through pointers the compiler
// cannot see through) reach the counting versions.
bool allocator_is_interposed() {
  void* (*volatile do_malloc)(size_t) = &malloc;
  void (*volatile do_free)(void*) = &free;
  g_initialised = true;
  void* p = do_malloc(16);
  do_free(reinterpret_cast<void*>(&g_heap[0]));
  int* q = new (std::nothrow) int;
  g_initialised = false;
  const bool seen = p == nullptr && q == nullptr && g_calls_after_init == 3;
  g_calls_after_init = 0;
  return seen;
}

}  // namespace

int main(int argc, char** argv) {
  // ---- start-up: may allocate ----
  std::setvbuf(stdout, g_stdout_buffer, _IOFBF, sizeof g_stdout_buffer);
  std::vector<Input> inputs;
  // i32 arguments: 0 for spec modules (their exports are written for the assertions' values), 3
  // for the examples and benchmarks (a few iterations of their loops).
  std::vector<uint64_t> args;
  // Each folder must hold modules (at least N after `--at-least N`): inputs that were not built
  // (e.g. the spec modules without wast2json) fail the test instead of silently shrinking it.
  size_t at_least = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--at-least" && i + 1 < argc) {
      at_least = std::strtoul(argv[++i], nullptr, 10);
      continue;
    }
    const size_t before = inputs.size();
    collect(argv[i], &inputs);
    std::printf("%s: %zu modules\n", argv[i], inputs.size() - before);
    if (inputs.size() - before < at_least) {
      std::printf("FAIL: %s holds fewer than %zu modules (were they built?)\n", argv[i], at_least);
      return 1;
    }
    at_least = 1;
    const bool spec = std::string(argv[i]).find("spec") != std::string::npos;
    args.resize(inputs.size(), spec ? 0 : 3);
  }
  init_spectest();
  const size_t heap_at_init = g_heap_top;
  if (!allocator_is_interposed()) {
    std::printf("FAIL: the counting allocator does not see allocations\n");
    return 1;
  }
  std::fflush(stdout);

  // ---- initialised: no allocation calls from here on ----
  g_initialised = true;
  for (size_t i = 0; i < inputs.size(); ++i) exercise(inputs[i], args[i]);
  g_initialised = false;

  // ---- report ----
  const Tally& t = g_tally;
  std::printf("start-up heap use: %zu bytes\n", heap_at_init);
  std::printf(
      "modules %u: loaded %u (load errors %u), admitted %u, refused %u, link errors %u, "
      "instantiated %u, traps during instantiation %u\n",
      t.modules, t.loaded, t.load_errors, t.admitted, t.refused, t.link_errors, t.instantiated,
      t.init_traps);
  std::printf(
      "calls %llu: returned %llu, trapped %llu, exhausted %llu, abandoned %llu; pauses: "
      "fuel %llu, interrupt %llu, host yield %llu; resumes %llu; host calls %llu\n",
      (unsigned long long)t.calls, (unsigned long long)t.returned, (unsigned long long)t.trapped,
      (unsigned long long)t.exhausted, (unsigned long long)t.abandoned,
      (unsigned long long)t.fuel_pauses, (unsigned long long)t.interrupts,
      (unsigned long long)t.yields, (unsigned long long)t.resumes,
      (unsigned long long)g_host_calls);
  std::printf("allocation calls after initialisation: %zu\n", g_calls_after_init);
  const bool exercised = t.instantiated > 0 && t.returned > 0 && t.trapped > 0 &&
                         t.fuel_pauses > 0 && t.interrupts > 0 && t.resumes > 0 &&
                         t.load_errors + t.link_errors + t.init_traps > 0;
  if (!exercised) std::printf("FAIL: the modules did not exercise every path\n");
  if (g_calls_after_init != 0) std::printf("FAIL: the engine allocated after initialisation\n");
  const bool ok = exercised && g_calls_after_init == 0;
  if (ok) std::printf("PASS\n");
  std::fflush(stdout);
  return ok ? 0 : 1;
}
