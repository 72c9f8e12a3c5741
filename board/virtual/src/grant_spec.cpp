// Grant specs for the virtual board (docs/hal-abi.md "Grants"): the package library's parser
// (package/host) reads the built-in classes; this adds what only a board knows: `all`, its own
// class (`board:relay`, `rate:relay:...`) and that every resource named exists on it.
#include <stdexcept>
#include <string>
#include <vector>

#include "package_host.hpp"
#include "picowasm/virtual_board.hpp"

namespace picowasm {
namespace vboard {
namespace {

using board::Class;

struct ClassName {
  const char* name;
  Class cls;
};
const ClassName kClassNames[] = {
    {"gpio", Class::gpio}, {"i2c", Class::i2c}, {"spi", Class::spi},
    {"uart", Class::uart}, {"pwm", Class::pwm}, {"adc", Class::adc},
    {"time", Class::time}, {"log", Class::log}, {"relay", board::board_class(kRelayClass)},
};

std::string quoted(const std::string& spec) {
  return "grant '" + spec + "': ";
}

std::string not_on_board(const char* what, uint32_t n, uint32_t count) {
  return std::string(what) + " " + std::to_string(n) + " is not on the virtual board (it has " +
         std::to_string(count) + ": 0-" + std::to_string(count - 1) + ")";
}

// The first resource in `g` the virtual board does not have, in words; "" if there is none.
std::string missing_resource(const package::host::GrantSet& g) {
  for (const board::GpioGrant& e : g.gpio) {
    if (e.last >= kPins) return not_on_board("pin", e.last, kPins);
  }
  for (const board::I2cGrant& e : g.i2c) {
    if (e.bus >= kI2cBuses) return not_on_board("I2C bus", e.bus, kI2cBuses);
  }
  for (const board::SpiGrant& e : g.spi) {
    if (e.bus >= kSpiBuses) return not_on_board("SPI bus", e.bus, kSpiBuses);
    for (uint32_t cs = kSpiChipSelects; cs < 32; ++cs) {
      if ((e.cs_mask >> cs) & 1) return not_on_board("SPI chip select", cs, kSpiChipSelects);
    }
  }
  for (const board::UartGrant& e : g.uart) {
    if (e.port >= kUartPorts) return not_on_board("UART port", e.port, kUartPorts);
  }
  for (uint32_t ch = 0; ch < 32; ++ch) {
    if (ch >= kPwmChannels && ((g.pwm >> ch) & 1))
      return not_on_board("PWM channel", ch, kPwmChannels);
    if (ch >= kAdcChannels && ((g.adc >> ch) & 1))
      return not_on_board("ADC channel", ch, kAdcChannels);
  }
  return "";
}

}  // namespace

struct GrantSet::Specs {
  package::host::GrantSet set;
};

GrantSet::GrantSet() : specs_(new Specs) {}
GrantSet::~GrantSet() = default;

bool class_by_name(const std::string& name, board::Class* out) {
  for (const ClassName& c : kClassNames) {
    if (name == c.name) {
      *out = c.cls;
      return true;
    }
  }
  return false;
}

const char* class_name(board::Class c) {
  for (const ClassName& n : kClassNames) {
    if (n.cls == c) return n.name;
  }
  return c == Class::hal ? "hal" : "?";
}

bool GrantSet::add(const std::string& spec, std::string* error) {
  package::host::GrantSet& set = specs_->set;
  try {
    if (spec == "all") {
      // Every resource, spelled as specs so that the package parser builds the entries.
      for (const char* s : {"gpio:0-15", "i2c:0:0-0x7f", "spi:0:0-1", "uart:0", "pwm:0-3",
                            "adc:0-3", "time", "log"}) {
        package::host::add_grant_spec(s, set);
      }
      board_[kRelayClass] = (1u << kRelays) - 1;
    } else if (spec.compare(0, 6, "board:") == 0) {
      // board:relay or board:relay:RELAYS (the list parsed as PWM channels would be).
      const size_t colon = spec.find(':', 6);
      const std::string name = spec.substr(6, colon == std::string::npos ? colon : colon - 6);
      if (name != "relay")
        throw std::runtime_error("the virtual board has no class '" + name + "' (it has: relay)");
      uint32_t bits = (1u << kRelays) - 1;
      if (colon != std::string::npos) {
        package::host::GrantSet scratch;
        package::host::add_grant_spec("pwm:" + spec.substr(colon + 1), scratch);
        bits = scratch.pwm;
        for (uint32_t r = kRelays; r < 32; ++r) {
          if ((bits >> r) & 1) throw std::runtime_error(not_on_board("relay", r, kRelays));
        }
      }
      board_[kRelayClass] |= bits;
    } else if (spec.compare(0, 11, "rate:relay:") == 0) {
      // The rate part in the package grammar, read as if it were the log class's.
      package::host::GrantSet scratch;
      package::host::add_grant_spec("rate:log:" + spec.substr(11), scratch);
      relay_rate_ = scratch.rate[static_cast<uint32_t>(Class::log)];
    } else {
      package::host::GrantSet next = set;
      package::host::add_grant_spec(spec, next);
      const std::string missing = missing_resource(next);
      if (!missing.empty()) throw std::runtime_error(missing);
      set = std::move(next);
    }
  } catch (const std::runtime_error& e) {
    // The package parser's messages start with "grant 'SPEC': " (with the spec it was given,
    // which for rate:relay is another): one prefix, with this spec.
    std::string text = e.what();
    const size_t end = text.compare(0, 7, "grant '") == 0 ? text.find("': ") : std::string::npos;
    if (end != std::string::npos) text.erase(0, end + 3);
    *error = quoted(spec) + text;
    return false;
  }
  return true;
}

const board::Grant& GrantSet::grant() {
  const bool trap = grant_.trap_on_denial;
  grant_ = specs_->set.view();
  grant_.trap_on_denial = trap;
  for (uint32_t k = 0; k < board::kMaxBoardClasses; ++k) grant_.board[k] = board_[k];
  grant_.rate[static_cast<uint32_t>(board::board_class(kRelayClass))] = relay_rate_;
  return grant_;
}

}  // namespace vboard
}  // namespace picowasm
