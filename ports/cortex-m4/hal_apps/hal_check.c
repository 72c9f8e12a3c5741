/* hal_check: every HAL ABI 1.0 function on the mps2-an386 board, with what the board's hardware
 * (QEMU's device models) must answer. Run by hal-apps-m4 with its grant (hal_apps_m4.cpp):
 * gpio:0-2:out gpio:10:in i2c:0:0x48,0x49 spi:0:0@10000000 uart:0:w pwm:0 adc:0 time log, and
 * QEMU started with a tmp105 at 0x48 on I2C bus 0 reading 25.0 C and an m25p80 flash on SPI
 * bus 0 (run_hal_apps.sh). Logs one line per class, "FAIL ..." for each wrong answer; the exit
 * status is the number of failures. */
#include "pw_fmt.h"
#include "pw_hal.h"

static int32_t g_failures;

static void fail(const char* what, int32_t got, int32_t want) {
  char line[96];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "hal_check: FAIL ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, ": got ");
  pw_str_i32(&s, got);
  pw_str_cat(&s, ", want ");
  pw_str_i32(&s, want);
  pw_log_write(PW_LOG_ERROR, s.buf, s.len);
  ++g_failures;
}

static void expect(const char* what, int32_t got, int32_t want) {
  if (got != want) fail(what, got, want);
}

static void passed(const char* what, int32_t failures_before) {
  char line[64];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "hal_check: ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, g_failures == failures_before ? " ok" : " FAILED");
  pw_log_write(PW_LOG_INFO, s.buf, s.len);
}

static void check_hal(void) {
  int32_t before = g_failures;
  expect("abi_version", pw_hal_abi_version(), 0x00010000);
  expect("query pin 2 out", pw_hal_query(PW_HAL_CLASS_GPIO, 2, PW_HAL_ACCESS_OUTPUT), 1);
  expect("query pin 3 out", pw_hal_query(PW_HAL_CLASS_GPIO, 3, PW_HAL_ACCESS_OUTPUT), 0);
  expect("query pin 20", pw_hal_query(PW_HAL_CLASS_GPIO, 20, PW_HAL_ACCESS_INPUT),
         PW_HAL_E_NOT_PRESENT);
  expect("query i2c 0:0x48", pw_hal_query(PW_HAL_CLASS_I2C, 0, 0x48), 1);
  expect("query pwm 0", pw_hal_query(PW_HAL_CLASS_PWM, 0, 0), PW_HAL_E_NOT_PRESENT);
  expect("query adc 0", pw_hal_query(PW_HAL_CLASS_ADC, 0, 0), PW_HAL_E_NOT_PRESENT);
  passed("pw_hal", before);
}

