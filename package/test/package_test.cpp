// App packages: digests against fixed vectors, hostile packages (each with its own typed error) and
// admission against a policy. The modules are assembled by hand below; keys are made per run.
#include <gtest/gtest.h>
#include <mbedtls/sha256.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "package_host.hpp"

namespace {

namespace pk = picowasm::package;
namespace ph = picowasm::package::host;
using ph::Bytes;
using picowasm::board::Class;
using pk::Field;
using pk::Status;

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
// (module (import "pw_gpio" "write" (func (param i32 i32) (result i32))) (memory 1))
const Bytes kGpioModule = cat(kHeader, {0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,  //
                                        0x02, 0x11, 0x01, 0x07, 'p',  'w',  '_',  'g',  'p',
                                        'i',  'o',  0x05, 'w',  'r',  'i',  't',  'e',  0x00,
                                        0x00,  //
                                        0x05, 0x03, 0x01, 0x00, 0x01});
// (module (func (result i32))): the body leaves no value, a type mismatch (invalid).
const Bytes kInvalidModule = cat(kHeader, {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,  //
                                           0x03, 0x02, 0x01, 0x00,                    //
                                           0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B});

// Bytes before a package section's content: id, 2-byte LEB128 size, name length, name.
constexpr long kSectionHead = 1 + 2 + 1 + static_cast<long>(picowasm::package::kSectionNameLen);

std::string sha_hex(const uint8_t* d) {
  return ph::hex(d, pk::kDigestBytes);
}

// Two publisher keys, made once in a temporary folder.
class Keys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/picowasm-package-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ph::keygen(dir_ + "/a");
    ph::keygen(dir_ + "/b");
    a_ = new ph::Signer(dir_ + "/a");
    b_ = new ph::Signer(dir_ + "/b");
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
    for (const char* f : {"/a", "/a.pub", "/b", "/b.pub"}) std::remove((dir_ + f).c_str());
    rmdir(dir_.c_str());
  }
  void SetUp() override {
    for (int i = 0; i < 2; ++i) {
      const ph::Signer& s = i == 0 ? *a_ : *b_;
      std::copy(s.public_key().begin(), s.public_key().end(), trusted_[i].public_key);
      pk::key_id_of(trusted_[i].public_key, trusted_[i].key_id);
    }
  }

  static ph::ManifestInput manifest(uint32_t version = 1) {
    ph::ManifestInput m;
    m.app_id = "blink";
    m.version = version;
    m.resources = {65536, 4096, 100000};
    ph::add_grant_spec("gpio:13:out", m.grants);
    ph::add_grant_spec("time", m.grants);
    return m;
  }

  // The package's digest and signature checked with key A only (or both keys).
  pk::Result open_verify(const Bytes& bytes, bool both_keys = false) {
    pk::Result r = pk::open(bytes.data(), bytes.size(), &pkg_);
    pk::Keyring ring{trusted_, both_keys ? 2u : 1u};
    if (r.ok()) r = pk::verify(pkg_, pk::verify_mbedtls, &ring);
    return r;
  }

  static std::string dir_;
  static ph::Signer* a_;
  static ph::Signer* b_;
  pk::TrustedKey trusted_[2];
  pk::Package pkg_;
};
std::string Keys::dir_;
ph::Signer* Keys::a_ = nullptr;
ph::Signer* Keys::b_ = nullptr;

// ---- Known answers ----------------------------------------------------------------------------

