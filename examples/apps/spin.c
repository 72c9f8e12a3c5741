/* spin: logs once, then loops forever without calling the HAL, so only the engine's fuel or
 * time limit can stop it. Grant: log (optional). Never returns. */
#include "pw_hal.h"

/* volatile: each iteration stores to memory, so the loop is not an empty one the compiler
 * could reason about; it is what a stuck polling loop looks like. */
static volatile uint32_t g_spins;

PW_MAIN {
  pw_log_warn("spin: entering an endless loop");
  for (;;) ++g_spins;
}
