// nRF51822 register addresses used by the microbit port, as QEMU 7.2 models them (hw/arm/nrf51.h,
// hw/char/nrf51_uart.c, hw/timer/nrf51_timer.c, hw/gpio/nrf51_gpio.c) and the nRF51 Series
// Reference Manual v3.0 lays them out. Tasks start on a write of 1; events read 1 once they
// happened and are cleared by writing 0.
#ifndef PICOWASM_PORTS_CORTEX_M0_MICROBIT_NRF51_H
#define PICOWASM_PORTS_CORTEX_M0_MICROBIT_NRF51_H

#include <stdint.h>

#define NRF51_REG(addr) (*(volatile uint32_t*)(addr))

// ---- UART0 (RM chapter 29). QEMU sends a TXD byte to the chardev at once and raises TXDRDY.
#define NRF51_UART0_BASE 0x40002000u
#define NRF51_UART_STARTRX NRF51_REG(NRF51_UART0_BASE + 0x000u)
#define NRF51_UART_STARTTX NRF51_REG(NRF51_UART0_BASE + 0x008u)
#define NRF51_UART_RXDRDY NRF51_REG(NRF51_UART0_BASE + 0x108u)
#define NRF51_UART_TXDRDY NRF51_REG(NRF51_UART0_BASE + 0x11Cu)
#define NRF51_UART_ENABLE NRF51_REG(NRF51_UART0_BASE + 0x500u)
#define NRF51_UART_PSELTXD NRF51_REG(NRF51_UART0_BASE + 0x50Cu)
#define NRF51_UART_PSELRXD NRF51_REG(NRF51_UART0_BASE + 0x514u)
#define NRF51_UART_RXD NRF51_REG(NRF51_UART0_BASE + 0x518u)
#define NRF51_UART_TXD NRF51_REG(NRF51_UART0_BASE + 0x51Cu)
#define NRF51_UART_BAUDRATE NRF51_REG(NRF51_UART0_BASE + 0x524u)
#define NRF51_UART_ENABLE_ON 4u             // any other non-zero value leaves it off
#define NRF51_UART_BAUD_115200 0x01D7E000u  // RM table "BAUDRATE"
#define MICROBIT_UART_TX_PIN 24u            // P0.24/P0.25: the USB interface chip's serial
#define MICROBIT_UART_RX_PIN 25u

// ---- TIMER0 (RM chapter 18): 16 MHz base clock divided by 2^PRESCALER.
#define NRF51_TIMER0_BASE 0x40008000u
#define NRF51_TIMER_START NRF51_REG(NRF51_TIMER0_BASE + 0x000u)
#define NRF51_TIMER_STOP NRF51_REG(NRF51_TIMER0_BASE + 0x004u)
#define NRF51_TIMER_CLEAR NRF51_REG(NRF51_TIMER0_BASE + 0x00Cu)
#define NRF51_TIMER_CAPTURE0 NRF51_REG(NRF51_TIMER0_BASE + 0x040u)
#define NRF51_TIMER_MODE NRF51_REG(NRF51_TIMER0_BASE + 0x504u)
#define NRF51_TIMER_BITMODE NRF51_REG(NRF51_TIMER0_BASE + 0x508u)
#define NRF51_TIMER_PRESCALER NRF51_REG(NRF51_TIMER0_BASE + 0x510u)
#define NRF51_TIMER_CC0 NRF51_REG(NRF51_TIMER0_BASE + 0x540u)
#define NRF51_TIMER_MODE_TIMER 0u
#define NRF51_TIMER_BITMODE_32 3u
#define NRF51_TIMER_BASE_HZ 16000000u

// ---- GPIO (RM chapter 14): 32 pins of port 0.
#define NRF51_GPIO_BASE 0x50000000u
#define NRF51_GPIO_OUT NRF51_REG(NRF51_GPIO_BASE + 0x504u)
#define NRF51_GPIO_OUTSET NRF51_REG(NRF51_GPIO_BASE + 0x508u)
#define NRF51_GPIO_OUTCLR NRF51_REG(NRF51_GPIO_BASE + 0x50Cu)
#define NRF51_GPIO_IN NRF51_REG(NRF51_GPIO_BASE + 0x510u)
#define NRF51_GPIO_DIR NRF51_REG(NRF51_GPIO_BASE + 0x514u)
#define NRF51_GPIO_PIN_CNF(pin) NRF51_REG(NRF51_GPIO_BASE + 0x700u + 4u * (pin))
#define NRF51_GPIO_PINS 32u
// PIN_CNF fields: DIR (bit 0, 1 = output), INPUT (bit 1, 1 = input buffer disconnected),
// PULL (bits 2-3: 0 none, 1 pull-down, 3 pull-up), DRIVE (bits 8-10: 0 S0S1, 6 S0D1 = open drain).
#define NRF51_PIN_CNF_OUTPUT 0x1u
#define NRF51_PIN_CNF_PULLDOWN (1u << 2)
#define NRF51_PIN_CNF_PULLUP (3u << 2)
#define NRF51_PIN_CNF_S0D1 (6u << 8)

// ---- Interrupt numbers (RM table "Peripheral instantiation") and NVIC.
#define NRF51_IRQ_COUNT 32u

#endif  // PICOWASM_PORTS_CORTEX_M0_MICROBIT_NRF51_H
