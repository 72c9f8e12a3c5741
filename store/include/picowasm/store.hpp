// picowasm app store (docs/lifecycle.md, "The app store"): signed app packages kept in flash, two
// slots (A and B) per app from a pool with one spare slot (installs stream into the spare), an
// update that runs in trial until it is confirmed (by the firmware or by N clean activations) and
// rolls back by itself otherwise, a per-app minimum version that only moves forward
// (anti-rollback), revocation, and metadata that survives a power cut at any point.
//
//   store::Store store;                        // caller memory (static), no heap
//   store.mount(config);                       // any flash content: ok, blank or corrupt_metadata
//   store.install_begin("blink", size);        // then install_write() chunks as they arrive
//   store.install_finish(admit, &info);        // admitted from flash, then recorded as pending
//   store.activate("blink", &run);             // pending -> trial; run.bytes is the package in
//   flash store.report("blink", Outcome::clean);     // or trap/exhausted: the trial rolls back
//
// Flash is reached through a BlockDevice (read, prog, erase, sync over blocks, like littlefs's
// lfs_config). Module bytes are handed out in place (BlockDevice::mapped): they are never copied.
// Same rules as the core: C++17, no exceptions, no RTTI, no heap, no mutable globals.
#ifndef PICOWASM_STORE_HPP
#define PICOWASM_STORE_HPP

#include <cstddef>
#include <cstdint>

#include "picowasm/package.hpp"
#include "picowasm/store_config.h"

