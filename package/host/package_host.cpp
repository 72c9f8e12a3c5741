// Host side of app packages: JSON manifest, CBOR encoding, keys, signing, packing.
#include "package_host.hpp"

#include <fcntl.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cbor.hpp"

#if MBEDTLS_VERSION_MAJOR != 2
#error "the host tools use the mbedTLS 2.x API (Debian 12: libmbedtls-dev 2.28)"
#endif

namespace picowasm::package::host {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

std::string mbedtls_text(int code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "-0x%04x", static_cast<unsigned>(-code));
  return std::string("mbedTLS error ") + buf;
}

void check(int code, const char* what) {
  if (code != 0) fail(std::string(what) + ": " + mbedtls_text(code));
}

// An entropy-seeded DRBG (key generation; blinding in deterministic signing).
struct Random {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  Random() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    static const char kPersonal[] = "picowasm package";
    check(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                reinterpret_cast<const unsigned char*>(kPersonal),
                                sizeof kPersonal - 1),
          "seeding the random generator");
  }
  ~Random() {
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
};

struct Pk {
  mbedtls_pk_context ctx;
  Pk() { mbedtls_pk_init(&ctx); }
  ~Pk() { mbedtls_pk_free(&ctx); }
};

// The key must be an EC key on P-256.
mbedtls_ecp_keypair* p256(Pk& pk, const std::string& path) {
  if (mbedtls_pk_get_type(&pk.ctx) != MBEDTLS_PK_ECKEY) fail(path + ": not an EC key");
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(pk.ctx);
  if (ec->grp.id != MBEDTLS_ECP_DP_SECP256R1) fail(path + ": not a P-256 (prime256v1) key");
  return ec;
}

std::array<uint8_t, kPublicKeyBytes> point_bytes(const mbedtls_ecp_keypair* ec) {
  std::array<uint8_t, kPublicKeyBytes> out{};
  size_t n = 0;
  check(mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &n,
                                       out.data(), out.size()),
        "writing the public key");
  if (n != out.size()) fail("public key has an unexpected size");
  return out;
}

void write_new_file(const std::string& path, const unsigned char* pem, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) fail("cannot create " + path + ": " + std::strerror(errno));
  const size_t n = std::strlen(reinterpret_cast<const char*>(pem));
  const bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, pem, n) == static_cast<ssize_t>(n);
  const int err = errno;
  ::close(fd);
  if (!ok) fail("cannot write " + path + ": " + std::strerror(err));
}

uint32_t json_u32(const nlohmann::json& j, const std::string& key) {
  if (!j.is_number_unsigned() || j.get<uint64_t>() > 0xFFFFFFFFu) {
    fail("manifest: '" + key + "' must be an integer from 0 to 4294967295");
  }
  return j.get<uint32_t>();
}

// "1.0" or (major << 16) | minor as an integer.
uint32_t json_abi(const nlohmann::json& j) {
  if (j.is_number_unsigned()) return json_u32(j, "min_hal_abi");
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    unsigned major = 0, minor = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%u.%u%c", &major, &minor, &tail) == 2 && major <= 0xFFFF &&
        minor <= 0xFFFF) {
      return (major << 16) | minor;
    }
  }
  fail("manifest: 'min_hal_abi' must be \"MAJOR.MINOR\" (e.g. \"1.0\") or an integer");
}

void check_bound(size_t n, uint32_t max, const char* what) {
  if (n > max) {
    fail(std::string("manifest: ") + what + ": " + std::to_string(n) + " entries, a device reads " +
         std::to_string(max) + " at most (config.h)");
  }
}

}  // namespace

// ---- JSON manifest ----

