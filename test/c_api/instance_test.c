/* C API, instances: admission control (pw_instance_size exact, NULL-buffer bound), too-small
 * buffers left untouched, linking errors naming module and field, bad host-function tables,
 * limits, a trapping start function, unloading and re-instantiation in the same buffer. */
#include "c_test.h"

#define STORAGE (512 * 1024)
static uint8_t module_storage[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t module_storage_b[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t instance_storage[STORAGE + 2 * PW_BUFFER_ALIGN];

typedef struct Board {
  int ticks;
  int saw_instance;
} Board;

static pw_status tick(pw_host_call* call) {
  Board* board = (Board*)pw_host_user(call);
  ++board->ticks;
  if (pw_host_instance(call) != NULL) board->saw_instance = 1;
  pw_host_set_result(call, 0, pw_i32(pw_host_arg_i32(call, 0) + 1));
  return PW_OK;
}
static pw_status gpio_write(pw_host_call* call) {
  (void)call;
  return PW_OK;
}

static const pw_valtype kI32[] = {PW_I32};
static const pw_valtype kI64[] = {PW_I64};
static const pw_valtype kI32I32[] = {PW_I32, PW_I32};

static const pw_host_function kBoard[] = {
    {"env", "tick", kI32, 1, kI32, 1, tick, NULL},
    {"env", "gpio_write", kI32I32, 2, NULL, 0, gpio_write, NULL},
};

static pw_instance_config config_for(void* buffer, size_t size, const pw_host_function* table,
                                     size_t count, void* user) {
  pw_instance_config config;
  memset(&config, 0, sizeof config);
  config.buffer = buffer;
  config.buffer_size = size;
  config.host_functions = table;
  config.num_host_functions = count;
  config.user = user;
  return config;
}

static void test_bad_arguments(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_instance_config config = config_for(ibuf, STORAGE, kBoard, 2, NULL);
  pw_instance* inst = (pw_instance*)1;
  size_t needed = 7;
  pw_error err;

  CHECK_STATUS(pw_instance_size(NULL, &config, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK(needed == 0);
  CHECK_STATUS(pw_instance_size(module, NULL, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STATUS(pw_instance_size(module, &config, NULL, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STATUS(pw_instance_create(NULL, &config, &inst, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK(inst == NULL);
  CHECK_STATUS(pw_instance_create(module, NULL, &inst, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STATUS(pw_instance_create(module, &config, NULL, &err), PW_ERR_BAD_ARGUMENT, &err);
  /* A handle that is not a module. */
  CHECK_STATUS(pw_instance_create((const pw_module*)ibuf, &config, &inst, &err),
               PW_ERR_BAD_ARGUMENT, &err);

  config = config_for(NULL, 4096, kBoard, 2, NULL);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_null_arena");
  /* No buffer at all: a size can be asked, an instance cannot be made. */
  config = config_for(NULL, 0, kBoard, 2, NULL);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_OK, &err);
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_NO_SPACE, &err);
  CHECK(inst == NULL);

  /* Null handles are ignored or refused by the rest of the API. */
  pw_instance_unload(NULL);
  pw_abandon(NULL);
  pw_interrupt(NULL);
  CHECK(!pw_is_paused(NULL));
  CHECK(!pw_instance_memory(NULL, 0, 1, NULL));
}

/* pw_instance_size is exact for a given buffer address, and a bound with buffer NULL. */
static void check_admission(size_t misalign) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, misalign, 0xA5);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_instance_config config = config_for(ibuf, STORAGE, kBoard, 2, NULL);
  pw_instance_config anywhere = config_for(NULL, 0, kBoard, 2, NULL);
  pw_instance* inst = (pw_instance*)1;
  size_t needed = 0, bound = 0;
  pw_error err;
  Board board = {0, 0};

  config.limits.stack_bytes = 4096;
  config.limits.call_depth = 64;
  anywhere.limits = config.limits;
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_OK, &err);
  CHECK_STATUS(pw_instance_size(module, &anywhere, &bound, &err), PW_OK, &err);
  /* One page of memory, a 4 KiB value stack, 64 call frames, a table and the bookkeeping. */
  CHECK(needed >= 65536 + 4096 && needed < 65536 + 4096 + 8192);
  CHECK(bound >= needed);

  /* One byte short: refused before a single byte of the buffer is written. */
  config.buffer_size = needed - 1;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_NO_SPACE, &err);
  CHECK(inst == NULL);
  CHECK_STR(err.code_name, "out_of_arena");
  /* By how much, and what to lower: the 64 KiB memory page is the largest reservation. */
  CHECK(err.needed == needed && err.available == needed - 1);
  CHECK_STR(err.lower_limit, "memory_pages");
  CHECK(c_test_all(ibuf, STORAGE, 0xA5));

  config.buffer_size = needed;
  config.user = &board;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  CHECK(inst != NULL && (uintptr_t)inst % PW_BUFFER_ALIGN == 0);
  CHECK((uint8_t*)inst >= ibuf && (uint8_t*)inst < ibuf + PW_BUFFER_ALIGN);
  CHECK(c_test_all(ibuf + needed, STORAGE - needed, 0xA5));
  CHECK_STATUS(pw_call(inst, "nop", NULL, 0, NULL, 0, PW_FUEL_UNLIMITED, NULL), PW_OK, NULL);
  pw_instance_unload(inst);
}

static void test_admission(void) {
  check_admission(0);
  check_admission(5);
  check_admission(PW_BUFFER_ALIGN + 8);
}

static void test_unknown_import(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0x5A);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_instance_config config = config_for(ibuf, STORAGE, kBoard, 1, NULL); /* no gpio_write */
  pw_instance* inst = (pw_instance*)1;
  size_t needed = 7;
  pw_error err;

  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_ERR_UNLINKABLE, &err);
  CHECK(needed == 0);
  CHECK_STR(err.code_name, "unknown_import");
  CHECK(err.import_index == 1);
  CHECK_STR(err.import_module, "env");
  CHECK_STR(err.import_field, "gpio_write");
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK(inst == NULL);
  CHECK_STR(err.import_field, "gpio_write");
  CHECK(c_test_all(ibuf, STORAGE, 0x5A));

  /* No table at all: the first import is missing. */
  config = config_for(ibuf, STORAGE, NULL, 0, NULL);
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK(err.import_index == 0);
  CHECK_STR(err.import_field, "tick");

  /* A memory import cannot be satisfied through the C API. */
  module = c_test_load("imports_memory.wasm", mbuf, STORAGE);
  config = config_for(ibuf, STORAGE, kBoard, 2, NULL);
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK_STR(err.code_name, "unknown_import");
  CHECK(err.import_index == 1);
  CHECK_STR(err.import_module, "board");
  CHECK_STR(err.import_field, "sram");
}

static void check_incompatible(const pw_host_function* gpio, const char* why) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_host_function table[2];
  pw_instance_config config;
  pw_instance* inst = (pw_instance*)1;
  pw_error err;
  table[0] = kBoard[0];
  table[1] = *gpio;
  config = config_for(ibuf, STORAGE, table, 2, NULL);
  fprintf(stderr, "  incompatible: %s\n", why);
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK(inst == NULL);
  CHECK_STR(err.code_name, "incompatible_import");
  CHECK(err.import_index == 1);
  CHECK_STR(err.import_module, "env");
  CHECK_STR(err.import_field, "gpio_write");
}

static void test_incompatible_import(void) {
  const pw_host_function too_few = {"env", "gpio_write", kI32, 1, NULL, 0, gpio_write, NULL};
  const pw_host_function result = {"env", "gpio_write", kI32I32, 2, kI32, 1, gpio_write, NULL};
  const pw_valtype i32_i64[] = {PW_I32, PW_I64};
  const pw_host_function type = {"env", "gpio_write", i32_i64, 2, NULL, 0, gpio_write, NULL};
  check_incompatible(&too_few, "one parameter short");
  check_incompatible(&result, "an extra result");
  check_incompatible(&type, "i64 instead of i32");
  (void)kI64;
}

/* The first entry with the import's names is the one linked, even if a later one would fit. */
static void test_first_match_wins(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  const pw_host_function table[] = {
      {"env", "tick", kI32, 1, kI32, 1, tick, NULL},
      {"env", "gpio_write", kI64, 1, NULL, 0, gpio_write, NULL},
      {"env", "gpio_write", kI32I32, 2, NULL, 0, gpio_write, NULL},
  };
  pw_instance_config config = config_for(ibuf, STORAGE, table, 3, NULL);
  pw_instance* inst = NULL;
  pw_error err;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK_STR(err.code_name, "incompatible_import");
  config.host_functions = table + 1;
  config.num_host_functions = 2;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_UNLINKABLE, &err);
  CHECK_STR(err.import_field, "tick");
}

static void test_bad_table(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_host_function table[3];
  pw_instance_config config = config_for(ibuf, STORAGE, NULL, 2, NULL);
  pw_instance* inst = NULL;
  size_t needed;
  pw_error err;

  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_null_table");

  table[0] = kBoard[0];
  table[1] = kBoard[1];
  table[2] = kBoard[1];
  table[2].name = NULL;
  config = config_for(ibuf, STORAGE, table, 3, NULL);
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_null_name");
  CHECK(err.entry == 2);
  CHECK(err.import_index == PW_NO_INDEX && err.function == PW_NO_INDEX);

  table[2] = kBoard[1];
  table[2].fn = NULL;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_null_function");
  CHECK(err.entry == 2);

  table[2] = kBoard[1];
  table[1].params = NULL; /* with num_params 1 */
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_null_function");
  CHECK(err.entry == 1);
  CHECK(inst == NULL);
}

static void test_limits(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("link.wasm", mbuf, STORAGE);
  pw_instance_config config = config_for(ibuf, STORAGE, kBoard, 2, NULL);
  pw_instance* inst = NULL;
  size_t needed, small;
  pw_error err;

  config.limits.call_depth = 0xFFFFFFFFu;
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_bad_limit");

  /* The module declares a table of 4 elements. */
  config = config_for(ibuf, STORAGE, kBoard, 2, NULL);
  config.limits.table_elems = 2;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_ERR_LIMIT, &err);
  CHECK_STR(err.code_name, "limit_table_elems");
  CHECK(inst == NULL);

  /* Smaller stacks and a memory cap shrink the instance. */
  config = config_for(NULL, 0, kBoard, 2, NULL);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_OK, &err);
  config.limits.stack_bytes = 1024;
  config.limits.call_depth = 16;
  config.limits.memory_bytes = 4096;
  CHECK_STATUS(pw_instance_size(module, &config, &small, &err), PW_OK, &err);
  CHECK(small + 60000 < needed);
  config.buffer = ibuf;
  config.buffer_size = small;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  CHECK_STATUS(pw_call(inst, "nop", NULL, 0, NULL, 0, 10, NULL), PW_OK, NULL);
  pw_instance_unload(inst);
}

