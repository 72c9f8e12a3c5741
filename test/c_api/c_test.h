/* Helpers for the C API tests: a check macro, module files, aligned buffers. C99, and nothing of
 * the library but picowasm.h. Each test file is one executable: main(argc, argv) with argv[1] the
 * folder holding the compiled .wasm files, returning c_test_result(). */
#ifndef PICOWASM_TEST_C_TEST_H
#define PICOWASM_TEST_C_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picowasm/picowasm.h"

static int c_test_failures = 0;
static int c_test_checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++c_test_checks;                                                           \
    if (!(cond)) {                                                             \
      ++c_test_failures;                                                       \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

static inline const char* c_test_code(const pw_error* err) {
  return err && err->code_name ? err->code_name : "-";
}

/* Checks a status, printing both sides and pw_error's code name on failure. */
#define CHECK_STATUS(expr, expected, err)                                                  \
  do {                                                                                     \
    pw_status got_ = (expr);                                                               \
    ++c_test_checks;                                                                       \
    if (got_ != (expected)) {                                                              \
      ++c_test_failures;                                                                   \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d (%s); code %s\n", __FILE__, \
              __LINE__, #expr, (int)got_, pw_status_message(got_), (int)(expected),        \
              pw_status_message(expected), c_test_code(err));                              \
    }                                                                                      \
  } while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

#define RUN(test)                   \
  do {                              \
    fprintf(stderr, "%s\n", #test); \
    test();                         \
  } while (0)

static inline int c_test_result(void) {
  fprintf(stderr, "%d checks, %d failed\n", c_test_checks, c_test_failures);
  return c_test_failures == 0 ? 0 : 1;
}

/* The folder of the .wasm files (argv[1]). */
static const char* c_test_dir = ".";

/* Reads c_test_dir/name into a static-lifetime heap block (tests only; the library never
 * allocates). Exits on failure: no module, no test. */
static inline const uint8_t* c_test_module(const char* name, size_t* size) {
  char path[1024];
  FILE* f;
  long n;
  uint8_t* bytes;
  snprintf(path, sizeof path, "%s/%s", c_test_dir, name);
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  bytes = (uint8_t*)malloc(n > 0 ? (size_t)n : 1);
  if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  *size = (size_t)n;
  return bytes;
}

/* A buffer of `size` bytes at `misalign` bytes past a PW_BUFFER_ALIGN boundary, filled with
 * `fill`, inside `storage` (which must hold size + 2 * PW_BUFFER_ALIGN bytes). */
static inline uint8_t* c_test_buffer(uint8_t* storage, size_t size, size_t misalign, uint8_t fill) {
  uintptr_t p = (uintptr_t)storage;
  uint8_t* b;
  p = (p + PW_BUFFER_ALIGN - 1) & ~(uintptr_t)(PW_BUFFER_ALIGN - 1);
  b = (uint8_t*)p + misalign;
  memset(b, fill, size);
  return b;
}

/* True if all `size` bytes at `p` are `fill`. */
static inline int c_test_all(const uint8_t* p, size_t size, uint8_t fill) {
  size_t i;
  for (i = 0; i < size; ++i) {
    if (p[i] != fill) return 0;
  }
  return 1;
}

/* Loads `name` into `buffer` (fails the test on error). */
static inline pw_module* c_test_load(const char* name, void* buffer, size_t buffer_size) {
  size_t size;
  const uint8_t* bytes = c_test_module(name, &size);
  pw_module* module = NULL;
  pw_error err;
  CHECK_STATUS(pw_module_load(bytes, size, NULL, buffer, buffer_size, &module, &err), PW_OK, &err);
  return module;
}

#endif /* PICOWASM_TEST_C_TEST_H */
