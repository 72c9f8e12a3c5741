// Signature verification on a device with no heap (docs/lifecycle.md, "On the device"): the
// verify context owns the keyring and a static pool; while verify_pooled runs, mbedTLS allocates
// its bignums from that pool (MBEDTLS_MEMORY_BUFFER_ALLOC_C), and outside it every mbedTLS
// allocation fails, so the C heap is never used. Library picowasm_package_device: the package
// layer over mbedTLS built from source with package/device/mbedtls_config.h.
//
//   static package::VerifyContext g_verify;            // .bss: keys plus the pool
//   g_verify.keyring = {keys, num_keys};
//   package::Result r = package::verify(pkg, package::verify_pooled, &g_verify);
#ifndef PICOWASM_VERIFY_POOL_HPP
#define PICOWASM_VERIFY_POOL_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/config.h"
#include "picowasm/package.hpp"

namespace picowasm {
namespace package {

// Bytes mbedTLS needs for one ECDSA P-256 verification (the pool's high-water mark, measured by
// the test package.verify_pool, plus a margin).
constexpr size_t kVerifyPoolBytes = PICOWASM_PKG_VERIFY_POOL_BYTES;

struct VerifyContext {
  Keyring keyring;  // the trusted keys (as for verify_mbedtls)
  // How much of `pool` to use (at most kVerifyPoolBytes: tests and measurements use less).
  size_t pool_bytes = kVerifyPoolBytes;
  alignas(8) uint8_t pool[kVerifyPoolBytes];
};

// A VerifyFn (ctx: a VerifyContext): verify_mbedtls with mbedTLS's allocator on ctx->pool for
// the call. An exhausted pool or a pool_bytes beyond the pool is verifier_error.
Status verify_pooled(void* ctx, const uint8_t key_id[kKeyIdBytes],
                     const uint8_t digest[kDigestBytes], const uint8_t signature[kSignatureBytes]);

}  // namespace package
}  // namespace picowasm

#endif  // PICOWASM_VERIFY_POOL_HPP
