// The app store: hostile packages (each refused with its own typed error, the store byte for byte
// as it was outside the spare slot, the previous version still there and still able to run), a
// flash without a memory map, bit flips in stored packages, mount on garbage, the
// host flashes' NOR rules, and the operations' typed errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "flash.hpp"
#include "test_packages.hpp"

namespace {

namespace pk = picowasm::package;
namespace ph = picowasm::package::host;
namespace ps = picowasm::store;
namespace pt = picowasm::store::test;
using ps::Status;

constexpr uint32_t kBlock = 256, kProg = 16, kSlot = 2048, kApps = 2;
constexpr uint32_t kMetaBytes = 2 * 3 * kBlock;  // two copies of 3 blocks (power_loss_test.cpp)
constexpr uint32_t kPool = 2 * kApps + 1;        // two slots per app and the spare
constexpr uint32_t kBlocks = 6 + kPool * (kSlot / kBlock);

// Flash offset of pool slot `pool` (docs/lifecycle.md: the pool follows the metadata copies).
uint32_t pool_at(uint32_t pool) {
  return kMetaBytes + pool * kSlot;
}

class Store : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new pt::TestKeys(); }
  static void TearDownTestSuite() { delete keys_; }
  void SetUp() override {
    policy_ = std::make_unique<pt::TestPolicy>(*keys_);
    config_.device = &flash_.device();
    config_.num_apps = kApps;
    config_.slot_bytes = kSlot;
    config_.confirm_after = 2;
    ASSERT_TRUE(store_.format(config_).ok());
  }
  ps::Result install(const pt::Bytes& pkg, const char* app = "blink") {
    ps::Result r = store_.install_begin(app, static_cast<uint32_t>(pkg.size()));
    for (size_t at = 0; r.ok() && at < pkg.size(); at += 33) {
      const size_t n = pkg.size() - at < 33 ? pkg.size() - at : 33;
      r = store_.install_write(pkg.data() + at, static_cast<uint32_t>(n));
    }
    return r.ok() ? store_.install_finish(policy_->admit, &info_) : r;
  }
  // Installs and confirms a version (two clean activations).
  void install_confirmed(uint32_t version, const char* app = "blink") {
    ASSERT_TRUE(install(pt::make_package(keys_->a(), app, version), app).ok());
    for (int i = 0; i < 2; ++i) {
      ps::Activation act;
      ASSERT_TRUE(store_.activate(app, &act).ok());
      ASSERT_TRUE(store_.report(app, ps::Outcome::clean).ok());
    }
  }

  static pt::TestKeys* keys_;
  ps::host::RamFlash flash_{kBlock, kProg, kBlocks};
  std::unique_ptr<pt::TestPolicy> policy_;
  ps::Config config_;
  ps::Store store_;
  ps::InstallInfo info_;
};
pt::TestKeys* Store::keys_ = nullptr;

#define EXPECT_STORE(result, status_)                                  \
  do {                                                                 \
    const ps::Result r_ = (result);                                    \
    EXPECT_STREQ(ps::status_name(r_.status), ps::status_name(status_)) \
        << "package: " << pk::status_name(r_.package.status);          \
  } while (0)

TEST_F(Store, InstallActivateConfirmInPlace) {
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 1);
  ASSERT_TRUE(install(pkg).ok());
  EXPECT_EQ(info_.app_index, 0u);
  EXPECT_EQ(info_.slot, 0);
  EXPECT_EQ(info_.pool_slot, 4u);      // the spare after format (the last pool slot) ...
  EXPECT_EQ(store_.spare_slot(), 0u);  // ... and blink's record A gave up slot 0 for it
  EXPECT_TRUE(info_.code_checked);
  EXPECT_EQ(info_.version, 1u);
  EXPECT_EQ(info_.admission.grant.num_gpio, 1u);
  ps::Activation act;
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  EXPECT_TRUE(act.trial);
  // Execute in place: the bytes handed out are the flash itself, at pool slot 4.
  EXPECT_EQ(act.bytes, flash_.bytes().data() + pool_at(4));
  EXPECT_EQ(act.size, pkg.size());
  EXPECT_TRUE(std::equal(pkg.begin(), pkg.end(), act.bytes));
  // The engine loads it from there.
  pk::Package p;
  ASSERT_TRUE(pk::open(act.bytes, act.size, &p).ok());
  picowasm::LoadedModule* mod = nullptr;
  EXPECT_TRUE(picowasm::load(act.bytes, act.size, policy_->admit.module_config, &mod).ok());
  ASSERT_TRUE(store_.confirm("blink").ok());
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));
  EXPECT_STREQ(info.app_id, "blink");
  EXPECT_EQ(info.min_version, 1u);
  EXPECT_EQ(info.confirmed_slot(), 0);
  EXPECT_EQ(info.candidate_slot(), -1);
  // A report of a confirmed version changes nothing; the store survives a remount.
  const uint32_t seq = store_.sequence();
  EXPECT_TRUE(store_.report("blink", ps::Outcome::trap).ok());
  EXPECT_EQ(store_.sequence(), seq);
  ps::Store again;
  ASSERT_TRUE(again.mount(config_).ok());
  EXPECT_EQ(again.sequence(), seq);
  ASSERT_TRUE(again.activate("blink", &act).ok());
  EXPECT_FALSE(act.trial);
  EXPECT_EQ(act.version, 1u);
}

