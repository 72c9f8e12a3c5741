// Translation stage: validated Module -> threaded code (see threaded_code.h for the format).
#ifndef PICOWASM_TRANSLATE_TRANSLATOR_H
#define PICOWASM_TRANSLATE_TRANSLATOR_H

#include "common/arena.h"
#include "picowasm/error.h"
#include "picowasm/module.h"
#include "translate/threaded_code.h"

namespace picowasm {

// Translates every defined function of `module`, which must have passed validate_module(). The
// CompiledFunc array and all code are allocated from `arena` (code contiguously); working stacks
// are taken from the arena's scratch end and released before returning. On failure the arena is
// rewound.
Error translate_module(const Module& module, Arena& arena, CompiledModule* out);

// Receives each translated function from translate_each(); `func.code` and `func.consts` point
// into the arena and stay valid only during the call. A failed Error stops the translation.
struct FunctionSink {
  Error (*put)(void* context, uint32_t defined_index, const CompiledFunc& func);
  void* context;
};

// Translates like translate_module(), but hands the functions to `sink` one by one, in order, and
// keeps none: the arena holds one function's code (and the working stacks) at a time, and is as it
// was when this returns.
Error translate_each(const Module& module, Arena& arena, const FunctionSink& sink);

// Finds which wasm instruction produced the threaded-code instruction containing `code_unit` of
// defined function `func_index`, by translating that function again (deterministically) into the
// free space of `arena`, which is rewound afterwards. Returns the instruction's byte offset in the
// module, or 0xFFFFFFFF if it cannot tell (no arena, or not enough free space). Used for trap
// reports, so that nothing needs to be stored per instruction.
uint32_t locate_module_offset(const Module& module, uint32_t func_index, uint32_t code_unit,
                              Arena* arena);

}  // namespace picowasm

#endif  // PICOWASM_TRANSLATE_TRANSLATOR_H
