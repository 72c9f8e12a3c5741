// A minimal binary-module builder for tests: spells out exact byte sequences readably, computing
// LEB128 encodings, vector counts and section sizes so a test only writes what it is about.
//
//   Bytes m = module({section(kType, vec({func_type({kI32}, {})})), ...});
//
// Plus Loaded, which runs decode_module() or load_module() on bytes with an arena of its own.
#ifndef PICOWASM_TEST_WASM_BUILDER_H
#define PICOWASM_TEST_WASM_BUILDER_H

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

namespace picowasm {
// Let GoogleTest print codes and kinds by name in failure messages.
inline void PrintTo(ErrorCode code, std::ostream* os) {
  *os << error_code_name(code);
}
inline void PrintTo(ErrorKind kind, std::ostream* os) {
  *os << error_kind_name(kind);
}
}  // namespace picowasm

namespace wb {

using Bytes = std::vector<uint8_t>;

// Value and reference types, by their binary encoding.
constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C, kV128 = 0x7B;
constexpr uint8_t kFuncref = 0x70, kExternref = 0x6F;

// Section ids.
constexpr uint8_t kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5,
                  kGlobal = 6, kExport = 7, kStart = 8, kElem = 9, kCode = 10, kData = 11,
                  kDataCount = 12;

// Import/export kinds.
constexpr uint8_t kExtFunc = 0, kExtTable = 1, kExtMemory = 2, kExtGlobal = 3;

inline Bytes leb_u(uint64_t v) {
  Bytes out;
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(byte | (v ? 0x80 : 0)));
  } while (v);
  return out;
}

inline Bytes leb_s(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t byte = v & 0x7F;
    v >>= 7;  // arithmetic shift: keeps the sign
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    out.push_back(static_cast<uint8_t>(byte | (done ? 0 : 0x80)));
    if (done) return out;
  }
}

// Sized once and filled in place: growing by insert() made GCC 12 at -O3 (Release) see a copy
// into the empty vector's zero bytes (a -Wstringop-overflow false positive).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  size_t size = 0;
  for (const Bytes& p : parts) size += p.size();
  Bytes out(size);
  uint8_t* at = out.data();
  for (const Bytes& p : parts) at = std::copy(p.begin(), p.end(), at);
  return out;
}

// Raw bytes of a string (no length prefix).
inline Bytes raw(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

// A name: LEB128 byte length, then the bytes.
inline Bytes str(const std::string& s) {
  return cat({leb_u(s.size()), raw(s)});
}

// A vector: LEB128 element count, then the elements.
inline Bytes vec(const std::vector<Bytes>& items) {
  Bytes out = leb_u(items.size());
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

// A vector of single-byte elements (value types, ...).
inline Bytes byte_vec(const Bytes& items) {
  return cat({leb_u(items.size()), items});
}

inline Bytes section(uint8_t id, const Bytes& payload) {
  return cat({{id}, leb_u(payload.size()), payload});
}

inline Bytes custom_section(const std::string& name, const Bytes& payload) {
  return section(kCustom, cat({str(name), payload}));
}

inline const Bytes& header() {
  static const Bytes h = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  return h;
}

inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = header();
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

inline Bytes func_type(const Bytes& params, const Bytes& results) {
  return cat({{0x60}, byte_vec(params), byte_vec(results)});
}

// Limits: {min} or {min, max}.
inline Bytes limits(uint32_t min) {
  return cat({{0x00}, leb_u(min)});
}
inline Bytes limits(uint32_t min, uint32_t max) {
  return cat({{0x01}, leb_u(min), leb_u(max)});
}

// A function body: size, local declarations (runs of count x type), then `code` (which must
// include the final `end`).
using LocalRuns = std::vector<std::pair<uint32_t, uint8_t>>;
inline Bytes body(const LocalRuns& locals, const Bytes& code) {
  Bytes content = leb_u(locals.size());
  for (const auto& run : locals) {
    Bytes count = leb_u(run.first);
    content.insert(content.end(), count.begin(), count.end());
    content.push_back(run.second);
  }
  content.insert(content.end(), code.begin(), code.end());
  return cat({leb_u(content.size()), content});
}

// Constant expressions and a few instructions, for readability.
inline Bytes i32_const(int32_t v) {
  return cat({{0x41}, leb_s(v)});
}
inline Bytes i64_const(int64_t v) {
  return cat({{0x42}, leb_s(v)});
}
inline Bytes const_expr(const Bytes& instr) {
  return cat({instr, {0x0B}});
}

// Pieces most module-building tests share: a type section with one [] -> [] type, a function
// section from type indices, a code section from bodies, and the body `end`.
inline const Bytes kVoidType = section(kType, vec({func_type({}, {})}));
inline Bytes funcs(const std::vector<uint32_t>& type_indices) {
  std::vector<Bytes> items;
  for (uint32_t t : type_indices) items.push_back(leb_u(t));
  return section(kFunction, vec(items));
}
inline Bytes code(const std::vector<Bytes>& bodies) { return section(kCode, vec(bodies)); }
inline const Bytes kEmptyBody = body({}, {0x0B});

// Runs decode_module() (Stage::decode) or load_module() (Stage::load) on its own copy of `bytes`
// with an arena of `arena_size` bytes. Not copyable: the Module points into the members.
struct Loaded {
  enum class Stage { decode, load };

  explicit Loaded(Bytes b, Stage stage = Stage::load, size_t arena_size = 4u << 20)
      : bytes(std::move(b)), buffer(arena_size), arena(buffer.data(), buffer.size()) {
    err = stage == Stage::decode
              ? picowasm::decode_module(bytes.data(), bytes.size(), arena, &module)
              : picowasm::load_module(bytes.data(), bytes.size(), arena, &module);
  }
  Loaded(const Loaded&) = delete;
  Loaded& operator=(const Loaded&) = delete;

  // Offset of a pointer into `bytes`, for checking spans.
  size_t offset_of(const void* p) const {
    return static_cast<size_t>(static_cast<const uint8_t*>(p) - bytes.data());
  }

  Bytes bytes;
  std::vector<uint8_t> buffer;
  picowasm::Arena arena;
  picowasm::Module module;
  picowasm::Error err;
};

inline Bytes span_bytes(const picowasm::ByteSpan& s) {
  return s.data ? Bytes(s.data, s.data + s.size) : Bytes();
}
inline std::string name_str(const picowasm::Name& n) {
  return n.data ? std::string(n.data, n.size) : std::string();
}

}  // namespace wb

#endif  // PICOWASM_TEST_WASM_BUILDER_H
