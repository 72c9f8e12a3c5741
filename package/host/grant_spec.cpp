// Grant specs (docs/hal-abi.md, "Grants") to and from board grants.
#include <cstdio>
#include <stdexcept>

#include "package_host.hpp"

namespace picowasm::package::host {
namespace {

const char* const kClassNames[board::kNumClasses] = {"hal", "gpio", "i2c",  "spi", "uart",
                                                     "pwm", "adc",  "time", "log"};

[[noreturn]] void bad(const std::string& spec, const std::string& what) {
  throw std::runtime_error("grant '" + spec + "': " + what);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// A decimal or 0x-hex number of at most `max`.
uint32_t number(const std::string& spec, const std::string& text, uint64_t max, const char* what) {
  const bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const std::string digits = is_hex ? text.substr(2) : text;
  if (digits.empty() || digits.size() > 10)
    bad(spec, std::string("bad ") + what + " '" + text + "'");
  uint64_t v = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (is_hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (is_hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) bad(spec, std::string("bad ") + what + " '" + text + "'");
    v = v * (is_hex ? 16 : 10) + static_cast<uint64_t>(d);
  }
  if (v > max) {
    bad(spec,
        std::string(what) + " " + text + " out of range (at most " + std::to_string(max) + ")");
  }
  return static_cast<uint32_t>(v);
}

// "2,3" or "0-7,9": ranges [first, last].
std::vector<std::pair<uint32_t, uint32_t>> ranges(const std::string& spec, const std::string& list,
                                                  uint64_t max, const char* what) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const std::string& item : split(list, ',')) {
    const size_t dash = item.find('-');
    const uint32_t first = number(spec, item.substr(0, dash), max, what);
    const uint32_t last =
        dash == std::string::npos ? first : number(spec, item.substr(dash + 1), max, what);
    if (last < first) bad(spec, std::string("empty ") + what + " range '" + item + "'");
    out.emplace_back(first, last);
  }
  return out;
}

uint32_t mask(const std::string& spec, const std::string& list, const char* what) {
  uint32_t m = 0;
  for (auto [first, last] : ranges(spec, list, PICOWASM_HAL_MAX_MASK_BITS - 1, what)) {
    for (uint32_t i = first; i <= last; ++i) m |= 1u << i;
  }
  return m;
}

uint8_t access(const std::string& spec, const std::string& word, bool pins) {
  if (pins) {
    if (word == "in") return board::kInput;
    if (word == "out") return board::kOutput;
    if (word == "inout") return board::kInput | board::kOutput;
    bad(spec, "direction '" + word + "' is not in, out or inout");
  }
  if (word == "r") return board::kRead;
  if (word == "w") return board::kWrite;
  if (word == "rw") return board::kRead | board::kWrite;
  bad(spec, "direction '" + word + "' is not r, w or rw");
}

board::Class class_named(const std::string& spec, const std::string& name) {
  for (uint32_t c = 1; c < board::kNumClasses; ++c) {
    if (name == kClassNames[c]) return static_cast<board::Class>(c);
  }
  bad(spec, "unknown capability class '" + name + "'");
}

void rate(const std::string& spec, const std::vector<std::string>& p, GrantSet& set) {
  if (p.size() != 3) bad(spec, "expected rate:CLASS:N/s[,NB/s]");
  board::RateLimit& rl = set.rate[static_cast<uint32_t>(class_named(spec, p[1]))];
  for (const std::string& item : split(p[2], ',')) {
    if (item.size() > 3 && item.compare(item.size() - 3, 3, "B/s") == 0) {
      rl.bytes_per_s = number(spec, item.substr(0, item.size() - 3), 0xFFFFFFFFu, "rate");
    } else if (item.size() > 2 && item.compare(item.size() - 2, 2, "/s") == 0) {
      rl.calls_per_s = number(spec, item.substr(0, item.size() - 2), 0xFFFFFFFFu, "rate");
    } else {
      bad(spec, "rate '" + item + "' is neither N/s nor NB/s");
    }
  }
}

}  // namespace

board::Grant GrantSet::view() const {
  board::Grant g;
  g.gpio = gpio.data();
  g.num_gpio = static_cast<uint32_t>(gpio.size());
  g.i2c = i2c.data();
  g.num_i2c = static_cast<uint32_t>(i2c.size());
  g.spi = spi.data();
  g.num_spi = static_cast<uint32_t>(spi.size());
  g.uart = uart.data();
  g.num_uart = static_cast<uint32_t>(uart.size());
  g.pwm_channels = pwm;
  g.adc_channels = adc;
  g.time = time;
  g.log = log;
  for (uint32_t c = 0; c < board::kNumClasses; ++c) g.rate[c] = rate[c];
  return g;
}

