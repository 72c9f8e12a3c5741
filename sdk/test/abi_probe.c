/* abi_probe: calls every import pw_hal.h declares, once, so the sdk.abi test can compare the
 * module's import section with docs/hal-abi.md in both directions (names and signatures). Built,
 * inspected, never run. */
#include "pw_hal.h"

PW_MAIN {
  int32_t sum = 0;
  char buf[4] = {0};
  sum += pw_hal_abi_version();
  sum += pw_hal_query(PW_HAL_CLASS_GPIO, 0, PW_HAL_ACCESS_OUTPUT);
  sum += pw_gpio_configure(0, PW_GPIO_MODE_OUTPUT);
  sum += pw_gpio_write(0, PW_GPIO_HIGH);
  sum += pw_gpio_read(0);
  sum += pw_gpio_toggle(0);
  sum += pw_gpio_wait_edge(0, PW_GPIO_EDGE_BOTH, PW_HAL_TIMEOUT_POLL);
  sum += pw_i2c_write(0, 0x48, buf, 1);
  sum += pw_i2c_read(0, 0x48, buf, 1);
  sum += pw_i2c_write_read(0, 0x48, buf, 1, buf + 1, 2);
  sum += pw_spi_configure(0, 0, PW_SPI_MODE_0, 1000000);
  sum += pw_spi_transfer(0, 0, buf, buf, 4);
  sum += pw_uart_write(0, buf, 4);
  sum += pw_uart_read(0, buf, 4, PW_HAL_TIMEOUT_FOREVER);
  sum += pw_pwm_set(0, 1000, PW_PWM_DUTY_MAX / 2);
  sum += pw_adc_read(0);
  sum += (int32_t)pw_time_now_us();
  sum += pw_time_sleep_us(1);
  sum += pw_time_sleep_until_us(0);
  sum += pw_log_write(PW_LOG_INFO, buf, 4);
  return sum;
}
