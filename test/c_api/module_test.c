/* C API, modules: argument checks, load errors of every phase with their details, limits, module
 * admission (pw_module_size) and exact buffer fit, unloading, translated code loaded in place
 * (pw_module_translate, pw_module_load_pretranslated) and its refusals. */
#include "c_test.h"

#define STORAGE (256 * 1024)
static uint8_t storage_a[STORAGE + 2 * PW_BUFFER_ALIGN];
static uint8_t storage_b[STORAGE + 2 * PW_BUFFER_ALIGN];

static const uint8_t kBadMagic[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
/* (func (result i32)) with an empty body: type mismatch in function 0. */
static const uint8_t kInvalid[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01,
                                   0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
                                   0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
/* (type (func (result v128))): SIMD is not implemented. */
static const uint8_t kSimd[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b};

/* A module with `n` function imports e.f of type () -> (). */
static size_t many_imports(uint8_t* out, unsigned n) {
  size_t len = 0;
  unsigned i;
  const unsigned section = 2 + 6 * n; /* count (2-byte LEB) + entries */
  static const uint8_t head[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00,
                                 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
  memcpy(out, head, sizeof head);
  len = sizeof head;
  out[len++] = 0x02;
  out[len++] = (uint8_t)(0x80 | (section & 0x7f));
  out[len++] = (uint8_t)(section >> 7);
  out[len++] = (uint8_t)(0x80 | (n & 0x7f));
  out[len++] = (uint8_t)(n >> 7);
  for (i = 0; i < n; ++i) {
    static const uint8_t entry[] = {0x01, 'e', 0x01, 'f', 0x00, 0x00};
    memcpy(out + len, entry, sizeof entry);
    len += sizeof entry;
  }
  return len;
}

static pw_status nop_host(pw_host_call* call) {
  (void)call;
  return PW_OK;
}

static void test_bad_arguments(void) {
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 0, 0);
  size_t size;
  const uint8_t* bytes = c_test_module("calc.wasm", &size);
  pw_module* module = (pw_module*)1;
  size_t needed = 7;
  pw_error err;

  CHECK_STATUS(pw_module_load(bytes, size, NULL, buf, STORAGE, NULL, &err), PW_ERR_BAD_ARGUMENT,
               &err);
  CHECK_STR(err.code_name, "bad_argument");
  /* NULL bytes with a size: nothing to read. */
  CHECK_STATUS(pw_module_load(NULL, size, NULL, buf, STORAGE, &module, &err), PW_ERR_BAD_ARGUMENT,
               &err);
  CHECK(module == NULL);
  /* NULL buffer with a size is a bad argument, a missing buffer is no space. */
  module = (pw_module*)1;
  CHECK_STATUS(pw_module_load(bytes, size, NULL, NULL, STORAGE, &module, &err), PW_ERR_BAD_ARGUMENT,
               &err);
  CHECK_STR(err.code_name, "config_null_arena");
  CHECK(module == NULL);
  CHECK_STATUS(pw_module_load(bytes, size, NULL, NULL, 0, &module, &err), PW_ERR_NO_SPACE, &err);
  CHECK_STATUS(pw_module_load(bytes, size, NULL, (void*)(UINTPTR_MAX - 64), 4096, &module, &err),
               PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_bad_arena");
  CHECK_STATUS(pw_module_size(bytes, size, NULL, buf, STORAGE, NULL, &err), PW_ERR_BAD_ARGUMENT,
               &err);
  /* The error argument is optional everywhere. */
  CHECK_STATUS(pw_module_size(bytes, size, NULL, buf, STORAGE, &needed, NULL), PW_OK, NULL);
  CHECK(needed > 0);
  /* Dead or null handles. */
  CHECK(pw_module_used(NULL) == 0);
  pw_module_unload(NULL);
  CHECK(strcmp(pw_status_message(PW_ERR_NO_SPACE), "buffer too small") == 0);
  CHECK(strcmp(pw_status_message((pw_status)42), "unknown status") == 0);
}

static void test_load_errors(void) {
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 0, 0);
  pw_module* module = (pw_module*)1;
  pw_error err;
  size_t needed = 7;

  CHECK_STATUS(pw_module_load(kBadMagic, sizeof kBadMagic, NULL, buf, STORAGE, &module, &err),
               PW_ERR_MALFORMED, &err);
  CHECK(module == NULL);
  CHECK(err.status == PW_ERR_MALFORMED);
  CHECK_STR(err.code_name, "magic_header");
  CHECK_STR(err.message, "magic header not detected");
  CHECK(err.import_index == PW_NO_INDEX && err.entry == PW_NO_INDEX);

  CHECK_STATUS(pw_module_load(kInvalid, sizeof kInvalid, NULL, buf, STORAGE, &module, &err),
               PW_ERR_INVALID, &err);
  CHECK_STR(err.code_name, "type_mismatch");
  CHECK(err.function == 0);
  /* The error is located inside the code section (which starts at byte 19). */
  CHECK(err.offset >= 19 && err.offset < sizeof kInvalid);

  CHECK_STATUS(pw_module_size(kInvalid, sizeof kInvalid, NULL, buf, STORAGE, &needed, &err),
               PW_ERR_INVALID, &err);
  CHECK(needed == 0);

  CHECK_STATUS(pw_module_load(kSimd, sizeof kSimd, NULL, buf, STORAGE, &module, &err),
               PW_ERR_UNSUPPORTED, &err);
  CHECK_STR(err.code_name, "unsupported_simd");
}

static void test_limits(void) {
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 0, 0);
  size_t size;
  const uint8_t* bytes = c_test_module("calc.wasm", &size);
  pw_module* module = NULL;
  pw_error err;
  pw_limits limits;
  static uint8_t imports[1024];
  size_t n;

  memset(&limits, 0, sizeof limits);
  limits.functions = 3;
  CHECK_STATUS(pw_module_load(bytes, size, &limits, buf, STORAGE, &module, &err), PW_ERR_LIMIT,
               &err);
  CHECK_STR(err.code_name, "limit_functions");
  CHECK(module == NULL);

  memset(&limits, 0, sizeof limits);
  limits.module_bytes = (uint32_t)size - 1;
  CHECK_STATUS(pw_module_load(bytes, size, &limits, buf, STORAGE, &module, &err), PW_ERR_LIMIT,
               &err);
  CHECK_STR(err.code_name, "limit_module_size");
  limits.module_bytes = (uint32_t)size;
  CHECK_STATUS(pw_module_load(bytes, size, &limits, buf, STORAGE, &module, &err), PW_OK, &err);
  CHECK(module != NULL);

  /* A limit above its compile-time maximum is a configuration error. */
  memset(&limits, 0, sizeof limits);
  limits.stack_bytes = 4; /* less than one value */
  CHECK_STATUS(pw_module_load(bytes, size, &limits, buf, STORAGE, &module, &err),
               PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STR(err.code_name, "config_bad_limit");
  CHECK(module == NULL);

  /* Any number of function imports (once capped at 64 by generated thunks): 150 bind to one
   * C entry. */
  n = many_imports(imports, 150);
  CHECK_STATUS(pw_module_load(imports, n, NULL, buf, STORAGE, &module, &err), PW_OK, &err);
  {
    static const pw_host_function kE[] = {{"e", "f", NULL, 0, NULL, 0, nop_host, NULL}};
    uint8_t* ibuf = c_test_buffer(storage_b, STORAGE, 0, 0);
    pw_instance_config config = {0};
    pw_instance* inst = NULL;
    config.buffer = ibuf;
    config.buffer_size = STORAGE;
    config.host_functions = kE;
    config.num_host_functions = 1;
    CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
    pw_instance_unload(inst);
  }
  pw_module_unload(module);
}

/* pw_module_size is exact: its figure fits, one byte less does not. Checked for each module,
 * into aligned buffers at two different addresses. */
static void check_exact_fit(const char* name) {
  size_t size, needed = 0;
  const uint8_t* bytes = c_test_module(name, &size);
  uint8_t* scratch = c_test_buffer(storage_a, STORAGE, 0, 0x55);
  uint8_t* buf = c_test_buffer(storage_b, STORAGE, PW_BUFFER_ALIGN, 0x55);
  pw_module* module = (pw_module*)1;
  pw_error err;

  CHECK_STATUS(pw_module_size(bytes, size, NULL, scratch, STORAGE, &needed, &err), PW_OK, &err);
  CHECK(needed > size / 2 && needed < STORAGE);
  /* The scratch buffer's dry-run module is not a usable handle. */
  CHECK(pw_module_used((const pw_module*)scratch) == 0);

  CHECK_STATUS(pw_module_load(bytes, size, NULL, buf, needed - 1, &module, &err), PW_ERR_NO_SPACE,
               &err);
  CHECK(module == NULL);
  CHECK_STR(err.code_name, "out_of_arena");
  CHECK_STATUS(pw_module_load(bytes, size, NULL, buf, needed, &module, &err), PW_OK, &err);
  CHECK((uint8_t*)module == buf);
  CHECK(pw_module_used(module) > 0 && pw_module_used(module) <= needed);
  /* Nothing past the figure was touched. */
  CHECK(c_test_all(buf + needed, 64, 0x55));

  /* A scratch buffer too small to tell. */
  CHECK_STATUS(pw_module_size(bytes, size, NULL, scratch, 64, &needed, &err), PW_ERR_NO_SPACE,
               &err);
  CHECK(needed == 0);
}

static void test_exact_fit(void) {
  check_exact_fit("calc.wasm");
  check_exact_fit("host.wasm");
  check_exact_fit("link.wasm");
}

static void test_misaligned_buffer(void) {
  size_t size, needed = 0;
  const uint8_t* bytes = c_test_module("host.wasm", &size);
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 3, 0);
  pw_module* module = NULL;
  pw_error err;
  CHECK_STATUS(pw_module_size(bytes, size, NULL, buf, STORAGE, &needed, &err), PW_OK, &err);
  /* An unaligned buffer needs up to PW_BUFFER_ALIGN - 1 bytes more. */
  CHECK_STATUS(pw_module_load(bytes, size, NULL, buf, needed + PW_BUFFER_ALIGN - 1, &module, &err),
               PW_OK, &err);
  CHECK(module != NULL && (uintptr_t)module % PW_BUFFER_ALIGN == 0);
}

static void test_unload(void) {
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 0, 0);
  pw_module* module = c_test_load("calc.wasm", buf, STORAGE);
  pw_instance_config config;
  size_t needed = 0;
  pw_error err;
  memset(&config, 0, sizeof config);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_OK, &err);
  pw_module_unload(module);
  CHECK(pw_module_used(module) == 0);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_ERR_BAD_ARGUMENT, &err);
  CHECK(needed == 0);
  /* Load again into the same buffer: the same result. */
  module = c_test_load("calc.wasm", buf, STORAGE);
  CHECK_STATUS(pw_instance_size(module, &config, &needed, &err), PW_OK, &err);
}

