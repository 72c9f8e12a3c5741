/* stub_board: runs one guest app on picowasm (C API) with every HAL ABI import bound to a stub,
 * so the apps, the misbehaving ones above all, can be run on the real engine before the board
 * layer exists. It is not a board: no grants beyond "everything but GPIO pin 13", a fixed 21.0 C
 * sensor, no UART input. What it checks is the engine's side: every buffer goes through
 * pw_host_memory() (a range outside memory traps), sleeps yield and resume, fuel bounds a
 * spinning app, memory.grow stops at the instance's page reservation.
 *
 *   stub_board app.wasm [fuel] [memory_pages]
 * Prints pin changes, UART output and log records, then "exit N", "trap: ..." (exit status 3)
 * or "stopped: out of fuel" (exit status 4). */
#include <stdio.h>
#include <stdlib.h>

#include "picowasm/picowasm.h"

#if defined(__GNUC__) || defined(__clang__)
#define ALIGNED __attribute__((aligned(PW_BUFFER_ALIGN)))
#else
#define ALIGNED
#endif

/* The status codes of docs/hal-abi.md this stub returns. */
#define HAL_E_DENIED (-1)
#define HAL_E_TIMEOUT (-6)
#define DENIED_PIN 13

typedef struct Stub {
  int64_t now_us;
  int32_t levels[32];
} Stub;

static Stub g_stub;

static pw_status ret_i32(pw_host_call* call, int32_t value) {
  pw_host_set_result(call, 0, pw_i32(value));
  return PW_OK;
}

/* A (pointer, length) argument pair as host memory, or NULL: the caller then traps. */
static const uint8_t* buffer_arg(pw_host_call* call, uint32_t ptr_index, uint32_t len_index) {
  uint8_t* bytes;
  uint32_t ptr = (uint32_t)pw_host_arg_i32(call, ptr_index);
  uint32_t len = (uint32_t)pw_host_arg_i32(call, len_index);
  return pw_host_memory(call, ptr, len, &bytes) ? bytes : NULL;
}

static pw_status hal_abi_version(pw_host_call* call) {
  return ret_i32(call, 0x00010000);
}
static pw_status hal_query(pw_host_call* call) {
  int32_t cls = pw_host_arg_i32(call, 0);
  return ret_i32(call, cls == 1 && pw_host_arg_i32(call, 1) == DENIED_PIN ? 0 : 1);
}

/* GPIO: pin in argument 0; every call on the denied pin is DENIED. */
static pw_status gpio_call(pw_host_call* call) {
  int32_t pin = pw_host_arg_i32(call, 0);
  const char* op = (const char*)pw_host_data(call);
  if (pin == DENIED_PIN) return ret_i32(call, HAL_E_DENIED);
  if (pin < 0 || pin >= 32) return ret_i32(call, -3);
  int32_t* level = &g_stub.levels[pin];
  switch (op[0]) {
    case 'w': *level = pw_host_arg_i32(call, 1) != 0; break;
    case 't': *level = !*level; break;
    case 'r': return ret_i32(call, *level);
    case 'e': return ret_i32(call, HAL_E_TIMEOUT);
    default: return ret_i32(call, 0); /* configure */
  }
  printf("[%lld ms] gpio %d %s\n", (long long)(g_stub.now_us / 1000), (int)pin,
         *level ? "high" : "low");
  return ret_i32(call, 0);
}

static pw_status i2c_write_read(pw_host_call* call) {
  const uint8_t* wdata = buffer_arg(call, 2, 3);
  if (wdata == NULL || buffer_arg(call, 4, 5) == NULL)
    return pw_host_trap(call, "pw_i2c.write_read: buffer outside memory");
  uint8_t* rbuf;
  pw_host_memory(call, (uint32_t)pw_host_arg_i32(call, 4), (uint32_t)pw_host_arg_i32(call, 5),
                 &rbuf);
  if (pw_host_arg_i32(call, 5) >= 2) {
    rbuf[0] = 0x15; /* 21.0 C: 336 sixteenths, left-aligned */
    rbuf[1] = 0x00;
  }
  return ret_i32(call, 0);
}
static pw_status i2c_rw(pw_host_call* call) {
  if (buffer_arg(call, 2, 3) == NULL) return pw_host_trap(call, "pw_i2c: buffer outside memory");
  return ret_i32(call, 0);
}
static pw_status ok_stub(pw_host_call* call) {
  return ret_i32(call, 0);
}