// ---- Hostile packages: each refused with its own typed error, the store untouched ---------------

class StoreHostile : public Store {
 protected:
  void SetUp() override {
    Store::SetUp();
    // After format the spare is pool slot 4. v3 goes there (record A gives up slot 0, the new
    // spare), v4 into slot 0 (record B gives up slot 1): v4 confirmed in 0, v3 previous in 4.
    install_confirmed(3);
    install_confirmed(4);
    ASSERT_EQ(store_.spare_slot(), 1u);
    v3_ = pt::make_package(keys_->a(), "blink", 3);
    before_ = flash_.bytes();
    seq_ = store_.sequence();
  }
  // Everything but the spare, pool slot 1 (where the refused bytes went), is as it was, and the
  // store's state too; v4 runs, and v3, the fallback, is still there: with v4 revoked it runs.
  void expect_untouched(const char* what) {
    const std::vector<uint8_t>& now = flash_.bytes();
    const uint32_t b = pool_at(1);
    EXPECT_TRUE(std::equal(now.begin(), now.begin() + b, before_.begin())) << what;
    EXPECT_TRUE(std::equal(now.begin() + b + kSlot, now.end(), before_.begin() + b + kSlot))
        << what;
    EXPECT_EQ(store_.sequence(), seq_) << what;
    EXPECT_EQ(store_.spare_slot(), 1u) << what;
    ps::host::RamFlash copy(kBlock, kProg, kBlocks);  // a second device with the same bytes
    copy.bytes() = now;
    ps::Config c = config_;
    c.device = &copy.device();
    ps::Store again;
    ASSERT_TRUE(again.mount(c).ok()) << what;
    ps::Activation act;
    ASSERT_TRUE(again.activate("blink", &act).ok()) << what;
    EXPECT_EQ(act.version, 4u) << what;
    EXPECT_FALSE(act.trial) << what;
    ps::AppInfo info;
    ASSERT_TRUE(again.inspect(0, &info)) << what;
    const int prev = info.confirmed_slot() == 0 ? 1 : 0;
    EXPECT_EQ(info.slots[prev].state, ps::SlotState::previous) << what;
    EXPECT_EQ(info.slots[prev].version, 3u) << what;
    ps::Revocation v4;
    v4.kind = ps::Revocation::Kind::versions;
    v4.versions = {"blink", 4, 4};
    ps::RevokeReport report;
    ASSERT_TRUE(again.revoke(v4, &report).ok()) << what;
    ASSERT_TRUE(again.activate("blink", &act).ok()) << what;
    EXPECT_EQ(act.version, 3u) << what;
    EXPECT_EQ(act.bytes, copy.bytes().data() + pool_at(4)) << what;
    ASSERT_EQ(act.size, v3_.size()) << what;
    EXPECT_TRUE(std::equal(v3_.begin(), v3_.end(), act.bytes)) << what;
  }
  // `pkg` refused as store status `s` with package status `p`.
  void expect_refused(const char* what, const pt::Bytes& pkg, Status s, pk::Status p) {
    const ps::Result r = install(pkg);
    EXPECT_STREQ(ps::status_name(r.status), ps::status_name(s)) << what;
    EXPECT_STREQ(pk::status_name(r.package.status), pk::status_name(p)) << what;
    expect_untouched(what);
  }
  // A package over `module` whose manifest is `payload`, signed by A.
  pt::Bytes signed_with_payload(const pt::Bytes& module, const pt::Bytes& payload) {
    const pt::Bytes prot = ph::protected_header_es256();
    const pt::Bytes tbs = ph::sig_structure(prot, payload);
    const auto sig = keys_->a().sign(ph::sha256(tbs.data(), tbs.size()).data());
    const auto kid = keys_->a().key_id();
    return pt::cat(module,
                   ph::custom_section(pk::kSectionName, ph::cose_sign1(prot, kid.data(), payload,
                                                                       sig.data(), sig.size())));
  }
  std::vector<uint8_t> before_;
  uint32_t seq_ = 0;
  pt::Bytes v3_;
};

