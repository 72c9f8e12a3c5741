// Locating the package section, parsing COSE_Sign1 and the manifest (docs/lifecycle.md). No
// cryptography here, so the fuzz target needs nothing but this file.
#include <cstring>

#include "cbor.hpp"
#include "picowasm/package.hpp"

namespace picowasm {
namespace package {

namespace {

using cbor::Reader;

constexpr char kStatusMessages[][72] = {
#define PICOWASM_PACKAGE_STATUS_MSG(name, msg) msg,
    PICOWASM_PACKAGE_STATUSES(PICOWASM_PACKAGE_STATUS_MSG)
#undef PICOWASM_PACKAGE_STATUS_MSG
};
constexpr const char* kStatusNames[] = {
#define PICOWASM_PACKAGE_STATUS_NAME(name, msg) #name,
    PICOWASM_PACKAGE_STATUSES(PICOWASM_PACKAGE_STATUS_NAME)
#undef PICOWASM_PACKAGE_STATUS_NAME
};
constexpr const char* kFieldNames[] = {
#define PICOWASM_PACKAGE_FIELD_NAME(name, wire) wire,
    PICOWASM_PACKAGE_FIELDS(PICOWASM_PACKAGE_FIELD_NAME)
#undef PICOWASM_PACKAGE_FIELD_NAME
};

// COSE and SUIT algorithm identifiers (IANA COSE Algorithms registry).
constexpr int64_t kCoseEs256 = -7;
constexpr int64_t kCoseSha256 = -16;
constexpr uint64_t kCoseSign1Tag = 18;
constexpr uint32_t kHeaderAlg = 1, kHeaderKid = 4;

// Manifest keys (docs/lifecycle.md).
enum : uint32_t { kAppId = 1, kVersion, kMinHalAbi, kResources, kCapabilities, kCodeDigest };
enum : uint32_t { kMemory = 1, kStack, kFuel };
constexpr Field kCapabilityFields[] = {Field::gpio, Field::i2c, Field::spi,
                                       Field::uart, Field::pwm, Field::adc,
                                       Field::time, Field::log, Field::rate};
constexpr uint32_t kNumCapabilityKeys = sizeof kCapabilityFields / sizeof kCapabilityFields[0];

constexpr uint32_t kU32 = 0xFFFFFFFFu;
constexpr uint32_t kMaxAddr7 = 0x7Fu;
constexpr uint32_t kMaxBus = 0xFFu;

// An array of fixed arity (a tuple).
bool tuple(Reader& rd, uint32_t arity) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, arity, arity)) return false;
  return true;
}

bool parse_gpio(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, 1, PICOWASM_PKG_MAX_GPIO)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t first = 0, last = 0, access = 0;
    if (!tuple(rd, 3) || !rd.uint(&first, PICOWASM_HAL_MAX_PINS - 1) ||
        !rd.uint(&last, PICOWASM_HAL_MAX_PINS - 1)) {
      return false;
    }
    if (last < first) return rd.fail(Status::out_of_range);
    if (!rd.uint(&access, board::kInput | board::kOutput)) return false;
    if (access == 0) return rd.fail(Status::out_of_range);
    m->gpio[i].first = static_cast<uint16_t>(first);
    m->gpio[i].last = static_cast<uint16_t>(last);
    m->gpio[i].access = static_cast<uint8_t>(access);
  }
  m->request.num_gpio = n;
  return true;
}

bool parse_i2c(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, 1, PICOWASM_PKG_MAX_I2C)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t bus = 0, count = 0;
    if (!tuple(rd, 2) || !rd.uint(&bus, kMaxBus)) return false;
    for (uint32_t j = 0; j < i; ++j) {
      if (m->i2c[j].bus == bus) return rd.fail(Status::duplicate_field);
    }
    m->i2c[i] = board::I2cGrant();
    m->i2c[i].bus = static_cast<uint8_t>(bus);
    if (!rd.container(cbor::kArray, &count, 1, PICOWASM_PKG_MAX_I2C_ADDRS)) return false;
    for (uint32_t j = 0; j < count; ++j) {
      uint32_t a = 0;
      if (!rd.uint(&a, kMaxAddr7)) return false;
      m->i2c[i].addrs[a >> 5] |= 1u << (a & 31);
    }
  }
  m->request.num_i2c = n;
  return true;
}

