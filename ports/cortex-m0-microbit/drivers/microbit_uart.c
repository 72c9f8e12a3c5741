/* UART on the nRF51: UART0, the console, polled. board_init() (uart.c) has enabled it and started
 * transmit and receive. Reads never wait: they take what has arrived (RXDRDY says a byte waits). */
#include "board.h"
#include "microbit_hal.h"
#include "nrf51.h"

static int32_t uart_write(void* ctx, uint32_t port, const uint8_t* data, uint32_t len) {
  (void)ctx;
  if (port >= MICROBIT_UART_PORTS) return PW_HAL_E_NOT_PRESENT;
  for (uint32_t i = 0; i < len; ++i) board_putc((char)data[i]);
  return (int32_t)len;
}

static int32_t uart_read(void* ctx, uint32_t port, uint8_t* buf, uint32_t len) {
  (void)ctx;
  if (port >= MICROBIT_UART_PORTS) return PW_HAL_E_NOT_PRESENT;
  uint32_t n = 0;
  while (n < len && NRF51_UART_RXDRDY != 0) {
    NRF51_UART_RXDRDY = 0; /* cleared before the read: QEMU raises it again if more bytes wait */
    buf[n++] = (uint8_t)NRF51_UART_RXD;
  }
  return (int32_t)n;
}

const pw_uart_driver microbit_uart_driver = {uart_write, uart_read};