/* Translated code in flash: an image written through a callback, then loaded in place. */
static uint64_t image_words[4096]; /* 8-byte aligned, like flash pages */

static int write_image(void* context, size_t offset, const void* data, size_t size) {
  if (offset > sizeof image_words || size > sizeof image_words - offset) return 0;
  memcpy((uint8_t*)context + offset, data, size);
  return 1;
}

static int refuse_write(void* context, size_t offset, const void* data, size_t size) {
  (void)context;
  (void)offset;
  (void)data;
  (void)size;
  return 0;
}

static void test_pretranslated(void) {
  uint8_t* buf = c_test_buffer(storage_a, STORAGE, 0, 0);
  uint8_t* scratch = c_test_buffer(storage_b, STORAGE, 0, 0);
  uint8_t* image = (uint8_t*)image_words;
  size_t size, other_size, image_size = 0, normal_used;
  const uint8_t* bytes = c_test_module("calc.wasm", &size);
  const uint8_t* other = c_test_module("link.wasm", &other_size);
  pw_module* module = NULL;
  pw_instance* inst = NULL;
  pw_instance_config config;
  pw_value args[2], res[1];
  pw_call_result r;
  pw_error err;

  CHECK_STATUS(pw_module_load(bytes, size, NULL, scratch, STORAGE, &module, &err), PW_OK, &err);
  normal_used = pw_module_used(module);
  pw_module_unload(module);
  CHECK_STATUS(pw_module_translate(bytes, size, NULL, scratch, STORAGE, write_image, image,
                                   &image_size, &err),
               PW_OK, &err);
  CHECK(image_size > 48 && image_size <= sizeof image_words);
  CHECK_STATUS(pw_module_load_pretranslated(bytes, size, image, image_size, NULL, buf, STORAGE,
                                            &module, &err),
               PW_OK, &err);
  CHECK(module != NULL && pw_module_used(module) < normal_used);
  memset(&config, 0, sizeof config);
  config.buffer = scratch;
  config.buffer_size = STORAGE;
  CHECK_STATUS(pw_instance_create(module, &config, &inst, &err), PW_OK, &err);
  args[0] = pw_i32(2);
  args[1] = pw_i32(3);
  CHECK_STATUS(pw_call(inst, "add_i32", args, 2, res, 1, PW_FUEL_UNLIMITED, &r), PW_OK, NULL);
  CHECK(res[0].type == PW_I32 && res[0].as.i32 == 5);
  pw_instance_unload(inst);
  pw_module_unload(module);

  /* Refused: another module's bytes, a damaged or truncated image, a misaligned or missing one. */
  CHECK_STATUS(pw_module_load_pretranslated(other, other_size, image, image_size, NULL, buf,
                                            STORAGE, &module, &err),
               PW_ERR_UNLINKABLE, &err);
  CHECK_STR(err.code_name, "image_foreign_module");
  CHECK(module == NULL);
  image[image_size - 1] ^= 1;
  CHECK_STATUS(pw_module_load_pretranslated(bytes, size, image, image_size, NULL, buf, STORAGE,
                                            &module, &err),
               PW_ERR_MALFORMED, &err);
  CHECK_STR(err.code_name, "image_malformed");
  image[image_size - 1] ^= 1;
  CHECK_STATUS(pw_module_load_pretranslated(bytes, size, image, image_size - 1, NULL, buf, STORAGE,
                                            &module, &err),
               PW_ERR_MALFORMED, &err);
  CHECK_STATUS(pw_module_load_pretranslated(bytes, size, image + 4, image_size, NULL, buf, STORAGE,
                                            &module, &err),
               PW_ERR_BAD_ARGUMENT, &err);
  CHECK_STATUS(pw_module_load_pretranslated(bytes, size, NULL, image_size, NULL, buf, STORAGE,
                                            &module, &err),
               PW_ERR_BAD_ARGUMENT, &err);
  /* A write that fails stops the translation; no writer is a bad argument. */
  CHECK_STATUS(pw_module_translate(bytes, size, NULL, scratch, STORAGE, refuse_write, NULL,
                                   &image_size, &err),
               PW_ERR_NO_SPACE, &err);
  CHECK_STR(err.code_name, "image_sink_failed");
  CHECK(image_size == 0);
  CHECK_STATUS(pw_module_translate(bytes, size, NULL, scratch, STORAGE, NULL, NULL, NULL, &err),
               PW_ERR_BAD_ARGUMENT, &err);
}

int main(int argc, char** argv) {
  if (argc > 1) c_test_dir = argv[1];
  RUN(test_bad_arguments);
  RUN(test_load_errors);
  RUN(test_limits);
  RUN(test_exact_fit);
  RUN(test_misaligned_buffer);
  RUN(test_unload);
  RUN(test_pretranslated);
  return c_test_result();
}
