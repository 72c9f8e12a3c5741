// Snapshots (picowasm.hpp snapshot()/restore()): the whole state of an instance that is idle or
// paused at a safe point, written to a caller buffer and read back into another instance of the
// same module, so that the run continues exactly (see docs/supervisor.md for the format).
//
// The image holds positions, never addresses: a code position is (function, code unit), a stack
// position a slot index, a function reference a function index. Restoring checks every one of
// them against the target instance before writing anything, so a corrupted or hostile image is
// refused with a typed error and can never make the interpreter leave its stacks or its code.
// Reference-typed values cannot be told apart from numbers on the value stack, so modules whose
// code handles references (Module::ref_values) are refused (snapshot_unsupported).
#include <cstring>

#include "common/fnv.h"
#include "runtime/runtime.h"
#include "translate/threaded_code.h"

namespace picowasm {
namespace {

constexpr uint32_t kMagic = 0x4E535750u;  // "PWSN" little-endian
constexpr uint16_t kVersion = 2;          // 2: every memory, with its page size
constexpr uint32_t kNone = 0xFFFFFFFFu;  // no position / null reference
constexpr uint32_t kChunk = PICOWASM_SNAPSHOT_CHUNK_BYTES;
static_assert(kChunk >= 8 && (kChunk & (kChunk - 1)) == 0, "chunk size: a power of two >= 8");

// Header: magic, version, flags, total size, checksum, module digest, translation digest.
constexpr size_t kHeaderBytes = 4 + 2 + 2 + 4 + 4 + 8 + 8;
constexpr size_t kChecksumOffset = 12;

// FNV-1a (common/fnv.h): integrity and identity checks, not security (an image is trusted as much
// as the memory it is kept in; restore() stays memory-safe whatever the image says).
uint32_t fnv32(const uint8_t* p, size_t n) {
  return picowasm::fnv32(kFnv32Basis, p, n);
}

// The translated code an image's positions refer to: every function's code units, frame layout and
// loop constants. Equal digests mean equal code, whatever engine build produced it.
uint64_t translation_digest(const CompiledModule& c) {
  uint64_t h = kFnv64Basis;
  for (uint32_t i = 0; i < c.num_funcs; ++i) {
    const CompiledFunc& f = c.funcs[i];
    const uint32_t shape[4] = {f.code_units, f.frame_slots, f.num_consts, f.const_slot};
    h = fnv64(h, shape, sizeof shape);
    h = fnv64(h, f.code, f.code_units * sizeof(CodeUnit));
    if (f.num_consts) h = fnv64(h, f.consts, f.num_consts * sizeof(uint64_t));
  }
  return h;
}

uint64_t module_digest(const Module& m) {
  return fnv64(kFnv64Basis, m.bytes.data, m.bytes.size);
}

// Slots at the bottom of a frame that stay live across a call it makes: parameters, locals and
// loop constants (the operands, and a callee's frame, come after them).
uint32_t live_base(const CompiledFunc& f) {
  const uint32_t locals = f.num_params + f.num_locals, consts = f.const_slot + f.num_consts;
  return locals > consts ? locals : consts;
}

// Index of `type` among the module's types (by identity, else the first equal one).
uint32_t type_index(const Module& m, const FuncType* type) {
  if (!type) return kNone;
  for (uint32_t i = 0; i < m.num_types; ++i)
    if (&m.types[i] == type) return i;
  for (uint32_t i = 0; i < m.num_types; ++i)
    if (m.types[i].equals(*type)) return i;
  return kNone;
}

bool has_ref(const ValType* types, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (is_reftype(types[i])) return true;
  return false;
}

// True if p[0, n) holds only zero bytes: a word at a time, as this scans all of linear memory.
bool all_zero(const uint8_t* p, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint32_t w[4];
    std::memcpy(w, p + i, sizeof w);
    if ((w[0] | w[1] | w[2] | w[3]) != 0) return false;
  }
  for (; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

// ---- Writing (passes with no buffer only count) -------------------------------------------------

// What a pass over the state produces: the image, its exact size, or a bound on it.
enum class Pass : uint8_t {
  write,  // into `out`, with the digests (computed once per image)
  count,  // the exact size: memory scanned for all-zero chunks, no digests
  bound,  // at least the size, nothing scanned: every chunk counted as stored
};

struct Writer {
  uint8_t* out;
  size_t capacity;
  Pass pass;
  size_t size = 0;
  void bytes(const void* p, size_t n) {
    if (out && size + n <= capacity) std::memcpy(out + size, p, n);
    size += n;
  }
  void zeros(size_t n) {
    if (out && size + n <= capacity) std::memset(out + size, 0, n);
    size += n;
  }
  void set_bit(size_t at, size_t bit) {  // in a bitmap written before, at `at`
    if (out && at + bit / 8 < capacity) out[at + bit / 8] |= static_cast<uint8_t>(1u << (bit & 7));
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u16(uint16_t v) {
    const uint8_t b[2] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)};
    bytes(b, 2);
  }
  void u32(uint32_t v) {
    const uint8_t b[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                          static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
    bytes(b, 4);
  }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    u32(static_cast<uint32_t>(v >> 32));
  }
};

struct Capture {
  const Instance& in;
  const CompiledModule& c;
  const Module& m;
  // Code position as (defined function index, unit offset); kNone for none.
  void position(Writer& w, const CodeUnit* pc) const {
    const CompiledFunc* f = pc ? code_owner(c, pc) : nullptr;
    w.u32(f ? static_cast<uint32_t>(f - c.funcs) : kNone);
    w.u32(f ? static_cast<uint32_t>(pc - f->code) : 0);
  }
  uint32_t slot(const uint64_t* p) const { return p ? static_cast<uint32_t>(p - in.stack) : kNone; }
  // Function reference as a function index + 1 (0: null); false if it is another instance's.
  bool reference(uint64_t ref, uint32_t* out) const {
    if (ref == 0) {
      *out = 0;
      return true;
    }
    for (uint32_t i = 0; i < m.num_functions; ++i) {
      if (reinterpret_cast<uint64_t>(in.funcs[i]) == ref) {
        *out = i + 1;
        return true;
      }
    }
    return false;
  }
};

// The checks that decide whether this instance's state can be captured at all.
Error capturable(const Instance& in) {
  Error e;
  const Module& m = *in.module;
  if (in.running || in.nesting != 0) {
    e.code = ErrorCode::bad_argument;  // only between calls or while paused
    return e;
  }
  e.code = ErrorCode::snapshot_unsupported;
  if (m.ref_values || m.num_imported_memories || m.num_imported_tables || m.num_imported_globals) {
    return e;
  }
  for (uint32_t i = 0; i < m.num_globals; ++i)
    if (is_reftype(m.globals[i].type.type)) return e;
  for (uint32_t i = 0; i < m.num_types; ++i) {
    if (has_ref(m.types[i].params, m.types[i].num_params) ||
        has_ref(m.types[i].results, m.types[i].num_results)) {
      return e;
    }
  }
  if (in.paused) {
    // Every frame must be this instance's own (a call into another instance is not captured).
    if (in.paused_call.instance != &in) return e;
    for (const CallFrame* f = in.frames + 1; f < in.paused_call.frame; ++f)
      if (f->instance != &in) return e;
  }
  e.code = ErrorCode::ok;
  return e;
}

Error write_image(const Instance& in, Writer& w) {
  Error e = capturable(in);
  if (!e.ok()) return e;
  const Module& m = *in.module;
  const CompiledModule& c = *in.compiled;
  const Capture cap{in, c, m};

  w.u32(kMagic);
  w.u16(kVersion);
  w.u16(0);  // flags
  w.u32(0);  // total size, patched below
  w.u32(0);  // checksum, patched below
  w.u64(w.pass == Pass::write ? module_digest(m) : 0);  // only the written image needs them
  w.u64(w.pass == Pass::write ? translation_digest(c) : 0);

  // Run state.
  w.u8(static_cast<uint8_t>(in.start_state));
  w.u8(in.paused ? 1 : 0);
  if (in.paused) {
    const PausedCall& p = in.paused_call;
    const CompiledFunc* f = code_owner(c, p.pc);
    const uint32_t frames = static_cast<uint32_t>(p.frame - in.frames);
    const uint32_t used =
        cap.slot(p.fp) + f->frame_slots;  // the running function's frame is the top
    w.u32(type_index(m, p.type));
    cap.position(w, p.pc);
    w.u32(cap.slot(p.fp));
    w.u32(frames);
    for (uint32_t i = 1; i < frames; ++i) {  // frames[0] is the sentinel returning to the host
      cap.position(w, return_address(in.frames[i]));
      w.u32(cap.slot(in.frames[i].fp));
    }
    w.u32(in.yield_results ? cap.slot(in.yield_results) : kNone);
    w.u32(in.yield_results ? type_index(m, in.yield_type) : kNone);
    w.u32(used);
    w.bytes(in.stack, used * sizeof(uint64_t));
  }

  // Globals (defined ones; imported globals are refused above).
  w.u32(m.num_globals);
  for (uint32_t i = 0; i < m.num_globals; ++i) w.u64(in.globals[i]->value);

  // Tables: size, then each element as a function index + 1 (0: null).
  w.u32(m.num_tables);
  for (uint32_t t = 0; t < m.num_tables; ++t) {
    const TableInst& table = *in.tables[t];
    w.u32(table.size);
    for (uint32_t i = 0; i < table.size; ++i) {
      uint32_t ref;
      if (table.type.elem != ValType::funcref || !cap.reference(table.elems[i], &ref)) {
        e.code = ErrorCode::snapshot_unsupported;
        return e;
      }
      w.u32(ref);
    }
  }

  // Dropped segments.
  w.u32(m.num_elems);
  for (uint32_t i = 0; i < m.num_elems; ++i) w.u8(in.elem_dropped[i]);
  w.u32(m.num_datas);
  for (uint32_t i = 0; i < m.num_datas; ++i) w.u8(in.data_dropped[i]);

  // Memories, in index order: page size (log2), pages and accessible size, then one bit per
  // chunk (set: stored) and the chunks that are not all zero. One scan: the bitmap is written as
  // zeros and each stored chunk sets its bit.
  w.u32(m.num_memories);
  for (uint32_t mi = 0; mi < m.num_memories; ++mi) {
    const MemoryInst& mem = *in.memories[mi];
    w.u8(mem.type.page_size_log2);
    w.u32(mem.pages);
    w.u64(mem.size);
    const size_t chunks = static_cast<size_t>((mem.size + kChunk - 1) / kChunk);
    const size_t bitmap_at = w.size;
    w.zeros((chunks + 7) / 8);
    if (w.pass == Pass::bound) {
      w.size += static_cast<size_t>(mem.size);
      continue;
    }
    for (size_t i = 0; i < chunks; ++i) {
      const size_t at = i * kChunk;
      const size_t n = mem.size - at < kChunk ? static_cast<size_t>(mem.size - at) : kChunk;
      if (all_zero(mem.data + at, n)) continue;
      w.set_bit(bitmap_at, i);
      w.bytes(mem.data + at, n);
    }
  }
  return e;
}

// ---- Reading ---------------------------------------------------------------------------------

struct Reader {
  const uint8_t* p;
  size_t size;
  size_t at = 0;
  bool ok = true;
  bool take(void* out, size_t n) {
    if (!ok || size - at < n) {
      ok = false;
      return false;
    }
    std::memcpy(out, p + at, n);
    at += n;
    return true;
  }
  uint8_t u8() {
    uint8_t v = 0;
    take(&v, 1);
    return v;
  }
  uint16_t u16() {
    uint8_t b[2] = {};
    take(b, 2);
    return static_cast<uint16_t>(b[0] | b[1] << 8);
  }
  uint32_t u32() {
    uint8_t b[4] = {};
    take(b, 4);
    return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  }
  uint64_t u64() {
    const uint64_t lo = u32();
    return lo | uint64_t{u32()} << 32;
  }
};

Error fail(ErrorCode code, size_t offset) {
  Error e;
  e.code = code;
  e.offset = static_cast<uint32_t>(offset);
  return e;
}

// A code position read from the image: a defined function and an offset that must be the start
// of one of its instructions (found by walking the function's code).
bool read_position(Reader& r, const CompiledModule& c, const CodeUnit** out) {
  const uint32_t func = r.u32(), offset = r.u32();
  if (!r.ok || func >= c.num_funcs) return false;
  const CompiledFunc& f = c.funcs[func];
  if (offset >= f.code_units) return false;
  uint32_t at = 0;
  while (at < offset) at += instruction_units(f.code + at);
  if (at != offset) return false;
  *out = f.code + offset;
  return true;
}

}  // namespace

Error snapshot_size(const Instance& instance, size_t* bytes) {
  Writer w{nullptr, 0, Pass::count};
  const Error e = write_image(instance, w);
  if (bytes) *bytes = e.ok() ? w.size : 0;
  return e;
}

Error snapshot(const Instance& instance, void* buffer, size_t size, size_t* written) {
  if (written) *written = 0;
  // The buffer is written only once the image is known to fit: a bound (no scan) usually shows
  // it, else the exact count does. So one pass over memory and one digest of the module and its
  // code when the buffer is sized for the whole memory, two passes otherwise.
  Writer bound{nullptr, 0, Pass::bound};
  Error e = write_image(instance, bound);
  if (!e.ok()) return e;
  if (!buffer || size < bound.size) {
    Writer count{nullptr, 0, Pass::count};
    e = write_image(instance, count);
    if (!e.ok()) return e;
    if (!buffer || size < count.size) {
      e.code = ErrorCode::snapshot_buffer_too_small;
      e.needed = count.size;
      e.available = buffer ? size : 0;
      return e;
    }
  }
  Writer w{static_cast<uint8_t*>(buffer), size, Pass::write};
  e = write_image(instance, w);
  uint8_t* out = static_cast<uint8_t*>(buffer);
  const uint32_t total = static_cast<uint32_t>(w.size);
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(total >> (8 * i));
  const uint32_t sum = fnv32(out + kHeaderBytes, w.size - kHeaderBytes);
  for (int i = 0; i < 4; ++i) out[kChecksumOffset + i] = static_cast<uint8_t>(sum >> (8 * i));
  if (written) *written = w.size;
  return e;
}

Error restore(Instance& in, const void* image, size_t size) {
  if (!image || in.running || in.nesting != 0) return fail(ErrorCode::bad_argument, 0);
  Error e = capturable(in);  // the target's module must be one whose state images can hold
  if (in.paused) e.code = ErrorCode::bad_argument;  // abandon() a paused call first
  if (!e.ok()) return e;
  const Module& m = *in.module;
  const CompiledModule& c = *in.compiled;
  Reader r{static_cast<const uint8_t*>(image), size};

  // Header: the image is whole and unchanged, and belongs to this module and this translation.
  if (size < kHeaderBytes || r.u32() != kMagic || r.u16() != kVersion || r.u16() != 0)
    return fail(ErrorCode::snapshot_malformed, 0);
  if (r.u32() != size) return fail(ErrorCode::snapshot_malformed, 8);
  const uint32_t sum = r.u32();
  if (sum != fnv32(r.p + kHeaderBytes, size - kHeaderBytes))
    return fail(ErrorCode::snapshot_malformed, kChecksumOffset);
  if (r.u64() != module_digest(m)) return fail(ErrorCode::snapshot_foreign_module, 16);
  if (r.u64() != translation_digest(c)) return fail(ErrorCode::snapshot_foreign_build, 24);

  // Everything is read and checked first; the instance changes only once all of it is valid.
  const uint8_t start_state = r.u8();
  const uint8_t paused = r.u8();
  if (!r.ok || start_state > static_cast<uint8_t>(StartState::failed) || paused > 1)
    return fail(ErrorCode::snapshot_malformed, r.at);
  // Only states an instance of this module can be in: without a start function it is ready
  // (pending would make start() run a function the module does not have), and a failed instance
  // has no call to resume (found by picowasm-fuzz-snapshot).
  const StartState state = static_cast<StartState>(start_state);
  if ((!m.has_start && state != StartState::ready) || (paused && state == StartState::failed))
    return fail(ErrorCode::snapshot_malformed, r.at - 2);
  PausedCall call;
  uint32_t frames = 0, used = 0, yield_slot = kNone, yield_type = kNone;
  const size_t frames_at = r.at;
  const size_t stack_slots = static_cast<size_t>(in.stack_end - in.stack);
  if (paused) {
    const uint32_t type = r.u32();
    if (!r.ok || type >= m.num_types) return fail(ErrorCode::snapshot_malformed, r.at);
    // A call paused while the start function is pending is the start function: [] -> [].
    if (state == StartState::pending &&
        (m.types[type].num_params != 0 || m.types[type].num_results != 0))
      return fail(ErrorCode::snapshot_malformed, r.at);
    call.type = &m.types[type];
    call.num_results = call.type->num_results;
    call.instance = &in;
    if (!read_position(r, c, &call.pc)) return fail(ErrorCode::snapshot_malformed, r.at);
    const uint32_t fp = r.u32();
    frames = r.u32();
    if (!r.ok || frames == 0) return fail(ErrorCode::snapshot_malformed, r.at);
    if (frames > in.max_frames) {
      e.code = ErrorCode::snapshot_does_not_fit;
      e.needed = frames;
      e.available = in.max_frames;
      e.lower = "call_depth";
      return e;
    }
    // Each frame's slots (the running one's too) must lie inside the target's value stack.
    const CompiledFunc* top = code_owner(c, call.pc);
    if (uint64_t{fp} + top->frame_slots > stack_slots) {
      e.code = ErrorCode::snapshot_does_not_fit;
      e.needed = (uint64_t{fp} + top->frame_slots) * sizeof(uint64_t);
      e.available = stack_slots * sizeof(uint64_t);
      e.lower = "stack_bytes";
      return e;
    }
    // Frames nest: each callee's frame starts above its caller's parameters, locals and loop
    // constants, so everything a caller reads after its callee returns lies below the top frame's
    // end, in the image (else clones would read what their stacks held before; found by
    // picowasm-fuzz-snapshot).
    uint64_t callee_floor = 0;
    for (uint32_t i = 1; i < frames; ++i) {
      const CodeUnit* ret;
      if (!read_position(r, c, &ret)) return fail(ErrorCode::snapshot_malformed, r.at);
      const uint32_t caller_fp = r.u32();
      const CompiledFunc* caller = code_owner(c, ret);
      if (!r.ok || uint64_t{caller_fp} + caller->frame_slots > stack_slots ||
          caller_fp < callee_floor)
        return fail(ErrorCode::snapshot_malformed, r.at);
      callee_floor = uint64_t{caller_fp} + live_base(*caller);
    }
    if (fp < callee_floor) return fail(ErrorCode::snapshot_malformed, frames_at + 12);
    yield_slot = r.u32();
    yield_type = r.u32();
    used = r.u32();
    if (!r.ok || (yield_slot == kNone) != (yield_type == kNone) ||
        (yield_type != kNone && yield_type >= m.num_types) || used > stack_slots ||
        uint64_t{fp} + top->frame_slots != used ||
        (yield_slot != kNone && uint64_t{yield_slot} + m.types[yield_type].num_results > used))
      return fail(ErrorCode::snapshot_malformed, r.at);
    call.fp = in.stack + fp;
    call.frame = in.frames + frames;
    if (size - r.at < used * sizeof(uint64_t)) return fail(ErrorCode::snapshot_malformed, r.at);
    r.at += used * sizeof(uint64_t);  // copied below
  }
  const size_t stack_at = r.at - used * sizeof(uint64_t);

  if (r.u32() != m.num_globals) return fail(ErrorCode::snapshot_malformed, r.at);
  const size_t globals_at = r.at;
  if (size - r.at < uint64_t{m.num_globals} * 8) return fail(ErrorCode::snapshot_malformed, r.at);
  r.at += m.num_globals * 8;

  if (r.u32() != m.num_tables) return fail(ErrorCode::snapshot_malformed, r.at);
  const size_t tables_at = r.at;
  for (uint32_t t = 0; t < m.num_tables; ++t) {
    const uint32_t n = r.u32();
    if (!r.ok) return fail(ErrorCode::snapshot_malformed, r.at);
    if (n > in.tables[t]->capacity) {
      e.code = ErrorCode::snapshot_does_not_fit;
      e.needed = n;
      e.available = in.tables[t]->capacity;
      e.lower = "table_elems";
      return e;
    }
    const bool funcref = in.tables[t]->type.elem == ValType::funcref;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t ref = r.u32();
      if (!r.ok || ref > m.num_functions || (ref != 0 && !funcref))
        return fail(ErrorCode::snapshot_malformed, r.at);
    }
  }