namespace picowasm {
namespace store {

constexpr uint32_t kMaxApps = PICOWASM_STORE_MAX_APPS;
constexpr uint32_t kMaxProgBytes = PICOWASM_STORE_MAX_PROG_BYTES;
constexpr uint32_t kReadChunk = PICOWASM_STORE_READ_CHUNK;
constexpr uint32_t kMaxConfirmAfter = PICOWASM_STORE_MAX_CONFIRM_AFTER;
constexpr uint32_t kMaxAppId = PICOWASM_PKG_MAX_APP_ID;
constexpr uint8_t kErased = 0xFF;  // the value of an erased flash byte
constexpr uint32_t kNoApp = 0xFFFFFFFFu;

// ---- The block device ---------------------------------------------------------------------------

// Flash as the store sees it. Each callback returns 0 on success and anything else on failure (the
// store reports io_error with that code). Addresses are (block, offset in the block); the store
// never crosses a block in one call, reads anywhere, programs only whole prog_size units at
// prog_size-aligned offsets of erased (kErased) bytes, and erases whole blocks.
struct BlockDevice {
  void* context = nullptr;
  int (*read)(void* context, uint32_t block, uint32_t offset, void* buffer,
              uint32_t size) = nullptr;
  int (*prog)(void* context, uint32_t block, uint32_t offset, const void* buffer,
              uint32_t size) = nullptr;
  int (*erase)(void* context, uint32_t block) = nullptr;
  int (*sync)(void* context) = nullptr;  // everything programmed so far is durable
  uint32_t block_size = 0;               // erase unit, bytes
  uint32_t prog_size = 0;                // program unit (write granularity), divides block_size
  uint32_t block_count = 0;
  // Where the flash is memory-mapped (block b, offset o at mapped + b * block_size + o), or null.
  // Only activate() needs it (apps run in place, their bytes are never copied to RAM): without it,
  // installs are verified through read() and every other operation works too.
  const uint8_t* mapped = nullptr;
};

// ---- Status
// ---------------------------------------------------------------------------------------

// X(name, message)
#define PICOWASM_STORE_STATUSES(X)                                                          \
  X(ok, "ok")                                                                               \
  X(io_error, "the flash device reported an error (Result::io_code)")                       \
  X(bad_config, "bad configuration: device callbacks, geometry or layout (Result::detail)") \
  X(blank, "no store on this flash (it is erased): format it")                              \
  X(corrupt_metadata, "no valid metadata copy: the flash holds something else, or damage")  \
  X(layout_mismatch, "the store on flash was formatted with another geometry or app count") \
  X(not_mounted, "the store is not mounted (mount or format first, again after io_error)")  \
  X(not_mapped, "no memory map (BlockDevice::mapped): apps run only in place")              \
  X(bad_app_id, "app id empty, longer than PICOWASM_PKG_MAX_APP_ID or not [A-Za-z0-9._-]")  \
  X(no_such_app, "no app with this id is installed")                                        \
  X(table_full, "every app entry is in use (PICOWASM_STORE_MAX_APPS, Config::num_apps)")    \
  X(trial_running, "the app runs a version in trial: confirm or roll it back first")        \
  X(install_active, "an install is in progress: finish or abort it first")                  \
  X(no_install, "no install in progress (install_begin first)")                             \
  X(too_large, "the package is larger than a slot")                                         \
  X(length_mismatch, "more or fewer bytes written than install_begin announced")            \
  X(refused, "the package was refused (Result::package says why)")                          \
  X(app_id_mismatch, "the manifest's app id is not the one install_begin named")            \
  X(nothing_to_run, "the app has no version that may run (none confirmed, none in trial)")  \
  X(no_trial, "the app has no version in trial")                                            \
  X(nothing_to_roll_back, "the app has no pending or trial version")                        \
  X(slot_corrupt, "the package in flash no longer matches its digest (bit flip or damage)") \
  X(bad_argument, "bad argument")

enum class Status : uint8_t {
#define PICOWASM_STORE_STATUS_ENUM(name, msg) name,
  PICOWASM_STORE_STATUSES(PICOWASM_STORE_STATUS_ENUM)
#undef PICOWASM_STORE_STATUS_ENUM
};

const char* status_name(Status status);     // "slot_corrupt"
const char* status_message(Status status);  // "the package in flash no longer matches its digest"

struct Result {
  Status status = Status::ok;
  package::Result package;  // refused: the admission's typed error (downgrade: the store's floor)
  int io_code = 0;          // io_error: what the device callback returned
  uint32_t detail = 0;      // bad_config: which check (see store.cpp); slot_corrupt: the slot
  bool ok() const { return status == Status::ok; }
};

// ---- Configuration and state
// ---------------------------------------------------------------------

struct Config {
  const BlockDevice* device = nullptr;  // must outlive the store
  uint32_t num_apps = 2;                // app entries, 1..kMaxApps (fixed by format)
  uint32_t slot_bytes = 0;              // size of each slot, a multiple of the block size
  // The confirmation rule recorded with each install: that many clean activations (Outcome::clean
  // reported) confirm a trial version; 0: only confirm() does. At most kMaxConfirmAfter.
  uint16_t confirm_after = 3;
};

// What the firmware needs to admit a package (package::admit): the owner's policy, the signature
// hook and its context, and a scratch arena for the trial load that proves the code is valid
// (module_config.arena; the loaded module is discarded, nothing else is kept).
struct Admit {
  const package::Policy* policy = nullptr;
  package::VerifyFn verify = nullptr;
  void* verify_ctx = nullptr;
  ModuleConfig module_config;
};

enum class SlotState : uint8_t {
  empty = 0,      // free: no package, or one nothing refers to
  pending = 1,    // installed and verified, not yet run
  trial = 2,      // running in trial
  confirmed = 3,  // the version that runs
  previous = 4,   // a formerly confirmed version, the fallback of a revocation
  revoked = 5,    // revoked: never runs again
};
const char* slot_state_name(SlotState state);  // "pending"

struct SlotInfo {
  SlotState state = SlotState::empty;
  uint32_t version = 0;
  uint32_t length = 0;                           // package bytes
  uint8_t image_digest[package::kDigestBytes];   // SHA-256 of the slot's package bytes
  uint8_t signed_digest[package::kDigestBytes];  // the package digest (revocation names it)
  uint8_t key_id[package::kKeyIdBytes];          // the publisher key
  uint8_t pool_slot = 0;                         // where it is: pool slot 0..2 * num_apps
};

struct AppInfo {
  char app_id[kMaxAppId + 1] = {};  // NUL-terminated
  uint32_t min_version = 0;         // anti-rollback floor: moves forward on confirmation only
  uint16_t confirm_after = 0;       // the rule recorded at install
  uint16_t trial_started = 0;       // activations of the trial version begun so far
  uint16_t trial_clean = 0;         // ... and reported clean
  bool installed = false;  // a slot holds a version that is not revoked (else: kept for its floor)
  SlotInfo slots[2];       // A and B
  // Convenience: the slot (0 or 1) in each role, or -1.
  int confirmed_slot() const;
  int candidate_slot() const;  // the pending or trial one
};

enum class Outcome : uint8_t {
  clean = 0,      // the activation ended normally
  trap = 1,       // it trapped
  exhausted = 2,  // it ran out of fuel, stack or memory
};

// The package to run, in place in flash.
struct Activation {
  const uint8_t* bytes = nullptr;
  uint32_t size = 0;
  uint32_t version = 0;
  uint8_t slot = 0;
  bool trial = false;        // the version runs in trial: report() its outcome
  bool rolled_back = false;  // a trial was abandoned on the way (its last activation never ended)
};

// What install_finish() admitted (caller memory: the admission's grant points into `package`,
// which points into the slot's bytes in flash, or into `section` on a flash without a map).
struct InstallInfo {
  uint32_t app_index = 0;
  uint8_t slot = 0;       // the app's record (0: A, 1: B)
  uint8_t pool_slot = 0;  // the pool slot the package is in (the former spare)
  uint32_t version = 0;
  package::Package package;
  package::Admission admission;
  LoadedModule* module = nullptr;  // the trial load, in Admit::module_config.arena
  // False on a flash without a memory map: digests, signature and the policy's manifest checks
  // were done, the code checks that load the module (it loads, imports, instance size) were not,
  // as they need its bytes in memory (module is null, admission.instance_bytes 0).
  bool code_checked = false;
  uint8_t section[PICOWASM_PKG_MAX_SECTION_BYTES];  // without a map: the package section, read
};

// What to revoke: one of the three kinds.
struct Revocation {
  enum class Kind : uint8_t { digest, versions, key } kind = Kind::digest;
  package::Digest digest = {};    // digest: the package digest (signed digest)
  package::AppVersions versions;  // versions: app id and first..last inclusive
  package::KeyId key = {};        // key: every package signed by this publisher key
};

struct RevokeReport {
  uint32_t unload_mask = 0;    // bit i: app entry i's running version was revoked: unload it
  uint32_t revoked_slots = 0;  // slots newly marked revoked
};

// ---- The store
// ------------------------------------------------------------------------------------

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads the metadata: the newest valid copy wins. Never fails on flash content other than with a
  // status: blank (erased), corrupt_metadata, layout_mismatch (formatted with another config).
  Result mount(const Config& config);
  // Erases the metadata area and writes an empty table (slots are erased as installs need them).
  Result format(const Config& config);
  bool mounted() const { return mounted_; }

