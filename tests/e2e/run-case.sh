#!/usr/bin/env bash
# Runs one end-to-end case: tests/e2e/<case>/cmd holds the edgeguard arguments (one line,
# word-split by bash; paths relative to the repository root). Compares standard output
# with <case>/stdout, exit status with <case>/status and, when <case>/stderr exists, standard
# error with it. UPDATE_GOLDENS=1 rewrites them. Uses plain temporary files (no process
# substitution: minimal chroots and containers may lack /dev/fd).
set -uo pipefail
bin=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
read -r -a args < "$dir/cmd"
NO_COLOR=1 "$bin" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
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
if ((fail)); then
  echo "--- stderr:"; cat "$tmp/stderr"
fi
exit $fail
