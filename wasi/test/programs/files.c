// Files in preopened directories through stock wasi-libc: run with --dir DATA::/data (read-write,
// fd 3) and --dir RO::/ro:ro (fd 4), prepared by run_files.sh: data/in.txt, data/sub/{a,b}.txt,
// ro/readme.txt. Prints what it reads and each error's errno number (WASI values: wasi/api.h).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char* what, int ok) {
  printf("%s: %s", what, ok ? "ok" : "errno ");
  if (!ok) printf("%d", errno);
  printf("\n");
}

static void cat(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) {
    show(path, 0);
    return;
  }
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  printf("%s: %zu bytes [%s]\n", path, n, buf);
  fclose(f);
}

static void list(const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    show(path, 0);
    return;
  }
  printf("%s:", path);
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    printf(" %s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_REG ? "" : "?");
  }
  printf("\n");
  closedir(d);
}

int main(void) {
  // Reading, seeking, stat.
  cat("/data/in.txt");
  FILE* f = fopen("/data/in.txt", "r");
  char word[8] = {0};
  fseek(f, 5, SEEK_SET);
  size_t n = fread(word, 1, 3, f);
  printf("at 5: %zu [%s], tell %ld\n", n, word, ftell(f));
  fseek(f, -4, SEEK_END);
  memset(word, 0, sizeof word);
  n = fread(word, 1, 7, f);
  printf("end-4: %zu [%.3s]\n", n, word);
  fclose(f);
  struct stat st;
  show("stat in.txt", stat("/data/in.txt", &st) == 0);
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  show("stat sub", stat("/data/sub", &st) == 0);
  printf("directory %d\n", S_ISDIR(st.st_mode));

  // Writing, appending, positioned I/O.
  f = fopen("/data/out.txt", "w");
  show("fopen out.txt w", f != NULL);
  fprintf(f, "first %d\n", 1);
  fclose(f);
  f = fopen("/data/out.txt", "a");
  fputs("second\n", f);
  fclose(f);
  cat("/data/out.txt");
  int fd = open("/data/out.txt", O_RDWR);
  show("pwrite", pwrite(fd, "FI", 2, 0) == 2);
  char two[3] = {0};
  show("pread", pread(fd, two, 2, 8) == 2);
  printf("pread at 8: [%s], position %ld\n", two, (long)lseek(fd, 0, SEEK_CUR));
  show("ftruncate", ftruncate(fd, 5) == 0);
  show("fsync", fsync(fd) == 0);
  close(fd);
  cat("/data/out.txt");

  // Directories and names.
  show("mkdir newdir", mkdir("/data/newdir", 0755) == 0);
  f = fopen("/data/newdir/f.txt", "w");
  fputs("inside\n", f);
  fclose(f);
  list("/data/newdir");
  show("rename f.txt", rename("/data/newdir/f.txt", "/data/renamed.txt") == 0);
  show("rmdir newdir", rmdir("/data/newdir") == 0);
  show("unlink out.txt", unlink("/data/out.txt") == 0);
  list("/data");
  list("/data/sub");

  // Errors (WASI errno numbers): ENOENT 44, EEXIST 20, ENOTEMPTY 55, ENOTDIR 54, EISDIR 31.
  show("open missing", fopen("/data/missing.txt", "r") != NULL);
  show("mkdir sub again", mkdir("/data/sub", 0755) == 0);
  show("rmdir sub (not empty)", rmdir("/data/sub") == 0);
  show("opendir in.txt", opendir("/data/in.txt") != NULL);
  show("unlink sub", unlink("/data/sub") == 0);
  show("rmdir in.txt", rmdir("/data/in.txt") == 0);

  // The read-only preopen: reads work, every change is EROFS (69).
  cat("/ro/readme.txt");
  list("/ro");
  show("ro fopen w", fopen("/ro/new.txt", "w") != NULL);
  show("ro fopen a", fopen("/ro/readme.txt", "a") != NULL);
  show("ro open rdwr", open("/ro/readme.txt", O_RDWR) >= 0);
  show("ro mkdir", mkdir("/ro/dir", 0755) == 0);
  show("ro unlink", unlink("/ro/readme.txt") == 0);
  show("ro rename", rename("/ro/readme.txt", "/ro/other.txt") == 0);
  show("ro rename into", rename("/data/renamed.txt", "/ro/renamed.txt") == 0);

  // The fd table is bounded (PICOWASM_WASI_MAX_FILES = 32, 2 of them preopens): EMFILE (33).
  int opened = 0;
  while (open("/data/in.txt", O_RDONLY) >= 0) ++opened;
  printf("opened %d files, then errno %d\n", opened, errno);
  return 0;
}
