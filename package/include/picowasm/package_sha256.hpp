// SHA-256 over mbedTLS for the package layer and the layers above it (the store hashes slots from
// flash with it): one wrapper, so the mbedTLS 2/3 naming difference is handled in one place.
#ifndef PICOWASM_PACKAGE_SHA256_HPP
#define PICOWASM_PACKAGE_SHA256_HPP

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include <cstddef>
#include <cstdint>

namespace picowasm {
namespace package {

// Incremental SHA-256; software SHA-256 cannot fail, so mbedTLS's status results are not needed.
struct Sha256 {
  mbedtls_sha256_context ctx;
  Sha256() {
    mbedtls_sha256_init(&ctx);
#if MBEDTLS_VERSION_MAJOR < 3  // mbedTLS 3 renamed the *_ret functions of 2.x (Debian 12: 2.28)
    mbedtls_sha256_starts_ret(&ctx, 0);
#else
    mbedtls_sha256_starts(&ctx, 0);
#endif
  }
  ~Sha256() { mbedtls_sha256_free(&ctx); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const uint8_t* data, size_t size) {
    if (size == 0) return;
#if MBEDTLS_VERSION_MAJOR < 3
    mbedtls_sha256_update_ret(&ctx, data, size);
#else
    mbedtls_sha256_update(&ctx, data, size);
#endif
  }
  void finish(uint8_t out[32]) {
#if MBEDTLS_VERSION_MAJOR < 3
    mbedtls_sha256_finish_ret(&ctx, out);
#else
    mbedtls_sha256_finish(&ctx, out);
#endif
  }
};

}  // namespace package
}  // namespace picowasm

#endif  // PICOWASM_PACKAGE_SHA256_HPP
