// Exit codes: exit(N) for argv[1] = N, a return from main for "return", abort() for "abort".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "return") == 0) return 3;
  if (strcmp(argv[1], "abort") == 0) abort();
  printf("exiting with %s\n", argv[1]);  // flushed by exit()
  exit(atoi(argv[1]));
}
