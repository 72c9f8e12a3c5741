/* C API, no heap: replaces malloc, calloc, realloc, free and the aligned variants with versions
 * that count (and fail) every call once start-up is over, then loads, admits, instantiates,
 * calls, traps, pauses on fuel, interrupt and host yield, resumes, abandons and unloads through
 * the C API with static buffers only, and fails unless the count is zero. */
#include "c_test.h"

/* ---- Counting allocator (a bump heap for start-up: reading files, stdio) ----------------------
 */

#define HEAP_BYTES (64u << 20)
#define HEADER 16u
static unsigned char heap[HEAP_BYTES] __attribute__((aligned(64)));
static size_t heap_top;
static int heap_locked;
static unsigned long calls_after_lock;

static void* bump(size_t size, size_t align) {
  size_t start;
  if (heap_locked) {
    ++calls_after_lock;
    return NULL;
  }
  if (align < HEADER) align = HEADER;
  start = (heap_top + HEADER + align - 1) & ~(align - 1);
  if (size > HEAP_BYTES || start > HEAP_BYTES - size) return NULL;
  memcpy(heap + start - sizeof(size_t), &size, sizeof(size_t));
  heap_top = start + size;
  return heap + start;
}

void* malloc(size_t size) {
  return bump(size, HEADER);
}
void* calloc(size_t n, size_t size) {
  void* p;
  if (size && n > (size_t)-1 / size) return NULL;
  p = bump(n * size, HEADER);
  if (p) memset(p, 0, n * size);
  return p;
}
void* realloc(void* old, size_t size) {
  void* p = bump(size, HEADER);
  if (p && old) {
    size_t old_size;
    memcpy(&old_size, (unsigned char*)old - sizeof(size_t), sizeof(size_t));
    memcpy(p, old, old_size < size ? old_size : size);
  }
  return p;
}
void free(void* p) {
  if (p && heap_locked) ++calls_after_lock;
}
void* aligned_alloc(size_t align, size_t size) {
  return bump(size, align);
}
void* memalign(size_t align, size_t size) {
  return bump(size, align);
}
int posix_memalign(void** out, size_t align, size_t size) {
  *out = bump(size, align);
  return *out ? 0 : 12; /* ENOMEM */
}

/* ---- Host functions for host.wasm ------------------------------------------------------------ */

static int host_calls;

static pw_status any_host(pw_host_call* call) {
  const char* name = pw_host_entry(call)->name;
  uint8_t* p;
  ++host_calls;
  if (strcmp(name, "fail") == 0) return pw_host_trap(call, "failed as asked");
  if (strcmp(name, "tick") == 0) {
    pw_host_set_result(call, 0, pw_i32(pw_host_arg_i32(call, 0) + 1));
    return pw_host_yield(call);
  }
  if (strcmp(name, "log") == 0) {
    const uint32_t ptr = (uint32_t)pw_host_arg_i32(call, 0);
    if (!pw_host_memory(call, ptr, (uint32_t)pw_host_arg_i32(call, 1), &p)) {
      return pw_host_trap(call, "bad pointer");
    }
  }
  if (strcmp(name, "add") == 0) {
    pw_host_set_result(call, 0, pw_i32(pw_host_arg_i32(call, 0) + pw_host_arg_i32(call, 1)));
  }
  return PW_OK;
}

static const pw_valtype kI32[] = {PW_I32};
static const pw_valtype kI32I32[] = {PW_I32, PW_I32};
static const pw_valtype kMixParams[] = {PW_I64, PW_F32, PW_F64};
static const pw_valtype kMixResults[] = {PW_F64, PW_I64};
static const pw_valtype kRef[] = {PW_EXTERNREF};
static const pw_host_function kHost[] = {
    {"env", "add", kI32I32, 2, kI32, 1, any_host, NULL},
    {"env", "mix", kMixParams, 3, kMixResults, 2, any_host, NULL},
    {"env", "log", kI32I32, 2, NULL, 0, any_host, NULL},
    {"env", "fail", kI32, 1, NULL, 0, any_host, NULL},
    {"env", "tick", kI32, 1, kI32, 1, any_host, NULL},
    {"env", "peek", kI32, 1, kI32, 1, any_host, NULL},
    {"env", "reenter", kI32, 1, kI32, 1, any_host, NULL},
    {"env", "refs", kRef, 1, kRef, 1, any_host, NULL},
};

/* ---- The locked phase -------------------------------------------------------------------------
 */

