// Flash cost of the package parser and verifier on Cortex-M4 (scripts/package-footprint-m4.sh):
// built three times with MEASURE 0 (nothing), 1 (open: locate + parse) and 2 (open + verify:
// SHA-256 digests and ECDSA P-256 through verify_mbedtls); the differences are the costs. The
// inputs come through volatile pointers so that nothing folds away.
#include "picowasm/package.hpp"

namespace pk = picowasm::package;

const uint8_t* volatile g_bytes;
volatile size_t g_size;
pk::Keyring* volatile g_keyring;
pk::Package g_package;  // a firmware's static buffer

extern "C" int measure() {
  int status = 0;
#if MEASURE >= 1
  pk::Result r = pk::open(g_bytes, g_size, &g_package);
  status = static_cast<int>(r.status);
#endif
#if MEASURE >= 2
  if (r.ok()) r = pk::verify(g_package, pk::verify_mbedtls, g_keyring);
  status = static_cast<int>(r.status);
#endif
  return status + static_cast<int>(g_size);
}
