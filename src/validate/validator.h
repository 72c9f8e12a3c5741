// The validate stage: the WebAssembly 2.0 validation rules for a decoded module.
#ifndef PICOWASM_VALIDATE_VALIDATOR_H
#define PICOWASM_VALIDATE_VALIDATOR_H

#include "common/arena.h"
#include "picowasm/error.h"
#include "picowasm/module.h"

namespace picowasm {

// Validates a decoded module against the WebAssembly 2.0 rules. Needs a little arena space for the
// result (the declared-function-reference bitmap) plus temporary scratch for its working stacks,
// which is given back before returning. Function bodies are checked here, so an error inside one
// can still be of kind `malformed` (e.g. an unknown opcode): decoding of bodies is lazy but the
// error kinds are exactly the spec's. `features` (kFeature* bits of module.h) are the post-2.0
// proposals the module may use; those not compiled in (config.h) stay off whatever is asked.
Error validate_module(Module& module, Arena& arena, uint32_t features = kAllFeatures);

}  // namespace picowasm

#endif  // PICOWASM_VALIDATE_VALIDATOR_H
