// Runtime: compile_module() + instantiate() (import checks, reservations per InstanceLimits,
// segment initialisation and its traps, arena exhaustion), find_export(), and the shared segment
// operations.
#include "runtime/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"
#include "runtime/segments.h"
#include "wasm_builder.h"

namespace {

using namespace wb;  // NOLINT: the builder vocabulary is what these tests are written in
using picowasm::Arena;
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::ExternKind;
using picowasm::ExternVal;
using picowasm::InstanceLimits;
using picowasm::ValType;

constexpr uint32_t kPage = PICOWASM_PAGE_SIZE;

Bytes import_entry(const std::string& field, const Bytes& desc) {
  return cat({str("env"), str(field), desc});
}
Bytes export_entry(const std::string& name, uint8_t kind, uint32_t index) {
  return cat({str(name), {kind}, leb_u(index)});
}
// Element segment, encoding 0: active in table 0 at `offset`, function indices.
Bytes active_elem(int32_t offset, const std::vector<uint32_t>& funcs) {
  std::vector<Bytes> items;
  for (uint32_t f : funcs) items.push_back(leb_u(f));
  return cat({{0x00}, const_expr(i32_const(offset)), vec(items)});
}
// Data segment, encoding 0: active in memory 0 at `offset`.
Bytes active_data(int32_t offset, const Bytes& bytes) {
  return cat({{0x00}, const_expr(i32_const(offset)), byte_vec(bytes)});
}

// A loaded and compiled module, ready to instantiate into an arena of the test's choice.
struct Compiled {
  explicit Compiled(Bytes bytes) : loaded(std::move(bytes)) {
    EXPECT_EQ(loaded.err.code, ErrorCode::ok);
    if (loaded.err.ok()) err = picowasm::compile_module(loaded.module, loaded.arena, &compiled);
    EXPECT_EQ(err.code, ErrorCode::ok);
  }
  Loaded loaded;
  picowasm::Error err;
  picowasm::CompiledModule* compiled = nullptr;
};

// An arena over a buffer pre-filled with garbage, so that tests see what instantiate() clears.
struct DirtyArena {
  explicit DirtyArena(size_t size) : buffer(size, 0xAA), arena(buffer.data(), buffer.size()) {}
  std::vector<uint8_t> buffer;
  Arena arena;
};

picowasm::Error instantiate(const Compiled& c, const std::vector<ExternVal>& imports, Arena& arena,
                            picowasm::Instance** out, const InstanceLimits& limits = {}) {
  return picowasm::instantiate(*c.compiled, imports.data(), static_cast<uint32_t>(imports.size()),
                               limits, arena, out);
}

// Host-side objects a test module imports.
struct HostTable {
  explicit HostTable(uint32_t size, uint32_t capacity, bool has_max) : elems(capacity, 0) {
    table.elems = elems.data();
    table.size = size;
    table.capacity = capacity;
    table.type.elem = ValType::funcref;
    table.type.limits = picowasm::Limits{size, capacity, has_max};
  }
  ExternVal extern_val() {
    ExternVal v;
    v.kind = ExternKind::table;
    v.table = &table;
    return v;
  }
  std::vector<uint64_t> elems;
  picowasm::TableInst table;
};

struct HostMemory {
  explicit HostMemory(uint32_t pages, uint32_t max_pages) : data(size_t{max_pages} * kPage, 0) {
    memory.data = data.data();
    memory.pages = pages;
    memory.size = uint64_t{pages} * kPage;
    memory.capacity_pages = max_pages;
    memory.type.limits = picowasm::Limits{pages, max_pages, true};
  }
  ExternVal extern_val() {
    ExternVal v;
    v.kind = ExternKind::memory;
    v.memory = &memory;
    return v;
  }
  std::vector<uint8_t> data;
  picowasm::MemoryInst memory;
};

// ---- Imports ------------------------------------------------------------------------------------

// (import "env" "f" (func (param i32))) (import "env" "g" (global (mut i64)))
Bytes func_and_global_importer() {
  return module({
      section(kType, vec({func_type({kI32}, {})})),
      section(kImport, vec({import_entry("f", cat({{kExtFunc}, leb_u(0)})),
                            import_entry("g", {kExtGlobal, kI64, 0x01})})),
  });
}

struct HostFunc {
  HostFunc(std::vector<ValType> p, std::vector<ValType> r) : params(std::move(p)), results(r) {
    type.params = params.data();
    type.num_params = static_cast<uint32_t>(params.size());
    type.results = results.data();
    type.num_results = static_cast<uint32_t>(results.size());
    inst.type = &type;
    inst.host = [](picowasm::HostCall&) { return ErrorCode::ok; };
  }
  ExternVal extern_val() {
    ExternVal v;
    v.kind = ExternKind::func;
    v.func = &inst;
    return v;
  }
  std::vector<ValType> params, results;
  picowasm::FuncType type;
  picowasm::FuncInst inst;
};

ExternVal global_val(picowasm::GlobalInst* g) {
  ExternVal v;
  v.kind = ExternKind::global;
  v.global = g;
  return v;
}

TEST(Instantiate, MatchingImportsLink) {
  Compiled c(func_and_global_importer());
  HostFunc f({ValType::i32}, {});
  picowasm::GlobalInst g;
  g.type = picowasm::GlobalType{ValType::i64, true};
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  EXPECT_EQ(instantiate(c, {f.extern_val(), global_val(&g)}, a.arena, &inst).code, ErrorCode::ok);
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->funcs[0], &f.inst);
  EXPECT_EQ(inst->globals[0], &g);
}

