// Host block devices for the app store (store/include/picowasm/store.hpp): a RAM-backed NOR flash
// that enforces NOR rules, a file-backed flash (the CLI keeps a device image in a file) and a
// fault-injecting flash that cuts the power after the k-th program or erase (the tests). Host
// code: the standard library is fine here.
#ifndef PICOWASM_STORE_FLASH_HPP
#define PICOWASM_STORE_FLASH_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "picowasm/store.hpp"

namespace picowasm::store::host {

// Error codes the host devices return (the store passes them on as Result::io_code).
constexpr int kMisaligned = -1;  // offset or size not a multiple of the unit, or past the block
constexpr int kOutOfRange = -2;  // block >= block_count
constexpr int kNotErased = -3;   // prog over bytes that are not erased (NOR: 1 -> 0 only)
constexpr int kPoweredOff = -4;  // FaultFlash: the power is cut
constexpr int kFileError = -5;   // FileFlash: the file could not be written

// NOR flash in RAM. prog: offset and size multiples of prog_size, inside one block, and every
// byte programmed must be erased (kErased) before; erase: a whole block back to kErased. Starts
// erased. device().mapped points at the bytes (execute in place).
class RamFlash {
 public:
  RamFlash(uint32_t block_size, uint32_t prog_size, uint32_t block_count);
  virtual ~RamFlash() = default;
  RamFlash(const RamFlash&) = delete;
  RamFlash& operator=(const RamFlash&) = delete;

  const BlockDevice& device() const { return device_; }
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  uint64_t progs() const { return progs_; }    // successful prog calls so far
  uint64_t erases() const { return erases_; }  // successful erase calls so far

 protected:
  // The operations, checked; the FaultFlash and FileFlash hook them.
  virtual int do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size);
  virtual int do_erase(uint32_t block);
  virtual int do_sync() { return 0; }
  int check(uint32_t block, uint32_t offset, uint32_t size, uint32_t unit) const;

  std::vector<uint8_t> bytes_;
  BlockDevice device_;
  uint64_t progs_ = 0, erases_ = 0;

 private:
  static int read_cb(void* ctx, uint32_t block, uint32_t offset, void* buffer, uint32_t size);
  static int prog_cb(void* ctx, uint32_t block, uint32_t offset, const void* buffer, uint32_t size);
  static int erase_cb(void* ctx, uint32_t block);
  static int sync_cb(void* ctx);
};

// RamFlash that loses power at the k-th prog or erase (counting both, from 1): that operation is
// applied partly (by default the first half of a prog's bytes, or of an erased block; with
// Partial::second_half the second half, as a flash that programs or erases out of order might),
// it and every later operation fail with kPoweredOff. power_on() ends the outage (the bytes stay
// as they are).
class FaultFlash : public RamFlash {
 public:
  enum class Partial { first_half, second_half };
  using RamFlash::RamFlash;
  void set_partial(Partial p) { partial_ = p; }
  void cut_at(uint64_t k) {  // 0: never
    cut_at_ = k;
    ops_ = 0;
  }
  void power_on() {
    powered_ = true;
    cut_at_ = 0;
  }
  bool powered() const { return powered_; }
  uint64_t ops() const { return ops_; }  // progs and erases attempted since cut_at()

 protected:
  int do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size) override;
  int do_erase(uint32_t block) override;
  int do_sync() override { return powered_ ? 0 : kPoweredOff; }

 private:
  bool cut_now();  // counts one operation; true if the power goes at this one
  uint64_t cut_at_ = 0, ops_ = 0;
  bool powered_ = true;
  Partial partial_ = Partial::first_half;
};

// RamFlash mirrored in a file: opening reads the file (a missing file starts erased; a file of
// another size is refused with std::runtime_error), every prog and erase writes the changed bytes
// through, sync flushes the file to disk.
class FileFlash : public RamFlash {
 public:
  FileFlash(const std::string& path, uint32_t block_size, uint32_t prog_size, uint32_t block_count);
  ~FileFlash() override;

 protected:
  int do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size) override;
  int do_erase(uint32_t block) override;
  int do_sync() override;

 private:
  int write_through(uint32_t address, uint32_t size);
  int fd_ = -1;
};

}  // namespace picowasm::store::host

#endif  // PICOWASM_STORE_FLASH_HPP
