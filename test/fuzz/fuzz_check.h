// FUZZ_CHECK: a violated invariant aborts, so that libFuzzer records the input (and
// scripts/fuzz-smoke.sh files it under test/regression/ as a `fuzz-invariant` crash).
#ifndef PICOWASM_TEST_FUZZ_CHECK_H
#define PICOWASM_TEST_FUZZ_CHECK_H

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

#endif  // PICOWASM_TEST_FUZZ_CHECK_H
