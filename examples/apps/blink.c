/* blink: toggles a GPIO pin BLINK_TIMES times, BLINK_PERIOD_MS apart, and logs each toggle.
 * Needs: gpio:BLINK_PIN:out, time, log. Exit status 0, or 1 when the pin is unusable and 2 when
 * sleeping fails. */
#include "pw_fmt.h"
#include "pw_hal.h"

#ifndef BLINK_PIN
#define BLINK_PIN 2
#endif
#ifndef BLINK_TIMES
#define BLINK_TIMES 6
#endif
#ifndef BLINK_PERIOD_MS
#define BLINK_PERIOD_MS 500
#endif

static void log_status(const char* what, int32_t status) {
  char line[64];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "blink: ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, " failed: ");
  pw_str_cat(&s, pw_hal_status_name(status));
  pw_log_write(PW_LOG_ERROR, s.buf, s.len);
}

PW_MAIN {
  int32_t status = pw_gpio_configure(BLINK_PIN, PW_GPIO_MODE_OUTPUT);
  if (status != PW_HAL_OK) {
    log_status("configure", status);
    return 1;
  }
  pw_gpio_set_low(BLINK_PIN);
  pw_log_info("blink: start");

  for (int32_t i = 1; i <= BLINK_TIMES; ++i) {
    status = pw_gpio_toggle(BLINK_PIN);
    if (status != PW_HAL_OK) {
      log_status("toggle", status);
      return 1;
    }
    /* An output pin reads back its level: the log shows what the pin really is. */
    int32_t level = pw_gpio_read(BLINK_PIN);
    char line[64];
    pw_str s = pw_str_make(line, sizeof line);
    pw_str_cat(&s, "blink: toggle ");
    pw_str_i32(&s, i);
    pw_str_char(&s, '/');
    pw_str_i32(&s, BLINK_TIMES);
    pw_str_cat(&s, " pin ");
    pw_str_i32(&s, BLINK_PIN);
    pw_str_cat(&s, level == 1 ? " high" : level == 0 ? " low" : " unreadable");
    pw_log_write(PW_LOG_INFO, s.buf, s.len);

    status = pw_time_sleep_ms(BLINK_PERIOD_MS);
    if (status != PW_HAL_OK) {
      log_status("sleep", status);
      return 2;
    }
  }
  pw_log_info("blink: done");
  return 0;
}
