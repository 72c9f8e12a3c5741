// Instruction-level decoding shared by the decoder (constant expressions) and the validator
// (function bodies): opcodes, value/block types, and immediates checked for well-formedness only.
#ifndef PICOWASM_DECODE_INSTR_H
#define PICOWASM_DECODE_INSTR_H

#include <cstdint>

#include "common/opcodes.h"
#include "decode/reader.h"
#include "picowasm/module.h"

namespace picowasm {

// The prefixed, unknown and missing opcodes of read_opcode().
bool read_opcode_slow(Reader& r, Op* op, const OpInfo** info);

// Reads an opcode, including the sub-opcode after a 0xFC prefix. Unknown opcodes fail with
// illegal_opcode; the SIMD prefix 0xFD fails with unsupported_simd. Inline for the single-byte
// opcodes: every body is read twice (validator, translator), one lookup per instruction.
inline bool read_opcode(Reader& r, Op* op, const OpInfo** info) {
  uint8_t byte;
  if (r.peek_u8(&byte)) {
    if (const OpInfo* single = op_info(byte)) {
      r.skip_peeked();
      *op = static_cast<Op>(byte);
      *info = single;
      return true;
    }
  }
  return read_opcode_slow(r, op, info);
}

// Reads a value type. v128 fails with unsupported_simd, any other unknown byte with
// malformed_valtype.
bool read_valtype(Reader& r, ValType* out);

// Reads a reference type (funcref/externref); anything else is malformed_reftype.
bool read_reftype(Reader& r, ValType* out);

// The block type of block/loop/if: empty, a single result type, or a type index (multi-value).
struct BlockType {
  enum class Kind : uint8_t { empty, value, index } kind = Kind::empty;
  ValType value = ValType::i32;
  uint32_t type_index = 0;
};
bool read_blocktype(Reader& r, BlockType* out);

// Reads the memory index byte of memory.size/grow/fill/copy/init, which must be zero in 2.0.
bool read_zero_byte(Reader& r);

// multi-memory: bit 6 of a memarg's alignment field says a memory index follows it.
constexpr uint32_t kMemargMemoryIndex = 0x40;

// Skips the immediates of an instruction whose opcode was just read, checking only their encoding.
bool skip_immediates(Reader& r, Imm imm);

// Consumes one expression (instructions through the `end` that closes it, nested blocks included).
// Used for constant expressions, whose meaning the validator checks later.
bool skip_expression(Reader& r);

}  // namespace picowasm

#endif  // PICOWASM_DECODE_INSTR_H
