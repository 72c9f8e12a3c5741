// Configuration checks (check_config), load() with module-side limits, and linking by name:
// unknown and incompatible imports name the offending import, externs link instances together,
// instance-side limits become specific errors or traps.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "embed_test_util.h"
#include "picowasm/picowasm.hpp"

namespace {

using embed_test::Buffer;
using embed_test::config_for;
using embed_test::wasm;
using picowasm::CallStatus;
using picowasm::ErrorCode;
using picowasm::ErrorKind;
using picowasm::host_function;
using picowasm::HostContext;
using picowasm::HostFunction;
using picowasm::InstanceConfig;
using picowasm::ModuleConfig;

void gpio_write(HostContext&, int32_t, int32_t) {}
void delay_ms(HostContext&, int32_t) {}
int32_t wrong_gpio(HostContext&, int32_t, int32_t) {
  return 0;
}

constexpr HostFunction kBoard[] = {
    host_function<&gpio_write>("env", "gpio_write"),
    host_function<&delay_ms>("env", "delay_ms"),
};

const char* const kBlink = "config-blink";

std::string import_name(const picowasm::LoadedModule& m, const picowasm::Error& e) {
  const picowasm::Import* imp = picowasm::import_at(m, e.function);
  if (!imp) return "?";
  return std::string(imp->module.data, imp->module.size) + "." +
         std::string(imp->field.data, imp->field.size);
}

TEST(EmbedConfig, CheckConfigRejectsEachBadField) {
  uint8_t buf[64];
  {
    InstanceConfig c;  // all zero: valid (instance_size may be asked without a buffer)
    EXPECT_TRUE(picowasm::check_config(c).ok());
    c.arena_size = 100;
    EXPECT_EQ(picowasm::check_config(c).code, ErrorCode::config_null_arena);
    c.arena = reinterpret_cast<void*>(UINTPTR_MAX - 10);
    EXPECT_EQ(picowasm::check_config(c).code, ErrorCode::config_bad_arena);
  }
  {
    InstanceConfig c;
    c.arena = buf;
    c.arena_size = sizeof buf;
    c.num_host_functions = 2;
    EXPECT_EQ(picowasm::check_config(c).code, ErrorCode::config_null_table);
    c.num_host_functions = 0;
    c.num_externs = 1;
    EXPECT_EQ(picowasm::check_config(c).code, ErrorCode::config_null_table);
  }
  {
    HostFunction table[3] = {kBoard[0], kBoard[1], kBoard[1]};
    table[2].name = nullptr;
    InstanceConfig c;
    c.host_functions = table;
    c.num_host_functions = 3;
    picowasm::Error e = picowasm::check_config(c);
    EXPECT_EQ(e.code, ErrorCode::config_null_name);
    EXPECT_EQ(e.function, 2u);
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    table[2] = kBoard[1];
    table[1].thunk = nullptr;
    e = picowasm::check_config(c);
    EXPECT_EQ(e.code, ErrorCode::config_null_function);
    EXPECT_EQ(e.function, 1u);
    table[1] = kBoard[1];
    table[1].type.params = nullptr;  // one parameter declared, no array
    EXPECT_EQ(picowasm::check_config(c).code, ErrorCode::config_null_function);
  }
  {
    picowasm::NamedExtern externs[2];
    externs[0].module = "a";
    externs[0].name = "b";
    InstanceConfig c;
    c.host_functions = kBoard;
    c.num_host_functions = 2;
    c.externs = externs;
    c.num_externs = 2;
    picowasm::Error e = picowasm::check_config(c);
    EXPECT_EQ(e.code, ErrorCode::config_bad_extern);  // extern 0 has no object
    EXPECT_EQ(e.function, 2u);                        // host functions first, then externs
    picowasm::GlobalInst g;
    externs[0].value.kind = picowasm::ExternKind::global;
    externs[0].value.global = &g;
    e = picowasm::check_config(c);
    EXPECT_EQ(e.code, ErrorCode::config_null_name);
    EXPECT_EQ(e.function, 3u);
  }
  // Limits above what config.h allows.
  struct LimitCase {
    void (*set)(picowasm::ResourceLimits&);
  };
  const LimitCase limit_cases[] = {
      {[](picowasm::ResourceLimits& l) { l.memory_pages = PICOWASM_MAX_MEMORY_PAGES + 1; }},
      {[](picowasm::ResourceLimits& l) { l.stack_bytes = 4; }},
      {[](picowasm::ResourceLimits& l) { l.stack_bytes = PICOWASM_MAX_STACK_BYTES + 8; }},
      {[](picowasm::ResourceLimits& l) { l.call_depth = PICOWASM_MAX_CALL_DEPTH + 1; }},
      {[](picowasm::ResourceLimits& l) { l.trace_frames = PICOWASM_MAX_TRACE_FRAMES + 1; }},
      {[](picowasm::ResourceLimits& l) { l.host_call_depth = PICOWASM_MAX_CALL_DEPTH + 1; }},
      {[](picowasm::ResourceLimits& l) { l.functions = PICOWASM_MAX_FUNCTIONS + 1; }},
      {[](picowasm::ResourceLimits& l) { l.locals = PICOWASM_MAX_LOCALS + 1; }},
      {[](picowasm::ResourceLimits& l) { l.elem_segments = PICOWASM_MAX_ELEM_SEGMENTS + 1; }},
      {[](picowasm::ResourceLimits& l) { l.data_segments = PICOWASM_MAX_DATA_SEGMENTS + 1; }},
  };
  for (const LimitCase& k : limit_cases) {
    InstanceConfig ic;
    k.set(ic.limits);
    EXPECT_EQ(picowasm::check_config(ic).code, ErrorCode::config_bad_limit);
    ModuleConfig mc;
    k.set(mc.limits);
    EXPECT_EQ(picowasm::check_config(mc).code, ErrorCode::config_bad_limit);
  }
  ModuleConfig mc;
  mc.arena_size = 1;
  EXPECT_EQ(picowasm::check_config(mc).code, ErrorCode::config_null_arena);
}

TEST(EmbedConfig, BadConfigIsReportedBeforeAnythingIsWritten) {
  embed_test::Module m(wasm(kBlink));
  Buffer buf(64 * 1024, 0, 0x5A);
  InstanceConfig c = config_for(buf);
  c.host_functions = kBoard;
  c.num_host_functions = 2;
  c.limits.call_depth = PICOWASM_MAX_CALL_DEPTH + 1;
  picowasm::Instance* inst = reinterpret_cast<picowasm::Instance*>(&c);
  EXPECT_EQ(picowasm::instantiate(*m.loaded, c, &inst).code, ErrorCode::config_bad_limit);
  EXPECT_EQ(inst, nullptr);
  for (size_t i = 0; i < buf.size; ++i) ASSERT_EQ(buf.data[i], 0x5A);

  const std::vector<uint8_t> bytes = wasm(kBlink);
  ModuleConfig mc;
  mc.arena_size = 10;
  picowasm::LoadedModule* loaded = nullptr;
  EXPECT_EQ(picowasm::load(bytes.data(), bytes.size(), mc, &loaded).code,
            ErrorCode::config_null_arena);
}

TEST(EmbedConfig, MissingImportNamesModuleAndField) {
  embed_test::Module m(wasm(kBlink));
  Buffer buf(64 * 1024);
  InstanceConfig c = config_for(buf);
  c.host_functions = kBoard + 1;  // delay_ms only
  c.num_host_functions = 1;
  picowasm::Instance* inst = nullptr;
  picowasm::Error e = picowasm::instantiate(*m.loaded, c, &inst);
  EXPECT_EQ(e.code, ErrorCode::unknown_import);
  EXPECT_EQ(e.kind(), ErrorKind::unlinkable);
  EXPECT_EQ(e.function, 0u);
  EXPECT_EQ(import_name(*m.loaded, e), "env.gpio_write");
  EXPECT_EQ(inst, nullptr);

  c.host_functions = kBoard;  // gpio_write only
  e = picowasm::instantiate(*m.loaded, c, &inst);
  EXPECT_EQ(e.code, ErrorCode::unknown_import);
  EXPECT_EQ(import_name(*m.loaded, e), "env.delay_ms");

  // A same-named function in another module does not count.
  constexpr HostFunction other[] = {host_function<&gpio_write>("gpio", "gpio_write"),
                                    host_function<&delay_ms>("env", "delay_ms")};
  c.host_functions = other;
  c.num_host_functions = 2;
  size_t need = 0;
  e = picowasm::instance_size(*m.loaded, c, &need);
  EXPECT_EQ(e.code, ErrorCode::unknown_import);  // admission reports the same error
  EXPECT_EQ(import_name(*m.loaded, e), "env.gpio_write");
}

TEST(EmbedConfig, WrongSignatureOrKindIsIncompatible) {
  embed_test::Module m(wasm(kBlink));
  Buffer buf(64 * 1024);
  InstanceConfig c = config_for(buf);
  constexpr HostFunction wrong[] = {host_function<&delay_ms>("env", "delay_ms"),
                                    host_function<&wrong_gpio>("env", "gpio_write")};
  c.host_functions = wrong;
  c.num_host_functions = 2;
  picowasm::Instance* inst = nullptr;
  picowasm::Error e = picowasm::instantiate(*m.loaded, c, &inst);
  EXPECT_EQ(e.code, ErrorCode::incompatible_import);
  EXPECT_EQ(import_name(*m.loaded, e), "env.gpio_write");

  // A host function offered for a global import.
  embed_test::Module g(wasm("config-global-import"));
  c.host_functions = kBoard;
  e = picowasm::instantiate(*g.loaded, c, &inst);
  EXPECT_EQ(e.code, ErrorCode::incompatible_import);
  EXPECT_EQ(e.function, 0u);
}

TEST(EmbedConfig, ExternsLinkInstancesByName) {
  // A provides a function, a memory and a mutable global; B imports all three by name.
  embed_test::Module a(wasm("config-link-a"));
  embed_test::Module b(wasm("config-link-b"));
  Buffer buf_a(256 * 1024), buf_b(64 * 1024);
  picowasm::Instance *ia = nullptr, *ib = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*a.loaded, config_for(buf_a), &ia).ok());

  picowasm::NamedExtern externs[3];
  const char* names[3] = {"inc", "mem", "counter"};
  for (int i = 0; i < 3; ++i) {
    externs[i].module = "a";
    externs[i].name = names[i];
    ASSERT_TRUE(picowasm::find_export(*ia, names[i], std::strlen(names[i]), &externs[i].value));
  }
  InstanceConfig cb = config_for(buf_b);
  cb.externs = externs;
  cb.num_externs = 3;
  ASSERT_TRUE(picowasm::instantiate(*b.loaded, cb, &ib).ok());
  std::vector<uint64_t> s;
  ASSERT_EQ(embed_test::run(*ib, "go", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]),
            12u);  // 6 stored into A's memory and read back, plus the global (6)
  EXPECT_EQ(ia->memory->data[100], 6);

  // A global offered for the function import: incompatible, named.
  std::swap(externs[0].value, externs[2].value);
  picowasm::Error e = picowasm::instantiate(*b.loaded, cb, &ib);
  EXPECT_EQ(e.code, ErrorCode::incompatible_import);
  EXPECT_EQ(import_name(*b.loaded, e), "a.inc");
}

