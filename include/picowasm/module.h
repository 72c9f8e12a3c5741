// The decoded form of a WebAssembly module.
//
// A Module is produced by decode_module() (src/decode/) and checked by validate_module()
// (src/validate/). All arrays live in the caller's arena; byte ranges (names, function bodies,
// constant expressions, data payloads) point into the original module bytes, which are read-only
// and may stay in flash, so they must outlive the Module. Index spaces follow the spec: imported
// functions/tables/memories/globals come first, then the module's own definitions.
#ifndef PICOWASM_MODULE_H
#define PICOWASM_MODULE_H

#include <cstddef>
#include <cstdint>

#include "picowasm/config.h"

namespace picowasm {

// Value types, by their binary encoding.
enum class ValType : uint8_t {
  i32 = 0x7F,
  i64 = 0x7E,
  f32 = 0x7D,
  f64 = 0x7C,
  v128 = 0x7B,  // recognised so that SIMD modules get a distinct "unsupported" error
  funcref = 0x70,
  externref = 0x6F,
};

inline bool is_reftype(ValType t) {
  return t == ValType::funcref || t == ValType::externref;
}
const char* valtype_name(ValType t);

// A run of bytes inside the module (never copied).
struct ByteSpan {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
};

// A UTF-8 name, validated, not NUL-terminated.
struct Name {
  const char* data = nullptr;
  uint32_t size = 0;
  bool equals(const char* s, size_t n) const;
};

struct FuncType {
  const ValType* params = nullptr;
  const ValType* results = nullptr;
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  bool equals(const FuncType& other) const;
};

struct Limits {
  uint32_t min = 0;
  uint32_t max = 0;
  bool has_max = false;
};

struct TableType {
  ValType elem = ValType::funcref;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in pages of page_size() bytes
  // custom-page-sizes: log2 of the page size, 16 (64 KiB, the default) or 0 (1 byte) once valid.
  uint8_t page_size_log2 = PICOWASM_PAGE_SIZE_LOG2;
  bool custom_page_size = false;  // the page size was given explicitly (limits flag bit 3)
  uint64_t page_size() const { return uint64_t{1} << page_size_log2; }
  // Most pages a memory of this page size may have (2^32 bytes, and memory.size fits an i32).
  uint32_t max_pages() const {
    return page_size_log2 == PICOWASM_PAGE_SIZE_LOG2 ? PICOWASM_MAX_MEMORY_PAGES
                                                     : PICOWASM_MAX_BYTE_PAGES;
  }
};

struct GlobalType {
  ValType type = ValType::i32;
  bool mutable_ = false;
};

enum class ExternKind : uint8_t { func = 0, table = 1, memory = 2, global = 3 };
const char* extern_kind_name(ExternKind k);

struct Import {
  Name module;
  Name field;
  ExternKind kind = ExternKind::func;
  uint32_t type_index = 0;  // kind == func
  TableType table;          // kind == table
  MemoryType memory;        // kind == memory
  GlobalType global;        // kind == global
};

struct Export {
  Name name;
  ExternKind kind = ExternKind::func;
  uint32_t index = 0;
};

// A constant expression: the instruction bytes including the final `end` opcode.
using ConstExpr = ByteSpan;

// Consecutive locals of one type, as declared in a function body.
struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::i32;
};

struct Function {
  uint32_t type_index = 0;
  // Defined functions only (null/0 for imports):
  const LocalRun* local_runs = nullptr;
  uint32_t num_local_runs = 0;
  uint32_t num_locals = 0;   // declared locals, parameters excluded
  ByteSpan code;             // instructions after the local declarations, including the final `end`
  uint32_t code_offset = 0;  // byte offset of `code` within the module, for error reports
};

struct Global {
  GlobalType type;
  ConstExpr init;  // empty for imported globals
};

enum class SegmentMode : uint8_t { active, passive, declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::passive;
  ValType type = ValType::funcref;
  uint32_t table_index = 0;  // active only
  ConstExpr offset;          // active only
  uint32_t count = 0;
  // Exactly one of these is set, depending on the encoding the segment used:
  const uint32_t* func_indices = nullptr;  // encodings 0-3: function indices
  const ConstExpr* exprs = nullptr;        // encodings 4-7: one constant expression per element
};

struct DataSegment {
  SegmentMode mode = SegmentMode::passive;  // never declarative
  uint32_t memory_index = 0;                // active only
  ConstExpr offset;                         // active only
  ByteSpan bytes;
};

// Post-2.0 proposals, as bits: what a module is validated against (Module::features) and what a
// ModuleConfig may disable. Only proposals compiled in (config.h PICOWASM_FEATURE_*) take effect.
constexpr uint32_t kFeatureExtendedConst = 1u << 0;  // arithmetic in constant expressions
constexpr uint32_t kFeatureTailCall = 1u << 1;       // return_call, return_call_indirect
constexpr uint32_t kFeatureCustomPageSizes = 1u << 2;  // memories of 1-byte pages
constexpr uint32_t kFeatureMultiMemory = 1u << 3;      // several memories, memory indices
constexpr uint32_t kAllFeatures =
    kFeatureExtendedConst | kFeatureTailCall | kFeatureCustomPageSizes | kFeatureMultiMemory;

struct Module {
  ByteSpan bytes;  // the whole binary
  // The proposals validation allowed (kFeature* bits), set by validation.
  uint32_t features = 0;

  const FuncType* types = nullptr;
  uint32_t num_types = 0;

  const Import* imports = nullptr;
  uint32_t num_imports = 0;

  // Index spaces (imports first).
  const Function* functions = nullptr;
  uint32_t num_functions = 0;
  uint32_t num_imported_functions = 0;

  const TableType* tables = nullptr;
  uint32_t num_tables = 0;
  uint32_t num_imported_tables = 0;

  const MemoryType* memories = nullptr;
  uint32_t num_memories = 0;
  uint32_t num_imported_memories = 0;

  const Global* globals = nullptr;
  uint32_t num_globals = 0;
  uint32_t num_imported_globals = 0;

  const Export* exports = nullptr;
  uint32_t num_exports = 0;

  bool has_start = false;
  uint32_t start = 0;

  const ElemSegment* elems = nullptr;
  uint32_t num_elems = 0;

  const DataSegment* datas = nullptr;
  uint32_t num_datas = 0;
  bool has_data_count = false;
  uint32_t data_count = 0;

  // Payload of the custom "name" section, if present (kept for traces; not validated).
  ByteSpan name_section;

  // Filled by validation: one bit per function, set when the function may be the target of
  // `ref.func` inside a body (it appears in an element segment, export or global initializer).
  const uint8_t* declared_refs = nullptr;
  // Set by validation when some function body puts a reference (funcref, externref) on its
  // operand stack: then the value stack may hold references, which snapshots cannot capture.
  bool ref_values = false;

  const FuncType& func_type(uint32_t func_index) const {
    return types[functions[func_index].type_index];
  }
  bool is_declared_ref(uint32_t func_index) const {
    return declared_refs && (declared_refs[func_index >> 3] >> (func_index & 7)) & 1;
  }
};

// Looks up the name of function `func_index` in the module's "name" section. Returns false when
// there is none. The name points into the module bytes.
bool function_name(const Module& module, uint32_t func_index, Name* out);

}  // namespace picowasm

#endif  // PICOWASM_MODULE_H
