// The single source of truth for the WebAssembly 2.0 (non-SIMD) instruction set.
//
// Every stage derives what it needs from these two tables: the decoder skips immediates by `imm`,
// the validator applies the stack effect of "simple" instructions from the (p0, p1, r) columns and
// handles the rest by opcode, and later stages take names for traces and disassembly.
//
// Columns: X(identifier, text name, opcode byte, immediate kind, param 0, param 1, result)
// Types: I = i32, L = i64, F = f32, D = f64, _ = none. An instruction whose three type columns are
// `_` either has no stack effect (nop) or is handled explicitly by the validator ("special").
#ifndef PICOWASM_OPCODES_H
#define PICOWASM_OPCODES_H

#include <cstdint>

namespace picowasm {

enum class Imm : uint8_t {
  none,
  blocktype,      // block/loop/if: s33 block type
  label,          // br/br_if: label index
  br_table,       // vec(label) + default label
  func,           // call, ref.func: function index
  call_indirect,  // type index + table index
  local,          // local index
  global,         // global index
  table,          // table index
  memarg,         // alignment exponent + offset
  memory,         // memory.size/grow: one zero byte (the memory index in 2.0)
  i32,            // signed LEB128 (32-bit)
  i64,            // signed LEB128 (64-bit)
  f32,            // 4 raw bytes
  f64,            // 8 raw bytes
  reftype,        // ref.null: heap type byte
  select_t,       // vec(valtype)
  data_memory,    // memory.init: data index + zero byte
  data,           // data.drop: data index
  memory_memory,  // memory.copy: two zero bytes
  elem_table,     // table.init: elem index + table index
  elem,           // elem.drop: elem index
  table_table,    // table.copy: destination + source table index
};

// Post-2.0 proposals the engine implements; a module may use them only when validation allows it
// (Module::features). tail-call:
#define PICOWASM_TAIL_CALL_OPCODES(X)                \
  X(return_call, "return_call", 0x12, func, _, _, _) \
  X(return_call_indirect, "return_call_indirect", 0x13, call_indirect, _, _, _)

// Single-byte opcodes.
#define PICOWASM_OPCODES(X)                                          \
  X(unreachable, "unreachable", 0x00, none, _, _, _)                 \
  X(nop, "nop", 0x01, none, _, _, _)                                 \
  X(block, "block", 0x02, blocktype, _, _, _)                        \
  X(loop, "loop", 0x03, blocktype, _, _, _)                          \
  X(if_, "if", 0x04, blocktype, _, _, _)                             \
  X(else_, "else", 0x05, none, _, _, _)                              \
  X(end, "end", 0x0B, none, _, _, _)                                 \
  X(br, "br", 0x0C, label, _, _, _)                                  \
  X(br_if, "br_if", 0x0D, label, _, _, _)                            \
  X(br_table, "br_table", 0x0E, br_table, _, _, _)                   \
  X(return_, "return", 0x0F, none, _, _, _)                          \
  X(call, "call", 0x10, func, _, _, _)                               \
  X(call_indirect, "call_indirect", 0x11, call_indirect, _, _, _)    \
  PICOWASM_TAIL_CALL_OPCODES(X)                                      \
  X(drop, "drop", 0x1A, none, _, _, _)                               \
  X(select, "select", 0x1B, none, _, _, _)                           \
  X(select_t, "select", 0x1C, select_t, _, _, _)                     \
  X(local_get, "local.get", 0x20, local, _, _, _)                    \
  X(local_set, "local.set", 0x21, local, _, _, _)                    \
  X(local_tee, "local.tee", 0x22, local, _, _, _)                    \
  X(global_get, "global.get", 0x23, global, _, _, _)                 \
  X(global_set, "global.set", 0x24, global, _, _, _)                 \
  X(table_get, "table.get", 0x25, table, _, _, _)                    \
  X(table_set, "table.set", 0x26, table, _, _, _)                    \
  X(i32_load, "i32.load", 0x28, memarg, I, _, I)                     \
  X(i64_load, "i64.load", 0x29, memarg, I, _, L)                     \
  X(f32_load, "f32.load", 0x2A, memarg, I, _, F)                     \
  X(f64_load, "f64.load", 0x2B, memarg, I, _, D)                     \
  X(i32_load8_s, "i32.load8_s", 0x2C, memarg, I, _, I)               \
  X(i32_load8_u, "i32.load8_u", 0x2D, memarg, I, _, I)               \
  X(i32_load16_s, "i32.load16_s", 0x2E, memarg, I, _, I)             \
  X(i32_load16_u, "i32.load16_u", 0x2F, memarg, I, _, I)             \
  X(i64_load8_s, "i64.load8_s", 0x30, memarg, I, _, L)               \
  X(i64_load8_u, "i64.load8_u", 0x31, memarg, I, _, L)               \
  X(i64_load16_s, "i64.load16_s", 0x32, memarg, I, _, L)             \
  X(i64_load16_u, "i64.load16_u", 0x33, memarg, I, _, L)             \
  X(i64_load32_s, "i64.load32_s", 0x34, memarg, I, _, L)             \
  X(i64_load32_u, "i64.load32_u", 0x35, memarg, I, _, L)             \
  X(i32_store, "i32.store", 0x36, memarg, I, I, _)                   \
  X(i64_store, "i64.store", 0x37, memarg, I, L, _)                   \
  X(f32_store, "f32.store", 0x38, memarg, I, F, _)                   \
  X(f64_store, "f64.store", 0x39, memarg, I, D, _)                   \
  X(i32_store8, "i32.store8", 0x3A, memarg, I, I, _)                 \
  X(i32_store16, "i32.store16", 0x3B, memarg, I, I, _)               \
  X(i64_store8, "i64.store8", 0x3C, memarg, I, L, _)                 \
  X(i64_store16, "i64.store16", 0x3D, memarg, I, L, _)               \
  X(i64_store32, "i64.store32", 0x3E, memarg, I, L, _)               \
  X(memory_size, "memory.size", 0x3F, memory, _, _, I)               \
  X(memory_grow, "memory.grow", 0x40, memory, I, _, I)               \
  X(i32_const, "i32.const", 0x41, i32, _, _, I)                      \
  X(i64_const, "i64.const", 0x42, i64, _, _, L)                      \
  X(f32_const, "f32.const", 0x43, f32, _, _, F)                      \
  X(f64_const, "f64.const", 0x44, f64, _, _, D)                      \
  X(i32_eqz, "i32.eqz", 0x45, none, I, _, I)                         \
  X(i32_eq, "i32.eq", 0x46, none, I, I, I)                           \
  X(i32_ne, "i32.ne", 0x47, none, I, I, I)                           \
  X(i32_lt_s, "i32.lt_s", 0x48, none, I, I, I)                       \
  X(i32_lt_u, "i32.lt_u", 0x49, none, I, I, I)                       \
  X(i32_gt_s, "i32.gt_s", 0x4A, none, I, I, I)                       \
  X(i32_gt_u, "i32.gt_u", 0x4B, none, I, I, I)                       \
  X(i32_le_s, "i32.le_s", 0x4C, none, I, I, I)                       \
  X(i32_le_u, "i32.le_u", 0x4D, none, I, I, I)                       \
  X(i32_ge_s, "i32.ge_s", 0x4E, none, I, I, I)                       \
  X(i32_ge_u, "i32.ge_u", 0x4F, none, I, I, I)                       \
  X(i64_eqz, "i64.eqz", 0x50, none, L, _, I)                         \
  X(i64_eq, "i64.eq", 0x51, none, L, L, I)                           \
  X(i64_ne, "i64.ne", 0x52, none, L, L, I)                           \
  X(i64_lt_s, "i64.lt_s", 0x53, none, L, L, I)                       \
  X(i64_lt_u, "i64.lt_u", 0x54, none, L, L, I)                       \
  X(i64_gt_s, "i64.gt_s", 0x55, none, L, L, I)                       \
  X(i64_gt_u, "i64.gt_u", 0x56, none, L, L, I)                       \
  X(i64_le_s, "i64.le_s", 0x57, none, L, L, I)                       \
  X(i64_le_u, "i64.le_u", 0x58, none, L, L, I)                       \
  X(i64_ge_s, "i64.ge_s", 0x59, none, L, L, I)                       \
  X(i64_ge_u, "i64.ge_u", 0x5A, none, L, L, I)                       \
  X(f32_eq, "f32.eq", 0x5B, none, F, F, I)                           \
  X(f32_ne, "f32.ne", 0x5C, none, F, F, I)                           \
  X(f32_lt, "f32.lt", 0x5D, none, F, F, I)                           \
  X(f32_gt, "f32.gt", 0x5E, none, F, F, I)                           \
  X(f32_le, "f32.le", 0x5F, none, F, F, I)                           \
  X(f32_ge, "f32.ge", 0x60, none, F, F, I)                           \
  X(f64_eq, "f64.eq", 0x61, none, D, D, I)                           \
  X(f64_ne, "f64.ne", 0x62, none, D, D, I)                           \
  X(f64_lt, "f64.lt", 0x63, none, D, D, I)                           \
  X(f64_gt, "f64.gt", 0x64, none, D, D, I)                           \
  X(f64_le, "f64.le", 0x65, none, D, D, I)                           \
  X(f64_ge, "f64.ge", 0x66, none, D, D, I)                           \
  X(i32_clz, "i32.clz", 0x67, none, I, _, I)                         \
  X(i32_ctz, "i32.ctz", 0x68, none, I, _, I)                         \
  X(i32_popcnt, "i32.popcnt", 0x69, none, I, _, I)                   \
  X(i32_add, "i32.add", 0x6A, none, I, I, I)                         \
  X(i32_sub, "i32.sub", 0x6B, none, I, I, I)                         \
  X(i32_mul, "i32.mul", 0x6C, none, I, I, I)                         \
  X(i32_div_s, "i32.div_s", 0x6D, none, I, I, I)                     \
  X(i32_div_u, "i32.div_u", 0x6E, none, I, I, I)                     \
  X(i32_rem_s, "i32.rem_s", 0x6F, none, I, I, I)                     \
  X(i32_rem_u, "i32.rem_u", 0x70, none, I, I, I)                     \
  X(i32_and, "i32.and", 0x71, none, I, I, I)                         \
  X(i32_or, "i32.or", 0x72, none, I, I, I)                           \
  X(i32_xor, "i32.xor", 0x73, none, I, I, I)                         \
  X(i32_shl, "i32.shl", 0x74, none, I, I, I)                         \
  X(i32_shr_s, "i32.shr_s", 0x75, none, I, I, I)                     \
  X(i32_shr_u, "i32.shr_u", 0x76, none, I, I, I)                     \
  X(i32_rotl, "i32.rotl", 0x77, none, I, I, I)                       \
  X(i32_rotr, "i32.rotr", 0x78, none, I, I, I)                       \
  X(i64_clz, "i64.clz", 0x79, none, L, _, L)                         \
  X(i64_ctz, "i64.ctz", 0x7A, none, L, _, L)                         \
  X(i64_popcnt, "i64.popcnt", 0x7B, none, L, _, L)                   \
  X(i64_add, "i64.add", 0x7C, none, L, L, L)                         \
  X(i64_sub, "i64.sub", 0x7D, none, L, L, L)                         \
  X(i64_mul, "i64.mul", 0x7E, none, L, L, L)                         \
  X(i64_div_s, "i64.div_s", 0x7F, none, L, L, L)                     \
  X(i64_div_u, "i64.div_u", 0x80, none, L, L, L)                     \
  X(i64_rem_s, "i64.rem_s", 0x81, none, L, L, L)                     \
  X(i64_rem_u, "i64.rem_u", 0x82, none, L, L, L)                     \
  X(i64_and, "i64.and", 0x83, none, L, L, L)                         \
  X(i64_or, "i64.or", 0x84, none, L, L, L)                           \
  X(i64_xor, "i64.xor", 0x85, none, L, L, L)                         \
  X(i64_shl, "i64.shl", 0x86, none, L, L, L)                         \
  X(i64_shr_s, "i64.shr_s", 0x87, none, L, L, L)                     \
  X(i64_shr_u, "i64.shr_u", 0x88, none, L, L, L)                     \
  X(i64_rotl, "i64.rotl", 0x89, none, L, L, L)                       \
  X(i64_rotr, "i64.rotr", 0x8A, none, L, L, L)                       \
  X(f32_abs, "f32.abs", 0x8B, none, F, _, F)                         \
  X(f32_neg, "f32.neg", 0x8C, none, F, _, F)                         \
  X(f32_ceil, "f32.ceil", 0x8D, none, F, _, F)                       \
  X(f32_floor, "f32.floor", 0x8E, none, F, _, F)                     \
  X(f32_trunc, "f32.trunc", 0x8F, none, F, _, F)                     \
  X(f32_nearest, "f32.nearest", 0x90, none, F, _, F)                 \
  X(f32_sqrt, "f32.sqrt", 0x91, none, F, _, F)                       \
  X(f32_add, "f32.add", 0x92, none, F, F, F)                         \
  X(f32_sub, "f32.sub", 0x93, none, F, F, F)                         \
  X(f32_mul, "f32.mul", 0x94, none, F, F, F)                         \
  X(f32_div, "f32.div", 0x95, none, F, F, F)                         \
  X(f32_min, "f32.min", 0x96, none, F, F, F)                         \
  X(f32_max, "f32.max", 0x97, none, F, F, F)                         \
  X(f32_copysign, "f32.copysign", 0x98, none, F, F, F)               \
  X(f64_abs, "f64.abs", 0x99, none, D, _, D)                         \
  X(f64_neg, "f64.neg", 0x9A, none, D, _, D)                         \
  X(f64_ceil, "f64.ceil", 0x9B, none, D, _, D)                       \
  X(f64_floor, "f64.floor", 0x9C, none, D, _, D)                     \
  X(f64_trunc, "f64.trunc", 0x9D, none, D, _, D)                     \
  X(f64_nearest, "f64.nearest", 0x9E, none, D, _, D)                 \
  X(f64_sqrt, "f64.sqrt", 0x9F, none, D, _, D)                       \
  X(f64_add, "f64.add", 0xA0, none, D, D, D)                         \
  X(f64_sub, "f64.sub", 0xA1, none, D, D, D)                         \
  X(f64_mul, "f64.mul", 0xA2, none, D, D, D)                         \
  X(f64_div, "f64.div", 0xA3, none, D, D, D)                         \
  X(f64_min, "f64.min", 0xA4, none, D, D, D)                         \
  X(f64_max, "f64.max", 0xA5, none, D, D, D)                         \
  X(f64_copysign, "f64.copysign", 0xA6, none, D, D, D)               \
  X(i32_wrap_i64, "i32.wrap_i64", 0xA7, none, L, _, I)               \
  X(i32_trunc_f32_s, "i32.trunc_f32_s", 0xA8, none, F, _, I)         \
  X(i32_trunc_f32_u, "i32.trunc_f32_u", 0xA9, none, F, _, I)         \
  X(i32_trunc_f64_s, "i32.trunc_f64_s", 0xAA, none, D, _, I)         \
  X(i32_trunc_f64_u, "i32.trunc_f64_u", 0xAB, none, D, _, I)         \
  X(i64_extend_i32_s, "i64.extend_i32_s", 0xAC, none, I, _, L)       \
  X(i64_extend_i32_u, "i64.extend_i32_u", 0xAD, none, I, _, L)       \
  X(i64_trunc_f32_s, "i64.trunc_f32_s", 0xAE, none, F, _, L)         \
  X(i64_trunc_f32_u, "i64.trunc_f32_u", 0xAF, none, F, _, L)         \
  X(i64_trunc_f64_s, "i64.trunc_f64_s", 0xB0, none, D, _, L)         \
  X(i64_trunc_f64_u, "i64.trunc_f64_u", 0xB1, none, D, _, L)         \
  X(f32_convert_i32_s, "f32.convert_i32_s", 0xB2, none, I, _, F)     \
  X(f32_convert_i32_u, "f32.convert_i32_u", 0xB3, none, I, _, F)     \
  X(f32_convert_i64_s, "f32.convert_i64_s", 0xB4, none, L, _, F)     \
  X(f32_convert_i64_u, "f32.convert_i64_u", 0xB5, none, L, _, F)     \
  X(f32_demote_f64, "f32.demote_f64", 0xB6, none, D, _, F)           \
  X(f64_convert_i32_s, "f64.convert_i32_s", 0xB7, none, I, _, D)     \
  X(f64_convert_i32_u, "f64.convert_i32_u", 0xB8, none, I, _, D)     \
  X(f64_convert_i64_s, "f64.convert_i64_s", 0xB9, none, L, _, D)     \
  X(f64_convert_i64_u, "f64.convert_i64_u", 0xBA, none, L, _, D)     \
  X(f64_promote_f32, "f64.promote_f32", 0xBB, none, F, _, D)         \
  X(i32_reinterpret_f32, "i32.reinterpret_f32", 0xBC, none, F, _, I) \
  X(i64_reinterpret_f64, "i64.reinterpret_f64", 0xBD, none, D, _, L) \
  X(f32_reinterpret_i32, "f32.reinterpret_i32", 0xBE, none, I, _, F) \
  X(f64_reinterpret_i64, "f64.reinterpret_i64", 0xBF, none, L, _, D) \
  X(i32_extend8_s, "i32.extend8_s", 0xC0, none, I, _, I)             \
  X(i32_extend16_s, "i32.extend16_s", 0xC1, none, I, _, I)           \
  X(i64_extend8_s, "i64.extend8_s", 0xC2, none, L, _, L)             \
  X(i64_extend16_s, "i64.extend16_s", 0xC3, none, L, _, L)           \
  X(i64_extend32_s, "i64.extend32_s", 0xC4, none, L, _, L)           \
  X(ref_null, "ref.null", 0xD0, reftype, _, _, _)                    \
  X(ref_is_null, "ref.is_null", 0xD1, none, _, _, _)                 \
  X(ref_func, "ref.func", 0xD2, func, _, _, _)

// 0xFC-prefixed opcodes (the second column is the u32 sub-opcode).
#define PICOWASM_FC_OPCODES(X)                                    \
  X(i32_trunc_sat_f32_s, "i32.trunc_sat_f32_s", 0, none, F, _, I) \
  X(i32_trunc_sat_f32_u, "i32.trunc_sat_f32_u", 1, none, F, _, I) \
  X(i32_trunc_sat_f64_s, "i32.trunc_sat_f64_s", 2, none, D, _, I) \
  X(i32_trunc_sat_f64_u, "i32.trunc_sat_f64_u", 3, none, D, _, I) \
  X(i64_trunc_sat_f32_s, "i64.trunc_sat_f32_s", 4, none, F, _, L) \
  X(i64_trunc_sat_f32_u, "i64.trunc_sat_f32_u", 5, none, F, _, L) \
  X(i64_trunc_sat_f64_s, "i64.trunc_sat_f64_s", 6, none, D, _, L) \
  X(i64_trunc_sat_f64_u, "i64.trunc_sat_f64_u", 7, none, D, _, L) \
  X(memory_init, "memory.init", 8, data_memory, _, _, _)          \
  X(data_drop, "data.drop", 9, data, _, _, _)                     \
  X(memory_copy, "memory.copy", 10, memory_memory, _, _, _)       \
  X(memory_fill, "memory.fill", 11, memory, _, _, _)              \
  X(table_init, "table.init", 12, elem_table, _, _, _)            \
  X(elem_drop, "elem.drop", 13, elem, _, _, _)                    \
  X(table_copy, "table.copy", 14, table_table, _, _, _)           \
  X(table_grow, "table.grow", 15, table, _, _, _)                 \
  X(table_size, "table.size", 16, table, _, _, _)                 \
  X(table_fill, "table.fill", 17, table, _, _, _)

constexpr uint8_t kPrefixFC = 0xFC;
constexpr uint8_t kPrefixSIMD = 0xFD;  // recognised only to report "unsupported"

// One enumeration for both tables: single-byte opcodes keep their byte value; 0xFC sub-opcodes are
// numbered from 0x100 so both fit one uint16_t.
enum class Op : uint16_t {
#define PICOWASM_OP_ENUM(id, text, code, imm, p0, p1, r) id = code,
  PICOWASM_OPCODES(PICOWASM_OP_ENUM)
#undef PICOWASM_OP_ENUM
#define PICOWASM_FC_ENUM(id, text, code, imm, p0, p1, r) id = 0x100 + code,
      PICOWASM_FC_OPCODES(PICOWASM_FC_ENUM)
#undef PICOWASM_FC_ENUM
};

constexpr uint32_t kNumFCOpcodes = 18;

// Stack-effect type code used in the tables (0 = none); values match ValType encodings.
enum : uint8_t { kT_ = 0, kTI = 0x7F, kTL = 0x7E, kTF = 0x7D, kTD = 0x7C };

// Four bytes per distinct row (below); names are looked up separately.
struct OpInfo {
  Imm imm;
  uint8_t param0, param1, result;  // kT_ / kTI / kTL / kTF / kTD
};

// Only 55 distinct (imm, types) rows exist, so each opcode stores a one-byte row index (0: no
// opcode, the prefixes included): 256 + 18 + 4 * 56 bytes of flash instead of 4 * (256 + 18).
constexpr uint32_t kNumOpInfoRows = 56;  // opcodes.cpp checks it against the opcode lists
struct OpTables {
  uint8_t byte_row[256];
  uint8_t fc_row[kNumFCOpcodes];
  OpInfo rows[kNumOpInfoRows];
};
extern const OpTables kOpTables;

// Lookup for a single-byte opcode or a 0xFC sub-opcode; returns nullptr when it does not exist.
// The single-byte one is inline: decoding looks it up once per instruction.
inline const OpInfo* op_info(uint8_t byte) {
  const uint8_t row = kOpTables.byte_row[byte];
  return row != 0 ? &kOpTables.rows[row] : nullptr;
}
const OpInfo* fc_op_info(uint32_t sub_opcode);
const OpInfo* op_info(Op op);

// Text name of an opcode ("i32.add"); "" when the build leaves names out (config.h
// PICOWASM_OPCODE_NAMES).
const char* op_name(Op op);

}  // namespace picowasm

#endif  // PICOWASM_OPCODES_H
