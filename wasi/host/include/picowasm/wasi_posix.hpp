// picowasm::wasi::PosixFiles: the host's wasi::FileSystem behind `picowasm run --dir
// HOST::GUEST[:ro]` (docs/wasi.md). Host only (Linux: openat2), standard library allowed.
//
// Every path is resolved beneath the directory fd it is relative to, by the kernel
// (openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): `..` past that directory, absolute
// paths and symlinks leading outside it fail with ENOTCAPABLE, whatever the path's shape. Calls
// that change a name (mkdir, unlink, rmdir, rename) resolve the parent that way and act on the
// last component with the *at() calls, so a final symlink is never followed out. A read-only
// preopen (and everything opened beneath it) refuses every change with EROFS.
#ifndef PICOWASM_WASI_POSIX_HPP
#define PICOWASM_WASI_POSIX_HPP

#include <array>
#include <cstdint>
#include <string>

#include "picowasm/config.h"
#include "picowasm/wasi.hpp"

namespace picowasm {
namespace wasi {

// Open files and directories a WASI command may hold at once, preopens included (fds 3 ..).
constexpr uint32_t kMaxFiles = PICOWASM_WASI_MAX_FILES;

class PosixFiles final : public FileSystem {
 public:
  PosixFiles() = default;
  PosixFiles(const PosixFiles&) = delete;
  PosixFiles& operator=(const PosixFiles&) = delete;
  ~PosixFiles();

  // Preopens host directory `host` as `guest` (the next fd); false and *error if it cannot be
  // opened as a directory or the table is full.
  bool preopen(const std::string& host, const std::string& guest, bool read_only,
               std::string* error);

  int32_t prestat(uint32_t fd, uint32_t* name_len) override;
  int32_t prestat_name(uint32_t fd, uint8_t* out, uint32_t len) override;
  int32_t fdstat(uint32_t fd, Fdstat* out) override;
  int32_t set_fdflags(uint32_t fd, uint16_t flags) override;
  int32_t open(uint32_t dirfd, uint32_t lookupflags, Path path, uint16_t oflags,
               uint64_t rights_base, uint64_t rights_inheriting, uint16_t fdflags,
               uint32_t* fd) override;
  int32_t close(uint32_t fd) override;
  int32_t read(uint32_t fd, uint8_t* buf, uint32_t len, bool positioned, uint64_t offset,
               uint32_t* done) override;
  int32_t write(uint32_t fd, const uint8_t* buf, uint32_t len, bool positioned, uint64_t offset,
                uint32_t* done) override;
  int32_t seek(uint32_t fd, int64_t offset, uint8_t whence, uint64_t* position) override;
  int32_t filestat(uint32_t fd, Filestat* out) override;
  int32_t set_size(uint32_t fd, uint64_t size) override;
  int32_t path_filestat(uint32_t dirfd, uint32_t lookupflags, Path path, Filestat* out) override;
  int32_t readdir(uint32_t fd, uint8_t* buf, uint32_t len, uint64_t cookie,
                  uint32_t* used) override;
  int32_t path_op(PathOp op, uint32_t dirfd, Path path) override;
  int32_t rename(uint32_t dirfd, Path from, uint32_t to_dirfd, Path to) override;
  int32_t sync(uint32_t fd, bool data_only) override;

 private:
  struct Entry {
    int host_fd = -1;  // -1: free
    bool preopen = false, directory = false, read_only = false;
    uint16_t fdflags = 0;
    std::string guest;  // a preopen's guest path
  };
  Entry* entry(uint32_t fd);
  // The directory entry `fd` (EBADF: none, ENOTDIR: a file) into *dir.
  int32_t directory(uint32_t fd, Entry** dir);
  int32_t free_slot(uint32_t* slot) const;
  int32_t transfer(uint32_t fd, uint8_t* buf, uint32_t len, bool write, bool positioned,
                   uint64_t offset, uint32_t* done);
  std::array<Entry, kMaxFiles> table_;
};

// The WASI errno for a host errno (errno.h).
int32_t errno_of_host(int host_errno);

}  // namespace wasi
}  // namespace picowasm

#endif  // PICOWASM_WASI_POSIX_HPP
