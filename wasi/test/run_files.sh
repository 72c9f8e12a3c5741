#!/usr/bin/env bash
# CTest wasi.files_* : a WASI program with preopened directories (`picowasm run --dir`) in a fresh
# temporary tree. Checks its exit status, its stdout byte for byte against a hand-written file,
# and then the host file system itself: the tree after the run must be exactly the listing below
# (written by hand from what the program does), so an escape that "failed" but still wrote
# outside the directory fails the test.
#   run_files.sh CLI WASM_DIR EXPECTED_DIR files|escape
set -euo pipefail
cli=$1
wasm=$2
expected=$3
scenario=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The whole tree under $tmp: "TYPE PATH [-> TARGET | SIZE:CONTENT]", sorted.
tree() {
  (cd "$tmp/t" && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
    if [[ -L $p ]]; then
      echo "l $p -> $(readlink "$p" | sed "s|$tmp|TMP|")"
    elif [[ -d $p ]]; then
      echo "d $p"
    else
      echo "f $p $(wc -c <"$p"):$(tr '\n' '|' <"$p")"
    fi
  done)
}

mkdir -p "$tmp/t"
case $scenario in
  files)
    mkdir -p "$tmp/t/data/sub" "$tmp/t/ro"
    printf 'line one\nline two\n' >"$tmp/t/data/in.txt"
    printf 'a\n' >"$tmp/t/data/sub/a.txt"
    printf 'bb\n' >"$tmp/t/data/sub/b.txt"
    printf 'read me\n' >"$tmp/t/ro/readme.txt"
    args=(--dir "$tmp/t/data::/data" --dir "$tmp/t/ro::/ro:ro" "$wasm/files.wasm")
    want_tree='d ./data
f ./data/in.txt 18:line one|line two|
f ./data/renamed.txt 7:inside|
d ./data/sub
f ./data/sub/a.txt 2:a|
f ./data/sub/b.txt 3:bb|
d ./ro
f ./ro/readme.txt 8:read me|'
    ;;
  escape)
    mkdir -p "$tmp/t/box/sub" "$tmp/t/outside"
    printf 'inside\n' >"$tmp/t/box/inside.txt"
    printf 'secret\n' >"$tmp/t/outside/secret.txt"
    ln -s "$tmp/t/outside/secret.txt" "$tmp/t/box/link_out_abs"
    ln -s ../outside/secret.txt "$tmp/t/box/link_out_rel"
    ln -s ../outside "$tmp/t/box/link_dir_out"
    ln -s "$tmp/t/box/inside.txt" "$tmp/t/box/link_abs_in"
    ln -s inside.txt "$tmp/t/box/link_in"
    ln -s ../inside.txt "$tmp/t/box/sub/link_up"
    ln -s ../outside/created.txt "$tmp/t/box/dangling_out"
    args=(--dir "$tmp/t/box::/box" "$wasm/escape.wasm")
    # Only two changes, both inside box/: link_out_rel unlinked (its target stays) and
    # link_out_abs renamed into sub/.
    want_tree="d ./box
l ./box/dangling_out -> ../outside/created.txt
f ./box/inside.txt 7:inside|
l ./box/link_abs_in -> TMP/t/box/inside.txt
l ./box/link_dir_out -> ../outside
l ./box/link_in -> inside.txt
d ./box/sub
l ./box/sub/link_up -> ../inside.txt
l ./box/sub/moved_link -> TMP/t/outside/secret.txt
d ./outside
f ./outside/secret.txt 7:secret|"
    ;;
  *) fail "unknown scenario $scenario" ;;
esac

[[ -e /tmp/abs_dir ]] && abs_before=1 || abs_before=0
status=0
"$cli" run "${args[@]}" </dev/null >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
echo "stdout:"
cat "$tmp/stdout"
echo "stderr:"
cat "$tmp/stderr"
[[ $status -eq 0 ]] || fail "exit status $status, expected 0"
diff -u "$expected/$scenario.out" "$tmp/stdout" || fail "stdout differs from $expected/$scenario.out"
have_tree=$(tree)
if [[ "$have_tree" != "$want_tree" ]]; then
  diff -u <(echo "$want_tree") <(echo "$have_tree") || true
  fail "the host tree differs from the expected one"
fi
# escape.c also tries mkdir /tmp/abs_dir (an absolute path): it must not appear.
[[ -e /tmp/abs_dir ]] && abs_after=1 || abs_after=0
[[ $abs_after -eq $abs_before ]] || fail "/tmp/abs_dir was made outside the tree"
echo "ok: stdout and host tree as expected"
