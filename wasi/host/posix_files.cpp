// The host's WASI file system (wasi_posix.hpp): preopened directories on Linux, every path
// resolved beneath its directory fd by openat2 (RESOLVE_BENEATH), never by string checks.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "picowasm/wasi_posix.hpp"

namespace picowasm {
namespace wasi {
namespace {

// wasi_snapshot_preview1 flag values (wasi-libc's wasi/api.h).
constexpr uint32_t kLookupSymlinkFollow = 1;
constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8,
                   kFdflagSync = 16;
constexpr uint64_t kRightFdRead = 1u << 1, kRightFdWrite = 1u << 6, kRightFdAllocate = 1u << 8,
                   kRightFdReaddir = 1u << 14, kRightFdFilestatSetSize = 1u << 22;
constexpr uint64_t kAllRights = (uint64_t{1} << 30) - 1;  // every right preview1 defines
constexpr uint64_t kWriteRights = kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize;
constexpr uint32_t kDirentSize = 24;

uint8_t filetype_of(mode_t mode) {
  if (S_ISREG(mode)) return kFiletypeRegularFile;
  if (S_ISDIR(mode)) return kFiletypeDirectory;
  if (S_ISLNK(mode)) return kFiletypeSymbolicLink;
  if (S_ISCHR(mode)) return kFiletypeCharacterDevice;
  if (S_ISBLK(mode)) return kFiletypeBlockDevice;
  return kFiletypeUnknown;
}
uint8_t filetype_of_dirent(unsigned char t) {
  switch (t) {
    case DT_REG: return kFiletypeRegularFile;
    case DT_DIR: return kFiletypeDirectory;
    case DT_LNK: return kFiletypeSymbolicLink;
    case DT_CHR: return kFiletypeCharacterDevice;
    case DT_BLK: return kFiletypeBlockDevice;
    default: return kFiletypeUnknown;
  }
}
uint64_t ns(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}
void to_filestat(const struct stat& s, Filestat* out) {
  out->dev = s.st_dev;
  out->ino = s.st_ino;
  out->filetype = filetype_of(s.st_mode);
  out->nlink = s.st_nlink;
  out->size = static_cast<uint64_t>(s.st_size);
  out->atim = ns(s.st_atim);
  out->mtim = ns(s.st_mtim);
  out->ctim = ns(s.st_ctim);
}

// The guest's path as a C string: EILSEQ for an embedded NUL (the host would cut it short).
int32_t path_string(Path p, std::string* out) {
  out->assign(p.data, p.size);
  return out->find('\0') == std::string::npos ? kSuccess : kIlseq;
}

struct Fd {  // closes on scope exit
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens `path` beneath directory `dir`: the kernel refuses `..` past it, absolute paths and
// symlinks leading out (EXDEV, answered as ENOTCAPABLE) and /proc magic links (ELOOP).
int32_t open_beneath(int dir, const std::string& path, uint64_t flags, int* out) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? 0666 : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how);
    if (fd >= 0) {
      *out = static_cast<int>(fd);
      return kSuccess;
    }
    if (errno == EINTR) continue;
    return errno == EXDEV ? kNotcapable : errno_of_host(errno);
  }
}

// The directory a name-changing call acts in, and the name in it: the parent of `path` is
// resolved beneath `dir` (*parent stays -1 when it is `dir` itself). A last component `.` or
// `..` names no entry of its parent: *last is left empty after checking the whole path.
int32_t split_parent(int dir, const std::string& path, Fd* parent, std::string* last) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();  // "dir/" names dir
  if (p.empty()) return kNoent;
  if (p[0] == '/') return kNotcapable;  // absolute: never beneath a directory fd
  const size_t slash = p.rfind('/');
  *last = slash == std::string::npos ? p : p.substr(slash + 1);
  if (*last == "." || *last == "..") {
    Fd whole;
    if (int32_t e = open_beneath(dir, p, O_PATH | O_DIRECTORY, &whole.fd)) return e;
    last->clear();
    return kSuccess;
  }
  if (slash == std::string::npos) return kSuccess;
  return open_beneath(dir, p.substr(0, slash), O_PATH | O_DIRECTORY, &parent->fd);
}

}  // namespace