/* Pins 0-1: FPGAIO LEDs, 2-9: SCC LEDs, 10-11: buttons, 12-19: switches (mps2_hal.h). */
static void check_gpio(void) {
  int32_t before = g_failures;
  expect("configure 2 out", pw_gpio_configure(2, PW_GPIO_MODE_OUTPUT), PW_HAL_OK);
  expect("write 2 high", pw_gpio_write(2, PW_GPIO_HIGH), PW_HAL_OK);
  expect("read 2", pw_gpio_read(2), 1);
  expect("toggle 2", pw_gpio_toggle(2), PW_HAL_OK);
  expect("read 2 toggled", pw_gpio_read(2), 0);
  expect("configure 0 out", pw_gpio_configure(0, PW_GPIO_MODE_OUTPUT), PW_HAL_OK);
  expect("write 0 high", pw_gpio_write(0, PW_GPIO_HIGH), PW_HAL_OK);
  expect("read 0", pw_gpio_read(0), 1);
  expect("read 2 after 0", pw_gpio_read(2), 0); /* another register: untouched */
  expect("write 0 low", pw_gpio_write(0, PW_GPIO_LOW), PW_HAL_OK);
  expect("read 0 low", pw_gpio_read(0), 0);
  expect("configure 1 open drain", pw_gpio_configure(1, PW_GPIO_MODE_OUTPUT_OPEN_DRAIN),
         PW_HAL_E_NOT_SUPPORTED);
  expect("configure 10 pull-up", pw_gpio_configure(10, PW_GPIO_MODE_INPUT_PULLUP),
         PW_HAL_E_NOT_SUPPORTED);
  expect("configure 10 in", pw_gpio_configure(10, PW_GPIO_MODE_INPUT), PW_HAL_OK);
  expect("read 10 (button released)", pw_gpio_read(10), 0);
  expect("write 10 (input grant)", pw_gpio_write(10, PW_GPIO_HIGH), PW_HAL_E_DENIED);
  expect("write 1 (not configured)", pw_gpio_write(1, PW_GPIO_HIGH), PW_HAL_E_INVALID);
  expect("configure 3 (not granted)", pw_gpio_configure(3, PW_GPIO_MODE_OUTPUT), PW_HAL_E_DENIED);
  expect("configure 25 (no such pin)", pw_gpio_configure(25, PW_GPIO_MODE_OUTPUT),
         PW_HAL_E_NOT_PRESENT);
  /* Nobody presses the button: the wait yields, the firmware sleeps, the timeout ends it. */
  int64_t t0 = pw_time_now_us();
  expect("wait_edge 10", pw_gpio_wait_edge(10, PW_GPIO_EDGE_RISING, 20000), PW_HAL_E_TIMEOUT);
  expect("wait_edge waited 20 ms", pw_time_now_us() - t0 >= 20000, 1);
  expect("wait_edge 10 poll", pw_gpio_wait_edge(10, PW_GPIO_EDGE_BOTH, 0), PW_HAL_E_TIMEOUT);
  passed("pw_gpio", before);
}

/* TMP105 (TI datasheet): register 0 temperature, 12 bits left-aligned, 1/16 C per LSB, so
 * 25.0 C reads 0x19 0x00; register 1 configuration, readable back. */
static void check_i2c(void) {
  int32_t before = g_failures;
  uint8_t reg = 0, raw[2] = {0xAA, 0xAA};
  expect("write_read 0x48 temp", pw_i2c_write_read(0, 0x48, &reg, 1, raw, 2), PW_HAL_OK);
  expect("temp msb", raw[0], 0x19);
  expect("temp lsb", raw[1], 0x00);
  uint8_t config[2] = {1, 0x60}; /* R1 R0 = 11: 12-bit resolution */
  expect("write 0x48 config", pw_i2c_write(0, 0x48, config, 2), PW_HAL_OK);
  uint8_t back = 0;
  reg = 1;
  expect("write_read 0x48 config", pw_i2c_write_read(0, 0x48, &reg, 1, &back, 1), PW_HAL_OK);
  expect("config read back", back, 0x60);
  reg = 0;
  expect("write 0x48 pointer", pw_i2c_write(0, 0x48, &reg, 1), PW_HAL_OK);
  raw[0] = raw[1] = 0xAA;
  expect("read 0x48 temp", pw_i2c_read(0, 0x48, raw, 2), PW_HAL_OK);
  expect("read temp msb", raw[0], 0x19);
  expect("read temp lsb", raw[1], 0x00);
  expect("write 0x49 (absent)", pw_i2c_write(0, 0x49, &reg, 1), PW_HAL_E_NACK);
  expect("read 0x49 (absent)", pw_i2c_read(0, 0x49, raw, 1), PW_HAL_E_NACK);
  expect("write 0x50 (not granted)", pw_i2c_write(0, 0x50, &reg, 1), PW_HAL_E_DENIED);
  expect("bus 1 (not granted)", pw_i2c_write(1, 0x48, &reg, 1), PW_HAL_E_DENIED);
  expect("bus 4 (no such bus)", pw_i2c_write(4, 0x48, &reg, 1), PW_HAL_E_NOT_PRESENT);
  passed("pw_i2c", before);
}

/* M25P80 (Micron datasheet): READ IDENTIFICATION 0x9F answers 0x20 0x20 0x14. QEMU's model
 * sends 6 ID bytes (3 + zero padding) and, without a chip select, only returns to command state
 * after all of them, so the command is always clocked out in full (9F + 6 bytes). */