TEST_F(StoreHostile, Truncated) {
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  expect_refused("truncated", pt::Bytes(pkg.begin(), pkg.end() - 10), Status::refused,
                 pk::Status::truncated);
  expect_refused("module only", pt::gpio_module(300), Status::refused,
                 pk::Status::no_package_section);
}

TEST_F(StoreHostile, WrongSignature) {
  pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  pkg[pkg.size() - 10] ^= 0x01;
  expect_refused("wrong signature", pkg, Status::refused, pk::Status::bad_signature);
}

TEST_F(StoreHostile, WrongKey) {
  // B is not in the device's keyring.
  expect_refused("wrong key", pt::make_package(keys_->b(), "blink", 5), Status::refused,
                 pk::Status::unknown_key);
  // B known to the verifier but not a trusted publisher of the policy.
  policy_->keyring.num_keys = 2;
  expect_refused("untrusted key", pt::make_package(keys_->b(), "blink", 5), Status::refused,
                 pk::Status::untrusted_publisher);
}

TEST_F(StoreHostile, SignatureOverOtherBytes) {
  const pt::Bytes v5 = pt::make_package(keys_->a(), "blink", 5);
  pt::Bytes v6 = pt::make_package(keys_->a(), "blink", 6);
  std::copy(v5.end() - pk::kSignatureBytes, v5.end(), v6.end() - pk::kSignatureBytes);
  expect_refused("v5's signature on v6", v6, Status::refused, pk::Status::bad_signature);
  pt::Bytes patched = v5;
  patched[20] ^= 0x40;  // a code byte after signing
  expect_refused("code changed", patched, Status::refused, pk::Status::digest_mismatch);
}

TEST_F(StoreHostile, ManifestFieldOutOfRange) {
  const pt::Bytes module = pt::gpio_module(300);
  const pt::Bytes digest = ph::sha256(module.data(), module.size());
  ph::Cbor c;  // version 2^32: beyond uint32
  c.map(5).uint(1).text("blink").uint(2).uint(0x100000000ull).uint(3).uint(0x10000);
  c.uint(4).map(3).uint(1).uint(65536).uint(2).uint(4096).uint(3).uint(1000);
  c.uint(6).array(2).nint(-16).bytes(digest);
  expect_refused("version 2^32", signed_with_payload(module, c.out), Status::refused,
                 pk::Status::out_of_range);
}

TEST_F(StoreHostile, DuplicateAndOversizedSections) {
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  const pt::Bytes module = pt::gpio_module(300);
  const pt::Bytes section(pkg.begin() + static_cast<long>(module.size()), pkg.end());
  expect_refused("two package sections", pt::cat(pkg, section), Status::refused,
                 pk::Status::duplicate_package_section);
  const pt::Bytes big =
      ph::custom_section(pk::kSectionName, pt::Bytes(PICOWASM_PKG_MAX_SECTION_BYTES + 1));
  expect_refused("oversized section", pt::cat(module, big), Status::refused,
                 pk::Status::section_too_large);
}

TEST_F(StoreHostile, ValidSignatureOnInvalidCode) {
  expect_refused("invalid code",
                 ph::pack(pt::invalid_module(), pt::manifest("blink", 5), keys_->a()),
                 Status::refused, pk::Status::code_invalid);
}

TEST_F(StoreHostile, DowngradeBelowTheStoresFloor) {
  // The policy has no floor: the store's own min_version (4, from the confirmation) refuses 3.
  expect_refused("downgrade", pt::make_package(keys_->a(), "blink", 3), Status::refused,
                 pk::Status::downgrade);
}

TEST_F(StoreHostile, InterruptedStreamsKeepTheFallback) {
  // An install that never finishes (aborted, or with too many bytes) wrote only the spare.
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  ASSERT_TRUE(store_.install_begin("blink", static_cast<uint32_t>(pkg.size())).ok());
  ASSERT_TRUE(store_.install_write(pkg.data(), 200).ok());
  store_.install_abort();
  expect_untouched("aborted");
  ASSERT_TRUE(store_.install_begin("blink", 100).ok());
  EXPECT_STORE(store_.install_write(pkg.data(), 101), Status::length_mismatch);
  expect_untouched("too many bytes");
}

