// Flash cost of the package parser, the verifier and the app store on Cortex-M4
// (scripts/package-footprint-m4.sh): built with MEASURE 0 (nothing), 1 (open: locate + parse),
// 2 (open + verify: SHA-256 digests and ECDSA P-256 through verify_pooled, mbedTLS on its static
// pool), 3 (2 + admit: the policy checks and the engine's load(), which a firmware has anyway) and
// 4 (3 + the store: mount, format, streamed install admitted from flash, activate, report,
// confirm, rollback, revoke, uninstall, inspect); the differences are the costs. The
// inputs come through volatile pointers so that nothing folds away.
#include "picowasm/store.hpp"
#include "picowasm/verify_pool.hpp"

namespace pk = picowasm::package;
namespace st = picowasm::store;

const uint8_t* volatile g_bytes;
volatile size_t g_size;
pk::VerifyContext g_verify;  // keys and mbedTLS's pool: .bss
pk::Package g_package;       // a firmware's static buffer
#if MEASURE >= 3
const pk::Policy* volatile g_policy;
const picowasm::ModuleConfig* volatile g_module_config;
#endif
#if MEASURE >= 4
st::Store g_store;
st::InstallInfo g_install;
const st::Config* volatile g_config;
const st::Admit* volatile g_admit;
const st::Revocation* volatile g_revocation;
const char* volatile g_app;
#endif

extern "C" int measure() {
  int status = 0;
#if MEASURE >= 1
  pk::Result r = pk::open(g_bytes, g_size, &g_package);
  status = static_cast<int>(r.status);
#endif
#if MEASURE >= 2
  if (r.ok()) r = pk::verify(g_package, pk::verify_pooled, &g_verify);
  status = static_cast<int>(r.status);
#endif
#if MEASURE >= 3
  picowasm::LoadedModule* module = nullptr;
  pk::Admission admission;
  if (r.ok()) {
    r = pk::admit(g_package, *g_policy, pk::verify_pooled, &g_verify, *g_module_config, &module,
                  &admission);
  }
  status = static_cast<int>(r.status) + static_cast<int>(admission.instance_bytes);
#endif
#if MEASURE >= 4
  st::Result s = g_store.mount(*g_config);
  if (!s.ok()) s = g_store.format(*g_config);
  if (s.ok()) s = g_store.install_begin(g_app, static_cast<uint32_t>(g_size));
  if (s.ok()) s = g_store.install_write(g_bytes, static_cast<uint32_t>(g_size));
  if (s.ok()) s = g_store.install_finish(*g_admit, &g_install);
  st::Activation act;
  if (s.ok()) s = g_store.activate(g_app, &act);
  if (s.ok()) s = g_store.report(g_app, st::Outcome::clean);
  if (s.ok()) s = g_store.confirm(g_app);
  if (s.ok()) s = g_store.rollback(g_app);
  st::RevokeReport report;
  if (s.ok()) s = g_store.revoke(*g_revocation, &report);
  if (s.ok()) s = g_store.uninstall(g_app);
  st::AppInfo info;
  status += g_store.inspect(0, &info) ? 1 : 0;
  status += static_cast<int>(s.status) + static_cast<int>(act.size);
#endif
  return status + static_cast<int>(g_size);
}