int32_t errno_of_host(int e) {
  switch (e) {
    case 0: return kSuccess;
    case EACCES: return kAcces;
    case EAGAIN: return kAgain;
    case EBADF: return kBadf;
    case EBUSY: return kBusy;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISDIR: return kIsdir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case ENAMETOOLONG: return kNametoolong;
    case ENFILE: return kNfile;
    case ENODEV: return kNodev;
    case ENOENT: return kNoent;
    case ENOMEM: return kNomem;
    case ENOSPC: return kNospc;
    case ENOSYS: return kNosys;
    case ENOTDIR: return kNotdir;
    case ENOTEMPTY: return kNotempty;
    case EOPNOTSUPP: return kNotsup;
    case EOVERFLOW: return kOverflow;
    case EPERM: return kPerm;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case EXDEV: return kXdev;
    default: return kIo;
  }
}

PosixFiles::~PosixFiles() {
  for (Entry& e : table_) {
    if (e.host_fd >= 0) ::close(e.host_fd);
  }
}

PosixFiles::Entry* PosixFiles::entry(uint32_t fd) {
  if (fd < kFirstFileFd || fd - kFirstFileFd >= kMaxFiles) return nullptr;
  Entry& e = table_[fd - kFirstFileFd];
  return e.host_fd >= 0 ? &e : nullptr;
}

int32_t PosixFiles::directory(uint32_t fd, Entry** dir) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  if (!e->directory) return kNotdir;
  *dir = e;
  return kSuccess;
}

int32_t PosixFiles::free_slot(uint32_t* slot) const {
  for (uint32_t i = 0; i < kMaxFiles; ++i) {
    if (table_[i].host_fd < 0) {
      *slot = i;
      return kSuccess;
    }
  }
  return kMfile;
}

bool PosixFiles::preopen(const std::string& host, const std::string& guest, bool read_only,
                         std::string* error) {
  uint32_t slot = 0;
  // Preopens are numbered without gaps from fd 3: they come before any file is opened.
  if (free_slot(&slot) != kSuccess || (slot > 0 && !table_[slot - 1].preopen)) {
    *error = "too many --dir (at most " + std::to_string(kMaxFiles) + ")";
    return false;
  }
  const int fd = ::open(host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open directory '" + host + "': " + std::strerror(errno);
    return false;
  }
  // openat2 is Linux 5.6 and later: say so here rather than failing every path call later.
  int probe = -1;
  if (open_beneath(fd, ".", O_PATH | O_DIRECTORY, &probe) != kSuccess) {
    *error = "cannot resolve paths beneath '" + host +
             "' (needs Linux 5.6 openat2): " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  ::close(probe);
  Entry& e = table_[slot];
  e = Entry();
  e.host_fd = fd;
  e.preopen = e.directory = true;
  e.read_only = read_only;
  e.guest = guest;
  return true;
}

int32_t PosixFiles::prestat(uint32_t fd, uint32_t* name_len) {
  Entry* e = entry(fd);
  if (!e || !e->preopen) return kBadf;
  *name_len = static_cast<uint32_t>(e->guest.size());
  return kSuccess;
}

int32_t PosixFiles::prestat_name(uint32_t fd, uint8_t* out, uint32_t len) {
  Entry* e = entry(fd);
  if (!e || !e->preopen) return kBadf;
  if (len < e->guest.size()) return kNametoolong;
  std::memcpy(out, e->guest.data(), e->guest.size());
  return kSuccess;
}

int32_t PosixFiles::fdstat(uint32_t fd, Fdstat* out) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  struct stat s;
  if (::fstat(e->host_fd, &s) != 0) return errno_of_host(errno);
  out->filetype = filetype_of(s.st_mode);
  out->flags = e->fdflags;
  // Rights are not a second permission system here (as in wasmtime): everything is reported,
  // and what a read-only preopen forbids is refused with EROFS.
  out->rights_base = out->rights_inheriting = kAllRights;
  return kSuccess;
}

int32_t PosixFiles::set_fdflags(uint32_t fd, uint16_t flags) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  if (flags & ~(kFdflagAppend | kFdflagNonblock)) return kNotsup;
  if ((flags & kFdflagAppend) && e->read_only) return kRofs;
  const int host =
      ((flags & kFdflagAppend) ? O_APPEND : 0) | ((flags & kFdflagNonblock) ? O_NONBLOCK : 0);
  if (::fcntl(e->host_fd, F_SETFL, host) != 0) return errno_of_host(errno);
  e->fdflags = flags;
  return kSuccess;
}