TEST_F(StoreHostile, AnAdmittedInstallReplacesTheFallback) {
  // The counterpart: an admitted v5 takes the spare (slot 1) and v3's slot 4 becomes the spare.
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 5)).ok());
  EXPECT_EQ(info_.pool_slot, 1u);
  EXPECT_EQ(store_.spare_slot(), 4u);
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));
  EXPECT_EQ(info.slots[info.confirmed_slot()].version, 4u);
  EXPECT_EQ(info.slots[info.candidate_slot()].version, 5u);
  EXPECT_EQ(info.slots[info.candidate_slot()].pool_slot, 1u);
}

TEST_F(StoreHostile, RevokedDigest) {
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  pk::Package p;
  ASSERT_TRUE(pk::open(pkg.data(), pkg.size(), &p).ok());
  pk::Digest revoked;
  pk::signed_digest(p, revoked.bytes);
  policy_->policy.revoked_packages = &revoked;
  policy_->policy.num_revoked_packages = 1;
  expect_refused("revoked digest", pkg, Status::refused, pk::Status::revoked_package);
}

TEST_F(StoreHostile, CapabilityBeyondTheAllowance) {
  ph::ManifestInput m = pt::manifest("blink", 5);
  ph::add_grant_spec("gpio:14:out", m.grants);
  expect_refused("gpio 14", ph::pack(pt::gpio_module(300), m, keys_->a()), Status::refused,
                 pk::Status::capability_denied);
}

TEST_F(StoreHostile, StoreLevelRefusals) {
  // Another app's package under this app's id.
  expect_refused("app id", pt::make_package(keys_->a(), "other", 5), Status::app_id_mismatch,
                 pk::Status::ok);
  // Larger than a slot: refused before anything is erased.
  const std::vector<uint8_t> snapshot = flash_.bytes();
  EXPECT_STORE(store_.install_begin("blink", kSlot + 1), Status::too_large);
  EXPECT_TRUE(flash_.bytes() == snapshot);
  // More or fewer bytes than announced.
  const pt::Bytes pkg = pt::make_package(keys_->a(), "blink", 5);
  ASSERT_TRUE(store_.install_begin("blink", static_cast<uint32_t>(pkg.size())).ok());
  EXPECT_STORE(store_.install_begin("blink", 100), Status::install_active);
  ASSERT_TRUE(store_.install_write(pkg.data(), 100).ok());
  EXPECT_STORE(store_.install_finish(policy_->admit, &info_), Status::length_mismatch);
  EXPECT_STORE(store_.install_write(pkg.data(), 1), Status::no_install);
  ASSERT_TRUE(store_.install_begin("blink", 100).ok());
  EXPECT_STORE(store_.install_write(pkg.data(), 101), Status::length_mismatch);
  EXPECT_STORE(store_.install_begin("bad id!", 100), Status::bad_app_id);
  EXPECT_STORE(store_.install_begin("", 100), Status::bad_app_id);
  expect_untouched("store-level refusals");
}

// ---- A flash without a memory map ---------------------------------------------------------------

// The same RamFlash seen as a device with no memory map (an SPI flash, say): the store reaches it
// through read() only. Everything but running works; running needs the map (execute in place).
class StoreUnmapped : public Store {
 protected:
  void SetUp() override {
    Store::SetUp();
    unmapped_ = flash_.device();
    unmapped_.mapped = nullptr;
    config_.device = &unmapped_;
    ASSERT_TRUE(store_.format(config_).ok());
  }
  // A store over the mapped view of the same bytes (the firmware that can run apps).
  void with_map(ps::Store& s) {
    ps::Config c = config_;
    c.device = &flash_.device();
    ASSERT_TRUE(s.mount(c).ok());
  }
  ps::BlockDevice unmapped_;
};

