// Decoder: WebAssembly 2.0 binary format -> Module (structure only).
//
// Reads every section in order into arrays carved from the caller's arena. Function bodies are not
// decoded instruction by instruction here (the validator walks them once), but their sizes and
// local declarations are; constant expressions are delimited with skip_expression(). Every error is
// a `malformed` code except implementation limits and arena exhaustion. The input is never written.
#include <cstring>

#include "decode/decoder.h"
#include "decode/instr.h"
#include "decode/reader.h"
#include "picowasm/config.h"

namespace picowasm {
namespace {

// Section ids in the order the binary format requires (data count sits between element and code).
enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

// Position of each known section id in the required order.
int section_rank(uint8_t id) {
  static constexpr int8_t kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return id < sizeof(kRank) ? kRank[id] : -1;
}

// Returns true if [data, data+size) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool valid_utf8(const uint8_t* s, uint32_t size) {
  uint32_t i = 0;
  while (i < size) {
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    uint32_t need;
    uint32_t cp;
    uint32_t min;
    if ((c & 0xE0) == 0xC0) {
      need = 1, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      need = 2, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      need = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (size - i - 1 < need) return false;
    for (uint32_t k = 1; k <= need; ++k) {
      uint8_t cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += need + 1;
  }
  return true;
}

class Decoder {
 public:
  Decoder(const uint8_t* bytes, size_t size, Arena& arena)
      : top_(bytes, bytes, bytes + size, ErrorCode::unexpected_end), arena_(arena) {
    m_.bytes = ByteSpan{bytes, static_cast<uint32_t>(size)};
  }

  Error run(Module* out) {
    if (decode_all()) {
      *out = m_;
      return Error{};
    }
    return error_;
  }

 private:
  // ---- error plumbing ----
  bool fail(Reader& r) {
    error_ = r.error();
    return false;
  }
  bool fail(Reader& r, ErrorCode code) {
    r.fail(code);
    return fail(r);
  }
  bool fail_at(Reader& r, ErrorCode code, const uint8_t* where) {
    r.fail_at(code, where);
    return fail(r);
  }

  template <typename T>
  bool alloc(Reader& r, size_t count, T** out) {
    *out = arena_.allocate_array<T>(count);
    return *out ? true : fail(r, ErrorCode::out_of_arena);
  }

  // Reads a vector length. Each element takes at least one byte, so a count larger than the bytes
  // left is malformed (reported before any allocation); then the implementation limit applies.
  bool count(Reader& r, uint32_t limit, ErrorCode limit_code, uint32_t* out) {
    const uint8_t* start = r.pos();
    if (!r.u32(out)) return fail(r);
    if (*out > r.remaining()) return fail(r, ErrorCode::unexpected_end_section);
    if (*out > limit) return fail_at(r, limit_code, start);
    return true;
  }

  bool name(Reader& r, Name* out) {
    uint32_t size;
    if (!r.u32(&size)) return fail(r);
    if (size > r.remaining()) return fail(r, ErrorCode::length_out_of_bounds);
    const uint8_t* p;
    r.bytes(size, &p);
    if (!valid_utf8(p, size)) return fail_at(r, ErrorCode::malformed_utf8, p);
    out->data = reinterpret_cast<const char*>(p);
    out->size = size;
    return true;
  }

  bool limits(Reader& r, Limits* out) {
    // The flag is a 1-bit LEB128 in the spec's grammar: a continuation bit is "too long", any value
    // above 1 (shared or 64-bit memories of later proposals) is "too large".
    const uint8_t* start = r.pos();
    uint8_t flags;
    if (!r.u8(&flags)) return fail(r);
    if (flags & 0x80) return fail_at(r, ErrorCode::integer_too_long, start);
    if (flags > 1) return fail_at(r, ErrorCode::malformed_limits_flags, start);
    if (!r.u32(&out->min)) return fail(r);
    out->has_max = flags == 1;
    if (out->has_max && !r.u32(&out->max)) return fail(r);
    return true;
  }

  // A memory's limits: flags 0/1 as for tables, and with custom-page-sizes bit 3 (0x08): a u32
  // page-size exponent follows. Shared (bit 1) and 64-bit (bit 2) memories are not supported.
  // An exponent up to 16 decodes (the validator accepts only 0 and 16); above is malformed.
  bool memory_type(Reader& r, MemoryType* out) {
    const uint8_t* start = r.pos();
    uint8_t flags;
    if (!r.u8(&flags)) return fail(r);
    if (flags & 0x80) return fail_at(r, ErrorCode::integer_too_long, start);
    constexpr uint8_t kCustomPageSize = PICOWASM_FEATURE_CUSTOM_PAGE_SIZES ? 0x08 : 0x00;
    if ((flags & ~(kCustomPageSize | 0x01)) != 0) {
      return fail_at(r, ErrorCode::malformed_memory_flags, start);
    }
    Limits& l = out->limits;
    if (!r.u32(&l.min)) return fail(r);
    l.has_max = flags & 0x01;
    if (l.has_max && !r.u32(&l.max)) return fail(r);
    out->page_size_log2 = PICOWASM_PAGE_SIZE_LOG2;
    if (flags & kCustomPageSize) {
      const uint8_t* exp_pos = r.pos();
      uint32_t exponent;
      if (!r.u32(&exponent)) return fail(r);
      if (exponent > PICOWASM_PAGE_SIZE_LOG2) {
        return fail_at(r, ErrorCode::malformed_page_size, exp_pos);
      }
      out->page_size_log2 = static_cast<uint8_t>(exponent);
      out->custom_page_size = true;
    }
    return true;
  }

  bool table_type(Reader& r, TableType* out) {
    if (!read_reftype(r, &out->elem)) return fail(r);
    return limits(r, &out->limits);
  }

  bool global_type(Reader& r, GlobalType* out) {
    if (!read_valtype(r, &out->type)) return fail(r);
    const uint8_t* start = r.pos();
    uint8_t mut;
    if (!r.u8(&mut)) return fail(r);
    if (mut > 1) return fail_at(r, ErrorCode::malformed_mutability, start);
    out->mutable_ = mut == 1;
    return true;
  }

  bool const_expr(Reader& r, ConstExpr* out) {
    const uint8_t* start = r.pos();
    if (!skip_expression(r)) return fail(r);
    out->data = start;
    out->size = static_cast<uint32_t>(r.pos() - start);
    return true;
  }

  // ---- sections ----
  bool type_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_TYPES, ErrorCode::limit_types, &n)) return false;
    FuncType* types;
    if (!alloc(r, n, &types)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t* start = r.pos();
      uint8_t form;
      if (!r.u8(&form)) return fail(r);
      if (form != 0x60) return fail_at(r, ErrorCode::malformed_functype, start);
      ValType* vals[2];
      uint32_t counts[2];
      for (int part = 0; part < 2; ++part) {
        if (!count(r, PICOWASM_MAX_PARAMS, ErrorCode::limit_params, &counts[part])) return false;
        if (!alloc(r, counts[part], &vals[part])) return false;
        for (uint32_t k = 0; k < counts[part]; ++k)
          if (!read_valtype(r, &vals[part][k])) return fail(r);
      }
      types[i] = FuncType{vals[0], vals[1], counts[0], counts[1]};
    }
    m_.types = types;
    m_.num_types = n;
    return true;
  }

