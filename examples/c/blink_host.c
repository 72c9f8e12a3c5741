/* A C firmware-shaped host for examples/wat/blink.wat (and blink_log.wat), written against the C
 * API (include/picowasm/picowasm.h). What a microcontroller build has is all here: a const table
 * of host functions (flash), static buffers for the module and the instance (RAM), admission
 * control before anything is built, and a main loop that runs the module in fuel slices so it can
 * never hog the CPU. Only reading the module file is host-specific (on a device the bytes would
 * sit in flash, e.g. where an update was written).
 *
 *   blink_host path/to/blink.wasm [times]
 */
#include <stdio.h>
#include <stdlib.h>

#include "picowasm/picowasm.h"

#if defined(__GNUC__) || defined(__clang__)
#define ALIGNED __attribute__((aligned(PW_BUFFER_ALIGN)))
#else
#define ALIGNED
#endif

/* ---- The board: what the module may touch ---------------------------------------------------- */

typedef struct Board {
  unsigned long now_ms; /* simulated clock */
  unsigned led_changes;
  int led_level;
} Board;

static pw_status gpio_write(pw_host_call* call) {
  Board* board = (Board*)pw_host_user(call);
  const int32_t pin = pw_host_arg_i32(call, 0);
  const int32_t level = pw_host_arg_i32(call, 1);
  if (pin != 13) return pw_host_trap(call, "gpio_write: only pin 13 (the LED) is wired");
  board->led_level = level;
  ++board->led_changes;
  printf("  [%5lu ms] LED %s\n", board->now_ms, level ? "on" : "off");
  return PW_OK;
}

/* Instead of spinning, advance the clock and yield: the module pauses right after this call and
 * the main loop decides when it continues (a real board would arm a timer). */
static pw_status delay_ms(pw_host_call* call) {
  Board* board = (Board*)pw_host_user(call);
  const int32_t ms = pw_host_arg_i32(call, 0);
  if (ms < 0) return pw_host_trap(call, "delay_ms: negative delay");
  board->now_ms += (unsigned long)ms;
  return pw_host_yield(call);
}

/* (pointer, length) of text in the module's memory; pw_host_memory() refuses any range outside
 * it, so a buggy or hostile module cannot make the host read firmware RAM. */
static pw_status log_text(pw_host_call* call) {
  const uint32_t ptr = (uint32_t)pw_host_arg_i32(call, 0);
  const uint32_t len = (uint32_t)pw_host_arg_i32(call, 1);
  uint8_t* text;
  if (!pw_host_memory(call, ptr, len, &text)) return pw_host_trap(call, "log: bad pointer");
  printf("  module says: %.*s\n", (int)len, (const char*)text);
  return PW_OK;
}

/* Flash-resident import table. Entries a module does not import cost nothing. */
static const pw_valtype kPinLevel[] = {PW_I32, PW_I32};
static const pw_valtype kMs[] = {PW_I32};
static const pw_valtype kText[] = {PW_I32, PW_I32};
static const pw_host_function kBoardFunctions[] = {
    {"env", "gpio_write", kPinLevel, 2, NULL, 0, gpio_write, NULL},
    {"env", "delay_ms", kMs, 1, NULL, 0, delay_ms, NULL},
    {"env", "log", kText, 2, NULL, 0, log_text, NULL},
};

/* ---- RAM ------------------------------------------------------------------------------------- */

static uint8_t module_bytes[16 * 1024]; /* stands in for flash */
static uint8_t module_buffer[16 * 1024] ALIGNED;
static uint8_t instance_buffer[16 * 1024] ALIGNED;

/* Fuel per slice: each loop iteration and each call costs 1. */
#define SLICE_FUEL 2

static int fail(const char* what, pw_status status, const pw_error* err) {
  printf("%s: %s", what, pw_status_message(status));
  if (err) printf(" (%s)", err->code_name);
  if (err && err->import_module) printf(" import %s.%s", err->import_module, err->import_field);
  printf("\n");
  return 1;
}

