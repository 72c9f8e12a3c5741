/* bad_pin: misbehaves politely. Uses a pin it was not granted (BAD_PIN), expects
 * PW_HAL_E_DENIED, logs it and carries on with its granted pin (GOOD_PIN).
 * Grant: gpio:GOOD_PIN:out, log; NOT gpio:BAD_PIN. Exit status 0 when every use of the bad pin
 * was refused with DENIED, 1 when one was not. (With the board's trap-on-denial policy the app
 * traps at the first denied call instead.) */
#include "pw_fmt.h"
#include "pw_hal.h"

#ifndef BAD_PIN
#define BAD_PIN 13
#endif
#ifndef GOOD_PIN
#define GOOD_PIN 2
#endif

/* Logs "bad_pin: <what> pin <pin> -> <status>"; true when the status is DENIED. */
static bool expect_denied(const char* what, int32_t pin, int32_t status) {
  char line[80];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "bad_pin: ");
  pw_str_cat(&s, what);
  pw_str_cat(&s, " pin ");
  pw_str_i32(&s, pin);
  pw_str_cat(&s, " -> ");
  pw_str_cat(&s, pw_hal_status_name(status));
  bool denied = status == PW_HAL_E_DENIED;
  pw_str_cat(&s, denied ? " (handled)" : " (expected E_DENIED)");
  pw_log_write(denied ? PW_LOG_WARN : PW_LOG_ERROR, s.buf, s.len);
  return denied;
}

PW_MAIN {
  /* The polite way: ask first. query answers 0 for "not granted" (never DENIED itself). */
  int32_t granted = pw_hal_query(PW_HAL_CLASS_GPIO, BAD_PIN, PW_HAL_ACCESS_OUTPUT);
  char line[64];
  pw_str s = pw_str_make(line, sizeof line);
  pw_str_cat(&s, "bad_pin: query pin ");
  pw_str_i32(&s, BAD_PIN);
  pw_str_cat(&s, granted == 1 ? " -> granted" : granted == 0 ? " -> not granted" : " -> ");
  if (granted < 0) pw_str_cat(&s, pw_hal_status_name(granted));
  pw_log_write(PW_LOG_INFO, s.buf, s.len);

  /* The rude way: use it anyway. Every call must be refused before reaching a driver. */
  bool all_denied = true;
  all_denied &=
      expect_denied("configure", BAD_PIN, pw_gpio_configure(BAD_PIN, PW_GPIO_MODE_OUTPUT));
  all_denied &= expect_denied("write", BAD_PIN, pw_gpio_write(BAD_PIN, PW_GPIO_HIGH));
  all_denied &= expect_denied("toggle", BAD_PIN, pw_gpio_toggle(BAD_PIN));

  /* The app goes on with what it was given. */
  int32_t status = pw_gpio_configure(GOOD_PIN, PW_GPIO_MODE_OUTPUT);
  if (status == PW_HAL_OK) status = pw_gpio_set_high(GOOD_PIN);
  pw_str_clear(&s);
  pw_str_cat(&s, "bad_pin: granted pin ");
  pw_str_i32(&s, GOOD_PIN);
  pw_str_cat(&s, " high -> ");
  pw_str_cat(&s, pw_hal_status_name(status));
  pw_log_write(PW_LOG_INFO, s.buf, s.len);

  pw_log_info(all_denied ? "bad_pin: done, all denials handled" : "bad_pin: done, NOT denied");
  return all_denied ? 0 : 1;
}
