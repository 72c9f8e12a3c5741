/* The mps2-an386 board descriptor: which resources exist and the drivers serving them. */
#include "mps2_hal.h"

void mps2_hal_init(mps2_hal* hal) {
  mps2_uart_init();
  mps2_clock_init(&hal->clock);
  mps2_gpio_init(&hal->gpio);
  mps2_i2c_init(&hal->i2c);
  mps2_spi_init(&hal->spi);
  mps2_log_init(&hal->log);
  pw_board* b = &hal->board;
  b->gpio_pins = MPS2_GPIO_PINS;
  b->i2c_buses = MPS2_I2C_BUSES;
  b->spi_buses = MPS2_SPI_BUSES;
  b->spi_chip_selects = 1;
  b->uart_ports = MPS2_UART_PORTS;
  b->pwm_channels = 0; /* no PWM and no ADC on this board: those classes are not present */
  b->adc_channels = 0;
  b->gpio = &mps2_gpio_driver;
  b->gpio_ctx = &hal->gpio;
  b->i2c = &mps2_i2c_driver;
  b->i2c_ctx = &hal->i2c;
  b->spi = &mps2_spi_driver;
  b->spi_ctx = &hal->spi;
  b->uart = &mps2_uart_driver;
  b->uart_ctx = 0;
  b->pwm = 0;
  b->pwm_ctx = 0;
  b->adc = 0;
  b->adc_ctx = 0;
  b->clock = &mps2_clock_driver;
  b->clock_ctx = &hal->clock;
  b->log = &mps2_log_driver;
  b->log_ctx = &hal->log;
  b->entropy = 0;
  b->entropy_ctx = 0;
}
