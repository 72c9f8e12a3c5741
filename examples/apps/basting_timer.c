/* basting_timer: counts BASTE_SECONDS down on UART 0, one line a second (sleeping until each
 * whole second, so the count does not drift), then turns an LED on: time to baste.
 * Needs uart:0:w, time, gpio:BASTE_LED_PIN:out. Exit status 0, 1 when a grant is missing. */
#include "pw_fmt.h"
#include "pw_hal.h"

#ifndef BASTE_SECONDS
#define BASTE_SECONDS 5
#endif
#ifndef BASTE_LED_PIN
#define BASTE_LED_PIN 2
#endif
#define BASTE_UART 0

static void say_status(const char* what, int32_t status) {
  char line[64];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "basting: ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, " failed: ");
  pw_str_cat(&s, pw_hal_status_name(status));
  pw_log_write(PW_LOG_ERROR, s.buf, s.len);
}

PW_MAIN {
  int32_t status = pw_gpio_configure(BASTE_LED_PIN, PW_GPIO_MODE_OUTPUT);
  if (status != PW_HAL_OK) {
    say_status("led configure", status);
    return 1;
  }
  pw_gpio_set_low(BASTE_LED_PIN);
  int64_t start = pw_time_now_us();
  if (start < 0) {
    say_status("clock", (int32_t)start);
    return 1;
  }

  for (int32_t left = BASTE_SECONDS; left > 0; --left) {
    char line[48];
    pw_str s = pw_str_make(line, sizeof line);
    pw_str_cat(&s, "basting: ");
    pw_str_i32(&s, left);
    pw_str_cat(&s, " s left\n");
    status = pw_uart_write(BASTE_UART, s.buf, s.len);
    if (status < 0) {
      say_status("uart write", status);
      return 1;
    }
    int64_t deadline = start + (int64_t)(BASTE_SECONDS - left + 1) * 1000000;
    status = pw_time_sleep_until_us(deadline);
    if (status != PW_HAL_OK) {
      say_status("sleep", status);
      return 1;
    }
  }
  pw_gpio_set_high(BASTE_LED_PIN);
  pw_uart_write_str(BASTE_UART, "basting: done, LED on\n");
  return 0;
}
