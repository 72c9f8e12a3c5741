/* pw_hal.h: the guest side of the picowasm HAL ABI 1.0 (docs/hal-abi.md).
 *
 * Freestanding C99 (also valid C++) for `clang --target=wasm32 -ffreestanding -nostdlib`: it needs
 * only the compiler's <stdint.h>, <stddef.h> and <stdbool.h>, no libc. Every function below is a
 * wasm import from one of the modules pw_hal, pw_gpio, pw_i2c, pw_spi, pw_uart, pw_pwm, pw_adc,
 * pw_time, pw_log; the board checks each call against the app's grant.
 *
 * App entry point convention: an app exports
 *
 *     __attribute__((export_name("pw_main"))) int32_t pw_main(void);
 *
 * (or links with --export=pw_main; PW_MAIN below does both). The board calls it once after
 * instantiation; its result is the app's exit status, 0 for success. Returning ends the app.
 *
 * Results: every call returns 0 (or a count or value, where stated) on success and a negative
 * PW_HAL_E_* status on failure; errors are values, never traps. Buffers outside linear memory
 * trap. Pointers are passed as wasm i32 addresses; lengths are int32_t.
 *
 * Built for a target other than wasm (host unit tests of app logic), the declarations are plain
 * extern functions with the same names, to be provided by a mock.
 */
#ifndef PW_HAL_H
#define PW_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ABI version ----------------------------------------------------------------------------- */
#define PW_HAL_ABI_VERSION_MAJOR 1
#define PW_HAL_ABI_VERSION_MINOR 0
/* (major << 16) | minor, as pw_hal_abi_version() returns it: 0x00010000 for 1.0. */
#define PW_HAL_ABI_VERSION ((PW_HAL_ABI_VERSION_MAJOR << 16) | PW_HAL_ABI_VERSION_MINOR)

/* ---- Status codes ---------------------------------------------------------------------------- */
#define PW_HAL_OK 0
#define PW_HAL_E_DENIED (-1)        /* exists but not granted to this app */
#define PW_HAL_E_INVALID (-2)       /* argument out of range, pin not configured that way */
#define PW_HAL_E_NOT_PRESENT (-3)   /* the board has no such pin / bus / port / channel */
#define PW_HAL_E_NOT_SUPPORTED (-4) /* the resource exists but cannot do this */
#define PW_HAL_E_BUSY (-5)          /* in use (another app, or a transfer in progress) */
#define PW_HAL_E_TIMEOUT (-6)       /* the timeout passed before the condition held */
#define PW_HAL_E_IO (-7)            /* bus or device error */
#define PW_HAL_E_NACK (-8)          /* an I2C device did not acknowledge */
#define PW_HAL_E_RATE_LIMITED (-9)  /* the grant's rate limit is used up; try later */
#define PW_HAL_E_REVOKED (-10)      /* the firmware revoked this capability class */

/* Largest I2C transfer (each of write_read's two halves counts alone). */
#define PW_HAL_MAX_TRANSFER 256

/* ---- Timeouts (blocking calls: pw_gpio_wait_edge, pw_uart_read) ------------------------------ */
#define PW_HAL_TIMEOUT_POLL ((int64_t)0)     /* do not wait */
#define PW_HAL_TIMEOUT_FOREVER ((int64_t)-1) /* any negative value: no limit */

/* ---- Capability query: classes and access ---------------------------------------------------- */
#define PW_HAL_CLASS_GPIO 1
#define PW_HAL_CLASS_I2C 2
#define PW_HAL_CLASS_SPI 3
#define PW_HAL_CLASS_UART 4
#define PW_HAL_CLASS_PWM 5
#define PW_HAL_CLASS_ADC 6
#define PW_HAL_CLASS_TIME 7
#define PW_HAL_CLASS_LOG 8

#define PW_HAL_ACCESS_NONE 0       /* PWM, ADC, time, log */
#define PW_HAL_ACCESS_INPUT 1      /* GPIO */
#define PW_HAL_ACCESS_OUTPUT 2     /* GPIO */
#define PW_HAL_ACCESS_INOUT 3      /* GPIO: both */
#define PW_HAL_ACCESS_READ 1       /* UART */
#define PW_HAL_ACCESS_WRITE 2      /* UART */
#define PW_HAL_ACCESS_I2C_ANY (-1) /* I2C: any address on the bus (else the 7-bit address) */
/* SPI: access is the chip-select number. */

/* ---- GPIO ------------------------------------------------------------------------------------ */
#define PW_GPIO_MODE_INPUT 0
#define PW_GPIO_MODE_INPUT_PULLUP 1
#define PW_GPIO_MODE_INPUT_PULLDOWN 2
#define PW_GPIO_MODE_OUTPUT 3 /* push-pull */
#define PW_GPIO_MODE_OUTPUT_OPEN_DRAIN 4

#define PW_GPIO_LOW 0
#define PW_GPIO_HIGH 1 /* any non-zero level drives high */

