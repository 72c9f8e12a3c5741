/* Runs the C code blocks of docs/embedding.md, which the build extracts into
 * embedding_snippets.c, on the module given as argv[1] (blink.wasm). */
#include <stdio.h>

#include "embedding_snippets.c"

static uint8_t module_bytes[64 * 1024];

int main(int argc, char** argv) {
  FILE* f;
  size_t size;
  if (argc < 2 || !(f = fopen(argv[1], "rb"))) return 2;
  size = fread(module_bytes, 1, sizeof module_bytes, f);
  fclose(f);
  return c_firmware_main(module_bytes, size);
}
