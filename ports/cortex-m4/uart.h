// CMSDK APB UART0 of mps2-an386: polled transmit only. Port-internal; use board.h.
#ifndef PICOWASM_PORTS_CORTEX_M4_UART_H
#define PICOWASM_PORTS_CORTEX_M4_UART_H

void uart_init(void);

#endif  // PICOWASM_PORTS_CORTEX_M4_UART_H
