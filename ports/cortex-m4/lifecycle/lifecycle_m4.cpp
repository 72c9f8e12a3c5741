// Firmware lifecycle-m4 (CTest lifecycle_qemu, docs/lifecycle.md): the app lifecycle on a device.
// It reads an inbox that QEMU preloads into PSRAM (make_inbox.py: the trusted publisher key, then
// the packages a device would receive over the air), keeps an app store (store/) on a NOR flash
// emulated in PSRAM, and for each package received: installs it (the store verifies the
// signature with mbedTLS, ECDSA P-256, from a static pool: package::verify_pooled), runs the
// version the store selects in place from flash, reports the outcome (a trap in trial rolls back),
// then replays two broken updates (a flipped code byte, a downgrade). Each step is one line on the
// UART; lifecycle_qemu compares them with expected.uart. No heap: every buffer is static.
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "picowasm/picowasm.hpp"
#include "picowasm/store.hpp"
#include "picowasm/verify_pool.hpp"

namespace pk = picowasm::package;
namespace st = picowasm::store;
using picowasm::Error;

namespace {

// Where QEMU's `-device loader` puts the inbox (lifecycle_qemu.sh): the top MiB of PSRAM, which
// the .psram section below does not reach.
constexpr uintptr_t kInboxAddress = 0x21F00000u;
constexpr uint32_t kInboxMagic = 0x4E495750u;  // "PWIN"
constexpr uint32_t kKindKey = 1, kKindPackage = 2;
constexpr uint32_t kLabelBytes = 16;
constexpr uint32_t kMaxInboxItems = 8;

// The emulated NOR flash: erase to 0xFF in 4 KiB blocks, program in 16-byte units (1 -> 0 only).
constexpr uint32_t kBlockSize = 4096;
constexpr uint32_t kProgSize = 16;
constexpr uint32_t kNumApps = 2;
constexpr uint32_t kSlotBytes = 4 * kBlockSize;
// Two metadata blocks, then the slot pool: two per app and the spare installs stream into.
constexpr uint32_t kBlockCount = 2 + (2 * kNumApps + 1) * (kSlotBytes / kBlockSize);
constexpr uint32_t kStreamChunk = 256;  // install writes the package as it "arrives", in chunks
alignas(8) uint8_t g_flash[kBlockCount * kBlockSize] BOARD_PSRAM;

constexpr size_t kModuleArenaBytes = 64 * 1024;
constexpr size_t kInstanceArenaBytes = 192 * 1024;  // one 64 KiB page, stacks, the instance
constexpr uint64_t kFuel = 10000;
alignas(16) uint8_t g_admit_arena[kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_module_arena[kModuleArenaBytes] BOARD_PSRAM;
alignas(16) uint8_t g_instance_arena[kInstanceArenaBytes] BOARD_PSRAM;

pk::VerifyContext g_verify;  // the trusted key and mbedTLS's pool
st::Store g_store;
st::InstallInfo g_install;

int flash_read(void*, uint32_t block, uint32_t offset, void* buffer, uint32_t size) {
  memcpy(buffer, g_flash + block * kBlockSize + offset, size);
  return 0;
}
int flash_prog(void*, uint32_t block, uint32_t offset, const void* buffer, uint32_t size) {
  uint8_t* to = g_flash + block * kBlockSize + offset;
  const uint8_t* from = static_cast<const uint8_t*>(buffer);
  for (uint32_t i = 0; i < size; ++i) to[i] &= from[i];  // NOR: programming clears bits
  return 0;
}
int flash_erase(void*, uint32_t block) {
  memset(g_flash + block * kBlockSize, st::kErased, kBlockSize);
  return 0;
}
int flash_sync(void*) {
  return 0;
}

struct Item {
  uint32_t kind = 0, size = 0;
  const char* label = nullptr;
  const uint8_t* bytes = nullptr;
};

// Parses the inbox; returns the number of items (0 if it is missing or malformed).
uint32_t read_inbox(Item* items) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(kInboxAddress);
  uint32_t magic, count;
  memcpy(&magic, p, 4);
  memcpy(&count, p + 4, 4);
  if (magic != kInboxMagic || count == 0 || count > kMaxInboxItems) return 0;
  p += 8;
  for (uint32_t i = 0; i < count; ++i) {
    memcpy(&items[i].kind, p, 4);
    memcpy(&items[i].size, p + 4, 4);
    if (items[i].size > kSlotBytes || p[8 + kLabelBytes - 1] != 0) return 0;
    items[i].label = reinterpret_cast<const char*>(p + 8);
    items[i].bytes = p + 8 + kLabelBytes;
    p += 8 + kLabelBytes + ((items[i].size + 3) & ~3u);
  }
  return count;
}

void print_store_error(const st::Result& r) {
  if (r.status == st::Status::refused) {
    board_printf("refused: %s (%s)\n", pk::status_name(r.package.status),
                 pk::status_message(r.package.status));
  } else {
    board_printf("store error: %s (%s)\n", st::status_name(r.status), st::status_message(r.status));
  }
}

// Streams `bytes` into the store as an update for `app_id`, with the byte at `flip_at` (if less
// than size) corrupted on the way, and lets the store admit it.
void receive(const char* label, const char* app_id, const uint8_t* bytes, uint32_t size,
             const st::Admit& admit, uint32_t flip_at = UINT32_MAX) {
  board_printf("receive %s: ", label);
  st::Result r = g_store.install_begin(app_id, size);
  for (uint32_t at = 0; r.ok() && at < size; at += kStreamChunk) {
    uint8_t chunk[kStreamChunk];
    const uint32_t n = size - at < kStreamChunk ? size - at : kStreamChunk;
    memcpy(chunk, bytes + at, n);
    if (flip_at >= at && flip_at < at + n) chunk[flip_at - at] ^= 0x01;
    r = g_store.install_write(chunk, n);
  }
  if (r.ok()) r = g_store.install_finish(admit, &g_install);
  if (!r.ok()) {
    if (g_store.installing()) g_store.install_abort();
    print_store_error(r);
    return;
  }
  board_printf("installed %s v%u in slot %c (pending)\n", app_id,
               static_cast<unsigned>(g_install.version), g_install.slot ? 'B' : 'A');
}

// Runs the version the store selects, in place from flash, and reports its outcome. True if a
// trial failed (the store rolled it back).
bool run(const char* app_id) {
  st::Activation act;
  st::Result r = g_store.activate(app_id, &act);
  board_printf("run %s: ", app_id);
  if (!r.ok()) {
    print_store_error(r);
    return false;
  }
  board_printf("v%u slot %c%s\n", static_cast<unsigned>(act.version), act.slot ? 'B' : 'A',
               act.trial ? " (trial)" : "");
  picowasm::ModuleConfig mc;
  mc.arena = g_module_arena;
  mc.arena_size = sizeof g_module_arena;
  picowasm::LoadedModule* module = nullptr;
  Error e = picowasm::load(act.bytes, act.size, mc, &module);  // reads the code in place
  picowasm::InstanceConfig ic;
  ic.arena = g_instance_arena;
  ic.arena_size = sizeof g_instance_arena;
  picowasm::Instance* instance = nullptr;
  if (e.ok()) e = picowasm::instantiate(*module, ic, &instance);
  st::Outcome outcome = st::Outcome::trap;
  if (!e.ok()) {
    board_printf("  cannot run: %s\n", e.message());
  } else {
    picowasm::FuncInst* main_fn = picowasm::find_function(*instance, "pw_main");
    picowasm::CallResult c = picowasm::start(*instance, kFuel);
    uint64_t slots[1] = {0};
    if (c.status == picowasm::CallStatus::ok && main_fn) {
      c = picowasm::call(*instance, main_fn, slots, kFuel);
    }
    if (!main_fn) {
      board_printf("  no pw_main\n");
    } else if (c.status == picowasm::CallStatus::ok) {
      board_printf("  pw_main returned %d\n", static_cast<int>(static_cast<int32_t>(slots[0])));
      outcome = st::Outcome::clean;
    } else if (c.status == picowasm::CallStatus::trap) {
      board_printf("  trap: %s\n", c.error.message());
    } else {
      picowasm::abandon(*instance);
      board_printf("  out of fuel\n");
      outcome = st::Outcome::exhausted;
    }
    picowasm::unload(*instance);
  }
  if (!act.trial) return false;
  r = g_store.report(app_id, outcome);
  if (!r.ok()) {
    print_store_error(r);
    return false;
  }
  st::AppInfo app;
  g_store.inspect(g_store.find(app_id), &app);
  const int confirmed = app.confirmed_slot();
  board_printf("  report %s: ", outcome == st::Outcome::clean ? "clean" : "trap");
  if (outcome != st::Outcome::clean) {
    if (confirmed < 0) {
      board_printf("rolled back, nothing to run\n");
    } else {
      board_printf("rolled back to v%u\n", static_cast<unsigned>(app.slots[confirmed].version));
    }
    return true;
  } else if (confirmed == act.slot) {
    board_printf("v%u confirmed\n", static_cast<unsigned>(act.version));
  } else {
    board_printf("%u of %u clean runs\n", app.trial_clean, app.confirm_after);
  }
  return false;
}

}  // namespace

