// Small helpers on the decoded module types.
#include "picowasm/module.h"

#include <cstring>

namespace picowasm {

const char* valtype_name(ValType t) {
  switch (t) {
    case ValType::i32: return "i32";
    case ValType::i64: return "i64";
    case ValType::f32: return "f32";
    case ValType::f64: return "f64";
    case ValType::v128: return "v128";
    case ValType::funcref: return "funcref";
    case ValType::externref: return "externref";
  }
  return "?";
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::func: return "func";
    case ExternKind::table: return "table";
    case ExternKind::memory: return "memory";
    case ExternKind::global: return "global";
  }
  return "?";
}

bool Name::equals(const char* s, size_t n) const {
  return n == size && (n == 0 || std::memcmp(data, s, n) == 0);
}

bool FuncType::equals(const FuncType& other) const {
  if (num_params != other.num_params || num_results != other.num_results) return false;
  for (uint32_t i = 0; i < num_params; ++i)
    if (params[i] != other.params[i]) return false;
  for (uint32_t i = 0; i < num_results; ++i)
    if (results[i] != other.results[i]) return false;
  return true;
}

}  // namespace picowasm