TEST(EmbedConfig, ModuleLimitsAreCheckedByLoad) {
  const std::vector<uint8_t> bytes = wasm("config-module-limits");
  Buffer buf(256 * 1024);
  struct Case {
    void (*set)(picowasm::ResourceLimits&);
    ErrorCode expected;
  };
  const Case cases[] = {
      {[](picowasm::ResourceLimits&) {}, ErrorCode::ok},
      {[](picowasm::ResourceLimits& l) { l.module_bytes = 10; }, ErrorCode::limit_module_size},
      {[](picowasm::ResourceLimits& l) { l.functions = 1; }, ErrorCode::limit_functions},
      {[](picowasm::ResourceLimits& l) { l.functions = 2; }, ErrorCode::ok},
      {[](picowasm::ResourceLimits& l) { l.locals = 2; }, ErrorCode::limit_locals},
      {[](picowasm::ResourceLimits& l) { l.locals = 3; }, ErrorCode::ok},
      {[](picowasm::ResourceLimits& l) { l.data_segments = 1; }, ErrorCode::limit_segments},
      {[](picowasm::ResourceLimits& l) { l.elem_segments = 1; }, ErrorCode::ok},
  };
  for (const Case& k : cases) {
    ModuleConfig mc;
    mc.arena = buf.data;
    mc.arena_size = buf.size;
    k.set(mc.limits);
    picowasm::LoadedModule* loaded = nullptr;
    picowasm::Error e = picowasm::load(bytes.data(), bytes.size(), mc, &loaded);
    EXPECT_EQ(e.code, k.expected) << picowasm::error_code_name(e.code);
    EXPECT_EQ(loaded != nullptr, k.expected == ErrorCode::ok);
    if (e.code == ErrorCode::limit_locals) {
      EXPECT_EQ(e.function, 0u);
    }
  }
  // A malformed module keeps its spec error kind.
  std::vector<uint8_t> bad = bytes;
  bad[0] = 1;
  ModuleConfig mc;
  mc.arena = buf.data;
  mc.arena_size = buf.size;
  picowasm::LoadedModule* loaded = nullptr;
  EXPECT_EQ(picowasm::load(bad.data(), bad.size(), mc, &loaded).kind(), ErrorKind::malformed);
}

