// Runs the C++ code blocks of docs/embedding.md, which the build extracts into
// embedding_snippets.cpp, on the module given as argv[1] (blink.wasm): the guide's code must
// compile and do what the guide says.
#include <fstream>
#include <iterator>
#include <vector>

#include "embedding_snippets.cpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (bytes.empty()) return 2;
  if (firmware_main(bytes.data(), bytes.size()) != 0) return 1;
  return xip_firmware_main(bytes.data(), bytes.size());
}