static void test_start_trap(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  pw_module* module = c_test_load("start_trap.wasm", mbuf, STORAGE);
  Board board = {0, 0};
  pw_instance_config config = config_for(ibuf, STORAGE, kBoard, 2, &board);
  pw_instance* inst = NULL;
  pw_error err;
  pw_call_result r;
  pw_trap_report report;
  /* Instantiation runs no wasm code; the start function runs in pw_instance_start(). */
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  CHECK(inst != NULL);
  CHECK(board.ticks == 0);
  CHECK_STATUS(pw_call(inst, "nop", NULL, 0, NULL, 0, 10, &r), PW_ERR_STATE, NULL);
  CHECK_STR(r.trap_name, "start_pending");
  CHECK_STATUS(pw_instance_start(inst, 1000, &r), PW_ERR_TRAP, NULL);
  CHECK_STR(r.trap_name, "trap_unreachable");
  CHECK(pw_instance_trap(inst, &report));
  CHECK_STR(report.code_name, "trap_unreachable");
  /* The start function reached the host with the user pointer and the instance handle. */
  CHECK(board.ticks == 1);
  CHECK(board.saw_instance == 1);
  /* A failed start leaves the instance unusable, and says so. */
  CHECK_STATUS(pw_call(inst, "nop", NULL, 0, NULL, 0, 10, &r), PW_ERR_STATE, NULL);
  CHECK_STR(r.trap_name, "instance_failed");
  CHECK_STATUS(pw_instance_start(inst, 1000, &r), PW_ERR_STATE, NULL);
  CHECK_STR(r.trap_name, "instance_failed");
  pw_instance_unload(inst);
}

