// Instruction-level decoding helpers (see instr.h).
#include "decode/instr.h"

#include "picowasm/config.h"

namespace picowasm {

// ---- Reader: the LEB128 slow paths (reader.h) ------------------------------------------------

namespace {

enum class Leb32 : uint8_t { ok, eof, too_long, too_large };

// The walk shared by u32_long() and s32_long(), on a local cursor. The fifth byte may carry no
// continuation, and its bits 4-6 must be zero, or for signed values copies of the sign (bit 3).
template <bool kSigned>
Leb32 leb32(const uint8_t*& p, const uint8_t* end, uint32_t* out) {
  uint32_t result = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (p >= end) return Leb32::eof;
    uint8_t byte = *p++;
    if (shift == 28) {
      if (byte & 0x80) return Leb32::too_long;
      if ((byte & 0x70) != (kSigned && (byte & 0x08) ? 0x70 : 0)) return Leb32::too_large;
      *out = result | static_cast<uint32_t>(byte) << 28;
      return Leb32::ok;
    }
    result |= static_cast<uint32_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      if (kSigned && (byte & 0x40)) result |= ~0u << (shift + 7);  // sign-extend (shift + 7 <= 28)
      *out = result;
      return Leb32::ok;
    }
  }
}

// leb()'s errors: the end of the bytes where they ran out, the others at the value's start.
bool leb32_failed(Reader& r, Leb32 result, const uint8_t* p, ErrorCode eof_code) {
  if (result == Leb32::eof) return r.fail_at(eof_code, p);
  return r.fail(result == Leb32::too_long ? ErrorCode::integer_too_long
                                          : ErrorCode::integer_too_large);
}

}  // namespace

bool Reader::u32_long(uint32_t* out) {
  const uint8_t* p = pos_;  // a local cursor: pos_ is written once, not per byte
  Leb32 result = leb32<false>(p, end_, out);
  if (result != Leb32::ok) return leb32_failed(*this, result, p, eof_code_);
  pos_ = p;
  return true;
}

bool Reader::s32_long(int32_t* out) {
  const uint8_t* p = pos_;
  uint32_t value = 0;
  Leb32 result = leb32<true>(p, end_, &value);
  if (result != Leb32::ok) return leb32_failed(*this, result, p, eof_code_);
  pos_ = p;
  *out = static_cast<int32_t>(value);
  return true;
}

bool Reader::leb(unsigned bits, bool is_signed, uint64_t* out) {
  const uint8_t* start = pos_;
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) return fail(eof_code_);
    uint8_t byte = *pos_++;
    if (i == max_bytes - 1) {
      // Last permitted byte: no continuation, and only `used` low payload bits may carry data.
      if (byte & 0x80) return fail_at(ErrorCode::integer_too_long, start);
      unsigned used = bits - shift;  // 1..7
      uint8_t payload = byte & 0x7F;
      uint8_t unused_mask = static_cast<uint8_t>((0x7F >> used) << used);
      if (is_signed) {
        bool negative = (payload >> (used - 1)) & 1;
        uint8_t expect = negative ? unused_mask : 0;
        if ((payload & unused_mask) != expect) return fail_at(ErrorCode::integer_too_large, start);
      } else if (payload & unused_mask) {
        return fail_at(ErrorCode::integer_too_large, start);
      }
      result |= static_cast<uint64_t>(payload) << shift;
      shift += 7;
      break;
    }
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80)) break;
  }
  if (is_signed && shift < 64 && (result >> (shift - 1)) & 1) {
    result |= ~static_cast<uint64_t>(0) << shift;  // sign-extend
  }
  if (bits < 64) {
    // Keep exactly `bits` bits (sign-extended for signed values), as the callers expect.
    uint64_t mask = (static_cast<uint64_t>(1) << bits) - 1;
    if (is_signed) {
      bool negative = (result >> (bits - 1)) & 1;
      result = negative ? (result | ~mask) : (result & mask);
    } else {
      result &= mask;
    }
  }
  *out = result;
  return true;
}

// ---- instructions
// --------------------------------------------------------------------------------

bool read_opcode_slow(Reader& r, Op* op, const OpInfo** info) {
  const uint8_t* start = r.pos();
  uint8_t byte;
  if (!r.u8(&byte)) return false;
  if (byte == kPrefixFC) {
    uint32_t sub;
    if (!r.u32(&sub)) return false;
    const OpInfo* fc = fc_op_info(sub);
    if (!fc) return r.fail_at(ErrorCode::illegal_opcode, start);
    *op = static_cast<Op>(0x100 + sub);
    *info = fc;
    return true;
  }
  if (byte == kPrefixSIMD) return r.fail_at(ErrorCode::unsupported_simd, start);
  const OpInfo* single = op_info(byte);
  if (!single) return r.fail_at(ErrorCode::illegal_opcode, start);
  *op = static_cast<Op>(byte);
  *info = single;
  return true;
}

