// The app store (docs/lifecycle.md, "The app store").
//
// Flash layout, in blocks of the device:
//   [copy 0 of the metadata: meta_blocks][copy 1: meta_blocks]
//   [pool slot 0][pool slot 1]...[pool slot 2 * num_apps]   each slot_bytes long
// The slots are a pool: each app entry owns two (its records A and B name them), and the one left
// over is the spare. An install streams into the spare; the metadata commit that records the
// admitted package gives the spare to the app and makes the slot it replaces the new spare, so a
// refused or interrupted install never touches a slot the metadata names.
// A metadata copy is a Header, num_apps Entry records (little-endian, as the targets store them),
// then, at the next prog_size boundary, a commit record: CRC-32 of header and entries, and its
// complement. An update erases the older copy, programs header and entries, then the commit
// record, then syncs: a copy without a complete commit record is not valid, so a cut anywhere
// leaves the newer of the two valid copies (the old state) until the commit is written (the new
// state). Mount takes the valid copy with the larger sequence number.
#include "picowasm/store.hpp"

#include <cstring>

#include "picowasm/package_sha256.hpp"

namespace picowasm {
namespace store {
namespace {

constexpr uint32_t kMagic = 0x54535750u;  // "PWST"
constexpr uint16_t kFormat = 2;           // 2: the slot pool with a spare
constexpr uint32_t kCommitBytes = 8;  // CRC-32 and its complement
constexpr uint16_t kCounterMax = 0xFFFF;

struct Header {
  uint32_t magic;
  uint16_t format;
  uint16_t num_apps;
  uint32_t seq;
  uint32_t block_size;
  uint32_t slot_bytes;
  uint32_t body_bytes;  // header and entries
  uint32_t spare;       // the pool slot no entry owns
  uint32_t reserved;
};
static_assert(sizeof(Header) == 32, "the header is 32 bytes on every target");
static_assert(sizeof(Store::SlotRecord) == 108, "slot record layout");
static_assert(sizeof(Store::Entry) == 260, "entry layout");
static_assert(2 * kMaxApps + 1 <= 31,
              "pool slots are tracked in a 32-bit mask and fit SlotRecord::pool");

uint32_t pool_slots(uint32_t num_apps) {
  return 2 * num_apps + 1;
}

// bad_config details.
enum ConfigCheck : uint32_t {
  kNoDevice = 1,
  kNoCallbacks,
  kProgSize,
  kBlockSize,
  kNumApps,
  kSlotBytes,
  kConfirmAfter,
  kTooSmall,
};

uint32_t crc32_update(uint32_t crc, const uint8_t* data, uint32_t size) {
  // Bitwise CRC-32 (IEEE 802.3, reflected): no table, small code; the metadata is a few KiB.
  for (uint32_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

uint32_t align_up(uint32_t v, uint32_t unit) {
  return (v + unit - 1) / unit * unit;
}

bool seq_newer(uint32_t a, uint32_t b) {  // serial-number order: a wrapped counter still works
  return static_cast<int32_t>(a - b) > 0;
}

bool valid_app_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

size_t app_id_length(const char* app_id) {  // 0 if invalid
  if (app_id == nullptr) return 0;
  size_t n = 0;
  while (app_id[n] != '\0') {
    if (n == kMaxAppId || !valid_app_id_char(app_id[n])) return 0;
    ++n;
  }
  return n;
}

Result fail(Status s, uint32_t detail = 0) {
  Result r;
  r.status = s;
  r.detail = detail;
  return r;
}

Result io_fail(int code) {
  Result r;
  r.status = Status::io_error;
  r.io_code = code;
  return r;
}

int candidate_of(const Store::Entry& e) {
  for (int s = 0; s < 2; ++s) {
    const uint8_t st = e.slots[s].state;
    if (st == static_cast<uint8_t>(SlotState::pending) ||
        st == static_cast<uint8_t>(SlotState::trial)) {
      return s;
    }
  }
  return -1;
}

int slot_in(const Store::Entry& e, SlotState state) {
  for (int s = 0; s < 2; ++s) {
    if (e.slots[s].state == static_cast<uint8_t>(state)) return s;
  }
  return -1;
}

// Empties a record; the pool slot stays the entry's.
void clear_slot(Store::SlotRecord& s) {
  const uint8_t pool = s.pool;
  std::memset(&s, 0, sizeof s);
  s.pool = pool;
}

// The record an install replaces: the pending version, else the one beside the confirmed version
// (the previous version, or an empty or revoked record), else the record on the lower pool slot.
int target_record(const Store::Entry& e) {
  const int candidate = candidate_of(e);
  if (candidate >= 0) return candidate;
  const int confirmed = slot_in(e, SlotState::confirmed);
  if (confirmed >= 0) return 1 - confirmed;
  return e.slots[0].pool < e.slots[1].pool ? 0 : 1;
}

// Reads `size` bytes at linear address `address`, block by block.
Result read_at(const BlockDevice& dev, uint32_t address, uint8_t* out, uint32_t size) {
  while (size > 0) {
    const uint32_t block = address / dev.block_size, offset = address % dev.block_size;
    const uint32_t n = size < dev.block_size - offset ? size : dev.block_size - offset;
    const int rc = dev.read(dev.context, block, offset, out, n);
    if (rc != 0) return io_fail(rc);
    address += n;
    out += n;
    size -= n;
  }
  return Result{};
}

// Programs whole units starting at the unit-aligned `address`, block by block.
Result prog_at(const BlockDevice& dev, uint32_t address, const uint8_t* data, uint32_t size) {
  while (size > 0) {
    const uint32_t block = address / dev.block_size, offset = address % dev.block_size;
    const uint32_t n = size < dev.block_size - offset ? size : dev.block_size - offset;
    const int rc = dev.prog(dev.context, block, offset, data, n);
    if (rc != 0) return io_fail(rc);
    address += n;
    data += n;
    size -= n;
  }
  return Result{};
}

// A stream of bytes programmed in whole units: a partial unit waits in `buffer` (prog_size bytes)
// until it is full or flushed (padded with kErased, which leaves those bytes erased).
struct ProgStream {
  const BlockDevice& dev;
  uint32_t& address;  // where the buffer's first byte goes
  uint8_t* buffer;
  uint32_t& fill;

  Result put(const uint8_t* data, uint32_t size) {
    const uint32_t unit = dev.prog_size;
    if (fill > 0) {
      const uint32_t n = size < unit - fill ? size : unit - fill;
      std::memcpy(buffer + fill, data, n);
      fill += n;
      data += n;
      size -= n;
      if (fill < unit) return Result{};
      const Result r = prog_at(dev, address, buffer, unit);
      if (!r.ok()) return r;
      address += unit;
      fill = 0;
    }
    const uint32_t whole = size / unit * unit;  // straight from the caller's bytes
    if (whole > 0) {
      const Result r = prog_at(dev, address, data, whole);
      if (!r.ok()) return r;
      address += whole;
      data += whole;
      size -= whole;
    }
    std::memcpy(buffer, data, size);
    fill = size;
    return Result{};
  }
  Result flush() {
    if (fill == 0) return Result{};
    std::memset(buffer + fill, kErased, dev.prog_size - fill);
    const Result r = prog_at(dev, address, buffer, dev.prog_size);
    if (!r.ok()) return r;
    address += dev.prog_size;
    fill = 0;
    return Result{};
  }
};

uint32_t body_bytes(uint32_t num_apps) {
  return static_cast<uint32_t>(sizeof(Header) + num_apps * sizeof(Store::Entry));
}

// Checks a config against the device; on success *meta_blocks is one metadata copy's block count.
Result check_config(const Config& c, uint32_t* meta_blocks) {
  const BlockDevice* d = c.device;
  if (d == nullptr) return fail(Status::bad_config, kNoDevice);
  if (!d->read || !d->prog || !d->erase || !d->sync) return fail(Status::bad_config, kNoCallbacks);
  if (d->prog_size == 0 || d->prog_size > kMaxProgBytes) {
    return fail(Status::bad_config, kProgSize);
  }
  if (d->block_size == 0 || d->block_size % d->prog_size != 0) {
    return fail(Status::bad_config, kBlockSize);
  }
  if (c.num_apps == 0 || c.num_apps > kMaxApps) return fail(Status::bad_config, kNumApps);
  if (c.slot_bytes == 0 || c.slot_bytes % d->block_size != 0) {
    return fail(Status::bad_config, kSlotBytes);
  }
  if (c.confirm_after > kMaxConfirmAfter) return fail(Status::bad_config, kConfirmAfter);
  const uint32_t meta_bytes =
      align_up(body_bytes(c.num_apps), d->prog_size) + align_up(kCommitBytes, d->prog_size);
  const uint32_t mb = (meta_bytes + d->block_size - 1) / d->block_size;
  const uint64_t need =
      2ull * mb + uint64_t{pool_slots(c.num_apps)} * (c.slot_bytes / d->block_size);
  if (need > d->block_count) return fail(Status::bad_config, kTooSmall);
  *meta_blocks = mb;
  return Result{};
}

}  // namespace

const char* status_name(Status status) {
  switch (status) {
#define PICOWASM_STORE_STATUS_NAME(name, msg) \
  case Status::name: return #name;
    PICOWASM_STORE_STATUSES(PICOWASM_STORE_STATUS_NAME)
#undef PICOWASM_STORE_STATUS_NAME
  }
  return "unknown";
}

const char* status_message(Status status) {
  switch (status) {
#define PICOWASM_STORE_STATUS_MESSAGE(name, msg) \
  case Status::name: return msg;
    PICOWASM_STORE_STATUSES(PICOWASM_STORE_STATUS_MESSAGE)
#undef PICOWASM_STORE_STATUS_MESSAGE
  }
  return "unknown status";
}

const char* slot_state_name(SlotState state) {
  switch (state) {
    case SlotState::empty: return "empty";
    case SlotState::pending: return "pending";
    case SlotState::trial: return "trial";
    case SlotState::confirmed: return "confirmed";
    case SlotState::previous: return "previous";
    case SlotState::revoked: return "revoked";
  }
  return "unknown";
}

int AppInfo::confirmed_slot() const {
  for (int s = 0; s < 2; ++s) {
    if (slots[s].state == SlotState::confirmed) return s;
  }
  return -1;
}

int AppInfo::candidate_slot() const {
  for (int s = 0; s < 2; ++s) {
    if (slots[s].state == SlotState::pending || slots[s].state == SlotState::trial) return s;
  }
  return -1;
}

// ---- Metadata
// ------------------------------------------------------------------------------------

namespace {

// Reads copy `copy`'s header and checks its commit record against the CRC of header and entries,
// streamed through `chunk`. Sets *valid and *header.
// A header whose table would not fit the copy's `limit` bytes (another layout: more apps) is
// reported through *too_big and never read past.
Result probe_copy(const BlockDevice& dev, uint32_t base, uint32_t limit, Header* header,
                  bool* valid, bool* too_big) {
  *valid = false;
  Result r = read_at(dev, base, reinterpret_cast<uint8_t*>(header), sizeof *header);
  if (!r.ok()) return r;
  if (header->magic != kMagic || header->format != kFormat || header->num_apps == 0 ||
      header->num_apps > kMaxApps || header->body_bytes != body_bytes(header->num_apps)) {
    return r;
  }
  if (align_up(header->body_bytes, dev.prog_size) + align_up(kCommitBytes, dev.prog_size) > limit) {
    *too_big = true;
    return r;
  }
  uint32_t crc =
      crc32_update(0xFFFFFFFFu, reinterpret_cast<const uint8_t*>(header), sizeof *header);
  uint8_t chunk[kReadChunk];
  for (uint32_t at = sizeof *header; at < header->body_bytes;) {
    const uint32_t n = header->body_bytes - at < kReadChunk ? header->body_bytes - at : kReadChunk;
    r = read_at(dev, base + at, chunk, n);
    if (!r.ok()) return r;
    crc = crc32_update(crc, chunk, n);
    at += n;
  }
  crc = ~crc;
  uint32_t commit[2];
  r = read_at(dev, base + align_up(header->body_bytes, dev.prog_size),
              reinterpret_cast<uint8_t*>(commit), sizeof commit);
  if (!r.ok()) return r;
  *valid = commit[0] == crc && commit[1] == ~crc;
  return r;
}

// Whether the entries make sense together (a CRC-valid copy is still checked: it may have been
// written by something else).
bool entries_consistent(const Store::Entry* entries, uint32_t num_apps, uint32_t slot_bytes,
                        uint32_t spare) {
  // The entries' pool slots and the spare: each pool slot exactly once.
  const uint32_t slots = pool_slots(num_apps);
  if (spare >= slots) return false;
  uint32_t seen = 1u << spare;
  for (uint32_t i = 0; i < num_apps; ++i) {
    for (const Store::SlotRecord& r : entries[i].slots) {
      if (r.pool >= slots || ((seen >> r.pool) & 1u)) return false;
      seen |= 1u << r.pool;
    }
  }
  for (uint32_t i = 0; i < num_apps; ++i) {
    const Store::Entry& e = entries[i];
    if (e.used > 1) return false;
    if (!e.used) continue;
    if (e.app_id_len == 0 || e.app_id_len > kMaxAppId) return false;
    for (uint32_t k = 0; k < e.app_id_len; ++k) {
      if (!valid_app_id_char(e.app_id[k])) return false;
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (entries[j].used && entries[j].app_id_len == e.app_id_len &&
          std::memcmp(entries[j].app_id, e.app_id, e.app_id_len) == 0) {
        return false;
      }
    }
    if (e.confirm_after > kMaxConfirmAfter || e.trial_clean > e.trial_started) return false;
    int confirmed = 0, candidate = 0, previous = 0;
    for (int s = 0; s < 2; ++s) {
      const Store::SlotRecord& r = e.slots[s];
      if (r.state > static_cast<uint8_t>(SlotState::revoked)) return false;
      if (r.state == static_cast<uint8_t>(SlotState::empty)) continue;
      if (r.length < 8 || r.length > slot_bytes) return false;
      confirmed += r.state == static_cast<uint8_t>(SlotState::confirmed);
      previous += r.state == static_cast<uint8_t>(SlotState::previous);
      candidate += r.state == static_cast<uint8_t>(SlotState::pending) ||
                   r.state == static_cast<uint8_t>(SlotState::trial);
    }
    if (confirmed > 1 || candidate > 1 || previous > 1) return false;
    if (slot_in(e, SlotState::trial) < 0 && (e.trial_started != 0 || e.trial_clean != 0)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result Store::check_mounted() const {
  if (!mounted_) return fail(Status::not_mounted);
  return Result{};
}

Result Store::mount(const Config& config) {
  mounted_ = false;
  install_.active = false;
  uint32_t mb = 0;
  Result r = check_config(config, &mb);
  if (!r.ok()) return r;
  const BlockDevice& dev = *config.device;
  Header h[2];
  bool valid[2];
  bool too_big = false;
  for (uint32_t c = 0; c < 2; ++c) {
    r = probe_copy(dev, c * mb * dev.block_size, mb * dev.block_size, &h[c], &valid[c], &too_big);
    if (!r.ok()) return r;
  }
  if (!valid[0] && !valid[1] && too_big) return fail(Status::layout_mismatch);
  if (!valid[0] && !valid[1]) {
    // Blank if the whole metadata area is erased, else something else lives here (or damage).
    uint8_t chunk[kReadChunk];
    const uint32_t end = 2 * mb * dev.block_size;
    for (uint32_t at = 0; at < end; at += kReadChunk) {
      const uint32_t n = end - at < kReadChunk ? end - at : kReadChunk;
      r = read_at(dev, at, chunk, n);
      if (!r.ok()) return r;
      for (uint32_t k = 0; k < n; ++k) {
        if (chunk[k] != kErased) return fail(Status::corrupt_metadata);
      }
    }
    return fail(Status::blank);
  }
  // The newer valid copy first; the other if the newer one's content is not consistent.
  uint32_t order[2] = {0, 1};
  if (!valid[0] || (valid[1] && seq_newer(h[1].seq, h[0].seq))) {
    order[0] = 1;
    order[1] = 0;
  }
  for (uint32_t k = 0; k < 2; ++k) {
    const uint32_t c = order[k];
    if (!valid[c]) break;
    if (h[c].block_size != dev.block_size || h[c].slot_bytes != config.slot_bytes ||
        h[c].num_apps != config.num_apps) {
      return fail(Status::layout_mismatch);
    }
    r = read_at(dev, c * mb * dev.block_size + sizeof(Header), reinterpret_cast<uint8_t*>(entries_),
                h[c].num_apps * static_cast<uint32_t>(sizeof(Entry)));
    if (!r.ok()) return r;
    if (!entries_consistent(entries_, h[c].num_apps, config.slot_bytes, h[c].spare)) continue;
    for (uint32_t i = h[c].num_apps; i < kMaxApps; ++i) std::memset(&entries_[i], 0, sizeof(Entry));
    dev_ = config.device;
    config_ = config;
    num_apps_ = config.num_apps;
    meta_blocks_ = mb;
    current_copy_ = c;
    seq_ = h[c].seq;
    spare_ = h[c].spare;
    mounted_ = true;
    return Result{};
  }
  std::memset(entries_, 0, sizeof entries_);
  return fail(Status::corrupt_metadata);
}

Result Store::format(const Config& config) {
  mounted_ = false;
  install_.active = false;
  uint32_t mb = 0;
  Result r = check_config(config, &mb);
  if (!r.ok()) return r;
  dev_ = config.device;
  config_ = config;
  num_apps_ = config.num_apps;
  meta_blocks_ = mb;
  std::memset(entries_, 0, sizeof entries_);
  for (uint32_t i = 0; i < num_apps_; ++i) {
    entries_[i].slots[0].pool = static_cast<uint8_t>(2 * i);
    entries_[i].slots[1].pool = static_cast<uint8_t>(2 * i + 1);
  }
  spare_ = 2 * num_apps_;
  // Copy 1 is erased first so that an old store's copy 1 cannot outlive the format; the new table
  // then goes to copy 0 with sequence number 1.
  for (uint32_t b = mb; b < 2 * mb; ++b) {
    const int rc = dev_->erase(dev_->context, b);
    if (rc != 0) return io_fail(rc);
  }
  current_copy_ = 1;
  seq_ = 0;
  mounted_ = true;
  return write_metadata();
}

Result Store::write_metadata() {
  const BlockDevice& dev = *dev_;
  const uint32_t target = 1 - current_copy_;
  const uint32_t base = target * meta_blocks_ * dev.block_size;
  Header h = {};
  h.magic = kMagic;
  h.format = kFormat;
  h.num_apps = static_cast<uint16_t>(num_apps_);
  h.seq = seq_ + 1;
  h.block_size = dev.block_size;
  h.slot_bytes = config_.slot_bytes;
  h.body_bytes = body_bytes(num_apps_);
  h.spare = spare_;
  const uint8_t* entries = reinterpret_cast<const uint8_t*>(entries_);
  const uint32_t entries_size = num_apps_ * static_cast<uint32_t>(sizeof(Entry));
  uint32_t crc = crc32_update(0xFFFFFFFFu, reinterpret_cast<const uint8_t*>(&h), sizeof h);
  crc = ~crc32_update(crc, entries, entries_size);

  // From here until the commit record is programmed the flash holds the old state only.
  mounted_ = false;  // an I/O error below leaves RAM ahead of the flash: mount again
  for (uint32_t b = 0; b < meta_blocks_; ++b) {
    const int rc = dev.erase(dev.context, target * meta_blocks_ + b);
    if (rc != 0) return io_fail(rc);
  }
  uint8_t buffer[kMaxProgBytes];
  uint32_t address = base, fill = 0;
  ProgStream out{dev, address, buffer, fill};
  Result r = out.put(reinterpret_cast<const uint8_t*>(&h), sizeof h);
  if (r.ok()) r = out.put(entries, entries_size);
  if (r.ok()) r = out.flush();
  if (!r.ok()) return r;
  // The commit record in its own program unit(s), after everything it covers.
  const uint32_t commit[2] = {crc, ~crc};
  address = base + align_up(h.body_bytes, dev.prog_size);
  r = out.put(reinterpret_cast<const uint8_t*>(commit), sizeof commit);
  if (r.ok()) r = out.flush();
  if (!r.ok()) return r;
  const int rc = dev.sync(dev.context);
  if (rc != 0) return io_fail(rc);
  current_copy_ = target;
  seq_ = h.seq;
  mounted_ = true;
  return Result{};
}

// ---- Lookup and slots
// ------------------------------------------------------------------------------

uint32_t Store::find(const char* app_id) const {
  const size_t n = app_id_length(app_id);
  if (!mounted_ || n == 0) return kNoApp;
  for (uint32_t i = 0; i < num_apps_; ++i) {
    const Entry& e = entries_[i];
    if (e.used && e.app_id_len == n && std::memcmp(e.app_id, app_id, n) == 0) return i;
  }
  return kNoApp;
}

Result Store::lookup(const char* app_id, uint32_t* index) const {
  Result r = check_mounted();
  if (!r.ok()) return r;
  if (app_id_length(app_id) == 0) return fail(Status::bad_app_id);
  *index = find(app_id);
  if (*index == kNoApp) return fail(Status::no_such_app);
  return r;
}

uint32_t Store::pool_address(uint32_t pool) const {
  return 2 * meta_blocks_ * dev_->block_size + pool * config_.slot_bytes;
}

uint32_t Store::slot_address(uint32_t index, uint8_t slot) const {
  return pool_address(entries_[index].slots[slot].pool);
}

Result Store::hash_flash(uint32_t base, uint32_t length, uint32_t skip_from, uint32_t skip_to,
                         uint8_t out[package::kDigestBytes]) const {
  package::Sha256 sha;
  uint8_t chunk[kReadChunk];
  for (uint32_t at = 0; at < length;) {
    if (at == skip_from) at = skip_to;
    const uint32_t stop = at < skip_from ? skip_from : length;
    if (at >= stop) break;
    const uint32_t n = stop - at < kReadChunk ? stop - at : kReadChunk;
    const Result r = read_at(*dev_, base + at, chunk, n);
    if (!r.ok()) return r;
    sha.update(chunk, n);
    at += n;
  }
  sha.finish(out);
  return Result{};
}

Result Store::check_slot(uint32_t index, uint8_t slot) const {
  Result r = check_mounted();
  if (!r.ok()) return r;
  if (index >= num_apps_ || slot > 1) return fail(Status::bad_argument);
  const SlotRecord& s = entries_[index].slots[slot];
  if (!entries_[index].used || s.state == static_cast<uint8_t>(SlotState::empty)) {
    return fail(Status::bad_argument);
  }
  uint8_t digest[package::kDigestBytes];
  r = hash_flash(slot_address(index, slot), s.length, s.length, s.length, digest);
  if (!r.ok()) return r;
  if (std::memcmp(digest, s.image_digest, sizeof digest) != 0) {
    return fail(Status::slot_corrupt, slot);
  }
  return r;
}

// ---- Install
// ---------------------------------------------------------------------------------------

Result Store::install_begin(const char* app_id, uint32_t length) {
  Result r = check_mounted();
  if (!r.ok()) return r;
  if (install_.active) return fail(Status::install_active);
  const size_t id_len = app_id_length(app_id);
  if (id_len == 0) return fail(Status::bad_app_id);
  if (length > config_.slot_bytes) return fail(Status::too_large);
  if (length < 8) return fail(Status::length_mismatch);
  uint32_t index = find(app_id);
  if (index == kNoApp) {
    for (uint32_t i = 0; i < num_apps_ && index == kNoApp; ++i) {
      if (!entries_[i].used) index = i;
    }
    if (index == kNoApp) return fail(Status::table_full);
  } else if (slot_in(entries_[index], SlotState::trial) >= 0) {
    return fail(Status::trial_running);
  }
  // Only the spare is written: no metadata names it, so nothing recorded changes until the commit.
  const uint32_t base = pool_address(spare_);
  const uint32_t blocks = (length + dev_->block_size - 1) / dev_->block_size;
  for (uint32_t b = 0; b < blocks; ++b) {
    const int rc = dev_->erase(dev_->context, base / dev_->block_size + b);
    if (rc != 0) return io_fail(rc);
  }
  install_.active = true;
  install_.index = index;
  install_.length = length;
  install_.written = 0;
  install_.buffered = 0;
  install_.address = base;
  std::memcpy(install_.app_id, app_id, id_len + 1);
  return r;
}

Result Store::install_write(const uint8_t* data, uint32_t size) {
  if (!install_.active) return fail(Status::no_install);
  if (size > install_.length - install_.written) {
    install_.active = false;
    return fail(Status::length_mismatch);
  }
  ProgStream out{*dev_, install_.address, install_.buffer, install_.buffered};
  const Result r = out.put(data, size);
  if (!r.ok()) {
    install_.active = false;
    return r;
  }
  install_.written += size;
  return r;
}

void Store::install_abort() {
  install_.active = false;
}

namespace {

struct FlashReader {
  const BlockDevice* dev;
  uint32_t base;
  int io_code;
};

bool read_package(void* ctx, uint32_t offset, uint8_t* out, uint32_t size) {
  auto* f = static_cast<FlashReader*>(ctx);
  const Result r = read_at(*f->dev, f->base + offset, out, size);
  f->io_code = r.io_code;
  return r.ok();
}

}  // namespace

// Admission of the spare's package (opened from out->section) on a flash without a memory map:
// the code digest streamed from flash, then the signature and the manifest's policy checks. The
// code checks need the module in memory: they are left out (out->code_checked).
Result Store::admit_unmapped(const Admit& admit, InstallInfo* out) {
  const uint32_t base = pool_address(spare_);
  const package::Package& pkg = out->package;
  uint8_t digest[package::kDigestBytes];
  Result r = hash_flash(base, install_.length, pkg.section_start, pkg.section_end, digest);
  if (!r.ok()) return r;
  if (std::memcmp(digest, pkg.manifest.code_digest, sizeof digest) != 0) {
    r.status = Status::refused;
    r.package.status = package::Status::digest_mismatch;
    r.package.field = package::Field::code_digest;
    r.package.offset = pkg.section_start;
    return r;
  }
  r.package =
      package::verify_signature(pkg, admit.verify, admit.verify_ctx, out->admission.signed_digest);
  if (r.package.ok()) r.package = package::admit_manifest(pkg, *admit.policy, &out->admission);
  if (!r.package.ok()) r.status = Status::refused;
  return r;
}

Result Store::install_finish(const Admit& admit, InstallInfo* out) {
  if (!install_.active) return fail(Status::no_install);
  install_.active = false;  // whatever happens below, this install is over
  if (install_.written != install_.length) return fail(Status::length_mismatch);
  if (admit.policy == nullptr || admit.verify == nullptr || out == nullptr) {
    return fail(Status::bad_argument);
  }
  ProgStream stream{*dev_, install_.address, install_.buffer, install_.buffered};
  Result r = stream.flush();
  if (!r.ok()) return r;
  const int rc = dev_->sync(dev_->context);
  if (rc != 0) return io_fail(rc);

  // Everything below reads the package back from flash: in place where the flash is mapped.
  const uint32_t base = pool_address(spare_);
  package::Package& pkg = out->package;
  out->module = nullptr;
  out->code_checked = dev_->mapped != nullptr;
  if (dev_->mapped != nullptr) {
    r.package = package::open(dev_->mapped + base, install_.length, &pkg);
  } else {
    FlashReader reader{dev_, base, 0};
    r.package = package::open_read(read_package, &reader, install_.length, out->section, &pkg);
    if (r.package.status == package::Status::read_failed) return io_fail(reader.io_code);
  }
  if (!r.package.ok()) {
    r.status = Status::refused;
    return r;
  }
  // The store's own checks come before the (costly) admission.
  const package::Manifest& m = pkg.manifest;
  const size_t id_len = std::strlen(install_.app_id);
  if (m.app_id.size != id_len || std::memcmp(m.app_id.data, install_.app_id, id_len) != 0) {
    return fail(Status::app_id_mismatch);
  }
  Entry& e = entries_[install_.index];
  if (e.used && m.version < e.min_version) {
    r.status = Status::refused;
    r.package.status = package::Status::downgrade;
    r.package.field = package::Field::version;
    return r;
  }
  if (slot_in(e, SlotState::trial) >= 0) return fail(Status::trial_running);  // began meanwhile
  if (dev_->mapped != nullptr) {
    r.package = package::admit(pkg, *admit.policy, admit.verify, admit.verify_ctx,
                               admit.module_config, &out->module, &out->admission);
    if (!r.package.ok()) r.status = Status::refused;
  } else {
    r = admit_unmapped(admit, out);
  }
  if (!r.ok()) return r;
  uint8_t image_digest[package::kDigestBytes];
  r = hash_flash(base, install_.length, install_.length, install_.length, image_digest);
  if (!r.ok()) return r;

  // The commit: the record the new version replaces takes the spare, its old slot becomes the
  // spare. Until write_metadata() completes, the flash holds the state before the install.
  if (!e.used) {
    const Entry fresh = e;
    std::memset(&e, 0, sizeof e);
    e.slots[0].pool = fresh.slots[0].pool;
    e.slots[1].pool = fresh.slots[1].pool;
    e.used = 1;
    e.app_id_len = static_cast<uint8_t>(id_len);
    std::memcpy(e.app_id, install_.app_id, id_len);
  }
  const int t = target_record(e);
  SlotRecord& s = e.slots[t];
  const uint8_t old_pool = s.pool;
  std::memset(&s, 0, sizeof s);
  s.pool = static_cast<uint8_t>(spare_);
  s.state = static_cast<uint8_t>(SlotState::pending);
  s.version = m.version;
  s.length = install_.length;
  std::memcpy(s.image_digest, image_digest, sizeof s.image_digest);
  std::memcpy(s.signed_digest, out->admission.signed_digest, sizeof s.signed_digest);
  std::memcpy(s.key_id, pkg.key_id, sizeof s.key_id);
  e.confirm_after = config_.confirm_after;
  e.trial_started = 0;
  e.trial_clean = 0;
  spare_ = old_pool;
  r = write_metadata();
  if (!r.ok()) return r;
  out->app_index = install_.index;
  out->slot = static_cast<uint8_t>(t);
  out->pool_slot = s.pool;
  out->version = m.version;
  return r;
}

// ---- Running
// ----------------------------------------------------------------------------------------

Result Store::roll_back_entry(Entry& e) {
  const int c = candidate_of(e);
  if (c >= 0) clear_slot(e.slots[c]);
  e.trial_started = 0;
  e.trial_clean = 0;
  return write_metadata();
}

namespace {

void confirm_entry(Store::Entry& e, int trial) {
  const int old = slot_in(e, SlotState::confirmed);
  if (old >= 0) e.slots[old].state = static_cast<uint8_t>(SlotState::previous);
  e.slots[trial].state = static_cast<uint8_t>(SlotState::confirmed);
  if (e.slots[trial].version > e.min_version) e.min_version = e.slots[trial].version;
  e.trial_started = 0;
  e.trial_clean = 0;
}

}  // namespace

Result Store::activate(const char* app_id, Activation* out) {
  uint32_t index = 0;
  Result r = lookup(app_id, &index);
  if (!r.ok()) return r;
  if (out == nullptr) return fail(Status::bad_argument);
  *out = Activation{};
  // Apps run in place: without a map there is nothing to hand out (copying is not an option).
  if (dev_->mapped == nullptr) return fail(Status::not_mapped);
  Entry& e = entries_[index];
  int c = candidate_of(e);
  if (c >= 0 && e.slots[c].state == static_cast<uint8_t>(SlotState::trial) &&
      e.trial_started > e.trial_clean) {
    // The trial's last activation never reported an outcome (a reset, a hang): it failed.
    r = roll_back_entry(e);
    if (!r.ok()) return r;
    out->rolled_back = true;
    c = -1;
  }
  if (c >= 0) {
    r = check_slot(index, static_cast<uint8_t>(c));
    if (r.status == Status::slot_corrupt) {
      r = roll_back_entry(e);
      if (!r.ok()) return r;
      out->rolled_back = true;
      c = -1;
    } else if (!r.ok()) {
      return r;
    }
  }
  if (c >= 0) {
    if (e.trial_started == kCounterMax) {  // keep the counters in range; started == clean here
      --e.trial_started;
      --e.trial_clean;
    }
    e.slots[c].state = static_cast<uint8_t>(SlotState::trial);
    ++e.trial_started;
    r = write_metadata();
    if (!r.ok()) return r;
    out->trial = true;
  } else {
    c = slot_in(e, SlotState::confirmed);
    if (c < 0) return fail(Status::nothing_to_run);
    r = check_slot(index, static_cast<uint8_t>(c));
    if (!r.ok()) return r;
  }
  const SlotRecord& s = e.slots[c];
  out->bytes = dev_->mapped + slot_address(index, static_cast<uint8_t>(c));
  out->size = s.length;
  out->version = s.version;
  out->slot = static_cast<uint8_t>(c);
  return r;
}

Result Store::report(const char* app_id, Outcome outcome) {
  uint32_t index = 0;
  Result r = lookup(app_id, &index);
  if (!r.ok()) return r;
  Entry& e = entries_[index];
  const int t = slot_in(e, SlotState::trial);
  if (t < 0) {
    // A confirmed version's outcome changes nothing in the store.
    return slot_in(e, SlotState::confirmed) >= 0 ? r : fail(Status::no_trial);
  }
  if (e.trial_clean >= e.trial_started) return fail(Status::bad_argument);  // not activated
  if (outcome != Outcome::clean) return roll_back_entry(e);
  ++e.trial_clean;
  if (e.confirm_after != 0 && e.trial_clean >= e.confirm_after) confirm_entry(e, t);
  return write_metadata();
}

Result Store::confirm(const char* app_id) {
  uint32_t index = 0;
  Result r = lookup(app_id, &index);
  if (!r.ok()) return r;
  Entry& e = entries_[index];
  const int t = slot_in(e, SlotState::trial);
  if (t < 0) return fail(Status::no_trial);
  confirm_entry(e, t);
  return write_metadata();
}

Result Store::rollback(const char* app_id) {
  uint32_t index = 0;
  Result r = lookup(app_id, &index);
  if (!r.ok()) return r;
  Entry& e = entries_[index];
  if (candidate_of(e) < 0) return fail(Status::nothing_to_roll_back);
  return roll_back_entry(e);
}

Result Store::revoke(const Revocation& what, RevokeReport* report) {
  Result r = check_mounted();
  if (!r.ok()) return r;
  if (report == nullptr) return fail(Status::bad_argument);
  *report = RevokeReport{};
  size_t versions_id_len = 0;
  if (what.kind == Revocation::Kind::versions) {
    versions_id_len = app_id_length(what.versions.app_id);
    if (versions_id_len == 0) return fail(Status::bad_app_id);
  }
  bool changed = false;
  for (uint32_t i = 0; i < num_apps_; ++i) {
    Entry& e = entries_[i];
    if (!e.used) continue;
    for (int s = 0; s < 2; ++s) {
      SlotRecord& rec = e.slots[s];
      const SlotState st = static_cast<SlotState>(rec.state);
      if (st == SlotState::empty || st == SlotState::revoked) continue;
      bool match = false;
      switch (what.kind) {
        case Revocation::Kind::digest:
          match = std::memcmp(rec.signed_digest, what.digest.bytes, package::kDigestBytes) == 0;
          break;
        case Revocation::Kind::versions:
          match = e.app_id_len == versions_id_len &&
                  std::memcmp(e.app_id, what.versions.app_id, versions_id_len) == 0 &&
                  rec.version >= what.versions.first && rec.version <= what.versions.last;
          break;
        case Revocation::Kind::key:
          match = std::memcmp(rec.key_id, what.key.bytes, package::kKeyIdBytes) == 0;
          break;
      }
      if (!match) continue;
      if (st == SlotState::confirmed || st == SlotState::trial) report->unload_mask |= 1u << i;
      if (st == SlotState::trial || st == SlotState::pending) {
        e.trial_started = 0;
        e.trial_clean = 0;
      }
      rec.state = static_cast<uint8_t>(SlotState::revoked);
      ++report->revoked_slots;
      changed = true;
    }
    // No confirmed version left: the previous one (not revoked, or it would be marked so) runs.
    const int prev = slot_in(e, SlotState::previous);
    if (slot_in(e, SlotState::confirmed) < 0 && prev >= 0) {
      e.slots[prev].state = static_cast<uint8_t>(SlotState::confirmed);
    }
  }
  if (!changed) return r;
  return write_metadata();
}

Result Store::uninstall(const char* app_id) {
  uint32_t index = 0;
  Result r = lookup(app_id, &index);
  if (!r.ok()) return r;
  Entry& e = entries_[index];
  clear_slot(e.slots[0]);
  clear_slot(e.slots[1]);
  e.trial_started = 0;
  e.trial_clean = 0;
  return write_metadata();
}

bool Store::inspect(uint32_t index, AppInfo* out) const {
  if (!mounted_ || index >= num_apps_ || out == nullptr || !entries_[index].used) return false;
  const Entry& e = entries_[index];
  *out = AppInfo{};
  std::memcpy(out->app_id, e.app_id, e.app_id_len);
  out->app_id[e.app_id_len] = '\0';
  out->min_version = e.min_version;
  out->confirm_after = e.confirm_after;
  out->trial_started = e.trial_started;
  out->trial_clean = e.trial_clean;
  for (int s = 0; s < 2; ++s) {
    const SlotRecord& rec = e.slots[s];
    SlotInfo& info = out->slots[s];
    info.state = static_cast<SlotState>(rec.state);
    info.version = rec.version;
    info.length = rec.length;
    std::memcpy(info.image_digest, rec.image_digest, sizeof info.image_digest);
    std::memcpy(info.signed_digest, rec.signed_digest, sizeof info.signed_digest);
    std::memcpy(info.key_id, rec.key_id, sizeof info.key_id);
    info.pool_slot = rec.pool;
    if (info.state != SlotState::empty && info.state != SlotState::revoked) out->installed = true;
  }
  return true;
}

}  // namespace store
}  // namespace picowasm
