/* Runs the C blocks of docs/run-record.md (extracted into run_record_snippets.c by the build). */
#include "run_record_snippets.c"

int main(void) {
  return ring_demo();
}
