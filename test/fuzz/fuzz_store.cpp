// libFuzzer target: the app store (store/) on arbitrary flash images. The first input byte picks
// how the image is made: raw (the input is the flash), or with a metadata copy made valid (a
// correct header and CRC over the input's bytes as entries, so the checks behind the CRC and
// every operation on odd but intact metadata are reached). Then the rest of the input drives
// operations (activate, report, confirm, rollback, revoke, uninstall, an install of input bytes).
// Invariants: nothing crashes; whatever the store accepts as mounted, a second mount of the same
// flash reads back identically after every operation; activated bytes lie inside the flash and
// match their digest.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "picowasm/store.hpp"

namespace {

namespace ps = picowasm::store;
namespace pk = picowasm::package;

constexpr uint32_t kBlock = 128, kProg = 8, kApps = 2, kSlot = 512;
// Metadata: 32-byte header + 2 x 260-byte entries, commit unit 8: 560 bytes, 5 blocks a copy.
constexpr uint32_t kMetaBlocks = 5;
constexpr uint32_t kPool = kApps * 2 + 1;  // two slots per app and the spare
constexpr uint32_t kBlocks = 2 * kMetaBlocks + kPool * (kSlot / kBlock);
constexpr uint32_t kFlashBytes = kBlocks * kBlock;

struct Flash {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kFlashBytes, 0xFF);
  ps::BlockDevice dev;
  Flash() {
    dev.context = this;
    dev.read = [](void* c, uint32_t b, uint32_t o, void* out, uint32_t n) {
      FUZZ_CHECK(b < kBlocks && o + n <= kBlock);
      std::memcpy(out, static_cast<Flash*>(c)->bytes.data() + b * kBlock + o, n);
      return 0;
    };
    dev.prog = [](void* c, uint32_t b, uint32_t o, const void* in, uint32_t n) {
      // The store's promise: whole units, inside one block, of erased bytes only.
      FUZZ_CHECK(b < kBlocks && o % kProg == 0 && n % kProg == 0 && o + n <= kBlock);
      uint8_t* at = static_cast<Flash*>(c)->bytes.data() + b * kBlock + o;
      for (uint32_t i = 0; i < n; ++i) FUZZ_CHECK(at[i] == 0xFF);
      std::memcpy(at, in, n);
      return 0;
    };
    dev.erase = [](void* c, uint32_t b) {
      FUZZ_CHECK(b < kBlocks);
      std::memset(static_cast<Flash*>(c)->bytes.data() + b * kBlock, 0xFF, kBlock);
      return 0;
    };
    dev.sync = [](void*) { return 0; };
    dev.block_size = kBlock;
    dev.prog_size = kProg;
    dev.block_count = kBlocks;
    dev.mapped = bytes.data();
  }
};

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0xFFFFFFFFu) {
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return crc;
}

void put32(uint8_t* at, uint32_t v) {
  std::memcpy(at, &v, 4);  // the targets and this host are little-endian, as the format
}

// Writes a valid metadata copy `copy` with sequence `seq` and entries from `entries`, their pool
// slots (byte 1 of each 108-byte slot record, after the entry's 44 bytes) made a valid assignment
// most of the time: entry i owns 2i and 2i+1, the spare is the last (or, if the input's first
// byte is odd, as the input has them, mostly refused).
void write_copy(Flash& f, uint32_t copy, uint32_t seq, const uint8_t* entries, size_t n) {
  uint8_t* base = f.bytes.data() + copy * kMetaBlocks * kBlock;
  std::memset(base, 0xFF, kMetaBlocks * kBlock);
  const uint32_t body = 32 + kApps * 260;
  std::memset(base, 0, body);
  put32(base, 0x54535750u);  // "PWST"
  base[4] = 2;               // format 2: the slot pool
  base[6] = kApps;
  put32(base + 8, seq);
  put32(base + 12, kBlock);
  put32(base + 16, kSlot);
  put32(base + 20, body);
  std::memcpy(base + 32, entries, n < body - 32 ? n : body - 32);
  if (n == 0 || entries[0] % 2 == 0) {
    for (uint32_t i = 0; i < kApps; ++i) {
      for (uint32_t s = 0; s < 2; ++s) base[32 + i * 260 + 44 + s * 108 + 1] = uint8_t(2 * i + s);
    }
    put32(base + 24, 2 * kApps);  // the spare
  }
  const uint32_t crc = ~crc32(base, body);
  put32(base + body, crc);
  put32(base + body + 4, ~crc);
}

bool same(const ps::AppInfo& a, const ps::AppInfo& b) {
  if (std::strcmp(a.app_id, b.app_id) != 0 || a.min_version != b.min_version ||
      a.trial_started != b.trial_started || a.trial_clean != b.trial_clean ||
      a.confirm_after != b.confirm_after || a.installed != b.installed) {
    return false;
  }
  for (int s = 0; s < 2; ++s) {
    if (a.slots[s].state != b.slots[s].state || a.slots[s].version != b.slots[s].version ||
        a.slots[s].length != b.slots[s].length ||
        std::memcmp(a.slots[s].image_digest, b.slots[s].image_digest, 32) != 0) {
      return false;
    }
  }
  return true;
}