// FIPS 180-2 appendix B vectors, hashed through code_digest with a "section" cut out of the middle.
TEST(PackageDigest, CodeDigestLeavesOutTheSectionFips180Vectors) {
  const std::string kAbc = "ab[section]c";
  pk::Package p;
  p.bytes = reinterpret_cast<const uint8_t*>(kAbc.data());
  p.size = kAbc.size();
  p.section_start = 2;
  p.section_end = 11;
  uint8_t d[pk::kDigestBytes];
  pk::code_digest(p, d);
  EXPECT_EQ(sha_hex(d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string kLong = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  p.bytes = reinterpret_cast<const uint8_t*>(kLong.data());
  p.size = kLong.size();
  p.section_start = p.section_end = static_cast<uint32_t>(kLong.size());  // at the end, empty
  pk::code_digest(p, d);
  EXPECT_EQ(sha_hex(d), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  p.size = 0;
  p.section_start = p.section_end = 0;
  pk::code_digest(p, d);
  EXPECT_EQ(sha_hex(d), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// The signed digest is SHA-256 of the Sig_structure written out by hand (RFC 9052 section 4.4).
TEST(PackageDigest, SignedDigestIsSha256OfTheSigStructure) {
  const uint8_t prot[] = {0xA1, 0x01, 0x26};
  const uint8_t payload[] = {0xA0};
  pk::Package p;
  p.protected_header = {prot, 3};
  p.payload = {payload, 1};
  const uint8_t sig_structure[] = {0x84, 0x6A, 'S',  'i',  'g',  'n',  'a',  't',  'u', 'r',
                                   'e',  '1',  0x43, 0xA1, 0x01, 0x26, 0x40, 0x41, 0xA0};
  uint8_t want[pk::kDigestBytes], got[pk::kDigestBytes];
  ASSERT_EQ(mbedtls_sha256_ret(sig_structure, sizeof sig_structure, want, 0), 0);
  pk::signed_digest(p, got);
  EXPECT_EQ(sha_hex(got), sha_hex(want));
}

// ---- Round trip --------------------------------------------------------------------------------

TEST_F(Keys, PackOpenVerify) {
  const Bytes pkg = ph::pack(kGpioModule, manifest(7), *a_);
  ASSERT_TRUE(open_verify(pkg).ok()) << ph::describe(open_verify(pkg));
  const pk::Manifest& m = pkg_.manifest;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.app_id.data), m.app_id.size), "blink");
  EXPECT_EQ(m.version, 7u);
  EXPECT_EQ(m.min_hal_abi, 0x00010000u);
  EXPECT_EQ(m.resources.memory_bytes, 65536u);
  EXPECT_EQ(m.resources.stack_bytes, 4096u);
  EXPECT_EQ(m.resources.fuel, 100000u);
  ASSERT_EQ(m.request.num_gpio, 1u);
  EXPECT_EQ(m.request.gpio[0].first, 13);
  EXPECT_EQ(m.request.gpio[0].last, 13);
  EXPECT_EQ(m.request.gpio[0].access, picowasm::board::kOutput);
  EXPECT_TRUE(m.request.time);
  EXPECT_FALSE(m.request.log);
  // The section is appended: the code digest is the digest of the module as it was.
  EXPECT_EQ(pkg_.section_start, kGpioModule.size());
  EXPECT_EQ(pkg_.section_end, pkg.size());
  EXPECT_EQ(sha_hex(m.code_digest),
            ph::hex(ph::sha256(kGpioModule.data(), kGpioModule.size()).data(), pk::kDigestBytes));
  const auto kid = a_->key_id();
  EXPECT_EQ(ph::hex(pkg_.key_id, 32), ph::hex(kid.data(), 32));
}

TEST_F(Keys, GrantSpecsRoundTripThroughTheManifest) {
  ph::ManifestInput in = manifest();
  for (const char* s : {"gpio:0-3:in", "i2c:0:0x48,0x50", "i2c:1:0x10", "spi:0:1@8000000",
                        "uart:0:w", "pwm:0,2", "adc:1", "log", "rate:i2c:100/s,4096B/s"}) {
    ph::add_grant_spec(s, in.grants);
  }
  const Bytes pkg = ph::pack(kHeader, in, *a_);
  ASSERT_TRUE(open_verify(pkg).ok());
  std::string all;
  for (const std::string& s : ph::grant_specs(pkg_.manifest.request)) all += s + " ";
  EXPECT_EQ(all,
            "gpio:13:out gpio:0-3:in i2c:0:0x48,0x50 i2c:1:0x10 spi:0:1@8000000 uart:0:w "
            "pwm:0,2 adc:1 time log rate:i2c:100/s,4096B/s ");
}

// ---- Hostile packages: each gets its own typed error ------------------------------------------

class PackageHostile : public Keys {
 protected:
  // `wasm` with a package section over `payload`, signed by `signer` (correctly, unless told).
  static Bytes signed_package(const Bytes& wasm, const Bytes& payload, const ph::Signer& signer,
                              const Bytes& prot = ph::protected_header_es256()) {
    const Bytes tbs = ph::sig_structure(prot, payload);
    const auto sig = signer.sign(ph::sha256(tbs.data(), tbs.size()).data());
    const auto kid = signer.key_id();
    return cat(wasm, ph::custom_section(pk::kSectionName, ph::cose_sign1(prot, kid.data(), payload,
                                                                         sig.data(), sig.size())));
  }
  // A manifest with field k (1..6) written by fields[k] (skipped if it is null).
  using Writer = std::function<void(ph::Cbor&)>;
  static Bytes manifest_with(std::function<void(Writer*)> change) {
    const Bytes digest = ph::sha256(kHeader.data(), kHeader.size());
    Writer w[7];
    w[1] = [](ph::Cbor& c) { c.text("blink"); };
    w[2] = [](ph::Cbor& c) { c.uint(1); };
    w[3] = [](ph::Cbor& c) { c.uint(0x10000); };
    w[4] = [](ph::Cbor& c) { c.map(3).uint(1).uint(65536).uint(2).uint(4096).uint(3).uint(1000); };
    w[5] = [](ph::Cbor& c) { c.map(1).uint(7).boolean(true); };
    w[6] = [digest](ph::Cbor& c) { c.array(2).nint(-16).bytes(digest); };
    change(w);
    ph::Cbor c;
    size_t n = 0;
    for (int k = 1; k <= 6; ++k) n += w[k] ? 1 : 0;
    c.map(n);
    for (uint32_t k = 1; k <= 6; ++k) {
      if (!w[k]) continue;
      c.uint(k);
      w[k](c);
    }
    return c.out;
  }
  pk::Result field_error(std::function<void(Writer*)> change) {
    return open_verify(signed_package(kHeader, manifest_with(change), *a_));
  }
};

#define EXPECT_STATUS(result, status_, field_)                                                    \
  do {                                                                                            \
    const pk::Result r_ = (result);                                                               \
    EXPECT_EQ(pk::status_name(r_.status), std::string(pk::status_name(status_)))                  \
        << ph::describe(r_);                                                                      \
    EXPECT_EQ(pk::field_name(r_.field), std::string(pk::field_name(field_))) << ph::describe(r_); \
  } while (0)

TEST_F(PackageHostile,
       TheHandWrittenManifestIsValid) {  // so each case below fails for its one change
  EXPECT_TRUE(field_error([](Writer*) {}).ok());
}

TEST_F(PackageHostile, EveryTruncationIsRefused) {
  const Bytes pkg = ph::pack(kGpioModule, manifest(), *a_);
  for (size_t n = 0; n < pkg.size(); ++n) {
    const Bytes cut(pkg.begin(), pkg.begin() + static_cast<long>(n));
    const pk::Result r = open_verify(cut);
    EXPECT_FALSE(r.ok()) << n;
    if (n < kHeader.size()) {
      EXPECT_EQ(r.status, Status::not_wasm) << n;
    } else if (n == kGpioModule.size()) {
      EXPECT_EQ(r.status, Status::no_package_section);
    } else if (n > kGpioModule.size() + 2) {  // past the section id and its 2-byte size
      EXPECT_EQ(r.status, Status::truncated) << n;
    }
  }
}

TEST_F(PackageHostile, WrongSignature) {
  Bytes pkg = ph::pack(kGpioModule, manifest(), *a_);
  pkg[pkg.size() - 10] ^= 0x01;  // inside s
  EXPECT_STATUS(open_verify(pkg), Status::bad_signature, Field::signature);
}

TEST_F(PackageHostile, WrongKey) {
  const Bytes pkg = ph::pack(kGpioModule, manifest(), *b_);
  EXPECT_STATUS(open_verify(pkg), Status::unknown_key, Field::kid);
  EXPECT_TRUE(open_verify(pkg, true).ok());
  // B's signature under A's key id: the key named does not verify it.
  Bytes forged = pkg;
  const auto kid_a = a_->key_id(), kid_b = b_->key_id();
  const auto at = std::search(forged.begin(), forged.end(), kid_b.begin(), kid_b.end());
  ASSERT_NE(at, forged.end());
  std::copy(kid_a.begin(), kid_a.end(), at);
  EXPECT_STATUS(open_verify(forged), Status::bad_signature, Field::signature);
}

TEST_F(PackageHostile, SignatureOverOtherBytes) {
  // Version 1's signature on version 2's manifest (same key, same code).
  const Bytes v1 = ph::pack(kGpioModule, manifest(1), *a_);
  Bytes v2 = ph::pack(kGpioModule, manifest(2), *a_);
  std::copy(v1.end() - pk::kSignatureBytes, v1.end(), v2.end() - pk::kSignatureBytes);
  EXPECT_STATUS(open_verify(v2), Status::bad_signature, Field::signature);
  // The code changed after signing: the manifest's digest no longer matches.
  Bytes patched = v1;
  patched[kGpioModule.size() - 1] = 0x02;  // memory min 1 -> 2 pages
  EXPECT_STATUS(open_verify(patched), Status::digest_mismatch, Field::code_digest);
  // Sections added after signing are code too.
  const Bytes extra = cat(v1, ph::custom_section("name", {0x00}));
  EXPECT_STATUS(open_verify(extra), Status::digest_mismatch, Field::code_digest);
}

TEST_F(PackageHostile, MissingDuplicateOversizedSections) {
  EXPECT_STATUS(open_verify(kGpioModule), Status::no_package_section, Field::none);
  const Bytes pkg = ph::pack(kGpioModule, manifest(), *a_);
  const Bytes section(pkg.begin() + static_cast<long>(kGpioModule.size()), pkg.end());
  EXPECT_STATUS(open_verify(cat(pkg, section)), Status::duplicate_package_section, Field::none);
  const Bytes big = ph::custom_section(pk::kSectionName, Bytes(PICOWASM_PKG_MAX_SECTION_BYTES + 1));
  EXPECT_STATUS(open_verify(cat(kGpioModule, big)), Status::section_too_large, Field::none);
  // A section size that runs past the end, and one that is not a LEB128 u32.
  EXPECT_STATUS(open_verify(cat(kHeader, {0x00, 0x05, 0x01})), Status::truncated, Field::none);
  EXPECT_STATUS(open_verify(cat(kHeader, {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})),
                Status::malformed_section, Field::none);
  Bytes not_wasm = pkg;
  not_wasm[4] = 0x02;  // version 2
  EXPECT_STATUS(open_verify(not_wasm), Status::not_wasm, Field::none);
  // Trailing bytes after the COSE_Sign1 structure inside the section.
  Bytes cose(section.begin() + kSectionHead, section.end());
  cose.push_back(0x00);
  EXPECT_STATUS(open_verify(cat(kGpioModule, ph::custom_section(pk::kSectionName, cose))),
                Status::trailing_bytes, Field::cose_sign1);
}

TEST_F(PackageHostile, CoseHeadersOtherThanEs256AndKid) {
  ph::Cbor es384;
  es384.map(1).uint(1).nint(-35);
  const Bytes payload = manifest_with([](Writer*) {});
  EXPECT_STATUS(open_verify(signed_package(kHeader, payload, *a_, es384.out)),
                Status::unsupported_algorithm, Field::alg);
  ph::Cbor crit;
  crit.map(1).uint(2).array(0);
  EXPECT_STATUS(open_verify(signed_package(kHeader, payload, *a_, crit.out)), Status::unknown_field,
                Field::protected_header);
  // Untagged COSE_Sign1 (tag 18 required).
  const Bytes pkg = signed_package(kHeader, payload, *a_);
  Bytes untagged(pkg.begin() + static_cast<long>(kHeader.size()) + kSectionHead + 1, pkg.end());
  EXPECT_STATUS(open_verify(cat(kHeader, ph::custom_section(pk::kSectionName, untagged))),
                Status::wrong_type, Field::cose_sign1);
}

TEST_F(PackageHostile, ManifestFieldsOutOfRange) {
  EXPECT_STATUS(field_error([](Writer* w) { w[1] = [](ph::Cbor& c) { c.text(""); }; }),
                Status::out_of_range, Field::app_id);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[1] = [](ph::Cbor& c) { c.text(std::string(PICOWASM_PKG_MAX_APP_ID + 1, 'x')); };
                }),
                Status::too_long, Field::app_id);
  EXPECT_STATUS(field_error([](Writer* w) { w[1] = [](ph::Cbor& c) { c.text("blink\x1b[2J"); }; }),
                Status::out_of_range, Field::app_id);
  EXPECT_STATUS(field_error([](Writer* w) { w[1] = [](ph::Cbor& c) { c.text("bl ink"); }; }),
                Status::out_of_range, Field::app_id);
  EXPECT_TRUE(field_error([](Writer* w) {
                w[1] = [](ph::Cbor& c) { c.text("com.example_vendor.blink-2"); };
              }).ok());
  EXPECT_STATUS(field_error([](Writer* w) { w[2] = [](ph::Cbor& c) { c.uint(0x100000000ull); }; }),
                Status::out_of_range, Field::version);
  EXPECT_STATUS(field_error([](Writer* w) { w[2] = [](ph::Cbor& c) { c.text("3"); }; }),
                Status::wrong_type, Field::version);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[4] = [](ph::Cbor& c) {
                    c.map(3).uint(1).uint(65536).uint(2).uint(4).uint(3).uint(1000);
                  };
                }),
                Status::out_of_range, Field::stack_bytes);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[4] = [](ph::Cbor& c) { c.map(2).uint(1).uint(65536).uint(3).uint(1000); };
                }),
                Status::missing_field, Field::stack_bytes);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) {
                    c.map(1).uint(1).array(1).array(3).uint(13).uint(64).uint(2);
                  };
                }),
                Status::out_of_range, Field::gpio);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) {
                    c.map(1).uint(1).array(1).array(3).uint(9).uint(8).uint(2);
                  };
                }),
                Status::out_of_range, Field::gpio);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) {
                    c.map(1).uint(2).array(1).array(2).uint(0).array(1).uint(0x80);
                  };
                }),
                Status::out_of_range, Field::i2c);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) {
                    c.map(1).uint(1).array(PICOWASM_PKG_MAX_GPIO + 1);
                    for (uint32_t i = 0; i <= PICOWASM_PKG_MAX_GPIO; ++i)
                      c.array(3).uint(i).uint(i).uint(1);
                  };
                }),
                Status::too_long, Field::gpio);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) { c.map(1).uint(4).array(1).array(2).uint(0).uint(4); };
                }),
                Status::out_of_range, Field::uart);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[5] = [](ph::Cbor& c) {
                    c.map(1).uint(9).array(1).array(3).uint(0).uint(1).uint(1);
                  };
                }),
                Status::out_of_range, Field::rate);
  EXPECT_STATUS(
      field_error([](Writer* w) { w[5] = [](ph::Cbor& c) { c.map(1).uint(10).uint(1); }; }),
      Status::unknown_field, Field::capabilities);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[6] = [](ph::Cbor& c) { c.array(2).nint(-44).bytes(Bytes(32)); };
                }),
                Status::unsupported_algorithm, Field::code_digest);
  EXPECT_STATUS(field_error([](Writer* w) {
                  w[6] = [](ph::Cbor& c) { c.array(2).nint(-16).bytes(Bytes(31)); };
                }),
                Status::out_of_range, Field::code_digest);
  // Longer than PICOWASM_PKG_MAX_MANIFEST_BYTES: as a COSE payload, and alone (where the error
  // offset was once garbage: found by picowasm-fuzz-package).
  const Bytes big(PICOWASM_PKG_MAX_MANIFEST_BYTES + 1, 0xA0);
  EXPECT_STATUS(open_verify(signed_package(kHeader, big, *a_)), Status::too_long, Field::payload);
  pk::Manifest m;
  const pk::Result r = pk::parse_manifest(big.data(), big.size(), &m, 5);
  EXPECT_STATUS(r, Status::too_long, Field::manifest);
  EXPECT_EQ(r.offset, 5u);
  // Key 100 (found by picowasm-fuzz-package: it once sized a shift).
  ph::Cbor unknown;
  unknown.map(1).uint(100).uint(1);
  EXPECT_STATUS(open_verify(signed_package(kHeader, unknown.out, *a_)), Status::unknown_field,
                Field::manifest);
  EXPECT_STATUS(field_error([](Writer* w) { w[6] = nullptr; }), Status::missing_field,
                Field::code_digest);
  EXPECT_STATUS(field_error([](Writer* w) { w[1] = nullptr; }), Status::missing_field,
                Field::app_id);
}

