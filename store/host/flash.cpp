// Host block devices: RAM NOR flash, power cuts, a file image (flash.hpp).
#include "flash.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace picowasm::store::host {

RamFlash::RamFlash(uint32_t block_size, uint32_t prog_size, uint32_t block_count)
    : bytes_(static_cast<size_t>(block_size) * block_count, kErased) {
  device_.context = this;
  device_.read = read_cb;
  device_.prog = prog_cb;
  device_.erase = erase_cb;
  device_.sync = sync_cb;
  device_.block_size = block_size;
  device_.prog_size = prog_size;
  device_.block_count = block_count;
  device_.mapped = bytes_.data();
}

int RamFlash::check(uint32_t block, uint32_t offset, uint32_t size, uint32_t unit) const {
  if (block >= device_.block_count) return kOutOfRange;
  if (offset % unit != 0 || size % unit != 0 || offset > device_.block_size ||
      size > device_.block_size - offset) {
    return kMisaligned;
  }
  return 0;
}

int RamFlash::do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size) {
  const int rc = check(block, offset, size, device_.prog_size);
  if (rc != 0) return rc;
  uint8_t* at = bytes_.data() + static_cast<size_t>(block) * device_.block_size + offset;
  for (uint32_t i = 0; i < size; ++i) {
    if (at[i] != kErased) return kNotErased;  // checked before anything changes
  }
  std::memcpy(at, data, size);
  ++progs_;
  return 0;
}

int RamFlash::do_erase(uint32_t block) {
  if (block >= device_.block_count) return kOutOfRange;
  std::memset(bytes_.data() + static_cast<size_t>(block) * device_.block_size, kErased,
              device_.block_size);
  ++erases_;
  return 0;
}

int RamFlash::read_cb(void* ctx, uint32_t block, uint32_t offset, void* buffer, uint32_t size) {
  const auto* f = static_cast<const RamFlash*>(ctx);
  const int rc = f->check(block, offset, size, 1);
  if (rc != 0) return rc;
  std::memcpy(buffer,
              f->bytes_.data() + static_cast<size_t>(block) * f->device_.block_size + offset, size);
  return 0;
}

int RamFlash::prog_cb(void* ctx, uint32_t block, uint32_t offset, const void* buffer,
                      uint32_t size) {
  return static_cast<RamFlash*>(ctx)->do_prog(block, offset, static_cast<const uint8_t*>(buffer),
                                              size);
}

int RamFlash::erase_cb(void* ctx, uint32_t block) {
  return static_cast<RamFlash*>(ctx)->do_erase(block);
}

int RamFlash::sync_cb(void* ctx) {
  return static_cast<RamFlash*>(ctx)->do_sync();
}

// ---- FaultFlash
// ------------------------------------------------------------------------------------

bool FaultFlash::cut_now() {
  ++ops_;
  if (cut_at_ != 0 && ops_ == cut_at_) {
    powered_ = false;
    return true;
  }
  return false;
}

int FaultFlash::do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size) {
  if (!powered_) return kPoweredOff;
  if (!cut_now()) return RamFlash::do_prog(block, offset, data, size);
  // The cut lands in the middle: the first half of the bytes made it (on erased bytes, as the
  // store only programs erased bytes; a refused prog would not have started).
  const int rc = check(block, offset, size, device_.prog_size);
  if (rc == 0) {
    uint8_t* at = bytes_.data() + static_cast<size_t>(block) * device_.block_size + offset;
    const uint32_t from = partial_ == Partial::first_half ? 0 : size / 2;
    const uint32_t to = partial_ == Partial::first_half ? size / 2 : size;
    for (uint32_t i = from; i < to; ++i) at[i] &= data[i];
  }
  return kPoweredOff;
}

int FaultFlash::do_erase(uint32_t block) {
  if (!powered_) return kPoweredOff;
  if (!cut_now()) return RamFlash::do_erase(block);
  if (block < device_.block_count) {  // half the block erased, the rest keeps its old bytes
    const uint32_t half = device_.block_size / 2;
    std::memset(bytes_.data() + static_cast<size_t>(block) * device_.block_size +
                    (partial_ == Partial::first_half ? 0 : half),
                kErased, half);
  }
  return kPoweredOff;
}

// ---- FileFlash
// -------------------------------------------------------------------------------------

FileFlash::FileFlash(const std::string& path, uint32_t block_size, uint32_t prog_size,
                     uint32_t block_count)
    : RamFlash(block_size, prog_size, block_count) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd_, &st) != 0) {
    ::close(fd_);
    throw std::runtime_error(path + ": cannot stat");
  }
  if (st.st_size == 0) {
    if (write_through(0, static_cast<uint32_t>(bytes_.size())) != 0) {
      ::close(fd_);
      throw std::runtime_error(path + ": cannot write");
    }
  } else if (static_cast<size_t>(st.st_size) != bytes_.size()) {
    ::close(fd_);
    throw std::runtime_error(path + ": " + std::to_string(st.st_size) +
                             " bytes, not a flash image of " + std::to_string(bytes_.size()));
  } else if (pread(fd_, bytes_.data(), bytes_.size(), 0) != static_cast<ssize_t>(bytes_.size())) {
    ::close(fd_);
    throw std::runtime_error(path + ": cannot read");
  }
}

FileFlash::~FileFlash() {
  if (fd_ >= 0) ::close(fd_);
}

int FileFlash::write_through(uint32_t address, uint32_t size) {
  const ssize_t n = pwrite(fd_, bytes_.data() + address, size, address);
  return n == static_cast<ssize_t>(size) ? 0 : kFileError;
}

int FileFlash::do_prog(uint32_t block, uint32_t offset, const uint8_t* data, uint32_t size) {
  const int rc = RamFlash::do_prog(block, offset, data, size);
  return rc != 0 ? rc : write_through(block * device_.block_size + offset, size);
}

int FileFlash::do_erase(uint32_t block) {
  const int rc = RamFlash::do_erase(block);
  return rc != 0 ? rc : write_through(block * device_.block_size, device_.block_size);
}

int FileFlash::do_sync() {
  return fsync(fd_) == 0 ? 0 : kFileError;
}

}  // namespace picowasm::store::host