void add_grant_spec(const std::string& spec, GrantSet& set) {
  const std::vector<std::string> p = split(spec, ':');
  const std::string& cls = p[0];
  if (cls == "time" || cls == "log") {
    if (p.size() != 1) bad(spec, "takes no arguments");
    (cls == "time" ? set.time : set.log) = true;
  } else if (cls == "gpio") {
    if (p.size() < 2 || p.size() > 3) bad(spec, "expected gpio:PINS[:in|:out]");
    const uint8_t a = p.size() == 3 ? access(spec, p[2], true) : board::kInput | board::kOutput;
    for (auto [first, last] : ranges(spec, p[1], PICOWASM_HAL_MAX_PINS - 1, "pin")) {
      set.gpio.push_back({static_cast<uint16_t>(first), static_cast<uint16_t>(last), a});
    }
  } else if (cls == "i2c") {
    if (p.size() != 3) bad(spec, "expected i2c:BUS:ADDRESSES");
    const uint32_t bus = number(spec, p[1], 0xFF, "bus");
    board::I2cGrant* g = nullptr;
    for (auto& e : set.i2c) g = e.bus == bus ? &e : g;
    if (!g) g = &set.i2c.emplace_back(board::i2c_grant(static_cast<uint8_t>(bus), {}));
    for (auto [first, last] : ranges(spec, p[2], 0x7F, "7-bit address")) {
      for (uint32_t a = first; a <= last; ++a) g->addrs[a >> 5] |= 1u << (a & 31);
    }
  } else if (cls == "spi") {
    if (p.size() != 3) bad(spec, "expected spi:BUS:CHIP_SELECTS[@HZ]");
    const uint32_t bus = number(spec, p[1], 0xFF, "bus");
    const size_t at = p[2].find('@');
    const uint32_t cs = mask(spec, p[2].substr(0, at), "chip select");
    const uint32_t hz =
        at == std::string::npos ? 0 : number(spec, p[2].substr(at + 1), 0xFFFFFFFFu, "clock");
    board::SpiGrant* g = nullptr;
    for (auto& e : set.spi) g = e.bus == bus ? &e : g;
    if (g && g->max_hz != hz) bad(spec, "a second clock cap for the same bus");
    if (!g) g = &set.spi.emplace_back(board::SpiGrant{static_cast<uint8_t>(bus), 0, hz});
    g->cs_mask |= cs;
  } else if (cls == "uart") {
    if (p.size() < 2 || p.size() > 3) bad(spec, "expected uart:PORT[:r|:w]");
    const uint32_t port = number(spec, p[1], 0xFF, "port");
    const uint8_t a = p.size() == 3 ? access(spec, p[2], false) : board::kRead | board::kWrite;
    board::UartGrant* g = nullptr;
    for (auto& e : set.uart) g = e.port == port ? &e : g;
    if (!g) g = &set.uart.emplace_back(board::UartGrant{static_cast<uint8_t>(port), 0});
    g->access |= a;
  } else if (cls == "pwm" || cls == "adc") {
    if (p.size() != 2) bad(spec, "expected " + cls + ":CHANNELS");
    (cls == "pwm" ? set.pwm : set.adc) |= mask(spec, p[1], "channel");
  } else if (cls == "rate") {
    rate(spec, p, set);
  } else if (cls == "all" || cls == "board") {
    bad(spec, "not allowed in a package: a manifest names each capability it needs");
  } else {
    bad(spec, "unknown capability class '" + cls + "'");
  }
}

std::vector<std::string> grant_specs(const board::Grant& g) {
  std::vector<std::string> out;
  auto range_text = [](uint32_t first, uint32_t last) {
    return first == last ? std::to_string(first)
                         : std::to_string(first) + "-" + std::to_string(last);
  };
  auto mask_text = [&](uint32_t m) {
    std::string s;
    for (uint32_t i = 0; i < 32; ++i) {
      if (!((m >> i) & 1)) continue;
      uint32_t j = i;
      while (j + 1 < 32 && ((m >> (j + 1)) & 1)) ++j;
      s += (s.empty() ? "" : ",") + range_text(i, j);
      i = j;
    }
    return s;
  };
  for (uint32_t i = 0; i < g.num_gpio; ++i) {
    const board::GpioGrant& e = g.gpio[i];
    const char* dir = e.access == board::kInput ? ":in" : e.access == board::kOutput ? ":out" : "";
    out.push_back("gpio:" + range_text(e.first, e.last) + dir);
  }
  for (uint32_t i = 0; i < g.num_i2c; ++i) {
    std::string s = "i2c:" + std::to_string(g.i2c[i].bus) + ":";
    bool first = true;
    for (uint32_t a = 0; a < 128; ++a) {
      if (!((g.i2c[i].addrs[a >> 5] >> (a & 31)) & 1)) continue;
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", a);
      s += (first ? "" : ",") + std::string(buf);
      first = false;
    }
    out.push_back(s);
  }
  for (uint32_t i = 0; i < g.num_spi; ++i) {
    std::string s = "spi:" + std::to_string(g.spi[i].bus) + ":" + mask_text(g.spi[i].cs_mask);
    if (g.spi[i].max_hz) s += "@" + std::to_string(g.spi[i].max_hz);
    out.push_back(s);
  }
  for (uint32_t i = 0; i < g.num_uart; ++i) {
    const uint8_t a = g.uart[i].access;
    const char* dir = a == board::kRead ? ":r" : a == board::kWrite ? ":w" : "";
    out.push_back("uart:" + std::to_string(g.uart[i].port) + dir);
  }
  if (g.pwm_channels) out.push_back("pwm:" + mask_text(g.pwm_channels));
  if (g.adc_channels) out.push_back("adc:" + mask_text(g.adc_channels));
  if (g.time) out.push_back("time");
  if (g.log) out.push_back("log");
  for (uint32_t c = 1; c < board::kNumClasses; ++c) {
    const board::RateLimit& rl = g.rate[c];
    if (!rl.calls_per_s && !rl.bytes_per_s) continue;
    std::string s = std::string("rate:") + kClassNames[c] + ":";
    if (rl.calls_per_s) s += std::to_string(rl.calls_per_s) + "/s";
    if (rl.bytes_per_s)
      s += std::string(rl.calls_per_s ? "," : "") + std::to_string(rl.bytes_per_s) + "B/s";
    out.push_back(s);
  }
  return out;
}

}  // namespace picowasm::package::host
