// picowasm app packages (docs/lifecycle.md): a module carrying a signed manifest in the custom
// section "picowasm.package" (a COSE_Sign1 structure, ES256, whose payload is a deterministic CBOR
// manifest). Everything here reads the package in place (it may be in flash), uses no heap and no
// exceptions, and reports a typed Status naming the offending field.
//
//   package::Package pkg;                              // caller memory (~1 KiB)
//   package::Result r = package::open(bytes, size, &pkg);          // locate + parse, no crypto
//   r = package::verify(pkg, hook, hook_ctx);          // code digest, then the signature
//   r = package::admit(pkg, policy, module_cfg, &loaded, &admission);  // the owner's policy
#ifndef PICOWASM_PACKAGE_HPP
#define PICOWASM_PACKAGE_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/board.hpp"
#include "picowasm/config.h"
#include "picowasm/picowasm.hpp"

namespace picowasm {
namespace package {

// The custom section's name.
constexpr char kSectionName[] = "picowasm.package";
constexpr size_t kSectionNameLen = sizeof kSectionName - 1;
constexpr size_t kDigestBytes = 32;     // SHA-256
constexpr size_t kKeyIdBytes = 32;      // SHA-256 of the public key (SEC1 uncompressed point)
constexpr size_t kSignatureBytes = 64;  // ES256: r || s, 32 bytes each (RFC 9053 section 2.1)
constexpr size_t kPublicKeyBytes = 65;  // P-256 SEC1 uncompressed point: 04 || x || y

// X(name, message)
#define PICOWASM_PACKAGE_STATUSES(X)                                                          \
  X(ok, "ok")                                                                                 \
  /* --- the container --- */                                                                 \
  X(not_wasm, "not a WebAssembly module (magic or version)")                                  \
  X(truncated, "truncated: a section runs past the end of the module")                        \
  X(malformed_section, "malformed section header (size or name)")                             \
  X(no_package_section, "no picowasm.package section: the module is not signed")              \
  X(duplicate_package_section, "more than one picowasm.package section")                      \
  X(section_too_large, "picowasm.package section larger than PICOWASM_PKG_MAX_SECTION_BYTES") \
  X(read_failed, "the package could not be read from where it is stored (open_read)")         \
  /* --- COSE_Sign1 and the manifest (Result::field names the field) --- */                   \
  X(malformed_cbor, "malformed or non-deterministic CBOR")                                    \
  X(wrong_type, "wrong CBOR type")                                                            \
  X(missing_field, "required field missing")                                                  \
  X(duplicate_field, "field given twice or keys out of order")                                \
  X(unknown_field, "unknown field")                                                           \
  X(out_of_range, "value out of range")                                                       \
  X(too_long, "longer than its bound in config.h")                                            \
  X(unsupported_algorithm, "unsupported algorithm (ES256 and SHA-256 only)")                  \
  X(trailing_bytes, "bytes after the end of the structure")                                   \
  /* --- verification --- */                                                                  \
  X(digest_mismatch, "code digest does not match the manifest")                               \
  X(unknown_key, "signed by a key the verifier does not know")                                \
  X(bad_signature, "signature does not verify")                                               \
  X(verifier_error, "the signature verifier failed")                                          \
  /* --- admission (the device owner's policy) --- */                                         \
  X(untrusted_publisher, "publisher key not trusted by the policy")                           \
  X(revoked_key, "publisher key revoked")                                                     \
  X(revoked_package, "package digest revoked")                                                \
  X(revoked_version, "app version revoked")                                                   \
  X(downgrade, "version below the app's minimum version")                                     \
  X(hal_abi_mismatch, "needs a HAL ABI version this device does not have")                    \
  X(capability_denied, "requests a capability beyond the publisher's allowance")              \
  X(import_not_requested, "imports a capability class the manifest does not request")         \
  X(resources_exceeded, "resource needs exceed what the device gives")                        \
  X(code_invalid, "the module does not load")

enum class Status : uint8_t {
#define PICOWASM_PACKAGE_STATUS_ENUM(name, msg) name,
  PICOWASM_PACKAGE_STATUSES(PICOWASM_PACKAGE_STATUS_ENUM)
#undef PICOWASM_PACKAGE_STATUS_ENUM
};

// Which part of the package an error is about (wire names in docs/lifecycle.md).
#define PICOWASM_PACKAGE_FIELDS(X)                                                                \
  X(none, "")                                                                                     \
  X(cose_sign1, "COSE_Sign1")                                                                     \
  X(protected_header, "protected") X(alg, "alg") X(unprotected_header, "unprotected")             \
      X(kid, "kid") X(payload, "payload") X(signature, "signature") X(manifest, "manifest")       \
          X(app_id, "app-id") X(version, "version") X(min_hal_abi, "min-hal-abi")                 \
              X(resources, "resources") X(memory_bytes, "memory-bytes")                           \
                  X(stack_bytes, "stack-bytes") X(fuel, "fuel-per-activation")                    \
                      X(capabilities, "capabilities") X(gpio, "gpio") X(i2c, "i2c") X(spi, "spi") \
                          X(uart, "uart") X(pwm, "pwm") X(adc, "adc") X(time, "time")             \
                              X(log, "log") X(rate, "rate") X(code_digest, "code-digest")

enum class Field : uint8_t {
#define PICOWASM_PACKAGE_FIELD_ENUM(name, wire) name,
  PICOWASM_PACKAGE_FIELDS(PICOWASM_PACKAGE_FIELD_ENUM)
#undef PICOWASM_PACKAGE_FIELD_ENUM
};

struct Result {
  Status status = Status::ok;
  Field field = Field::none;  // for the CBOR errors: the field being read
  uint32_t offset = 0;        // byte offset in the module where it went wrong
  // capability_denied / import_not_requested: the class and resource (pin, bus, port, channel;
  // an I2C address or SPI chip select in `detail`); resources_exceeded: the bytes needed.
  board::Class cls = board::Class::hal;
  uint32_t resource = 0;
  uint32_t detail = 0;
  Error engine;  // code_invalid / resources_exceeded: the engine's error
  bool ok() const { return status == Status::ok; }
};

const char* status_message(Status status);  // "code digest does not match the manifest"
const char* status_name(Status status);     // "digest_mismatch"
const char* field_name(Field field);        // "min-hal-abi"

// ---- The parsed package (caller memory; points into the package bytes) ------------------------

struct Span {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
};

struct Resources {
  uint32_t memory_bytes = 0;  // linear memory the app needs (a cap: ResourceLimits::memory_bytes)
  uint32_t stack_bytes = 0;   // value stack (ResourceLimits::stack_bytes)
  uint32_t fuel = 0;          // fuel per activation
};

struct Manifest {
  Span app_id;               // UTF-8 text, 1..PICOWASM_PKG_MAX_APP_ID bytes
  uint32_t version = 0;      // monotonic per app
  uint32_t min_hal_abi = 0;  // (major << 16) | minor
  Resources resources;
  uint8_t code_digest[kDigestBytes] = {};
  // The requested capabilities as a board grant whose arrays are the ones below.
  board::Grant request;
  board::GpioGrant gpio[PICOWASM_PKG_MAX_GPIO];
  board::I2cGrant i2c[PICOWASM_PKG_MAX_I2C];
  board::SpiGrant spi[PICOWASM_PKG_MAX_SPI];
  board::UartGrant uart[PICOWASM_PKG_MAX_UART];
};

struct Package {
  const uint8_t* bytes = nullptr;  // the whole module
  size_t size = 0;
  // The picowasm.package section, header included: [section_start, section_end) is what the code
  // digest leaves out.
  uint32_t section_start = 0, section_end = 0;
  Span protected_header;  // the protected header's bytes (the bstr's content)
  Span payload;           // the manifest's bytes
  uint8_t key_id[kKeyIdBytes] = {};
  const uint8_t* signature = nullptr;  // kSignatureBytes
  uint32_t signature_offset = 0;       // of the signature in the module
  Manifest manifest;
  Package() = default;
  Package(const Package&) = delete;  // manifest.request points into the object itself
  Package& operator=(const Package&) = delete;
};

// Locates the package section (exactly one), parses the COSE_Sign1 structure and the manifest.
// No cryptography. The bytes must outlive `out`.
Result open(const uint8_t* bytes, size_t size, Package* out);

// How open_read() reads a package that is not in memory (a flash without a memory map): `size`
// bytes at module offset `offset` into `out`; false on a read error (read_failed).
using ReadFn = bool (*)(void* ctx, uint32_t offset, uint8_t* out, uint32_t size);

// open() for a package of `size` bytes read through `read`: it reads the section headers, copies
// the package section's content into `section` and parses it there (the spans point into it;
// pkg->bytes is null). Nothing of the module's code is read: the caller computes the code digest
// from where the module lies (the store streams it from flash) and then calls verify_signature().
Result open_read(ReadFn read, void* ctx, size_t size,
                 uint8_t section[PICOWASM_PKG_MAX_SECTION_BYTES], Package* out);

// Parses a manifest on its own (the COSE payload). `base_offset` is added to error offsets.
Result parse_manifest(const uint8_t* data, size_t size, Manifest* out, uint32_t base_offset = 0);

// ---- Digests (SHA-256, in place) ---------------------------------------------------------------

// The code digest: SHA-256 of the module with the picowasm.package section (header included)
// left out, i.e. of bytes [0, section_start) followed by [section_end, size).
void code_digest(const Package& pkg, uint8_t out[kDigestBytes]);
// The package digest, which the signature covers and revocation names: SHA-256 of the COSE
// Sig_structure ["Signature1", protected, h'', payload] (RFC 9052 section 4.4), hashed from its
// pieces in place.
void signed_digest(const Package& pkg, uint8_t out[kDigestBytes]);
// SHA-256 of a public key (SEC1 uncompressed point), its key id.
void key_id_of(const uint8_t public_key[kPublicKeyBytes], uint8_t out[kKeyIdBytes]);

// ---- Signature verification through a hook -----------------------------------------------------

// Verifies an ES256 signature (r || s) over `digest` with the key named `key_id`. Returns ok,
// unknown_key, bad_signature or verifier_error. A firmware with PSA Crypto, TF-M or a hardware
// engine supplies its own; verify_mbedtls below is the default.
using VerifyFn = Status (*)(void* ctx, const uint8_t key_id[kKeyIdBytes],
                            const uint8_t digest[kDigestBytes],
                            const uint8_t signature[kSignatureBytes]);

// Checks the code digest against the manifest (digest_mismatch), then the signature over the
// signed digest through `verify`. If `signed_digest_out` is given it receives the signed digest.
Result verify(const Package& pkg, VerifyFn verify, void* ctx,
              uint8_t signed_digest_out[kDigestBytes] = nullptr);
// The second half of verify(): the signature over the signed digest through `verify` (for a
// package whose code digest the caller checked itself, as after open_read()).
Result verify_signature(const Package& pkg, VerifyFn verify, void* ctx,
                        uint8_t signed_digest_out[kDigestBytes] = nullptr);

// The default hook, over mbedTLS (ECDSA P-256). ctx: a Keyring.
struct TrustedKey {
  uint8_t key_id[kKeyIdBytes];  // key_id_of(public_key)
  uint8_t public_key[kPublicKeyBytes];
};
struct Keyring {
  const TrustedKey* keys = nullptr;
  uint32_t num_keys = 0;
};
Status verify_mbedtls(void* keyring, const uint8_t key_id[kKeyIdBytes],
                      const uint8_t digest[kDigestBytes], const uint8_t signature[kSignatureBytes]);

// ---- Admission against the device owner's policy
// -------------------------------------------------

struct Digest {
  uint8_t bytes[kDigestBytes];
};
struct KeyId {
  uint8_t bytes[kKeyIdBytes];
};
struct Publisher {
  KeyId key;                                // trusted publisher key
  const board::Grant* allowance = nullptr;  // the most its apps may be granted
};
struct AppVersions {  // app id with versions first..last (inclusive)
  const char* app_id = nullptr;
  uint32_t first = 0, last = 0;
};
struct Policy {
  const Publisher* publishers = nullptr;
  uint32_t num_publishers = 0;
  const Digest* revoked_packages = nullptr;  // signed digests
  uint32_t num_revoked_packages = 0;
  const KeyId* revoked_keys = nullptr;
  uint32_t num_revoked_keys = 0;
  const AppVersions* revoked_versions = nullptr;
  uint32_t num_revoked_versions = 0;
  const AppVersions* min_versions = nullptr;  // `first` is the app's minimum version
  uint32_t num_min_versions = 0;
  uint32_t hal_abi_version = PICOWASM_HAL_ABI_VERSION;  // the device's
  // What one app may have: linear memory, value stack, fuel per activation, and the instance's
  // whole buffer (instance_size with the manifest's memory and stack). 0: no limit.
  uint32_t max_memory_bytes = 0, max_stack_bytes = 0, max_fuel = 0;
  size_t max_instance_bytes = 0;
};

struct Admission {
  board::Grant grant;  // the effective grant: the request, rate limits tightened to the policy's
  uint8_t signed_digest[kDigestBytes] = {};
  size_t instance_bytes = 0;  // instance_size() of the app as the manifest sizes it
  const Publisher* publisher = nullptr;
};

// Checks a verified package against `policy` in this order: publisher trusted and not revoked,
// package and version not revoked, no downgrade, HAL ABI, the request within the publisher's
// allowance (each capability in turn), resource needs against the policy's maxima; then loads the
// module with `module_config` (code_invalid if it does not), checks its imports against the
// request and its instance size. On success *module is the loaded module (in
// module_config.arena) and *out the effective grant (pointing into pkg.manifest and the
// allowance). Calls verify() first, so an unverified package is never admitted.
Result admit(const Package& pkg, const Policy& policy, VerifyFn verify_fn, void* verify_ctx,
             const ModuleConfig& module_config, LoadedModule** module, Admission* out);
// The policy checks of admit() that need only the manifest (publisher to resource maxima), for a
// package verified with `out->signed_digest` already set; no code checks (the module is not
// loaded: that needs its bytes in memory). On success out->grant is the effective grant and
// out->instance_bytes 0 (unknown).
Result admit_manifest(const Package& pkg, const Policy& policy, Admission* out);

}  // namespace package
}  // namespace picowasm

#endif  // PICOWASM_PACKAGE_HPP