TEST_F(StoreUnmapped, InstallVerifiesThroughReads) {
  const pt::Bytes v1 = pt::make_package(keys_->a(), "blink", 1);
  ASSERT_TRUE(install(v1).ok());
  EXPECT_FALSE(info_.code_checked);  // the code checks need the module in memory
  EXPECT_EQ(info_.module, nullptr);
  EXPECT_EQ(info_.package.bytes, nullptr);  // parsed from the section read into info_.section
  EXPECT_EQ(info_.package.manifest.version, 1u);
  EXPECT_EQ(info_.admission.grant.num_gpio, 1u);  // the policy's manifest checks did run
  EXPECT_EQ(info_.pool_slot, 4u);
  EXPECT_TRUE(std::equal(v1.begin(), v1.end(), flash_.bytes().begin() + pool_at(4)));
  // The signed digest is the package's, as the mapped path computes it.
  pk::Package p;
  ASSERT_TRUE(pk::open(v1.data(), v1.size(), &p).ok());
  uint8_t digest[32];
  pk::signed_digest(p, digest);
  EXPECT_EQ(std::memcmp(digest, info_.admission.signed_digest, 32), 0);
  EXPECT_TRUE(store_.check_slot(0, 0).ok());

  // Each hostile package gets the same typed error as on a mapped flash, nothing recorded.
  const uint32_t seq = store_.sequence();
  pt::Bytes bad = pt::make_package(keys_->a(), "blink", 2);
  bad[bad.size() - 10] ^= 0x01;
  EXPECT_EQ(install(bad).package.status, pk::Status::bad_signature);
  bad = pt::make_package(keys_->a(), "blink", 2);
  bad[20] ^= 0x40;
  EXPECT_EQ(install(bad).package.status, pk::Status::digest_mismatch);
  EXPECT_EQ(install(pt::make_package(keys_->b(), "blink", 2)).package.status,
            pk::Status::unknown_key);
  bad = pt::make_package(keys_->a(), "blink", 2);
  EXPECT_EQ(install(pt::Bytes(bad.begin(), bad.end() - 10)).package.status, pk::Status::truncated);
  EXPECT_EQ(install(pt::gpio_module(300)).package.status, pk::Status::no_package_section);
  ph::ManifestInput m = pt::manifest("blink", 2);
  ph::add_grant_spec("gpio:14:out", m.grants);
  EXPECT_EQ(install(ph::pack(pt::gpio_module(300), m, keys_->a())).package.status,
            pk::Status::capability_denied);
  EXPECT_STORE(install(pt::make_package(keys_->a(), "other", 2)), Status::app_id_mismatch);
  EXPECT_EQ(store_.sequence(), seq);
}

TEST_F(StoreUnmapped, EverythingButRunningWorks) {
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 1)).ok());
  // Running: a typed error, and nothing changes (the pending version is not made a trial).
  ps::Activation act;
  const uint32_t seq = store_.sequence();
  EXPECT_STORE(store_.activate("blink", &act), Status::not_mapped);
  EXPECT_EQ(act.bytes, nullptr);
  EXPECT_EQ(store_.sequence(), seq);
  EXPECT_NE(std::string(ps::status_message(Status::not_mapped)).find("in place"),
            std::string::npos);
  {  // The firmware that maps the flash runs it in trial.
    ps::Store mapped;
    with_map(mapped);
    ASSERT_TRUE(mapped.activate("blink", &act).ok());
    EXPECT_TRUE(act.trial);
    EXPECT_EQ(act.bytes, flash_.bytes().data() + pool_at(4));
  }
  ASSERT_TRUE(store_.mount(config_).ok());
  ASSERT_TRUE(store_.report("blink", ps::Outcome::clean).ok());
  ASSERT_TRUE(store_.confirm("blink").ok());
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));  // list
  EXPECT_EQ(info.slots[info.confirmed_slot()].version, 1u);
  EXPECT_EQ(info.min_version, 1u);
  // Rollback of a pending v2, then revocation of v1 by version.
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 2)).ok());
  ASSERT_TRUE(store_.rollback("blink").ok());
  ps::Revocation what;
  what.kind = ps::Revocation::Kind::versions;
  what.versions = {"blink", 1, 1};
  ps::RevokeReport report;
  ASSERT_TRUE(store_.revoke(what, &report).ok());
  EXPECT_EQ(report.unload_mask, 1u);
  EXPECT_STORE(store_.activate("blink", &act), Status::not_mapped);  // still: the map comes first
  // A bit flip is found through reads too.
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 3)).ok());
  flash_.bytes()[pool_at(info_.pool_slot) + 50] ^= 0x08;
  EXPECT_STORE(store_.check_slot(0, info_.slot), Status::slot_corrupt);
}

TEST_F(StoreUnmapped, CodeChecksWaitForTheMap) {
  // A valid signature on invalid code: without the module in memory it cannot be loaded, so the
  // install records it (code_checked false); where it runs, the engine refuses to load it, and the
  // trial's failure rolls it back.
  ASSERT_TRUE(install(ph::pack(pt::invalid_module(), pt::manifest("blink", 5), keys_->a())).ok());
  EXPECT_FALSE(info_.code_checked);
  ps::Store mapped;
  with_map(mapped);
  ps::Activation act;
  ASSERT_TRUE(mapped.activate("blink", &act).ok());
  picowasm::LoadedModule* mod = nullptr;
  EXPECT_FALSE(picowasm::load(act.bytes, act.size, policy_->admit.module_config, &mod).ok());
  ASSERT_TRUE(mapped.report("blink", ps::Outcome::trap).ok());
  EXPECT_STORE(mapped.activate("blink", &act), Status::nothing_to_run);
}