TEST(Instantiate, ImportTypeMismatchIsUnlinkable) {
  Compiled c(func_and_global_importer());
  HostFunc good_f({ValType::i32}, {});
  HostFunc bad_f({ValType::i64}, {});
  picowasm::GlobalInst good_g, immutable_g, i32_g;
  good_g.type = picowasm::GlobalType{ValType::i64, true};
  immutable_g.type = picowasm::GlobalType{ValType::i64, false};
  i32_g.type = picowasm::GlobalType{ValType::i32, true};
  const std::vector<std::vector<ExternVal>> bad_import_lists = {
      {bad_f.extern_val(), global_val(&good_g)},        // function signature
      {good_f.extern_val(), global_val(&immutable_g)},  // mutability
      {good_f.extern_val(), global_val(&i32_g)},        // value type
      {global_val(&good_g), global_val(&good_g)},       // kind
      {good_f.extern_val()},                            // count
  };
  for (const auto& imports : bad_import_lists) {
    DirtyArena a(1 << 20);
    picowasm::Instance* inst = nullptr;
    picowasm::Error err = instantiate(c, imports, a.arena, &inst);
    EXPECT_EQ(err.code, ErrorCode::incompatible_import);
    EXPECT_EQ(err.kind(), ErrorKind::unlinkable);
    EXPECT_EQ(inst, nullptr);
    EXPECT_EQ(a.arena.used(), 0u) << "a link error must not consume arena space";
  }
}

TEST(Instantiate, TableAndMemoryLimitsFollowImportSubtyping) {
  // (import "env" "t" (table 2 4 funcref)) (import "env" "m" (memory 1 2))
  Compiled c(
      module({section(kImport, vec({import_entry("t", cat({{kExtTable, kFuncref}, limits(2, 4)})),
                                    import_entry("m", cat({{kExtMemory}, limits(1, 2)}))}))}));
  struct Case {
    uint32_t table_size, table_max;
    bool table_has_max;
    uint32_t mem_pages, mem_max;
    ErrorCode expected;
  };
  const Case cases[] = {
      {2, 4, true, 1, 2, ErrorCode::ok},
      {3, 3, true, 2, 2, ErrorCode::ok},  // bigger minimum, smaller maximum: still a subtype
      {1, 4, true, 1, 2, ErrorCode::incompatible_import},   // table too small
      {2, 5, true, 1, 2, ErrorCode::incompatible_import},   // table maximum too large
      {2, 4, false, 1, 2, ErrorCode::incompatible_import},  // table without maximum
      {2, 4, true, 1, 3, ErrorCode::incompatible_import},   // memory maximum too large
  };
  for (const Case& k : cases) {
    HostTable t(k.table_size, k.table_max, k.table_has_max);
    HostMemory m(k.mem_pages, k.mem_max);
    DirtyArena a(1 << 20);
    picowasm::Instance* inst = nullptr;
    EXPECT_EQ(instantiate(c, {t.extern_val(), m.extern_val()}, a.arena, &inst).code, k.expected)
        << "table " << k.table_size << ".." << k.table_max << ", memory " << k.mem_pages << ".."
        << k.mem_max;
  }
}