int32_t PosixFiles::open(uint32_t dirfd, uint32_t lookupflags, Path path, uint16_t oflags,
                         uint64_t rights_base, uint64_t, uint16_t fdflags, uint32_t* fd) {
  Entry* dir = nullptr;
  std::string rel;
  if (int32_t e = directory(dirfd, &dir)) return e;
  if (int32_t e = path_string(path, &rel)) return e;
  const bool write = (rights_base & kWriteRights) != 0;
  if (dir->read_only &&
      (write || (oflags & (kOflagCreat | kOflagTrunc)) || (fdflags & kFdflagAppend))) {
    return kRofs;
  }
  uint32_t slot = 0;
  if (int32_t e = free_slot(&slot)) return e;
  const bool read = (rights_base & (kRightFdRead | kRightFdReaddir)) != 0;
  uint64_t flags = O_NOCTTY | (write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY);
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (!(lookupflags & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;
  int host = -1;
  if (int32_t e = open_beneath(dir->host_fd, rel, flags, &host)) return e;
  struct stat s;
  if (::fstat(host, &s) != 0) {
    const int err = errno;
    ::close(host);
    return errno_of_host(err);
  }
  Entry& e = table_[slot];
  e = Entry();
  e.host_fd = host;
  e.directory = S_ISDIR(s.st_mode);
  e.read_only = dir->read_only;
  e.fdflags = fdflags;
  *fd = kFirstFileFd + slot;
  return kSuccess;
}

int32_t PosixFiles::close(uint32_t fd) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  ::close(e->host_fd);
  *e = Entry();
  return kSuccess;
}

// read and write share one body: at the file position, or at `offset` (pread/pwrite).
int32_t PosixFiles::transfer(uint32_t fd, uint8_t* buf, uint32_t len, bool write, bool positioned,
                             uint64_t offset, uint32_t* done) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  if (e->directory) return kIsdir;
  if (positioned && offset > INT64_MAX) return kInval;
  const int h = e->host_fd;
  const off_t at = static_cast<off_t>(offset);
  for (;;) {
    const ssize_t n = write ? (positioned ? ::pwrite(h, buf, len, at) : ::write(h, buf, len))
                            : (positioned ? ::pread(h, buf, len, at) : ::read(h, buf, len));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_of_host(errno);
    *done = static_cast<uint32_t>(n);
    return kSuccess;
  }
}

int32_t PosixFiles::read(uint32_t fd, uint8_t* buf, uint32_t len, bool positioned, uint64_t offset,
                         uint32_t* done) {
  return transfer(fd, buf, len, false, positioned, offset, done);
}

int32_t PosixFiles::write(uint32_t fd, const uint8_t* buf, uint32_t len, bool positioned,
                          uint64_t offset, uint32_t* done) {
  // transfer() only reads from buf when writing.
  return transfer(fd, const_cast<uint8_t*>(buf), len, true, positioned, offset, done);
}

int32_t PosixFiles::seek(uint32_t fd, int64_t offset, uint8_t whence, uint64_t* position) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  if (e->directory) return kIsdir;
  const int w = whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END;
  const off_t at = ::lseek(e->host_fd, static_cast<off_t>(offset), w);
  if (at < 0) return errno_of_host(errno);
  *position = static_cast<uint64_t>(at);
  return kSuccess;
}

int32_t PosixFiles::filestat(uint32_t fd, Filestat* out) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  struct stat s;
  if (::fstat(e->host_fd, &s) != 0) return errno_of_host(errno);
  to_filestat(s, out);
  return kSuccess;
}

int32_t PosixFiles::set_size(uint32_t fd, uint64_t size) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  if (e->read_only) return kRofs;
  if (size > INT64_MAX) return kInval;
  return ::ftruncate(e->host_fd, static_cast<off_t>(size)) == 0 ? kSuccess : errno_of_host(errno);
}

int32_t PosixFiles::path_filestat(uint32_t dirfd, uint32_t lookupflags, Path path, Filestat* out) {
  Entry* dir = nullptr;
  std::string rel;
  if (int32_t e = directory(dirfd, &dir)) return e;
  if (int32_t e = path_string(path, &rel)) return e;
  Fd f;
  // O_PATH | O_NOFOLLOW opens a final symlink itself (lstat); the rest is resolved beneath.
  const uint64_t follow = (lookupflags & kLookupSymlinkFollow) ? 0 : O_NOFOLLOW;
  if (int32_t e = open_beneath(dir->host_fd, rel, O_PATH | follow, &f.fd)) return e;
  struct stat s;
  if (::fstat(f.fd, &s) != 0) return errno_of_host(errno);
  to_filestat(s, out);
  return kSuccess;
}

