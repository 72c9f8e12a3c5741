// Disassembler for threaded code: one line per instruction, for debugging, docs and tests.
#ifndef PICOWASM_TRANSLATE_DISASSEMBLE_H
#define PICOWASM_TRANSLATE_DISASSEMBLE_H

#include <cstddef>

#include "translate/threaded_code.h"

namespace picowasm {

// Receives each line (NUL-terminated, without a newline).
using DisasmSink = void (*)(void* user, const char* line);

// Writes one line per instruction of `func` to `sink`. Returns the number of instructions.
size_t disassemble(const CompiledFunc& func, DisasmSink sink, void* user);

// Name of a threaded-code operation ("i32.add", "br_if", ...).
const char* code_op_name(CodeUnit op);

}  // namespace picowasm

#endif  // PICOWASM_TRANSLATE_DISASSEMBLE_H
