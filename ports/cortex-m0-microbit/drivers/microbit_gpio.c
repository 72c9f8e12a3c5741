/* GPIO on the nRF51: the 32 pins of port 0, configured through PIN_CNF (direction, input buffer,
 * pull, drive). Every pin keeps its input buffer connected, so an output reads back the level it
 * drives (QEMU's model feeds OUT into IN for a pin nothing external drives, as the chip does). */
#include "microbit_hal.h"
#include "nrf51.h"

/* PIN_CNF per HAL mode (board_drivers.h: 0 input, 1 pull-up, 2 pull-down, 3 push-pull, 4 open
 * drain). */
static const uint32_t kPinCnf[5] = {
    0u,
    NRF51_PIN_CNF_PULLUP,
    NRF51_PIN_CNF_PULLDOWN,
    NRF51_PIN_CNF_OUTPUT,
    NRF51_PIN_CNF_OUTPUT | NRF51_PIN_CNF_S0D1,
};

static int32_t gpio_configure(void* ctx, uint32_t pin, int32_t mode) {
  (void)ctx;
  if (pin >= MICROBIT_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  if (mode < 0 || mode > 4) return PW_HAL_E_INVALID;
  NRF51_GPIO_PIN_CNF(pin) = kPinCnf[mode];
  return PW_HAL_OK;
}

static int32_t gpio_write(void* ctx, uint32_t pin, int32_t high) {
  (void)ctx;
  if (pin >= MICROBIT_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  if (high) {
    NRF51_GPIO_OUTSET = 1u << pin;
  } else {
    NRF51_GPIO_OUTCLR = 1u << pin;
  }
  return PW_HAL_OK;
}

static int32_t gpio_read(void* ctx, uint32_t pin) {
  (void)ctx;
  if (pin >= MICROBIT_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  return (int32_t)((NRF51_GPIO_IN >> pin) & 1u);
}

static int32_t gpio_toggle(void* ctx, uint32_t pin) {
  if (pin >= MICROBIT_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  return gpio_write(ctx, pin, (NRF51_GPIO_OUT >> pin) & 1u ? 0 : 1);
}

static int32_t gpio_watch_edge(void* ctx, uint32_t pin, int32_t edge) {
  (void)ctx;
  (void)edge;
  return pin >= MICROBIT_GPIO_PINS ? PW_HAL_E_NOT_PRESENT : PW_HAL_E_NOT_SUPPORTED;
}

static int32_t gpio_edges(void* ctx, uint32_t pin) {
  return gpio_watch_edge(ctx, pin, 0);
}

const pw_gpio_driver microbit_gpio_driver = {gpio_configure, gpio_write,      gpio_read,
                                             gpio_toggle,    gpio_watch_edge, gpio_edges};

void microbit_gpio_init(void) {
  NRF51_GPIO_OUTCLR = 0xFFFFFFFFu;
  for (uint32_t pin = 0; pin < MICROBIT_GPIO_PINS; ++pin) NRF51_GPIO_PIN_CNF(pin) = 0u;
}
