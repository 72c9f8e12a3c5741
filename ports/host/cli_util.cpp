// Helpers shared by the CLI subcommands: reading and loading a module file, formatting, escaping.
#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "cli.h"
#include "picowasm/picowasm.h"

namespace picowasm::host {

size_t arena_size_for(size_t file_size) {
  constexpr size_t kBase = size_t{1} << 20;
  constexpr size_t kFactor = 16;
  if (file_size > (std::numeric_limits<size_t>::max() - kBase) / kFactor)
    throw std::runtime_error("module file too large");
  return kFactor * file_size + kBase;
}

namespace {

// Closes a file descriptor when it goes out of scope.
struct FileDescriptor {
  int fd;
  explicit FileDescriptor(int fd_) : fd(fd_) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void file_error(const char* verb, const std::string& path, const std::string& what) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", verb, escape_text(path), what));
}

// Why open() or stat() failed, in words.
std::string errno_text(int error) {
  switch (error) {
    case ENOENT: return "not found";
    case ENOTDIR: return "not found (a component of the path is not a directory)";
    case EACCES:
    case EPERM: return "permission denied";
    default: return std::strerror(error);
  }
}

// What kind of file `st` describes, for a refusal.
const char* file_kind(const struct stat& st) {
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "of an unknown kind";
}

// Refuses anything that is not a regular file of 1 to kMaxModuleBytes bytes.
void check_module_file(const std::string& path, const struct stat& st) {
  if (S_ISDIR(st.st_mode)) file_error("load", path, "is a directory");
  if (!S_ISREG(st.st_mode))
    file_error("load", path, fmt::format("not a regular file (it is {})", file_kind(st)));
  if (st.st_size == 0) file_error("load", path, "empty file");
  if (static_cast<uintmax_t>(st.st_size) > kMaxModuleBytes) {
    file_error("load", path,
               fmt::format("too large ({} bytes; picowasm reads modules of at most {} MiB)",
                           static_cast<uintmax_t>(st.st_size), kMaxModuleBytes >> 20));
  }
}

}  // namespace

void* aligned_buffer(std::unique_ptr<uint8_t[]>* owner, size_t size) {
  constexpr uintptr_t kAlign = PW_BUFFER_ALIGN;
  owner->reset(new uint8_t[size + kAlign - 1]);
  const uintptr_t base = reinterpret_cast<uintptr_t>(owner->get());
  return reinterpret_cast<void*>((base + kAlign - 1) & ~(kAlign - 1));
}

std::unique_ptr<uint8_t[]> read_whole_file(const std::string& path, size_t* size) {
  // stat() first, so that a FIFO or device is refused without opening it (opening a FIFO blocks
  // until a writer comes, reading a device may never end).
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) file_error("open", path, errno_text(errno));
  check_module_file(path, st);
  // O_NONBLOCK: if the path was replaced by a FIFO since stat(), open() must not wait for a
  // writer; the fstat() below then refuses it.
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (file.fd < 0) file_error("open", path, errno_text(errno));
  struct stat opened;
  if (::fstat(file.fd, &opened) != 0) file_error("read", path, std::strerror(errno));
  check_module_file(path, opened);
  if (opened.st_dev != st.st_dev || opened.st_ino != st.st_ino)
    file_error("read", path, "the file was replaced while being opened");

  *size = static_cast<size_t>(opened.st_size);
  auto bytes = std::make_unique<uint8_t[]>(*size);
  size_t done = 0;
  while (done < *size) {
    const ssize_t n = ::read(file.fd, bytes.get() + done, *size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) file_error("read", path, std::strerror(errno));
    if (n == 0) file_error("read", path, "the file became shorter while being read");
    done += static_cast<size_t>(n);
  }
  return bytes;
}

namespace {

// Length of the well-formed UTF-8 sequence at the start of [p, p + n) (n >= 1), with its code
// point in *code_point; 0 if the bytes there do not start one. Well-formed as in the Unicode
// standard's table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
size_t utf8_sequence(const unsigned char* p, size_t n, uint32_t* code_point) {
  const unsigned char lead = p[0];
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length = 0;
  uint32_t value = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0Fu;
    if (lead == 0xE0) second_min = 0xA0;  // overlong below U+0800
    if (lead == 0xED) second_max = 0x9F;  // surrogates U+D800-U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07u;
    if (lead == 0xF0) second_min = 0x90;  // overlong below U+10000
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong ASCII) or F5-FF
  }
  if (n < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char byte = p[i];
    const unsigned char min = i == 1 ? second_min : 0x80;
    const unsigned char max = i == 1 ? second_max : 0xBF;
    if (byte < min || byte > max) return 0;
    value = (value << 6) | (byte & 0x3Fu);
  }
  *code_point = value;
  return length;
}