// ---- Bit flips
// ------------------------------------------------------------------------------------

TEST_F(Store, BitFlipInEveryByteOfAConfirmedPackageIsDetected) {
  install_confirmed(1);
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));
  const uint32_t size = info.slots[0].length;
  const uint32_t at = pool_at(info.slots[0].pool_slot);
  std::vector<uint8_t>& bytes = flash_.bytes();
  ps::Activation act;
  for (uint32_t i = 0; i < size; ++i) {
    bytes[at + i] ^= static_cast<uint8_t>(1u << (i % 8));
    const ps::Result r = store_.activate("blink", &act);
    EXPECT_EQ(r.status, Status::slot_corrupt) << i;
    EXPECT_EQ(act.bytes, nullptr) << i;
    bytes[at + i] ^= static_cast<uint8_t>(1u << (i % 8));
  }
  EXPECT_TRUE(store_.activate("blink", &act).ok());
}

TEST_F(Store, BitFlipInAPendingUpdateRollsBackToTheConfirmedVersion) {
  install_confirmed(1);
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 2)).ok());
  flash_.bytes()[pool_at(info_.pool_slot) + 77] ^= 0x10;
  ps::Activation act;
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  EXPECT_TRUE(act.rolled_back);
  EXPECT_FALSE(act.trial);
  EXPECT_EQ(act.version, 1u);
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));
  EXPECT_EQ(info.candidate_slot(), -1);
  EXPECT_EQ(store_.check_slot(0, static_cast<uint8_t>(info.confirmed_slot())).status, Status::ok);
}

// ---- Trial rules
// ----------------------------------------------------------------------------------

TEST_F(Store, TrialRulesAndTheirErrors) {
  EXPECT_STORE(store_.confirm("blink"), Status::no_such_app);
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 1)).ok());
  EXPECT_STORE(store_.confirm("blink"), Status::no_trial);  // pending, never ran
  EXPECT_STORE(store_.report("blink", ps::Outcome::clean), Status::no_trial);
  ps::Activation act;
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  ASSERT_TRUE(store_.report("blink", ps::Outcome::exhausted).ok());  // first version: gone
  EXPECT_STORE(store_.activate("blink", &act), Status::nothing_to_run);
  EXPECT_STORE(store_.rollback("blink"), Status::nothing_to_roll_back);
  // A trial blocks installs until it is decided; a report without an activation is refused.
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 2)).ok());
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  EXPECT_STORE(store_.install_begin("blink", 500), Status::trial_running);
  ASSERT_TRUE(store_.report("blink", ps::Outcome::clean).ok());
  EXPECT_STORE(store_.report("blink", ps::Outcome::clean), Status::bad_argument);
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  ASSERT_TRUE(store_.report("blink", ps::Outcome::clean).ok());  // the second: confirmed
  ps::AppInfo info;
  ASSERT_TRUE(store_.inspect(0, &info));
  // Neither record held a version after the first one failed: the install replaced the record
  // on the lower pool slot, B (slot 1; A had taken the spare, slot 4).
  EXPECT_EQ(info.confirmed_slot(), 1);
  EXPECT_EQ(info.slots[1].pool_slot, 0u);
  EXPECT_EQ(info.min_version, 2u);
  // Uninstall keeps the floor: version 1 stays refused.
  ASSERT_TRUE(store_.uninstall("blink").ok());
  ASSERT_TRUE(store_.inspect(0, &info));
  EXPECT_FALSE(info.installed);
  const ps::Result r = install(pt::make_package(keys_->a(), "blink", 1));
  EXPECT_EQ(r.package.status, pk::Status::downgrade);
  // Two apps fill the table.
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "clock", 1), "clock").ok());
  EXPECT_STORE(store_.install_begin("third", 500), Status::table_full);
}

