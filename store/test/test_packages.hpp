// Signed test packages and an admission policy for the store tests: two publisher keys made per
// run (A trusted, B unknown to the device), small apps padded to span several flash blocks.
#ifndef PICOWASM_STORE_TEST_PACKAGES_HPP
#define PICOWASM_STORE_TEST_PACKAGES_HPP

#include <memory>
#include <string>

#include "package_host.hpp"
#include "picowasm/store.hpp"

namespace picowasm::store::test {

using Bytes = package::host::Bytes;

Bytes cat(Bytes a, const Bytes& b);

// (module (import "pw_gpio" "write" (func (param i32 i32) (result i32))) (memory 1)) plus a
// custom section "pad" of `pad` bytes (so a package spans several blocks).
Bytes gpio_module(size_t pad);
// (module (func (result i32))) with an empty body: signed correctly, but the code is invalid.
Bytes invalid_module();

class TestKeys {
 public:
  TestKeys();  // keygen into a fresh temporary folder
  ~TestKeys();
  const package::host::Signer& a() const { return *a_; }
  const package::host::Signer& b() const { return *b_; }
  const package::TrustedKey* trusted() const { return trusted_; }  // A, then B

 private:
  std::string dir_;
  std::unique_ptr<package::host::Signer> a_, b_;
  package::TrustedKey trusted_[2];
};

// A manifest requesting gpio 13 output and time, the resources the policy allows.
package::host::ManifestInput manifest(const std::string& app_id, uint32_t version);
// app `app_id` version `version` over gpio_module(pad), signed by `signer`.
Bytes make_package(const package::host::Signer& signer, const std::string& app_id, uint32_t version,
                   size_t pad = 300);

// The owner's policy: publisher A may have gpio 12..13 output and time. Both keys are in the
// keyring (so B's packages fail as untrusted_publisher, not as unknown keys) unless one_key.
struct TestPolicy {
  explicit TestPolicy(const TestKeys& keys, bool one_key = true);
  TestPolicy(const TestPolicy&) = delete;
  TestPolicy& operator=(const TestPolicy&) = delete;
  board::GpioGrant pins[1] = {{12, 13, board::kOutput}};
  board::Grant allowance;
  package::Publisher publisher;
  package::Policy policy;
  package::Keyring keyring;
  static constexpr size_t kArena = 64 * 1024;
  std::unique_ptr<uint8_t[]> arena;
  Admit admit;  // policy, verify_mbedtls over the keyring, the arena
};

}  // namespace picowasm::store::test

#endif  // PICOWASM_STORE_TEST_PACKAGES_HPP