TEST_F(PackageHostile, NonDeterministicOrMalformedCbor) {
  // Keys out of order / repeated, a non-shortest integer, indefinite length, trailing bytes.
  ph::Cbor swapped;
  swapped.map(2).uint(2).uint(1).uint(1).text("x");
  EXPECT_STATUS(open_verify(signed_package(kHeader, swapped.out, *a_)), Status::duplicate_field,
                Field::manifest);
  ph::Cbor repeated;
  repeated.map(2).uint(1).text("x").uint(1).text("y");
  EXPECT_STATUS(open_verify(signed_package(kHeader, repeated.out, *a_)), Status::duplicate_field,
                Field::manifest);
  const Bytes long_int = {0xA1, 0x02, 0x18, 0x05};  // {2: 5} with 5 in two bytes
  EXPECT_STATUS(open_verify(signed_package(kHeader, long_int, *a_)), Status::malformed_cbor,
                Field::version);
  const Bytes indefinite = {0xBF, 0x02, 0x01, 0xFF};
  EXPECT_STATUS(open_verify(signed_package(kHeader, indefinite, *a_)), Status::malformed_cbor,
                Field::manifest);
  EXPECT_STATUS(
      open_verify(signed_package(kHeader, cat(manifest_with([](Writer*) {}), {0x00}), *a_)),
      Status::trailing_bytes, Field::manifest);
  EXPECT_STATUS(field_error([](Writer* w) { w[2] = [](ph::Cbor& c) { c.head(7, 22); }; }),
                Status::wrong_type, Field::version);  // null
}

