// Runs the c++ blocks of docs/lifecycle.md's store section (extracted to
// lifecycle_store_snippets.cpp): boots a blank RAM flash, receives v1, runs it until the rule
// confirms it, receives a v2 with a broken signature (refused) and a good v2 whose trial traps.
#include <cstdio>

#include "flash.hpp"
#include "lifecycle_store_snippets.cpp"
#include "test_packages.hpp"

int main() {
  namespace pt = picowasm::store::test;
  pt::TestKeys keys;
  pt::TestPolicy policy(keys);
  // Two 1 KiB metadata blocks, then 2 apps x 2 slots and the spare, 4 KiB each.
  picowasm::store::host::RamFlash flash(1024, 16, 2 + (2 * 2 + 1) * 4);
  store::Store apps;
  store::Result r = boot_store(apps, flash.device());
  if (!r.ok()) return std::printf("boot: %s\n", store::status_name(r.status)), 1;
  store::InstallInfo info;
  const pt::Bytes v1 = pt::make_package(keys.a(), "blink", 1);
  r = receive_update(apps, "blink", v1.data(), static_cast<uint32_t>(v1.size()), policy.admit,
                     info);
  if (!r.ok()) return std::printf("install v1: %s\n", store::status_name(r.status)), 1;
  uint32_t version = 0;
  for (int i = 0; i < 3; ++i) {
    r = run_once(apps, "blink", policy.arena.get(), pt::TestPolicy::kArena, &version);
    if (!r.ok()) return std::printf("run: %s\n", store::status_name(r.status)), 1;
  }
  store::AppInfo app;
  apps.inspect(0, &app);
  std::printf("blink %u confirmed after 3 runs: %s\n", static_cast<unsigned>(version),
              store::slot_state_name(app.slots[app.confirmed_slot()].state));
  pt::Bytes v2 = pt::make_package(keys.a(), "blink", 2);
  v2[v2.size() - 5] ^= 1;
  r = receive_update(apps, "blink", v2.data(), static_cast<uint32_t>(v2.size()), policy.admit,
                     info);
  std::printf("broken v2: %s (%s)\n", store::status_name(r.status),
              package::status_name(r.package.status));
  // A v2 whose module does not load where it runs: its trial reports a trap and rolls back.
  const pt::Bytes good = pt::make_package(keys.a(), "blink", 2);
  r = receive_update(apps, "blink", good.data(), static_cast<uint32_t>(good.size()), policy.admit,
                     info);
  if (!r.ok()) return std::printf("install v2: %s\n", store::status_name(r.status)), 1;
  r = run_once(apps, "blink", policy.arena.get(), 64, &version);  // an arena too small: a "trap"
  r = run_once(apps, "blink", policy.arena.get(), pt::TestPolicy::kArena, &version);
  std::printf("after v2's failed trial, blink runs version %u\n", static_cast<unsigned>(version));
  return r.ok() ? 0 : 1;
}
