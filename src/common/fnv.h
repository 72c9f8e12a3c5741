// FNV-1a digests (64 and 32 bit), streaming: integrity and identity checks of images the engine
// writes and reads back (snapshots, translated code), not security — an image is trusted as much
// as the memory it is kept in.
#ifndef PICOWASM_COMMON_FNV_H
#define PICOWASM_COMMON_FNV_H

#include <cstddef>
#include <cstdint>

namespace picowasm {

constexpr uint64_t kFnv64Basis = 0xcbf29ce484222325u;
constexpr uint32_t kFnv32Basis = 0x811c9dc5u;

inline uint64_t fnv64(uint64_t h, const void* data, size_t n) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}

inline uint32_t fnv32(uint32_t h, const void* data, size_t n) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x01000193u;
  return h;
}

}  // namespace picowasm

#endif  // PICOWASM_COMMON_FNV_H
