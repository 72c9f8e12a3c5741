// Binary files (wasm modules) compiled into a firmware image as const arrays, so they stay in
// flash. A firmware gets a table of them from picowasm_embed_modules()
// (ports/common/firmware.cmake).
#ifndef PICOWASM_PORTS_COMMON_EMBEDDED_MODULE_H
#define PICOWASM_PORTS_COMMON_EMBEDDED_MODULE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct embedded_module {
  const char* name;  // the NAMES entry given to picowasm_embed_modules()
  const uint8_t* bytes;
  uint32_t size;
} embedded_module;

// In the order given to picowasm_embed_modules().
extern const embedded_module embedded_modules[];
extern const uint32_t embedded_module_count;

// The module embedded under `name`, or NULL.
const embedded_module* embedded_module_find(const char* name);

#ifdef __cplusplus
}
#endif

#endif  // PICOWASM_PORTS_COMMON_EMBEDDED_MODULE_H