int main() {
  board_init();
  board_printf("lifecycle: picowasm app store on mps2-an386\n");
  Item items[kMaxInboxItems];
  const uint32_t count = read_inbox(items);
  if (count == 0 || items[0].kind != kKindKey || items[0].size != pk::kPublicKeyBytes) {
    board_printf("inbox: missing or malformed at 0x%08x\n", static_cast<unsigned>(kInboxAddress));
    board_exit(1);
  }
  board_printf("inbox: trusted key, %u packages\n", static_cast<unsigned>(count - 1));

  // The owner's policy: one trusted publisher whose apps may have no capability at all (the demo
  // app needs none), 64 KiB of memory and 10000 fuel at most.
  pk::TrustedKey key;
  memcpy(key.public_key, items[0].bytes, pk::kPublicKeyBytes);
  pk::key_id_of(key.public_key, key.key_id);
  g_verify.keyring = pk::Keyring{&key, 1};
  static const picowasm::board::Grant kNothing;
  pk::Publisher publisher;
  memcpy(publisher.key.bytes, key.key_id, pk::kKeyIdBytes);
  publisher.allowance = &kNothing;
  pk::Policy policy;
  policy.publishers = &publisher;
  policy.num_publishers = 1;
  policy.max_memory_bytes = 64 * 1024;
  policy.max_fuel = kFuel;
  policy.max_instance_bytes = kInstanceArenaBytes;
  st::Admit admit;
  admit.policy = &policy;
  admit.verify = pk::verify_pooled;
  admit.verify_ctx = &g_verify;
  admit.module_config.arena = g_admit_arena;
  admit.module_config.arena_size = sizeof g_admit_arena;

  st::BlockDevice flash;
  flash.read = flash_read;
  flash.prog = flash_prog;
  flash.erase = flash_erase;
  flash.sync = flash_sync;
  flash.block_size = kBlockSize;
  flash.prog_size = kProgSize;
  flash.block_count = kBlockCount;
  flash.mapped = g_flash;  // execute in place
  memset(g_flash, st::kErased, sizeof g_flash);
  st::Config config;
  config.device = &flash;
  config.num_apps = kNumApps;
  config.slot_bytes = kSlotBytes;
  config.confirm_after = 1;  // one clean trial run confirms
  st::Result r = g_store.mount(config);
  board_printf("store: mount of erased flash: %s\n", st::status_name(r.status));
  r = g_store.format(config);
  board_printf("store: format: %s (%u apps, two %u KiB slots each and a spare)\n",
               st::status_name(r.status), static_cast<unsigned>(kNumApps),
               static_cast<unsigned>(kSlotBytes / 1024));
  if (!r.ok()) board_exit(1);

  const char* const app = "counter";
  const Item* v1 = nullptr;
  const Item* v2 = nullptr;
  for (uint32_t i = 1; i < count; ++i) {
    if (items[i].kind != kKindPackage) continue;
    receive(items[i].label, app, items[i].bytes, items[i].size, admit);
    if (strcmp(items[i].label, "v1") == 0) v1 = &items[i];
    if (strcmp(items[i].label, "v2") == 0) v2 = &items[i];
    // After a failed trial the confirmed version runs again.
    if (run(app)) run(app);
  }
  // Broken updates a device must survive: v2 with one code byte flipped in transit (the byte
  // before the package section, inside the code), and v1 replayed (a downgrade).
  if (v2) {
    pk::Package parsed;
    if (pk::open(v2->bytes, v2->size, &parsed).ok()) {
      receive("v2 flipped", app, v2->bytes, v2->size, admit, parsed.section_start - 2);
    }
  }
  if (v1) receive("v1 again", app, v1->bytes, v1->size, admit);

  // What survives a reboot: mount the flash afresh.
  static st::Store again;
  r = again.mount(config);
  st::AppInfo info;
  const int confirmed = again.inspect(0, &info) ? info.confirmed_slot() : -1;
  board_printf("store: remount: %s, %s v%u confirmed in slot %c, min version %u\n",
               st::status_name(r.status), info.app_id,
               confirmed < 0 ? 0u : static_cast<unsigned>(info.slots[confirmed].version),
               confirmed == 1 ? 'B' : 'A', static_cast<unsigned>(info.min_version));
  run(app);
  board_printf("lifecycle: done\n");
  board_exit(0);
}