bool parse_spi(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, 1, PICOWASM_PKG_MAX_SPI)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t bus = 0, cs = 0, hz = 0;
    if (!tuple(rd, 3) || !rd.uint(&bus, kMaxBus) || !rd.uint(&cs, kU32)) return false;
    if (cs == 0) return rd.fail(Status::out_of_range);
    if (!rd.uint(&hz, kU32)) return false;
    m->spi[i].bus = static_cast<uint8_t>(bus);
    m->spi[i].cs_mask = cs;
    m->spi[i].max_hz = hz;
  }
  m->request.num_spi = n;
  return true;
}

bool parse_uart(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, 1, PICOWASM_PKG_MAX_UART)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t port = 0, access = 0;
    if (!tuple(rd, 2) || !rd.uint(&port, kMaxBus) ||
        !rd.uint(&access, board::kRead | board::kWrite)) {
      return false;
    }
    if (access == 0) return rd.fail(Status::out_of_range);
    m->uart[i].port = static_cast<uint8_t>(port);
    m->uart[i].access = static_cast<uint8_t>(access);
  }
  m->request.num_uart = n;
  return true;
}

bool parse_rate(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  if (!rd.container(cbor::kArray, &n, 1, board::kNumClasses - 1)) return false;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t cls = 0;
    if (!tuple(rd, 3) || !rd.uint(&cls, board::kNumClasses - 1)) return false;
    if (cls == 0) return rd.fail(Status::out_of_range);
    if (seen & (1u << cls)) return rd.fail(Status::duplicate_field);
    seen |= 1u << cls;
    board::RateLimit& rl = m->request.rate[cls];
    if (!rd.uint(&rl.calls_per_s, kU32) || !rd.uint(&rl.bytes_per_s, kU32)) return false;
  }
  return true;
}

bool parse_capabilities(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  rd.field = Field::capabilities;
  if (!rd.container(cbor::kMap, &n, 0, kNumCapabilityKeys)) return false;
  uint32_t prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    rd.field = Field::capabilities;
    uint32_t k = 0;
    if (!rd.key(&k, prev, i == 0)) return false;
    if (k == 0 || k > kNumCapabilityKeys) return rd.fail(Status::unknown_field);
    prev = k;
    rd.field = kCapabilityFields[k - 1];
    bool ok = false;
    switch (rd.field) {
      case Field::gpio: ok = parse_gpio(rd, m); break;
      case Field::i2c: ok = parse_i2c(rd, m); break;
      case Field::spi: ok = parse_spi(rd, m); break;
      case Field::uart: ok = parse_uart(rd, m); break;
      case Field::pwm: ok = rd.uint(&m->request.pwm_channels, kU32); break;
      case Field::adc: ok = rd.uint(&m->request.adc_channels, kU32); break;
      case Field::time: ok = rd.boolean(&m->request.time); break;
      case Field::log: ok = rd.boolean(&m->request.log); break;
      default: ok = parse_rate(rd, m); break;
    }
    if (!ok) return false;
  }
  return true;
}

bool parse_resources(Reader& rd, Manifest* m) {
  uint32_t n = 0;
  rd.field = Field::resources;
  if (!rd.container(cbor::kMap, &n, 0, 3)) return false;
  uint32_t prev = 0;
  uint32_t* const slots[] = {&m->resources.memory_bytes, &m->resources.stack_bytes,
                             &m->resources.fuel};
  const Field fields[] = {Field::memory_bytes, Field::stack_bytes, Field::fuel};
  uint32_t seen = 0;
  for (uint32_t i = 0; i < n; ++i) {
    rd.field = Field::resources;
    uint32_t k = 0;
    if (!rd.key(&k, prev, i == 0)) return false;
    if (k < kMemory || k > kFuel) return rd.fail(Status::unknown_field);
    prev = k;
    seen |= 1u << k;
    rd.field = fields[k - 1];
    if (!rd.uint(slots[k - 1], k == kStack ? PICOWASM_MAX_STACK_BYTES : kU32)) return false;
  }
  for (uint32_t k = kMemory; k <= kFuel; ++k) {  // all three are required: name the first missing
    if (seen & (1u << k)) continue;
    rd.field = fields[k - 1];
    return rd.fail(Status::missing_field);
  }
  // A value stack holds 8-byte slots (ResourceLimits::stack_bytes: 0 or at least 8).
  if (m->resources.stack_bytes < 8) {
    rd.field = Field::stack_bytes;
    return rd.fail(Status::out_of_range);
  }
  if (m->resources.fuel == 0) {
    rd.field = Field::fuel;
    return rd.fail(Status::out_of_range);
  }
  return true;
}

