// docs.supervisor: the C++ blocks of docs/supervisor.md (extracted into supervisor_snippets.cpp)
// run on the virtual board with two guests: a sensor that logs three times 10 ms apart (priority
// 1) and a stuck spin loop under a watchdog budget, restarted twice.
//   picowasm-docs-supervisor SLEEPER.wasm SPIN.wasm
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "picowasm/virtual_board.hpp"
#include "supervisor_snippets.cpp"

namespace {

picowasm::vboard::VirtualBoard* g_board = nullptr;

// The host's stand-in for the firmware's low-power wait: the virtual clock jumps.
void sleep_until(uint64_t wake_us) {
  const uint64_t t = std::min(wake_us, g_board->next_event_us());
  if (t == sup::kNever) std::exit(1);  // nothing could ever wake an app
  g_board->advance_to(t);
}

struct GuestFile {
  std::vector<uint8_t> bytes, arena = std::vector<uint8_t>(256 * 1024);
  LoadedModule* loaded = nullptr;
};

bool load_file(const char* path, GuestFile* m) {
  std::ifstream in(path, std::ios::binary);
  m->bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  ModuleConfig cfg;
  cfg.arena = m->arena.data();
  cfg.arena_size = m->arena.size();
  return !m->bytes.empty() && load(m->bytes.data(), m->bytes.size(), cfg, &m->loaded).ok();
}

}  // namespace

int main(int argc, char** argv) {
  GuestFile sensor, stuck;
  if (argc != 3 || !load_file(argv[1], &sensor) || !load_file(argv[2], &stuck)) return 2;
  picowasm::vboard::VirtualBoard vb;
  g_board = &vb;
  if (!start_apps(vb.board(), *sensor.loaded, *stuck.loaded)) return 1;
  firmware_loop(sleep_until);
  return 0;
}
