// Example firmware: prints a line, checks that static constructors ran, and checks the instruction
// counter against a loop whose instruction count is known exactly. Exits 0 when all agree.
// Run: scripts/run-qemu-m4.sh build-m4/ports/cortex-m4/hello-m4.elf
#include <stdint.h>

#include "board.h"

namespace {

// Exactly 2 instructions per iteration (subs + bne), written in asm so the count cannot depend on
// the compiler. `iterations` must be >= 1.
void spin(uint32_t iterations) {
  __asm__ volatile(
      "1: subs %0, %0, #1\n\t"
      "bne 1b"
      : "+r"(iterations)
      :
      : "cc");
}

// Region cost in instructions, as seen by the timer (includes one board_cycles() call). Not inlined
// so that every call runs the same instructions around the loop.
__attribute__((noinline)) uint64_t measure_spin(uint32_t iterations) {
  uint64_t start = board_cycles();
  bench_mark();
  spin(iterations);
  bench_mark();
  return board_cycles() - start;
}

struct ConstructorProbe {
  ConstructorProbe() : value(0x600DF00Du) {}
  uint32_t value;
};
ConstructorProbe g_probe;  // stays 0 (in .bss) unless the reset handler ran .init_array

constexpr uint32_t kIterations = 1000000;
// Each difference of two readings is off by less than one tick; the overhead is one more
// difference.
constexpr int64_t kTolerance = 2 * BOARD_INSNS_PER_TICK;

}  // namespace

int main() {
  board_init();
  board_puts("picowasm cortex-m4 port: hello from mps2-an386\n");

  int failures = 0;
  if (g_probe.value != 0x600DF00Du) {
    board_printf("FAIL: static constructor did not run (0x%08x)\n", (unsigned)g_probe.value);
    ++failures;
  }

  // The overhead of the measurement itself: the same region with a 1-iteration loop.
  uint64_t overhead = measure_spin(1) - 2;
  uint64_t measured = measure_spin(kIterations);
  int64_t error = (int64_t)(measured - overhead) - 2 * (int64_t)kIterations;
  board_printf("spin(%lu): %llu instructions measured, overhead %llu, expected %lu, error %lld\n",
               (unsigned long)kIterations, (unsigned long long)measured,
               (unsigned long long)overhead, (unsigned long)(2 * kIterations), (long long)error);
  if (error < -kTolerance || error > kTolerance) {
    board_printf("FAIL: counter off by more than %lld instructions (is -icount shift=0 set?)\n",
                 (long long)kTolerance);
    ++failures;
  }

  board_printf("printf check: %d %u %x %08X %s %lld %llu %c%%\n", -42, 42u, 0xbeefu, 0xABCu, "ok",
               -9000000000ll, 18446744073709551615ull, '!');
  return failures == 0 ? 0 : 1;
}
