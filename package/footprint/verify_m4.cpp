// Instructions to open and verify a package on Cortex-M4 (scripts/package-footprint-m4.sh, run on
// QEMU mps2-an386 with -icount shift=0): the package and its publisher key are embedded by the
// script (verify_m4_data.h); each step is counted with board_cycles().
#include <cstring>

#include "board.h"
#include "picowasm/package.hpp"
#include "verify_m4_data.h"  // kPackage, kPackageSize, kPublicKey

namespace pk = picowasm::package;

pk::Package g_package;  // a firmware's static buffers
pk::TrustedKey g_key;

int main() {
  board_init();
  std::memcpy(g_key.public_key, kPublicKey, pk::kPublicKeyBytes);
  pk::key_id_of(g_key.public_key, g_key.key_id);
  pk::Keyring ring{&g_key, 1};

  const uint64_t t0 = board_cycles();
  pk::Result r = pk::open(kPackage, kPackageSize, &g_package);
  const uint64_t t1 = board_cycles();
  uint8_t digest[pk::kDigestBytes];
  pk::code_digest(g_package, digest);
  const uint64_t t2 = board_cycles();
  if (r.ok()) r = pk::verify(g_package, pk::verify_mbedtls, &ring);  // both digests, then ECDSA
  const uint64_t t3 = board_cycles();
  board_printf("package: %u bytes, status %s\n", static_cast<unsigned>(kPackageSize),
               pk::status_name(r.status));
  board_printf("insns_open=%llu\n", static_cast<unsigned long long>(t1 - t0));
  board_printf("insns_code_digest=%llu\n", static_cast<unsigned long long>(t2 - t1));
  board_printf("insns_verify=%llu\n", static_cast<unsigned long long>(t3 - t2));
  board_exit(r.ok() ? 0 : 1);
}
