// Every way out of a preopened directory, tried: run with --dir BOX::/box (fd 3), prepared by
// run_files.sh (box/inside.txt, box/sub/, symlinks in and out of box/, outside/secret.txt beside
// it). Each attempt prints its WASI errno; ENOTCAPABLE (76) is an escape refused. The script then
// checks that nothing outside box/ changed.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

// path_open with an explicit length, so that a path may hold a NUL byte.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t lookup, int32_t path, int32_t len, int32_t oflags, int64_t base,
              int64_t inheriting, int32_t fdflags, int32_t out);

enum { kBox = 3, kFollow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW };
static const __wasi_rights_t kRead = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK;
static const __wasi_rights_t kWrite = __WASI_RIGHTS_FD_WRITE;

static void open_at(const char* what, int lookup, const char* path, __wasi_oflags_t oflags,
                    __wasi_rights_t rights) {
  __wasi_fd_t fd = 0;
  int e = __wasi_path_open(kBox, lookup, path, oflags, rights, 0, 0, &fd);
  if (e) {
    printf("%s: errno %d\n", what, e);
    return;
  }
  char buf[32] = {0};
  size_t n = (size_t)read((int)fd, buf, sizeof buf - 1);
  printf("%s: ok [%.*s]\n", what, (int)(n == (size_t)-1 ? 0 : n), buf);
  close((int)fd);
}

static void result(const char* what, int e) {
  if (e)
    printf("%s: errno %d\n", what, e);
  else
    printf("%s: ok\n", what);
}

int main(void) {
  // `..` past the root, in every position.
  open_at("../outside/secret.txt", kFollow, "../outside/secret.txt", 0, kRead);
  open_at("sub/../../outside/secret.txt", kFollow, "sub/../../outside/secret.txt", 0, kRead);
  open_at("..", kFollow, "..", __WASI_OFLAGS_DIRECTORY, kRead);
  open_at("sub/../inside.txt (stays inside)", kFollow, "sub/../inside.txt", 0, kRead);
  // Absolute paths.
  open_at("/etc/passwd", kFollow, "/etc/passwd", 0, kRead);
  open_at("/", kFollow, "/", __WASI_OFLAGS_DIRECTORY, kRead);
  // Symlinks: out (absolute, relative, a directory), and in.
  open_at("link_out_abs", kFollow, "link_out_abs", 0, kRead);
  open_at("link_out_rel", kFollow, "link_out_rel", 0, kRead);
  open_at("link_dir_out/secret.txt", kFollow, "link_dir_out/secret.txt", 0, kRead);
  open_at("link_abs_in (absolute, even to inside)", kFollow, "link_abs_in", 0, kRead);
  open_at("link_in", kFollow, "link_in", 0, kRead);
  open_at("link_in without follow", 0, "link_in", 0, kRead);
  open_at("sub/link_up (../inside.txt)", kFollow, "sub/link_up", 0, kRead);
  // Creating through a dangling symlink that points outside.
  open_at("create via dangling_out", kFollow, "dangling_out", __WASI_OFLAGS_CREAT, kWrite);
  open_at("create ../created2.txt", kFollow, "../created2.txt", __WASI_OFLAGS_CREAT, kWrite);
  // A NUL byte cuts no path short: EILSEQ (25).
  int32_t fd = 0;
  static const char nul[] = "inside.txt\0../outside/secret.txt";
  result("path with NUL", raw_path_open(kBox, kFollow, (int32_t)(intptr_t)nul, sizeof nul - 1, 0,
                                        (int64_t)kRead, 0, 0, (int32_t)(intptr_t)&fd));

  // stat follows symlinks only beneath; lstat of the link itself is fine.
  __wasi_filestat_t st;
  result("stat link_out_rel", __wasi_path_filestat_get(kBox, kFollow, "link_out_rel", &st));
  int e = __wasi_path_filestat_get(kBox, 0, "link_out_rel", &st);
  printf("lstat link_out_rel: %s type %d\n", e ? "error" : "ok", e ? -1 : st.filetype);
  result("stat ../outside", __wasi_path_filestat_get(kBox, kFollow, "../outside", &st));
  result("stat link_dir_out/secret.txt",
         __wasi_path_filestat_get(kBox, kFollow, "link_dir_out/secret.txt", &st));

  // Changing names outside, or through a link out.
  result("mkdir ../escape_dir", __wasi_path_create_directory(kBox, "../escape_dir"));
  result("mkdir link_dir_out/made", __wasi_path_create_directory(kBox, "link_dir_out/made"));
  result("mkdir /tmp/abs_dir", __wasi_path_create_directory(kBox, "/tmp/abs_dir"));
  result("mkdir . (exists)", __wasi_path_create_directory(kBox, "."));
  result("rename inside.txt -> ../moved.txt",
         __wasi_path_rename(kBox, "inside.txt", kBox, "../moved.txt"));
  result("rename link_dir_out/secret.txt -> stolen.txt",
         __wasi_path_rename(kBox, "link_dir_out/secret.txt", kBox, "stolen.txt"));
  result("unlink ../outside/secret.txt", __wasi_path_unlink_file(kBox, "../outside/secret.txt"));
  result("unlink link_dir_out/secret.txt",
         __wasi_path_unlink_file(kBox, "link_dir_out/secret.txt"));
  result("rmdir ..", __wasi_path_remove_directory(kBox, ".."));
  result("rmdir ../outside", __wasi_path_remove_directory(kBox, "../outside"));
  result("rmdir sub/.. (the box itself)", __wasi_path_remove_directory(kBox, "sub/.."));
  result("opendir link_dir_out", opendir("/box/link_dir_out") ? 0 : errno);
  // Through wasi-libc's own path handling.
  result("fopen /box/../outside/secret.txt", fopen("/box/../outside/secret.txt", "r") ? 0 : errno);
  // Removing a link that points out removes the link, not its target.
  result("unlink link_out_rel", __wasi_path_unlink_file(kBox, "link_out_rel"));
  result("rename link_out_abs -> sub/moved_link",
         __wasi_path_rename(kBox, "link_out_abs", kBox, "sub/moved_link"));
  return 0;
}
