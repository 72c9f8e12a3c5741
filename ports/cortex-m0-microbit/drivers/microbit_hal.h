/* HAL drivers for QEMU `microbit` (nRF51822): the pw_*_driver tables of
 * board/include/picowasm/board_drivers.h over the chip's real peripherals, as QEMU 7.2 models them.
 *
 *   class   resources           hardware
 *   GPIO    pins 0-31           port 0 (P0.0-P0.31), push-pull or open-drain outputs, inputs with
 *                               pull-up/down; an output reads back its level (input buffer on)
 *   UART    port 0              UART0, the console (QEMU's first -serial: standard output)
 *   clock   TIMER1              16 MHz / 2^4 = 1 MHz: one tick per microsecond, 32 bits
 *   log     semihosting console (QEMU: its stderr), one "log info: text" line per record: the
 *           mps2 port's driver (ports/cortex-m4/drivers/mps2_log.c), shared
 *   I2C, SPI, PWM, ADC: none (the classes are not present)
 *
 * No interrupt handler: GPIO edges are not detected (watch_edge is NOT_SUPPORTED) and
 * microbit_idle() sleeps with WFI, interrupts masked, until TIMER1's compare event wakes the CPU.
 * All state lives in microbit_hal, which the firmware owns.
 */
#ifndef PICOWASM_PORTS_CORTEX_M0_MICROBIT_HAL_H
#define PICOWASM_PORTS_CORTEX_M0_MICROBIT_HAL_H

#include <stdint.h>

#include "mps2_hal.h" /* mps2_log and its driver, shared with the mps2 port */
#include "picowasm/board_drivers.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MICROBIT_GPIO_PINS 32u
#define MICROBIT_UART_PORTS 1u

typedef struct microbit_clock {
  uint32_t last_count; /* TIMER1 count at the last reading */
  uint64_t ticks;      /* 1 MHz ticks since microbit_hal_init */
} microbit_clock;

/* Everything the drivers keep, in the firmware's memory. */
typedef struct microbit_hal {
  microbit_clock clock;
  mps2_log log;
  pw_board board; /* points at the tables below and the contexts above */
} microbit_hal;

extern const pw_gpio_driver microbit_gpio_driver;
extern const pw_uart_driver microbit_uart_driver;
extern const pw_clock_driver microbit_clock_driver;

/* Initialises the peripherals (every pin a disconnected input, TIMER1 running; the UART is the
 * console board_init() set up) and fills hal->board. Call once after board_init(). */
void microbit_hal_init(microbit_hal* hal);

/* Sleeps (WFI) until `wake_us` on the board clock, or earlier on any other enabled interrupt;
 * returns at once if the time has passed. Never sleeps longer than MICROBIT_MAX_IDLE_US at a time,
 * so the clock's wrap tracking stays fed. */
#define MICROBIT_MAX_IDLE_US 1000000u
void microbit_idle(microbit_hal* hal, uint64_t wake_us);

void microbit_gpio_init(void);
void microbit_clock_init(microbit_clock* clock);

#ifdef __cplusplus
}
#endif

#endif /* PICOWASM_PORTS_CORTEX_M0_MICROBIT_HAL_H */
