// The package digests over mbedTLS's SHA-256, computed from pieces of the package in place, and
// verify() (the digests, then the signature hook). Kept apart from admit.cpp so that a firmware
// that only verifies links no engine code.
#include <cstring>

#include "cbor.hpp"
#include "picowasm/package.hpp"
#include "picowasm/package_sha256.hpp"

namespace picowasm {
namespace package {

void code_digest(const Package& pkg, uint8_t out[kDigestBytes]) {
  Sha256 h;
  h.update(pkg.bytes, pkg.section_start);
  h.update(pkg.bytes + pkg.section_end, pkg.size - pkg.section_end);
  h.finish(out);
}

void signed_digest(const Package& pkg, uint8_t out[kDigestBytes]) {
  // Sig_structure = ["Signature1", body_protected, external_aad = h'', payload]
  static constexpr uint8_t kContext[] = {0x84, 0x6A, 'S', 'i', 'g', 'n',
                                         'a',  't',  'u', 'r', 'e', '1'};
  static constexpr uint8_t kEmptyAad = 0x40;
  uint8_t head[9];
  Sha256 h;
  h.update(kContext, sizeof kContext);
  h.update(head, cbor::write_head(head, cbor::kBytes, pkg.protected_header.size));
  h.update(pkg.protected_header.data, pkg.protected_header.size);
  h.update(&kEmptyAad, 1);
  h.update(head, cbor::write_head(head, cbor::kBytes, pkg.payload.size));
  h.update(pkg.payload.data, pkg.payload.size);
  h.finish(out);
}

void key_id_of(const uint8_t public_key[kPublicKeyBytes], uint8_t out[kKeyIdBytes]) {
  Sha256 h;
  h.update(public_key, kPublicKeyBytes);
  h.finish(out);
}

Result verify(const Package& pkg, VerifyFn verify_fn, void* ctx,
              uint8_t signed_digest_out[kDigestBytes]) {
  uint8_t d[kDigestBytes];
  code_digest(pkg, d);
  if (std::memcmp(d, pkg.manifest.code_digest, kDigestBytes) != 0) {
    Result r;
    r.status = Status::digest_mismatch;
    r.field = Field::code_digest;
    r.offset = pkg.section_start;
    return r;
  }
  return verify_signature(pkg, verify_fn, ctx, signed_digest_out);
}

Result verify_signature(const Package& pkg, VerifyFn verify_fn, void* ctx,
                        uint8_t signed_digest_out[kDigestBytes]) {
  uint8_t d[kDigestBytes];
  signed_digest(pkg, d);
  if (signed_digest_out) std::memcpy(signed_digest_out, d, kDigestBytes);
  const Status s = verify_fn(ctx, pkg.key_id, d, pkg.signature);
  if (s != Status::ok) {
    Result r;
    r.status = s;
    r.field = s == Status::unknown_key ? Field::kid : Field::signature;
    r.offset = pkg.signature_offset;
    return r;
  }
  return Result();
}

}  // namespace package
}  // namespace picowasm