static pw_status uart_write(pw_host_call* call) {
  const uint8_t* data = buffer_arg(call, 1, 2);
  if (data == NULL) return pw_host_trap(call, "pw_uart.write: buffer outside memory");
  int32_t len = pw_host_arg_i32(call, 2);
  printf("[%lld ms] uart%d: %.*s", (long long)(g_stub.now_us / 1000), (int)pw_host_arg_i32(call, 0),
         (int)len, (const char*)data);
  if (len == 0 || data[len - 1] != '\n') printf("\n");
  return ret_i32(call, len);
}
static pw_status uart_read(pw_host_call* call) {
  if (buffer_arg(call, 1, 2) == NULL)
    return pw_host_trap(call, "pw_uart.read: buffer outside memory");
  int64_t timeout = pw_host_arg_i64(call, 3);
  if (timeout > 0) g_stub.now_us += timeout;
  pw_host_set_result(call, 0, pw_i32(HAL_E_TIMEOUT));
  return pw_host_yield(call);
}

static pw_status time_now_us(pw_host_call* call) {
  pw_host_set_result(call, 0, pw_i64(g_stub.now_us));
  return PW_OK;
}
/* Sleeps advance the clock and yield: the app pauses, the loop in main resumes it. */
static pw_status time_sleep_us(pw_host_call* call) {
  int64_t us = pw_host_arg_i64(call, 0);
  if (us > 0) g_stub.now_us += us;
  pw_host_set_result(call, 0, pw_i32(0));
  return pw_host_yield(call);
}
static pw_status time_sleep_until_us(pw_host_call* call) {
  int64_t deadline = pw_host_arg_i64(call, 0);
  if (deadline > g_stub.now_us) g_stub.now_us = deadline;
  pw_host_set_result(call, 0, pw_i32(0));
  return pw_host_yield(call);
}

static pw_status log_write(pw_host_call* call) {
  const uint8_t* text = buffer_arg(call, 1, 2);
  if (text == NULL) return pw_host_trap(call, "pw_log.write: buffer outside memory");
  int32_t level = pw_host_arg_i32(call, 0);
  printf("[%lld ms] log %c: %.*s\n", (long long)(g_stub.now_us / 1000),
         level >= 0 && level <= 3 ? "EWID"[level] : '?', (int)pw_host_arg_i32(call, 2),
         (const char*)text);
  return ret_i32(call, 0);
}

static const pw_valtype kI32[] = {PW_I32};
static const pw_valtype kI64[] = {PW_I64};
static const pw_valtype kI32x2[] = {PW_I32, PW_I32};
static const pw_valtype kI32x3[] = {PW_I32, PW_I32, PW_I32};
static const pw_valtype kI32x4[] = {PW_I32, PW_I32, PW_I32, PW_I32};
static const pw_valtype kI32x5[] = {PW_I32, PW_I32, PW_I32, PW_I32, PW_I32};
static const pw_valtype kI32x6[] = {PW_I32, PW_I32, PW_I32, PW_I32, PW_I32, PW_I32};
static const pw_valtype kI32x2I64[] = {PW_I32, PW_I32, PW_I64};
static const pw_valtype kI32x3I64[] = {PW_I32, PW_I32, PW_I32, PW_I64};