static void print_trap(const pw_instance* inst) {
  pw_trap_report report;
  uint32_t i;
  if (!pw_instance_trap(inst, &report)) return;
  printf("trap: %s", report.message);
  if (report.host_message) printf(": %s", report.host_message);
  printf("\n");
  for (i = 0; i < report.num_frames; ++i) {
    pw_trap_frame frame;
    pw_instance_trap_frame(inst, i, &frame);
    printf("  #%u func[%u] %.*s", (unsigned)i, (unsigned)frame.function, (int)frame.name_len,
           frame.name ? frame.name : "");
    if (frame.module_offset != PW_UNKNOWN_OFFSET) printf(" at 0x%x", (unsigned)frame.module_offset);
    printf("\n");
  }
}

int main(int argc, char** argv) {
  Board board = {0, 0, 0};
  pw_instance_config config = {0};
  pw_module* module;
  pw_instance* inst;
  pw_error err;
  pw_call_result result;
  pw_status status;
  pw_value times;
  size_t size, needed;
  unsigned slices = 1, yields = 0, out_of_fuel = 0;
  FILE* file;

  if (argc < 2) {
    printf("usage: blink_host path/to/blink.wasm [times]\n");
    return 2;
  }
  file = fopen(argv[1], "rb");
  if (!file) return fail(argv[1], PW_ERR_BAD_ARGUMENT, NULL);
  size = fread(module_bytes, 1, sizeof module_bytes, file);
  fclose(file);
  times = pw_i32(argc > 2 ? atoi(argv[2]) : 6);

  /* 1. Load: decode, validate, translate into module_buffer. */
  status =
      pw_module_load(module_bytes, size, NULL, module_buffer, sizeof module_buffer, &module, &err);
  if (status != PW_OK) return fail("load", status, &err);
  printf("module: %lu bytes, loaded into %lu of %lu buffer bytes\n", (unsigned long)size,
         (unsigned long)pw_module_used(module), (unsigned long)sizeof module_buffer);

  /* 2. Admission: how much of instance_buffer would this instance take? Small stacks, and at most
   * 4 KiB of its linear memory (blink_log.wat declares a 64 KiB page but uses 14 bytes). */
  config.buffer = instance_buffer;
  config.buffer_size = sizeof instance_buffer;
  config.host_functions = kBoardFunctions;
  config.num_host_functions = PW_COUNTOF(kBoardFunctions);
  config.limits.stack_bytes = 2048;
  config.limits.call_depth = 32;
  config.limits.memory_bytes = 4096;
  config.user = &board;
  status = pw_instance_size(module, &config, &needed, &err);
  if (status != PW_OK) return fail("link", status, &err);
  printf("instance: needs %lu of %lu bytes\n", (unsigned long)needed,
         (unsigned long)sizeof instance_buffer);
  if (needed > sizeof instance_buffer) return fail("admission", PW_ERR_NO_SPACE, NULL);

  /* 3. Instantiate. */
  status = pw_instance_create(module, &config, &inst, &err);
  if (status != PW_OK) return fail("instantiate", status, &err);
  /* The start function (if any) runs under fuel like every call: a hostile one cannot hang us. */
  status = pw_instance_start(inst, 1000, &result);
  if (status != PW_OK) {
    print_trap(inst);
    pw_instance_unload(inst);
    return 1;
  }

  /* 4. Run in slices. Between slices the firmware's own work happens (here: nothing). */
  status = pw_call(inst, "run", &times, 1, NULL, 0, SLICE_FUEL, &result);
  while (status == PW_PAUSED) {
    if (result.pause == PW_PAUSE_HOST_YIELD) ++yields;
    if (result.pause == PW_PAUSE_OUT_OF_FUEL) ++out_of_fuel;
    ++slices;
    status = pw_resume(inst, NULL, 0, SLICE_FUEL, &result);
  }
  if (status != PW_OK) {
    print_trap(inst);
    pw_instance_unload(inst);
    return 1;
  }
  printf(
      "done: %u LED changes, %lu ms of delays, %u slices (%u ended by a delay, %u out of fuel)\n",
      board.led_changes, board.now_ms, slices, yields, out_of_fuel);

  /* 5. Unload: the buffers are free again. */
  pw_instance_unload(inst);
  pw_module_unload(module);
  return 0;
}
