// `picowasm keygen`, `pack` and `verify`: signed app packages (docs/lifecycle.md), and the
// manifest part of `inspect`.
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "package_host.hpp"

namespace picowasm::host {
namespace {

namespace pkg = picowasm::package;
namespace pkh = picowasm::package::host;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + escape_text(path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const pkh::Bytes& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + escape_text(tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + escape_text(tmp) + " to " + escape_text(path));
  }
}

// The value after an option (`--key K` or `--key=K`), advancing *i.
std::string option_value(const Args& args, size_t* i, const std::string& name) {
  const std::string& a = args[*i];
  if (a.size() > name.size() && a.compare(0, name.size() + 1, name + "=") == 0) {
    return a.substr(name.size() + 1);
  }
  if (*i + 1 == args.size()) throw UsageError(name + " needs a value");
  return args[++*i];
}

// A package error as printed: "error: <status>: <message> (field F) at offset 0x..".
int report(const pkg::Result& r) {
  std::fprintf(stderr, "error: %s\n", escape_text(pkh::describe(r)).c_str());
  return kExitFailure;
}

std::string version_text(uint32_t v) {
  return fmt::format("{}.{}", v >> 16, v & 0xFFFF);
}

}  // namespace

int cmd_keygen(const Args& args) {
  if (args.size() != 1) throw UsageError("keygen takes exactly one KEY path");
  pkh::keygen(args[0]);
  const auto pub = pkh::load_public_key(args[0] + ".pub");
  uint8_t kid[pkg::kKeyIdBytes];
  pkg::key_id_of(pub.data(), kid);
  std::printf("wrote %s (private key, mode 0600) and %s.pub\nkey id: %s\n",
              escape_text(args[0]).c_str(), escape_text(args[0]).c_str(),
              pkh::hex(kid, sizeof kid).c_str());
  return kExitOk;
}

int cmd_pack(const Args& args) {
  std::string app, manifest, key, output;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--manifest", 0) == 0) {
      manifest = option_value(args, &i, "--manifest");
    } else if (a.rfind("--key", 0) == 0) {
      key = option_value(args, &i, "--key");
    } else if (a == "-o" || a.rfind("--output", 0) == 0) {
      output = a == "-o" ? option_value(args, &i, "-o") : option_value(args, &i, "--output");
    } else if (a.rfind("--", 0) == 0 || !app.empty()) {
      throw UsageError("unexpected argument '" + escape_text(a) + "'");
    } else {
      app = a;
    }
  }
  if (app.empty() || manifest.empty() || key.empty() || output.empty()) {
    throw UsageError("pack needs APP.wasm, --manifest FILE, --key KEY and -o PKG.wasm");
  }
  auto loaded = load_file(app);
  if (!loaded->error.ok()) {
    std::fprintf(stderr, "%s\n", format_error(loaded->error).c_str());
    std::fprintf(stderr, "error: %s does not load; only valid modules are packed\n",
                 escape_text(app).c_str());
    return kExitFailure;
  }
  const pkh::ManifestInput m = pkh::manifest_from_json(read_text(manifest));
  const pkh::Signer signer(key);
  const pkh::Bytes wasm(loaded->bytes.get(), loaded->bytes.get() + loaded->size);
  const pkh::Bytes out = pkh::pack(wasm, m, signer);
  // Check the result the way a device will before writing it.
  pkg::Package p;
  pkg::Result r = pkg::open(out.data(), out.size(), &p);
  pkg::TrustedKey tk;
  std::copy(signer.public_key().begin(), signer.public_key().end(), tk.public_key);
  pkg::key_id_of(tk.public_key, tk.key_id);
  pkg::Keyring ring{&tk, 1};
  if (r.ok()) r = pkg::verify(p, pkg::verify_mbedtls, &ring);
  if (!r.ok()) return report(r);
  write_file(output, out);
  std::printf("packed %s: app \"%s\" version %u, %zu bytes (manifest %u bytes), key id %s\n",
              escape_text(output).c_str(),
              escape_text(m.app_id.data(), m.app_id.size(), '"').c_str(), m.version, out.size(),
              p.payload.size, pkh::hex(p.key_id, sizeof p.key_id).c_str());
  return kExitOk;
}

