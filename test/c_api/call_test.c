/* C API, calls: values of every type, signature checks, traps with reports (names, offsets,
 * exhaustion), fuel slices with pause/resume equal to one uninterrupted run, interrupts (before a
 * call and from a signal handler during one), round-robin over two paused instances, linear
 * memory access and the memory cap. */
#define _XOPEN_SOURCE 700 /* setitimer, sigaction */

#include <signal.h>
#include <sys/time.h>

#include "c_test.h"

#define STORAGE (512 * 1024)
static uint8_t module_storage[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage_b[STORAGE + 2 * PW_BUFFER_ALIGN];

/* Function indices in calc.wat. */
enum { kInner = 10, kMiddle = 11, kOuter = 12 };

static pw_module* module;

static pw_instance* new_instance(uint8_t* storage, size_t size, const pw_limits* limits) {
  pw_instance_config config;
  pw_instance* inst = NULL;
  pw_error err;
  memset(&config, 0, sizeof config);
  config.buffer = c_test_buffer(storage, size, 0, 0);
  config.buffer_size = size;
  if (limits) config.limits = *limits;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  return inst;
}

static void test_values(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_value args[2], res[2];
  pw_call_result r;
  int marker;

  args[0] = pw_i32(-7);
  args[1] = pw_i32(12);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_I32 && res[0].as.i32 == 5);
  CHECK(r.status == PW_OK && r.pause == PW_PAUSE_NONE && r.trap_name == NULL);

  args[0] = pw_i64(INT64_C(0x100000000));
  args[1] = pw_i64(INT64_C(-1));
  CHECK_STATUS(pw_call(inst, "add_i64", args, 2, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_I64 && res[0].as.i64 == INT64_C(0xFFFFFFFF));

  args[0] = pw_f32(1.5f);
  args[1] = pw_f32(-4.0f);
  CHECK_STATUS(pw_call(inst, "mul_f32", args, 2, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_F32 && res[0].as.f32 == -6.0f);

  args[0] = pw_f64(0.25);
  args[1] = pw_f64(1e300);
  CHECK_STATUS(pw_call(inst, "mul_f64", args, 2, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_F64 && res[0].as.f64 == 2.5e299);

  args[0] = pw_i32(47);
  args[1] = pw_i32(10);
  CHECK_STATUS(pw_call(inst, "divmod", args, 2, res, 2, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].as.i32 == 4 && res[1].as.i32 == 7 && res[1].type == PW_I32);

  args[0] = pw_externref(&marker);
  CHECK_STATUS(pw_call(inst, "same_ref", args, 1, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_EXTERNREF && res[0].as.ref == &marker);
  CHECK_STATUS(pw_call(inst, "is_null", args, 1, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].as.i32 == 0);
  args[0] = pw_externref(NULL);
  CHECK_STATUS(pw_call(inst, "is_null", args, 1, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].as.i32 == 1);
  pw_instance_unload(inst);
}

static void test_call_errors(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_value args[2], res[2];
  pw_call_result r;

  args[0] = pw_i32(1);
  args[1] = pw_i32(2);
  CHECK_STATUS(pw_call(inst, "nope", args, 2, res, 1, 10, &r), PW_ERR_NOT_FOUND, NULL);
  CHECK(r.status == PW_ERR_NOT_FOUND);
  CHECK_STATUS(pw_call(inst, "mem", NULL, 0, NULL, 0, 10, &r), PW_ERR_NOT_FOUND, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 1, res, 1, 10, &r), PW_ERR_SIGNATURE, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, res, 2, 10, &r), PW_ERR_SIGNATURE, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, res, 0, 10, &r), PW_ERR_SIGNATURE, NULL);
  args[1] = pw_i64(2);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, res, 1, 10, &r), PW_ERR_SIGNATURE, NULL);
  CHECK(r.status == PW_ERR_SIGNATURE && r.fuel_used == 0);
  CHECK_STATUS(pw_call(inst, NULL, args, 2, res, 1, 10, &r), PW_ERR_BAD_ARGUMENT, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", NULL, 2, res, 1, 10, &r), PW_ERR_BAD_ARGUMENT, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, NULL, 1, 10, &r), PW_ERR_BAD_ARGUMENT, NULL);
  CHECK_STATUS(pw_call(NULL, "add_i32", args, 2, res, 1, 10, &r), PW_ERR_BAD_ARGUMENT, NULL);
  CHECK_STATUS(pw_resume(inst, res, 1, 10, &r), PW_ERR_STATE, NULL);
  CHECK_STATUS(pw_resume(NULL, res, 1, 10, NULL), PW_ERR_BAD_ARGUMENT, NULL);
  pw_instance_unload(inst);
}

