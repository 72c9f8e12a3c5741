// Replays the regression corpus (test/regression/*.wasm): each input once broke the loader; it must
// now load or fail cleanly.
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
  for (const auto& entry : fs::directory_iterator(PICOWASM_REGRESSION_DIR, ec)) {
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

TEST(Regression, CorpusLoadsOrFailsCleanly) {
  std::vector<fs::path> files = regression_files();
  if (files.empty()) GTEST_SKIP() << "no *.wasm files in " << PICOWASM_REGRESSION_DIR;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    expect_clean_load(bytes, 4u << 20);  // roomy
    expect_clean_load(bytes, 2048);      // tight: drives the out_of_arena paths
  }
}

}  // namespace
