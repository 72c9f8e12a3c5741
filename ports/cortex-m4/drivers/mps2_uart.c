/* UART on mps2-an386: the CMSDK APB UARTs, polled. Writes wait for room in the one-byte transmit
 * buffer; reads never wait: they take what has arrived (the receive buffer holds one byte, so a
 * byte arriving before the previous one was taken is an overrun, reported as IO). Receive
 * interrupts are enabled in the UART only so that mps2_idle() can wake on data; the NVIC line
 * stays disabled outside mps2_idle(). */
#include "mps2_hal.h"
#include "mps2_regs.h"

#define UART_DATA 0x00u
#define UART_STATE 0x04u
#define UART_CTRL 0x08u
#define UART_INTCLEAR 0x0Cu
#define UART_BAUDDIV 0x10u
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define STATE_RX_OVERRUN 0x8u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u
#define CTRL_RX_IRQ_EN 0x8u
#define BAUD_RATE 115200u

static const uint32_t kBase[MPS2_UART_PORTS] = {0x40004000u, 0x40005000u, 0x40006000u, 0x40007000u,
                                                0x40009000u};

uint32_t mps2_uart_base(uint32_t port) {
  return kBase[port];
}

bool mps2_uart_rx_ready(uint32_t port) {
  return (MPS2_REG(kBase[port] + UART_STATE) & STATE_RX_FULL) != 0;
}

static int32_t uart_write(void* ctx, uint32_t port, const uint8_t* data, uint32_t len) {
  (void)ctx;
  if (port >= MPS2_UART_PORTS) return PW_HAL_E_NOT_PRESENT;
  const uint32_t base = kBase[port];
  for (uint32_t i = 0; i < len; ++i) {
    while (MPS2_REG(base + UART_STATE) & STATE_TX_FULL) {
    }
    MPS2_REG(base + UART_DATA) = data[i];
  }
  return (int32_t)len;
}

static int32_t uart_read(void* ctx, uint32_t port, uint8_t* buf, uint32_t len) {
  (void)ctx;
  if (port >= MPS2_UART_PORTS) return PW_HAL_E_NOT_PRESENT;
  const uint32_t base = kBase[port];
  if (MPS2_REG(base + UART_STATE) & STATE_RX_OVERRUN) {
    MPS2_REG(base + UART_STATE) = STATE_RX_OVERRUN; /* write 1 to clear */
    return PW_HAL_E_IO;
  }
  uint32_t n = 0;
  while (n < len && (MPS2_REG(base + UART_STATE) & STATE_RX_FULL)) {
    buf[n++] = (uint8_t)MPS2_REG(base + UART_DATA);
  }
  return (int32_t)n;
}

const pw_uart_driver mps2_uart_driver = {uart_write, uart_read};

void mps2_uart_init(void) {
  for (uint32_t port = 0; port < MPS2_UART_PORTS; ++port) {
    const uint32_t base = kBase[port];
    MPS2_REG(base + UART_BAUDDIV) = MPS2_SYSCLK_HZ / BAUD_RATE;
    MPS2_REG(base + UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_IRQ_EN;
    MPS2_REG(base + UART_INTCLEAR) = 0xFu;
  }
}