static void test_traps(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_value arg = pw_i32(0), res;
  pw_call_result r;
  pw_trap_report report;
  pw_trap_frame frame;

  CHECK_STATUS(pw_call(inst, "outer", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, &r), PW_ERR_TRAP, NULL);
  CHECK(r.status == PW_ERR_TRAP);
  CHECK_STR(r.trap_name, "trap_int_div_by_zero");
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.code_name, "trap_int_div_by_zero");
  CHECK(report.code == r.trap_code);
  CHECK_STR(report.message, "integer divide by zero");
  CHECK(report.host_message == NULL);
  CHECK(report.num_frames == 3 && report.total_frames == 3);

  CHECK(pw_instance_trap_frame(inst, 0, &frame));
  CHECK(frame.function == kInner);
  CHECK(frame.name_len == 5 && frame.name && memcmp(frame.name, "inner", 5) == 0);
  /* The spare bytes of the buffer let the report find the instruction. */
  CHECK(frame.module_offset != PW_UNKNOWN_OFFSET && frame.module_offset > 100);
  CHECK(pw_instance_trap_frame(inst, 1, &frame));
  CHECK(frame.function == kMiddle && frame.name_len == 6 && memcmp(frame.name, "middle", 6) == 0);
  CHECK(pw_instance_trap_frame(inst, 2, &frame));
  CHECK(frame.function == kOuter);
  CHECK(!pw_instance_trap_frame(inst, 3, &frame));
  CHECK(frame.name == NULL && frame.function == 0);

  /* The instance stays usable; a call that returns clears the report. */
  arg = pw_i32(4);
  CHECK_STATUS(pw_call(inst, "outer", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res.as.i32 == 25);
  CHECK(!pw_instance_trap(inst, &report));
  CHECK(!pw_instance_trap_frame(inst, 0, &frame));

  CHECK_STATUS(pw_call(inst, "boom", NULL, 0, NULL, 0, PW_FUEL_UNLIMITED, &r), PW_ERR_TRAP, NULL);
  CHECK_STR(r.trap_name, "trap_unreachable");

  arg = pw_i32(0);
  CHECK_STATUS(pw_call(inst, "recurse", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, &r), PW_ERR_EXHAUSTION,
               NULL);
  CHECK_STR(r.trap_name, "call_stack_exhausted");
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.code_name, "call_stack_exhausted");
  CHECK(report.total_frames > report.num_frames && report.num_frames == 8);
  pw_instance_unload(inst);
  CHECK(!pw_instance_trap(inst, &report));
}

/* With no byte to spare, the report keeps its frames but cannot locate the instruction. */
static void test_trap_without_spare_bytes(void) {
  pw_instance_config config;
  pw_instance* inst = NULL;
  pw_value arg = pw_i32(0), res;
  pw_trap_frame frame;
  size_t needed = 0;
  memset(&config, 0, sizeof config);
  config.buffer = c_test_buffer(instance_storage, STORAGE, 0, 0);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, NULL), PW_OK, NULL);
  config.buffer_size = needed;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, NULL), PW_OK, NULL);
  CHECK_STATUS(pw_call(inst, "outer", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, NULL), PW_ERR_TRAP,
               NULL);
  CHECK(pw_instance_trap_frame(inst, 0, &frame));
  /* Even in an exactly sized buffer the offset is found (in the value stack the trap freed). */
  CHECK(frame.function == kInner && frame.module_offset != PW_UNKNOWN_OFFSET);
  pw_instance_unload(inst);
}