// ---- Admission ---------------------------------------------------------------------------------

class PackageAdmit : public PackageHostile {
 protected:
  void SetUp() override {
    PackageHostile::SetUp();
    allowance_.gpio = allow_pins_;
    allowance_.num_gpio = 1;
    allowance_.i2c = allow_i2c_;
    allowance_.num_i2c = 1;
    allowance_.time = true;
    allowance_.rate[static_cast<int>(Class::gpio)].calls_per_s = 10;
    std::copy(trusted_[0].key_id, trusted_[0].key_id + 32, publisher_.key.bytes);
    publisher_.allowance = &allowance_;
    policy_.publishers = &publisher_;
    policy_.num_publishers = 1;
    module_cfg_.arena = arena_.get();
    module_cfg_.arena_size = kArena;
  }
  pk::Result admit(const Bytes& bytes) {
    bytes_ = bytes;  // the package must outlive the loaded module
    pk::Result r = pk::open(bytes_.data(), bytes_.size(), &pkg_);
    pk::Keyring ring{trusted_, 2};
    picowasm::LoadedModule* mod = nullptr;
    if (r.ok()) r = pk::admit(pkg_, policy_, pk::verify_mbedtls, &ring, module_cfg_, &mod, &adm_);
    EXPECT_EQ(mod != nullptr, r.ok());
    return r;
  }
  static constexpr size_t kArena = 64 * 1024;
  picowasm::board::GpioGrant allow_pins_[1] = {{12, 13, picowasm::board::kOutput}};
  picowasm::board::I2cGrant allow_i2c_[1] = {picowasm::board::i2c_grant(0, {0x48})};
  picowasm::board::Grant allowance_;
  pk::Publisher publisher_;
  pk::Policy policy_;
  std::unique_ptr<uint8_t[]> arena_{new uint8_t[kArena]};
  picowasm::ModuleConfig module_cfg_;
  pk::Admission adm_;
  Bytes bytes_;
};