/* The HAL ABI 1.0 (docs/hal-abi.md), signature for signature. */
static const pw_host_function kHal[] = {
    {"pw_hal", "abi_version", NULL, 0, kI32, 1, hal_abi_version, NULL},
    {"pw_hal", "query", kI32x3, 3, kI32, 1, hal_query, NULL},
    {"pw_gpio", "configure", kI32x2, 2, kI32, 1, gpio_call, "configure"},
    {"pw_gpio", "write", kI32x2, 2, kI32, 1, gpio_call, "write"},
    {"pw_gpio", "read", kI32, 1, kI32, 1, gpio_call, "read"},
    {"pw_gpio", "toggle", kI32, 1, kI32, 1, gpio_call, "toggle"},
    {"pw_gpio", "wait_edge", kI32x2I64, 3, kI32, 1, gpio_call, "edge"},
    {"pw_i2c", "write", kI32x4, 4, kI32, 1, i2c_rw, NULL},
    {"pw_i2c", "read", kI32x4, 4, kI32, 1, i2c_rw, NULL},
    {"pw_i2c", "write_read", kI32x6, 6, kI32, 1, i2c_write_read, NULL},
    {"pw_spi", "configure", kI32x4, 4, kI32, 1, ok_stub, NULL},
    {"pw_spi", "transfer", kI32x5, 5, kI32, 1, ok_stub, NULL},
    {"pw_uart", "write", kI32x3, 3, kI32, 1, uart_write, NULL},
    {"pw_uart", "read", kI32x3I64, 4, kI32, 1, uart_read, NULL},
    {"pw_pwm", "set", kI32x3, 3, kI32, 1, ok_stub, NULL},
    {"pw_adc", "read", kI32, 1, kI32, 1, ok_stub, NULL},
    {"pw_time", "now_us", NULL, 0, kI64, 1, time_now_us, NULL},
    {"pw_time", "sleep_us", kI64, 1, kI32, 1, time_sleep_us, NULL},
    {"pw_time", "sleep_until_us", kI64, 1, kI32, 1, time_sleep_until_us, NULL},
    {"pw_log", "write", kI32x3, 3, kI32, 1, log_write, NULL},
};

static uint8_t module_bytes[64 * 1024];
static uint8_t module_buffer[128 * 1024] ALIGNED;
static uint8_t instance_buffer[(2 << 20) + 64 * 1024] ALIGNED; /* up to 32 pages of memory */

#define SLICE_FUEL 10000

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("usage: stub_board app.wasm [fuel] [memory_pages]\n");
    return 2;
  }
  uint64_t fuel = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000000;
  uint32_t pages = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 16;
  if (pages > 32) pages = 32;
  FILE* file = fopen(argv[1], "rb");
  if (!file) {
    printf("error: cannot open %s\n", argv[1]);
    return 1;
  }
  size_t size = fread(module_bytes, 1, sizeof module_bytes, file);
  fclose(file);

  pw_module* module;
  pw_error err;
  pw_status status =
      pw_module_load(module_bytes, size, NULL, module_buffer, sizeof module_buffer, &module, &err);
  if (status != PW_OK) {
    printf("error: load: %s (%s)\n", pw_status_message(status), err.code_name);
    return 1;
  }
  pw_instance_config config = {0};
  config.buffer = instance_buffer;
  config.buffer_size = sizeof instance_buffer;
  config.host_functions = kHal;
  config.num_host_functions = PW_COUNTOF(kHal);
  config.limits.memory_pages = pages; /* what memory.grow may reach */
  pw_instance* inst;
  status = pw_instance_create(module, &config, &inst, &err);
  if (status != PW_OK) {
    printf("error: instantiate: %s (%s)", pw_status_message(status), err.code_name);
    if (err.import_module) printf(" import %s.%s", err.import_module, err.import_field);
    printf("\n");
    return 1;
  }

  pw_value exit_status = pw_i32(0);
  pw_call_result result;
  uint64_t used = 0;
  status = pw_call(inst, "pw_main", NULL, 0, &exit_status, 1, SLICE_FUEL, &result);
  for (;;) {
    used += result.fuel_used;
    if (status != PW_PAUSED || used >= fuel) break;
    status = pw_resume(inst, &exit_status, 1, SLICE_FUEL, &result);
  }
  int code = 0;
  if (status == PW_OK) {
    printf("exit %d\n", (int)exit_status.as.i32);
    code = exit_status.as.i32 == 0 ? 0 : 1;
  } else if (status == PW_PAUSED) {
    printf("stopped: out of fuel after %llu safe points\n", (unsigned long long)used);
    code = 4;
  } else {
    pw_trap_report report;
    if (pw_instance_trap(inst, &report)) {
      printf("trap: %s: %s%s%s\n", report.code_name, report.message,
             report.host_message ? ": " : "", report.host_message ? report.host_message : "");
    } else {
      printf("error: %s\n", pw_status_message(status));
    }
    code = 3;
  }
  pw_instance_unload(inst);
  pw_module_unload(module);
  return code;
}
