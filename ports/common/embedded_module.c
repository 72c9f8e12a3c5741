// Lookup in the table of embedded modules (embedded_module.h); compiled into every table library
// picowasm_embed_modules() makes (ports/common/firmware.cmake).
#include "embedded_module.h"

#include <string.h>

const embedded_module* embedded_module_find(const char* name) {
  for (uint32_t i = 0; i < embedded_module_count; ++i) {
    if (strcmp(embedded_modules[i].name, name) == 0) return &embedded_modules[i];
  }
  return 0;
}
