/* HAL drivers for QEMU mps2-an386 (and the MPS2 board with the AN386 FPGA image): the pw_*_driver
 * tables of board/include/picowasm/board_drivers.h over the board's real peripherals.
 *
 *   class   resources                     hardware
 *   GPIO    pins 0-1   outputs            FPGAIO LED0 register, USERLED0-1
 *           pins 2-9   outputs            SCC CFG_REG1, the eight MCC user LEDs 0-7
 *           pins 10-11 inputs             FPGAIO BUTTON register, user buttons 0-1
 *           pins 12-19 inputs             SCC CFG_REG3, the eight MCC DIP switches 0-7
 *   I2C     bus 0 0x4002A000 (shield 1), 1 0x40029000 (shield 0), 2 0x40022000 (touchscreen),
 *           3 0x40023000 (audio): SBCon two-wire controllers, bit-banged
 *   SPI     bus 0 0x40027000 (shield 1), 1 0x40026000 (shield 0), 2 0x40025000 (ADC),
 *           3 0x40020000 (SPI header), 4 0x40021000 (CLCD): PL022, one chip select each, driven
 *           through the FPGAIO MISC register
 *   UART    port 0-4: CMSDK APB UART0-4 (port 0 is the console: QEMU's first -serial)
 *   clock   CMSDK APB timer 1, 25 MHz, free running
 *   log     semihosting console (QEMU: its stderr), one "log info: text" line per record
 *   PWM, ADC: none (the classes are not present)
 *
 * Bus 0 of each class is the one QEMU attaches a `-device ...,bus=i2c` / `bus=ssi` to (the first
 * controller of that type in its device tree). No interrupts are used: GPIO edges are found by
 * polling (mps2_gpio's edges()), and mps2_idle() sleeps with WFI until the dual timer or UART
 * data wakes the CPU. All state lives in mps2_hal, which the firmware owns.
 */
#ifndef PICOWASM_PORTS_CORTEX_M4_MPS2_HAL_H
#define PICOWASM_PORTS_CORTEX_M4_MPS2_HAL_H

#include <stdbool.h>
#include <stdint.h>

#include "picowasm/board_drivers.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPS2_GPIO_PINS 20u
#define MPS2_GPIO_FIRST_INPUT 10u /* pins below are outputs (LEDs), from here inputs */
#define MPS2_I2C_BUSES 4u
#define MPS2_SPI_BUSES 5u
#define MPS2_UART_PORTS 5u
#define MPS2_SYSCLK_HZ 25000000u

typedef struct mps2_gpio { /* bit n: pin n */
  uint32_t watched;        /* edge detection armed */
  uint32_t last_level;     /* level at the last sample of a watched pin */
  uint32_t latched_rise;   /* edges seen since watch_edge armed the pin */
  uint32_t latched_fall;
} mps2_gpio;

typedef struct mps2_i2c {
  uint32_t half_period_loops; /* busy-wait per half SCL period (100 kHz: 5 us) */
} mps2_i2c;

typedef struct mps2_spi {
  uint16_t cr0[MPS2_SPI_BUSES]; /* frame format, mode and SCR per bus (PL022 SSPCR0) */
  uint8_t cpsr[MPS2_SPI_BUSES]; /* clock prescaler per bus (SSPCPSR) */
} mps2_spi;

typedef struct mps2_clock {
  uint32_t last_count; /* timer value at the last reading (it counts down) */
  uint64_t ticks;      /* 25 MHz ticks since mps2_hal_init */
} mps2_clock;

typedef struct mps2_log {
  int32_t handle;    /* semihosting handle of the console, or -1 */
  int32_t threshold; /* records with a level above it are dropped (3: keep all) */
} mps2_log;

/* Everything the drivers keep, in the firmware's memory. */
typedef struct mps2_hal {
  mps2_gpio gpio;
  mps2_i2c i2c;
  mps2_spi spi;
  mps2_clock clock;
  mps2_log log;
  pw_board board; /* points at the tables below and the contexts above */
} mps2_hal;

extern const pw_gpio_driver mps2_gpio_driver;
extern const pw_i2c_driver mps2_i2c_driver;
extern const pw_spi_driver mps2_spi_driver;
extern const pw_uart_driver mps2_uart_driver;
extern const pw_clock_driver mps2_clock_driver;
extern const pw_log_driver mps2_log_driver;

/* Initialises the peripherals (LEDs off, chip selects released, I2C buses idle, UARTs enabled
 * with receive, timer 1 running) and fills hal->board. Call once after board_init(). */
void mps2_hal_init(mps2_hal* hal);

/* Sleeps (WFI) until `wake_us` on the board clock, or earlier when UART data arrives on a port
 * in `uart_ports` (bit mask) or any other interrupt fires; returns at once if the time has
 * passed or such data is already waiting. Keeps the clock's wrap tracking fed by never sleeping
 * more than MPS2_MAX_IDLE_US at a time. */
#define MPS2_MAX_IDLE_US 1000000u
void mps2_idle(mps2_hal* hal, uint64_t wake_us, uint32_t uart_ports);
/* No GPIO interrupts: while an app waits for an edge, the firmware wakes this often to sample. */
#define MPS2_EDGE_POLL_US 10000u

/* Per-driver initialisation, called by mps2_hal_init. */
void mps2_gpio_init(mps2_gpio* gpio);
void mps2_i2c_init(mps2_i2c* i2c);
void mps2_spi_init(mps2_spi* spi);
void mps2_uart_init(void);
void mps2_clock_init(mps2_clock* clock);
void mps2_log_init(mps2_log* log);

/* Writes text as is to the semihosting console (the log's stream): firmware reports. */
void mps2_console_write(const mps2_log* log, const char* text, uint32_t len);
/* Writes one printf-formatted report line and a newline to the console; a longer line is cut to
 * MPS2_CONSOLE_LINE_MAX bytes, newline included. */
#define MPS2_CONSOLE_LINE_MAX 200u
void mps2_console_line(const mps2_log* log, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* UART port `port` has a received byte waiting (mps2_idle). */
bool mps2_uart_rx_ready(uint32_t port);
/* UART register block of a port (0..MPS2_UART_PORTS-1). */
uint32_t mps2_uart_base(uint32_t port);

#ifdef __cplusplus
}
#endif

#endif /* PICOWASM_PORTS_CORTEX_M4_MPS2_HAL_H */