TEST(EmbedConfig, InstanceLimitsBecomeErrorsOrTraps) {
  embed_test::Module m(wasm("config-down-table"));
  Buffer buf(256 * 1024);
  picowasm::Instance* inst = nullptr;

  InstanceConfig c = config_for(buf);
  c.limits.table_elems = 3;
  EXPECT_EQ(picowasm::instantiate(*m.loaded, c, &inst).code, ErrorCode::limit_table_elems);
  c.limits.table_elems = 4;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());

  c.limits.call_depth = 10;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  std::vector<uint64_t> s = {8};
  ASSERT_EQ(embed_test::run(*inst, "down", s).status, CallStatus::ok);
  EXPECT_EQ(embed_test::i32(s[0]), 8u);
  s = {20};
  picowasm::CallResult r = embed_test::run(*inst, "down", s);
  EXPECT_EQ(r.error.code, ErrorCode::call_stack_exhausted);
  EXPECT_EQ(r.error.kind(), ErrorKind::exhaustion);

  // A value stack of 8 bytes holds the argument but no frame.
  c.limits.call_depth = 0;
  c.limits.stack_bytes = 8;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  EXPECT_EQ(inst->stack_end - inst->stack, 1);
  s = {3};
  EXPECT_EQ(embed_test::run(*inst, "down", s).error.code, ErrorCode::call_stack_exhausted);
}

