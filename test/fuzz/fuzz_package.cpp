// libFuzzer target: the package parser (package/src/manifest.cpp) on arbitrary bytes, three ways:
// as a whole module, as the content of a picowasm.package section after a valid header, and as a
// manifest alone. It must never crash, and what it accepts must respect every bound of config.h
// and lie inside the input.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.h"
#include "picowasm/package.hpp"

namespace {

namespace pk = picowasm::package;

bool inside(const pk::Span& s, const uint8_t* data, size_t size) {
  return s.size == 0 || (s.data >= data && s.data + s.size <= data + size);
}

void check_manifest(const pk::Manifest& m, const uint8_t* data, size_t size) {
  FUZZ_CHECK(inside(m.app_id, data, size));
  FUZZ_CHECK(m.app_id.size >= 1 && m.app_id.size <= PICOWASM_PKG_MAX_APP_ID);
  for (uint32_t i = 0; i < m.app_id.size; ++i) {  // [A-Za-z0-9._-]: never a control character
    const uint8_t c = m.app_id.data[i];
    FUZZ_CHECK(c > 0x20 && c < 0x7F && c != '\\' && c != '"');
  }
  FUZZ_CHECK(m.resources.stack_bytes >= 8 && m.resources.fuel >= 1);
  const picowasm::board::Grant& g = m.request;
  FUZZ_CHECK(g.gpio == m.gpio && g.i2c == m.i2c && g.spi == m.spi && g.uart == m.uart);
  FUZZ_CHECK(g.num_gpio <= PICOWASM_PKG_MAX_GPIO && g.num_i2c <= PICOWASM_PKG_MAX_I2C);
  FUZZ_CHECK(g.num_spi <= PICOWASM_PKG_MAX_SPI && g.num_uart <= PICOWASM_PKG_MAX_UART);
  for (uint32_t i = 0; i < g.num_gpio; ++i) {
    FUZZ_CHECK(g.gpio[i].first <= g.gpio[i].last && g.gpio[i].last < PICOWASM_HAL_MAX_PINS);
    FUZZ_CHECK(g.gpio[i].access >= 1 && g.gpio[i].access <= 3);
  }
  for (uint32_t i = 0; i < g.num_spi; ++i) FUZZ_CHECK(g.spi[i].cs_mask != 0);
  for (uint32_t i = 0; i < g.num_uart; ++i) {
    FUZZ_CHECK(g.uart[i].access >= 1 && g.uart[i].access <= 3);
  }
  FUZZ_CHECK(g.rate[0].calls_per_s == 0 && g.rate[0].bytes_per_s == 0);
  FUZZ_CHECK(!g.trap_on_denial);  // the policy's to set, never the package's
}

void check_open(const uint8_t* data, size_t size) {
  pk::Package p;
  const pk::Result r = pk::open(data, size, &p);
  FUZZ_CHECK(r.offset <= size);
  FUZZ_CHECK(pk::status_message(r.status)[0] != '\0');
  if (!r.ok()) return;
  FUZZ_CHECK(p.section_start < p.section_end && p.section_end <= size);
  const pk::Span section{data + p.section_start, p.section_end - p.section_start};
  FUZZ_CHECK(inside(p.payload, section.data, section.size));
  FUZZ_CHECK(inside(p.protected_header, section.data, section.size));
  FUZZ_CHECK(p.signature >= section.data &&
             p.signature + pk::kSignatureBytes <= section.data + section.size);
  FUZZ_CHECK(p.section_end - p.section_start <= PICOWASM_PKG_MAX_SECTION_BYTES + 32);
  check_manifest(p.manifest, p.payload.data, p.payload.size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_open(data, size);

  // The same bytes as a package section's content, so that the COSE and manifest parsers see
  // every input (a module header and a section header in front).
  std::vector<uint8_t> module = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x00};
  uint64_t len = 1 + pk::kSectionNameLen + size;
  do {
    module.push_back(static_cast<uint8_t>((len & 0x7F) | (len > 0x7F ? 0x80 : 0)));
    len >>= 7;
  } while (len);
  module.push_back(static_cast<uint8_t>(pk::kSectionNameLen));
  module.insert(module.end(), pk::kSectionName, pk::kSectionName + pk::kSectionNameLen);
  module.insert(module.end(), data, data + size);
  check_open(module.data(), module.size());

  pk::Manifest m;
  const pk::Result r = pk::parse_manifest(data, size, &m, 0);
  FUZZ_CHECK(r.offset <= size);
  if (r.ok()) check_manifest(m, data, size);
  return 0;
}
