// The policy file (policy_json.hpp).
#include "policy_json.hpp"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace picowasm::package::host {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("policy " + path + ": " + what);
}

uint32_t to_u32(const std::string& text, const std::string& what) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error(what + ": '" + text + "' is not a version number");
  const unsigned long long v = std::stoull(text);
  if (v > 0xFFFFFFFFull) throw std::runtime_error(what + ": '" + text + "' is out of range");
  return static_cast<uint32_t>(v);
}

uint32_t json_u32(const std::string& path, const nlohmann::json& j, const std::string& key) {
  if (!j.is_number_unsigned() || j.get<uint64_t>() > 0xFFFFFFFFull)
    fail(path, "'" + key + "' must be an integer from 0 to 4294967295");
  return j.get<uint32_t>();
}

const nlohmann::json& string_list(const std::string& path, const nlohmann::json& j,
                                  const std::string& key) {
  if (!j.is_array()) fail(path, "'" + key + "' must be a list of strings");
  for (const nlohmann::json& e : j)
    if (!e.is_string()) fail(path, "'" + key + "' must be a list of strings");
  return j;
}

KeyId key_id_of_file(const std::string& key_path) {
  const std::array<uint8_t, kPublicKeyBytes> point = load_public_key(key_path);
  KeyId id;
  key_id_of(point.data(), id.bytes);
  return id;
}

}  // namespace

AppVersions parse_app_versions(const std::string& spec, const std::string& what,
                               std::deque<std::string>* app_ids) {
  AppVersions v;
  const size_t at = spec.find('@');
  const std::string id = spec.substr(0, at);
  if (id.empty() || id.size() > PICOWASM_PKG_MAX_APP_ID)
    throw std::runtime_error(what + ": bad app id in '" + spec + "'");
  app_ids->push_back(id);
  v.app_id = app_ids->back().c_str();
  v.first = 0;
  v.last = 0xFFFFFFFFu;
  if (at != std::string::npos) {
    const std::string range = spec.substr(at + 1);
    const size_t dash = range.find('-');
    v.first = to_u32(range.substr(0, dash), what);
    v.last = dash == std::string::npos ? v.first : to_u32(range.substr(dash + 1), what);
    if (v.last < v.first) throw std::runtime_error(what + ": empty range in '" + spec + "'");
  }
  return v;
}

Digest parse_digest(const std::string& text, const std::string& what) {
  Digest d;
  if (text.size() != 2 * kDigestBytes ||
      text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    throw std::runtime_error(what + ": '" + text + "' is not 64 hex digits (a SHA-256 digest)");
  }
  for (size_t i = 0; i < kDigestBytes; ++i)
    d.bytes[i] = static_cast<uint8_t>(std::stoul(text.substr(2 * i, 2), nullptr, 16));
  return d;
}

std::unique_ptr<PolicyFile> load_policy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read policy file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) fail(path, "must be a JSON object");
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  auto relative = [&](const std::string& p) { return !p.empty() && p[0] == '/' ? p : dir + p; };

  auto out = std::make_unique<PolicyFile>();
  PolicyFile& f = *out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const nlohmann::json& v = it.value();
    if (k == "publishers") {
      if (!v.is_array() || v.empty()) fail(path, "'publishers' must be a non-empty list");
      for (const nlohmann::json& p : v) {
        if (!p.is_object() || !p.contains("key") || !p["key"].is_string())
          fail(path, "each publisher needs \"key\": a public key file");
        for (auto pk = p.begin(); pk != p.end(); ++pk)
          if (pk.key() != "key" && pk.key() != "grants")
            fail(path, "unknown publisher key '" + pk.key() + "'");
        const std::string key_path = relative(p["key"].get<std::string>());
        TrustedKey key;
        const std::array<uint8_t, kPublicKeyBytes> point = load_public_key(key_path);
        std::memcpy(key.public_key, point.data(), kPublicKeyBytes);
        key_id_of(key.public_key, key.key_id);
        f.keys.push_back(key);
        f.allowance_sets.emplace_back();
        if (p.contains("grants")) {
          for (const nlohmann::json& g : string_list(path, p["grants"], "grants")) {
            try {
              add_grant_spec(g.get<std::string>(), f.allowance_sets.back());
            } catch (const std::runtime_error& e) {
              fail(path, std::string("publisher ") + key_path + ": " + e.what());
            }
          }
        }
        f.allowances.push_back(f.allowance_sets.back().view());
        Publisher pub;
        std::memcpy(pub.key.bytes, key.key_id, kKeyIdBytes);
        pub.allowance = &f.allowances.back();
        f.publishers.push_back(pub);
      }
    } else if (k == "min_versions") {
      if (!v.is_object()) fail(path, "'min_versions' must map app ids to versions");
      for (auto m = v.begin(); m != v.end(); ++m) {
        AppVersions a = parse_app_versions(m.key(), path + ": min_versions", &f.app_ids);
        a.first = a.last = json_u32(path, m.value(), "min_versions." + m.key());
        f.min_versions.push_back(a);
      }
    } else if (k == "revoked_digests") {
      for (const nlohmann::json& d : string_list(path, v, k))
        f.revoked_packages.push_back(parse_digest(d.get<std::string>(), path + ": " + k));
    } else if (k == "revoked_versions") {
      for (const nlohmann::json& s : string_list(path, v, k))
        f.revoked_versions.push_back(
            parse_app_versions(s.get<std::string>(), path + ": " + k, &f.app_ids));
    } else if (k == "revoked_keys") {
      for (const nlohmann::json& s : string_list(path, v, k))
        f.revoked_keys.push_back(key_id_of_file(relative(s.get<std::string>())));
    } else if (k == "max_memory_bytes") {
      f.policy.max_memory_bytes = json_u32(path, v, k);
    } else if (k == "max_stack_bytes") {
      f.policy.max_stack_bytes = json_u32(path, v, k);
    } else if (k == "max_fuel") {
      f.policy.max_fuel = json_u32(path, v, k);
    } else if (k == "max_instance_bytes") {
      f.policy.max_instance_bytes = json_u32(path, v, k);
    } else {
      fail(path, "unknown key '" + k + "'");
    }
  }
  if (f.publishers.empty()) fail(path, "no \"publishers\": no package could be trusted");
  f.policy.publishers = f.publishers.data();
  f.policy.num_publishers = static_cast<uint32_t>(f.publishers.size());
  f.policy.revoked_packages = f.revoked_packages.data();
  f.policy.num_revoked_packages = static_cast<uint32_t>(f.revoked_packages.size());
  f.policy.revoked_keys = f.revoked_keys.data();
  f.policy.num_revoked_keys = static_cast<uint32_t>(f.revoked_keys.size());
  f.policy.revoked_versions = f.revoked_versions.data();
  f.policy.num_revoked_versions = static_cast<uint32_t>(f.revoked_versions.size());
  f.policy.min_versions = f.min_versions.data();
  f.policy.num_min_versions = static_cast<uint32_t>(f.min_versions.size());
  f.keyring.keys = f.keys.data();
  f.keyring.num_keys = static_cast<uint32_t>(f.keys.size());
  return out;
}

}  // namespace picowasm::package::host