bool parse_digest(Reader& rd, Manifest* m) {
  rd.field = Field::code_digest;
  int64_t alg = 0;
  Span d;
  if (!tuple(rd, 2) || !rd.nint(&alg)) return false;
  if (alg != kCoseSha256) return rd.fail(Status::unsupported_algorithm);
  if (!rd.string(cbor::kBytes, &d, kDigestBytes, kDigestBytes)) return false;
  std::memcpy(m->code_digest, d.data, kDigestBytes);
  return true;
}

// App ids are [A-Za-z0-9._-]: they end up in logs and on consoles, so no byte of one may be a
// control character or need decoding.
bool app_id_ok(const Span& id) {
  for (uint32_t i = 0; i < id.size; ++i) {
    const uint8_t c = id.data[i];
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alnum && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

void reset(Manifest* m) {
  m->app_id = Span();
  m->version = 0;
  m->min_hal_abi = 0;
  m->resources = Resources();
  std::memset(m->code_digest, 0, sizeof m->code_digest);
  m->request = board::Grant();
  m->request.gpio = m->gpio;
  m->request.i2c = m->i2c;
  m->request.spi = m->spi;
  m->request.uart = m->uart;
}

// A LEB128 u32 at bytes[*pos] (at most 5 bytes, unused bits zero); false if malformed.
bool leb_u32(const uint8_t* bytes, size_t size, size_t* pos, uint32_t* out) {
  uint32_t v = 0;
  for (uint32_t i = 0; i < 5; ++i) {
    if (*pos >= size) return false;
    const uint8_t b = bytes[(*pos)++];
    if (i == 4 && (b & 0xF0) != 0) return false;
    v |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

Result error_at(Status s, size_t offset, Field f = Field::none) {
  Result r;
  r.status = s;
  r.field = f;
  r.offset = static_cast<uint32_t>(offset);
  return r;
}

// The module's bytes through a ReadFn: the same section walk serves a package in memory and one
// read from a flash without a memory map.
struct Source {
  ReadFn read;
  void* ctx;
  size_t size;
  // Up to `n` bytes at `at` (fewer at the end); false on a read error.
  bool get(size_t at, uint8_t* out, size_t n, size_t* got) const {
    *got = n < size - at ? n : size - at;
    return read(ctx, static_cast<uint32_t>(at), out, static_cast<uint32_t>(*got));
  }
};

bool read_memory(void* ctx, uint32_t offset, uint8_t* out, uint32_t size) {
  std::memcpy(out, static_cast<const uint8_t*>(ctx) + offset, size);
  return true;
}

// Finds the one package section: [*start, *end) with its header, its content at *content_at.
// Reads only section headers and custom section names (a few bytes each).
Result find_section(const Source& src, uint32_t* start, uint32_t* end, uint32_t* content_at) {
  static constexpr uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  const size_t size = src.size;
  // id (1) + size (LEB128, 5) or name length (5) + name: the most one look at a header needs.
  uint8_t buf[5 + kSectionNameLen];
  size_t got = 0;
  if (!src.get(0, buf, sizeof kHeader, &got)) return error_at(Status::read_failed, 0);
  if (got < sizeof kHeader || std::memcmp(buf, kHeader, sizeof kHeader) != 0) {
    return error_at(Status::not_wasm, 0);
  }
  // Offsets are u32 (the engine's module size limit); a larger buffer cannot be a module.
  if (size > kU32) return error_at(Status::truncated, kU32);
  bool found = false;
  size_t pos = sizeof kHeader;
  while (pos < size) {
    const size_t section = pos;
    if (!src.get(pos, buf, 6, &got)) return error_at(Status::read_failed, pos);
    const uint8_t id = buf[0];
    size_t at = 1;
    uint32_t len = 0;
    if (!leb_u32(buf, got, &at, &len)) return error_at(Status::malformed_section, section);
    pos += at;
    if (len > size - pos) return error_at(Status::truncated, section);
    const size_t body = pos;
    pos += len;
    if (id != 0) continue;
    size_t name_pos = 0;
    uint32_t name_len = 0;
    const size_t want = len < sizeof buf ? len : sizeof buf;
    if (!src.get(body, buf, want, &got)) return error_at(Status::read_failed, body);
    if (!leb_u32(buf, got, &name_pos, &name_len) || name_len > len - name_pos) {
      return error_at(Status::malformed_section, section);
    }
    if (name_len != kSectionNameLen ||
        std::memcmp(buf + name_pos, kSectionName, kSectionNameLen) != 0) {
      continue;
    }
    if (found) return error_at(Status::duplicate_package_section, section);
    found = true;
    const size_t content_pos = body + name_pos + name_len;
    if (pos - content_pos > PICOWASM_PKG_MAX_SECTION_BYTES) {
      return error_at(Status::section_too_large, section);
    }
    *start = static_cast<uint32_t>(section);
    *end = static_cast<uint32_t>(pos);
    *content_at = static_cast<uint32_t>(content_pos);
  }
  if (!found) return error_at(Status::no_package_section, size);
  return Result();
}

bool parse_protected(const Span& hdr, uint32_t base, Result* r) {
  Reader rd(hdr.data, hdr.size, base, r);
  rd.field = Field::protected_header;
  uint32_t n = 0, k = 0;
  int64_t alg = 0;
  if (!rd.container(cbor::kMap, &n, 1, 1) || !rd.key(&k, 0, true)) return false;
  if (k != kHeaderAlg) return rd.fail(Status::unknown_field);
  rd.field = Field::alg;
  if (!rd.nint(&alg)) return false;
  if (alg != kCoseEs256) return rd.fail(Status::unsupported_algorithm);
  rd.field = Field::protected_header;
  if (!rd.at_end()) return rd.fail(Status::trailing_bytes);
  return true;
}

}  // namespace

const char* status_message(Status status) {
  return kStatusMessages[static_cast<uint8_t>(status)];
}
const char* status_name(Status status) {
  return kStatusNames[static_cast<uint8_t>(status)];
}
const char* field_name(Field field) {
  return kFieldNames[static_cast<uint8_t>(field)];
}

Result parse_manifest(const uint8_t* data, size_t size, Manifest* m, uint32_t base_offset) {
  Result r;
  reset(m);
  Reader rd(data, size, base_offset, &r);
  rd.field = Field::manifest;
  if (size > PICOWASM_PKG_MAX_MANIFEST_BYTES) {
    rd.fail(Status::too_long);
    return r;
  }
  uint32_t n = 0;
  if (!rd.container(cbor::kMap, &n, 0, kCodeDigest)) return r;
  uint32_t prev = 0;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < n; ++i) {
    rd.field = Field::manifest;
    uint32_t k = 0;
    if (!rd.key(&k, prev, i == 0)) return r;
    if (k < kAppId || k > kCodeDigest) {  // before k sizes a shift
      rd.fail(Status::unknown_field);
      return r;
    }
    prev = k;
    seen |= 1u << k;
    bool ok = false;
    switch (k) {
      case kAppId:
        rd.field = Field::app_id;
        ok = rd.string(cbor::kText, &m->app_id, 1, PICOWASM_PKG_MAX_APP_ID);
        if (ok && !app_id_ok(m->app_id)) ok = rd.fail(Status::out_of_range);
        break;
      case kVersion:
        rd.field = Field::version;
        ok = rd.uint(&m->version, kU32);
        break;
      case kMinHalAbi:
        rd.field = Field::min_hal_abi;
        ok = rd.uint(&m->min_hal_abi, kU32);
        break;
      case kResources: ok = parse_resources(rd, m); break;
      case kCapabilities: ok = parse_capabilities(rd, m); break;
      default: ok = parse_digest(rd, m); break;
    }
    if (!ok) return r;
  }
  rd.field = Field::manifest;
  if (!rd.at_end()) {
    rd.fail(Status::trailing_bytes);
    return r;
  }
  // Every field but the capabilities is required; name the first one missing.
  const Field required[] = {Field::none,      Field::app_id, Field::version,    Field::min_hal_abi,
                            Field::resources, Field::none,   Field::code_digest};
  for (uint32_t k = kAppId; k <= kCodeDigest; ++k) {
    if (k == kCapabilities || (seen & (1u << k))) continue;
    r = error_at(Status::missing_field, base_offset + size, required[k]);
    return r;
  }
  return r;
}

namespace {

// COSE_Sign1 and the manifest in `content` (the section's content, at module offset `base`).
Result parse_sign1(const uint8_t* content, uint32_t content_size, uint32_t base, Package* pkg) {
  Result r;
  // Module offset of a pointer into the content.
  const auto offset_of = [&](const uint8_t* p) {
    return base + static_cast<uint32_t>(p - content);
  };
  Reader rd(content, content_size, base, &r);
  // COSE_Sign1 = #6.18([protected: bstr, unprotected: {kid}, payload: bstr, signature: bstr])
  rd.field = Field::cose_sign1;
  uint64_t tag = 0;
  uint32_t n = 0;
  if (!rd.tag(&tag)) return r;
  if (tag != kCoseSign1Tag) {
    rd.fail(Status::wrong_type);
    return r;
  }
  if (!tuple(rd, 4)) return r;
  rd.field = Field::protected_header;
  if (!rd.string(cbor::kBytes, &pkg->protected_header, 1, PICOWASM_PKG_MAX_SECTION_BYTES)) return r;
  if (!parse_protected(pkg->protected_header, offset_of(pkg->protected_header.data), &r)) return r;
  rd.field = Field::unprotected_header;
  uint32_t k = 0;
  if (!rd.container(cbor::kMap, &n, 1, 1) || !rd.key(&k, 0, true)) return r;
  if (k != kHeaderKid) {
    rd.fail(Status::unknown_field);
    return r;
  }
  rd.field = Field::kid;
  Span kid;
  if (!rd.string(cbor::kBytes, &kid, kKeyIdBytes, kKeyIdBytes)) return r;
  std::memcpy(pkg->key_id, kid.data, kKeyIdBytes);
  rd.field = Field::payload;
  if (!rd.string(cbor::kBytes, &pkg->payload, 1, PICOWASM_PKG_MAX_MANIFEST_BYTES)) return r;
  rd.field = Field::signature;
  Span sig;
  if (!rd.string(cbor::kBytes, &sig, kSignatureBytes, kSignatureBytes)) return r;
  pkg->signature = sig.data;
  pkg->signature_offset = offset_of(sig.data);
  rd.field = Field::cose_sign1;
  if (!rd.at_end()) {
    rd.fail(Status::trailing_bytes);
    return r;
  }
  return parse_manifest(pkg->payload.data, pkg->payload.size, &pkg->manifest,
                        offset_of(pkg->payload.data));
}

}  // namespace

Result open(const uint8_t* bytes, size_t size, Package* pkg) {
  pkg->bytes = bytes;
  pkg->size = size;
  pkg->signature = nullptr;
  uint32_t content_at = 0;
  const Result r = find_section(Source{read_memory, const_cast<uint8_t*>(bytes), size},
                                &pkg->section_start, &pkg->section_end, &content_at);
  if (!r.ok()) return r;
  return parse_sign1(bytes + content_at, pkg->section_end - content_at, content_at, pkg);
}

Result open_read(ReadFn read, void* ctx, size_t size,
                 uint8_t section[PICOWASM_PKG_MAX_SECTION_BYTES], Package* pkg) {
  pkg->bytes = nullptr;
  pkg->size = size;
  pkg->signature = nullptr;
  uint32_t content_at = 0;
  const Result r =
      find_section(Source{read, ctx, size}, &pkg->section_start, &pkg->section_end, &content_at);
  if (!r.ok()) return r;
  const uint32_t content_size = pkg->section_end - content_at;
  if (!read(ctx, content_at, section, content_size))
    return error_at(Status::read_failed, content_at);
  return parse_sign1(section, content_size, content_at, pkg);
}

}  // namespace package
}  // namespace picowasm
