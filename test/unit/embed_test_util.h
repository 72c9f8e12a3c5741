// Helpers for the embedding-API tests (embed_*_test.cpp and the exec tests that share them):
// modules (test/wat/NAME.wat, converted by wabt's wat2wasm at build time), buffers, and calls.
#ifndef PICOWASM_TEST_EMBED_TEST_UTIL_H
#define PICOWASM_TEST_EMBED_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "api/load.h"
#include "picowasm/picowasm.hpp"
#include "runtime/runtime.h"
#include "wasm_builder.h"

// The folder test/CMakeLists.txt converts test/wat/*.wat into.
#ifndef PICOWASM_TEST_WASM_DIR
#error "PICOWASM_TEST_WASM_DIR must name the folder of the converted test/wat modules"
#endif

namespace embed_test {

using Bytes = std::vector<uint8_t>;

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The binary of test/wat/NAME.wat. A module that was not built fails the test (never skips it).
inline Bytes wasm(const std::string& name) {
  const std::string path = std::string(PICOWASM_TEST_WASM_DIR) + "/" + name + ".wasm";
  Bytes bytes = read_file(path);
  EXPECT_FALSE(bytes.empty()) << path << " is missing: test/wat/" << name << ".wat not converted";
  return bytes;
}

// A heap buffer standing in for a static one; 64-byte aligned plus `misalign` bytes.
struct Buffer {
  explicit Buffer(size_t n, size_t misalign = 0, uint8_t fill = 0xAA)
      : storage(n + 64 + misalign, fill), size(n) {
    uintptr_t p = reinterpret_cast<uintptr_t>(storage.data());
    p = (p + 63) & ~uintptr_t{63};
    data = reinterpret_cast<uint8_t*>(p) + misalign;
  }
  std::vector<uint8_t> storage;
  uint8_t* data;
  size_t size;
};

// A module loaded into its own buffer.
struct Module {
  explicit Module(Bytes b, size_t buffer_size = 1u << 20)
      : bytes(std::move(b)), buffer(buffer_size) {
    picowasm::ModuleConfig config;
    config.arena = buffer.data;
    config.arena_size = buffer.size;
    err = picowasm::load(bytes.data(), bytes.size(), config, &loaded);
    EXPECT_EQ(err.code, picowasm::ErrorCode::ok) << picowasm::error_code_name(err.code);
  }
  Bytes bytes;
  Buffer buffer;
  picowasm::LoadedModule* loaded = nullptr;
  picowasm::Error err;
};

inline picowasm::InstanceConfig config_for(Buffer& buffer) {
  picowasm::InstanceConfig config;
  config.arena = buffer.data;
  config.arena_size = buffer.size;
  config.limits.stack_bytes = 8 * 1024;
  config.limits.call_depth = 64;
  return config;
}

// An i32 result: the low 32 bits of its slot (the upper ones are unspecified).
inline uint32_t i32(uint64_t slot) {
  return static_cast<uint32_t>(slot);
}

// Calls export `name` to completion (unlimited fuel; host yields are resumed).
inline picowasm::CallResult run(picowasm::Instance& inst, const char* name,
                                std::vector<uint64_t>& slots) {
  picowasm::FuncInst* f = picowasm::find_function(inst, name);
  EXPECT_NE(f, nullptr) << name;
  if (!f) return picowasm::CallResult{};
  if (slots.size() < 8) slots.resize(8);
  picowasm::CallResult r = picowasm::call(inst, f, slots.data(), picowasm::kUnlimitedFuel);
  while (r.status == picowasm::CallStatus::paused) {
    r = picowasm::resume(inst, slots.data(), picowasm::kUnlimitedFuel);
  }
  return r;
}

// Calls `name`, expects a memory trap and returns the innermost frame's wasm module offset.
inline uint32_t trap_offset(picowasm::Instance& inst, const char* name,
                            std::vector<uint64_t> slots) {
  picowasm::CallResult r = run(inst, name, slots);
  EXPECT_EQ(r.status, picowasm::CallStatus::trap) << name;
  picowasm::TrapReport report = picowasm::trap_report(inst);
  EXPECT_EQ(report.code, picowasm::ErrorCode::trap_memory_oob) << name;
  EXPECT_GE(report.num_frames, 1u) << name;
  return report.num_frames ? report.frames[0].module_offset : 0;
}

// Calls `name`, expects it to return and gives its first result slot.
inline uint64_t call_ok(picowasm::Instance& inst, const char* name, std::vector<uint64_t> slots) {
  picowasm::CallResult r = run(inst, name, slots);
  EXPECT_EQ(r.status, picowasm::CallStatus::ok) << name;
  return slots[0];
}

}  // namespace embed_test

#endif  // PICOWASM_TEST_EMBED_TEST_UTIL_H