// Code points above ASCII that escape_text shows as \u{XXXX}: C1 controls (a terminal may take
// U+009B as CSI) and invisible characters that change the direction or lines of the text around
// them.
bool is_hidden_control(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string escape_text(const char* data, size_t size, char quote) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  std::string text;
  text.reserve(size);
  size_t i = 0;
  while (i < size) {
    uint32_t c = 0;
    const size_t length = utf8_sequence(p + i, size - i, &c);
    if (length == 0 || c < 0x20 || c == 0x7F) {
      text += fmt::format("\\x{:02x}", p[i]);
      i += 1;
      continue;
    }
    if (c == '\\' || (quote != 0 && c == static_cast<unsigned char>(quote))) {
      text += '\\';
      text += static_cast<char>(c);
    } else if (is_hidden_control(c)) {
      text += fmt::format("\\u{{{:04x}}}", c);
    } else {
      text.append(data + i, length);
    }
    i += length;
  }
  return text;
}

std::string escape_text(const std::string& text) {
  return escape_text(text.data(), text.size());
}

std::string escape_text(const Name& name) {
  return escape_text(name.data, name.size);
}

std::string json_text(const char* data, size_t size) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  std::string text;
  text.reserve(size);
  size_t i = 0;
  while (i < size) {
    uint32_t c = 0;
    const size_t length = utf8_sequence(p + i, size - i, &c);
    if (length == 0) {
      text += "\xEF\xBF\xBD";  // U+FFFD in UTF-8
      i += 1;
    } else {
      text.append(data + i, length);
      i += length;
    }
  }
  return text;
}

std::string json_text(const Name& name) {
  return json_text(name.data, name.size);
}

std::unique_ptr<LoadedModule> load_file(const std::string& path) {
  auto loaded = std::make_unique<LoadedModule>();
  loaded->bytes = read_whole_file(path, &loaded->size);
  size_t arena_size = arena_size_for(loaded->size);
  // make_unique_for_overwrite is C++20; the arena does not need zeroed memory.
  loaded->arena_buffer.reset(new uint8_t[arena_size]);
  loaded->arena = Arena(loaded->arena_buffer.get(), arena_size);
  spdlog::debug("read {} ({} bytes), arena of {} bytes", escape_text(path), loaded->size,
                arena_size);

  loaded->error = load_module(loaded->bytes.get(), loaded->size, loaded->arena, &loaded->module);
  if (loaded->error.ok()) {
    spdlog::debug("loaded: arena used {} bytes, high water {} bytes", loaded->arena.used(),
                  loaded->arena.high_water());
  } else {
    spdlog::debug("load failed with {} (arena high water {} bytes)",
                  error_code_name(loaded->error.code), loaded->arena.high_water());
  }
  return loaded;
}

std::string format_error(const Error& error) {
  std::string text = fmt::format("error: {}: {} at offset 0x{:x}", error_kind_name(error.kind()),
                                 error.message(), error.offset);
  if (error.function != Error::kNoFunction) text += fmt::format(" (function {})", error.function);
  return text;
}

std::string format_functype(const FuncType& type) {
  auto list = [](const ValType* types, uint32_t count) {
    std::string text = "(";
    for (uint32_t i = 0; i < count; ++i) {
      if (i) text += ", ";
      text += valtype_name(types[i]);
    }
    return text + ")";
  };
  return list(type.params, type.num_params) + " -> " + list(type.results, type.num_results);
}

std::string format_limits(const Limits& limits) {
  std::string text = fmt::format("min={}", limits.min);
  if (limits.has_max) text += fmt::format(" max={}", limits.max);
  return text;
}

// "min=1 max=2" in 64 KiB pages, "min=4096 max=4096 pagesize=1" for custom-page-sizes.
std::string format_memory_type(const MemoryType& type) {
  std::string text = format_limits(type.limits);
  if (type.page_size_log2 != PICOWASM_PAGE_SIZE_LOG2) {
    text += fmt::format(" pagesize={}", type.page_size());
  }
  return text;
}

std::string quote_name(const Name& name) {
  return "\"" + escape_text(name.data, name.size, '"') + "\"";
}

}  // namespace picowasm::host
