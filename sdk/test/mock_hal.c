/* mock_hal.c: a host-side stand-in for the board, so the example apps' logic (formatting,
 * hysteresis, command parsing, denial handling) can be tested natively before the virtual board
 * exists. pw_hal.h, compiled for a non-wasm target, declares plain functions; these are they.
 *
 * The mock board: every resource granted except GPIO pin 13 (DENIED); a virtual clock that
 * sleeps advance; a TMP102 at I2C 0:0x48 whose temperature follows a fixed ramp; UART 0 input
 * from the first argument ('|' stands for LF, '^' for CR); UART output, log records and pin
 * changes printed on stdout with the virtual time. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pw_hal.h"

#define MOCK_PINS 32
#define MOCK_DENIED_PIN 13

static int64_t g_now_us;
static int32_t g_mode[MOCK_PINS];
static int32_t g_level[MOCK_PINS];
static int32_t g_samples;
static char g_input[1024];
static size_t g_input_len;
static size_t g_input_pos;

static int32_t check_pin(int32_t pin) {
  if (pin < 0 || pin >= MOCK_PINS) return PW_HAL_E_NOT_PRESENT;
  if (pin == MOCK_DENIED_PIN) return PW_HAL_E_DENIED;
  return PW_HAL_OK;
}

int32_t pw_hal_abi_version(void) {
  return PW_HAL_ABI_VERSION;
}

int32_t pw_hal_query(int32_t cls, int32_t resource, int32_t access) {
  (void)access;
  if (cls < PW_HAL_CLASS_GPIO || cls > PW_HAL_CLASS_LOG) return PW_HAL_E_INVALID;
  if (cls == PW_HAL_CLASS_GPIO) {
    int32_t status = check_pin(resource);
    return status == PW_HAL_OK ? 1 : status == PW_HAL_E_DENIED ? 0 : status;
  }
  return 1;
}

int32_t pw_gpio_configure(int32_t pin, int32_t mode) {
  int32_t status = check_pin(pin);
  if (status != PW_HAL_OK) return status;
  if (mode < PW_GPIO_MODE_INPUT || mode > PW_GPIO_MODE_OUTPUT_OPEN_DRAIN) return PW_HAL_E_INVALID;
  g_mode[pin] = mode + 1; /* 0: not configured */
  return PW_HAL_OK;
}

static int32_t set_level(int32_t pin, int32_t level) {
  int32_t status = check_pin(pin);
  if (status != PW_HAL_OK) return status;
  if (g_mode[pin] <= PW_GPIO_MODE_INPUT_PULLDOWN + 1) return PW_HAL_E_INVALID;
  g_level[pin] = level != 0;
  printf("[%lld ms] gpio %d %s\n", (long long)(g_now_us / 1000), (int)pin,
         g_level[pin] ? "high" : "low");
  return PW_HAL_OK;
}

int32_t pw_gpio_write(int32_t pin, int32_t level) {
  return set_level(pin, level);
}
int32_t pw_gpio_toggle(int32_t pin) {
  return set_level(pin, (pin >= 0 && pin < MOCK_PINS) ? !g_level[pin] : 0);
}
int32_t pw_gpio_read(int32_t pin) {
  int32_t status = check_pin(pin);
  if (status != PW_HAL_OK) return status;
  return g_mode[pin] == 0 ? PW_HAL_E_INVALID : g_level[pin];
}
int32_t pw_gpio_wait_edge(int32_t pin, int32_t edge, int64_t timeout_us) {
  (void)edge;
  int32_t status = check_pin(pin);
  if (status != PW_HAL_OK) return status;
  if (timeout_us > 0) g_now_us += timeout_us;
  return PW_HAL_E_TIMEOUT;
}

/* The sensor: 20.0 C rising 0.5 C per sample to 24.0, then falling back; 12 bits left-aligned. */
static int32_t sensor_sixteenths(void) {
  int32_t step = g_samples % 16;
  int32_t offset = step <= 8 ? step : 16 - step;
  ++g_samples;
  return 20 * 16 + offset * 8;
}