// A second mount of the flash sees what the mounted store has in RAM.
void check_persisted(const ps::Store& store, const ps::Config& config) {
  if (!store.mounted()) return;
  ps::Store again;
  FUZZ_CHECK(again.mount(config).ok());
  FUZZ_CHECK(again.sequence() == store.sequence());
  for (uint32_t i = 0; i < kApps; ++i) {
    ps::AppInfo a, b;
    const bool ha = store.inspect(i, &a), hb = again.inspect(i, &b);
    FUZZ_CHECK(ha == hb);
    if (ha) FUZZ_CHECK(same(a, b));
  }
}

pk::Status accept_all(void*, const uint8_t*, const uint8_t*, const uint8_t*) {
  return pk::Status::ok;  // the fuzzer cannot sign: let the policy and code checks be reached
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Flash flash;
  const uint8_t mode = data[0] % 3;
  ++data;
  --size;
  const size_t image = size < kFlashBytes ? size : kFlashBytes;
  if (mode == 0) {
    std::memcpy(flash.bytes.data(), data, image);
  } else {
    std::memcpy(flash.bytes.data() + 2 * kMetaBlocks * kBlock, data,
                image < kFlashBytes - 2 * kMetaBlocks * kBlock
                    ? image
                    : kFlashBytes - 2 * kMetaBlocks * kBlock);
    write_copy(flash, 0, 7, data, image);
    if (mode == 2 && image > 600) write_copy(flash, 1, 8, data + 600, image - 600);
  }
  const uint8_t* ops = data + image;
  size_t num_ops = size - image;

  ps::Config config;
  config.device = &flash.dev;
  config.num_apps = kApps;
  config.slot_bytes = kSlot;
  config.confirm_after = 2;
  ps::Store store;
  const ps::Result m = store.mount(config);
  FUZZ_CHECK(m.ok() || m.status == ps::Status::blank || m.status == ps::Status::corrupt_metadata ||
             m.status == ps::Status::layout_mismatch);
  if (!m.ok()) {
    FUZZ_CHECK(!store.mounted());
    if (num_ops == 0 || ops[0] % 2 == 0) return 0;
    FUZZ_CHECK(store.format(config).ok());  // then the operations on a fresh store
  }
  check_persisted(store, config);

  static uint8_t arena[16 * 1024];
  pk::Policy policy;
  pk::Publisher publisher;
  std::memset(publisher.key.bytes, 0x11, sizeof publisher.key.bytes);
  picowasm::board::Grant allowance;
  allowance.time = true;
  publisher.allowance = &allowance;
  policy.publishers = &publisher;
  policy.num_publishers = 1;
  ps::Admit admit;
  admit.policy = &policy;
  admit.verify = accept_all;
  admit.module_config.arena = arena;
  admit.module_config.arena_size = sizeof arena;

  for (size_t k = 0; k < num_ops; ++k) {
    const uint8_t op = ops[k];
    ps::AppInfo info;
    const uint32_t index = (op >> 4) % kApps;
    const char* id = store.inspect(index, &info) ? info.app_id : "fuzz";
    ps::Result r;
    switch (op % 8) {
      case 0: {
        ps::Activation act;
        r = store.activate(id, &act);
        if (r.ok()) {
          FUZZ_CHECK(act.bytes >= flash.bytes.data() &&
                     act.bytes + act.size <= flash.bytes.data() + kFlashBytes);
          FUZZ_CHECK(store.check_slot(store.find(id), act.slot).ok());
        }
        break;
      }
      case 1: r = store.report(id, static_cast<ps::Outcome>((op >> 3) % 3)); break;
      case 2: r = store.confirm(id); break;
      case 3: r = store.rollback(id); break;
      case 4: {
        ps::Revocation what;
        ps::RevokeReport report;
        what.kind = static_cast<ps::Revocation::Kind>((op >> 3) % 3);
        if (store.inspect(index, &info)) {
          std::memcpy(what.digest.bytes, info.slots[0].signed_digest, 32);
          std::memcpy(what.key.bytes, info.slots[1].key_id, 32);
        }
        what.versions = {id, 0, (op >> 5) * 3u};
        r = store.revoke(what, &report);
        break;
      }
      case 5: r = store.uninstall(id); break;
      case 6: {
        // The remaining input (up to a slot) as a package.
        const size_t rest = num_ops - k - 1;
        const uint32_t len = static_cast<uint32_t>(rest < kSlot + 4 ? rest : kSlot + 4);
        r = store.install_begin(id, len);
        if (r.ok()) r = store.install_write(ops + k + 1, len);
        if (r.ok()) {
          ps::InstallInfo out;
          r = store.install_finish(admit, &out);
        }
        store.install_abort();
        k += len;
        break;
      }
      default: FUZZ_CHECK(store.mount(config).ok()); break;
    }
    FUZZ_CHECK(r.status != ps::Status::io_error && r.status != ps::Status::not_mounted);
    check_persisted(store, config);
  }
  return 0;
}
