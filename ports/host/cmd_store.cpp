// `picowasm store ...`: the on-device app store (store/, docs/lifecycle.md) over a flash image in a
// file (store::host::FileFlash): format, install a package under a policy file, list, confirm,
// roll back, revoke, and run the selected version on the virtual board in place from the image
// (a trial that traps or runs out of fuel rolls back, as the store decides).
#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli.h"
#include "flash.hpp"
#include "package_host.hpp"
#include "picowasm/store.hpp"
#include "picowasm/virtual_board.hpp"
#include "policy_json.hpp"

namespace picowasm::host {
namespace {

namespace pkg = picowasm::package;
namespace pkh = picowasm::package::host;
namespace st = picowasm::store;

// The image's fixed geometry (docs/lifecycle.md, "The store CLI"): 4 KiB erase blocks programmed
// in 16-byte units, two one-block metadata copies, then a pool of 64 KiB slots: two for each of
// kMaxApps apps and the spare that installs stream into.
constexpr uint32_t kBlockSize = 4096;
constexpr uint32_t kProgSize = 16;
constexpr uint32_t kSlotBytes = 64 * 1024;
constexpr uint32_t kNumApps = st::kMaxApps;
constexpr uint32_t kBlockCount = 2 + (2 * kNumApps + 1) * (kSlotBytes / kBlockSize);
constexpr uint16_t kConfirmAfter = 3;   // clean trial runs that confirm an update by themselves
constexpr size_t kInstallChunk = 1024;  // install streams the package in chunks of this size
constexpr size_t kArenaBytes = 4u << 20;

// Exit codes beyond the shared ones (cli.h): the package was refused, or the store's state does
// not allow the operation.
constexpr int kExitRefused = 5;
constexpr int kExitState = 6;

struct Image {
  std::unique_ptr<st::host::FileFlash> flash;
  st::Config config;
  st::Store store;
};

// Opens IMG (which must exist unless `create`) and mounts it unless `format`.
int open_image(const std::string& path, bool create, Image* img) {
  struct stat sb;
  if (!create && ::stat(path.c_str(), &sb) != 0) {
    std::fprintf(stderr, "error: no store image %s (picowasm store format %s first)\n",
                 escape_text(path).c_str(), escape_text(path).c_str());
    return kExitFailure;
  }
  try {
    img->flash = std::make_unique<st::host::FileFlash>(path, kBlockSize, kProgSize, kBlockCount);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", escape_text(e.what()).c_str());
    return kExitFailure;
  }
  img->config.device = &img->flash->device();
  img->config.num_apps = kNumApps;
  img->config.slot_bytes = kSlotBytes;
  img->config.confirm_after = kConfirmAfter;
  return kExitOk;
}

// Prints a store error and returns its exit code.
int store_error(const st::Result& r, const std::string& what) {
  std::string detail;
  if (r.status == st::Status::refused) detail = ": " + pkh::describe(r.package);
  if (r.status == st::Status::io_error) detail = fmt::format(" (device code {})", r.io_code);
  std::fprintf(stderr, "error: %s: %s: %s%s\n", what.c_str(), st::status_name(r.status),
               st::status_message(r.status), escape_text(detail).c_str());
  switch (r.status) {
    case st::Status::refused:
    case st::Status::app_id_mismatch:
    case st::Status::too_large: return kExitRefused;
    case st::Status::io_error:
    case st::Status::bad_config:
    case st::Status::blank:
    case st::Status::corrupt_metadata:
    case st::Status::layout_mismatch:
    case st::Status::not_mounted:
    case st::Status::not_mapped: return kExitFailure;
    default: return kExitState;
  }
}

int mount(const std::string& path, Image* img) {
  if (int rc = open_image(path, false, img)) return rc;
  const st::Result r = img->store.mount(img->config);
  return r.ok() ? kExitOk : store_error(r, "mount " + escape_text(path));
}

std::string hex(const uint8_t* data, size_t size) {
  return pkh::hex(data, size);
}

const char* slot_name(uint32_t slot) {
  return slot == 0 ? "A" : "B";
}

// ---- Subcommands -------------------------------------------------------------------------------

int store_format(const Args& a) {
  if (a.size() != 1) throw UsageError("store format takes IMG");
  Image img;
  if (int rc = open_image(a[0], true, &img)) return rc;
  const st::Result r = img.store.format(img.config);
  if (!r.ok()) return store_error(r, "format");
  std::printf("formatted %s: %u app entries, two %u KiB slots each and a spare (%u KiB image)\n",
              escape_text(a[0]).c_str(), kNumApps, kSlotBytes / 1024,
              kBlockCount * kBlockSize / 1024);
  return kExitOk;
}

int store_install(const Args& a) {
  std::string policy_path;
  Args pos;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string v;
    if (take_option(a, &i, "--policy", "a policy FILE", &v)) {
      policy_path = v;
    } else if (a[i].size() > 1 && a[i][0] == '-') {
      throw UsageError("unknown option '" + escape_text(a[i]) + "' for store install");
    } else {
      pos.push_back(a[i]);
    }
  }
  if (pos.size() != 2 || policy_path.empty())
    throw UsageError("store install takes IMG PKG.wasm --policy FILE");
  std::unique_ptr<pkh::PolicyFile> policy;
  size_t size = 0;
  std::unique_ptr<uint8_t[]> bytes;
  try {
    policy = pkh::load_policy(policy_path);
    bytes = read_whole_file(pos[1], &size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", escape_text(e.what()).c_str());
    return kExitFailure;
  }
  // The app id comes from the manifest (a device would take it from the update's transport). The
  // store checks everything again on the bytes it wrote.
  pkg::Package parsed;
  const pkg::Result opened = pkg::open(bytes.get(), size, &parsed);
  if (!opened.ok()) {
    std::fprintf(stderr, "error: refused: %s\n", escape_text(pkh::describe(opened)).c_str());
    return kExitRefused;
  }
  const std::string app_id(reinterpret_cast<const char*>(parsed.manifest.app_id.data),
                           parsed.manifest.app_id.size);
  Image img;
  if (int rc = mount(pos[0], &img)) return rc;
  st::Result r = img.store.install_begin(app_id.c_str(), static_cast<uint32_t>(size));
  if (!r.ok()) return store_error(r, "install " + escape_text(app_id));
  for (size_t at = 0; at < size && r.ok(); at += kInstallChunk) {
    r = img.store.install_write(bytes.get() + at,
                                static_cast<uint32_t>(std::min(kInstallChunk, size - at)));
  }
  if (!r.ok()) {
    img.store.install_abort();
    return store_error(r, "install " + escape_text(app_id));
  }
  std::unique_ptr<uint8_t[]> arena;
  st::Admit admit;
  admit.policy = &policy->policy;
  admit.verify = pkg::verify_mbedtls;
  admit.verify_ctx = &policy->keyring;
  admit.module_config.arena = aligned_buffer(&arena, kArenaBytes);
  admit.module_config.arena_size = kArenaBytes;
  auto info = std::make_unique<st::InstallInfo>();
  r = img.store.install_finish(admit, info.get());
  if (!r.ok()) return store_error(r, "install " + escape_text(app_id) + " refused");
  std::printf("installed %s v%u in slot %s: pending (its next run is a trial)\n",
              escape_text(app_id).c_str(), info->version, slot_name(info->slot));
  return kExitOk;
}

nlohmann::json app_json(const st::AppInfo& app) {
  nlohmann::json slots = nlohmann::json::array();
  for (const st::SlotInfo& s : app.slots) {
    nlohmann::json j = {{"state", st::slot_state_name(s.state)}};
    if (s.state != st::SlotState::empty) {
      j["version"] = s.version;
      j["bytes"] = s.length;
      j["digest"] = hex(s.signed_digest, pkg::kDigestBytes);
      j["key_id"] = hex(s.key_id, pkg::kKeyIdBytes);
    }
    j["pool_slot"] = s.pool_slot;
    slots.push_back(j);
  }
  return {{"app_id", app.app_id},
          {"installed", app.installed},
          {"min_version", app.min_version},
          {"confirm_after", app.confirm_after},
          {"trial_runs", app.trial_started},
          {"trial_clean", app.trial_clean},
          {"slots", slots}};
}

int store_list(const Args& a) {
  bool json = false;
  Args pos;
  for (const std::string& s : a) {
    if (s == "--json") {
      json = true;
    } else if (s.size() > 1 && s[0] == '-') {
      throw UsageError("unknown option '" + escape_text(s) + "' for store list");
    } else {
      pos.push_back(s);
    }
  }
  if (pos.size() != 1) throw UsageError("store list takes IMG [--json]");
  Image img;
  if (int rc = mount(pos[0], &img)) return rc;
  nlohmann::json apps = nlohmann::json::array();
  for (uint32_t i = 0; i < img.store.num_apps(); ++i) {
    st::AppInfo app;
    if (!img.store.inspect(i, &app)) continue;
    if (json) {
      apps.push_back(app_json(app));
      continue;
    }
    std::printf("%s%s (min version %u)\n", app.app_id, app.installed ? "" : " [nothing to run]",
                app.min_version);
    for (uint32_t s = 0; s < 2; ++s) {
      const st::SlotInfo& slot = app.slots[s];
      if (slot.state == st::SlotState::empty) {
        std::printf("  %s: empty\n", slot_name(s));
        continue;
      }
      std::string note;
      if (slot.state == st::SlotState::trial)
        note = fmt::format(", {} clean of {} runs, confirms at {}", app.trial_clean,
                           app.trial_started, app.confirm_after);
      std::printf("  %s: v%u %s%s, %u bytes, digest %s\n", slot_name(s), slot.version,
                  st::slot_state_name(slot.state), note.c_str(), slot.length,
                  hex(slot.signed_digest, pkg::kDigestBytes).c_str());
    }
  }
  if (json) std::printf("%s\n", nlohmann::json({{"apps", apps}}).dump().c_str());
  return kExitOk;
}

int store_confirm_or_rollback(const Args& a, bool confirm) {
  const char* name = confirm ? "confirm" : "rollback";
  if (a.size() != 2) throw UsageError(std::string("store ") + name + " takes IMG APP");
  Image img;
  if (int rc = mount(a[0], &img)) return rc;
  const st::Result r = confirm ? img.store.confirm(a[1].c_str()) : img.store.rollback(a[1].c_str());
  if (!r.ok()) return store_error(r, std::string(name) + " " + escape_text(a[1]));
  std::printf("%s: %s\n", escape_text(a[1]).c_str(),
              confirm ? "trial version confirmed" : "rolled back to the confirmed version");
  return kExitOk;
}

int store_revoke(const Args& a) {
  st::Revocation what;
  std::deque<std::string> ids;  // keeps the app id alive for what.versions
  Args pos;
  int kinds = 0;
  try {
    for (size_t i = 0; i < a.size(); ++i) {
      std::string v;
      if (take_option(a, &i, "--digest", "a package digest (64 hex digits)", &v)) {
        what.kind = st::Revocation::Kind::digest;
        what.digest = pkh::parse_digest(v, "--digest");
        ++kinds;
      } else if (take_option(a, &i, "--app", "ID[@V1-V2]", &v)) {
        what.kind = st::Revocation::Kind::versions;
        what.versions = pkh::parse_app_versions(v, "--app", &ids);
        ++kinds;
      } else if (take_option(a, &i, "--key", "a public key FILE", &v)) {
        what.kind = st::Revocation::Kind::key;
        const auto point = pkh::load_public_key(v);
        pkg::key_id_of(point.data(), what.key.bytes);
        ++kinds;
      } else if (a[i].size() > 1 && a[i][0] == '-') {
        throw UsageError("unknown option '" + escape_text(a[i]) + "' for store revoke");
      } else {
        pos.push_back(a[i]);
      }
    }
  } catch (const UsageError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw UsageError(escape_text(e.what()));
  }
  if (pos.size() != 1 || kinds != 1)
    throw UsageError(
        "store revoke takes IMG and one of --digest D, --app ID[@V1-V2], --key KEY.pub");
  Image img;
  if (int rc = mount(pos[0], &img)) return rc;
  st::RevokeReport report;
  const st::Result r = img.store.revoke(what, &report);
  if (!r.ok()) return store_error(r, "revoke");
  std::printf("revoked %u slot(s)\n", report.revoked_slots);
  for (uint32_t i = 0; i < img.store.num_apps(); ++i) {
    st::AppInfo app;
    if (!(report.unload_mask & (1u << i)) || !img.store.inspect(i, &app)) continue;
    const int slot = app.confirmed_slot();
    if (slot >= 0) {
      std::printf("%s: its running version was revoked: unloaded, falls back to v%u\n", app.app_id,
                  app.slots[slot].version);
    } else {
      std::printf("%s: its running version was revoked: unloaded, no version left to run\n",
                  app.app_id);
    }
  }
  return kExitOk;
}

int store_run(const Args& a) {
  Args pos;
  uint64_t fuel = 0;
  std::string uart_input;
  uint64_t max_time_us = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string v;
    if (take_option(a, &i, "--board", "a board NAME (virtual)", &v)) {
      if (v != "virtual")
        throw UsageError("unknown board '" + escape_text(v) + "' (there is one: virtual)");
    } else if (take_option(a, &i, "--fuel", "a number N", &v)) {
      fuel = parse_limit("--fuel", v, UINT32_MAX);
    } else if (take_option(a, &i, "--max-time", "microseconds", &v)) {
      max_time_us = parse_limit("--max-time", v, UINT32_MAX);
    } else if (take_option(a, &i, "--uart-input", "TEXT", &v)) {
      uart_input = v;
    } else if (a[i].size() > 1 && a[i][0] == '-') {
      throw UsageError("unknown option '" + escape_text(a[i]) + "' for store run");
    } else {
      pos.push_back(a[i]);
    }
  }
  if (pos.size() != 2) throw UsageError("store run takes IMG APP --board virtual");
  const std::string& app_id = pos[1];
  Image img;
  if (int rc = mount(pos[0], &img)) return rc;
  st::Activation act;
  st::Result r = img.store.activate(app_id.c_str(), &act);
  if (act.rolled_back) {
    std::fprintf(stderr, "store: %s: the previous trial run never ended: rolled back\n",
                 escape_text(app_id).c_str());
  }
  if (!r.ok()) return store_error(r, "run " + escape_text(app_id));
  std::fprintf(stderr, "store: running %s v%u from slot %s%s\n", escape_text(app_id).c_str(),
               act.version, slot_name(act.slot), act.trial ? " (trial)" : "");

