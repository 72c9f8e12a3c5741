// Error codes. Every failure the engine can report is one named code here, grouped by the spec's
// phases (malformed, invalid, ...). Messages follow the reference interpreter's wording so that the
// spec runner can compare them. The tables behind error_message()/error_kind() are const and can
// live in flash.
#ifndef PICOWASM_ERROR_H
#define PICOWASM_ERROR_H

#include <cstddef>
#include <cstdint>

namespace picowasm {

// The phase an error belongs to, mirroring the spec test assertions.
enum class ErrorKind : uint8_t {
  none,         // success
  malformed,    // the bytes are not a well-formed binary module   (assert_malformed)
  invalid,      // well-formed but fails validation                 (assert_invalid)
  unsupported,  // uses a feature this build does not implement (e.g. SIMD)
  limit,        // exceeds one of the implementation limits in config.h
  resource,     // the caller-supplied arena is too small
  usage,        // the API was called incorrectly (null pointer, bad config)
  unlinkable,   // imports do not match what the host or other instances provide
  trap,         // execution trapped (also during instantiation: assert_uninstantiable)
  exhaustion,   // execution ran out of call stack or value stack (assert_exhaustion)
};

// X(name, kind, message)
#define PICOWASM_ERRORS(X)                                                                   \
  X(ok, none, "ok")                                                                          \
  /* --- malformed: binary format --- */                                                     \
  X(unexpected_end, malformed, "unexpected end")                                             \
  X(unexpected_end_section, malformed, "unexpected end of section or function")              \
  X(magic_header, malformed, "magic header not detected")                                    \
  X(unknown_version, malformed, "unknown binary version")                                    \
  X(malformed_section_id, malformed, "malformed section id")                                 \
  X(section_size_mismatch, malformed, "section size mismatch")                               \
  X(junk_after_last_section, malformed, "unexpected content after last section")             \
  X(integer_too_long, malformed, "integer representation too long")                          \
  X(integer_too_large, malformed, "integer too large")                                       \
  X(malformed_utf8, malformed, "malformed UTF-8 encoding")                                   \
  X(too_many_locals, malformed, "too many locals")                                           \
  X(func_code_mismatch, malformed, "function and code section have inconsistent lengths")    \
  X(data_count_mismatch, malformed, "data count and data section have inconsistent lengths") \
  X(data_count_required, malformed, "data count section required")                           \
  X(malformed_functype, malformed, "malformed function type")                                \
  X(malformed_valtype, malformed, "malformed value type")                                    \
  X(malformed_reftype, malformed, "malformed reference type")                                \
  X(malformed_import_kind, malformed, "malformed import kind")                               \
  X(malformed_export_kind, malformed, "malformed export kind")                               \
  X(malformed_mutability, malformed, "malformed mutability")                                 \
  X(malformed_limits_flags, malformed, "integer too large") /* spec: limits flag is a u32 */ \
  X(malformed_elem_kind, malformed, "malformed elements segment kind")                       \
  X(malformed_elem_flags, malformed, "malformed elements segment flags")                     \
  X(malformed_data_flags, malformed, "malformed data segment flags")                         \
  X(illegal_opcode, malformed, "illegal opcode")                                             \
  X(zero_byte_expected, malformed, "zero byte expected")                                     \
  X(end_expected, malformed, "END opcode expected")                                          \
  X(length_out_of_bounds, malformed, "length out of bounds")                                 \
  X(section_out_of_order, malformed, "unexpected content after last section")                \
  X(malformed_name_subsection, malformed, "malformed name section")                          \
  X(malformed_page_size, malformed, "invalid custom page size: exponent above 16")           \
  X(malformed_memory_flags, malformed, "integer too large: memory limits flags field")       \
  /* --- invalid: validation --- */                                                          \
  X(type_mismatch, invalid, "type mismatch")                                                 \
  X(unknown_type, invalid, "unknown type")                                                   \
  X(unknown_function, invalid, "unknown function")                                           \
  X(unknown_table, invalid, "unknown table")                                                 \
  X(unknown_memory, invalid, "unknown memory")                                               \
  X(unknown_global, invalid, "unknown global")                                               \
  X(unknown_local, invalid, "unknown local")                                                 \
  X(unknown_label, invalid, "unknown label")                                                 \
  X(unknown_elem, invalid, "unknown elem segment")                                           \
  X(unknown_data, invalid, "unknown data segment")                                           \
  X(immutable_global, invalid, "global is immutable")                                        \
  X(bad_alignment, invalid, "alignment must not be larger than natural")                     \
  X(multiple_memories, invalid, "multiple memories")                                         \
  X(memory_size_too_large, invalid, "memory size must be at most 65536 pages (4GiB)")        \
  X(limits_min_gt_max, invalid, "size minimum must not be greater than maximum")             \
  X(table_size_too_large, invalid, "table size must be at most 2^32-1")                      \
  X(start_function_type, invalid, "start function")                                          \
  X(duplicate_export, invalid, "duplicate export name")                                      \
  X(constant_expr_required, invalid, "constant expression required")                         \
  X(undeclared_func_ref, invalid, "undeclared function reference")                           \
  X(invalid_result_arity, invalid, "invalid result arity")                                   \
  X(invalid_lane_index, invalid, "invalid lane index")                                       \
  X(invalid_page_size, invalid, "invalid custom page size: exponent must be 0 or 16")        \
  /* --- unsupported features --- */                                                         \
  X(unsupported_simd, unsupported, "unsupported feature: SIMD (v128)")                       \
  X(unsupported_proposal, unsupported, "unsupported feature: post-2.0 proposal")             \
  X(unsupported_tail_call, unsupported, "unsupported feature: tail-call proposal")           \
  X(unsupported_page_size, unsupported, "unsupported feature: custom-page-sizes proposal")   \
  X(unsupported_bulk_memory, unsupported, "unsupported feature: bulk memory")                \
  X(unsupported_reference_types, unsupported, "unsupported feature: reference types")        \
  /* --- implementation limits (config.h) --- */                                             \
  X(limit_module_size, limit, "implementation limit: module too large")                      \
  X(limit_types, limit, "implementation limit: too many types")                              \
  X(limit_params, limit, "implementation limit: too many parameters or results")             \
  X(limit_functions, limit, "implementation limit: too many functions")                      \
  X(limit_imports, limit, "implementation limit: too many imports")                          \
  X(limit_exports, limit, "implementation limit: too many exports")                          \
  X(limit_globals, limit, "implementation limit: too many globals")                          \
  X(limit_tables, limit, "implementation limit: too many tables")                            \
  X(limit_memories, limit, "implementation limit: too many memories")                        \
  X(limit_segments, limit, "implementation limit: too many segments")                        \
  X(limit_locals, limit, "implementation limit: too many locals")                            \
  X(limit_body_size, limit, "implementation limit: function body too large")                 \
  X(limit_br_table, limit, "implementation limit: br_table too large")                       \
  X(limit_operand_stack, limit, "implementation limit: operand stack too deep")              \
  X(limit_control_depth, limit, "implementation limit: blocks nested too deeply")            \
  X(limit_table_elems, limit, "configured limit: table larger than table_elems")             \
  /* --- linking --- */                                                                      \
  X(unknown_import, unlinkable, "unknown import")                                            \
  X(incompatible_import, unlinkable, "incompatible import type")                             \
  /* --- traps --- */                                                                        \
  X(trap_unreachable, trap, "unreachable")                                                   \
  X(trap_int_div_by_zero, trap, "integer divide by zero")                                    \
  X(trap_int_overflow, trap, "integer overflow")                                             \
  X(trap_invalid_conversion, trap, "invalid conversion to integer")                          \
  X(trap_memory_oob, trap, "out of bounds memory access")                                    \
  X(trap_table_oob, trap, "out of bounds table access")                                      \
  X(trap_undefined_element, trap, "undefined element")                                       \
  X(trap_uninitialized_element, trap, "uninitialized element")                               \
  X(trap_indirect_call_type, trap, "indirect call type mismatch")                            \
  X(trap_null_reference, trap, "null reference")                                             \
  X(trap_host, trap, "host function trapped")                                                \
  /* --- exhaustion --- */                                                                   \
  X(call_stack_exhausted, exhaustion, "call stack exhausted")                                \
  /* --- control (not failures) --- */                                                       \
  X(host_yield, usage, "host function asked to pause")                                       \
  /* --- resources and usage --- */                                                          \
  X(out_of_arena, resource, "arena exhausted")                                               \
  X(bad_argument, usage, "invalid argument")                                                 \
  X(start_pending, usage, "instance not started: call start() first")                        \
  X(instance_failed, usage, "instance unusable: its start function failed")                  \
  /* --- configuration (picowasm.hpp check_config(); Error::function = entry index) --- */   \
  X(config_null_arena, usage, "config: null arena with a nonzero arena_size")                \
  X(config_bad_arena, usage, "config: arena + arena_size wraps around")                      \
  X(config_null_table, usage, "config: null table with a nonzero count")                     \
  X(config_null_name, usage, "config: null module or field name")                            \
  X(config_null_function, usage, "config: host function without thunk or type")              \
  X(config_bad_extern, usage, "config: extern value without an object")                      \
  X(config_bad_limit, usage, "config: limit outside the range config.h allows")              \
  /* --- snapshots (snapshot(), restore(); Error::offset: where in the image) --- */         \
  X(snapshot_malformed, malformed, "snapshot: malformed, truncated or corrupted image")      \
  X(snapshot_foreign_module, unlinkable, "snapshot: taken from another module")              \
  X(snapshot_foreign_build, unlinkable, "snapshot: another translation of the module")       \
  X(snapshot_unsupported, unsupported, "snapshot: state not capturable (see snapshot())")    \
  X(snapshot_does_not_fit, resource, "snapshot: instance limits below the image's")          \
  X(snapshot_buffer_too_small, resource, "snapshot: buffer too small for the image")         \
  /* --- translated-code images (translate_to(), load_pretranslated()) --- */                \
  X(image_malformed, malformed, "translated image: truncated, damaged or not this module's") \
  X(image_foreign_module, unlinkable, "translated image: made from another module")          \
  X(image_foreign_build, unlinkable, "translated image: made by another engine build")       \
  X(image_sink_failed, resource, "translated image: the sink refused a write")               \
  /* --- supervisor (supervisor/: init(), add()) --- */                                      \
  X(supervisor_bad_board, usage, "supervisor: board without a clock, or too many slots")     \
  X(supervisor_full, resource, "supervisor: no free app slot")                               \
  X(supervisor_bad_spec, usage, "supervisor: app without module, grant, buffer or name")     \
  X(supervisor_bad_entry, unlinkable, "supervisor: entry missing or not () -> i32")

enum class ErrorCode : uint8_t {
#define PICOWASM_ERROR_ENUM(name, kind, msg) name,
  PICOWASM_ERRORS(PICOWASM_ERROR_ENUM)
#undef PICOWASM_ERROR_ENUM
};

// Human-readable message for a code (static storage, never null).
const char* error_message(ErrorCode code);
// Phase of a code.
ErrorKind error_kind(ErrorCode code);
// Name of a kind ("malformed", "invalid", ...).
const char* error_kind_name(ErrorKind kind);
// Identifier of a code ("type_mismatch", ...), for logs and JSON output.
const char* error_code_name(ErrorCode code);

// A failure with its location. `offset` is the byte offset in the module where decoding or
// validation stopped; `function` is the function index for errors inside a body, or kNoFunction.
// For `unlinkable` errors from instantiate(), `function` is instead the index of the offending
// import in the module's import section (Module::imports), so the caller can name it
// ("env.gpio_write"); for config_* errors it is the index of the offending table entry.
struct Error {
  static constexpr uint32_t kNoFunction = 0xFFFFFFFFu;
  ErrorCode code = ErrorCode::ok;
  uint32_t offset = 0;
  uint32_t function = kNoFunction;
  // out_of_arena from instantiate(): the bytes the buffer needed and had, and the limit to lower
  // first (the ResourceLimits field sizing the largest reservation: "memory_pages",
  // "table_elems", "stack_bytes" or "call_depth"). From load() only `available` is known (the
  // load stops at the first allocation that fails; module_size() tells the whole need).
  size_t needed = 0;
  size_t available = 0;
  const char* lower = nullptr;

  bool ok() const { return code == ErrorCode::ok; }
  ErrorKind kind() const { return error_kind(code); }
  const char* message() const { return error_message(code); }
};

}  // namespace picowasm

#endif  // PICOWASM_ERROR_H
