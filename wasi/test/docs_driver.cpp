// Runs the embedding code of docs/wasi.md (extracted into wasi_doc_snippets.cpp) on a mock board
// whose UART 0 is captured, with the WASI program given as argv[1]; prints what it wrote and its
// exit code.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wasi_doc_snippets.cpp"

namespace {
std::string uart;
uint64_t clock_us = 0;
int32_t uart_write(void*, uint32_t, const uint8_t* data, uint32_t len) {
  uart.append(reinterpret_cast<const char*>(data), len);
  return static_cast<int32_t>(len);
}
int32_t uart_read(void*, uint32_t, uint8_t*, uint32_t) {
  return 0;
}
uint64_t now_us(void*) {
  return clock_us += 10;
}
const pw_uart_driver kUart = {uart_write, uart_read};
const pw_clock_driver kClock = {now_us};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(f), {});
  pw_board b{};
  b.uart_ports = 1;
  b.uart = &kUart;
  b.clock = &kClock;
  static board::AppHal hal;
  static wasi::WasiContext w;
  static std::vector<uint8_t> module_buf(1 << 20), instance_buf(4 << 20);
  const int code = run_command(bytes.data(), bytes.size(), b, hal, w, module_buf.data(),
                               module_buf.size(), instance_buf.data(), instance_buf.size());
  std::printf("uart: [%s] exit %d\n", uart.c_str(), code);
  return 0;
}