TEST_F(PackageAdmit, AdmitsAndTightensRates) {
  ph::ManifestInput m = manifest();
  ph::add_grant_spec("rate:gpio:100/s", m.grants);
  ph::add_grant_spec("rate:time:5/s", m.grants);
  ASSERT_TRUE(admit(ph::pack(kGpioModule, m, *a_)).ok());
  EXPECT_EQ(adm_.publisher, &publisher_);
  EXPECT_EQ(adm_.grant.num_gpio, 1u);
  EXPECT_EQ(adm_.grant.rate[static_cast<int>(Class::gpio)].calls_per_s, 10u);  // the policy's
  EXPECT_EQ(adm_.grant.rate[static_cast<int>(Class::time)].calls_per_s, 5u);   // the app's
  EXPECT_GT(adm_.instance_bytes, 65536u);  // the memory page at least
}

TEST_F(PackageAdmit, ValidSignatureOnInvalidCode) {
  const pk::Result r = admit(ph::pack(kInvalidModule, manifest(), *a_));
  EXPECT_STATUS(r, Status::code_invalid, Field::none);
  EXPECT_EQ(r.engine.kind(), picowasm::ErrorKind::invalid);
}

TEST_F(PackageAdmit, Downgrade) {
  const pk::AppVersions floor[] = {{"blink", 5, 0}};
  policy_.min_versions = floor;
  policy_.num_min_versions = 1;
  EXPECT_STATUS(admit(ph::pack(kGpioModule, manifest(4), *a_)), Status::downgrade, Field::version);
  EXPECT_TRUE(admit(ph::pack(kGpioModule, manifest(5), *a_)).ok());
  const pk::AppVersions other[] = {{"blinky", 9, 0}, {"blin", 9, 0}};  // other apps' floors
  policy_.min_versions = other;
  policy_.num_min_versions = 2;
  EXPECT_TRUE(admit(ph::pack(kGpioModule, manifest(4), *a_)).ok());
}

