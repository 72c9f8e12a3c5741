/* C API, host functions: arguments and results of every type, per-entry data and per-instance
 * user pointers and bindings, traps with messages, cooperative yield, the bounds-checked memory
 * helper, accessor misuse, and calls back into the instance from a host function. */
#include "c_test.h"

#define STORAGE (512 * 1024)
static uint8_t module_storage[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage_b[STORAGE + 2 * PW_BUFFER_ALIGN];

typedef struct Host {
  char log[64];
  size_t log_len;
  int calls;
  int accessor_checks_failed;
  pw_status reenter_status;
  pw_status resume_status;
} Host;

static pw_status add(pw_host_call* call) {
  const int32_t* bias = (const int32_t*)pw_host_data(call);
  Host* host = (Host*)pw_host_user(call);
  pw_value a = pw_host_arg(call, 0);
  int32_t b = pw_host_arg_i32(call, 1);
  ++host->calls;
  /* Misuse is refused, not undefined. */
  if (pw_host_num_args(call) != 2 || a.type != PW_I32 || pw_host_arg(call, 2).type != 0 ||
      pw_host_arg_i64(call, 0) != 0 || pw_host_arg_f64(call, 1) != 0.0 ||
      pw_host_set_result(call, 0, pw_i64(1)) || pw_host_set_result(call, 1, pw_i32(1)) ||
      strcmp(pw_host_entry(call)->name, "add") != 0) {
    ++host->accessor_checks_failed;
  }
  pw_host_set_result(call, 0, pw_i32(a.as.i32 + b + *bias));
  return PW_OK;
}

static pw_status mix(pw_host_call* call) {
  /* Every argument is read before the first result is set. */
  const int64_t i = pw_host_arg_i64(call, 0);
  const float f = pw_host_arg_f32(call, 1);
  const double d = pw_host_arg_f64(call, 2);
  pw_host_set_result(call, 0, pw_f64((double)i + f + d));
  pw_host_set_result(call, 1, pw_i64(i * 2));
  return PW_OK;
}

static pw_status log_text(pw_host_call* call) {
  Host* host = (Host*)pw_host_user(call);
  const uint32_t ptr = (uint32_t)pw_host_arg_i32(call, 0);
  const uint32_t len = (uint32_t)pw_host_arg_i32(call, 1);
  uint8_t* text;
  if (!pw_host_memory(call, ptr, len, &text)) return pw_host_trap(call, "log: bad pointer");
  if (len > sizeof host->log - host->log_len) return pw_host_trap(call, "log: too long");
  memcpy(host->log + host->log_len, text, len);
  host->log_len += len;
  return PW_OK;
}

static pw_status fail(pw_host_call* call) {
  switch (pw_host_arg_i32(call, 0)) {
    case 0: return pw_host_trap(call, "sensor offline");
    case 1: return PW_ERR_NOT_FOUND;
    default: return PW_OK;
  }
}

static pw_status tick(pw_host_call* call) {
  ++((Host*)pw_host_user(call))->calls;
  pw_host_set_result(call, 0, pw_i32(pw_host_arg_i32(call, 0) + 1));
  return pw_host_yield(call);
}

static pw_status peek(pw_host_call* call) {
  uint8_t* p;
  int32_t v;
  if (!pw_host_memory(call, (uint32_t)pw_host_arg_i32(call, 0), 4, &p)) {
    return pw_host_trap(call, "peek: address out of range");
  }
  memcpy(&v, p, 4);
  pw_host_set_result(call, 0, pw_i32(v));
  return PW_OK;
}

/* Calls the instance's exports from inside a host function: "double" (i32) -> i32, then
 * "call_mix", whose result types differ from those of the call in progress. */
static pw_status reenter(pw_host_call* call) {
  Host* host = (Host*)pw_host_user(call);
  pw_instance* self = pw_host_instance(call);
  pw_value arg = pw_host_arg(call, 0), res, mix_args[3], mix_res[2];
  res.as.i32 = -1;
  host->resume_status = pw_resume(self, &res, 1, 10, NULL);
  host->reenter_status = pw_call(self, "double", &arg, 1, &res, 1, 100, NULL);
  mix_args[0] = pw_i64(1);
  mix_args[1] = pw_f32(2.0f);
  mix_args[2] = pw_f64(3.0);
  if (pw_call(self, "call_mix", mix_args, 3, mix_res, 2, 100, NULL) != PW_OK ||
      mix_res[0].as.f64 != 6.0 || mix_res[1].as.i64 != 2) {
    host->reenter_status = PW_ERR_TRAP;
  }
  pw_host_set_result(call, 0, pw_i32(res.as.i32 + 1));
  return PW_OK;
}

static pw_status refs(pw_host_call* call) {
  pw_value v;
  v.type = PW_EXTERNREF;
  v.as.ref = (char*)pw_host_arg_ref(call, 0) + 1;
  pw_host_set_result(call, 0, v);
  return PW_OK;
}

static const pw_valtype kI32[] = {PW_I32};
static const pw_valtype kI32I32[] = {PW_I32, PW_I32};
static const pw_valtype kMixParams[] = {PW_I64, PW_F32, PW_F64};
static const pw_valtype kMixResults[] = {PW_F64, PW_I64};
static const pw_valtype kRef[] = {PW_EXTERNREF};
static const int32_t kBias100 = 100;
static const int32_t kBias0 = 0;

/* Two boards: the same functions, a different "add" (entry data), in another order. */
static const pw_host_function kBoardA[] = {
    {"env", "add", kI32I32, 2, kI32, 1, add, &kBias100},
    {"env", "mix", kMixParams, 3, kMixResults, 2, mix, NULL},
    {"env", "log", kI32I32, 2, NULL, 0, log_text, NULL},
    {"env", "fail", kI32, 1, NULL, 0, fail, NULL},
    {"env", "tick", kI32, 1, kI32, 1, tick, NULL},
    {"env", "peek", kI32, 1, kI32, 1, peek, NULL},
    {"env", "reenter", kI32, 1, kI32, 1, reenter, NULL},
    {"env", "refs", kRef, 1, kRef, 1, refs, NULL},
};
static const pw_host_function kBoardB[] = {
    {"env", "mix", kMixParams, 3, kMixResults, 2, mix, NULL},
    {"env", "log", kI32I32, 2, NULL, 0, log_text, NULL},
    {"env", "fail", kI32, 1, NULL, 0, fail, NULL},
    {"env", "tick", kI32, 1, kI32, 1, tick, NULL},
    {"env", "peek", kI32, 1, kI32, 1, peek, NULL},
    {"env", "reenter", kI32, 1, kI32, 1, reenter, NULL},
    {"env", "refs", kRef, 1, kRef, 1, refs, NULL},
    {"env", "add", kI32I32, 2, kI32, 1, add, &kBias0},
};

static pw_module* module;

static pw_instance* new_instance(uint8_t* storage, const pw_host_function* table, size_t n,
                                 Host* host) {
  pw_instance_config config;
  pw_instance* inst = NULL;
  pw_error err;
  memset(&config, 0, sizeof config);
  config.buffer = c_test_buffer(storage, STORAGE, 0, 0);
  config.buffer_size = STORAGE;
  config.host_functions = table;
  config.num_host_functions = n;
  config.user = host;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  return inst;
}

static void test_values_and_bindings(void) {
  Host host_a, host_b;
  pw_instance *a, *b;
  pw_value args[3], res[2];
  int marker[2];
  memset(&host_a, 0, sizeof host_a);
  memset(&host_b, 0, sizeof host_b);
  a = new_instance(instance_storage, kBoardA, PW_COUNTOF(kBoardA), &host_a);
  b = new_instance(instance_storage_b, kBoardB, PW_COUNTOF(kBoardB), &host_b);

  args[0] = pw_i32(2);
  args[1] = pw_i32(3);
  CHECK_STATUS(pw_call(a, "call_add", args, 2, res, 1, 100, NULL), PW_OK, NULL);
  CHECK(res[0].as.i32 == 105);
  CHECK_STATUS(pw_call(b, "call_add", args, 2, res, 1, 100, NULL), PW_OK, NULL);
  CHECK(res[0].as.i32 == 5);
  CHECK(host_a.calls == 1 && host_b.calls == 1);
  CHECK(host_a.accessor_checks_failed == 0 && host_b.accessor_checks_failed == 0);

  args[0] = pw_i64(INT64_C(1) << 40);
  args[1] = pw_f32(0.5f);
  args[2] = pw_f64(0.25);
  CHECK_STATUS(pw_call(a, "call_mix", args, 3, res, 2, 100, NULL), PW_OK, NULL);
  CHECK(res[0].type == PW_F64 && res[0].as.f64 == (double)(INT64_C(1) << 40) + 0.75);
  CHECK(res[1].type == PW_I64 && res[1].as.i64 == INT64_C(1) << 41);

  args[0] = pw_externref(&marker[0]);
  CHECK_STATUS(pw_call(a, "call_refs", args, 1, res, 1, 100, NULL), PW_OK, NULL);
  CHECK(res[0].type == PW_EXTERNREF && res[0].as.ref == (char*)&marker[0] + 1);
  pw_instance_unload(a);
  pw_instance_unload(b);
}

static void test_traps(void) {
  Host host;
  pw_instance* inst;
  pw_value arg;
  pw_call_result r;
  pw_trap_report report;
  pw_trap_frame frame;
  memset(&host, 0, sizeof host);
  inst = new_instance(instance_storage, kBoardA, PW_COUNTOF(kBoardA), &host);

  arg = pw_i32(0);
  CHECK_STATUS(pw_call(inst, "call_fail", &arg, 1, NULL, 0, 100, &r), PW_ERR_TRAP, NULL);
  CHECK_STR(r.trap_name, "trap_host");
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.code_name, "trap_host");
  CHECK_STR(report.message, "host function trapped");
  CHECK_STR(report.host_message, "sensor offline");
  CHECK(report.num_frames >= 1);
  CHECK(pw_instance_trap_frame(inst, report.num_frames - 1, &frame));
  CHECK(frame.function == 11); /* call_fail: 8 imports, then call_add, call_mix, call_log */

  /* Any other status is a trap too, described by its status message. */
  arg = pw_i32(1);
  CHECK_STATUS(pw_call(inst, "call_fail", &arg, 1, NULL, 0, 100, &r), PW_ERR_TRAP, NULL);
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.host_message, pw_status_message(PW_ERR_NOT_FOUND));

  arg = pw_i32(2);
  CHECK_STATUS(pw_call(inst, "call_fail", &arg, 1, NULL, 0, 100, &r), PW_OK, NULL);
  CHECK(!pw_instance_trap(inst, &report));
  pw_instance_unload(inst);
}

