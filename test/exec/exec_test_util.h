// Helpers shared by the plain-executable engine tests (no GoogleTest: they run the benchmark
// programs, or lock the heap): a check that counts failures, reading a module file, and a module
// loaded through the public API into a buffer of its own. Users: test/exec/pretranslated_test.cpp,
// snapshot_equivalence.cpp, fuel_resume_equivalence.cpp, test/run_record/snapshot_errors.cpp.
#ifndef PICOWASM_TEST_EXEC_TEST_UTIL_H
#define PICOWASM_TEST_EXEC_TEST_UTIL_H

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"

namespace exec_test {

// Failed checks so far; a test's main returns nonzero when there are any.
inline int failures = 0;

// Counts and prints a failed check: "FAIL <program>: <what>", or "FAIL <what>" without a program.
inline void check(bool ok, const char* what, const char* program = nullptr) {
  if (ok) return;
  if (program) {
    std::printf("FAIL %s: %s\n", program, what);
  } else {
    std::printf("FAIL %s\n", what);
  }
  ++failures;
}

// The bytes of the file at `path`; empty if it cannot be read (no module file is empty).
inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The one argument of a test run over the benchmark modules: the folder holding them.
// Prints the usage and returns nullptr when it is not given.
inline const char* wasm_dir_argument(int argc, char** argv) {
  if (argc == 2) return argv[1];
  std::fprintf(stderr, "usage: %s WASM_DIR\n", argv[0]);
  return nullptr;
}

// A module file loaded (picowasm::load) into a module buffer of its own.
struct ModuleFile {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> arena = std::vector<uint8_t>(1 << 20);
  picowasm::LoadedModule* loaded = nullptr;

  // False if the file cannot be read or the module does not load.
  bool load(const std::string& path) {
    bytes = read_file(path);
    if (bytes.empty()) return false;
    picowasm::ModuleConfig mc;
    mc.arena = arena.data();
    mc.arena_size = arena.size();
    return picowasm::load(bytes.data(), bytes.size(), mc, &loaded).ok();
  }
};

}  // namespace exec_test

#endif  // PICOWASM_TEST_EXEC_TEST_UTIL_H