TEST_F(PackageAdmit, RevokedDigestKeyAndVersions) {
  const Bytes pkg = ph::pack(kGpioModule, manifest(3), *a_);
  ASSERT_TRUE(admit(pkg).ok());
  pk::Digest revoked;
  std::copy(adm_.signed_digest, adm_.signed_digest + 32, revoked.bytes);
  policy_.revoked_packages = &revoked;
  policy_.num_revoked_packages = 1;
  EXPECT_STATUS(admit(pkg), Status::revoked_package, Field::none);
  // The same manifest re-signed (a new ECDSA signature) has the same signed digest.
  EXPECT_STATUS(admit(ph::pack(kGpioModule, manifest(3), *a_)), Status::revoked_package,
                Field::none);
  EXPECT_TRUE(admit(ph::pack(kGpioModule, manifest(4), *a_)).ok());
  policy_.num_revoked_packages = 0;

  const pk::AppVersions range[] = {{"blink", 2, 3}};
  policy_.revoked_versions = range;
  policy_.num_revoked_versions = 1;
  EXPECT_STATUS(admit(pkg), Status::revoked_version, Field::version);
  EXPECT_TRUE(admit(ph::pack(kGpioModule, manifest(4), *a_)).ok());
  policy_.num_revoked_versions = 0;

  pk::KeyId key;
  std::copy(trusted_[0].key_id, trusted_[0].key_id + 32, key.bytes);
  policy_.revoked_keys = &key;
  policy_.num_revoked_keys = 1;
  EXPECT_STATUS(admit(pkg), Status::revoked_key, Field::kid);
}