ManifestInput manifest_from_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(std::string("manifest is not JSON: ") + e.what());
  }
  if (!j.is_object()) fail("manifest: expected a JSON object");
  ManifestInput m;
  for (const char* required : {"app_id", "version", "resources"}) {
    if (!j.contains(required)) fail(std::string("manifest: '") + required + "' is missing");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const nlohmann::json& v = it.value();
    if (k == "app_id") {
      if (!v.is_string()) fail("manifest: 'app_id' must be a string");
      m.app_id = v.get<std::string>();
      if (m.app_id.empty() || m.app_id.size() > PICOWASM_PKG_MAX_APP_ID) {
        fail("manifest: 'app_id' must have 1 to " + std::to_string(PICOWASM_PKG_MAX_APP_ID) +
             " bytes");
      }
      for (char ch : m.app_id) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') {
          fail("manifest: 'app_id' may only hold letters, digits, '.', '_' and '-'");
        }
      }
    } else if (k == "version") {
      m.version = json_u32(v, k);
    } else if (k == "min_hal_abi") {
      m.min_hal_abi = json_abi(v);
    } else if (k == "resources") {
      if (!v.is_object()) fail("manifest: 'resources' must be an object");
      for (const char* r : {"memory_bytes", "stack_bytes", "fuel"}) {
        if (!v.contains(r)) fail(std::string("manifest: 'resources.") + r + "' is missing");
      }
      for (auto r = v.begin(); r != v.end(); ++r) {
        const std::string name = "resources." + r.key();
        if (r.key() == "memory_bytes") {
          m.resources.memory_bytes = json_u32(r.value(), name);
        } else if (r.key() == "stack_bytes") {
          m.resources.stack_bytes = json_u32(r.value(), name);
        } else if (r.key() == "fuel") {
          m.resources.fuel = json_u32(r.value(), name);
        } else {
          fail("manifest: unknown key '" + name + "'");
        }
      }
    } else if (k == "grants") {
      if (!v.is_array()) fail("manifest: 'grants' must be an array of grant specs");
      for (const nlohmann::json& g : v) {
        if (!g.is_string()) fail("manifest: each grant must be a string such as \"gpio:13:out\"");
        add_grant_spec(g.get<std::string>(), m.grants);
      }
    } else {
      fail("manifest: unknown key '" + k + "'");
    }
  }
  return m;
}

// ---- CBOR ----

Cbor& Cbor::head(uint8_t major, uint64_t arg) {
  uint8_t buf[9];
  const size_t n = cbor::write_head(buf, static_cast<cbor::Major>(major), arg);
  out.insert(out.end(), buf, buf + n);
  return *this;
}
Cbor& Cbor::bytes(const uint8_t* data, size_t size) {
  head(2, size);
  out.insert(out.end(), data, data + size);
  return *this;
}
Cbor& Cbor::text(const std::string& s) {
  head(3, s.size());
  out.insert(out.end(), s.begin(), s.end());
  return *this;
}

Bytes encode_manifest(const ManifestInput& m, const uint8_t code_digest[kDigestBytes]) {
  const GrantSet& g = m.grants;
  check_bound(g.gpio.size(), PICOWASM_PKG_MAX_GPIO, "gpio ranges");
  check_bound(g.i2c.size(), PICOWASM_PKG_MAX_I2C, "i2c buses");
  check_bound(g.spi.size(), PICOWASM_PKG_MAX_SPI, "spi buses");
  check_bound(g.uart.size(), PICOWASM_PKG_MAX_UART, "uart ports");
  uint32_t num_rates = 0;
  for (const auto& r : g.rate) num_rates += (r.calls_per_s || r.bytes_per_s) ? 1 : 0;
  const size_t num_caps = (g.gpio.empty() ? 0 : 1) + (g.i2c.empty() ? 0 : 1) +
                          (g.spi.empty() ? 0 : 1) + (g.uart.empty() ? 0 : 1) + (g.pwm ? 1 : 0) +
                          (g.adc ? 1 : 0) + (g.time ? 1 : 0) + (g.log ? 1 : 0) +
                          (num_rates ? 1 : 0);
  Cbor c;
  c.map(num_caps ? 6 : 5);
  c.uint(1).text(m.app_id);
  c.uint(2).uint(m.version);
  c.uint(3).uint(m.min_hal_abi);
  c.uint(4).map(3).uint(1).uint(m.resources.memory_bytes).uint(2).uint(m.resources.stack_bytes);
  c.uint(3).uint(m.resources.fuel);
  if (num_caps) {
    c.uint(5).map(num_caps);
    if (!g.gpio.empty()) {
      c.uint(1).array(g.gpio.size());
      for (const auto& e : g.gpio) c.array(3).uint(e.first).uint(e.last).uint(e.access);
    }
    if (!g.i2c.empty()) {
      c.uint(2).array(g.i2c.size());
      for (const auto& e : g.i2c) {
        std::vector<uint32_t> addrs;
        for (uint32_t a = 0; a < 128; ++a) {
          if ((e.addrs[a >> 5] >> (a & 31)) & 1) addrs.push_back(a);
        }
        check_bound(addrs.size(), PICOWASM_PKG_MAX_I2C_ADDRS, "i2c addresses on one bus");
        c.array(2).uint(e.bus).array(addrs.size());
        for (uint32_t a : addrs) c.uint(a);
      }
    }
    if (!g.spi.empty()) {
      c.uint(3).array(g.spi.size());
      for (const auto& e : g.spi) c.array(3).uint(e.bus).uint(e.cs_mask).uint(e.max_hz);
    }
    if (!g.uart.empty()) {
      c.uint(4).array(g.uart.size());
      for (const auto& e : g.uart) c.array(2).uint(e.port).uint(e.access);
    }
    if (g.pwm) c.uint(5).uint(g.pwm);
    if (g.adc) c.uint(6).uint(g.adc);
    if (g.time) c.uint(7).boolean(true);
    if (g.log) c.uint(8).boolean(true);
    if (num_rates) {
      c.uint(9).array(num_rates);
      for (uint32_t k = 1; k < board::kNumClasses; ++k) {
        const board::RateLimit& r = g.rate[k];
        if (r.calls_per_s || r.bytes_per_s)
          c.array(3).uint(k).uint(r.calls_per_s).uint(r.bytes_per_s);
      }
    }
  }
  c.uint(6).array(2).nint(-16).bytes(code_digest, kDigestBytes);
  if (c.out.size() > PICOWASM_PKG_MAX_MANIFEST_BYTES) {
    fail("manifest: " + std::to_string(c.out.size()) + " bytes encoded, a device reads " +
         std::to_string(PICOWASM_PKG_MAX_MANIFEST_BYTES) + " at most");
  }
  return c.out;
}