/* Load, instantiate, run, unload 1000 times in the same buffers: same addresses, same sizes. An
 * A/B update: B is loaded and instantiated before A is dropped. */
static void test_lifecycle(void) {
  uint8_t* mbuf = c_test_buffer(module_storage, STORAGE, 0, 0);
  uint8_t* mbuf_b = c_test_buffer(module_storage_b, STORAGE, 0, 0);
  uint8_t* ibuf = c_test_buffer(instance_storage, STORAGE, 0, 0);
  Board board = {0, 0};
  pw_instance_config config = config_for(ibuf, STORAGE / 2, kBoard, 2, &board);
  pw_instance_config config_b = config_for(ibuf + STORAGE / 2, STORAGE / 2, kBoard, 2, &board);
  size_t first_used = 0;
  int i, ok = 1;
  pw_module *a, *b;
  pw_instance *inst_a, *inst_b;
  pw_error err;
  size_t size;
  const uint8_t* bytes = c_test_module("link.wasm", &size);

  for (i = 0; i < 1000 && ok; ++i) {
    pw_module* module = NULL;
    pw_instance* inst = NULL;
    size_t needed = 0;
    ok = pw_module_load(bytes, size, NULL, mbuf, STORAGE, &module, NULL) == PW_OK &&
         pw_instance_size(module, &config, &needed, NULL) == PW_OK &&
         pw_instance_create(module, &config, &inst, NULL) == PW_OK &&
         pw_call(inst, "nop", NULL, 0, NULL, 0, 5, NULL) == PW_OK && (uint8_t*)inst == ibuf;
    if (i == 0) first_used = needed + pw_module_used(module);
    ok = ok && needed + pw_module_used(module) == first_used;
    pw_instance_unload(inst);
    pw_module_unload(module);
    CHECK_STATUS(pw_call(inst, "nop", NULL, 0, NULL, 0, 5, NULL), PW_ERR_BAD_ARGUMENT, NULL);
  }
  CHECK(ok && i == 1000);

  a = c_test_load("link.wasm", mbuf, STORAGE);
  CHECK_STATUS(pw_instance_create(a, &config, &inst_a, &err), PW_OK, &err);
  b = c_test_load("start_trap.wasm", mbuf_b, STORAGE); /* a bad B: A keeps running */
  CHECK_STATUS(pw_instance_create(b, &config_b, &inst_b, &err), PW_OK, &err);
  CHECK_STATUS(pw_instance_start(inst_b, 1000, NULL), PW_ERR_TRAP, NULL);
  pw_instance_unload(inst_b);
  CHECK_STATUS(pw_call(inst_a, "nop", NULL, 0, NULL, 0, 5, NULL), PW_OK, NULL);
  b = c_test_load("link.wasm", mbuf_b, STORAGE); /* a good B replaces A */
  CHECK_STATUS(pw_instance_create(b, &config_b, &inst_b, &err), PW_OK, &err);
  pw_instance_unload(inst_a);
  pw_module_unload(a);
  CHECK_STATUS(pw_call(inst_b, "nop", NULL, 0, NULL, 0, 5, NULL), PW_OK, NULL);
  pw_instance_unload(inst_b);
  pw_instance_unload(inst_b); /* twice: ignored */
}

int main(int argc, char** argv) {
  if (argc > 1) c_test_dir = argv[1];
  RUN(test_bad_arguments);
  RUN(test_admission);
  RUN(test_unknown_import);
  RUN(test_incompatible_import);
  RUN(test_first_match_wins);
  RUN(test_bad_table);
  RUN(test_limits);
  RUN(test_start_trap);
  RUN(test_lifecycle);
  return c_test_result();
}