TEST_F(PackageAdmit, UntrustedPublisher) {
  // B's key verifies (the verifier knows it) but the policy does not trust it.
  EXPECT_STATUS(admit(ph::pack(kGpioModule, manifest(), *b_)), Status::untrusted_publisher,
                Field::kid);
}

TEST_F(PackageAdmit, RequestBeyondTheAllowanceNamesTheCapability) {
  ph::ManifestInput m = manifest();
  ph::add_grant_spec("gpio:14:out", m.grants);
  pk::Result r = admit(ph::pack(kGpioModule, m, *a_));
  EXPECT_STATUS(r, Status::capability_denied, Field::gpio);
  EXPECT_EQ(r.cls, Class::gpio);
  EXPECT_EQ(r.resource, 14u);
  EXPECT_NE(ph::describe(r).find("pw_gpio pin 14 output"), std::string::npos) << ph::describe(r);

  m = manifest();
  ph::add_grant_spec("gpio:12:in", m.grants);  // pin allowed, but only as an output
  r = admit(ph::pack(kGpioModule, m, *a_));
  EXPECT_EQ(r.resource, 12u);
  EXPECT_EQ(r.detail, picowasm::board::kInput);

  m = manifest();
  ph::add_grant_spec("i2c:0:0x48,0x49", m.grants);
  r = admit(ph::pack(kGpioModule, m, *a_));
  EXPECT_STATUS(r, Status::capability_denied, Field::i2c);
  EXPECT_NE(ph::describe(r).find("pw_i2c bus 0 address 0x49"), std::string::npos)
      << ph::describe(r);

  m = manifest();
  ph::add_grant_spec("log", m.grants);
  EXPECT_STATUS(admit(ph::pack(kGpioModule, m, *a_)), Status::capability_denied, Field::log);
}