int32_t PosixFiles::readdir(uint32_t fd, uint8_t* buf, uint32_t len, uint64_t cookie,
                            uint32_t* used) {
  Entry* dir = nullptr;
  if (int32_t e = directory(fd, &dir)) return e;
  // The entries in name order (cookie = index), so a listing is the same on every file system.
  Fd copy;
  if (int32_t e = open_beneath(dir->host_fd, ".", O_RDONLY | O_DIRECTORY, &copy.fd)) return e;
  DIR* d = ::fdopendir(copy.fd);
  if (!d) return errno_of_host(errno);
  copy.fd = -1;  // closedir closes it
  struct Name {
    std::string name;
    uint64_t ino;
    uint8_t type;
  };
  std::vector<Name> names;
  errno = 0;
  while (const dirent* de = ::readdir(d)) {
    names.push_back({de->d_name, de->d_ino, filetype_of_dirent(de->d_type)});
  }
  const int err = errno;
  ::closedir(d);
  if (err) return errno_of_host(err);
  std::sort(names.begin(), names.end(),
            [](const Name& a, const Name& b) { return a.name < b.name; });
  uint32_t at = 0;
  for (uint64_t i = cookie; i < names.size() && at < len; ++i) {
    uint8_t head[kDirentSize] = {};
    const uint64_t next = i + 1;
    const uint32_t namlen = static_cast<uint32_t>(names[i].name.size());
    for (int b = 0; b < 8; ++b) {
      head[b] = static_cast<uint8_t>(next >> (8 * b));
      head[8 + b] = static_cast<uint8_t>(names[i].ino >> (8 * b));
    }
    for (int b = 0; b < 4; ++b) head[16 + b] = static_cast<uint8_t>(namlen >> (8 * b));
    head[20] = names[i].type;
    // Cut short at the end of the buffer: wasi-libc then asks again with a larger one.
    const uint32_t h = std::min(kDirentSize, len - at);
    std::memcpy(buf + at, head, h);
    at += h;
    const uint32_t n = std::min(namlen, len - at);
    std::memcpy(buf + at, names[i].name.data(), n);
    at += n;
  }
  *used = at;
  return kSuccess;
}

int32_t PosixFiles::path_op(PathOp op, uint32_t dirfd, Path path) {
  Entry* dir = nullptr;
  std::string rel, last;
  if (int32_t e = directory(dirfd, &dir)) return e;
  if (int32_t e = path_string(path, &rel)) return e;
  if (dir->read_only) return kRofs;
  Fd parent;
  if (int32_t e = split_parent(dir->host_fd, rel, &parent, &last)) return e;
  if (last.empty()) return op == PathOp::create_directory ? kExist : kBusy;  // "." or ".."
  const int at = parent.fd >= 0 ? parent.fd : dir->host_fd;
  int r = 0;
  switch (op) {
    case PathOp::create_directory: r = ::mkdirat(at, last.c_str(), 0777); break;
    case PathOp::unlink_file: r = ::unlinkat(at, last.c_str(), 0); break;
    case PathOp::remove_directory: r = ::unlinkat(at, last.c_str(), AT_REMOVEDIR); break;
  }
  return r == 0 ? kSuccess : errno_of_host(errno);
}

int32_t PosixFiles::rename(uint32_t dirfd, Path from, uint32_t to_dirfd, Path to) {
  Entry *dir = nullptr, *to_dir = nullptr;
  std::string rel, to_rel, last, to_last;
  if (int32_t e = directory(dirfd, &dir)) return e;
  if (int32_t e = directory(to_dirfd, &to_dir)) return e;
  if (int32_t e = path_string(from, &rel)) return e;
  if (int32_t e = path_string(to, &to_rel)) return e;
  if (dir->read_only || to_dir->read_only) return kRofs;
  Fd parent, to_parent;
  if (int32_t e = split_parent(dir->host_fd, rel, &parent, &last)) return e;
  if (int32_t e = split_parent(to_dir->host_fd, to_rel, &to_parent, &to_last)) return e;
  if (last.empty() || to_last.empty()) return kBusy;
  const int at = parent.fd >= 0 ? parent.fd : dir->host_fd;
  const int to_at = to_parent.fd >= 0 ? to_parent.fd : to_dir->host_fd;
  return ::renameat(at, last.c_str(), to_at, to_last.c_str()) == 0 ? kSuccess
                                                                   : errno_of_host(errno);
}

int32_t PosixFiles::sync(uint32_t fd, bool data_only) {
  Entry* e = entry(fd);
  if (!e) return kBadf;
  const int r = data_only ? ::fdatasync(e->host_fd) : ::fsync(e->host_fd);
  return r == 0 ? kSuccess : errno_of_host(errno);
}

}  // namespace wasi
}  // namespace picowasm
