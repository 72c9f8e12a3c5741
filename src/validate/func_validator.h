// Validation of function bodies: the single-pass operand/control stack algorithm of the spec's
// validation appendix, plus a structure-only scan used to give malformed bodies precedence over
// invalid ones (the spec decodes the whole module before validating any of it).
#ifndef PICOWASM_VALIDATE_FUNC_VALIDATOR_H
#define PICOWASM_VALIDATE_FUNC_VALIDATOR_H

#include <cstdint>

#include "common/arena.h"
#include "picowasm/error.h"
#include "picowasm/module.h"

namespace picowasm {

// One entry of the control stack: a block, loop, if, else, or the function body itself.
struct CtrlFrame {
  const ValType* start_types;
  const ValType* end_types;
  uint32_t num_start;
  uint32_t num_end;
  uint32_t height;   // operand stack height when the frame was entered
  uint8_t opcode;    // Op::block / loop / if_ / else_ (the function frame counts as a block)
  bool unreachable;  // after br/return/unreachable: the frame's stack is polymorphic
};

// Working memory shared by all bodies of one module. The two stacks start empty and grow on demand
// (doubling, bounded by the config.h limits) from `arena`; the caller rewinds the arena afterwards.
struct BodyScratch {
  Arena* arena = nullptr;
  uint8_t* operands = nullptr;  // value types (ValType encodings, 0 = unknown)
  uint32_t operand_capacity = 0;
  CtrlFrame* frames = nullptr;
  uint32_t frame_capacity = 0;
  // Cumulative local counts per LocalRun, for binary search; null means "scan the runs linearly"
  // (used when the arena is too small to hold it).
  uint32_t* local_ends = nullptr;
  uint32_t local_ends_capacity = 0;
  // The type of every local (parameters first) of the function being validated, for a lookup by
  // index; null or too small means "search the runs" (a function whose locals outnumber its body
  // bytes never uses it, so filling it costs at most one store per body byte).
  uint8_t* local_types = nullptr;
  uint32_t local_types_capacity = 0;
  // Set when a body pushes a reference type onto its operand stack (Module::ref_values).
  bool ref_values = false;
};

// Validates the body of defined function `func_index`. The module-level parts the body relies on
// (type indices of all functions, declared_refs) must already have been checked/computed.
Error validate_function_body(const Module& module, uint32_t func_index, BodyScratch& scratch);

// Checks only what the spec's decoder checks in a body: opcodes and immediates well-formed, `else`
// only inside `if`, the body ending exactly with the `end` of the function frame, and the data
// count section present when memory.init/data.drop are used. Returns ok or a malformed/unsupported
// error.
Error scan_function_structure(const Module& module, uint32_t func_index);

}  // namespace picowasm

#endif  // PICOWASM_VALIDATE_FUNC_VALIDATOR_H
