// Function names from the custom "name" section (for trap reports and tools).
//
// The section is kept as a span by the decoder and parsed here on demand, without allocating: a
// lookup walks subsection 1 (function names: a vector of (index, name) pairs). A malformed name
// section is ignored (the spec makes custom sections non-binding), so lookups just fail.
#include "decode/reader.h"
#include "picowasm/module.h"

namespace picowasm {

bool function_name(const Module& module, uint32_t func_index, Name* out) {
  const ByteSpan& s = module.name_section;
  if (!s.data || !out) return false;
  Reader r(module.bytes.data, s.data, s.data + s.size, ErrorCode::unexpected_end_section);
  while (r.ok() && !r.at_end()) {
    uint8_t id = 0;
    uint32_t size = 0;
    if (!r.u8(&id) || !r.u32(&size)) return false;
    Reader sub(r);
    if (!r.sub(size, ErrorCode::unexpected_end_section, ErrorCode::unexpected_end_section, &sub))
      return false;
    if (id != 1) continue;  // only function names
    uint32_t count = 0;
    if (!sub.u32(&count)) return false;
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t index = 0, len = 0;
      const uint8_t* text = nullptr;
      if (!sub.u32(&index) || !sub.u32(&len) || !sub.bytes(len, &text)) return false;
      if (index == func_index) {
        out->data = reinterpret_cast<const char*>(text);
        out->size = len;
        return true;
      }
      if (index > func_index) return false;  // indices are sorted
    }
    return false;
  }
  return false;
}

}  // namespace picowasm