  if (r.u32() != m.num_elems) return fail(ErrorCode::snapshot_malformed, r.at);
  const size_t elems_at = r.at;
  for (uint32_t i = 0; i < m.num_elems; ++i)
    if (r.u8() > 1) return fail(ErrorCode::snapshot_malformed, r.at);
  if (r.u32() != m.num_datas) return fail(ErrorCode::snapshot_malformed, r.at);
  const size_t datas_at = r.at;
  for (uint32_t i = 0; i < m.num_datas; ++i)
    if (r.u8() > 1) return fail(ErrorCode::snapshot_malformed, r.at);

  if (r.u32() != m.num_memories || !r.ok) return fail(ErrorCode::snapshot_malformed, r.at);
  const size_t memories_at = r.at;
  for (uint32_t mi = 0; mi < m.num_memories; ++mi) {
    const MemoryInst& mem = *in.memories[mi];
    const uint8_t log2 = r.u8();
    const uint32_t pages = r.u32();
    const uint64_t mem_size = r.u64();
    if (!r.ok || log2 != mem.type.page_size_log2) return fail(ErrorCode::snapshot_malformed, r.at);
    // The target grows to the image's page count the way memory.grow would: its size must come
    // out the same (equal limits), within what it reserved.
    if (pages < mem.pages || pages > mem.capacity_pages ||
        mem.size + (uint64_t{pages - mem.pages} << log2) != mem_size) {
      e.code = ErrorCode::snapshot_does_not_fit;
      e.needed = static_cast<size_t>(mem_size);
      e.available =
          static_cast<size_t>(mem.size + (uint64_t{mem.capacity_pages - mem.pages} << log2));
      e.lower = "memory_pages";
      return e;
    }
    const size_t chunks = static_cast<size_t>((mem_size + kChunk - 1) / kChunk);
    const size_t bitmap_at = r.at;
    if (size - r.at < (chunks + 7) / 8) return fail(ErrorCode::snapshot_malformed, r.at);
    r.at += (chunks + 7) / 8;
    for (size_t i = 0; i < chunks; ++i) {
      if (!((r.p[bitmap_at + i / 8] >> (i & 7)) & 1)) continue;
      const size_t n =
          mem_size - i * kChunk < kChunk ? static_cast<size_t>(mem_size - i * kChunk) : kChunk;
      if (size - r.at < n) return fail(ErrorCode::snapshot_malformed, r.at);
      r.at += n;
    }
  }
  if (r.at != size) return fail(ErrorCode::snapshot_malformed, r.at);

