// The decode stage: WebAssembly 2.0 binary format -> Module (structure only).
#ifndef PICOWASM_DECODE_DECODER_H
#define PICOWASM_DECODE_DECODER_H

#include <cstddef>
#include <cstdint>

#include "common/arena.h"
#include "picowasm/error.h"
#include "picowasm/module.h"

namespace picowasm {

// Decodes the binary format into *out. Everything decoded is allocated from `arena`; on failure the
// arena is rewound to where it was, *out is left empty, and the returned Error says what was
// malformed (or out_of_arena / a limit_* code) and at which byte offset.
Error decode_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out);

}  // namespace picowasm

#endif  // PICOWASM_DECODE_DECODER_H
