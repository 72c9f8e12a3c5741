// Disassembler: decodes threaded code using the operand layouts declared in threaded_code.h.
#include "translate/disassemble.h"

namespace picowasm {
namespace {

struct CodeOpInfo {
  const char* name;
  const char* layout;
};

// Operand layouts of the wasm operations the translator emits as themselves.
constexpr const char* wasm_layout(Imm imm, uint8_t param1, uint8_t result) {
  return imm == Imm::memarg ? (result != kT_ ? "SSI" : "SSI") : (param1 != kT_ ? "SSS" : "SS");
}

constexpr CodeOpInfo kCodeOps[kNumCodeOps] = {
#define PICOWASM_DIS_W(id, text, code, imm, p0, p1, r) \
  {text, wasm_layout(Imm::imm, PICOWASM_DIS_T_##p1, PICOWASM_DIS_T_##r)},
#define PICOWASM_DIS_T__ kT_
#define PICOWASM_DIS_T_I kTI
#define PICOWASM_DIS_T_L kTL
#define PICOWASM_DIS_T_F kTF
#define PICOWASM_DIS_T_D kTD
    PICOWASM_OPCODES(PICOWASM_DIS_W) PICOWASM_FC_OPCODES(PICOWASM_DIS_W)
#undef PICOWASM_DIS_W
#define PICOWASM_DIS_X(id, layout) {#id, layout},
        PICOWASM_XOPS(PICOWASM_DIS_X)
#undef PICOWASM_DIS_X
};

// Appends text to a fixed line buffer (truncating rather than overflowing).
struct Line {
  char buf[160];
  size_t len = 0;
  void put(const char* s) {
    while (*s && len + 1 < sizeof buf) buf[len++] = *s++;
    buf[len] = 0;
  }
  void num(int64_t v) {
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u);
    if (v < 0) put("-");
    while (n) {
      char c[2] = {tmp[--n], 0};
      put(c);
    }
  }
};

}  // namespace

const char* code_op_name(CodeUnit op) { return op < kNumCodeOps ? kCodeOps[op].name : "?"; }

size_t disassemble(const CompiledFunc& func, DisasmSink sink, void* user) {
  const CodeUnit* pc = func.code;
  const CodeUnit* end = func.code + func.code_units;
  size_t count = 0;
  while (pc < end) {
    Line line;
    line.num(pc - func.code);
    line.put(": ");
    CodeUnit op = *pc;
    if (op >= kNumCodeOps) {
      line.put("<bad>");
      sink(user, line.buf);
      return count;
    }
    line.put(kCodeOps[op].name);
    const CodeUnit* p = pc + 1;
    uint32_t table = 0;
    for (const char* k = kCodeOps[op].layout; *k; ++k) {
      line.put(k == kCodeOps[op].layout ? " " : ", ");
      switch (*k) {
        case 'S': line.put("s"); line.num(*p++); break;
        case 'N': table = *p; line.num(*p++); break;
        case 'I': case 'F': line.num(static_cast<int32_t>(read_u32(p))); p += 2; break;
        case 'L': line.num(static_cast<int64_t>(read_u64(p))); p += 4; break;
        case 'B':
          line.put("->");
          line.num((p - func.code) + static_cast<int32_t>(read_u32(p)));
          p += 2;
          break;
        case 'T':
          for (uint32_t i = 0; i <= table; ++i, p += 2) {
            line.put(i ? " ->" : "[->");
            line.num((p - func.code) + static_cast<int32_t>(read_u32(p)));
          }
          line.put("]");
          break;
        default: break;
      }
    }
    sink(user, line.buf);
    pc = p;
    ++count;
  }
  return count;
}

}  // namespace picowasm
