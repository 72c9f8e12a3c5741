// picowasm-app-ram APP.wasm STACK_BYTES CALL_DEPTH [MAX_BYTES]: the RAM an app needs on a board
// beside the loaded module: its instance as instance_size() reports it with these limits and the
// HAL ABI linked (linear memory, value stack, call frames, trap frames, globals, tables and
// bookkeeping, alignment included). Prints
//   linear_memory=N instance=M
// and exits 1 if M exceeds MAX_BYTES (docs/guest.md: the thermostat with 1-byte pages).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "picowasm/board.hpp"
#include "picowasm/picowasm.hpp"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s APP.wasm STACK_BYTES CALL_DEPTH [MAX_BYTES]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  if (bytes.empty()) {
    std::fprintf(stderr, "error: cannot read %s\n", argv[1]);
    return 1;
  }
  std::vector<uint64_t> module_buffer(64 * 1024);  // 512 KiB, 8-byte aligned
  picowasm::ModuleConfig mc;
  mc.arena = module_buffer.data();
  mc.arena_size = module_buffer.size() * sizeof(uint64_t);
  picowasm::LoadedModule* module = nullptr;
  picowasm::Error err = picowasm::load(bytes.data(), bytes.size(), mc, &module);
  if (!err.ok()) {
    std::fprintf(stderr, "error: load: %s\n", err.message());
    return 1;
  }
  picowasm::InstanceConfig ic;
  ic.host_functions = picowasm::board::kHalFunctions;
  ic.num_host_functions = picowasm::board::kNumHalFunctions;
  ic.limits.stack_bytes = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 0));
  ic.limits.call_depth = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 0));
  size_t instance = 0;
  err = picowasm::instance_size(*module, ic, &instance);
  if (!err.ok()) {
    std::fprintf(stderr, "error: instance_size: %s\n", err.message());
    return 1;
  }
  const picowasm::Module& m = module->module;
  uint64_t linear = 0;
  for (uint32_t i = 0; i < m.num_memories; ++i) {
    linear += uint64_t{m.memories[i].limits.min} << m.memories[i].page_size_log2;
  }
  std::printf("linear_memory=%llu instance=%zu\n", static_cast<unsigned long long>(linear),
              instance);
  if (argc == 5 && instance > std::strtoull(argv[4], nullptr, 0)) {
    std::fprintf(stderr, "error: the instance needs more than %s bytes\n", argv[4]);
    return 1;
  }
  return 0;
}
