// Lookup tables generated from the opcode lists in opcodes.h (const: they can live in flash).
#include "common/opcodes.h"

#include "picowasm/config.h"

// Without names (PICOWASM_OPCODE_NAMES 0) every known opcode shares one empty string: a non-null
// name is still what marks an opcode as existing.
#if PICOWASM_OPCODE_NAMES
#define PICOWASM_OP_TEXT(text) text
#else
#define PICOWASM_OP_TEXT(text) ""
#endif

namespace picowasm {
namespace {

constexpr uint8_t kT_I = kTI, kT_L = kTL, kT_F = kTF, kT_D = kTD, kT__ = kT_;
#define PICOWASM_TYPE(t) kT_##t

struct ByteTable {
  OpInfo entries[256];
};

constexpr ByteTable make_byte_table() {
  ByteTable t{};
  for (auto& e : t.entries) e = OpInfo{nullptr, Imm::none, kT_, kT_, kT_};
#define PICOWASM_OP_ROW(id, text, code, imm, p0, p1, r) \
  t.entries[code] = OpInfo{PICOWASM_OP_TEXT(text), Imm::imm, PICOWASM_TYPE(p0), PICOWASM_TYPE(p1), \
                           PICOWASM_TYPE(r)};
  PICOWASM_OPCODES(PICOWASM_OP_ROW)
#undef PICOWASM_OP_ROW
  return t;
}

constexpr ByteTable kByteOps = make_byte_table();

constexpr OpInfo kFCOps[kNumFCOpcodes] = {
#define PICOWASM_FC_ROW(id, text, code, imm, p0, p1, r) \
  OpInfo{PICOWASM_OP_TEXT(text), Imm::imm, PICOWASM_TYPE(p0), PICOWASM_TYPE(p1), PICOWASM_TYPE(r)},
    PICOWASM_FC_OPCODES(PICOWASM_FC_ROW)
#undef PICOWASM_FC_ROW
};

#undef PICOWASM_TYPE
}  // namespace

const OpInfo* op_info(uint8_t byte) {
  const OpInfo* info = &kByteOps.entries[byte];
  return info->name ? info : nullptr;
}

const OpInfo* fc_op_info(uint32_t sub_opcode) {
  return sub_opcode < kNumFCOpcodes ? &kFCOps[sub_opcode] : nullptr;
}

const OpInfo* op_info(Op op) {
  uint16_t v = static_cast<uint16_t>(op);
  return v >= 0x100 ? fc_op_info(v - 0x100u) : op_info(static_cast<uint8_t>(v));
}

}  // namespace picowasm