TEST_F(Store, RevocationFallsBackAndNamesTheInstancesToUnload) {
  install_confirmed(1);
  install_confirmed(2);  // 2 confirmed in B, 1 previous in A
  install_confirmed(7, "clock");
  ps::Revocation what;
  what.kind = ps::Revocation::Kind::versions;
  what.versions = {"blink", 2, 9};
  ps::RevokeReport report;
  ASSERT_TRUE(store_.revoke(what, &report).ok());
  EXPECT_EQ(report.unload_mask, 1u);  // blink (entry 0) only
  EXPECT_EQ(report.revoked_slots, 1u);
  ps::Activation act;
  ASSERT_TRUE(store_.activate("blink", &act).ok());
  EXPECT_EQ(act.version, 1u);  // the last good version
  // Nothing matches: no metadata write.
  const uint32_t seq = store_.sequence();
  ASSERT_TRUE(store_.revoke(what, &report).ok());
  EXPECT_EQ(report.revoked_slots, 0u);
  EXPECT_EQ(store_.sequence(), seq);
  // The key: everything it signed; nothing left to run.
  what.kind = ps::Revocation::Kind::key;
  std::copy(keys_->trusted()[0].key_id, keys_->trusted()[0].key_id + 32, what.key.bytes);
  ASSERT_TRUE(store_.revoke(what, &report).ok());
  EXPECT_EQ(report.unload_mask, 3u);
  EXPECT_STORE(store_.activate("blink", &act), Status::nothing_to_run);
  EXPECT_STORE(store_.activate("clock", &act), Status::nothing_to_run);
}

// ---- Mount on anything
// ------------------------------------------------------------------------------

TEST_F(Store, MountOnBlankGarbageAndDamage) {
  ps::host::RamFlash blank(kBlock, kProg, kBlocks);
  ps::Config c = config_;
  c.device = &blank.device();
  ps::Store s;
  EXPECT_STORE(s.mount(c), Status::blank);
  EXPECT_FALSE(s.mounted());
  EXPECT_STORE(s.activate("blink", &*std::make_unique<ps::Activation>()), Status::not_mounted);
  std::fill(blank.bytes().begin(), blank.bytes().end(), 0);
  EXPECT_STORE(s.mount(c), Status::corrupt_metadata);
  std::mt19937 rng(12345);
  for (int round = 0; round < 500; ++round) {
    for (uint8_t& b : blank.bytes()) b = static_cast<uint8_t>(rng());
    const ps::Result r = s.mount(c);
    EXPECT_EQ(r.status, Status::corrupt_metadata) << round;
  }
  // Another layout on the same flash.
  c = config_;
  c.num_apps = 1;
  EXPECT_STORE(s.mount(c), Status::layout_mismatch);
  c.slot_bytes = 100;
  EXPECT_STORE(s.mount(c), Status::bad_config);
  {  // The other way round: a one-app store mounted as a two-app one.
    ps::host::RamFlash small(kBlock, kProg, kBlocks);
    ps::Config one = config_;
    one.device = &small.device();
    one.num_apps = 1;
    ASSERT_TRUE(s.format(one).ok());
    one.num_apps = 2;
    EXPECT_STORE(s.mount(one), Status::layout_mismatch);
  }
  c = config_;
  c.slot_bytes = kSlot * 8;
  EXPECT_STORE(s.mount(c), Status::bad_config);  // does not fit
  // The newer copy damaged: the older one (one operation back) mounts.
  install_confirmed(1);
  const uint32_t seq = store_.sequence();
  ASSERT_TRUE(store_.rollback("blink").status == Status::nothing_to_roll_back);
  ps::Activation act;
  ASSERT_TRUE(install(pt::make_package(keys_->a(), "blink", 2)).ok());  // seq + 1, pending
  const uint32_t newest = (store_.sequence() % 2 == 1) ? 0 : 1;  // format wrote seq 1 to copy 0
  flash_.bytes()[newest * 3 * kBlock + 40] ^= 0x01;
  ASSERT_TRUE(s.mount(config_).ok());
  EXPECT_EQ(s.sequence(), seq);
  ps::AppInfo info;
  ASSERT_TRUE(s.inspect(0, &info));
  EXPECT_EQ(info.candidate_slot(), -1);  // the pending install is not in the older copy
  EXPECT_EQ(info.confirmed_slot(), 0);
}

// ---- Host flashes
// ---------------------------------------------------------------------------------