#define PW_GPIO_EDGE_RISING 1
#define PW_GPIO_EDGE_FALLING 2
#define PW_GPIO_EDGE_BOTH 3

/* ---- SPI, PWM, ADC --------------------------------------------------------------------------- */
#define PW_SPI_MODE_0 0 /* CPOL 0, CPHA 0 */
#define PW_SPI_MODE_1 1 /* CPOL 0, CPHA 1 */
#define PW_SPI_MODE_2 2 /* CPOL 1, CPHA 0 */
#define PW_SPI_MODE_3 3 /* CPOL 1, CPHA 1 */

#define PW_PWM_DUTY_MAX 65535 /* full scale: always on */
#define PW_ADC_MAX 4095       /* 12-bit samples */

/* ---- Log levels (a board may drop the less severe ones, still returning OK) ------------------ */
#define PW_LOG_ERROR 0
#define PW_LOG_WARN 1
#define PW_LOG_INFO 2
#define PW_LOG_DEBUG 3

/* ---- Imports --------------------------------------------------------------------------------- */
#if defined(__wasm__)
#define PW_HAL_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#else
#define PW_HAL_IMPORT(module, name)
#endif

/* pw_hal: always linkable, never denied or rate limited. */
PW_HAL_IMPORT("pw_hal", "abi_version") int32_t pw_hal_abi_version(void);
/* 1 granted, 0 not granted, or PW_HAL_E_NOT_PRESENT / PW_HAL_E_INVALID. */
PW_HAL_IMPORT("pw_hal", "query")
int32_t pw_hal_query(int32_t cls, int32_t resource, int32_t access);

/* pw_gpio: output modes need an output grant, input modes an input grant. */
PW_HAL_IMPORT("pw_gpio", "configure") int32_t pw_gpio_configure(int32_t pin, int32_t mode);
PW_HAL_IMPORT("pw_gpio", "write") int32_t pw_gpio_write(int32_t pin, int32_t level);
/* 0 or 1 (an output pin reads back its level), or a status. */
PW_HAL_IMPORT("pw_gpio", "read") int32_t pw_gpio_read(int32_t pin);
PW_HAL_IMPORT("pw_gpio", "toggle") int32_t pw_gpio_toggle(int32_t pin);
/* Blocking: OK on the edge, PW_HAL_E_TIMEOUT. */
PW_HAL_IMPORT("pw_gpio", "wait_edge")
int32_t pw_gpio_wait_edge(int32_t pin, int32_t edge, int64_t timeout_us);

/* pw_i2c: 7-bit addresses; 0 < len <= PW_HAL_MAX_TRANSFER. */
PW_HAL_IMPORT("pw_i2c", "write")
int32_t pw_i2c_write(int32_t bus, int32_t addr, const void* data, int32_t len);
PW_HAL_IMPORT("pw_i2c", "read")
int32_t pw_i2c_read(int32_t bus, int32_t addr, void* buf, int32_t len);
/* Write then read with a repeated start (register reads). */
PW_HAL_IMPORT("pw_i2c", "write_read")
int32_t pw_i2c_write_read(int32_t bus, int32_t addr, const void* wdata, int32_t wlen, void* rbuf,
                          int32_t rlen);

/* pw_spi: mode PW_SPI_MODE_*, clock in Hz. */
PW_HAL_IMPORT("pw_spi", "configure")
int32_t pw_spi_configure(int32_t bus, int32_t cs, int32_t mode, int32_t hz);
/* Full duplex, chip select asserted throughout; tx NULL sends zeros, rx NULL discards. */
PW_HAL_IMPORT("pw_spi", "transfer")
int32_t pw_spi_transfer(int32_t bus, int32_t cs, const void* tx, void* rx, int32_t len);

/* pw_uart: write returns the count written; read is blocking and returns 1..len bytes as soon as
 * any arrived, PW_HAL_E_TIMEOUT if none did in time. */
PW_HAL_IMPORT("pw_uart", "write")
int32_t pw_uart_write(int32_t port, const void* data, int32_t len);
PW_HAL_IMPORT("pw_uart", "read")
int32_t pw_uart_read(int32_t port, void* buf, int32_t len, int64_t timeout_us);

/* pw_pwm: duty 0..PW_PWM_DUTY_MAX; hz 0 stops the channel. */
PW_HAL_IMPORT("pw_pwm", "set") int32_t pw_pwm_set(int32_t channel, int32_t hz, int32_t duty);
/* pw_adc: a raw sample 0..PW_ADC_MAX, or a status. */
PW_HAL_IMPORT("pw_adc", "read") int32_t pw_adc_read(int32_t channel);

/* pw_time: now_us is monotonic and never negative when granted; without the time grant it
 * returns -1 (a negative value is a status). The sleeps are blocking. */
