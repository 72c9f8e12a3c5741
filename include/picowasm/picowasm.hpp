// picowasm public C++ API.
//
// Loading a module is two stages, both working only in memory the caller supplies:
//   decode_module()   bytes -> Module (structure only; reports malformed binaries)
//   validate_module() Module -> checked Module (reports invalid modules)
// load_module() runs both. The module bytes are read-only and must outlive the Module, which points
// into them (they may stay in flash). Nothing here allocates from the heap.
#ifndef PICOWASM_PICOWASM_HPP
#define PICOWASM_PICOWASM_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/arena.h"
#include "picowasm/config.h"
#include "picowasm/embed.hpp"  // configs, admission control, typed host functions
#include "picowasm/error.h"
#include "picowasm/exec.h"
#include "picowasm/module.h"
#include "picowasm/runtime.h"

namespace picowasm {

// Decodes the binary format into *out. Everything decoded is allocated from `arena`; on failure the
// arena is rewound to where it was, *out is left empty, and the returned Error says what was
// malformed (or out_of_arena / a limit_* code) and at which byte offset.
Error decode_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out);

// Validates a decoded module against the WebAssembly 2.0 rules. Needs a little arena space for the
// result (the declared-function-reference bitmap) plus temporary scratch for its working stacks,
// which is given back before returning. Function bodies are checked here, so an error inside one
// can still be of kind `malformed` (e.g. an unknown opcode): decoding of bodies is lazy but the
// error kinds are exactly the spec's.
Error validate_module(Module& module, Arena& arena);

// decode_module() followed by validate_module(); on failure the arena is rewound.
Error load_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out);

}  // namespace picowasm

#endif  // PICOWASM_PICOWASM_HPP
