#!/usr/bin/env bash
# Runs one end-to-end case: tests/e2e/<case>/cmd holds the edgeguard arguments (one line,
# word-split by bash; paths relative to the repository root). Compares standard output
# with <case>/stdout, exit status with <case>/status and, when <case>/stderr exists, standard
# error with it. UPDATE_GOLDENS=1 rewrites them. Uses plain temporary files (no process
# substitution: minimal chroots and containers may lack /dev/fd).
# Reports written with --output: `@OUT@` in cmd stands for an empty temporary directory; when
# <case>/check exists it is run (bash, from the repository root) with that directory as its
# argument after the goldens matched, and its exit status decides too; it finds the binary
# under test in $EDGEGUARD_BIN.
set -uo pipefail
bin=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
read -r -a args < "$dir/cmd"
mkdir "$tmp/out"
args=("${args[@]//@OUT@/$tmp/out}")
# A CI's variables would make Markdown links absolute (the goldens are the local form).
unset GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_SHA CI_PROJECT_URL CI_COMMIT_SHA BUILD_REPOSITORY_URI BUILD_SOURCEVERSION
NO_COLOR=1 "$bin" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
# The temporary directory's name changes each run: goldens say @OUT@.
sed -i "s|$tmp/out|@OUT@|g" "$tmp/stdout" "$tmp/stderr"
if [[ ${UPDATE_GOLDENS:-} == 1 ]]; then
  cp "$tmp/stdout" "$dir/stdout"
  echo "$status" > "$dir/status"
  [[ -f $dir/stderr ]] && cp "$tmp/stderr" "$dir/stderr"
  echo "updated $dir"
  exit 0
fi
fail=0
if [[ $status != "$(cat "$dir/status")" ]]; then
  echo "exit status: expected $(cat "$dir/status"), got $status"
  fail=1
fi
if ! diff -u "$dir/stdout" "$tmp/stdout"; then
  echo "stdout differs from $dir/stdout (UPDATE_GOLDENS=1 ctest -R e2e to accept)"
  fail=1
fi
if [[ -f $dir/stderr ]] && ! diff -u "$dir/stderr" "$tmp/stderr"; then
  echo "stderr differs from $dir/stderr"
  fail=1
fi
if ((!fail)) && [[ -f $dir/check ]] && ! EDGEGUARD_BIN=$bin NO_COLOR=1 bash "$dir/check" "$tmp/out"; then
  echo "$dir/check failed"
  fail=1
fi
if ((fail)); then
  echo "--- stderr:"; cat "$tmp/stderr"
fi
exit $fail
