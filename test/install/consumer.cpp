// A firmware-style consumer of the installed picowasm package: loads a module from a byte array,
// calls its export, and names a board-API class (so both installed libraries must link).
#include <cstdint>
#include <cstdio>

#include "picowasm/board.hpp"
#include "picowasm/picowasm.hpp"

using namespace picowasm;

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)),
// assembled by hand from the binary format (no wabt at consumer build time).
constexpr uint8_t kAdd[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
                            0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,  // type
                            0x03, 0x02, 0x01, 0x00,                               // function
                            0x07, 0x07, 0x01, 0x03, 'a',  'd',  'd',  0x00, 0x00,  // export
                            0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

alignas(16) static uint8_t module_buffer[8 * 1024];
alignas(16) static uint8_t instance_buffer[32 * 1024];

int main() {
  ModuleConfig mc;
  mc.arena = module_buffer;
  mc.arena_size = sizeof module_buffer;
  LoadedModule* module = nullptr;
  Error err = load(kAdd, sizeof kAdd, mc, &module);
  if (!err.ok()) {
    std::printf("load: %s\n", err.message());
    return 1;
  }
  InstanceConfig ic;
  ic.arena = instance_buffer;
  ic.arena_size = sizeof instance_buffer;
  Instance* instance = nullptr;
  err = instantiate(*module, ic, &instance);
  if (!err.ok() || !start(*instance, kUnlimitedFuel).error.ok()) {
    std::printf("instantiate: %s\n", err.message());
    return 1;
  }
  uint64_t slots[2] = {40, 2};
  const CallResult r = call(*instance, find_function(*instance, "add"), slots, kUnlimitedFuel);
  if (r.status != CallStatus::ok) return 1;
  std::printf("add(40, 2) = %u via %s\n", static_cast<unsigned>(slots[0]),
              board::class_module(board::Class::gpio));
  unload(*instance);
  return 0;
}
