// Replays the regression corpus (test/regression/**/*.wasm: inputs that once broke something, and
// the fuzzers' minimised corpora in its subfolders): each must load or fail cleanly, and whatever
// loads must instantiate, start and run every export under fuel with only documented outcomes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "picowasm/picowasm.hpp"
#include "wasm_builder.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> regression_files() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(PICOWASM_REGRESSION_DIR, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".wasm") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void expect_clean_load(const std::vector<uint8_t>& bytes, size_t arena_size) {
  std::vector<uint8_t> buffer(arena_size);
  picowasm::Arena arena(buffer.data(), buffer.size());
  picowasm::Module module;
  picowasm::Error err = picowasm::load_module(bytes.data(), bytes.size(), arena, &module);
  if (err.ok()) {
    EXPECT_EQ(err.kind(), picowasm::ErrorKind::none);
    EXPECT_EQ(module.bytes.data, bytes.data());
  } else {
    EXPECT_NE(err.kind(), picowasm::ErrorKind::none) << err.message();
    EXPECT_NE(err.kind(), picowasm::ErrorKind::usage) << err.message();
    EXPECT_EQ(arena.used(), 0u) << "a failed load must rewind the arena";
    EXPECT_EQ(module.num_functions, 0u);
    EXPECT_LE(err.offset, bytes.size());
  }
}

// Instantiates (no imports), starts and calls every exported function with zero arguments, each
// under a fuel budget: outcomes must be ok, a pause, or a trap/exhaustion with a sane report.
void expect_clean_run(const std::vector<uint8_t>& bytes) {
  static std::vector<uint8_t> module_buffer(4u << 20), instance_buffer(4u << 20);
  picowasm::ModuleConfig mc;
  mc.arena = module_buffer.data();
  mc.arena_size = module_buffer.size();
  picowasm::LoadedModule* module = nullptr;
  if (!picowasm::load(bytes.data(), bytes.size(), mc, &module).ok()) return;
  picowasm::InstanceConfig ic;
  ic.arena = instance_buffer.data();
  ic.arena_size = instance_buffer.size();
  ic.limits.memory_pages = 4;
  ic.limits.table_elems = 100000;
  ic.limits.stack_bytes = 32 * 1024;
  ic.limits.call_depth = 64;
  size_t need = 0;
  if (!picowasm::instance_size(*module, ic, &need).ok() || need > ic.arena_size) return;
  picowasm::Instance* inst = nullptr;
  const picowasm::Error err = picowasm::instantiate(*module, ic, &inst);
  if (!err.ok()) {
    EXPECT_EQ(err.kind(), picowasm::ErrorKind::trap) << err.message();
    return;
  }
  auto check = [&](const picowasm::CallResult& r) {
    if (r.status == picowasm::CallStatus::paused) {
      EXPECT_EQ(r.pause, picowasm::PauseReason::out_of_fuel);
      picowasm::abandon(*inst);
    } else if (r.status == picowasm::CallStatus::trap) {
      const picowasm::ErrorKind k = r.error.kind();
      EXPECT_TRUE(k == picowasm::ErrorKind::trap || k == picowasm::ErrorKind::exhaustion)
          << r.error.message();
      const picowasm::TrapReport report = picowasm::trap_report(*inst);
      EXPECT_LE(report.num_frames, report.total_frames);
    }
  };
  check(picowasm::start(*inst, 100000));
  const picowasm::Module& m = module->module;
  for (uint32_t e = 0; e < m.num_exports && inst->start_state == picowasm::StartState::ready; ++e) {
    if (m.exports[e].kind != picowasm::ExternKind::func) continue;
    picowasm::FuncInst* f = inst->funcs[m.exports[e].index];
    if (f->type->num_params > 64 || f->type->num_results > 64) continue;
    uint64_t slots[64] = {};
    check(picowasm::call(*inst, f, slots, 100000));
  }
  picowasm::unload(*inst);
}

TEST(Regression, CorpusLoadsOrFailsCleanly) {
  std::vector<fs::path> files = regression_files();
  // The corpus is committed with the sources: an empty one means a broken checkout, not a skip.
  ASSERT_FALSE(files.empty()) << "no *.wasm files in " << PICOWASM_REGRESSION_DIR;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    expect_clean_load(bytes, 4u << 20);  // roomy
    expect_clean_load(bytes, 2048);      // tight: drives the out_of_arena paths
    expect_clean_run(bytes);
  }
  std::printf("regression corpus: %zu files\n", files.size());
}

}  // namespace
