// libFuzzer target: load_module() on arbitrary bytes must never crash, and its result must be
// self-consistent. Each input is loaded twice: with a roomy arena, and with a small one whose size
// comes from the first byte, to drive the out_of_arena paths (rewinding in the middle of decoding
// and validation).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "api/load.h"
#include "fuzz_check.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"

namespace {

using picowasm::Arena;
using picowasm::Error;
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::Module;

bool span_inside(const picowasm::ByteSpan& s, const uint8_t* data, size_t size) {
  if (s.size == 0) return true;
  return s.data >= data && s.data <= data + size && s.size <= size - (s.data - data);
}

bool is_empty(const Module& m) {
  return m.num_types == 0 && m.num_imports == 0 && m.num_functions == 0 && m.num_tables == 0 &&
         m.num_memories == 0 && m.num_globals == 0 && m.num_exports == 0 && m.num_elems == 0 &&
         m.num_datas == 0 && !m.has_start;
}

// What the decoder guarantees for any module it accepts.
void check_decoded(const Module& m, const uint8_t* data, size_t size) {
  FUZZ_CHECK(m.bytes.data == data && m.bytes.size == size);
  FUZZ_CHECK(m.num_imported_functions <= m.num_functions);
  FUZZ_CHECK(m.num_imported_tables <= m.num_tables);
  FUZZ_CHECK(m.num_imported_memories <= m.num_memories);
  FUZZ_CHECK(m.num_imported_globals <= m.num_globals);
  FUZZ_CHECK(m.num_imported_functions + m.num_imported_tables + m.num_imported_memories +
                 m.num_imported_globals ==
             m.num_imports);
  for (uint32_t i = m.num_imported_functions; i < m.num_functions; ++i) {
    const picowasm::Function& f = m.functions[i];
    FUZZ_CHECK(span_inside(f.code, data, size));
    FUZZ_CHECK(!f.code.data || f.code_offset == static_cast<size_t>(f.code.data - data));
    uint64_t locals = 0;
    for (uint32_t r = 0; r < f.num_local_runs; ++r) locals += f.local_runs[r].count;
    FUZZ_CHECK(locals == f.num_locals);
    FUZZ_CHECK(f.num_locals <= PICOWASM_MAX_LOCALS);
  }
  for (uint32_t i = 0; i < m.num_globals; ++i) {
    FUZZ_CHECK(span_inside(m.globals[i].init, data, size));
  }
  for (uint32_t i = 0; i < m.num_elems; ++i) {
    const picowasm::ElemSegment& e = m.elems[i];
    FUZZ_CHECK(e.count == 0 || (e.func_indices != nullptr) != (e.exprs != nullptr));
    for (uint32_t k = 0; e.exprs && k < e.count; ++k) {
      FUZZ_CHECK(span_inside(e.exprs[k], data, size));
    }
  }
  for (uint32_t i = 0; i < m.num_datas; ++i) {
    FUZZ_CHECK(span_inside(m.datas[i].bytes, data, size));
    FUZZ_CHECK(m.datas[i].mode != picowasm::SegmentMode::declarative);
  }
  FUZZ_CHECK(!m.has_data_count || m.data_count == m.num_datas);
  FUZZ_CHECK(span_inside(m.name_section, data, size));
}

// What validation adds on top.
void check_validated(const Module& m) {
  // multi-memory: up to the configured bound (one memory when the proposal is compiled out).
  FUZZ_CHECK(m.num_memories <= (PICOWASM_FEATURE_MULTI_MEMORY ? PICOWASM_MAX_MEMORIES : 1u));
  FUZZ_CHECK(!m.has_start || m.start < m.num_functions);
  FUZZ_CHECK(m.num_functions == 0 || m.declared_refs != nullptr);
  for (uint32_t i = 0; i < m.num_functions; ++i) {
    const picowasm::Function& f = m.functions[i];
    FUZZ_CHECK(f.type_index < m.num_types);
    if (i < m.num_imported_functions) continue;
    FUZZ_CHECK(f.code.size > 0 && f.code.data[f.code.size - 1] == 0x0B);
  }
  for (uint32_t i = 0; i < m.num_exports; ++i) {
    const picowasm::Export& e = m.exports[i];
    switch (e.kind) {
      case picowasm::ExternKind::func: FUZZ_CHECK(e.index < m.num_functions); break;
      case picowasm::ExternKind::table: FUZZ_CHECK(e.index < m.num_tables); break;
      case picowasm::ExternKind::memory: FUZZ_CHECK(e.index < m.num_memories); break;
      case picowasm::ExternKind::global: FUZZ_CHECK(e.index < m.num_globals); break;
    }
  }
  for (uint32_t i = 0; i < m.num_elems; ++i) {
    const picowasm::ElemSegment& e = m.elems[i];
    if (e.mode == picowasm::SegmentMode::active) FUZZ_CHECK(e.table_index < m.num_tables);
    for (uint32_t k = 0; e.func_indices && k < e.count; ++k) {
      FUZZ_CHECK(e.func_indices[k] < m.num_functions);
    }
  }
}

// Set once at start-up: whether validate_module() rejects an obviously invalid module. While the
// validator is a stub that accepts everything, only the decoder's guarantees are checked.
bool g_validator_active = false;

Error load_and_check(const uint8_t* data, size_t size, Arena& arena) {
  const size_t before = arena.used();
  Module m;
  Error err = picowasm::load_module(data, size, arena, &m);
  if (err.ok()) {
    FUZZ_CHECK(err.kind() == ErrorKind::none);
    check_decoded(m, data, size);
    if (g_validator_active) check_validated(m);
  } else {
    FUZZ_CHECK(err.kind() != ErrorKind::none);
    FUZZ_CHECK(err.kind() != ErrorKind::usage);  // the arguments were fine
    FUZZ_CHECK(arena.used() == before);          // a failed load gives all its memory back
    FUZZ_CHECK(is_empty(m));
    FUZZ_CHECK(err.offset <= size);
  }
  FUZZ_CHECK(arena.used() <= arena.capacity());
  return err;
}

constexpr size_t kBigArena = 4u << 20;
alignas(16) uint8_t g_big_buffer[kBigArena];

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // (func (result i32) end): the body leaves nothing on the stack -> type mismatch.
  static const uint8_t kInvalid[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // header
                                     0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,        // type
                                     0x03, 0x02, 0x01, 0x00,                          // function
                                     0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B};             // code
  Arena arena(g_big_buffer, sizeof(g_big_buffer));
  Module m;
  Error err = picowasm::load_module(kInvalid, sizeof(kInvalid), arena, &m);
  g_validator_active = err.kind() == ErrorKind::invalid;
  std::fprintf(stderr, "picowasm-fuzz: validator %s\n",
               g_validator_active ? "active: checking validated invariants"
                                  : "accepts an invalid module: checking decoder invariants only");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Arena big(g_big_buffer, sizeof(g_big_buffer));
  Error roomy = load_and_check(data, size, big);

  // 0..16 KiB in 64-byte steps, at an odd address so that alignment padding is exercised too.
  size_t small_size = size ? static_cast<size_t>(data[0]) * 64 : 0;
  Arena small(g_big_buffer + 1, small_size);
  Error tight = load_and_check(data, size, small);

  // Less memory can only turn the outcome into out_of_arena, never into another answer.
  if (tight.code != ErrorCode::out_of_arena) FUZZ_CHECK(tight.code == roomy.code);
  if (roomy.code == ErrorCode::out_of_arena) FUZZ_CHECK(tight.code == ErrorCode::out_of_arena);
  if (tight.code == roomy.code && tight.code != ErrorCode::out_of_arena) {
    FUZZ_CHECK(tight.offset == roomy.offset);
  }
  return 0;
}