TEST(StoreFlash, RamFlashEnforcesNorRules) {
  ps::host::RamFlash f(256, 16, 4);
  const ps::BlockDevice& d = f.device();
  uint8_t data[32] = {};
  EXPECT_EQ(d.prog(d.context, 0, 0, data, 16), 0);
  EXPECT_EQ(d.prog(d.context, 0, 0, data, 16), ps::host::kNotErased);  // not erased
  EXPECT_EQ(d.prog(d.context, 0, 8, data, 16), ps::host::kMisaligned);
  EXPECT_EQ(d.prog(d.context, 0, 16, data, 15), ps::host::kMisaligned);
  EXPECT_EQ(d.prog(d.context, 0, 256 - 16, data, 32), ps::host::kMisaligned);  // crosses a block
  EXPECT_EQ(d.prog(d.context, 4, 0, data, 16), ps::host::kOutOfRange);
  EXPECT_EQ(d.erase(d.context, 4), ps::host::kOutOfRange);
  EXPECT_EQ(d.erase(d.context, 0), 0);
  EXPECT_EQ(f.bytes()[0], 0xFF);
  uint8_t out[4];
  EXPECT_EQ(d.read(d.context, 0, 254, out, 4), ps::host::kMisaligned);
  EXPECT_EQ(f.progs(), 1u);
  EXPECT_EQ(f.erases(), 1u);
}

TEST(StoreFlash, FaultFlashAppliesHalfTheCutOperation) {
  ps::host::FaultFlash f(256, 16, 4);
  const ps::BlockDevice& d = f.device();
  uint8_t zeros[32] = {};
  f.cut_at(2);
  EXPECT_EQ(d.prog(d.context, 1, 0, zeros, 32), 0);
  EXPECT_EQ(d.prog(d.context, 0, 0, zeros, 32), ps::host::kPoweredOff);
  EXPECT_EQ(f.bytes()[15], 0x00);  // the first half made it
  EXPECT_EQ(f.bytes()[16], 0xFF);
  EXPECT_EQ(d.erase(d.context, 1), ps::host::kPoweredOff);  // off until power_on()
  f.power_on();
  f.cut_at(1);
  EXPECT_EQ(d.erase(d.context, 1), ps::host::kPoweredOff);
  EXPECT_EQ(f.bytes()[256], 0xFF);  // first half of block 1 erased ...
  // The other half, for flashes that do not program or erase in address order.
  ps::host::FaultFlash g(256, 16, 4);
  const ps::BlockDevice& e = g.device();
  g.set_partial(ps::host::FaultFlash::Partial::second_half);
  g.cut_at(1);
  EXPECT_EQ(e.prog(e.context, 0, 0, zeros, 32), ps::host::kPoweredOff);
  EXPECT_EQ(g.bytes()[15], 0xFF);
  EXPECT_EQ(g.bytes()[16], 0x00);
  g.power_on();
  EXPECT_EQ(e.prog(e.context, 0, 128, zeros, 32), 0);
  g.cut_at(1);
  EXPECT_EQ(e.erase(e.context, 0), ps::host::kPoweredOff);
  EXPECT_EQ(g.bytes()[16], 0x00);   // the first half keeps its old bytes
  EXPECT_EQ(g.bytes()[128], 0xFF);  // the second half is erased
}

TEST(StoreFlash, FileFlashKeepsTheStoreAcrossOpens) {
  char path[] = "/tmp/picowasm-store-flash-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  pt::TestKeys keys;
  pt::TestPolicy policy(keys);
  {
    ps::host::FileFlash f(path, kBlock, kProg, kBlocks);
    ps::Config c;
    c.device = &f.device();
    c.num_apps = kApps;
    c.slot_bytes = kSlot;
    ps::Store s;
    EXPECT_EQ(s.mount(c).status, Status::blank);
    ASSERT_TRUE(s.format(c).ok());
    const pt::Bytes pkg = pt::make_package(keys.a(), "blink", 3);
    ASSERT_TRUE(s.install_begin("blink", static_cast<uint32_t>(pkg.size())).ok());
    ASSERT_TRUE(s.install_write(pkg.data(), static_cast<uint32_t>(pkg.size())).ok());
    ps::InstallInfo info;
    ASSERT_TRUE(s.install_finish(policy.admit, &info).ok());
  }
  {
    ps::host::FileFlash f(path, kBlock, kProg, kBlocks);
    ps::Config c;
    c.device = &f.device();
    c.num_apps = kApps;
    c.slot_bytes = kSlot;
    ps::Store s;
    ASSERT_TRUE(s.mount(c).ok());
    ps::Activation act;
    ASSERT_TRUE(s.activate("blink", &act).ok());
    EXPECT_EQ(act.version, 3u);
  }
  EXPECT_THROW(ps::host::FileFlash(path, kBlock, kProg, kBlocks + 1), std::runtime_error);
  std::remove(path);
}

}  // namespace
