// argv and environ as given by the CLI (the environment only from --env).
#include <stdio.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=[%s]\n", i, argv[i]);
  int n = 0;
  for (char** e = environ; *e; ++e) printf("env[%d]=[%s]\n", n++, *e);
  printf("environ count=%d\n", n);
  return 0;
}
