// Message, kind and name tables for ErrorCode, generated from PICOWASM_ERRORS (const, flash-able).
#include "picowasm/error.h"

#include <cstddef>

#include "picowasm/config.h"

namespace picowasm {
namespace {

constexpr const char* kMessages[] = {
#define PICOWASM_ERROR_MSG(name, kind, msg) msg,
    PICOWASM_ERRORS(PICOWASM_ERROR_MSG)
#undef PICOWASM_ERROR_MSG
};

#if PICOWASM_ERROR_NAMES
constexpr const char* kNames[] = {
#define PICOWASM_ERROR_NAME(name, kind, msg) #name,
    PICOWASM_ERRORS(PICOWASM_ERROR_NAME)
#undef PICOWASM_ERROR_NAME
};
#endif

constexpr ErrorKind kKinds[] = {
#define PICOWASM_ERROR_KIND(name, kind, msg) ErrorKind::kind,
    PICOWASM_ERRORS(PICOWASM_ERROR_KIND)
#undef PICOWASM_ERROR_KIND
};

constexpr std::size_t kNumCodes = sizeof(kMessages) / sizeof(kMessages[0]);

}  // namespace

const char* error_message(ErrorCode code) {
  auto i = static_cast<std::size_t>(code);
  return i < kNumCodes ? kMessages[i] : "unknown error";
}

const char* error_code_name(ErrorCode code) {
#if PICOWASM_ERROR_NAMES
  auto i = static_cast<std::size_t>(code);
  return i < kNumCodes ? kNames[i] : "unknown";
#else
  (void)code;
  return "?";  // identifiers left out of this build (config.h)
#endif
}

ErrorKind error_kind(ErrorCode code) {
  auto i = static_cast<std::size_t>(code);
  return i < kNumCodes ? kKinds[i] : ErrorKind::usage;
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none: return "ok";
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::invalid: return "invalid";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::limit: return "limit";
    case ErrorKind::resource: return "resource";
    case ErrorKind::usage: return "usage";
    case ErrorKind::unlinkable: return "unlinkable";
    case ErrorKind::trap: return "trap";
    case ErrorKind::exhaustion: return "exhaustion";
  }
  return "unknown";
}

}  // namespace picowasm