PW_HAL_IMPORT("pw_time", "now_us") int64_t pw_time_now_us(void);
PW_HAL_IMPORT("pw_time", "sleep_us") int32_t pw_time_sleep_us(int64_t us);
PW_HAL_IMPORT("pw_time", "sleep_until_us") int32_t pw_time_sleep_until_us(int64_t deadline);

/* pw_log: one record per call, level PW_LOG_*; text need not be NUL-terminated. */
PW_HAL_IMPORT("pw_log", "write") int32_t pw_log_write(int32_t level, const char* text, int32_t len);

/* ---- Helpers (header only, no libc) ---------------------------------------------------------- */

/* The app's entry point (defined by the app, exported as "pw_main"): 0 for success. Declared
 * here so a definition with another signature fails to compile. */
int32_t pw_main(void);

/* Defines the app's entry point and exports it: PW_MAIN { ...; return 0; } */
#if defined(__wasm__)
#define PW_MAIN __attribute__((export_name("pw_main"))) int32_t pw_main(void)
#else
#define PW_MAIN int32_t pw_main(void)
#endif

static inline bool pw_hal_failed(int32_t status) {
  return status < 0;
}

/* True when this build's ABI major version matches the board's. */
static inline bool pw_hal_abi_compatible(void) {
  return (pw_hal_abi_version() >> 16) == PW_HAL_ABI_VERSION_MAJOR;
}

/* True only when the query answers "granted"; absence and errors read as false. */
static inline bool pw_hal_granted(int32_t cls, int32_t resource, int32_t access) {
  return pw_hal_query(cls, resource, access) == 1;
}

/* The status's name without the PW_HAL_ prefix ("OK", "E_DENIED", ...); "E_UNKNOWN" for others,
 * "VALUE" for positive results. */
static inline const char* pw_hal_status_name(int32_t status) {
  switch (status) {
    case PW_HAL_OK: return "OK";
    case PW_HAL_E_DENIED: return "E_DENIED";
    case PW_HAL_E_INVALID: return "E_INVALID";
    case PW_HAL_E_NOT_PRESENT: return "E_NOT_PRESENT";
    case PW_HAL_E_NOT_SUPPORTED: return "E_NOT_SUPPORTED";
    case PW_HAL_E_BUSY: return "E_BUSY";
    case PW_HAL_E_TIMEOUT: return "E_TIMEOUT";
    case PW_HAL_E_IO: return "E_IO";
    case PW_HAL_E_NACK: return "E_NACK";
    case PW_HAL_E_RATE_LIMITED: return "E_RATE_LIMITED";
    case PW_HAL_E_REVOKED: return "E_REVOKED";
    default: return status > 0 ? "VALUE" : "E_UNKNOWN";
  }
}

/* strlen without libc (-fno-builtin keeps this loop from becoming a strlen call). */
static inline int32_t pw_hal_strlen(const char* s) {
  int32_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

static inline int32_t pw_log_str(int32_t level, const char* text) {
  return pw_log_write(level, text, pw_hal_strlen(text));
}
static inline int32_t pw_log_error(const char* text) {
  return pw_log_str(PW_LOG_ERROR, text);
}
static inline int32_t pw_log_warn(const char* text) {
  return pw_log_str(PW_LOG_WARN, text);
}
static inline int32_t pw_log_info(const char* text) {
  return pw_log_str(PW_LOG_INFO, text);
}
static inline int32_t pw_log_debug(const char* text) {
  return pw_log_str(PW_LOG_DEBUG, text);
}

static inline int32_t pw_uart_write_str(int32_t port, const char* text) {
  return pw_uart_write(port, text, pw_hal_strlen(text));
}

static inline int32_t pw_gpio_set_high(int32_t pin) {
  return pw_gpio_write(pin, PW_GPIO_HIGH);
}
static inline int32_t pw_gpio_set_low(int32_t pin) {
  return pw_gpio_write(pin, PW_GPIO_LOW);
}

/* Negative durations sleep 0 (a negative value means "no limit" only for timeouts). */
static inline int32_t pw_time_sleep_ms(int32_t ms) {
  return pw_time_sleep_us(ms > 0 ? (int64_t)ms * 1000 : 0);
}
/* Milliseconds since the board started, or a negative status. */
static inline int64_t pw_time_now_ms(void) {
  int64_t us = pw_time_now_us();
  return us < 0 ? us : us / 1000;
}

/* Reads len bytes from register reg of an I2C device (one register-address byte). */
static inline int32_t pw_i2c_read_reg(int32_t bus, int32_t addr, uint8_t reg, void* buf,
                                      int32_t len) {
  return pw_i2c_write_read(bus, addr, &reg, 1, buf, len);
}
/* Writes one byte to register reg of an I2C device. */
static inline int32_t pw_i2c_write_reg(int32_t bus, int32_t addr, uint8_t reg, uint8_t value) {
  uint8_t bytes[2];
  bytes[0] = reg;
  bytes[1] = value;
  return pw_i2c_write(bus, addr, bytes, 2);
}

#ifdef __cplusplus
}
#endif

#endif /* PW_HAL_H */
