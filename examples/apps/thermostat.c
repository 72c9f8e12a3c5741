/* thermostat: reads a TMP102/TMP105-style sensor (I2C bus 0, address 0x48, temperature register
 * 0: 12 bits left-aligned in two bytes, 0.0625 C per LSB) once a second and switches a heater
 * relay on a GPIO pin with hysteresis around a set point; reports each sample on UART 0.
 *
 * Needs i2c:0:0x48 and time; degrades without the rest (asked with pw_hal_query): no relay grant
 * -> monitor only, no UART write grant -> reports go to the log. Exit status 0 after
 * THERMO_SAMPLES samples, 1 without the sensor, 2 after THERMO_MAX_ERRORS failed reads in a row. */
#include "pw_fmt.h"
#include "pw_hal.h"

#ifndef THERMO_RELAY_PIN
#define THERMO_RELAY_PIN 5
#endif
#ifndef THERMO_SAMPLES
#define THERMO_SAMPLES 10
#endif
#define THERMO_I2C_BUS 0
#define THERMO_I2C_ADDR 0x48
#define THERMO_UART 0
#define THERMO_PERIOD_MS 1000
#define THERMO_MAX_ERRORS 3
/* Temperatures in sensor units (1/16 C): set point 22.0 C, switching 0.5 C either side. */
#define THERMO_SET_POINT (22 * 16)
#define THERMO_HYSTERESIS 8

static bool g_uart_ok;

/* One line to UART 0, or to the log when UART output is not granted. */
static void report(pw_str* s, int32_t level) {
  if (g_uart_ok) {
    pw_str_char(s, '\n');
    pw_uart_write(THERMO_UART, s->buf, s->len);
  } else {
    pw_log_write(level, s->buf, s->len);
  }
}

static void report_text(const char* text, int32_t level) {
  char line[80];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, text);
  report(&s, level);
}

/* Sixteenths of a degree as exact decimal ("-1.0625"). */
static void str_temp(pw_str* s, int32_t sixteenths) {
  int32_t magnitude = sixteenths < 0 ? -sixteenths : sixteenths;
  if (sixteenths < 0) pw_str_char(s, '-');
  pw_str_i32(s, magnitude / 16);
  pw_str_char(s, '.');
  pw_str_i64_pad(s, (magnitude % 16) * 625, 4);
}

/* Temperature in 1/16 C, or a negative status in *status. */
static int32_t read_sensor(int32_t* status) {
  uint8_t raw[2];
  *status = pw_i2c_read_reg(THERMO_I2C_BUS, THERMO_I2C_ADDR, 0, raw, 2);
  if (*status < 0) return 0;
  int32_t value = ((int32_t)raw[0] << 4) | (raw[1] >> 4);
  if (value & 0x800) value -= 0x1000; /* 12-bit two's complement */
  return value;
}

PW_MAIN {
  g_uart_ok = pw_hal_granted(PW_HAL_CLASS_UART, THERMO_UART, PW_HAL_ACCESS_WRITE);
  if (!pw_hal_granted(PW_HAL_CLASS_I2C, THERMO_I2C_BUS, THERMO_I2C_ADDR)) {
    report_text("thermostat: sensor i2c 0:0x48 not granted, stopping", PW_LOG_ERROR);
    return 1;
  }
  bool relay_ok = pw_hal_granted(PW_HAL_CLASS_GPIO, THERMO_RELAY_PIN, PW_HAL_ACCESS_OUTPUT) &&
                  pw_gpio_configure(THERMO_RELAY_PIN, PW_GPIO_MODE_OUTPUT) == PW_HAL_OK;
  if (relay_ok) {
    pw_gpio_set_low(THERMO_RELAY_PIN);
    report_text("thermostat: start, set point 22.0 C +/- 0.5 C", PW_LOG_INFO);
  } else {
    report_text("thermostat: relay pin not granted, monitoring only", PW_LOG_WARN);
  }

  bool heating = false;
  int32_t errors = 0;
  for (int32_t i = 1; i <= THERMO_SAMPLES; ++i) {
    int32_t status;
    int32_t temp = read_sensor(&status);
    char line[96];
    pw_str s = pw_str_make(line, sizeof line);
    pw_str_cat(&s, "thermostat: sample ");
    pw_str_i32(&s, i);
    if (status < 0) {
      /* Fail safe: without a reading the heater goes off. */
      heating = false;
      if (relay_ok) pw_gpio_set_low(THERMO_RELAY_PIN);
      pw_str_cat(&s, " sensor error ");
      pw_str_cat(&s, pw_hal_status_name(status));
      report(&s, PW_LOG_ERROR);
      if (++errors >= THERMO_MAX_ERRORS) {
        report_text("thermostat: sensor keeps failing, stopping", PW_LOG_ERROR);
        return 2;
      }
    } else {
      errors = 0;
      bool was_heating = heating;
      if (temp < THERMO_SET_POINT - THERMO_HYSTERESIS) heating = true;
      if (temp > THERMO_SET_POINT + THERMO_HYSTERESIS) heating = false;
      /* Switch only on a change: a relay's contacts wear with every switching. */
      if (relay_ok && heating != was_heating)
        pw_gpio_write(THERMO_RELAY_PIN, heating ? PW_GPIO_HIGH : PW_GPIO_LOW);
      pw_str_cat(&s, " t=");
      str_temp(&s, temp);
      pw_str_cat(&s, " C relay=");
      pw_str_cat(&s, !relay_ok ? "n/a" : heating ? "on" : "off");
      report(&s, PW_LOG_INFO);
    }
    if (pw_time_sleep_ms(THERMO_PERIOD_MS) != PW_HAL_OK) {
      report_text("thermostat: cannot sleep (time not granted?), stopping", PW_LOG_ERROR);
      return 2;
    }
  }
  if (relay_ok) pw_gpio_set_low(THERMO_RELAY_PIN);
  report_text("thermostat: done", PW_LOG_INFO);
  return 0;
}
