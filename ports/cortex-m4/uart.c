// Console on CMSDK APB UART0 (QEMU connects it to stdio with -nographic); board_printf is shared
// (ports/common/board_printf.c).
#include "uart.h"

#include <stdint.h>

#include "board.h"

#define UART0_BASE MPS2_UART0_BASE
#define UART_DATA (*(volatile uint32_t*)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t*)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t*)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t*)(UART0_BASE + 0x10u))
#define UART_STATE_TX_FULL 0x1u
#define UART_CTRL_TX_ENABLE 0x1u

#define SYSCLK_HZ MPS2_SYSCLK_HZ
#define BAUD_RATE 115200u

void uart_init(void) {
  // QEMU ignores the rate, but rejects a divisor below 16; real hardware needs the right one.
  UART_BAUDDIV = SYSCLK_HZ / BAUD_RATE;
  UART_CTRL = UART_CTRL_TX_ENABLE;
}

void board_putc(char c) {
  while (UART_STATE & UART_STATE_TX_FULL) {
  }
  UART_DATA = (uint8_t)c;
}
