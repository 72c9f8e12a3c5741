// Runs the C++ blocks of docs/run-record.md (extracted into run_record_snippets.cpp by the build)
// on down.wasm (argv[1]): record_one_call(down, 9) must print what the page says it records.
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "run_record_snippets.cpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  alignas(16) static uint8_t module_arena[64 * 1024];
  alignas(16) static uint8_t instance_arena[64 * 1024];
  ModuleConfig mc;
  mc.arena = module_arena;
  mc.arena_size = sizeof module_arena;
  LoadedModule* m = nullptr;
  if (bytes.empty() || !load(bytes.data(), bytes.size(), mc, &m).ok()) return 2;
  InstanceConfig ic;
  ic.arena = instance_arena;
  ic.arena_size = sizeof instance_arena;
  Instance* inst = nullptr;
  if (!instantiate(*m, ic, &inst).ok() || start(*inst, kUnlimitedFuel).status != CallStatus::ok)
    return 2;
  return record_one_call(*inst, find_function(*inst, "down"), 9);
}
