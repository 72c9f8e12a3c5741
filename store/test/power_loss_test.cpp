// store_power_loss: a scenario (install, trial, confirm, rollback by trap and by a missing outcome,
// install over a pending update and over the previous version, refused installs while the app has
// a confirmed and a previous version, revoke by digest, versions and key, uninstall) replayed from
// the start with the power cut at the k-th flash program or erase, for every k, on four flash
// geometries, the cut operation half applied. After each cut the store is mounted again and
// compared with an independent model of the expected states (written here from the rules in
// docs/lifecycle.md, not from the store's answers, including which pool slot holds each version
// and which one is the spare): the state must be the one before the interrupted operation or the
// one after it, never a mix; every version it names must be byte for byte the package the test
// wrote, a previous version must still run when the confirmed one is revoked, and the store must
// go on working.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "flash.hpp"
#include "test_packages.hpp"

namespace {

namespace ps = picowasm::store;
namespace pt = picowasm::store::test;
using ps::Outcome;
using ps::Status;

// Small geometries: well under a second for every cut point. A metadata copy is 32 + 2 * 260 bytes
// rounded up to the program unit, then a commit unit of 8 bytes rounded up to it, in whole blocks
// (docs/lifecycle.md); then a pool of 2 apps x 2 slots and a spare, kSlot bytes each.
constexpr uint32_t kSlot = 1024, kApps = 2, kPool = 2 * kApps + 1;
struct Geometry {
  uint32_t block, prog;
  uint32_t meta_blocks() const {
    const uint32_t bytes = (552 + prog - 1) / prog * prog + (8 + prog - 1) / prog * prog;
    return (bytes + block - 1) / block;
  }
  uint32_t blocks() const { return 2 * meta_blocks() + kPool * (kSlot / block); }
};
constexpr Geometry kGeometries[] = {{256, 16}, {128, 4}, {512, 64}, {1024, 1}};
constexpr uint16_t kConfirmAfter = 2;

// ---- The model
// ------------------------------------------------------------------------------------

// The pool (docs/lifecycle.md): each entry owns two pool slots (entry i: 2i and 2i+1 after
// format), the last one is the spare. An install goes into the spare; the slot of what it replaces
// (the candidate, else the slot beside the confirmed version, else the lower of the two) becomes
// the spare.
constexpr uint32_t kNone = 0xFF;
struct AppModel {
  bool used = false;
  std::string id;
  uint32_t min = 0, conf = 0, cand = 0, prev = 0;  // versions; 0: none
  uint32_t conf_at = kNone, cand_at = kNone, prev_at = kNone;  // their pool slots
  uint32_t owned[2] = {kNone, kNone};                          // the entry's pool slots, sorted
  bool trial = false;
  uint16_t started = 0, clean = 0;
  bool operator==(const AppModel& o) const {
    return used == o.used &&
           (!used || (id == o.id && min == o.min && conf == o.conf && cand == o.cand &&
                      prev == o.prev && trial == o.trial && started == o.started &&
                      clean == o.clean && (conf == 0 || conf_at == o.conf_at) &&
                      (cand == 0 || cand_at == o.cand_at) && (prev == 0 || prev_at == o.prev_at) &&
                      owned[0] == o.owned[0] && owned[1] == o.owned[1]));
  }
  void drop_cand() {
    cand = 0;
    cand_at = kNone;
    trial = false;
    started = clean = 0;
  }
};
struct Model {
  AppModel app[kApps];
  uint32_t spare = 2 * kApps;
  Model() {
    for (uint32_t i = 0; i < kApps; ++i) {
      app[i].owned[0] = 2 * i;
      app[i].owned[1] = 2 * i + 1;
    }
  }
  bool operator==(const Model& o) const {
    return app[0] == o.app[0] && app[1] == o.app[1] && spare == o.spare;
  }
  int index(const std::string& id) const {
    for (uint32_t i = 0; i < kApps; ++i) {
      if (app[i].used && app[i].id == id) return static_cast<int>(i);
    }
    return -1;
  }
};

std::string describe(const Model& m) {
  std::string s;
  for (const AppModel& a : m.app) {
    if (!a.used) continue;
    s += a.id + "{min " + std::to_string(a.min) + " conf " + std::to_string(a.conf) + " cand " +
         std::to_string(a.cand) + (a.trial ? " trial " : " pending ") + std::to_string(a.started) +
         "/" + std::to_string(a.clean) + " prev " + std::to_string(a.prev) + " at " +
         std::to_string(a.conf_at) + "/" + std::to_string(a.cand_at) + "/" +
         std::to_string(a.prev_at) + " owns " + std::to_string(a.owned[0]) + "," +
         std::to_string(a.owned[1]) + "} ";
  }
  return s + "spare " + std::to_string(m.spare);
}

enum class Kind {
  install,
  install_refused,  // a package signed by a key the device does not know
  activate,
  report,
  confirm,
  rollback,
  revoke_digest,
  revoke_versions,
  revoke_key,
  uninstall
};
struct Op {
  Kind kind;
  std::string app;
  uint32_t version = 0;  // install, revoke_digest: the version; revoke_versions: first..last
  uint32_t last = 0;
  Outcome outcome = Outcome::clean;
};

void confirm_model(AppModel& a) {
  a.prev = a.conf;
  a.prev_at = a.conf_at;
  a.conf = a.cand;
  a.conf_at = a.cand_at;
  if (a.cand > a.min) a.min = a.cand;
  a.drop_cand();
}

// The state after `op`: a cut must leave this or the state before it, nothing in between.
Model apply(const Model& before, const Op& op) {
  Model m = before;
  int i = m.index(op.app);
  switch (op.kind) {
    case Kind::install_refused: break;  // nothing changes, the previous version included
    case Kind::install: {
      if (i < 0) {
        for (i = 0; i < static_cast<int>(kApps) && m.app[i].used; ++i) {
        }
        m.app[i].used = true;
        m.app[i].id = op.app;
      }
      AppModel& a = m.app[i];
      // The slot given up: the candidate's, else the one beside the confirmed version (the
      // previous version's, or a free one), else the lower one.
      const uint32_t given_up = a.cand != 0   ? a.cand_at
                                : a.conf != 0 ? (a.owned[0] == a.conf_at ? a.owned[1] : a.owned[0])
                                              : a.owned[0];
      if (a.prev != 0 && a.prev_at == given_up) {
        a.prev = 0;
        a.prev_at = kNone;
      }
      (a.owned[0] == given_up ? a.owned[0] : a.owned[1]) = m.spare;
      if (a.owned[0] > a.owned[1]) std::swap(a.owned[0], a.owned[1]);
      a.cand = op.version;
      a.cand_at = m.spare;
      a.trial = false;
      a.started = a.clean = 0;
      m.spare = given_up;
      break;
    }
    case Kind::activate: {
      AppModel& a = m.app[i];
      if (a.trial && a.started > a.clean) {  // the last trial activation never ended
        a.drop_cand();
      } else if (a.cand != 0) {
        a.trial = true;
        ++a.started;
      }
      break;
    }
    case Kind::report: {
      AppModel& a = m.app[i];
      if (!a.trial) break;
      if (op.outcome != Outcome::clean) {
        a.drop_cand();
      } else if (++a.clean >= kConfirmAfter) {
        confirm_model(a);
      }
      break;
    }
    case Kind::confirm: confirm_model(m.app[i]); break;
    case Kind::rollback: m.app[i].drop_cand(); break;
    case Kind::revoke_digest:
    case Kind::revoke_versions:
    case Kind::revoke_key:
      for (AppModel& a : m.app) {
        if (!a.used) continue;
        auto hit = [&](uint32_t v) {
          if (v == 0) return false;
          if (op.kind == Kind::revoke_key) return true;  // every package here is signed by A
          if (a.id != op.app) return false;
          return op.kind == Kind::revoke_digest ? v == op.version : v >= op.version && v <= op.last;
        };
        if (hit(a.cand)) a.drop_cand();
        const bool conf_hit = hit(a.conf), prev_hit = hit(a.prev);
        if (conf_hit) a.conf = 0;
        if (prev_hit) a.prev = 0;
        if (a.conf == 0 && a.prev != 0) {
          a.conf = a.prev;
          a.conf_at = a.prev_at;
          a.prev = 0;
        }
      }
      break;
    case Kind::uninstall:
      m.app[i].conf = m.app[i].prev = 0;
      m.app[i].drop_cand();
      break;
  }
  return m;
}

// ---- The test

// verify_mbedtls, remembered per (key id, digest, signature): the same question has the same
// answer.
picowasm::package::Status cached_verify(void* keyring, const uint8_t* key_id, const uint8_t* digest,
                                        const uint8_t* signature) {
  static std::map<std::vector<uint8_t>, picowasm::package::Status> answers;
  std::vector<uint8_t> question(key_id, key_id + 32);
  question.insert(question.end(), digest, digest + 32);
  question.insert(question.end(), signature, signature + 64);
  const auto it = answers.find(question);
  if (it != answers.end()) return it->second;
  return answers[question] = picowasm::package::verify_mbedtls(keyring, key_id, digest, signature);
}
// ------------------------------------------------------------------------------------

class StorePowerLoss : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new pt::TestKeys();
    policy_ = new pt::TestPolicy(*keys_);
    // Each distinct signature is verified by mbedTLS once; the replays ask again hundreds of times.
    policy_->admit.verify = cached_verify;
    const std::pair<const char*, std::vector<uint32_t>> versions[] = {
        {"blink", {1, 2, 3, 4, 5, 6, 7, 8, 60}}, {"clock", {1, 2, 60}}};
    for (const auto& [app, list] : versions) {
      for (const uint32_t v : list) {
        // Sizes differ per version, so a mix of two packages cannot pass for either.
        (*packages_)[{app, v}] = pt::make_package(keys_->a(), app, v, 300 + 24 * (v % 12));
      }
    }
    stranger_ = new pt::Bytes(pt::make_package(keys_->b(), "blink", 9, 400));
  }
  static void TearDownTestSuite() {
    delete stranger_;
    delete policy_;
    delete keys_;
  }

  static ps::Config config(const ps::BlockDevice& dev) {
    ps::Config c;
    c.device = &dev;
    c.num_apps = kApps;
    c.slot_bytes = kSlot;
    c.confirm_after = kConfirmAfter;
    return c;
  }

  static ps::Result install(ps::Store& store, const std::string& app, uint32_t version) {
    return install_bytes(store, app, packages_->at({app, version}));
  }
  static ps::Result install_bytes(ps::Store& store, const std::string& app, const pt::Bytes& pkg) {
    ps::Result r = store.install_begin(app.c_str(), static_cast<uint32_t>(pkg.size()));
    for (size_t at = 0; r.ok() && at < pkg.size(); at += 50) {  // chunks of 50: not unit-sized
      const size_t n = pkg.size() - at < 50 ? pkg.size() - at : 50;
      r = store.install_write(pkg.data() + at, static_cast<uint32_t>(n));
    }
    if (!r.ok()) return r;
    ps::InstallInfo info;
    return store.install_finish(policy_->admit, &info);
  }

  static ps::Result run(ps::Store& store, const Op& op) {
    const char* id = op.app.c_str();
    ps::Activation act;
    ps::RevokeReport report;
    ps::Revocation what;
    switch (op.kind) {
      case Kind::install: return install(store, op.app, op.version);
      case Kind::install_refused: return install_bytes(store, op.app, *stranger_);
      case Kind::activate: return store.activate(id, &act);
      case Kind::report: return store.report(id, op.outcome);
      case Kind::confirm: return store.confirm(id);
      case Kind::rollback: return store.rollback(id);
      case Kind::revoke_digest: {
        const pt::Bytes& pkg = packages_->at({op.app, op.version});
        picowasm::package::Package p;
        EXPECT_TRUE(picowasm::package::open(pkg.data(), pkg.size(), &p).ok());
        picowasm::package::signed_digest(p, what.digest.bytes);
        what.kind = ps::Revocation::Kind::digest;
        return store.revoke(what, &report);
      }
      case Kind::revoke_versions:
        what.kind = ps::Revocation::Kind::versions;
        what.versions.app_id = id;
        what.versions.first = op.version;
        what.versions.last = op.last;
        return store.revoke(what, &report);
      case Kind::revoke_key:
        what.kind = ps::Revocation::Kind::key;
        std::copy(keys_->trusted()[0].key_id, keys_->trusted()[0].key_id + 32, what.key.bytes);
        return store.revoke(what, &report);
      case Kind::uninstall: return store.uninstall(id);
    }
    return ps::Result{};
  }

  // The store's state in the model's terms, checking each named version's bytes in flash against
  // the package the test made (the layout: slots after the two metadata copies).
  static Model observe(const ps::Store& store, const std::vector<uint8_t>& flash) {
    Model m;
    m.spare = store.spare_slot();
    for (uint32_t i = 0; i < kApps; ++i) {
      ps::AppInfo info;
      if (!store.inspect(i, &info)) continue;
      AppModel& a = m.app[i];
      a.used = true;
      a.id = info.app_id;
      a.min = info.min_version;
      a.started = info.trial_started;
      a.clean = info.trial_clean;
      a.owned[0] = std::min(info.slots[0].pool_slot, info.slots[1].pool_slot);
      a.owned[1] = std::max(info.slots[0].pool_slot, info.slots[1].pool_slot);
      for (int s = 0; s < 2; ++s) {
        const ps::SlotInfo& slot = info.slots[s];
        switch (slot.state) {
          case ps::SlotState::confirmed:
            a.conf = slot.version;
            a.conf_at = slot.pool_slot;
            break;
          case ps::SlotState::pending:
          case ps::SlotState::trial:
            a.cand = slot.version;
            a.cand_at = slot.pool_slot;
            a.trial = slot.state == ps::SlotState::trial;
            break;
          case ps::SlotState::previous:
            a.prev = slot.version;
            a.prev_at = slot.pool_slot;
            break;
          case ps::SlotState::empty: {
            // A free slot's record holds nothing (docs/lifecycle.md): no stray bytes survive.
            const ps::SlotInfo zero{};
            EXPECT_TRUE(slot.version == 0 && slot.length == 0 &&
                        std::memcmp(slot.image_digest, zero.image_digest, 32) == 0 &&
                        std::memcmp(slot.signed_digest, zero.signed_digest, 32) == 0 &&
                        std::memcmp(slot.key_id, zero.key_id, 32) == 0)
                << a.id << " slot " << s << ": an empty slot's record is not cleared";
            continue;
          }
          default: continue;
        }
        const auto it = packages_->find({a.id, slot.version});
        EXPECT_NE(it, packages_->end()) << a.id << " version " << slot.version;
        if (it == packages_->end()) continue;
        const size_t at = (2 * geo_.meta_blocks() * geo_.block) + slot.pool_slot * kSlot;
        EXPECT_EQ(slot.length, it->second.size());
        EXPECT_TRUE(std::equal(it->second.begin(), it->second.end(), flash.begin() + at))
            << a.id << " version " << slot.version << " in slot " << s << " is not its package";
        // The record's digests and key are the package's, computed here independently.
        const pt::Bytes sha = picowasm::package::host::sha256(it->second.data(), it->second.size());
        EXPECT_TRUE(std::equal(sha.begin(), sha.end(), slot.image_digest)) << a.id << " " << s;
        picowasm::package::Package p;
        EXPECT_TRUE(picowasm::package::open(it->second.data(), it->second.size(), &p).ok());
        uint8_t signed_digest[32];
        picowasm::package::signed_digest(p, signed_digest);
        EXPECT_EQ(std::memcmp(signed_digest, slot.signed_digest, 32), 0) << a.id << " " << s;
        EXPECT_EQ(std::memcmp(keys_->trusted()[0].key_id, slot.key_id, 32), 0) << a.id << " " << s;
      }
    }
    return m;
  }

  static std::vector<Op> scenario() {
    const Outcome clean = Outcome::clean, trap = Outcome::trap;
    return {
        {Kind::install, "blink", 1},
        {Kind::activate, "blink"},
        {Kind::report, "blink", 0, 0, clean},
        {Kind::activate, "blink"},
        {Kind::report, "blink", 0, 0, clean},  // two clean activations: v1 confirmed
        {Kind::install, "blink", 2},
        {Kind::install, "blink", 3},  // over a pending one
        {Kind::activate, "blink"},
        {Kind::report, "blink", 0, 0, trap},  // rolls back
        {Kind::install, "blink", 4},
        {Kind::activate, "blink"},
        {Kind::confirm, "blink"},  // explicit: v4 confirmed, v1 previous
        {Kind::install, "clock", 1},
        {Kind::activate, "clock"},
        {Kind::report, "clock", 0, 0, clean},
        {Kind::activate, "clock"},
        {Kind::report, "clock", 0, 0, clean},
        {Kind::revoke_digest, "blink", 4},  // blink falls back to v1
        {Kind::install, "blink", 5},
        {Kind::rollback, "blink"},
        {Kind::install, "clock", 2},
        {Kind::activate, "clock"},
        {Kind::activate, "clock"},  // the first trial activation never reported: rolled back
        {Kind::revoke_versions, "clock", 1, 1},  // clock has nothing left to run
        {Kind::uninstall, "clock"},
        {Kind::revoke_key, "blink"},
        // A fresh start after the key's revocation, then an install over the previous version.
        {Kind::install, "blink", 6},
        {Kind::activate, "blink"},
        {Kind::confirm, "blink"},
        {Kind::install, "blink", 7},
        {Kind::activate, "blink"},
        {Kind::confirm, "blink"},
        // 7 confirmed, 6 previous: a refused install keeps both (its bytes went to the spare).
        {Kind::install_refused, "blink"},
        {Kind::install, "blink", 8},  // replaces the previous version, 6, at the commit
        {Kind::activate, "blink"},
        {Kind::report, "blink", 0, 0, Outcome::exhausted},
        {Kind::install_refused, "blink"},  // 7 confirmed, no candidate, no previous
    };
  }

  void every_cut_point();
  // The result the uncut run gives: ok, or for a stranger's package its typed refusal.
  static bool expected(const Op& op, const ps::Result& r) {
    if (op.kind != Kind::install_refused) return r.ok();
    return r.status == Status::refused &&
           r.package.status == picowasm::package::Status::unknown_key;
  }

  static Geometry geo_;
  static uint64_t total_cuts_;
  static ps::host::FaultFlash::Partial partial_;
  static pt::TestKeys* keys_;
  static pt::TestPolicy* policy_;
  static std::map<std::pair<std::string, uint32_t>, pt::Bytes>* packages_;
  static pt::Bytes* stranger_;  // a package signed by B, which the device does not know
};
pt::Bytes* StorePowerLoss::stranger_ = nullptr;
Geometry StorePowerLoss::geo_ = kGeometries[0];
uint64_t StorePowerLoss::total_cuts_ = 0;
ps::host::FaultFlash::Partial StorePowerLoss::partial_ = ps::host::FaultFlash::Partial::first_half;
pt::TestKeys* StorePowerLoss::keys_ = nullptr;
pt::TestPolicy* StorePowerLoss::policy_ = nullptr;
std::map<std::pair<std::string, uint32_t>, pt::Bytes>* StorePowerLoss::packages_ =
    new std::map<std::pair<std::string, uint32_t>, pt::Bytes>();