#define STORAGE (256 * 1024)
static uint8_t module_storage[2][STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage[2][STORAGE + 2 * PW_BUFFER_ALIGN];

static int counts[8]; /* statuses seen, to prove each path ran */
enum { kOk, kTrap, kExhausted, kFuel, kInterrupt, kYield, kUnlinkable, kNoSpace };

static void work(const uint8_t* calc, size_t calc_size, const uint8_t* host, size_t host_size) {
  pw_module *calc_module, *host_module;
  pw_instance *a, *b;
  pw_instance_config config;
  pw_trap_report report;
  pw_trap_frame frame;
  pw_call_result r;
  pw_value args[2], res;
  size_t needed;
  int round;
  pw_status s;

  CHECK(pw_module_size(calc, calc_size, NULL, module_storage[0], STORAGE, &needed, NULL) == PW_OK);
  CHECK(pw_module_load(calc, calc_size, NULL, module_storage[0], STORAGE, &calc_module, NULL) ==
        PW_OK);
  CHECK(pw_module_load(host, host_size, NULL, module_storage[1], STORAGE, &host_module, NULL) ==
        PW_OK);
  for (round = 0; round < 3; ++round) {
    memset(&config, 0, sizeof config);
    config.buffer = instance_storage[0];
    config.buffer_size = STORAGE;
    config.limits.stack_bytes = 8192;
    config.limits.call_depth = 64;
    /* Unlinkable, then too small, then fine. */
    if (pw_instance_create(host_module, &config, &b, NULL) == PW_ERR_UNLINKABLE) {
      ++counts[kUnlinkable];
    }
    CHECK(pw_instance_size(calc_module, &config, &needed, NULL) == PW_OK);
    config.buffer_size = needed - 1;
    if (pw_instance_create(calc_module, &config, &a, NULL) == PW_ERR_NO_SPACE) ++counts[kNoSpace];
    config.buffer_size = STORAGE;
    CHECK(pw_instance_create(calc_module, &config, &a, NULL) == PW_OK);
    config.buffer = instance_storage[1];
    config.host_functions = kHost;
    config.num_host_functions = PW_COUNTOF(kHost);
    CHECK(pw_instance_create(host_module, &config, &b, NULL) == PW_OK);

    args[0] = pw_i32(40);
    args[1] = pw_i32(2);
    if (pw_call(a, "add_i32", args, 2, &res, 1, 10, &r) == PW_OK && res.as.i32 == 42) {
      ++counts[kOk];
    }
    args[0] = pw_i32(0);
    if (pw_call(a, "outer", args, 1, &res, 1, 100, &r) == PW_ERR_TRAP &&
        pw_instance_trap(a, &report) && pw_instance_trap_frame(a, 0, &frame) && frame.name) {
      ++counts[kTrap];
    }
    if (pw_call(a, "recurse", args, 1, &res, 1, PW_FUEL_UNLIMITED, &r) == PW_ERR_EXHAUSTION) {
      ++counts[kExhausted];
    }
    args[0] = pw_i32(100);
    s = pw_call(a, "sum", args, 1, &res, 1, 7, &r);
    while (s == PW_PAUSED) {
      ++counts[kFuel];
      s = pw_resume(a, &res, 1, 7, &r);
    }
    CHECK(s == PW_OK && res.as.i64 == 5050);
    pw_interrupt(a);
    if (pw_call(a, "spin", NULL, 0, NULL, 0, PW_FUEL_UNLIMITED, &r) == PW_PAUSED &&
        r.pause == PW_PAUSE_INTERRUPTED) {
      ++counts[kInterrupt];
    }
    pw_abandon(a);

    args[0] = pw_i32(3);
    s = pw_call(b, "ticks", args, 1, &res, 1, PW_FUEL_UNLIMITED, &r);
    while (s == PW_PAUSED) {
      ++counts[kYield];
      s = pw_resume(b, &res, 1, PW_FUEL_UNLIMITED, &r);
    }
    CHECK(s == PW_OK && res.as.i32 == 3);
    args[0] = pw_i32(0);
    CHECK(pw_call(b, "call_fail", args, 1, NULL, 0, 10, &r) == PW_ERR_TRAP);
    CHECK(pw_instance_trap(b, &report) && strcmp(report.host_message, "failed as asked") == 0);
    args[0] = pw_i32(65530);
    args[1] = pw_i32(100);
    CHECK(pw_call(b, "call_log", args, 2, NULL, 0, 10, &r) == PW_ERR_TRAP);
    CHECK(pw_call(b, "ticks", args, 1, &res, 1, 10, &r) == PW_PAUSED); /* left paused */

    pw_instance_unload(a);
    pw_instance_unload(b);
  }
  pw_module_unload(calc_module);
  pw_module_unload(host_module);
}

int main(int argc, char** argv) {
  size_t calc_size, host_size;
  const uint8_t *calc, *host;
  int i;
  if (argc > 1) c_test_dir = argv[1];
  calc = c_test_module("calc.wasm", &calc_size);
  host = c_test_module("host.wasm", &host_size);
  /* The replacement is the one in use (libc's own calls included, e.g. fopen's buffer). */
  {
    unsigned char* probe = (unsigned char*)malloc(16);
    CHECK(probe >= heap && probe < heap + HEAP_BYTES && heap_top > 16 + 2 * HEADER);
  }
  fprintf(stderr, "start-up done, heap locked\n");

  heap_locked = 1;
  work(calc, calc_size, host, host_size);
  heap_locked = 0;

  fprintf(stderr, "allocation calls after start-up: %lu; host calls: %d\n", calls_after_lock,
          host_calls);
  CHECK(calls_after_lock == 0);
  for (i = 0; i < 8; ++i) CHECK(counts[i] >= 3);
  CHECK(host_calls >= 3 * 6);
  return c_test_result();
}