static void check_spi(void) {
  int32_t before = g_failures;
  /* Mode 3 at 1 MHz; the firmware reads the PL022's registers back afterwards (the model does not
   * care about the clock or mode, the registers do). */
  expect("configure mode 3 1 MHz", pw_spi_configure(0, 0, PW_SPI_MODE_3, 1000000), PW_HAL_OK);
  expect("configure 200 Hz", pw_spi_configure(0, 0, PW_SPI_MODE_0, 200), PW_HAL_E_NOT_SUPPORTED);
  expect("configure 20 MHz (over grant)", pw_spi_configure(0, 0, PW_SPI_MODE_0, 20000000),
         PW_HAL_E_DENIED);
  expect("configure cs 1", pw_spi_configure(0, 1, PW_SPI_MODE_0, 1000000), PW_HAL_E_NOT_PRESENT);
  for (int32_t round = 0; round < 2; ++round) {
    uint8_t tx[7] = {0x9F, 0, 0, 0, 0, 0, 0}, rx[7] = {0};
    expect("transfer jedec", pw_spi_transfer(0, 0, tx, rx, 7), PW_HAL_OK);
    expect("jedec manufacturer", rx[1], 0x20);
    expect("jedec type", rx[2], 0x20);
    expect("jedec capacity", rx[3], 0x14);
  }
  uint8_t b = 0;
  expect("bus 1 (not granted)", pw_spi_transfer(1, 0, &b, &b, 1), PW_HAL_E_DENIED);
  expect("bus 5 (no such bus)", pw_spi_transfer(5, 0, &b, &b, 1), PW_HAL_E_NOT_PRESENT);
  passed("pw_spi", before);
}

static void check_uart(void) {
  int32_t before = g_failures;
  static const char kText[] = "hal_check: uart 0 write\n";
  expect("write 0", pw_uart_write(0, kText, sizeof kText - 1), (int32_t)sizeof kText - 1);
  char buf[4];
  expect("read 0 (write-only grant)", pw_uart_read(0, buf, sizeof buf, 0), PW_HAL_E_DENIED);
  expect("write 1 (not granted)", pw_uart_write(1, kText, 1), PW_HAL_E_DENIED);
  expect("write 5 (no such port)", pw_uart_write(5, kText, 1), PW_HAL_E_NOT_PRESENT);
  passed("pw_uart", before);
}

static void check_time(void) {
  int32_t before = g_failures;
  int64_t t0 = pw_time_now_us();
  int64_t t1 = pw_time_now_us();
  expect("now_us non-negative", t0 >= 0, 1);
  expect("now_us monotonic", t1 >= t0, 1);
  expect("sleep_us 1000", pw_time_sleep_us(1000), PW_HAL_OK);
  int64_t t2 = pw_time_now_us();
  expect("slept 1000 us", t2 - t1 >= 1000, 1);
  expect("sleep_until +500", pw_time_sleep_until_us(t2 + 500), PW_HAL_OK);
  expect("slept until", pw_time_now_us() >= t2 + 500, 1);
  expect("sleep_until past", pw_time_sleep_until_us(0), PW_HAL_OK);
  expect("sleep_us -1", pw_time_sleep_us(-1), PW_HAL_E_INVALID);
  passed("pw_time", before);
}

static void check_pwm_adc_log(void) {
  int32_t before = g_failures;
  expect("pwm set 0", pw_pwm_set(0, 1000, 32768), PW_HAL_E_NOT_PRESENT);
  expect("adc read 0", pw_adc_read(0), PW_HAL_E_NOT_PRESENT);
  expect("log level 4", pw_log_write(4, "x", 1), PW_HAL_E_INVALID);
  expect("log debug", pw_log_debug("hal_check: a debug record"), PW_HAL_OK);
  passed("pw_pwm pw_adc pw_log", before);
}

PW_MAIN {
  check_hal();
  check_gpio();
  check_i2c();
  check_spi();
  check_uart();
  check_time();
  check_pwm_adc_log();
  return g_failures;
}
