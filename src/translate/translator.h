// Translation stage: validated Module -> threaded code (see threaded_code.h for the format).
#ifndef PICOWASM_TRANSLATE_TRANSLATOR_H
#define PICOWASM_TRANSLATE_TRANSLATOR_H

#include "picowasm/arena.h"
#include "picowasm/error.h"
#include "picowasm/module.h"
#include "translate/threaded_code.h"

namespace picowasm {

// Translates every defined function of `module`, which must have passed validate_module(). The
// CompiledFunc array and all code are allocated from `arena` (code contiguously); working stacks
// are taken from the arena's scratch end and released before returning. On failure the arena is
// rewound.
Error translate_module(const Module& module, Arena& arena, CompiledModule* out);

}  // namespace picowasm

#endif  // PICOWASM_TRANSLATE_TRANSLATOR_H
