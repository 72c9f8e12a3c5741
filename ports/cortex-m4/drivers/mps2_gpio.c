/* GPIO on mps2-an386: the board's LEDs as outputs and its buttons and DIP switches as inputs
 * (pin map in mps2_hal.h). The LED registers read back what was written, so an output pin reads
 * its level. The lines have fixed drivers and pulls on the board: only push-pull output (LEDs)
 * and plain input (buttons, switches) are supported. There is no GPIO interrupt: edges are found
 * by sampling the level whenever edges() is called (the HAL's poll), so a pulse shorter than the
 * polling interval is missed. */
#include "mps2_hal.h"
#include "mps2_regs.h"

#define FPGAIO_LEDS 2u
#define SCC_LEDS 8u
#define FPGAIO_BUTTONS 2u

/* Level of one pin: 0 or 1. */
static uint32_t level(uint32_t pin) {
  if (pin < FPGAIO_LEDS) return (MPS2_FPGAIO_LED0 >> pin) & 1u;
  if (pin < MPS2_GPIO_FIRST_INPUT) return (MPS2_SCC_CFG1 >> (pin - FPGAIO_LEDS)) & 1u;
  uint32_t in = pin - MPS2_GPIO_FIRST_INPUT;
  if (in < FPGAIO_BUTTONS) return (MPS2_FPGAIO_BUTTON >> in) & 1u;
  return (MPS2_SCC_CFG3 >> (in - FPGAIO_BUTTONS)) & 1u;
}

static int32_t gpio_configure(void* ctx, uint32_t pin, int32_t mode) {
  (void)ctx;
  if (pin >= MPS2_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  const int32_t wanted = pin < MPS2_GPIO_FIRST_INPUT ? 3 /* push-pull */ : 0 /* input */;
  return mode == wanted ? PW_HAL_OK : PW_HAL_E_NOT_SUPPORTED;
}

static int32_t gpio_write(void* ctx, uint32_t pin, int32_t high) {
  (void)ctx;
  if (pin >= MPS2_GPIO_FIRST_INPUT) return PW_HAL_E_NOT_SUPPORTED;
  volatile uint32_t* reg = pin < FPGAIO_LEDS ? &MPS2_FPGAIO_LED0 : &MPS2_SCC_CFG1;
  const uint32_t bit = 1u << (pin < FPGAIO_LEDS ? pin : pin - FPGAIO_LEDS);
  *reg = high ? (*reg | bit) : (*reg & ~bit);
  return PW_HAL_OK;
}

static int32_t gpio_read(void* ctx, uint32_t pin) {
  (void)ctx;
  if (pin >= MPS2_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  return (int32_t)level(pin);
}

static int32_t gpio_toggle(void* ctx, uint32_t pin) {
  if (pin >= MPS2_GPIO_FIRST_INPUT) return PW_HAL_E_NOT_SUPPORTED;
  return gpio_write(ctx, pin, level(pin) ? 0 : 1);
}

static int32_t gpio_watch_edge(void* ctx, uint32_t pin, int32_t edge) {
  mps2_gpio* g = (mps2_gpio*)ctx;
  if (pin >= MPS2_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  const uint32_t bit = 1u << pin;
  g->latched_rise &= ~bit;
  g->latched_fall &= ~bit;
  if (edge == 0) {
    g->watched &= ~bit;
    return PW_HAL_OK;
  }
  g->watched |= bit;
  g->last_level = level(pin) ? (g->last_level | bit) : (g->last_level & ~bit);
  return PW_HAL_OK;
}

static int32_t gpio_edges(void* ctx, uint32_t pin) {
  mps2_gpio* g = (mps2_gpio*)ctx;
  if (pin >= MPS2_GPIO_PINS) return PW_HAL_E_NOT_PRESENT;
  const uint32_t bit = 1u << pin;
  if (g->watched & bit) {
    const uint32_t now = level(pin) ? bit : 0u;
    const uint32_t before = g->last_level & bit;
    if (now && !before) g->latched_rise |= bit;
    if (!now && before) g->latched_fall |= bit;
    g->last_level = (g->last_level & ~bit) | now;
  }
  return (int32_t)(((g->latched_rise & bit) ? 1u : 0u) | ((g->latched_fall & bit) ? 2u : 0u));
}

const pw_gpio_driver mps2_gpio_driver = {gpio_configure, gpio_write,      gpio_read,
                                         gpio_toggle,    gpio_watch_edge, gpio_edges};

void mps2_gpio_init(mps2_gpio* gpio) {
  gpio->watched = 0;
  gpio->last_level = 0;
  gpio->latched_rise = 0;
  gpio->latched_fall = 0;
  MPS2_FPGAIO_LED0 = 0;  // all LEDs off
  MPS2_SCC_CFG1 = 0;
}
