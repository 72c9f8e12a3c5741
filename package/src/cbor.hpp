// A bounded reader for the deterministic CBOR subset the package format uses (RFC 8949 section
// 4.2.1): definite lengths only, arguments in their shortest form, no floats, no simple values
// but false and true. Reads in place; every failure records a Status, the field being read and
// the offset of the item, once (the first error wins).
#ifndef PICOWASM_PACKAGE_CBOR_HPP
#define PICOWASM_PACKAGE_CBOR_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/package.hpp"

namespace picowasm {
namespace package {
namespace cbor {

enum Major : uint8_t {
  kUint = 0,
  kNint = 1,
  kBytes = 2,
  kText = 3,
  kArray = 4,
  kMap = 5,
  kTag = 6,
  kSimple = 7
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, uint32_t base_offset, Result* result)
      : begin_(data), p_(data), end_(data + size), item_(data), base_(base_offset), r_(result) {}

  Field field = Field::none;  // what the next read is about (named in errors)

  bool at_end() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }
  uint32_t offset() const { return base_ + static_cast<uint32_t>(p_ - begin_); }

  // Records `status` at the current item (if no error was recorded yet); always false.
  bool fail(Status status) {
    if (r_->ok()) {
      r_->status = status;
      r_->field = field;
      r_->offset = base_ + static_cast<uint32_t>(item_ - begin_);
    }
    return false;
  }

  // An unsigned integer of at most `max` (out_of_range above it).
  bool uint(uint32_t* out, uint32_t max) {
    uint64_t v = 0;
    if (!expect(kUint, &v)) return false;
    if (v > max) return fail(Status::out_of_range);
    *out = static_cast<uint32_t>(v);
    return true;
  }
  // A negative integer: stores -1 - argument.
  bool nint(int64_t* out) {
    uint64_t v = 0;
    if (!expect(kNint, &v)) return false;
    if (v > 0x7FFFFFFFu) return fail(Status::out_of_range);
    *out = -1 - static_cast<int64_t>(v);
    return true;
  }
  // A byte string (kBytes) or text string (kText) of min..max bytes, in place.
  bool string(Major major, Span* out, uint32_t min, uint32_t max) {
    uint64_t n = 0;
    if (!expect(major, &n)) return false;
    if (n > static_cast<uint64_t>(end_ - p_)) return fail(Status::malformed_cbor);
    if (n > max) return fail(Status::too_long);
    if (n < min) return fail(Status::out_of_range);
    out->data = p_;
    out->size = static_cast<uint32_t>(n);
    p_ += n;
    return true;
  }
  // An array or map header with min..max entries (too_long above, out_of_range below).
  bool container(Major major, uint32_t* count, uint32_t min, uint32_t max) {
    uint64_t n = 0;
    if (!expect(major, &n)) return false;
    // Each entry takes at least one byte (a map entry two): a cheap bound before the limits.
    if (n > static_cast<uint64_t>(end_ - p_)) return fail(Status::malformed_cbor);
    if (n > max) return fail(Status::too_long);
    if (n < min) return fail(Status::out_of_range);
    *count = static_cast<uint32_t>(n);
    return true;
  }
  bool boolean(bool* out) {
    uint64_t v = 0;
    if (!expect(kSimple, &v)) return false;
    if (v != 20 && v != 21) return fail(Status::wrong_type);
    *out = v == 21;
    return true;
  }
  // A tag number.
  bool tag(uint64_t* out) { return expect(kTag, out); }
  // The next map key, a small unsigned integer that must be above `previous` (keys are sorted
  // and unique in deterministic CBOR); the caller sets `field` from it.
  bool key(uint32_t* out, uint32_t previous, bool first) {
    uint64_t v = 0;
    if (!expect(kUint, &v)) return false;
    if (v > 0xFFu) return fail(Status::unknown_field);
    if (!first && v <= previous) return fail(Status::duplicate_field);
    *out = static_cast<uint32_t>(v);
    return true;
  }

 private:
  // Reads one item head of the given major type: its argument in *arg.
  bool expect(Major major, uint64_t* arg) {
    item_ = p_;
    if (p_ == end_) return fail(Status::malformed_cbor);
    const uint8_t ib = *p_;
    const uint8_t info = ib & 31;
    uint64_t v = info;
    size_t n = 0;
    if (info >= 24) {
      if (info > 27) return fail(Status::malformed_cbor);  // reserved or indefinite length
      n = size_t{1} << (info - 24);
      if (static_cast<size_t>(end_ - p_) < 1 + n) return fail(Status::malformed_cbor);
      v = 0;
      for (size_t i = 1; i <= n; ++i) v = (v << 8) | p_[i];
      // Shortest form: each width only for values the narrower one cannot hold.
      const uint64_t narrower_max = n == 1 ? 23u : n == 2 ? 0xFFu : n == 4 ? 0xFFFFu : 0xFFFFFFFFu;
      if (v <= narrower_max) return fail(Status::malformed_cbor);
    }
    if ((ib >> 5) != major) return fail(Status::wrong_type);
    if (major == kSimple && info >= 24) return fail(Status::wrong_type);  // floats and such
    p_ += 1 + n;
    *arg = v;
    return true;
  }

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* item_ = nullptr;
  uint32_t base_;
  Result* r_;
};

// Writes the head of an item (major type, argument) in shortest form; returns its length (1..9).
inline size_t write_head(uint8_t* out, Major major, uint64_t arg) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (arg < 24) {
    out[0] = static_cast<uint8_t>(m | arg);
    return 1;
  }
  size_t n = arg <= 0xFFu ? 1 : arg <= 0xFFFFu ? 2 : arg <= 0xFFFFFFFFu ? 4 : 8;
  out[0] = static_cast<uint8_t>(m | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
  for (size_t i = 0; i < n; ++i) out[n - i] = static_cast<uint8_t>(arg >> (8 * i));
  return n + 1;
}

}  // namespace cbor
}  // namespace package
}  // namespace picowasm

#endif  // PICOWASM_PACKAGE_CBOR_HPP
