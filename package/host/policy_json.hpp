// The device owner's policy as a JSON file (docs/lifecycle.md, "The policy file"), for the host
// tools (`picowasm store install --policy FILE`) and tests: read into a package::Policy plus the
// storage it points into, and the keyring of the trusted keys for the signature hook. Host code:
// throws std::runtime_error naming the file and the key that is wrong.
#ifndef PICOWASM_POLICY_JSON_HPP
#define PICOWASM_POLICY_JSON_HPP

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "package_host.hpp"

namespace picowasm::package::host {

struct PolicyFile {
  Policy policy;    // points into the members below
  Keyring keyring;  // the publishers' keys (for verify_mbedtls)

  std::deque<GrantSet> allowance_sets;
  std::deque<board::Grant> allowances;
  std::vector<Publisher> publishers;
  std::vector<TrustedKey> keys;
  std::vector<Digest> revoked_packages;
  std::vector<KeyId> revoked_keys;
  std::deque<std::string> app_ids;
  std::vector<AppVersions> revoked_versions, min_versions;

  PolicyFile() = default;
  PolicyFile(const PolicyFile&) = delete;
  PolicyFile& operator=(const PolicyFile&) = delete;
};

// Reads a policy file; key paths in it are relative to the file's folder.
std::unique_ptr<PolicyFile> load_policy(const std::string& path);

// "blink", "blink@3" or "blink@1-4" (inclusive): the app id and the versions (all of them without
// '@'). Throws naming `what` on a malformed spec.
AppVersions parse_app_versions(const std::string& spec, const std::string& what,
                               std::deque<std::string>* app_ids);

// 64 hex digits -> a digest; throws naming `what`.
Digest parse_digest(const std::string& hex_text, const std::string& what);

}  // namespace picowasm::package::host

#endif  // PICOWASM_POLICY_JSON_HPP