// ---- Segments and their traps -------------------------------------------------------------------

// Imports a table (2 elements) and a memory; segment 0 writes table[0], segment 1 is out of
// bounds, and a data segment that would run afterwards writes memory[0].
Bytes trapping_elem_module() {
  return module({
      section(kType, vec({func_type({}, {})})),
      section(kImport, vec({import_entry("t", cat({{kExtTable, kFuncref}, limits(2)})),
                            import_entry("m", cat({{kExtMemory}, limits(1)}))})),
      section(kFunction, vec({leb_u(0)})),
      section(kElem, vec({active_elem(0, {0}), active_elem(1, {0, 0})})),
      section(kCode, vec({body({}, {0x0B})})),
      section(kData, vec({active_data(0, {0x55})})),
  });
}

TEST(Instantiate, WritesBeforeATrappingElementSegmentStayVisible) {
  Compiled c(trapping_elem_module());
  HostTable t(2, 2, true);
  HostMemory m(1, 1);
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  picowasm::Error err = instantiate(c, {t.extern_val(), m.extern_val()}, a.arena, &inst);
  EXPECT_EQ(err.code, ErrorCode::trap_table_oob);
  EXPECT_EQ(err.kind(), ErrorKind::trap);
  EXPECT_EQ(inst, nullptr);
  // Segment 0 ran: table[0] refers to the module's function, which stays callable.
  ASSERT_NE(t.elems[0], 0u);
  const auto* f = reinterpret_cast<const picowasm::FuncInst*>(static_cast<uintptr_t>(t.elems[0]));
  EXPECT_NE(f->instance, nullptr);
  EXPECT_EQ(f->type->num_params, 0u);
  uint64_t no_values[1];
  EXPECT_EQ(picowasm::invoke(*f->instance, const_cast<picowasm::FuncInst*>(f), no_values).code,
            ErrorCode::ok);
  // Segment 1 wrote nothing (bounds are checked before writing), data segments never ran.
  EXPECT_EQ(t.elems[1], 0u);
  EXPECT_EQ(m.data[0], 0u);
}

TEST(Instantiate, OutOfBoundsDataSegmentTrapsAfterEarlierDataWrites) {
  Compiled c(module({
      section(kImport, vec({import_entry("m", cat({{kExtMemory}, limits(1)}))})),
      section(kData,
              vec({active_data(0, {1, 2}), active_data(kPage - 1, {3, 4}), active_data(2, {5})})),
  }));
  HostMemory m(1, 1);
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  EXPECT_EQ(instantiate(c, {m.extern_val()}, a.arena, &inst).code, ErrorCode::trap_memory_oob);
  EXPECT_EQ(m.data[0], 1);
  EXPECT_EQ(m.data[1], 2);
  EXPECT_EQ(m.data[2], 0) << "segments after the trapping one must not run";
  EXPECT_EQ(m.data[kPage - 1], 0) << "the trapping segment must not write partially";
}