static void test_memory_helper(void) {
  Host host;
  pw_instance* inst;
  pw_value args[2], res;
  pw_trap_report report;
  uint8_t* p;
  memset(&host, 0, sizeof host);
  inst = new_instance(instance_storage, kBoardA, PW_COUNTOF(kBoardA), &host);

  args[0] = pw_i32(100);
  args[1] = pw_i32(9);
  CHECK_STATUS(pw_call(inst, "call_log", args, 2, NULL, 0, 100, NULL), PW_OK, NULL);
  CHECK(host.log_len == 9 && memcmp(host.log, "sensor ok", 9) == 0);
  /* Empty ranges are fine, even at the very end of memory. */
  args[0] = pw_i32(65536);
  args[1] = pw_i32(0);
  CHECK_STATUS(pw_call(inst, "call_log", args, 2, NULL, 0, 100, NULL), PW_OK, NULL);
  /* One byte past the end, and a range whose end wraps around 2^32. */
  args[0] = pw_i32(65536 - 4);
  args[1] = pw_i32(5);
  CHECK_STATUS(pw_call(inst, "call_log", args, 2, NULL, 0, 100, NULL), PW_ERR_TRAP, NULL);
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.host_message, "log: bad pointer");
  args[0] = pw_i32(-16);
  args[1] = pw_i32(32);
  CHECK_STATUS(pw_call(inst, "call_log", args, 2, NULL, 0, 100, NULL), PW_ERR_TRAP, NULL);
  CHECK(host.log_len == 9);

  CHECK(pw_instance_memory(inst, 200, 4, &p));
  memcpy(p, "\x01\x02\x03\x04", 4);
  args[0] = pw_i32(200);
  CHECK_STATUS(pw_call(inst, "call_peek", args, 1, &res, 1, 100, NULL), PW_OK, NULL);
  CHECK(res.as.i32 == 0x04030201);
  args[0] = pw_i32(65533);
  CHECK_STATUS(pw_call(inst, "call_peek", args, 1, &res, 1, 100, NULL), PW_ERR_TRAP, NULL);
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.host_message, "peek: address out of range");
  pw_instance_unload(inst);
}

