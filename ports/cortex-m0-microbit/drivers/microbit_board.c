/* The microbit board descriptor: which resources exist and the drivers serving them. */
#include "microbit_hal.h"

void microbit_hal_init(microbit_hal* hal) {
  microbit_gpio_init();
  microbit_clock_init(&hal->clock);
  mps2_log_init(&hal->log);
  pw_board* b = &hal->board;
  *b = (pw_board){0}; /* I2C, SPI, PWM, ADC, entropy: not present */
  b->gpio_pins = MICROBIT_GPIO_PINS;
  b->uart_ports = MICROBIT_UART_PORTS;
  b->gpio = &microbit_gpio_driver;
  b->uart = &microbit_uart_driver;
  b->clock = &microbit_clock_driver;
  b->clock_ctx = &hal->clock;
  b->log = &mps2_log_driver;
  b->log_ctx = &hal->log;
}