  // ---- All checked: write the state. ----
  Reader w{r.p, size};
  if (paused) {
    w.at = frames_at + 4 + 8 + 4 + 4;  // type, position, fp, frame count
    in.frames[0] = host_return_frame();
    for (uint32_t i = 1; i < frames; ++i) {
      const uint32_t func = w.u32(), offset = w.u32();
      in.frames[i] = CallFrame{c.funcs[func].code + offset, in.stack + w.u32(), &in};
    }
    std::memcpy(in.stack, r.p + stack_at, used * sizeof(uint64_t));
    in.paused_call = call;
    in.yield_results = yield_slot == kNone ? nullptr : in.stack + yield_slot;
    in.yield_type = yield_type == kNone ? nullptr : &m.types[yield_type];
  } else {
    in.yield_results = nullptr;
    in.yield_type = nullptr;
  }
  in.start_state = state;
  in.paused = paused != 0;
  in.interrupt_requested = 0;
  in.nested_stack = nullptr;
  in.nested_frame = nullptr;

  w.at = globals_at;
  for (uint32_t i = 0; i < m.num_globals; ++i) in.globals[i]->value = w.u64();
  w.at = tables_at;
  for (uint32_t t = 0; t < m.num_tables; ++t) {
    TableInst& table = *in.tables[t];
    table.size = w.u32();
    table.type.limits.min = table.size;
    for (uint32_t i = 0; i < table.size; ++i) {
      const uint32_t ref = w.u32();
      table.elems[i] = ref ? reinterpret_cast<uint64_t>(in.funcs[ref - 1]) : 0;
    }
  }
  std::memcpy(in.elem_dropped, r.p + elems_at, m.num_elems);
  std::memcpy(in.data_dropped, r.p + datas_at, m.num_datas);
  w.at = memories_at;
  for (uint32_t mi = 0; mi < m.num_memories; ++mi) {
    MemoryInst& mem = *in.memories[mi];
    w.at += 1;  // page size, checked
    const uint32_t pages = w.u32();
    const uint64_t mem_size = w.u64();
    mem.pages = pages;
    mem.size = mem_size;
    mem.type.limits.min = pages;
    const size_t chunks = static_cast<size_t>((mem_size + kChunk - 1) / kChunk);
    const size_t bitmap_at = w.at;
    size_t at = bitmap_at + (chunks + 7) / 8;
    for (size_t i = 0; i < chunks; ++i) {
      const size_t n =
          mem_size - i * kChunk < kChunk ? static_cast<size_t>(mem_size - i * kChunk) : kChunk;
      if ((r.p[bitmap_at + i / 8] >> (i & 7)) & 1) {
        std::memcpy(mem.data + i * kChunk, r.p + at, n);
        at += n;
      } else {
        std::memset(mem.data + i * kChunk, 0, n);
      }
    }
    w.at = at;
  }
  return Error{};
}

}  // namespace picowasm