bool read_valtype(Reader& r, ValType* out) {
  const uint8_t* start = r.pos();
  uint8_t b;
  if (!r.u8(&b)) return false;
  switch (b) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x70:
    case 0x6F: *out = static_cast<ValType>(b); return true;
    case 0x7B: return r.fail_at(ErrorCode::unsupported_simd, start);
    default: return r.fail_at(ErrorCode::malformed_valtype, start);
  }
}

bool read_reftype(Reader& r, ValType* out) {
  const uint8_t* start = r.pos();
  uint8_t b;
  if (!r.u8(&b)) return false;
  if (b != 0x70 && b != 0x6F) return r.fail_at(ErrorCode::malformed_reftype, start);
  *out = static_cast<ValType>(b);
  return true;
}

bool read_blocktype(Reader& r, BlockType* out) {
  const uint8_t* start = r.pos();
  uint8_t first;
  if (!r.peek_u8(&first)) return r.fail(ErrorCode::unexpected_end_section);
  if (first == 0x40) {
    r.skip(1);
    out->kind = BlockType::Kind::empty;
    return true;
  }
  // A single-byte negative s33 is a value type; a non-negative s33 is a type index.
  if ((first & 0xC0) == 0x40) {
    out->kind = BlockType::Kind::value;
    return read_valtype(r, &out->value);
  }
  int64_t index;
  if (!r.s33(&index)) return false;
  if (index < 0) return r.fail_at(ErrorCode::malformed_valtype, start);
  out->kind = BlockType::Kind::index;
  out->type_index = static_cast<uint32_t>(index);  // s33 non-negative fits 32 bits
  return true;
}

bool read_zero_byte(Reader& r) {
  const uint8_t* start = r.pos();
  uint8_t b;
  if (!r.u8(&b)) return false;
  if (b != 0) return r.fail_at(ErrorCode::zero_byte_expected, start);
  return true;
}

// multi-memory: a memory index (u32) where 2.0 has a zero byte, and after a memarg's alignment
// when its bit 6 is set. Structure only: the validator checks them against the module's features.
bool skip_memory_index(Reader& r) {
  uint32_t u;
  return PICOWASM_FEATURE_MULTI_MEMORY ? r.u32(&u) : read_zero_byte(r);
}
bool skip_memarg(Reader& r) {
  uint32_t align, u;
  if (!r.u32(&align)) return false;
  if (PICOWASM_FEATURE_MULTI_MEMORY && (align & kMemargMemoryIndex) && !r.u32(&u)) return false;
  return r.u32(&u);
}

bool skip_immediates(Reader& r, Imm imm) {
  uint32_t u;
  switch (imm) {
    case Imm::none: return true;
    case Imm::blocktype: {
      BlockType bt;
      return read_blocktype(r, &bt);
    }
    case Imm::label:
    case Imm::func:
    case Imm::local:
    case Imm::global:
    case Imm::table:
    case Imm::data:
    case Imm::elem: return r.u32(&u);
    case Imm::br_table: {
      uint32_t count;
      if (!r.u32(&count)) return false;
      if (count > r.remaining()) return r.fail(ErrorCode::unexpected_end_section);
      for (uint32_t i = 0; i <= count; ++i) {
        if (!r.u32(&u)) return false;
      }
      return true;
    }
    case Imm::call_indirect:
    case Imm::elem_table:
    case Imm::table_table:
    case Imm::memarg: return skip_memarg(r);
    case Imm::memory: return skip_memory_index(r);
    case Imm::memory_memory: return skip_memory_index(r) && skip_memory_index(r);
    case Imm::data_memory: return r.u32(&u) && skip_memory_index(r);
    case Imm::i32: {
      int32_t v;
      return r.s32(&v);
    }
    case Imm::i64: {
      int64_t v;
      return r.s64(&v);
    }
    case Imm::f32: return r.skip(4);
    case Imm::f64: return r.skip(8);
    case Imm::reftype: {
      ValType t;
      return read_reftype(r, &t);
    }
    case Imm::select_t: {
      uint32_t count;
      if (!r.u32(&count)) return false;
      if (count > r.remaining()) return r.fail(ErrorCode::unexpected_end_section);
      for (uint32_t i = 0; i < count; ++i) {
        ValType t;
        if (!read_valtype(r, &t)) return false;
      }
      return true;
    }
  }
  return r.fail(ErrorCode::illegal_opcode);
}

bool skip_expression(Reader& r) {
  // Depth counts open block/loop/if; bounded by the byte count, so no recursion is needed.
  uint32_t depth = 0;
  for (;;) {
    Op op;
    const OpInfo* info;
    if (!read_opcode(r, &op, &info)) return false;
    if (!skip_immediates(r, info->imm)) return false;
    if (op == Op::block || op == Op::loop || op == Op::if_) {
      ++depth;
    } else if (op == Op::end) {
      if (depth == 0) return true;
      --depth;
    }
  }
}

}  // namespace picowasm
