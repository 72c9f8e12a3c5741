// package.verify_pool: the device verifier (picowasm_package_device, verify_pooled) uses its
// context's pool and never the C heap, and the pool's high-water mark for one ECDSA P-256
// verification. malloc & co. and operator new/delete are counted and refused once the heap is
// locked (test/no_heap/locked_heap.h); everything after that runs on static buffers. Expected
// outcomes are the hooks' contract: ok for the package as signed by `picowasm pack` (openssl
// accepts the same signatures: package.cli_roundtrip), bad_signature for a flipped signature bit,
// unknown_key without the key, verifier_error for a pool too small. Not GoogleTest (it allocates).
//   picowasm-verify-pool-test PKG.wasm PUBLIC_KEY_HEX     (the 65-byte SEC1 point)
#include "picowasm/verify_pool.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lifecycle_device_snippets.cpp"  // docs/lifecycle.md's ```cpp device block
#include "locked_heap.h"  // test/no_heap: malloc & co. and new/delete, counted once locked

namespace pk = picowasm::package;

namespace {

pk::VerifyContext g_ctx;  // a firmware's static verify context
pk::Package g_package;
unsigned g_failures = 0;

void expect(pk::Status got, pk::Status want, const char* what) {
  std::printf("%-44s %s\n", what, pk::status_name(got));
  if (got != want) {
    std::printf("  FAILED: expected %s\n", pk::status_name(want));
    ++g_failures;
  }
}

pk::Status verify_with_pool(size_t pool_bytes) {
  g_ctx.pool_bytes = pool_bytes;
  return pk::verify(g_package, pk::verify_pooled, &g_ctx).status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::strlen(argv[2]) != 2 * pk::kPublicKeyBytes) {
    std::fprintf(stderr, "usage: %s PKG.wasm PUBLIC_KEY_HEX(130 digits)\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (bytes.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  pk::TrustedKey key;
  for (size_t i = 0; i < pk::kPublicKeyBytes; ++i) {
    key.public_key[i] =
        static_cast<uint8_t>(std::stoul(std::string(argv[2] + 2 * i, 2), nullptr, 16));
  }
  pk::key_id_of(key.public_key, key.key_id);
  std::printf("pool: %zu bytes (PICOWASM_PKG_VERIFY_POOL_BYTES)\n", pk::kVerifyPoolBytes);
  std::fflush(stdout);  // stdio's buffer is allocated before the lock

  locked_heap::lock();
  pk::Result opened = pk::open(bytes.data(), bytes.size(), &g_package);
  expect(opened.status, pk::Status::ok, "open");
  g_ctx.keyring = pk::Keyring{&key, 1};
  expect(verify_with_pool(pk::kVerifyPoolBytes), pk::Status::ok, "verify_pooled, full pool");
  // Outside a pool mbedTLS has no memory at all: the plain hook fails instead of using the heap.
  expect(pk::verify(g_package, pk::verify_mbedtls, &g_ctx.keyring).status,
         pk::Status::verifier_error, "verify_mbedtls with no pool bound");
  expect(verify_with_pool(pk::kVerifyPoolBytes + 1), pk::Status::verifier_error,
         "pool_bytes beyond the pool");
  expect(verify_with_pool(0), pk::Status::verifier_error, "empty pool");

  // The smallest pool that verifies (binary search: a larger pool never hurts a first-fit
  // allocator whose blocks all fit), and that one allocation unit less fails.
  size_t lo = 0, hi = pk::kVerifyPoolBytes;  // lo fails, hi verifies
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    (verify_with_pool(mid) == pk::Status::ok ? hi : lo) = mid;
  }
  expect(verify_with_pool(hi), pk::Status::ok, "verify_pooled, high-water pool");
  expect(verify_with_pool(hi - 8), pk::Status::verifier_error, "verify_pooled, 8 bytes less");

  // A flipped bit in s: the signature fails, and the pool is no excuse.
  const size_t s_offset = static_cast<size_t>(g_package.signature - bytes.data()) + 40;
  bytes[s_offset] ^= 0x01;
  expect(verify_with_pool(pk::kVerifyPoolBytes), pk::Status::bad_signature,
         "verify_pooled, signature bit flipped");
  bytes[s_offset] ^= 0x01;
  g_ctx.keyring = pk::Keyring{};
  expect(verify_with_pool(pk::kVerifyPoolBytes), pk::Status::unknown_key,
         "verify_pooled, key not in the keyring");

  // docs/lifecycle.md's device block: admission (verification from its own static context, then
  // the policy and the engine's load into a static arena) of the package under a policy trusting
  // the key, with the heap still locked.
  static uint8_t arena[64 * 1024];
  static const picowasm::board::Grant kNothing;
  pk::Publisher publisher;
  std::memcpy(publisher.key.bytes, key.key_id, pk::kKeyIdBytes);
  publisher.allowance = &kNothing;
  pk::Policy policy;
  policy.publishers = &publisher;
  policy.num_publishers = 1;
  picowasm::ModuleConfig config;
  config.arena = arena;
  config.arena_size = sizeof arena;
  picowasm::LoadedModule* module = nullptr;
  pk::Admission admission;
  expect(admit_on_device(g_package, policy, &key, 1, config, &module, &admission).status,
         pk::Status::ok, "docs: admit_on_device");
  if (module == nullptr) ++g_failures;
  const unsigned heap_calls = locked_heap::unlock();

  std::printf("pool_high_water=%zu\n", hi);
  std::printf("heap calls while locked: %u\n", heap_calls);
  if (heap_calls != 0) ++g_failures;
  std::printf("%s\n", g_failures == 0 ? "verify pool: all checks passed" : "verify pool: FAILED");
  return g_failures == 0 ? 0 : 1;
}
