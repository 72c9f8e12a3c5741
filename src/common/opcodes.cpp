// Lookup tables generated from the opcode lists in opcodes.h (const: they can live in flash).
#include "common/opcodes.h"

#include "picowasm/config.h"

namespace picowasm {
namespace {

constexpr uint8_t kT_I = kTI, kT_L = kTL, kT_F = kTF, kT_D = kTD, kT__ = kT_;
#define PICOWASM_TYPE(t) kT_##t

constexpr ByteOpTable make_byte_table() {
  ByteOpTable t{};
  for (auto& e : t.entries) e = OpInfo{kUnassignedImm, kT_, kT_, kT_};
#define PICOWASM_OP_ROW(id, text, code, imm, p0, p1, r) \
  t.entries[code] = OpInfo{Imm::imm, PICOWASM_TYPE(p0), PICOWASM_TYPE(p1), PICOWASM_TYPE(r)};
  PICOWASM_OPCODES(PICOWASM_OP_ROW)
#undef PICOWASM_OP_ROW
  return t;
}

constexpr OpInfo kFCOps[kNumFCOpcodes] = {
#define PICOWASM_FC_ROW(id, text, code, imm, p0, p1, r) \
  OpInfo{Imm::imm, PICOWASM_TYPE(p0), PICOWASM_TYPE(p1), PICOWASM_TYPE(r)},
    PICOWASM_FC_OPCODES(PICOWASM_FC_ROW)
#undef PICOWASM_FC_ROW
};

#undef PICOWASM_TYPE
}  // namespace

// constexpr: built at compile time, so it stays in flash (external linkage from the header).
constexpr ByteOpTable kByteOpTable = make_byte_table();

const OpInfo* fc_op_info(uint32_t sub_opcode) {
  return sub_opcode < kNumFCOpcodes ? &kFCOps[sub_opcode] : nullptr;
}

const OpInfo* op_info(Op op) {
  uint16_t v = static_cast<uint16_t>(op);
  return v >= 0x100 ? fc_op_info(v - 0x100u) : op_info(static_cast<uint8_t>(v));
}

// A switch rather than a table of pointers: without names it folds to one return.
const char* op_name(Op op) {
#if PICOWASM_OPCODE_NAMES
  switch (op) {
#define PICOWASM_OP_NAME(id, text, code, imm, p0, p1, r) \
  case Op::id: return text;
    PICOWASM_OPCODES(PICOWASM_OP_NAME) PICOWASM_FC_OPCODES(PICOWASM_OP_NAME)
#undef PICOWASM_OP_NAME
  }
#else
  (void)op;
#endif
  return "";
}

}  // namespace picowasm