int cmd_verify(const Args& args) {
  std::string path, pub;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--pub", 0) == 0) {
      pub = option_value(args, &i, "--pub");
    } else if (args[i].rfind("--", 0) == 0 || !path.empty()) {
      throw UsageError("unexpected argument '" + escape_text(args[i]) + "'");
    } else {
      path = args[i];
    }
  }
  if (path.empty() || pub.empty()) throw UsageError("verify needs PKG.wasm and --pub KEY.pub");
  auto loaded = load_file(path);
  pkg::TrustedKey tk;
  const auto key = pkh::load_public_key(pub);
  std::copy(key.begin(), key.end(), tk.public_key);
  pkg::key_id_of(tk.public_key, tk.key_id);
  pkg::Keyring ring{&tk, 1};
  pkg::Package p;
  pkg::Result r = pkg::open(loaded->bytes.get(), loaded->size, &p);
  if (!r.ok()) return report(r);
  uint8_t digest[pkg::kDigestBytes];
  r = pkg::verify(p, pkg::verify_mbedtls, &ring, digest);
  if (!r.ok()) {
    report(r);
    if (r.status == pkg::Status::unknown_key) {
      std::fprintf(stderr, "  the package names key id %s; %s has key id %s\n",
                   pkh::hex(p.key_id, sizeof p.key_id).c_str(), escape_text(pub).c_str(),
                   pkh::hex(tk.key_id, sizeof tk.key_id).c_str());
    }
    return kExitFailure;
  }
  const pkg::Manifest& m = p.manifest;
  std::printf("ok: app \"%s\" version %u, signed by key id %s\npackage digest: %s\n",
              escape_text(reinterpret_cast<const char*>(m.app_id.data), m.app_id.size, '"').c_str(),
              m.version, pkh::hex(p.key_id, sizeof p.key_id).c_str(),
              pkh::hex(digest, sizeof digest).c_str());
  // A signature does not make code valid: say so, as a device would refuse it.
  if (!loaded->error.ok()) {
    pkg::Result bad;
    bad.status = pkg::Status::code_invalid;
    bad.engine = loaded->error;
    bad.offset = loaded->error.offset;
    return report(bad);
  }
  return kExitOk;
}

bool print_package(const uint8_t* bytes, size_t size) {
  pkg::Package p;
  const pkg::Result r = pkg::open(bytes, size, &p);
  if (r.status == pkg::Status::no_package_section) {
    std::printf("package: none (no picowasm.package section: not signed)\n");
    return true;
  }
  if (!r.ok()) {
    std::printf("package: invalid\n");
    report(r);
    return false;
  }
  const pkg::Manifest& m = p.manifest;
  std::printf("package: section at 0x%x-0x%x (COSE_Sign1, ES256), manifest %u bytes\n",
              p.section_start, p.section_end, p.payload.size);
  std::printf(
      "  app id: \"%s\"\n",
      escape_text(reinterpret_cast<const char*>(m.app_id.data), m.app_id.size, '"').c_str());
  std::printf("  version: %u\n", m.version);
  std::printf("  min HAL ABI: %s\n", version_text(m.min_hal_abi).c_str());
  std::printf("  resources: memory %u bytes, stack %u bytes, fuel %u per activation\n",
              m.resources.memory_bytes, m.resources.stack_bytes, m.resources.fuel);
  std::string grants;
  for (const std::string& s : pkh::grant_specs(m.request)) grants += " " + s;
  std::printf("  grants:%s\n", grants.empty() ? " (none)" : grants.c_str());
  std::printf("  code digest: sha-256 %s\n", pkh::hex(m.code_digest, sizeof m.code_digest).c_str());
  std::printf("  key id: %s\n", pkh::hex(p.key_id, sizeof p.key_id).c_str());
  std::printf("  signature: not checked here (picowasm verify FILE --pub KEY.pub)\n");
  return true;
}

}  // namespace picowasm::host
