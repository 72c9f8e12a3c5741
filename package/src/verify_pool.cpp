// verify_pooled: the default ECDSA hook with mbedTLS's allocator bound to the context's pool for
// the duration of one verification. The allocator's state is mbedTLS's own (one per program), so
// it is set up at entry and torn down at exit: a firmware verifies one package at a time.
#include "picowasm/verify_pool.hpp"

#include <mbedtls/memory_buffer_alloc.h>

#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || !defined(MBEDTLS_PLATFORM_NO_STD_FUNCTIONS)
#error "verify_pool.cpp needs mbedTLS built with package/device/mbedtls_config.h"
#endif

namespace picowasm {
namespace package {

Status verify_pooled(void* ctx, const uint8_t key_id[kKeyIdBytes],
                     const uint8_t digest[kDigestBytes], const uint8_t signature[kSignatureBytes]) {
  VerifyContext* c = static_cast<VerifyContext*>(ctx);
  if (!c || c->pool_bytes > sizeof c->pool) return Status::verifier_error;
  mbedtls_memory_buffer_alloc_init(c->pool, c->pool_bytes);
  const Status status = verify_mbedtls(&c->keyring, key_id, digest, signature);
  // Back to "no memory": an mbedTLS allocation outside a verification fails instead of
  // reaching the pool of a context that may be gone.
  mbedtls_memory_buffer_alloc_free();
  return status;
}

}  // namespace package
}  // namespace picowasm