  // ---- Install (a stream) ----
  // Starts installing a package of `length` bytes for `app_id` into the spare pool slot (erased
  // here; the metadata names nothing in it). Refused while the app runs a trial.
  Result install_begin(const char* app_id, uint32_t length);
  // Appends bytes as they arrive (any chunk size).
  Result install_write(const uint8_t* data, uint32_t size);
  // Checks the package as written, read back from flash: package::admit (digest, signature,
  // policy, code; without a memory map, digests and signature streamed through read() and the
  // manifest's policy checks), the app id, the store's own floor (downgrade); only then records it
  // as pending, in one metadata commit that gives the spare slot to the app and makes the slot of
  // the version it replaces (a pending or previous version, or an empty record) the new spare.
  // A refusal leaves the metadata, and every slot but the spare, exactly as they were.
  Result install_finish(const Admit& admit, InstallInfo* out);
  void install_abort();
  bool installing() const { return install_.active; }

  // ---- Running ----
  // The version to run: a pending version becomes the trial (each call of a trial counts as one
  // activation begun); a trial whose previous activation never reported rolls back first.
  // The slot's digest is checked from flash first: slot_corrupt if it changed (a corrupt trial
  // rolls back to the confirmed version, which is checked in turn).
  Result activate(const char* app_id, Activation* out);
  // The outcome of an activation of the trial version: clean counts toward the rule (and confirms
  // when it is met), trap/exhausted roll back to the confirmed version. Of a confirmed version: ok.
  Result report(const char* app_id, Outcome outcome);
  Result confirm(const char* app_id);   // confirms the trial now (min_version moves to it)
  Result rollback(const char* app_id);  // drops the pending or trial version
  // Marks every matching slot revoked; an app whose running version is revoked falls back to its
  // previous (non-revoked) version or to none, and its bit is set in report->unload_mask.
  Result revoke(const Revocation& what, RevokeReport* report);
  // Removes the app's versions; its entry keeps its min_version (so uninstalling cannot be used to
  // downgrade).
  Result uninstall(const char* app_id);