void StorePowerLoss::every_cut_point() {
  const std::vector<Op> ops = scenario();
  // The models before and after each operation.
  std::vector<Model> states(1);
  for (size_t i = 0; i < ops.size(); ++i) states.push_back(apply(states.back(), ops[i]));

  // A formatted flash: the starting point of every run.
  ps::host::FaultFlash base(geo_.block, geo_.prog, geo_.blocks());
  {
    ps::Store store;
    const ps::Result fr = store.format(config(base.device()));
    ASSERT_TRUE(fr.ok()) << ps::status_name(fr.status) << " " << fr.detail << " " << fr.io_code;
  }
  const std::vector<uint8_t> formatted = base.bytes();

  // The uncut run: each operation succeeds and the store follows the model. It also counts the
  // flash operations (the cut points).
  uint64_t total_ops = 0;
  {
    ps::host::FaultFlash flash(geo_.block, geo_.prog, geo_.blocks());
    flash.bytes() = formatted;
    flash.cut_at(0);
    ps::Store store;
    ASSERT_TRUE(store.mount(config(flash.device())).ok());
    for (size_t i = 0; i < ops.size(); ++i) {
      const ps::Result r = run(store, ops[i]);
      ASSERT_TRUE(expected(ops[i], r)) << "op " << i << ": " << ps::status_name(r.status) << " "
                                       << picowasm::package::status_name(r.package.status);
      ASSERT_TRUE(observe(store, flash.bytes()) == states[i + 1])
          << "op " << i << ": " << describe(observe(store, flash.bytes())) << " expected "
          << describe(states[i + 1]);
    }
    total_ops = flash.ops();
  }
  ASSERT_GT(total_ops, 100u);

  uint64_t cuts = 0;
  std::map<std::string, int> landed;  // which kind of operation each cut interrupted
  for (uint64_t k = 1; k <= total_ops; ++k) {
    ps::host::FaultFlash flash(geo_.block, geo_.prog, geo_.blocks());
    flash.bytes() = formatted;
    flash.set_partial(partial_);
    flash.cut_at(k);
    size_t interrupted = ops.size();
    {
      ps::Store store;
      ASSERT_TRUE(store.mount(config(flash.device())).ok());
      for (size_t i = 0; i < ops.size(); ++i) {
        const ps::Result r = run(store, ops[i]);
        if (!flash.powered()) {
          EXPECT_EQ(r.status, Status::io_error) << "cut " << k;
          interrupted = i;
          break;
        }
        ASSERT_TRUE(expected(ops[i], r))
            << "cut " << k << " op " << i << ": " << ps::status_name(r.status);
      }
    }
    ASSERT_LT(interrupted, ops.size()) << "cut " << k << " never happened";
    ++cuts;
    static const char* const kNames[] = {
        "install",  "install-refused", "activate",        "report",     "confirm",
        "rollback", "revoke-digest",   "revoke-versions", "revoke-key", "uninstall"};
    ++landed[kNames[static_cast<int>(ops[interrupted].kind)]];

    // Power back on: a new store object (RAM lost) mounts the flash as the cut left it.
    flash.power_on();
    ps::Store store;
    const ps::Result m = store.mount(config(flash.device()));
    ASSERT_TRUE(m.ok()) << "cut " << k << ": mount " << ps::status_name(m.status);
    const Model seen = observe(store, flash.bytes());
    const Model& before = states[interrupted];
    const Model& after = states[interrupted + 1];
    const bool allowed = seen == before || seen == after;
    ASSERT_TRUE(allowed) << "cut " << k << " in op " << interrupted << ": " << describe(seen)
                         << "\n  before: " << describe(before) << "\n  after:  " << describe(after);

    // What runs is the model's version, checked from flash; then the store still takes updates.
    for (uint32_t i = 0; i < kApps; ++i) {
      const AppModel& a = seen.app[i];
      if (!a.used) continue;
      ps::Activation act;
      const ps::Result r = store.activate(a.id.c_str(), &act);
      const bool crashed_trial = a.trial && a.started > a.clean;
      const uint32_t expect = a.cand != 0 && !crashed_trial ? a.cand : a.conf;
      if (expect == 0) {
        EXPECT_EQ(r.status, Status::nothing_to_run) << "cut " << k;
        continue;
      }
      ASSERT_TRUE(r.ok()) << "cut " << k << ": activate " << a.id << " "
                          << ps::status_name(r.status);
      EXPECT_EQ(act.version, expect) << "cut " << k;
      const pt::Bytes& pkg = packages_->at({a.id, expect});
      ASSERT_EQ(act.size, pkg.size());
      EXPECT_TRUE(std::equal(pkg.begin(), pkg.end(), act.bytes)) << "cut " << k;
      if (act.trial) {
        EXPECT_TRUE(store.rollback(a.id.c_str()).ok());
      }
      // The fallback survived the cut: with the confirmed version revoked, the previous one runs.
      if (a.prev != 0 && a.conf != 0) {
        ps::Revocation what;
        what.kind = ps::Revocation::Kind::digest;
        const pt::Bytes& conf = packages_->at({a.id, a.conf});
        picowasm::package::Package p;
        ASSERT_TRUE(picowasm::package::open(conf.data(), conf.size(), &p).ok());
        picowasm::package::signed_digest(p, what.digest.bytes);
        ps::RevokeReport report;
        ASSERT_TRUE(store.revoke(what, &report).ok()) << "cut " << k;
        ASSERT_TRUE(store.activate(a.id.c_str(), &act).ok()) << "cut " << k;
        EXPECT_EQ(act.version, a.prev) << "cut " << k;
        const pt::Bytes& prev = packages_->at({a.id, a.prev});
        ASSERT_EQ(act.size, prev.size());
        EXPECT_TRUE(std::equal(prev.begin(), prev.end(), act.bytes)) << "cut " << k;
      }
    }
    const ps::Result r = install(store, "blink", 60);
    EXPECT_TRUE(r.ok()) << "cut " << k << ": install after recovery " << ps::status_name(r.status)
                        << " " << picowasm::package::status_name(r.package.status);
  }
  std::printf("block %u, program unit %u: %llu cut points over %zu operations (", geo_.block,
              geo_.prog, static_cast<unsigned long long>(cuts), ops.size());
  for (const auto& [kind, n] : landed) std::printf(" %s %d", kind.c_str(), n);
  std::printf(" )\n");
  EXPECT_EQ(cuts, total_ops);
  total_cuts_ += cuts;
}