/* sum(n) run in slices of `fuel`: returns the result, counts pauses and fuel. */
static int64_t sum_in_slices(pw_instance* inst, int32_t n, uint64_t fuel, int* pauses,
                             uint64_t* fuel_used) {
  pw_value arg = pw_i32(n), res;
  pw_call_result r;
  pw_status s = pw_call(inst, "sum", &arg, 1, &res, 1, fuel, &r);
  *pauses = 0;
  *fuel_used = r.fuel_used;
  while (s == PW_PAUSED) {
    CHECK(r.pause == PW_PAUSE_OUT_OF_FUEL && r.fuel_used == fuel);
    CHECK(pw_is_paused(inst));
    ++*pauses;
    s = pw_resume(inst, &res, 1, fuel, &r);
    *fuel_used += r.fuel_used;
  }
  CHECK_STATUS(s, PW_OK, NULL);
  CHECK(!pw_is_paused(inst));
  return res.as.i64;
}

static void test_fuel(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_value arg = pw_i32(1000), res, args[2];
  pw_call_result r;
  int pauses;
  uint64_t whole_fuel, fuel;

  CHECK_STATUS(pw_call(inst, "sum", &arg, 1, &res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res.as.i64 == 500500);
  whole_fuel = r.fuel_used;
  /* One safe point per loop iteration: 1000 taken backward branches. */
  CHECK(whole_fuel >= 1000 && whole_fuel <= 1002);

  /* A slice that uses up its fuel pauses only at the next safe point: ceil(total / slice)
   * slices, the same total. */
  CHECK(sum_in_slices(inst, 1000, 7, &pauses, &fuel) == 500500);
  CHECK(fuel == whole_fuel && pauses == (int)((whole_fuel - 1) / 7));
  CHECK(sum_in_slices(inst, 1000, 1, &pauses, &fuel) == 500500);
  CHECK(fuel == whole_fuel && pauses == (int)(whole_fuel - 1));

  /* While paused: no new call, results must match, and abandon frees the instance. */
  CHECK_STATUS(pw_call(inst, "sum", &arg, 1, &res, 1, 0, &r), PW_PAUSED, NULL);
  CHECK(r.pause == PW_PAUSE_OUT_OF_FUEL && r.fuel_used == 0);
  args[0] = pw_i32(1);
  args[1] = pw_i32(2);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, &res, 1, 10, &r), PW_ERR_STATE, NULL);
  CHECK_STATUS(pw_resume(inst, NULL, 0, 10, &r), PW_ERR_SIGNATURE, NULL);
  CHECK(pw_is_paused(inst));
  pw_abandon(inst);
  CHECK(!pw_is_paused(inst));
  CHECK_STATUS(pw_resume(inst, &res, 1, 10, &r), PW_ERR_STATE, NULL);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, &res, 1, 10, &r), PW_OK, NULL);
  CHECK(res.as.i32 == 3);

  /* Unloading a paused instance abandons the call. */
  CHECK_STATUS(pw_call(inst, "sum", &arg, 1, &res, 1, 3, &r), PW_PAUSED, NULL);
  pw_instance_unload(inst);
  CHECK(!pw_is_paused(inst));
}

/* Two instances of one module, paused at once, resumed in turns. */
static void test_round_robin(void) {
  pw_instance* a = new_instance(instance_storage, STORAGE, NULL);
  pw_instance* b = new_instance(instance_storage_b, STORAGE, NULL);
  pw_value arg_a = pw_i32(300), arg_b = pw_i32(1000), res_a, res_b;
  pw_call_result r;
  pw_status sa, sb;
  int turns = 0;

  sa = pw_call(a, "sum", &arg_a, 1, &res_a, 1, 10, &r);
  sb = pw_call(b, "sum", &arg_b, 1, &res_b, 1, 13, &r);
  while (sa == PW_PAUSED || sb == PW_PAUSED) {
    if (sa == PW_PAUSED) sa = pw_resume(a, &res_a, 1, 10, &r);
    if (sb == PW_PAUSED) sb = pw_resume(b, &res_b, 1, 13, &r);
    ++turns;
  }
  CHECK(sa == PW_OK && sb == PW_OK);
  CHECK(res_a.as.i64 == 45150 && res_b.as.i64 == 500500);
  CHECK(turns >= 1000 / 13);
  pw_instance_unload(a);
  pw_instance_unload(b);
}

static pw_instance* volatile alarm_target;
static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  ++alarms;
  pw_interrupt(alarm_target); /* what an ISR does */
}