TEST(EmbedConfig, TrapBacktraceKeepsConfiguredFrames) {
  embed_test::Module m(wasm("config-down-trap"));
  Buffer buf(256 * 1024);
  InstanceConfig c = config_for(buf);
  c.limits.trace_frames = 3;
  picowasm::Instance* inst = nullptr;
  ASSERT_TRUE(picowasm::instantiate(*m.loaded, c, &inst).ok());
  std::vector<uint64_t> s = {6};
  ASSERT_EQ(embed_test::run(*inst, "down", s).error.code, ErrorCode::trap_unreachable);
  picowasm::TrapReport report = picowasm::trap_report(*inst);
  EXPECT_EQ(report.num_frames, 3u);
  EXPECT_EQ(report.total_frames, 7u);
}

// A proposal compiled in can be refused per module (strict 2.0 for this buffer).
TEST(EmbedConfig, DisabledFeaturesAreRefused) {
  // Built by hand: wat2wasm 1.0.32 needs a flag for extended-const.
  const embed_test::Bytes bytes = wb::module({wb::section(
      wb::kGlobal,
      wb::vec({wb::cat({{wb::kI32, 0x00}, wb::i32_const(40), wb::i32_const(2), {0x6A, 0x0B}})}))});
  Buffer buf(64 * 1024);
  picowasm::ModuleConfig c;
  c.arena = buf.data;
  c.arena_size = buf.size;
  picowasm::LoadedModule* m = nullptr;
  ASSERT_EQ(picowasm::load(bytes.data(), bytes.size(), c, &m).code, ErrorCode::ok);
  c.disabled_features = picowasm::kFeatureExtendedConst;
  EXPECT_EQ(picowasm::load(bytes.data(), bytes.size(), c, &m).code,
            ErrorCode::constant_expr_required);
}

}  // namespace