int32_t pw_i2c_write(int32_t bus, int32_t addr, const void* data, int32_t len) {
  (void)data;
  if (len <= 0 || len > PW_HAL_MAX_TRANSFER) return PW_HAL_E_INVALID;
  return bus == 0 && addr == 0x48 ? PW_HAL_OK : PW_HAL_E_NACK;
}
int32_t pw_i2c_read(int32_t bus, int32_t addr, void* buf, int32_t len) {
  if (len <= 0 || len > PW_HAL_MAX_TRANSFER) return PW_HAL_E_INVALID;
  if (bus != 0 || addr != 0x48) return PW_HAL_E_NACK;
  memset(buf, 0, (size_t)len);
  return PW_HAL_OK;
}
int32_t pw_i2c_write_read(int32_t bus, int32_t addr, const void* wdata, int32_t wlen, void* rbuf,
                          int32_t rlen) {
  if (wlen <= 0 || wlen > PW_HAL_MAX_TRANSFER || rlen <= 0 || rlen > PW_HAL_MAX_TRANSFER)
    return PW_HAL_E_INVALID;
  if (bus != 0 || addr != 0x48) return PW_HAL_E_NACK;
  uint8_t* out = (uint8_t*)rbuf;
  memset(out, 0, (size_t)rlen);
  if (((const uint8_t*)wdata)[0] == 0 && rlen >= 2) {
    uint32_t raw = (uint32_t)sensor_sixteenths() & 0xFFF;
    out[0] = (uint8_t)(raw >> 4);
    out[1] = (uint8_t)((raw & 0xF) << 4);
  }
  return PW_HAL_OK;
}

int32_t pw_spi_configure(int32_t bus, int32_t cs, int32_t mode, int32_t hz) {
  (void)bus, (void)cs, (void)hz;
  return mode >= 0 && mode <= 3 ? PW_HAL_OK : PW_HAL_E_INVALID;
}
int32_t pw_spi_transfer(int32_t bus, int32_t cs, const void* tx, void* rx, int32_t len) {
  (void)bus, (void)cs, (void)tx;
  if (rx != NULL) memset(rx, 0, (size_t)len);
  return PW_HAL_OK;
}

int32_t pw_uart_write(int32_t port, const void* data, int32_t len) {
  if (port != 0) return PW_HAL_E_NOT_PRESENT;
  printf("[%lld ms] uart0: %.*s", (long long)(g_now_us / 1000), (int)len, (const char*)data);
  if (len == 0 || ((const char*)data)[len - 1] != '\n') printf("\n");
  return len;
}
/* Up to 4 bytes a call (so lines arrive in pieces, as over a wire); a timeout at the end. */
int32_t pw_uart_read(int32_t port, void* buf, int32_t len, int64_t timeout_us) {
  if (port != 0) return PW_HAL_E_NOT_PRESENT;
  size_t left = g_input_len - g_input_pos;
  if (left == 0) {
    if (timeout_us > 0) g_now_us += timeout_us;
    return PW_HAL_E_TIMEOUT;
  }
  size_t n = left < 4 ? left : 4;
  if ((size_t)len < n) n = (size_t)len;
  memcpy(buf, g_input + g_input_pos, n);
  g_input_pos += n;
  g_now_us += 1000;
  return (int32_t)n;
}

int32_t pw_pwm_set(int32_t channel, int32_t hz, int32_t duty) {
  (void)channel, (void)hz;
  return duty >= 0 && duty <= PW_PWM_DUTY_MAX ? PW_HAL_OK : PW_HAL_E_INVALID;
}
int32_t pw_adc_read(int32_t channel) {
  return channel == 0 ? 2048 : PW_HAL_E_NOT_PRESENT;
}

int64_t pw_time_now_us(void) {
  return g_now_us;
}
int32_t pw_time_sleep_us(int64_t us) {
  if (us > 0) g_now_us += us;
  return PW_HAL_OK;
}
int32_t pw_time_sleep_until_us(int64_t deadline) {
  if (deadline > g_now_us) g_now_us = deadline;
  return PW_HAL_OK;
}

int32_t pw_log_write(int32_t level, const char* text, int32_t len) {
  static const char kLevels[] = "EWID";
  if (level < 0 || level > 3) return PW_HAL_E_INVALID;
  printf("[%lld ms] log %c: %.*s\n", (long long)(g_now_us / 1000), kLevels[level], (int)len, text);
  return PW_HAL_OK;
}

int main(int argc, char** argv) {
  for (const char* p = argc > 1 ? argv[1] : ""; *p != '\0' && g_input_len < sizeof g_input; ++p)
    g_input[g_input_len++] = *p == '|' ? '\n' : *p == '^' ? '\r' : *p;
  int32_t status = pw_main();
  printf("exit %d\n", (int)status);
  return status == 0 ? 0 : 1;
}
