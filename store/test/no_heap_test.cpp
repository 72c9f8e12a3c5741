// store.no_heap: the app store's operations make no heap call. Start-up (keys, signed packages,
// the RAM flash) may allocate; then the heap is locked (test/no_heap/locked_heap.h) and the store
// formats, installs (streamed, admitted from flash), activates, reports, confirms, rolls back,
// revokes, refuses a broken package, detects a bit flip, uninstalls and mounts again. The one
// exception is inside the signature hook: the host's mbedTLS (Debian's build) takes its bignums
// from calloc, which a firmware points at a static pool; the hook unlocks the heap around it and
// the count of those calls is printed separately. Not a GoogleTest binary: it allocates.
#include <cstdio>

#include "../../test/no_heap/locked_heap.h"
#include "flash.hpp"
#include "test_packages.hpp"

namespace {

namespace pk = picowasm::package;
namespace ps = picowasm::store;
namespace pt = picowasm::store::test;

unsigned g_verifications = 0;

// verify_mbedtls with the heap unlocked for mbedTLS alone.
pk::Status verify_unlocked(void* ctx, const uint8_t key_id[pk::kKeyIdBytes],
                           const uint8_t digest[pk::kDigestBytes],
                           const uint8_t signature[pk::kSignatureBytes]) {
  locked_heap::unlock();
  const pk::Status s = pk::verify_mbedtls(ctx, key_id, digest, signature);
  locked_heap::lock();
  ++g_verifications;
  return s;
}

ps::Store g_store;  // static: a firmware's store lives in .bss
ps::InstallInfo g_info;

ps::Status install(const pt::Bytes& pkg, const ps::Admit& admit) {
  ps::Result r = g_store.install_begin("blink", static_cast<uint32_t>(pkg.size()));
  for (size_t at = 0; r.ok() && at < pkg.size(); at += 40) {
    const size_t n = pkg.size() - at < 40 ? pkg.size() - at : 40;
    r = g_store.install_write(pkg.data() + at, static_cast<uint32_t>(n));
  }
  return r.ok() ? g_store.install_finish(admit, &g_info).status : r.status;
}

}  // namespace

int main() {
  pt::TestKeys keys;
  pt::TestPolicy policy(keys);
  policy.admit.verify = verify_unlocked;
  const pt::Bytes v1 = pt::make_package(keys.a(), "blink", 1);
  const pt::Bytes v2 = pt::make_package(keys.a(), "blink", 2);
  pt::Bytes broken = pt::make_package(keys.a(), "blink", 3);
  broken[broken.size() - 3] ^= 1;
  pk::Package p2;
  pk::Digest revoked;
  if (!pk::open(v2.data(), v2.size(), &p2).ok()) return 1;
  pk::signed_digest(p2, revoked.bytes);
  ps::host::RamFlash flash(256, 16, 6 + (2 * 2 + 1) * 4);  // 2 apps x 2 slots and the spare
  ps::Config config;
  config.device = &flash.device();
  config.num_apps = 2;
  config.slot_bytes = 1024;
  config.confirm_after = 2;
  std::vector<uint8_t>& bytes = flash.bytes();
  const size_t slot_a = 6 * 256;
  int failures = 0;
  auto expect = [&failures](bool ok, const char* what) {
    if (!ok) {
      ++failures;
      std::printf("FAILED: %s\n", what);  // (stdio set up before the lock)
    }
  };
  std::printf("store.no_heap: locking the heap\n");

  locked_heap::lock();
  ps::Activation act;
  ps::RevokeReport report;
  ps::Revocation what;
  what.digest = revoked;
  expect(g_store.mount(config).status == ps::Status::blank, "mount blank");
  expect(g_store.format(config).ok(), "format");
  expect(install(v1, policy.admit) == ps::Status::ok, "install v1");
  for (int i = 0; i < 2; ++i) {
    expect(g_store.activate("blink", &act).ok() && act.trial, "activate v1 in trial");
    expect(g_store.report("blink", ps::Outcome::clean).ok(), "report clean");
  }
  expect(install(v2, policy.admit) == ps::Status::ok, "install v2");
  expect(g_store.activate("blink", &act).ok() && act.version == 2, "activate v2");
  expect(g_store.report("blink", ps::Outcome::trap).ok(), "v2 traps: rolled back");
  expect(install(v2, policy.admit) == ps::Status::ok, "install v2 again");
  expect(g_store.activate("blink", &act).ok(), "activate v2 again");
  expect(g_store.confirm("blink").ok(), "confirm v2");
  expect(g_store.revoke(what, &report).ok() && report.unload_mask == 1, "revoke v2");
  expect(install(broken, policy.admit) == ps::Status::refused, "broken package refused");
  bytes[slot_a + 100] ^= 0x04;
  expect(g_store.activate("blink", &act).status == ps::Status::slot_corrupt, "bit flip found");
  bytes[slot_a + 100] ^= 0x04;
  expect(g_store.activate("blink", &act).ok() && act.version == 1, "v1 runs after revocation");
  expect(g_store.uninstall("blink").ok(), "uninstall");
  expect(g_store.mount(config).ok(), "mount again");
  const unsigned calls = locked_heap::unlock();

  std::printf(
      "store.no_heap: %u heap calls with the heap locked (%u signature verifications "
      "had it unlocked for mbedTLS), %d failed steps\n",
      calls, g_verifications, failures);
  return calls == 0 && failures == 0 && g_verifications >= 4 ? 0 : 1;
}
