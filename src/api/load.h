// Decode + validate behind one call, for the embedding layer (load() in picowasm.hpp adds the
// translation and the module buffer) and for tools and tests inside this repository that work on
// a bare Arena.
#ifndef PICOWASM_API_LOAD_H
#define PICOWASM_API_LOAD_H

#include <cstddef>
#include <cstdint>

#include "common/arena.h"
#include "decode/decoder.h"
#include "picowasm/error.h"
#include "picowasm/module.h"
#include "validate/validator.h"

namespace picowasm {

// decode_module() followed by validate_module(); on failure the arena is rewound.
Error load_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out,
                  uint32_t features = kAllFeatures);

}  // namespace picowasm

#endif  // PICOWASM_API_LOAD_H
