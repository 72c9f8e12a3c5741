// Instructions to open and verify a package on Cortex-M4 (scripts/package-footprint-m4.sh, run on
// QEMU mps2-an386 with -icount shift=0): the package and its publisher key are embedded by the
// script (verify_m4_data.h); each step is counted with board_cycles(). Then the verify pool's
// high-water mark: the smallest VerifyContext::pool_bytes with which verification still succeeds
// (binary search; one unit less fails with verifier_error).
#include <cstring>

#include "board.h"
#include "picowasm/verify_pool.hpp"
#include "verify_m4_data.h"  // kPackage, kPackageSize, kPublicKey

namespace pk = picowasm::package;

pk::Package g_package;  // a firmware's static buffers
pk::VerifyContext g_verify;
pk::TrustedKey g_key;

int main() {
  board_init();
  std::memcpy(g_key.public_key, kPublicKey, pk::kPublicKeyBytes);
  pk::key_id_of(g_key.public_key, g_key.key_id);
  g_verify.keyring = pk::Keyring{&g_key, 1};

  const uint64_t t0 = board_cycles();
  pk::Result r = pk::open(kPackage, kPackageSize, &g_package);
  const uint64_t t1 = board_cycles();
  uint8_t digest[pk::kDigestBytes];
  pk::code_digest(g_package, digest);
  const uint64_t t2 = board_cycles();
  if (r.ok()) r = pk::verify(g_package, pk::verify_pooled, &g_verify);  // both digests, then ECDSA
  const uint64_t t3 = board_cycles();
  board_printf("package: %u bytes, status %s\n", static_cast<unsigned>(kPackageSize),
               pk::status_name(r.status));
  board_printf("insns_open=%llu\n", static_cast<unsigned long long>(t1 - t0));
  board_printf("insns_code_digest=%llu\n", static_cast<unsigned long long>(t2 - t1));
  board_printf("insns_verify=%llu\n", static_cast<unsigned long long>(t3 - t2));

  size_t lo = 0, hi = pk::kVerifyPoolBytes;  // lo fails, hi verifies
  while (r.ok() && hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    g_verify.pool_bytes = mid;
    (pk::verify(g_package, pk::verify_pooled, &g_verify).ok() ? hi : lo) = mid;
  }
  g_verify.pool_bytes = hi - 8;
  const pk::Status less = pk::verify(g_package, pk::verify_pooled, &g_verify).status;
  board_printf("pool_high_water=%u (of %u; 8 bytes less: %s)\n", static_cast<unsigned>(hi),
               static_cast<unsigned>(pk::kVerifyPoolBytes), pk::status_name(less));
  board_exit(r.ok() && less == pk::Status::verifier_error ? 0 : 1);
}