  // ---- Inspection ----
  uint32_t num_apps() const { return mounted_ ? num_apps_ : 0; }  // entries (used or not)
  // Entry i (0..num_apps()-1); false if it was never used.
  bool inspect(uint32_t index, AppInfo* out) const;
  uint32_t find(const char* app_id) const;    // the entry index, or kNoApp
  uint32_t sequence() const { return seq_; }  // the current metadata's sequence number
  uint32_t spare_slot() const { return spare_; }  // the pool slot the next install streams into
  // Checks slot `slot` of entry `index` against its digest from flash (ok or slot_corrupt).
  Result check_slot(uint32_t index, uint8_t slot) const;

  // Internal layout, public for the tests' oracles and the footprint: see store.cpp.
  struct SlotRecord {
    uint8_t state;
    uint8_t pool;  // the pool slot this record owns (even when empty)
    uint8_t reserved[2];
    uint32_t version;
    uint32_t length;
    uint8_t image_digest[package::kDigestBytes];
    uint8_t signed_digest[package::kDigestBytes];
    uint8_t key_id[package::kKeyIdBytes];
  };
  struct Entry {
    uint8_t used;
    uint8_t app_id_len;
    uint16_t confirm_after;
    uint16_t trial_started;
    uint16_t trial_clean;
    uint32_t min_version;
    char app_id[kMaxAppId];
    SlotRecord slots[2];
  };

 private:
  Result write_metadata();
  Result check_mounted() const;
  Result lookup(const char* app_id, uint32_t* index) const;
  Result prog_bytes(uint32_t address, const uint8_t* data, uint32_t size);
  // SHA-256 of `length` bytes at flash address `base`, bytes [skip_from, skip_to) left out.
  Result hash_flash(uint32_t base, uint32_t length, uint32_t skip_from, uint32_t skip_to,
                    uint8_t out[package::kDigestBytes]) const;
  Result admit_unmapped(const Admit& admit, InstallInfo* out);
  Result roll_back_entry(Entry& e);
  uint32_t pool_address(uint32_t pool) const;
  uint32_t slot_address(uint32_t index, uint8_t slot) const;

  const BlockDevice* dev_ = nullptr;
  Config config_;
  bool mounted_ = false;
  uint32_t num_apps_ = 0;
  uint32_t meta_blocks_ = 0;  // blocks of one metadata copy
  uint32_t current_copy_ = 0;
  uint32_t seq_ = 0;
  uint32_t spare_ = 0;
  Entry entries_[kMaxApps] = {};
  struct Install {
    bool active = false;
    uint32_t index = 0;
    uint32_t length = 0, written = 0;
    uint32_t address = 0;   // flash address of buffer[0]
    uint32_t buffered = 0;  // bytes in buffer (less than one prog unit)
    char app_id[kMaxAppId + 1] = {};
    uint8_t buffer[kMaxProgBytes] = {};
  } install_;
};

}  // namespace store
}  // namespace picowasm

#endif  // PICOWASM_STORE_HPP