TEST(Instantiate, GlobalsSegmentsAndStartRunInOrder) {
  // (global (mut i32) (i32.const 7)) (global funcref (ref.func 0)) (memory 1)
  // (data (i32.const 8) "\2a") (func (global.set 0 (i32.load8_u (i32.const 8)))) (start 0)
  const Bytes start_body = cat({i32_const(8), {0x2D, 0x00, 0x00}, {0x24, 0x00}, {0x0B}});
  Compiled c(module({
      section(kType, vec({func_type({}, {})})),
      section(kFunction, vec({leb_u(0)})),
      section(kMemory, vec({limits(1)})),
      section(kGlobal, vec({cat({{kI32, 0x01}, const_expr(i32_const(7))}),
                            cat({{kFuncref, 0x00}, const_expr({0xD2, 0x00})})})),
      section(kExport, vec({export_entry("g", kExtGlobal, 0), export_entry("r", kExtGlobal, 1),
                            export_entry("f", kExtFunc, 0), export_entry("mem", kExtMemory, 0)})),
      section(kStart, leb_u(0)),
      section(kCode, vec({body({}, start_body)})),
      section(kData, vec({active_data(8, {0x2A})})),
  }));
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  ASSERT_EQ(instantiate(c, {}, a.arena, &inst).code, ErrorCode::ok);
  ExternVal g, r, f, mem;
  ASSERT_TRUE(picowasm::find_export(*inst, "g", 1, &g));
  ASSERT_TRUE(picowasm::find_export(*inst, "r", 1, &r));
  ASSERT_TRUE(picowasm::find_export(*inst, "f", 1, &f));
  ASSERT_TRUE(picowasm::find_export(*inst, "mem", 3, &mem));
  EXPECT_FALSE(picowasm::find_export(*inst, "me", 2, nullptr));
  EXPECT_EQ(g.kind, ExternKind::global);
  EXPECT_EQ(g.global->value, 7u) << "instantiate() leaves the start function to start()";
  uint64_t no_values[1];
  EXPECT_EQ(picowasm::invoke(*inst, f.func, no_values).code, ErrorCode::start_pending);
  ASSERT_EQ(picowasm::invoke_start(*inst).code, ErrorCode::ok);
  EXPECT_EQ(g.global->value, 42u) << "the start function ran after the data segment";
  EXPECT_EQ(picowasm::invoke(*inst, f.func, no_values).code, ErrorCode::ok);
  EXPECT_EQ(r.global->value, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(f.func)));
  EXPECT_EQ(mem.memory, inst->memory);
  EXPECT_EQ(inst->data_dropped[0], 1) << "active segments are dropped after use";
}

TEST(Instantiate, StartFunctionTrapIsATrap) {
  Compiled c(module({
      section(kType, vec({func_type({}, {})})), section(kFunction, vec({leb_u(0)})),
      section(kStart, leb_u(0)), section(kCode, vec({body({}, {0x00, 0x0B})})),  // unreachable
  }));
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  ASSERT_EQ(instantiate(c, {}, a.arena, &inst).code, ErrorCode::ok);
  picowasm::Error err = picowasm::invoke_start(*inst);
  EXPECT_EQ(err.code, ErrorCode::trap_unreachable);
  EXPECT_EQ(err.kind(), ErrorKind::trap);
  EXPECT_EQ(picowasm::invoke_start(*inst).code, ErrorCode::instance_failed);
}

// ---- Reservations (InstanceLimits) -------------------------------------------------------------

Bytes memory_and_table_module(const Bytes& mem_limits, const Bytes& table_limits) {
  return module({section(kTable, vec({cat({{kFuncref}, table_limits})})),
                 section(kMemory, vec({mem_limits}))});
}

TEST(Instantiate, ReservationsFollowInstanceLimits) {
  struct Case {
    Bytes mem_limits;
    uint32_t memory_pages;  // InstanceLimits.memory_pages (table_elems gets the same number)
    uint32_t expected_capacity;
  };
  const Case cases[] = {
      {limits(1), 0, 1},     // no maximum, default: no growth
      {limits(1, 3), 0, 3},  // default: the declared maximum
      {limits(1), 5, 5},     // no maximum: what the embedder asks for
      {limits(1, 3), 5, 3},  // never beyond the declared maximum
      {limits(2, 3), 1, 2},  // never below the declared minimum
  };
  for (const Case& k : cases) {
    Compiled c(memory_and_table_module(k.mem_limits, k.mem_limits));
    DirtyArena a(8 << 20);
    InstanceLimits limits;
    limits.memory_pages = k.memory_pages;
    limits.table_elems = k.memory_pages;
    picowasm::Instance* inst = nullptr;
    ASSERT_EQ(instantiate(c, {}, a.arena, &inst, limits).code, ErrorCode::ok);
    const picowasm::MemoryInst& mem = *inst->memory;
    EXPECT_EQ(mem.capacity_pages, k.expected_capacity);
    EXPECT_EQ(inst->tables[0]->capacity, k.expected_capacity);
    EXPECT_EQ(mem.size, uint64_t{mem.pages} * kPage);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(mem.data) % 64, 0u);
    // The initial pages and table elements are cleared although the arena held garbage.
    for (uint64_t i = 0; i < mem.size; i += 4093) ASSERT_EQ(mem.data[i], 0) << i;
    EXPECT_EQ(mem.data[mem.size - 1], 0);
    for (uint32_t i = 0; i < inst->tables[0]->size; ++i) EXPECT_EQ(inst->tables[0]->elems[i], 0u);
    // The whole reservation lies inside the arena.
    EXPECT_GE(mem.data, a.buffer.data());
    EXPECT_LE(mem.data + size_t{mem.capacity_pages} * kPage, a.buffer.data() + a.buffer.size());
  }
}