static void test_yield(void) {
  Host host;
  pw_instance* inst;
  pw_value arg = pw_i32(5), res;
  pw_call_result r;
  pw_status s;
  int yields = 0;
  memset(&host, 0, sizeof host);
  inst = new_instance(instance_storage, kBoardA, PW_COUNTOF(kBoardA), &host);

  /* Each tick pauses the module; resuming continues right after the host call. */
  s = pw_call(inst, "ticks", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, &r);
  while (s == PW_PAUSED) {
    CHECK(r.pause == PW_PAUSE_HOST_YIELD);
    ++yields;
    CHECK(host.calls == yields);
    s = pw_resume(inst, &res, 1, PW_FUEL_UNLIMITED, &r);
  }
  CHECK_STATUS(s, PW_OK, NULL);
  CHECK(yields == 5 && res.as.i32 == 5);
  pw_instance_unload(inst);
}

static void test_reenter(void) {
  Host host;
  pw_instance* inst;
  pw_value arg = pw_i32(20), res;
  memset(&host, 0, sizeof host);
  inst = new_instance(instance_storage, kBoardA, PW_COUNTOF(kBoardA), &host);
  CHECK_STATUS(pw_call(inst, "call_reenter", &arg, 1, &res, 1, 100, NULL), PW_OK, NULL);
  /* A running instance cannot be resumed; a nested call of another export works. */
  CHECK(host.resume_status == PW_ERR_STATE);
  CHECK(host.reenter_status == PW_OK);
  CHECK(res.as.i32 == 41);
  /* The outer call's result was delivered with its own type after the nested calls. */
  CHECK(res.type == PW_I32);
  CHECK(pw_call(inst, "call_reenter", &arg, 1, &res, 1, 100, NULL) == PW_OK && res.as.i32 == 41);
  pw_instance_unload(inst);
}

int main(int argc, char** argv) {
  if (argc > 1) c_test_dir = argv[1];
  module = c_test_load("host.wasm", c_test_buffer(module_storage, STORAGE, 0, 0), STORAGE);
  if (!module) return 1;
  RUN(test_values_and_bindings);
  RUN(test_traps);
  RUN(test_memory_helper);
  RUN(test_yield);
  RUN(test_reenter);
  return c_test_result();
}
