// Reader: bounds-checked cursor over read-only module bytes, with exact LEB128 decoding.
//
// Every read returns false on failure and records the first error (code + module offset) in the
// Reader; later reads keep failing, so callers can chain reads and check once. The bytes are never
// written. A Reader can be narrowed to a sub-range (a section, a function body) with sub().
#ifndef PICOWASM_DECODE_READER_H
#define PICOWASM_DECODE_READER_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "picowasm/error.h"

namespace picowasm {

class Reader {
 public:
  // `origin` is the first byte of the whole module, used only to compute error offsets.
  Reader(const uint8_t* origin, const uint8_t* begin, const uint8_t* end, ErrorCode eof_code)
      : origin_(origin), pos_(begin), end_(end), eof_code_(eof_code) {}

  bool ok() const { return error_.code == ErrorCode::ok; }
  const Error& error() const { return error_; }
  bool at_end() const { return pos_ >= end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  const uint8_t* pos() const { return pos_; }
  const uint8_t* end() const { return end_; }
  uint32_t offset() const { return static_cast<uint32_t>(pos_ - origin_); }

  // Records `code` at the current position (only the first error is kept) and returns false.
  bool fail(ErrorCode code) { return fail_at(code, pos_); }
  bool fail_at(ErrorCode code, const uint8_t* where) {
    if (error_.code == ErrorCode::ok) {
      error_.code = code;
      error_.offset = static_cast<uint32_t>(where - origin_);
    }
    pos_ = end_;  // stop further progress
    return false;
  }

  // A reader over the next `size` bytes, which this reader skips. Fails with `oob_code` if fewer
  // than `size` bytes remain.
  bool sub(uint32_t size, ErrorCode eof_code, ErrorCode oob_code, Reader* out) {
    if (!ok()) return false;
    if (size > remaining()) return fail(oob_code);
    *out = Reader(origin_, pos_, pos_ + size, eof_code);
    pos_ += size;
    return true;
  }

  bool u8(uint8_t* out) {
    if (pos_ >= end_) return fail(eof_code_);
    *out = *pos_++;
    return true;
  }

  bool peek_u8(uint8_t* out) const {
    if (pos_ >= end_) return false;
    *out = *pos_;
    return true;
  }
  // Steps over the byte a successful peek_u8() returned.
  void skip_peeked() { ++pos_; }
  // Moves the cursor to `p` (within [begin, end]): for a caller that read ahead on a local copy.
  void seek(const uint8_t* p) { pos_ = p; }

  bool bytes(uint32_t size, const uint8_t** out) {
    if (size > remaining()) return fail(eof_code_);
    *out = pos_;
    pos_ += size;
    return true;
  }

  bool skip(uint32_t size) {
    const uint8_t* ignored = nullptr;
    return bytes(size, &ignored);
  }

  bool f32_bits(uint32_t* out) {
    const uint8_t* p = nullptr;  // set when bytes() succeeds (GCC -Os cannot tell)
    if (!bytes(4, &p)) return false;
    *out = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
    return true;
  }

  bool f64_bits(uint64_t* out) {
    uint32_t lo = 0, hi = 0;
    if (!f32_bits(&lo) || !f32_bits(&hi)) return false;
    *out = static_cast<uint64_t>(hi) << 32 | lo;
    return true;
  }

  // The integer reads decode a one-byte LEB128 (most indices, offsets and small constants) inline
  // and leave longer ones, and every error, to leb().
  bool u32(uint32_t* out) {
    if (pos_ < end_ && *pos_ < 0x80) {
      *out = *pos_++;
      return true;
    }
    return u32_long(out);
  }
  bool u64(uint64_t* out) { return leb(64, false, out); }
  bool s32(int32_t* out) {
    if (pos_ < end_ && *pos_ < 0x80) {
      *out = one_byte_signed(*pos_++);
      return true;
    }
    return s32_long(out);
  }
  bool s64(int64_t* out) {
    if (pos_ < end_ && *pos_ < 0x80) {
      *out = one_byte_signed(*pos_++);
      return true;
    }
    uint64_t v = 0;
    if (!leb(64, true, &v)) return false;
    *out = static_cast<int64_t>(v);
    return true;
  }
  // The 33-bit signed integer used for block types.
  bool s33(int64_t* out) {
    uint64_t v = 0;
    if (!leb(33, true, &v)) return false;
    *out = static_cast<int64_t>(v);
    return true;
  }

 private:
  // A final LEB128 byte read as a signed 7-bit value (bit 6 is the sign).
  static int32_t one_byte_signed(uint8_t byte) {
    return static_cast<int32_t>(byte & 0x3F) - static_cast<int32_t>(byte & 0x40);
  }

  // u32() and s32() past the first byte: leb(32, ...) in 32-bit arithmetic (indices, offsets and
  // i32 constants, the common multi-byte case). Same rules and errors as leb().
  bool u32_long(uint32_t* out);
  bool s32_long(int32_t* out);

  // Decodes an (un)signed LEB128 of at most `bits` bits, enforcing the spec's rules: at most
  // ceil(bits/7) bytes ("integer representation too long"), and the unused bits of the last byte
  // must be zero, or for signed values copies of the sign bit ("integer too large").
  // The three are out of line (instr.cpp): one copy for all callers, whose one-byte fast paths
  // then stay small enough to inline.
  bool leb(unsigned bits, bool is_signed, uint64_t* out);

  const uint8_t* origin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  ErrorCode eof_code_;
  Error error_;
};

}  // namespace picowasm

#endif  // PICOWASM_DECODE_READER_H
