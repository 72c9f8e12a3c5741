// Host side of app packages (docs/lifecycle.md): grant specs, the JSON manifest, deterministic CBOR
// encoding, P-256 keys and signing with mbedTLS. Host code: the standard library and exceptions
// (std::runtime_error with a message saying what is wrong) are fine here.
#ifndef PICOWASM_PACKAGE_HOST_HPP
#define PICOWASM_PACKAGE_HOST_HPP

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "picowasm/board.hpp"
#include "picowasm/package.hpp"

namespace picowasm::package::host {

using Bytes = std::vector<uint8_t>;

// ---- Grant specs (docs/hal-abi.md, "Grants"): "gpio:13:out", "i2c:0:0x48,0x50", "time", ... ----

struct GrantSet {
  std::vector<board::GpioGrant> gpio;
  std::vector<board::I2cGrant> i2c;    // one entry per bus
  std::vector<board::SpiGrant> spi;    // one entry per bus
  std::vector<board::UartGrant> uart;  // one entry per port
  uint32_t pwm = 0, adc = 0;
  bool time = false, log = false;
  board::RateLimit rate[board::kNumClasses] = {};
  // A board::Grant over the vectors above (valid while this object is unchanged).
  board::Grant view() const;
};

// Adds one spec to `set`; throws std::runtime_error naming the spec and what is wrong with it.
void add_grant_spec(const std::string& spec, GrantSet& set);
// The spec strings of a grant, in the grammar add_grant_spec reads (for inspect).
std::vector<std::string> grant_specs(const board::Grant& grant);

// ---- The manifest ----------------------------------------------------------------------------

struct ManifestInput {
  std::string app_id;
  uint32_t version = 0;
  uint32_t min_hal_abi = PICOWASM_HAL_ABI_VERSION;
  Resources resources;
  GrantSet grants;
};

// Reads the JSON manifest of `picowasm pack` (docs/lifecycle.md): throws naming the key.
ManifestInput manifest_from_json(const std::string& text);

// A deterministic CBOR writer (shortest heads, definite lengths; the caller writes map keys in
// ascending order).
class Cbor {
 public:
  Cbor& head(uint8_t major, uint64_t arg);
  Cbor& uint(uint64_t v) { return head(0, v); }
  Cbor& nint(int64_t v) { return head(1, static_cast<uint64_t>(-1 - v)); }
  Cbor& bytes(const uint8_t* data, size_t size);
  Cbor& bytes(const Bytes& b) { return bytes(b.data(), b.size()); }
  Cbor& text(const std::string& s);
  Cbor& array(size_t n) { return head(4, n); }
  Cbor& map(size_t n) { return head(5, n); }
  Cbor& boolean(bool v) {
    out.push_back(v ? 0xF5 : 0xF4);
    return *this;
  }
  Cbor& raw(const Bytes& b) {
    out.insert(out.end(), b.begin(), b.end());
    return *this;
  }
  Bytes out;
};

// The manifest's CBOR (the COSE payload) with the given code digest. Throws if a list is longer
// than the device's bound (config.h PICOWASM_PKG_MAX_*).
Bytes encode_manifest(const ManifestInput& m, const uint8_t code_digest[kDigestBytes]);

// ---- Keys and signatures ----------------------------------------------------------------------

// Writes a new P-256 private key to `path` (PEM, mode 0600, refused if the file exists) and its
// public key to `path`.pub (PEM SubjectPublicKeyInfo, which openssl reads).
void keygen(const std::string& path);
// The SEC1 uncompressed public point of a PEM or DER public key file (or of a private key file).
std::array<uint8_t, kPublicKeyBytes> load_public_key(const std::string& path);

class Signer {
 public:
  explicit Signer(const std::string& private_key_path);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  const std::array<uint8_t, kPublicKeyBytes>& public_key() const { return public_key_; }
  std::array<uint8_t, kKeyIdBytes> key_id() const;
  // Deterministic ECDSA (RFC 6979) over a SHA-256 digest: r || s.
  std::array<uint8_t, kSignatureBytes> sign(const uint8_t digest[kDigestBytes]) const;

 private:
  struct Impl;
  Impl* impl_;
  std::array<uint8_t, kPublicKeyBytes> public_key_{};
};

// ---- Packages ---------------------------------------------------------------------------------

Bytes sha256(const uint8_t* data, size_t size);

// The protected header every package carries: {1 (alg): -7 (ES256)}.
Bytes protected_header_es256();
// The bytes the signature covers (COSE Sig_structure for COSE_Sign1, RFC 9052 section 4.4).
Bytes sig_structure(const Bytes& protected_header, const Bytes& payload);
// COSE_Sign1 = #6.18([protected, {4: kid}, payload, signature]).
Bytes cose_sign1(const Bytes& protected_header, const uint8_t key_id[kKeyIdBytes],
                 const Bytes& payload, const uint8_t* signature, size_t signature_size);
// A custom section (id 0) named `name` with `content`.
Bytes custom_section(const std::string& name, const Bytes& content);

// Packs `wasm` (which must not carry a package section yet): the manifest with the code digest
// of `wasm`, signed by `signer`, appended as the picowasm.package section.
Bytes pack(const Bytes& wasm, const ManifestInput& manifest, const Signer& signer);

// "gpio:13 out" etc.: a Result as one line of text ("digest_mismatch: code digest does not
// match the manifest (field code-digest, offset 0x1a2)").
std::string describe(const Result& r);

// Lowercase hex.
std::string hex(const uint8_t* data, size_t size);

}  // namespace picowasm::package::host

#endif  // PICOWASM_PACKAGE_HOST_HPP