// ---- Keys ----

void keygen(const std::string& path) {
  const std::string pub = path + ".pub";
  struct stat st;
  for (const std::string& p : {path, pub}) {
    if (::lstat(p.c_str(), &st) == 0) fail(p + " exists; keygen never overwrites a key");
  }
  Random rng;
  Pk pk;
  check(mbedtls_pk_setup(&pk.ctx, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), "key setup");
  check(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk.ctx),
                            mbedtls_ctr_drbg_random, &rng.drbg),
        "generating the key");
  unsigned char buf[2048];
  check(mbedtls_pk_write_key_pem(&pk.ctx, buf, sizeof buf), "writing the private key");
  write_new_file(path, buf, 0600);
  std::memset(buf, 0, sizeof buf);
  check(mbedtls_pk_write_pubkey_pem(&pk.ctx, buf, sizeof buf), "writing the public key");
  write_new_file(pub, buf, 0644);
}

std::array<uint8_t, kPublicKeyBytes> load_public_key(const std::string& path) {
  Pk pk;
  if (mbedtls_pk_parse_public_keyfile(&pk.ctx, path.c_str()) != 0) {
    // A private key file names its public key too.
    Pk priv;
    const int rc = mbedtls_pk_parse_keyfile(&priv.ctx, path.c_str(), nullptr);
    if (rc != 0) fail("cannot read a public key from " + path + " (" + mbedtls_text(rc) + ")");
    return point_bytes(p256(priv, path));
  }
  return point_bytes(p256(pk, path));
}

struct Signer::Impl {
  Pk pk;
  Random rng;
};

Signer::Signer(const std::string& path) : impl_(new Impl) {
  const int rc = mbedtls_pk_parse_keyfile(&impl_->pk.ctx, path.c_str(), nullptr);
  if (rc != 0) {
    delete impl_;
    fail("cannot read a private key from " + path + " (" + mbedtls_text(rc) + ")");
  }
  try {
    public_key_ = point_bytes(p256(impl_->pk, path));
  } catch (...) {
    delete impl_;
    throw;
  }
}
Signer::~Signer() {
  delete impl_;
}

std::array<uint8_t, kKeyIdBytes> Signer::key_id() const {
  std::array<uint8_t, kKeyIdBytes> id{};
  key_id_of(public_key_.data(), id.data());
  return id;
}

std::array<uint8_t, kSignatureBytes> Signer::sign(const uint8_t digest[kDigestBytes]) const {
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(impl_->pk.ctx);
  mbedtls_mpi r, s;
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  std::array<uint8_t, kSignatureBytes> out{};
  int rc = mbedtls_ecdsa_sign_det_ext(&ec->grp, &r, &s, &ec->d, digest, kDigestBytes,
                                      MBEDTLS_MD_SHA256, mbedtls_ctr_drbg_random, &impl_->rng.drbg);
  if (rc == 0) rc = mbedtls_mpi_write_binary(&r, out.data(), kSignatureBytes / 2);
  if (rc == 0)
    rc = mbedtls_mpi_write_binary(&s, out.data() + kSignatureBytes / 2, kSignatureBytes / 2);
  mbedtls_mpi_free(&r);
  mbedtls_mpi_free(&s);
  check(rc, "signing");
  return out;
}

