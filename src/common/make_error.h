// make_error: the one helper that builds an Error with its location, for every stage and the API.
#ifndef PICOWASM_COMMON_MAKE_ERROR_H
#define PICOWASM_COMMON_MAKE_ERROR_H

#include <cstdint>

#include "picowasm/error.h"

namespace picowasm {

// `offset`: where in the module (or image) it was found; `function`: the function, import or
// config entry index, as Error documents for each kind of error.
inline Error make_error(ErrorCode code, uint32_t offset = 0,
                        uint32_t function = Error::kNoFunction) {
  Error e;
  e.code = code;
  e.offset = offset;
  e.function = function;
  return e;
}

}  // namespace picowasm

#endif  // PICOWASM_COMMON_MAKE_ERROR_H