TEST_F(PackageAdmit, ImportOfAClassNotRequested) {
  ph::ManifestInput m = manifest();
  m.grants.gpio.clear();  // time only, yet the module imports pw_gpio.write
  const pk::Result r = admit(ph::pack(kGpioModule, m, *a_));
  EXPECT_STATUS(r, Status::import_not_requested, Field::capabilities);
  EXPECT_EQ(r.cls, Class::gpio);
}

TEST_F(PackageAdmit, ResourceNeeds) {
  policy_.max_memory_bytes = 32768;
  EXPECT_STATUS(admit(ph::pack(kGpioModule, manifest(), *a_)), Status::resources_exceeded,
                Field::memory_bytes);
  policy_.max_memory_bytes = 0;
  ph::ManifestInput m = manifest();
  m.resources.memory_bytes = 100;  // below the module's one declared page
  EXPECT_STATUS(admit(ph::pack(kGpioModule, m, *a_)), Status::resources_exceeded,
                Field::memory_bytes);
  policy_.max_fuel = 99999;
  EXPECT_STATUS(admit(ph::pack(kGpioModule, manifest(), *a_)), Status::resources_exceeded,
                Field::fuel);
  policy_.max_fuel = 0;
  policy_.max_instance_bytes = 65536;  // the page alone fills it; stacks do not fit
  const pk::Result r = admit(ph::pack(kGpioModule, manifest(), *a_));
  EXPECT_STATUS(r, Status::resources_exceeded, Field::resources);
  EXPECT_GT(r.detail, 65536u);
}

TEST_F(PackageAdmit, HalAbiVersion) {
  ph::ManifestInput m = manifest();
  m.min_hal_abi = 0x00010001;  // 1.1 on a 1.0 device
  EXPECT_STATUS(admit(ph::pack(kGpioModule, m, *a_)), Status::hal_abi_mismatch, Field::min_hal_abi);
  m.min_hal_abi = 0x00020000;
  EXPECT_STATUS(admit(ph::pack(kGpioModule, m, *a_)), Status::hal_abi_mismatch, Field::min_hal_abi);
  policy_.hal_abi_version = 0x00010002;  // a 1.2 device runs 1.1 apps
  m.min_hal_abi = 0x00010001;
  EXPECT_TRUE(admit(ph::pack(kGpioModule, m, *a_)).ok());
}

}  // namespace
