// Disassembler: decodes threaded code using the operand layouts declared in threaded_code.h.
#include "translate/disassemble.h"

namespace picowasm {
namespace {

constexpr const char* kCodeOpNames[kNumCodeOps] = {
#define PICOWASM_DIS_W(id, text, code, imm, p0, p1, r) text,
    PICOWASM_OPCODES(PICOWASM_DIS_W) PICOWASM_FC_OPCODES(PICOWASM_DIS_W)
#undef PICOWASM_DIS_W
#define PICOWASM_DIS_X(id, layout) #id,
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

const char* code_op_name(CodeUnit op) {
  return op < kNumCodeOps ? kCodeOpNames[op] : "?";
}

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
    line.put(kCodeOpNames[op]);
    const CodeUnit* p = pc + 1;
    uint32_t table = 0;
    for (const char* k = kCodeOpLayout[op]; *k; ++k) {
      line.put(k == kCodeOpLayout[op] ? " " : ", ");
      switch (*k) {
        case 'S':
          line.put("s");
          line.num(*p++);
          break;
        case 'N':
          table = *p;
          line.num(*p++);
          break;
        case 'O': line.put(code_op_name(*p++)); break;
        case 'H': line.num(static_cast<int32_t>(imm16(p++))); break;
        case 'U': line.num(*p++); break;
        case 'I':
        case 'F':
          line.num(static_cast<int32_t>(read_u32(p)));
          p += 2;
          break;
        case 'L':
          line.num(static_cast<int64_t>(read_u64(p)));
          p += 4;
          break;
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
