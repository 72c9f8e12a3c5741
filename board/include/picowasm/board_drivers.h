/* picowasm board layer: the driver interface (C and C++).
 *
 * In the spirit of Zephyr's device model: each peripheral class is a `const` table of C-callable
 * function pointers (it can live in flash) plus a context pointer the driver owns. A pw_board
 * says which resources exist and which driver serves each class. The HAL layer (board.hpp) checks
 * every guest call against the app's grant first, so a driver only ever sees resources that exist
 * and are granted, and buffers that are checked host memory (pointer + length), never wasm
 * addresses. Every function returns a status below (or a count/value where stated).
 */
#ifndef PICOWASM_BOARD_DRIVERS_H
#define PICOWASM_BOARD_DRIVERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* HAL ABI 1.0 status codes (docs/hal-abi.md). Guarded so the guest SDK's pw_hal.h can share them.
 */
#ifndef PW_HAL_STATUS_CODES
#define PW_HAL_STATUS_CODES
#define PW_HAL_OK 0
#define PW_HAL_E_DENIED (-1)
#define PW_HAL_E_INVALID (-2)
#define PW_HAL_E_NOT_PRESENT (-3)
#define PW_HAL_E_NOT_SUPPORTED (-4)
#define PW_HAL_E_BUSY (-5)
#define PW_HAL_E_TIMEOUT (-6)
#define PW_HAL_E_IO (-7)
#define PW_HAL_E_NACK (-8)
#define PW_HAL_E_RATE_LIMITED (-9)
#define PW_HAL_E_REVOKED (-10)
#endif

/* GPIO. mode: 0 input, 1 input pull-up, 2 input pull-down, 3 push-pull, 4 open-drain.
 * Edges: watch_edge arms detection of `edge` (1 rising, 2 falling, 3 either; 0 disarms) and
 * clears what was latched; edges returns the edges latched since (bit 0 rising, bit 1 falling),
 * or a status. Both may be called from the HAL's poll, never from an interrupt. */
typedef struct pw_gpio_driver {
  int32_t (*configure)(void* ctx, uint32_t pin, int32_t mode);
  int32_t (*write)(void* ctx, uint32_t pin, int32_t level);
  int32_t (*read)(void* ctx, uint32_t pin); /* 0 or 1, or a status */
  int32_t (*toggle)(void* ctx, uint32_t pin);
  int32_t (*watch_edge)(void* ctx, uint32_t pin, int32_t edge);
  int32_t (*edges)(void* ctx, uint32_t pin);
} pw_gpio_driver;

/* I2C, 7-bit addresses; NACK and IO as documented. */
typedef struct pw_i2c_driver {
  int32_t (*write)(void* ctx, uint32_t bus, uint32_t addr, const uint8_t* data, uint32_t len);
  int32_t (*read)(void* ctx, uint32_t bus, uint32_t addr, uint8_t* buf, uint32_t len);
  int32_t (*write_read)(void* ctx, uint32_t bus, uint32_t addr, const uint8_t* wdata, uint32_t wlen,
                        uint8_t* rbuf, uint32_t rlen);
} pw_i2c_driver;

/* SPI. tx NULL sends zeros, rx NULL discards; cs asserted for the whole transfer. */
typedef struct pw_spi_driver {
  int32_t (*configure)(void* ctx, uint32_t bus, uint32_t cs, uint32_t mode, uint32_t hz);
  int32_t (*transfer)(void* ctx, uint32_t bus, uint32_t cs, const uint8_t* tx, uint8_t* rx,
                      uint32_t len);
} pw_spi_driver;

/* UART. write: bytes queued (all, or a status). read: never blocks; the bytes available up to
 * len (0 if none), or a status. */
typedef struct pw_uart_driver {
  int32_t (*write)(void* ctx, uint32_t port, const uint8_t* data, uint32_t len);
  int32_t (*read)(void* ctx, uint32_t port, uint8_t* buf, uint32_t len);
} pw_uart_driver;

/* PWM: hz 0 stops the channel; duty 0..65535 of full scale. */
typedef struct pw_pwm_driver {
  int32_t (*set)(void* ctx, uint32_t channel, uint32_t hz, uint32_t duty);
} pw_pwm_driver;

/* ADC: a raw sample scaled to 12 bits (0..4095), or a status. */
typedef struct pw_adc_driver {
  int32_t (*read)(void* ctx, uint32_t channel);
} pw_adc_driver;

/* Monotonic microseconds since the board started. */
typedef struct pw_clock_driver {
  uint64_t (*now_us)(void* ctx);
} pw_clock_driver;

/* One log record (text is not NUL-terminated); level 0 error .. 3 debug. */
typedef struct pw_log_driver {
  int32_t (*write)(void* ctx, int32_t level, const char* text, uint32_t len);
} pw_log_driver;

/* Optional entropy source (no HAL 1.0 function uses it yet). */
typedef struct pw_entropy_driver {
  int32_t (*fill)(void* ctx, uint8_t* buf, uint32_t len);
} pw_entropy_driver;

/* A board: which resources exist (numbered 0..count-1) and the drivers serving them. A class
 * whose count is 0 or whose driver is NULL is not present. Constant data except the contexts. */
typedef struct pw_board {
  uint32_t gpio_pins; /* <= PICOWASM_HAL_MAX_PINS */
  uint32_t i2c_buses;
  uint32_t spi_buses;
  uint32_t spi_chip_selects; /* per bus, <= 32 */
  uint32_t uart_ports;
  uint32_t pwm_channels; /* <= 32 */
  uint32_t adc_channels; /* <= 32 */
  const pw_gpio_driver* gpio;
  void* gpio_ctx;
  const pw_i2c_driver* i2c;
  void* i2c_ctx;
  const pw_spi_driver* spi;
  void* spi_ctx;
  const pw_uart_driver* uart;
  void* uart_ctx;
  const pw_pwm_driver* pwm;
  void* pwm_ctx;
  const pw_adc_driver* adc;
  void* adc_ctx;
  const pw_clock_driver* clock; /* required for time, rate limits and timeouts */
  void* clock_ctx;
  const pw_log_driver* log;
  void* log_ctx;
  const pw_entropy_driver* entropy;
  void* entropy_ctx;
} pw_board;

#ifdef __cplusplus
}
#endif

#endif /* PICOWASM_BOARD_DRIVERS_H */
