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
#include "picowasm/picowasm.hpp"
#include "validate/validator.h"

namespace picowasm {

// decode_module() followed by validate_module(); on failure the arena is rewound.
Error load_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out,
                  uint32_t features = kAllFeatures);

// How load_with() gets the module's code once the bytes are decoded, validated and within the
// limits: translate them (load()), or take them from an image (load_pretranslated()).
struct CompileStep {
  Error (*run)(const void* context, const Module& module, Arena& arena, CompiledModule** out);
  const void* context;
};

// load() with its last step replaced: everything the public loaders share (config checks, the
// module buffer's layout, limits, errors).
Error load_with(const uint8_t* bytes, size_t size, const ModuleConfig& config,
                const CompileStep& compile, LoadedModule** out);

}  // namespace picowasm

#endif  // PICOWASM_API_LOAD_H