  bool import_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_IMPORTS, ErrorCode::limit_imports, &n)) return false;
    Import* imports;
    if (!alloc(r, n, &imports)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      Import& im = imports[i];
      if (!name(r, &im.module) || !name(r, &im.field)) return false;
      const uint8_t* kind_pos = r.pos();
      uint8_t kind;
      if (!r.u8(&kind)) return fail(r);
      switch (kind) {
        case 0:
          if (!r.u32(&im.type_index)) return fail(r);
          ++m_.num_imported_functions;
          break;
        case 1:
          if (!table_type(r, &im.table)) return false;
          ++m_.num_imported_tables;
          break;
        case 2:
          if (!memory_type(r, &im.memory)) return false;
          ++m_.num_imported_memories;
          break;
        case 3:
          if (!global_type(r, &im.global)) return false;
          ++m_.num_imported_globals;
          break;
        default: return fail_at(r, ErrorCode::malformed_import_kind, kind_pos);
      }
      im.kind = static_cast<ExternKind>(kind);
    }
    if (m_.num_imported_functions > PICOWASM_MAX_FUNCTIONS)
      return fail(r, ErrorCode::limit_functions);
    if (m_.num_imported_globals > PICOWASM_MAX_GLOBALS) return fail(r, ErrorCode::limit_globals);
    if (m_.num_imported_tables > PICOWASM_MAX_TABLES) return fail(r, ErrorCode::limit_tables);
    if (m_.num_imported_memories > PICOWASM_MAX_MEMORIES) {
      return fail(r, ErrorCode::limit_memories);
    }
    m_.imports = imports;
    m_.num_imports = n;
    return true;
  }

  // Allocates an index space of `imported + defined` entries and fills the imported part from the
  // import section, in import order.
  template <typename T, typename Fill>
  bool index_space(Reader& r, ExternKind kind, uint32_t imported, uint32_t defined, T** out,
                   Fill fill) {
    if (!alloc(r, static_cast<size_t>(imported) + defined, out)) return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m_.num_imports && k < imported; ++i)
      if (m_.imports[i].kind == kind) fill((*out)[k++], m_.imports[i]);
    return true;
  }

  bool function_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_FUNCTIONS - m_.num_imported_functions, ErrorCode::limit_functions,
               &n))
      return false;
    if (!make_functions(r, n)) return false;
    for (uint32_t i = 0; i < n; ++i)
      if (!r.u32(&functions_[m_.num_imported_functions + i].type_index)) return fail(r);
    defined_functions_ = n;
    return true;
  }

  bool make_functions(Reader& r, uint32_t defined) {
    auto fill = [](Function& f, const Import& im) { f.type_index = im.type_index; };
    if (!index_space(r, ExternKind::func, m_.num_imported_functions, defined, &functions_, fill))
      return false;
    m_.functions = functions_;
    m_.num_functions = m_.num_imported_functions + defined;
    return true;
  }

  bool table_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_TABLES - m_.num_imported_tables, ErrorCode::limit_tables, &n))
      return false;
    TableType* tables;
    if (!make_tables(r, n, &tables)) return false;
    for (uint32_t i = 0; i < n; ++i)
      if (!table_type(r, &tables[m_.num_imported_tables + i])) return false;
    return true;
  }

  bool make_tables(Reader& r, uint32_t defined, TableType** out) {
    auto fill = [](TableType& t, const Import& im) { t = im.table; };
    if (!index_space(r, ExternKind::table, m_.num_imported_tables, defined, out, fill))
      return false;
    m_.tables = *out;
    m_.num_tables = m_.num_imported_tables + defined;
    return true;
  }

  bool memory_section(Reader& r) {
    uint32_t n;
    // Without multi-memory the validator reports "multiple memories"; here the count is bounded.
    if (!count(r, PICOWASM_MAX_MEMORIES - m_.num_imported_memories, ErrorCode::limit_memories, &n))
      return false;
    MemoryType* memories;
    if (!make_memories(r, n, &memories)) return false;
    for (uint32_t i = 0; i < n; ++i)
      if (!memory_type(r, &memories[m_.num_imported_memories + i])) return false;
    return true;
  }

  bool make_memories(Reader& r, uint32_t defined, MemoryType** out) {
    auto fill = [](MemoryType& m, const Import& im) { m = im.memory; };
    if (!index_space(r, ExternKind::memory, m_.num_imported_memories, defined, out, fill))
      return false;
    m_.memories = *out;
    m_.num_memories = m_.num_imported_memories + defined;
    return true;
  }

  bool global_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_GLOBALS - m_.num_imported_globals, ErrorCode::limit_globals, &n))
      return false;
    Global* globals;
    if (!make_globals(r, n, &globals)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      Global& g = globals[m_.num_imported_globals + i];
      if (!global_type(r, &g.type) || !const_expr(r, &g.init)) return false;
    }
    return true;
  }

  bool make_globals(Reader& r, uint32_t defined, Global** out) {
    auto fill = [](Global& g, const Import& im) { g.type = im.global; };
    if (!index_space(r, ExternKind::global, m_.num_imported_globals, defined, out, fill))
      return false;
    m_.globals = *out;
    m_.num_globals = m_.num_imported_globals + defined;
    return true;
  }

  bool export_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_EXPORTS, ErrorCode::limit_exports, &n)) return false;
    Export* exports;
    if (!alloc(r, n, &exports)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      Export& e = exports[i];
      if (!name(r, &e.name)) return false;
      const uint8_t* kind_pos = r.pos();
      uint8_t kind;
      if (!r.u8(&kind)) return fail(r);
      if (kind > 3) return fail_at(r, ErrorCode::malformed_export_kind, kind_pos);
      e.kind = static_cast<ExternKind>(kind);
      if (!r.u32(&e.index)) return fail(r);
    }
    m_.exports = exports;
    m_.num_exports = n;
    return true;
  }

  bool start_section(Reader& r) {
    if (!r.u32(&m_.start)) return fail(r);
    m_.has_start = true;
    return true;
  }

  // Element kind byte of encodings 1-3: only 0x00 (funcref) exists.
  bool elem_kind(Reader& r) {
    const uint8_t* start = r.pos();
    uint8_t kind;
    if (!r.u8(&kind)) return fail(r);
    if (kind != 0x00) return fail_at(r, ErrorCode::malformed_elem_kind, start);
    return true;
  }

  bool element_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_ELEM_SEGMENTS, ErrorCode::limit_segments, &n)) return false;
    ElemSegment* elems;
    if (!alloc(r, n, &elems)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      ElemSegment& seg = elems[i];
      const uint8_t* flags_pos = r.pos();
      uint32_t flags;
      if (!r.u32(&flags)) return fail(r);
      if (flags > 7) return fail_at(r, ErrorCode::malformed_elem_flags, flags_pos);
      // Bit 0: passive or declarative (else active); bit 1: explicit table index (active) or
      // declarative (non-active); bit 2: items are expressions rather than function indices.
      const bool non_active = flags & 1;
      const bool bit1 = flags & 2;
      const bool uses_exprs = flags & 4;
      seg.mode = non_active ? (bit1 ? SegmentMode::declarative : SegmentMode::passive)
                            : SegmentMode::active;
      if (!non_active) {
        if (bit1 && !r.u32(&seg.table_index)) return fail(r);
        if (!const_expr(r, &seg.offset)) return false;
      }
      // Encodings 0 and 4 imply funcref; the others name the kind (1-3) or reference type (5-7).
      if (non_active || bit1) {
        if (uses_exprs) {
          if (!read_reftype(r, &seg.type)) return fail(r);
        } else if (!elem_kind(r)) {
          return false;
        }
      }
      if (!count(r, UINT32_MAX, ErrorCode::limit_segments, &seg.count)) return false;
      if (uses_exprs) {
        ConstExpr* exprs;
        if (!alloc(r, seg.count, &exprs)) return false;
        for (uint32_t k = 0; k < seg.count; ++k)
          if (!const_expr(r, &exprs[k])) return false;
        seg.exprs = exprs;
      } else {
        uint32_t* indices;
        if (!alloc(r, seg.count, &indices)) return false;
        for (uint32_t k = 0; k < seg.count; ++k)
          if (!r.u32(&indices[k])) return fail(r);
        seg.func_indices = indices;
      }
    }
    m_.elems = elems;
    m_.num_elems = n;
    return true;
  }

  bool data_count_section(Reader& r) {
    if (!r.u32(&m_.data_count)) return fail(r);
    m_.has_data_count = true;
    return true;
  }

  bool code_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_FUNCTIONS, ErrorCode::limit_functions, &n)) return false;
    if (n != defined_functions_) return fail(r, ErrorCode::func_code_mismatch);
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t* size_pos = r.pos();
      uint32_t size;
      if (!r.u32(&size)) return fail(r);
      if (size > PICOWASM_MAX_BODY_SIZE) return fail_at(r, ErrorCode::limit_body_size, size_pos);
      Reader body(r);
      if (!r.sub(size, ErrorCode::unexpected_end_section, ErrorCode::unexpected_end_section, &body))
        return fail(r);
      if (!function_body(body, functions_[m_.num_imported_functions + i])) return false;
    }
    code_seen_ = true;
    return true;
  }

  bool function_body(Reader& r, Function& f) {
    uint32_t runs;
    if (!count(r, UINT32_MAX, ErrorCode::limit_locals, &runs)) return false;
    LocalRun* local_runs;
    if (!alloc(r, runs, &local_runs)) return false;
    uint64_t total = 0;
    for (uint32_t k = 0; k < runs; ++k) {
      const uint8_t* start = r.pos();
      if (!r.u32(&local_runs[k].count) || !read_valtype(r, &local_runs[k].type)) return fail(r);
      total += local_runs[k].count;
      if (total > UINT32_MAX) return fail_at(r, ErrorCode::too_many_locals, start);
    }
    // Checked after all declarations so that the spec's "too many locals" (a malformed sum) wins.
    if (total > PICOWASM_MAX_LOCALS) return fail(r, ErrorCode::limit_locals);
    f.local_runs = local_runs;
    f.num_local_runs = runs;
    f.num_locals = static_cast<uint32_t>(total);
    f.code = ByteSpan{r.pos(), static_cast<uint32_t>(r.remaining())};
    f.code_offset = r.offset();
    return true;
  }

  bool data_section(Reader& r) {
    uint32_t n;
    if (!count(r, PICOWASM_MAX_DATA_SEGMENTS, ErrorCode::limit_segments, &n)) return false;
    if (m_.has_data_count && n != m_.data_count) return fail(r, ErrorCode::data_count_mismatch);
    DataSegment* datas;
    if (!alloc(r, n, &datas)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      DataSegment& seg = datas[i];
      const uint8_t* flags_pos = r.pos();
      uint32_t flags;
      if (!r.u32(&flags)) return fail(r);
      if (flags > 2) return fail_at(r, ErrorCode::malformed_data_flags, flags_pos);
      seg.mode = flags == 1 ? SegmentMode::passive : SegmentMode::active;
      if (flags == 2 && !r.u32(&seg.memory_index)) return fail(r);
      if (flags != 1 && !const_expr(r, &seg.offset)) return false;
      uint32_t size;
      if (!r.u32(&size)) return fail(r);
      if (size > r.remaining()) return fail(r, ErrorCode::unexpected_end_section);
      const uint8_t* p;
      r.bytes(size, &p);
      seg.bytes = ByteSpan{p, size};
    }
    m_.datas = datas;
    m_.num_datas = n;
    data_seen_ = true;
    return true;
  }

  bool custom_section(Reader& r) {
    Name section_name;
    if (!name(r, &section_name)) return false;
    if (section_name.equals("name", 4) && !m_.name_section.data)
      m_.name_section = ByteSpan{r.pos(), static_cast<uint32_t>(r.remaining())};
    r.skip(static_cast<uint32_t>(r.remaining()));
    return true;
  }

  bool section(uint8_t id, Reader& r) {
    switch (id) {
      case kCustom: return custom_section(r);
      case kType: return type_section(r);
      case kImport: return import_section(r);
      case kFunction: return function_section(r);
      case kTable: return table_section(r);
      case kMemory: return memory_section(r);
      case kGlobal: return global_section(r);
      case kExport: return export_section(r);
      case kStart: return start_section(r);
      case kElement: return element_section(r);
      case kCode: return code_section(r);
      case kData: return data_section(r);
      case kDataCount: return data_count_section(r);
      default: return fail(r, ErrorCode::malformed_section_id);
    }
  }

  // Magic and version: a short read is "unexpected end", wrong bytes have their own messages.
  bool header() {
    const uint8_t* p;
    if (!top_.bytes(4, &p)) return fail(top_);
    if (std::memcmp(p, "\0asm", 4) != 0) return fail_at(top_, ErrorCode::magic_header, p);
    if (!top_.bytes(4, &p)) return fail(top_);
    if (std::memcmp(p, "\1\0\0\0", 4) != 0) return fail_at(top_, ErrorCode::unknown_version, p);
    return true;
  }

  // Index spaces whose defining section was absent still need their imported entries.
  bool finish() {
    Reader& r = top_;
    if (!functions_ && !make_functions(r, 0)) return false;
    if (!m_.tables) {
      TableType* t;
      if (!make_tables(r, 0, &t)) return false;
    }
    if (!m_.memories) {
      MemoryType* mem;
      if (!make_memories(r, 0, &mem)) return false;
    }
    if (!m_.globals) {
      Global* g;
      if (!make_globals(r, 0, &g)) return false;
    }
    if (!code_seen_ && defined_functions_ != 0) return fail(r, ErrorCode::func_code_mismatch);
    if (m_.has_data_count && !data_seen_ && m_.data_count != 0)
      return fail(r, ErrorCode::data_count_mismatch);
    return true;
  }

  bool decode_all() {
    if (!header()) return false;
    int last_rank = 0;
    while (!top_.at_end()) {
      const uint8_t* id_pos = top_.pos();
      uint8_t id;
      uint32_t size;
      if (!top_.u8(&id)) return fail(top_);
      int rank = section_rank(id);
      if (rank < 0) return fail_at(top_, ErrorCode::malformed_section_id, id_pos);
      if (!top_.u32(&size)) return fail(top_);
      if (id != kCustom) {
        if (rank <= last_rank) return fail_at(top_, ErrorCode::section_out_of_order, id_pos);
        last_rank = rank;
        // The index spaces must exist before the sections that refer to them by position.
        if (id > kFunction && id != kDataCount && !functions_ && !make_functions(top_, 0))
          return false;
      }
      Reader body(top_);
      if (!top_.sub(size, ErrorCode::unexpected_end_section, ErrorCode::length_out_of_bounds,
                    &body))
        return fail(top_);
      if (!section(id, body)) return false;
      if (!body.ok()) return fail(body);
      if (!body.at_end()) return fail(body, ErrorCode::section_size_mismatch);
    }
    return finish();
  }

  Reader top_;
  Arena& arena_;
  Module m_;
  Error error_;
  Function* functions_ = nullptr;  // mutable view of m_.functions while decoding
  uint32_t defined_functions_ = 0;
  bool code_seen_ = false;
  bool data_seen_ = false;
};

}  // namespace

Error decode_module(const uint8_t* bytes, size_t size, Arena& arena, Module* out) {
  Error err;
  if (!out || (!bytes && size != 0)) {
    err.code = ErrorCode::bad_argument;
    return err;
  }
  *out = Module{};
  if (size > UINT32_MAX) {
    err.code = ErrorCode::limit_module_size;
    return err;
  }
  Arena::Mark start = arena.mark();
  Decoder decoder(bytes ? bytes : reinterpret_cast<const uint8_t*>(""), size, arena);
  err = decoder.run(out);
  if (!err.ok()) {
    arena.rewind(start);
    *out = Module{};
  }
  return err;
}

}  // namespace picowasm
