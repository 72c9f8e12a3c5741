#include "test_packages.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace picowasm::store::test {

namespace ph = package::host;

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

namespace {
const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
}

Bytes gpio_module(size_t pad) {
  const Bytes body = cat(kHeader, {0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,  //
                                   0x02, 0x11, 0x01, 0x07, 'p',  'w',  '_',  'g',  'p',
                                   'i',  'o',  0x05, 'w',  'r',  'i',  't',  'e',  0x00,
                                   0x00,  //
                                   0x05, 0x03, 0x01, 0x00, 0x01});
  if (pad == 0) return body;
  Bytes content(pad);
  for (size_t i = 0; i < pad; ++i) content[i] = static_cast<uint8_t>(i * 7 + 1);
  return cat(body, ph::custom_section("pad", content));
}

Bytes invalid_module() {
  return cat(kHeader, {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,  //
                       0x03, 0x02, 0x01, 0x00,                    //
                       0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B});
}

TestKeys::TestKeys() {
  char tmpl[] = "/tmp/picowasm-store-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  ph::keygen(dir_ + "/a");
  ph::keygen(dir_ + "/b");
  a_ = std::make_unique<ph::Signer>(dir_ + "/a");
  b_ = std::make_unique<ph::Signer>(dir_ + "/b");
  for (int i = 0; i < 2; ++i) {
    const ph::Signer& s = i == 0 ? *a_ : *b_;
    std::copy(s.public_key().begin(), s.public_key().end(), trusted_[i].public_key);
    package::key_id_of(trusted_[i].public_key, trusted_[i].key_id);
  }
}

TestKeys::~TestKeys() {
  for (const char* f : {"/a", "/a.pub", "/b", "/b.pub"}) std::remove((dir_ + f).c_str());
  rmdir(dir_.c_str());
}

ph::ManifestInput manifest(const std::string& app_id, uint32_t version) {
  ph::ManifestInput m;
  m.app_id = app_id;
  m.version = version;
  m.resources = {65536, 4096, 100000};
  ph::add_grant_spec("gpio:13:out", m.grants);
  ph::add_grant_spec("time", m.grants);
  return m;
}

Bytes make_package(const ph::Signer& signer, const std::string& app_id, uint32_t version,
                   size_t pad) {
  return ph::pack(gpio_module(pad), manifest(app_id, version), signer);
}

TestPolicy::TestPolicy(const TestKeys& keys, bool one_key) : arena(new uint8_t[kArena]) {
  allowance.gpio = pins;
  allowance.num_gpio = 1;
  allowance.time = true;
  std::copy(keys.trusted()[0].key_id, keys.trusted()[0].key_id + package::kKeyIdBytes,
            publisher.key.bytes);
  publisher.allowance = &allowance;
  policy.publishers = &publisher;
  policy.num_publishers = 1;
  policy.max_memory_bytes = 64 * 1024;
  keyring.keys = keys.trusted();
  keyring.num_keys = one_key ? 1 : 2;
  admit.policy = &policy;
  admit.verify = package::verify_mbedtls;
  admit.verify_ctx = &keyring;
  admit.module_config.arena = arena.get();
  admit.module_config.arena_size = kArena;
}

}  // namespace picowasm::store::test