TEST(Instantiate, StacksFollowInstanceLimits) {
  Compiled c(module({}));
  DirtyArena a(1 << 20);
  InstanceLimits limits;
  limits.stack_slots = 100;
  limits.call_depth = 7;
  picowasm::Instance* inst = nullptr;
  ASSERT_EQ(instantiate(c, {}, a.arena, &inst, limits).code, ErrorCode::ok);
  EXPECT_EQ(inst->stack_end - inst->stack, 100);
  EXPECT_EQ(inst->max_frames, 7u);
}

TEST(Instantiate, ArenaTooSmallIsOutOfArenaAndRewinds) {
  Compiled c(memory_and_table_module(limits(2), limits(1)));
  // Too small for two pages; a few bytes are used up front so that rewinding is observable.
  DirtyArena a(kPage + 4096);
  ASSERT_NE(a.arena.allocate(16, 8), nullptr);
  const size_t used_before = a.arena.used();
  picowasm::Instance* inst = nullptr;
  picowasm::Error err = instantiate(c, {}, a.arena, &inst);
  EXPECT_EQ(err.code, ErrorCode::out_of_arena);
  EXPECT_EQ(err.kind(), ErrorKind::resource);
  EXPECT_EQ(inst, nullptr);
  EXPECT_EQ(a.arena.used(), used_before);

  // The default stacks alone (PICOWASM_DEFAULT_STACK_BYTES of values) do not fit in less.
  Compiled empty(module({}));
  DirtyArena small(PICOWASM_DEFAULT_STACK_BYTES);
  EXPECT_EQ(instantiate(empty, {}, small.arena, &inst).code, ErrorCode::out_of_arena);
}

// A br_table is emitted as one instruction of 3 + 2 * (labels + 1) code units. When the arena
// cannot hold it, translation must fail with out_of_arena without writing any of its label fields
// past the arena (a hostile module chooses the table size). The bytes after the arena are a guard.
TEST(Compile, BrTableLargerThanTheArenaFailsWithoutWritingPastIt) {
  const uint32_t labels = 6000;  // ~24 KB of code units, far more than the arenas below
  Bytes instrs = {0x02, 0x40, 0x41, 0x00, 0x0E};  // block; i32.const 0; br_table
  Bytes count = leb_u(labels);
  instrs.insert(instrs.end(), count.begin(), count.end());
  instrs.insert(instrs.end(), labels + 1, 0x00);  // every label (and the default) is the block
  instrs.insert(instrs.end(), {0x0B, 0x0B});
  Loaded loaded(module({kVoidType, funcs({0}), code({body({}, instrs)})}));
  ASSERT_TRUE(loaded.err.ok()) << loaded.err.message();

  constexpr size_t kGuard = 64 * 1024;
  constexpr uint8_t kGuardByte = 0x5A;
  for (size_t size = 1024; size <= 22 * 1024; size += 1024) {
    std::vector<uint8_t> buffer(size + kGuard, kGuardByte);
    Arena arena(buffer.data(), size);
    picowasm::CompiledModule* compiled = nullptr;
    picowasm::Error err = picowasm::compile_module(loaded.module, arena, &compiled);
    EXPECT_EQ(err.code, ErrorCode::out_of_arena) << "arena of " << size << " bytes";
    size_t first_changed = kGuard;
    for (size_t i = 0; i < kGuard; ++i) {
      if (buffer[size + i] != kGuardByte) {
        first_changed = i;
        break;
      }
    }
    EXPECT_EQ(first_changed, kGuard)
        << "arena of " << size << " bytes: byte " << first_changed << " after its end was written";
  }

  // With room, the same module translates (the table itself is valid).
  std::vector<uint8_t> roomy(1u << 20);
  Arena arena(roomy.data(), roomy.size());
  picowasm::CompiledModule* compiled = nullptr;
  EXPECT_EQ(picowasm::compile_module(loaded.module, arena, &compiled).code, ErrorCode::ok);
}

