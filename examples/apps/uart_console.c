/* uart_console: a line console on UART 0. Reads lines (ended by CR or LF, no echo) with a
 * timeout and answers: help, led on, led off, temp, uptime, version, quit. Ends after quit, or
 * after CONSOLE_IDLE_LIMIT timeouts in a row without input.
 *
 * Needs uart:0 and time; `led` needs gpio:CONSOLE_LED_PIN:out and `temp` i2c:0:0x48, each checked
 * with pw_hal_query so a missing grant gives an answer rather than an error. */
#include "pw_fmt.h"
#include "pw_hal.h"

#ifndef CONSOLE_LED_PIN
#define CONSOLE_LED_PIN 2
#endif
#define CONSOLE_UART 0
#define CONSOLE_TIMEOUT_US ((int64_t)5 * 1000 * 1000)
#define CONSOLE_IDLE_LIMIT 3
#define CONSOLE_LINE_MAX 64

static void say(const char* text) {
  pw_uart_write_str(CONSOLE_UART, text);
}

static void say_str(pw_str* s) {
  pw_str_char(s, '\n');
  pw_uart_write(CONSOLE_UART, s->buf, s->len);
}

static void cmd_led(bool on) {
  if (!pw_hal_granted(PW_HAL_CLASS_GPIO, CONSOLE_LED_PIN, PW_HAL_ACCESS_OUTPUT)) {
    say("led: pin not granted\n");
    return;
  }
  int32_t status = pw_gpio_configure(CONSOLE_LED_PIN, PW_GPIO_MODE_OUTPUT);
  if (status == PW_HAL_OK) status = pw_gpio_write(CONSOLE_LED_PIN, on ? PW_GPIO_HIGH : PW_GPIO_LOW);
  char line[48];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "led: ");
  pw_str_cat(&s, status == PW_HAL_OK ? (on ? "on" : "off") : pw_hal_status_name(status));
  say_str(&s);
}

static void cmd_temp(void) {
  if (!pw_hal_granted(PW_HAL_CLASS_I2C, 0, 0x48)) {
    say("temp: sensor not granted\n");
    return;
  }
  uint8_t raw[2];
  int32_t status = pw_i2c_read_reg(0, 0x48, 0, raw, 2);
  char line[48];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "temp: ");
  if (status < 0) {
    pw_str_cat(&s, pw_hal_status_name(status));
  } else {
    int32_t value = ((int32_t)raw[0] << 4) | (raw[1] >> 4);
    if (value & 0x800) value -= 0x1000;
    int32_t magnitude = value < 0 ? -value : value;
    if (value < 0) pw_str_char(&s, '-');
    pw_str_i32(&s, magnitude / 16);
    pw_str_char(&s, '.');
    pw_str_i64_pad(&s, (magnitude % 16) * 625, 4);
    pw_str_cat(&s, " C");
  }
  say_str(&s);
}

static void cmd_uptime(void) {
  char line[48];
  pw_str s = pw_str_make(line, sizeof line);
  int64_t ms = pw_time_now_ms();
  pw_str_cat(&s, "uptime: ");
  if (ms < 0) {
    pw_str_cat(&s, pw_hal_status_name((int32_t)ms));
  } else {
    pw_str_i64(&s, ms);
    pw_str_cat(&s, " ms");
  }
  say_str(&s);
}

static void cmd_version(void) {
  int32_t v = pw_hal_abi_version();
  char line[48];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "version: HAL ABI ");
  pw_str_i32(&s, v >> 16);
  pw_str_char(&s, '.');
  pw_str_i32(&s, v & 0xFFFF);
  say_str(&s);
}

/* Runs one command line; false when the console should end. */
static bool run_command(const char* line, int32_t len) {
  while (len > 0 && line[len - 1] == ' ') --len; /* trailing blanks */
  while (len > 0 && line[0] == ' ') ++line, --len;
  if (len == 0) return true;
  if (pw_mem_equals(line, len, "help")) {
    say("commands: help, led on, led off, temp, uptime, version, quit\n");
  } else if (pw_mem_equals(line, len, "led on")) {
    cmd_led(true);
  } else if (pw_mem_equals(line, len, "led off")) {
    cmd_led(false);
  } else if (pw_mem_equals(line, len, "temp")) {
    cmd_temp();
  } else if (pw_mem_equals(line, len, "uptime")) {
    cmd_uptime();
  } else if (pw_mem_equals(line, len, "version")) {
    cmd_version();
  } else if (pw_mem_equals(line, len, "quit")) {
    say("bye\n");
    return false;
  } else {
    char text[CONSOLE_LINE_MAX + 32];
    pw_str s = pw_str_make(text, sizeof text);
    pw_str_cat(&s, "unknown command: ");
    pw_str_mem(&s, line, len);
    say_str(&s);
  }
  return true;
}

PW_MAIN {
  /* Two questions: the ABI defines UART access 1 (read) and 2 (write), not 3 for both. */
  if (!pw_hal_granted(PW_HAL_CLASS_UART, CONSOLE_UART, PW_HAL_ACCESS_READ) ||
      !pw_hal_granted(PW_HAL_CLASS_UART, CONSOLE_UART, PW_HAL_ACCESS_WRITE)) {
    pw_log_error("uart_console: uart 0 read+write not granted");
    return 1;
  }
  say("picowasm console, type help\n> ");

  char line[CONSOLE_LINE_MAX];
  int32_t len = 0;
  bool overflow = false;
  int32_t idle = 0;
  char previous = 0;
  for (;;) {
    char chunk[16];
    int32_t got = pw_uart_read(CONSOLE_UART, chunk, sizeof chunk, CONSOLE_TIMEOUT_US);
    if (got == PW_HAL_E_TIMEOUT) {
      if (++idle >= CONSOLE_IDLE_LIMIT) {
        say("\nidle, bye\n");
        return 0;
      }
      continue;
    }
    if (got < 0) {
      char text[48];
      pw_str s = pw_str_make(text, sizeof text);
      pw_str_cat(&s, "uart_console: uart read failed: ");
      pw_str_cat(&s, pw_hal_status_name(got));
      pw_log_write(PW_LOG_ERROR, s.buf, s.len);
      return 2;
    }
    idle = 0;
    for (int32_t i = 0; i < got; ++i) {
      char c = chunk[i];
      bool crlf = previous == '\r' && c == '\n';
      previous = c;
      if (crlf) continue; /* CR LF ends one line, not two */
      if (c == '\r' || c == '\n') {
        bool go_on = true;
        if (overflow) {
          say("error: line too long\n");
        } else {
          go_on = run_command(line, len);
        }
        if (!go_on) return 0;
        len = 0;
        overflow = false;
        say("> ");
      } else if (len < CONSOLE_LINE_MAX) {
        line[len++] = c;
      } else {
        overflow = true;
      }
    }
  }
}