TEST_F(StorePowerLoss, EveryCutPoint) {
  for (const auto partial :
       {ps::host::FaultFlash::Partial::first_half, ps::host::FaultFlash::Partial::second_half}) {
    partial_ = partial;
    std::printf("the cut operation's %s half applied:\n",
                partial == ps::host::FaultFlash::Partial::first_half ? "first" : "second");
    for (const Geometry& g : kGeometries) {
      geo_ = g;
      every_cut_point();
      if (HasFatalFailure()) return;
    }
  }
  std::printf(
      "store_power_loss: %llu cut points tested (%zu geometries, either half of the cut "
      "operation applied), each mounted to the state before or after its operation\n",
      static_cast<unsigned long long>(total_cuts_), std::size(kGeometries));
}

// A cut while formatting: the flash mounts as blank, corrupt, the old store or the new empty one.
TEST_F(StorePowerLoss, CutWhileFormatting) {
  geo_ = kGeometries[0];
  ps::host::FaultFlash flash(geo_.block, geo_.prog, geo_.blocks());
  {
    ps::Store store;
    ASSERT_TRUE(store.format(config(flash.device())).ok());
    ASSERT_TRUE(install(store, "blink", 1).ok());
  }
  const std::vector<uint8_t> old = flash.bytes();
  flash.cut_at(0);
  {
    ps::Store store;
    ASSERT_TRUE(store.format(config(flash.device())).ok());
  }
  const uint64_t total = flash.ops();
  ASSERT_GT(total, 0u);
  for (uint64_t k = 1; k <= total; ++k) {
    flash.bytes() = old;
    flash.power_on();
    flash.cut_at(k);
    ps::Store store;
    EXPECT_EQ(store.format(config(flash.device())).status, Status::io_error);
    flash.power_on();
    const ps::Result r = store.mount(config(flash.device()));
    if (r.ok()) {
      ps::AppInfo info;
      const bool has_blink = store.inspect(0, &info);
      if (has_blink) {
        EXPECT_EQ(info.slots[0].version, 1u) << k;  // the old store, intact
      }
    } else {
      EXPECT_TRUE(r.status == Status::blank || r.status == Status::corrupt_metadata) << k;
    }
  }
}

}  // namespace