// ---- Shared segment operations (table.init / memory.init) --------------------------------------

TEST(Segments, InitChecksBoundsBeforeWritingAndTreatsDroppedAsEmpty) {
  // A passive element segment of 2 functions and a passive data segment of 3 bytes.
  Compiled c(module({
      section(kType, vec({func_type({}, {})})),
      section(kFunction, vec({leb_u(0)})),
      section(kTable, vec({cat({{kFuncref}, limits(4)})})),
      section(kMemory, vec({limits(1)})),
      section(kElem, vec({cat({{0x01, 0x00}, vec({leb_u(0), leb_u(0)})})})),
      section(kDataCount, leb_u(1)),
      section(kCode, vec({body({}, {0x0B})})),
      section(kData, vec({cat({{0x01}, byte_vec({7, 8, 9})})})),
  }));
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  ASSERT_EQ(instantiate(c, {}, a.arena, &inst).code, ErrorCode::ok);
  picowasm::TableInst& table = *inst->tables[0];

  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 3, 0, 2), ErrorCode::trap_table_oob);
  EXPECT_EQ(table.elems[3], 0u) << "nothing is written when the range is out of bounds";
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 0, 1, 2), ErrorCode::trap_table_oob);
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 0xFFFFFFFFu, 0, 2), ErrorCode::trap_table_oob);
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 4, 2, 0), ErrorCode::ok);  // empty at the ends
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 2, 0, 2), ErrorCode::ok);
  EXPECT_EQ(table.elems[2], static_cast<uint64_t>(reinterpret_cast<uintptr_t>(inst->funcs[0])));

  uint8_t* mem = inst->memory->data;
  EXPECT_EQ(picowasm::memory_init(*inst, inst->memory, 0, kPage - 2, 0, 3),
            ErrorCode::trap_memory_oob);
  EXPECT_EQ(mem[kPage - 2], 0);
  EXPECT_EQ(picowasm::memory_init(*inst, inst->memory, 0, 0xFFFFFFFFu, 1, 2),
            ErrorCode::trap_memory_oob);
  EXPECT_EQ(picowasm::memory_init(*inst, inst->memory, 0, 10, 1, 2), ErrorCode::ok);
  EXPECT_EQ(mem[10], 8);
  EXPECT_EQ(mem[11], 9);

  inst->elem_dropped[0] = 1;
  inst->data_dropped[0] = 1;
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 0, 0, 0), ErrorCode::ok);
  EXPECT_EQ(picowasm::table_init(*inst, table, 0, 0, 0, 1), ErrorCode::trap_table_oob);
  EXPECT_EQ(picowasm::memory_init(*inst, inst->memory, 0, 0, 0, 0), ErrorCode::ok);
  EXPECT_EQ(picowasm::memory_init(*inst, inst->memory, 0, 0, 0, 1), ErrorCode::trap_memory_oob);
}

TEST(Segments, ConstExprEvaluatesExtendedConstArithmetic) {
  Compiled c(module({}));
  DirtyArena a(1 << 20);
  picowasm::Instance* inst = nullptr;
  ASSERT_EQ(instantiate(c, {}, a.arena, &inst).code, ErrorCode::ok);
  // Evaluated directly: the validator (2.0) would reject these in a module.
  auto eval = [&](const Bytes& expr) {
    picowasm::ConstExpr e;
    e.data = expr.data();
    e.size = static_cast<uint32_t>(expr.size());
    return picowasm::eval_const_expr(*inst, e);
  };
  // Reader offsets are relative to the module bytes; evaluation never reports them, so any span
  // works. (i32.const 10) (i32.const 3) i32.sub (i32.const -2) i32.mul  ->  -14
  EXPECT_EQ(eval(const_expr(cat({i32_const(10), i32_const(3), {0x6B}, i32_const(-2), {0x6C}}))),
            static_cast<uint32_t>(-14));
  EXPECT_EQ(eval(const_expr(cat({i64_const(-5), i64_const(7), {0x7C}}))), 2u);
  EXPECT_EQ(eval(const_expr(i32_const(-1))), 0xFFFFFFFFu) << "i32 values are zero-extended";
  EXPECT_EQ(eval(const_expr({0xD0, 0x6F})), 0u);
}

}  // namespace
