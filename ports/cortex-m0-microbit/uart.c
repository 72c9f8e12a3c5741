// Console on the nRF51 UART0 (QEMU connects it to stdio with -nographic); board_printf is shared
// (ports/common/board_printf.c). Polled: write TXD, wait for the TXDRDY event, clear it.
#include <stdint.h>

#include "board.h"
#include "nrf51.h"

void uart_init(void) {
  // Pins and rate matter on silicon only (QEMU ignores them); QEMU drops every access while the
  // UART is not enabled, and every TXD write before STARTTX.
  NRF51_UART_PSELTXD = MICROBIT_UART_TX_PIN;
  NRF51_UART_PSELRXD = MICROBIT_UART_RX_PIN;
  NRF51_UART_BAUDRATE = NRF51_UART_BAUD_115200;
  NRF51_UART_ENABLE = NRF51_UART_ENABLE_ON;
  NRF51_UART_TXDRDY = 0;
  NRF51_UART_STARTTX = 1;
  NRF51_UART_STARTRX = 1;
}

void board_putc(char c) {
  NRF51_UART_TXD = (uint8_t)c;
  while (NRF51_UART_TXDRDY == 0) {
  }
  NRF51_UART_TXDRDY = 0;
}
