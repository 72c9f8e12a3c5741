// The default signature hook: ECDSA P-256 over mbedTLS. (mbedTLS's bignums allocate through its
// platform calloc: on a device, verify_pooled (verify_pool.cpp) points it at a static pool.)
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>

#include <cstring>

#include "picowasm/package.hpp"

namespace picowasm {
namespace package {
namespace {

constexpr size_t kScalarBytes = kSignatureBytes / 2;

// Owns the mbedTLS objects of one verification, so every exit frees them.
struct Ecdsa {
  mbedtls_ecp_group grp;
  mbedtls_ecp_point q;
  mbedtls_mpi r, s;
  Ecdsa() {
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
  }
  ~Ecdsa() {
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
  }
};

}  // namespace

Status verify_mbedtls(void* keyring, const uint8_t key_id[kKeyIdBytes],
                      const uint8_t digest[kDigestBytes],
                      const uint8_t signature[kSignatureBytes]) {
  const Keyring* ring = static_cast<const Keyring*>(keyring);
  const TrustedKey* key = nullptr;
  for (uint32_t i = 0; ring && i < ring->num_keys; ++i) {
    if (std::memcmp(ring->keys[i].key_id, key_id, kKeyIdBytes) == 0) key = &ring->keys[i];
  }
  if (!key) return Status::unknown_key;
  Ecdsa e;
  if (mbedtls_ecp_group_load(&e.grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
      mbedtls_ecp_point_read_binary(&e.grp, &e.q, key->public_key, kPublicKeyBytes) != 0 ||
      mbedtls_ecp_check_pubkey(&e.grp, &e.q) != 0 ||
      mbedtls_mpi_read_binary(&e.r, signature, kScalarBytes) != 0 ||
      mbedtls_mpi_read_binary(&e.s, signature + kScalarBytes, kScalarBytes) != 0) {
    return Status::verifier_error;
  }
  // Range checks of r and s are mbedtls_ecdsa_verify's (a zero or oversized scalar fails there).
  // Out of memory (an exhausted pool) is the verifier's failure, not the signature's.
  const int ret = mbedtls_ecdsa_verify(&e.grp, digest, kDigestBytes, &e.q, &e.r, &e.s);
  if (ret == MBEDTLS_ERR_MPI_ALLOC_FAILED || ret == MBEDTLS_ERR_ECP_ALLOC_FAILED) {
    return Status::verifier_error;
  }
  if (ret != 0) return Status::bad_signature;
  return Status::ok;
}

}  // namespace package
}  // namespace picowasm