// ---- Packages ----

Bytes sha256(const uint8_t* data, size_t size) {
  Bytes out(kDigestBytes);
  check(mbedtls_sha256_ret(data, size, out.data(), 0), "SHA-256");
  return out;
}

Bytes protected_header_es256() {
  Cbor c;
  c.map(1).uint(1).nint(-7);
  return c.out;
}

Bytes sig_structure(const Bytes& protected_header, const Bytes& payload) {
  Cbor c;
  c.array(4).text("Signature1").bytes(protected_header).bytes(nullptr, 0).bytes(payload);
  return c.out;
}

Bytes cose_sign1(const Bytes& protected_header, const uint8_t key_id[kKeyIdBytes],
                 const Bytes& payload, const uint8_t* signature, size_t signature_size) {
  Cbor c;
  c.head(6, 18).array(4).bytes(protected_header);
  c.map(1).uint(4).bytes(key_id, kKeyIdBytes);
  c.bytes(payload).bytes(signature, signature_size);
  return c.out;
}

Bytes custom_section(const std::string& name, const Bytes& content) {
  auto leb = [](Bytes& out, uint64_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
  };
  Bytes body;
  leb(body, name.size());
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), content.begin(), content.end());
  Bytes out{0};
  leb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes pack(const Bytes& wasm, const ManifestInput& manifest, const Signer& signer) {
  Package probe;
  const Result r = open(wasm.data(), wasm.size(), &probe);
  if (r.status != Status::no_package_section) {
    if (r.status == Status::not_wasm || r.status == Status::truncated ||
        r.status == Status::malformed_section) {
      fail("not a module: " + describe(r));
    }
    fail("the module already carries a picowasm.package section");
  }
  // The section goes last, so the code digest is the digest of the input as it is.
  const Bytes digest = sha256(wasm.data(), wasm.size());
  const Bytes payload = encode_manifest(manifest, digest.data());
  const Bytes prot = protected_header_es256();
  const Bytes tbs = sig_structure(prot, payload);
  const Bytes tbs_digest = sha256(tbs.data(), tbs.size());
  const auto sig = signer.sign(tbs_digest.data());
  const auto kid = signer.key_id();
  Bytes out = wasm;
  const Bytes section =
      custom_section(kSectionName, cose_sign1(prot, kid.data(), payload, sig.data(), sig.size()));
  out.insert(out.end(), section.begin(), section.end());
  return out;
}

std::string hex(const uint8_t* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < size; ++i) {
    s += kDigits[data[i] >> 4];
    s += kDigits[data[i] & 15];
  }
  return s;
}

std::string describe(const Result& r) {
  std::string s = std::string(status_name(r.status)) + ": " + status_message(r.status);
  if (r.status == Status::capability_denied || r.status == Status::import_not_requested) {
    s += std::string(" (") + board::class_module(r.cls);
    if (r.status == Status::capability_denied) {
      switch (r.cls) {
        case board::Class::gpio:
          s += " pin " + std::to_string(r.resource) +
               (r.detail == board::kInput    ? " input"
                : r.detail == board::kOutput ? " output"
                                             : " input/output");
          break;
        case board::Class::i2c:
          char addr[8];
          std::snprintf(addr, sizeof addr, "0x%02x", r.detail);
          s += " bus " + std::to_string(r.resource) + " address " + addr;
          break;
        case board::Class::spi:
          s += " bus " + std::to_string(r.resource) + " chip select or clock " +
               std::to_string(r.detail);
          break;
        case board::Class::uart:
          s += " port " + std::to_string(r.resource) +
               (r.detail == board::kRead    ? " read"
                : r.detail == board::kWrite ? " write"
                                            : " read/write");
          break;
        case board::Class::pwm:
        case board::Class::adc: s += " channel " + std::to_string(r.resource); break;
        default: break;
      }
    } else {
      s += ", import " + std::to_string(r.resource);
    }
    s += ")";
  } else if (r.field != Field::none) {
    s += std::string(" (field ") + field_name(r.field) + ")";
  }
  if (!r.engine.ok()) s += std::string(": ") + r.engine.message();
  if (r.status == Status::resources_exceeded && r.detail)
    s += " (needs " + std::to_string(r.detail) + ")";
  char off[32];
  std::snprintf(off, sizeof off, " at offset 0x%x", r.offset);
  s += off;
  return s;
}

}  // namespace picowasm::package::host