  // The package in place in the image (FileFlash maps it): the grant is the manifest's request,
  // which install admitted within the publisher's allowance.
  pkg::Package package;
  const pkg::Result opened = pkg::open(act.bytes, act.size, &package);
  if (!opened.ok()) {
    std::fprintf(stderr, "error: %s\n", escape_text(pkh::describe(opened)).c_str());
    return kExitFailure;
  }
  std::unique_ptr<uint8_t[]> arena;
  ModuleConfig mc;
  mc.arena = aligned_buffer(&arena, kArenaBytes);
  mc.arena_size = kArenaBytes;
  picowasm::LoadedModule* module = nullptr;
  const Error loaded = load(act.bytes, act.size, mc, &module);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", format_error(loaded).c_str());
    return kExitFailure;
  }
  vboard::VirtualBoard vb;
  if (!uart_input.empty()) {
    vboard::ScriptEvent e;
    e.kind = vboard::ScriptEvent::Kind::uart_input;
    e.bytes = uart_input;
    vb.schedule(e);
  }
  vb.uart_sink = [](const uint8_t* data, size_t n) {
    std::fwrite(data, 1, n, stdout);
    std::fflush(stdout);
  };
  vb.log_sink = [](uint64_t t, int32_t, const char* text, size_t n) {
    std::fprintf(stderr, "[%llu.%06llu] log: %s\n", static_cast<unsigned long long>(t / 1000000),
                 static_cast<unsigned long long>(t % 1000000), escape_text(text, n).c_str());
  };
  const pkg::Manifest& m = package.manifest;
  vboard::AppRunner runner(vb, m.request);
  vboard::RunConfig config;
  config.fuel = fuel ? fuel : m.resources.fuel;  // the manifest's budget per activation
  config.max_time_us = max_time_us;
  config.limits.memory_bytes = m.resources.memory_bytes;
  config.limits.stack_bytes = m.resources.stack_bytes;
  const vboard::RunOutcome out = runner.run(*module, config);

