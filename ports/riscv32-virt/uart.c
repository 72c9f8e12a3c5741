// Console on the virt machine's NS16550A UART (QEMU connects it to stdio with -nographic).
#include "board.h"
#include "virt.h"

#define UART_THR REG8(VIRT_UART0_BASE + 0u)  // transmit holding register (DLAB = 0)
#define UART_IER REG8(VIRT_UART0_BASE + 1u)
#define UART_FCR REG8(VIRT_UART0_BASE + 2u)
#define UART_LCR REG8(VIRT_UART0_BASE + 3u)
#define UART_LSR REG8(VIRT_UART0_BASE + 5u)
#define UART_LCR_8N1 0x03u
#define UART_FCR_FIFO_ENABLE 0x01u
#define UART_LSR_THR_EMPTY 0x20u

void uart_init(void) {
  // Polled output: no interrupts; 8 data bits, no parity, one stop bit; FIFOs on. QEMU needs no
  // divisor (it ignores the rate); a real 16550 would also get DLL/DLM for its clock.
  UART_IER = 0;
  UART_LCR = UART_LCR_8N1;
  UART_FCR = UART_FCR_FIFO_ENABLE;
}

void board_putc(char c) {
  while (!(UART_LSR & UART_LSR_THR_EMPTY)) {
  }
  UART_THR = (uint8_t)c;
}
