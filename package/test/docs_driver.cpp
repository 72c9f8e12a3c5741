// Runs the C++ example of docs/lifecycle.md (extracted into lifecycle_snippets.cpp): admits a
// package packed here with a fresh key, and refuses the same package with one code byte changed.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lifecycle_snippets.cpp"
#include "package_host.hpp"

int main() {
  namespace ph = picowasm::package::host;
  char dir[] = "/tmp/picowasm-lifecycle-doc-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  const std::string key = std::string(dir) + "/vendor";
  ph::keygen(key);
  const ph::Signer signer(key);
  std::remove(key.c_str());
  std::remove((key + ".pub").c_str());
  rmdir(dir);

  // (module (import "pw_gpio" "write" (func (param i32 i32) (result i32))) (memory 1))
  const ph::Bytes module = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
                            0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, 0x02, 0x11, 0x01, 0x07, 'p',
                            'w',  '_',  'g',  'p',  'i',  'o',  0x05, 'w',  'r',  'i',  't',
                            'e',  0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01};
  const ph::ManifestInput manifest = ph::manifest_from_json(
      R"({"app_id": "blink", "version": 3, "min_hal_abi": "1.0",
          "resources": {"memory_bytes": 65536, "stack_bytes": 4096, "fuel": 100000},
          "grants": ["gpio:13:out", "time", "log", "rate:gpio:10/s"]})");
  ph::Bytes pkg = ph::pack(module, manifest, signer);

  package::TrustedKey vendor;
  std::copy(signer.public_key().begin(), signer.public_key().end(), vendor.public_key);
  package::key_id_of(vendor.public_key, vendor.key_id);
  static uint8_t arena[32 * 1024];
  package::Package p;
  LoadedModule* loaded = nullptr;
  package::Admission admission;
  package::Result r =
      admit_app(pkg.data(), pkg.size(), vendor, arena, sizeof arena, p, &loaded, admission);
  if (!r.ok() || !loaded) {
    std::printf("lifecycle: refused: %s\n", ph::describe(r).c_str());
    return 1;
  }
  std::printf("lifecycle: admitted version %u, %u gpio range(s), time %d, instance %zu bytes\n",
              p.manifest.version, admission.grant.num_gpio, admission.grant.time ? 1 : 0,
              admission.instance_bytes);
  pkg[20] ^= 1;  // a byte of the import section
  r = admit_app(pkg.data(), pkg.size(), vendor, arena, sizeof arena, p, &loaded, admission);
  std::printf("lifecycle: changed code: %s\n", package::status_name(r.status));
  std::printf("sizeof(package::Package) = %zu\n", sizeof(package::Package));
  return 0;
}