  st::Outcome outcome = st::Outcome::clean;
  int status = kExitOk;
  switch (out.status) {
    case vboard::RunStatus::ok:
      std::fprintf(stderr, "store: %s v%u: pw_main returned %d\n", escape_text(app_id).c_str(),
                   act.version, out.exit_code);
      break;
    case vboard::RunStatus::out_of_fuel:
    case vboard::RunStatus::stalled:
      std::fprintf(stderr, "store: %s v%u: stopped: %s\n", escape_text(app_id).c_str(), act.version,
                   out.message.c_str());
      outcome = st::Outcome::exhausted;
      status = kExitPaused;
      break;
    default:
      std::fprintf(stderr, "store: %s v%u: %s: %s\n", escape_text(app_id).c_str(), act.version,
                   vboard::run_status_name(out.status),
                   out.message.empty() ? out.error.message() : out.message.c_str());
      outcome = st::Outcome::trap;
      status = kExitTrap;
      break;
  }
  if (!act.trial) return status;
  r = img.store.report(app_id.c_str(), outcome);
  if (!r.ok()) return store_error(r, "report");
  const uint32_t index = img.store.find(app_id.c_str());
  st::AppInfo app;
  img.store.inspect(index, &app);
  const int confirmed = app.confirmed_slot();
  if (outcome != st::Outcome::clean) {
    if (confirmed >= 0) {
      std::fprintf(stderr, "store: the trial of v%u failed: rolled back to v%u\n", act.version,
                   app.slots[confirmed].version);
    } else {
      std::fprintf(stderr, "store: the trial of v%u failed: rolled back (no version to run)\n",
                   act.version);
    }
  } else if (confirmed == act.slot && app.slots[confirmed].version == act.version) {
    std::fprintf(stderr, "store: v%u confirmed\n", act.version);
  } else {
    std::fprintf(stderr, "store: trial of v%u: %u of %u clean runs to confirm\n", act.version,
                 app.trial_clean, app.confirm_after);
  }
  return status;
}

}  // namespace

int cmd_store(const Args& args) {
  if (args.empty()) throw UsageError("store needs a subcommand (picowasm help store)");
  const std::string& sub = args[0];
  const Args rest(args.begin() + 1, args.end());
  if (sub == "format") return store_format(rest);
  if (sub == "install") return store_install(rest);
  if (sub == "list") return store_list(rest);
  if (sub == "confirm") return store_confirm_or_rollback(rest, true);
  if (sub == "rollback") return store_confirm_or_rollback(rest, false);
  if (sub == "revoke") return store_revoke(rest);
  if (sub == "run") return store_run(rest);
  throw UsageError("unknown store subcommand '" + escape_text(sub) + "' (picowasm help store)");
}

}  // namespace picowasm::host
