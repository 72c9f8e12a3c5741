// Segment operations shared by instantiation (active segments) and the interpreter
// (table.init / memory.init), plus the constant-expression evaluator they rely on.
#ifndef PICOWASM_RUNTIME_SEGMENTS_H
#define PICOWASM_RUNTIME_SEGMENTS_H

#include <cstdint>

#include "picowasm/error.h"
#include "runtime/runtime.h"

namespace picowasm {

// Evaluates a validated constant expression in the context of `instance` (globals, functions).
// Returns the value as a raw slot.
uint64_t eval_const_expr(const Instance& instance, const ConstExpr& expr);

// table.init semantics: copies elements [src, src+n) of element segment `elem_index` into `table`
// at `dst`. Traps (trap_table_oob) if either range is out of bounds, including when the segment
// was dropped and n > 0. Nothing is written when it traps.
ErrorCode table_init(Instance& instance, TableInst& table, uint32_t elem_index, uint32_t dst,
                     uint32_t src, uint32_t n);

// memory.init semantics for data segment `data_index` into `memory` (null: the instance has none)
// (trap_memory_oob on bounds).
ErrorCode memory_init(Instance& instance, MemoryInst* memory, uint32_t data_index, uint32_t dst,
                      uint32_t src, uint32_t n);

}  // namespace picowasm

#endif  // PICOWASM_RUNTIME_SEGMENTS_H
