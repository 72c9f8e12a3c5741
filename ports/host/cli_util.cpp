// Helpers shared by the CLI subcommands: reading and loading a module file, formatting.
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "cli.h"

namespace picowasm::host {

size_t arena_size_for(size_t file_size) {
  constexpr size_t kBase = size_t{1} << 20;
  constexpr size_t kFactor = 16;
  if (file_size > (std::numeric_limits<size_t>::max() - kBase) / kFactor)
    throw std::runtime_error("module file too large");
  return kFactor * file_size + kBase;
}

namespace {

std::unique_ptr<uint8_t[]> read_whole_file(const std::string& path, size_t* size) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  std::streamoff end = in.tellg();
  if (end < 0) throw std::runtime_error(fmt::format("cannot read {}", path));
  *size = static_cast<size_t>(end);
  // One spare byte so that an empty file still has a valid (non-null) buffer.
  auto bytes = std::make_unique<uint8_t[]>(*size + 1);
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.get()), static_cast<std::streamsize>(*size)))
    throw std::runtime_error(fmt::format("cannot read {}", path));
  return bytes;
}

}  // namespace

std::unique_ptr<LoadedModule> load_file(const std::string& path) {
  auto loaded = std::make_unique<LoadedModule>();
  loaded->bytes = read_whole_file(path, &loaded->size);
  size_t arena_size = arena_size_for(loaded->size);
  // make_unique_for_overwrite is C++20; the arena does not need zeroed memory.
  loaded->arena_buffer.reset(new uint8_t[arena_size]);
  loaded->arena = Arena(loaded->arena_buffer.get(), arena_size);
  spdlog::debug("read {} ({} bytes), arena of {} bytes", path, loaded->size, arena_size);

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

std::string quote_name(const Name& name) {
  std::string text = "\"";
  for (uint32_t i = 0; i < name.size; ++i) {
    auto c = static_cast<unsigned char>(name.data[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
      text += static_cast<char>(c);
    else
      text += fmt::format("\\{:02x}", c);
  }
  return text + "\"";
}

}  // namespace picowasm::host
