// load_module(): the decode -> validate pipeline behind one call.
#include "api/load.h"

namespace picowasm {

Error load_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out,
                  uint32_t features) {
  Arena::Mark start = arena.mark();
  Error err = decode_module(bytes, size, arena, out);
  if (err.ok()) err = validate_module(*out, arena, features);
  if (!err.ok()) {
    arena.rewind(start);
    if (out) *out = Module{};
  }
  return err;
}

}  // namespace picowasm