static void test_interrupt(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_call_result r;
  struct sigaction action;
  struct itimerval timer;

  /* Requested before the call: it pauses at its first safe point. */
  pw_interrupt(inst);
  CHECK_STATUS(pw_call(inst, "spin", NULL, 0, NULL, 0, PW_FUEL_UNLIMITED, &r), PW_PAUSED, NULL);
  CHECK(r.pause == PW_PAUSE_INTERRUPTED && r.fuel_used <= 1);
  /* The request was consumed: resuming runs until the fuel is gone. */
  CHECK_STATUS(pw_resume(inst, NULL, 0, 50, &r), PW_PAUSED, NULL);
  CHECK(r.pause == PW_PAUSE_OUT_OF_FUEL && r.fuel_used == 50);
  pw_abandon(inst);

  /* From a signal handler while an endless loop runs with unlimited fuel. */
  memset(&action, 0, sizeof action);
  action.sa_handler = on_alarm;
  sigemptyset(&action.sa_mask);
  CHECK(sigaction(SIGALRM, &action, NULL) == 0);
  alarm_target = inst;
  memset(&timer, 0, sizeof timer);
  timer.it_value.tv_usec = 20000;
  CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
  CHECK_STATUS(pw_call(inst, "spin", NULL, 0, NULL, 0, PW_FUEL_UNLIMITED, &r), PW_PAUSED, NULL);
  CHECK(r.pause == PW_PAUSE_INTERRUPTED && alarms == 1 && r.fuel_used > 0);
  /* Resumed, then interrupted again. */
  timer.it_value.tv_usec = 10000;
  CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
  CHECK_STATUS(pw_resume(inst, NULL, 0, PW_FUEL_UNLIMITED, &r), PW_PAUSED, NULL);
  CHECK(r.pause == PW_PAUSE_INTERRUPTED && alarms == 2);
  pw_instance_unload(inst);
  signal(SIGALRM, SIG_DFL);
}

static void test_memory(void) {
  pw_instance* inst = new_instance(instance_storage, STORAGE, NULL);
  pw_limits limits;
  pw_value args[2];
  pw_call_result r;
  uint8_t* p = NULL;

  CHECK(pw_instance_memory(inst, 16, 5, &p) && p && memcmp(p, "hello", 5) == 0);
  CHECK(pw_instance_memory(inst, 65536 - 4, 4, &p));
  CHECK(!pw_instance_memory(inst, 65536 - 4, 5, &p));
  CHECK(!pw_instance_memory(inst, 0xFFFFFFFFu, 2, &p));
  args[0] = pw_i32(32);
  args[1] = pw_i32(0x04030201);
  CHECK_STATUS(pw_call(inst, "store", args, 2, NULL, 0, 10, &r), PW_OK, NULL);
  CHECK(pw_instance_memory(inst, 32, 4, &p) && p[0] == 1 && p[3] == 4);
  pw_instance_unload(inst);

  /* A 1 KiB cap on the declared 64 KiB page (an opt-in deviation from the spec). */
  memset(&limits, 0, sizeof limits);
  limits.memory_bytes = 1024;
  inst = new_instance(instance_storage, STORAGE, &limits);
  args[0] = pw_i32(1020);
  CHECK_STATUS(pw_call(inst, "store", args, 2, NULL, 0, 10, &r), PW_OK, NULL);
  args[0] = pw_i32(1021);
  CHECK_STATUS(pw_call(inst, "store", args, 2, NULL, 0, 10, &r), PW_ERR_TRAP, NULL);
  CHECK_STR(r.trap_name, "trap_memory_oob");
  CHECK(pw_instance_memory(inst, 1020, 4, &p));
  CHECK(!pw_instance_memory(inst, 1021, 4, &p));
  pw_instance_unload(inst);
}

int main(int argc, char** argv) {
  static uint8_t* module_buffer;
  if (argc > 1) c_test_dir = argv[1];
  module_buffer = c_test_buffer(module_storage, STORAGE, 0, 0);
  module = c_test_load("calc.wasm", module_buffer, STORAGE);
  if (!module) return 1;
  RUN(test_values);
  RUN(test_call_errors);
  RUN(test_traps);
  RUN(test_trap_without_spare_bytes);
  RUN(test_fuel);
  RUN(test_round_robin);
  RUN(test_interrupt);
  RUN(test_memory);
  return c_test_result();
}
