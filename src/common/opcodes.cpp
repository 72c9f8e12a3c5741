// Lookup tables generated from the opcode lists in opcodes.h (const: they can live in flash).
#include "common/opcodes.h"

#include "picowasm/config.h"

namespace picowasm {
namespace {

constexpr uint8_t kT_I = kTI, kT_L = kTL, kT_F = kTF, kT_D = kTD, kT__ = kT_;
#define PICOWASM_TYPE(t) kT_##t

// The row of `info`, appended when no earlier opcode has the same one.
constexpr uint8_t row_of(OpTables& t, uint32_t& used, const OpInfo& info) {
  for (uint32_t i = 1; i < used; ++i) {
    const OpInfo& o = t.rows[i];
    if (o.imm == info.imm && o.param0 == info.param0 && o.param1 == info.param1 &&
        o.result == info.result)
      return static_cast<uint8_t>(i);
  }
  if (used < kNumOpInfoRows) t.rows[used] = info;
  return static_cast<uint8_t>(used++);
}

// Fills `t` when given; returns the number of rows the opcode lists need.
constexpr uint32_t build(OpTables* t) {
  OpTables scratch{};
  OpTables& out = t ? *t : scratch;
  uint32_t used = 1;  // row 0: no opcode
#define PICOWASM_ROW(imm, p0, p1, r) \
  row_of(out, used, OpInfo{Imm::imm, PICOWASM_TYPE(p0), PICOWASM_TYPE(p1), PICOWASM_TYPE(r)})
#define PICOWASM_OP_ROW(id, text, code, imm, p0, p1, r) \
  out.byte_row[code] = PICOWASM_ROW(imm, p0, p1, r);
#define PICOWASM_FC_ROW(id, text, code, imm, p0, p1, r) \
  out.fc_row[code] = PICOWASM_ROW(imm, p0, p1, r);
  PICOWASM_OPCODES(PICOWASM_OP_ROW)
  PICOWASM_FC_OPCODES(PICOWASM_FC_ROW)
#undef PICOWASM_FC_ROW
#undef PICOWASM_OP_ROW
#undef PICOWASM_ROW
  return used;
}
static_assert(build(nullptr) == kNumOpInfoRows, "set kNumOpInfoRows to the rows the lists need");

constexpr OpTables make_tables() {
  OpTables t{};
  build(&t);
  return t;
}

#undef PICOWASM_TYPE
}  // namespace

// constexpr: built at compile time, so it stays in flash (external linkage from the header).
constexpr OpTables kOpTables = make_tables();

const OpInfo* fc_op_info(uint32_t sub_opcode) {
  return sub_opcode < kNumFCOpcodes ? &kOpTables.rows[kOpTables.fc_row[sub_opcode]] : nullptr;
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
