#!/usr/bin/env bash
# Runs one end-to-end case: tests/e2e/<case>/cmd holds the edgeguard arguments (one line,
# word-split by bash; paths relative to the repository root). Compares standard output
# with <case>/stdout, exit status with <case>/status and, when <case>/stderr exists, standard
# error with it. UPDATE_GOLDENS=1 rewrites them.
set -uo pipefail
bin=$1
dir=$2
read -r -a args < "$dir/cmd"
actual=$(NO_COLOR=1 "$bin" "${args[@]}" 2>"$dir/.stderr")
status=$?
stderr=$(cat "$dir/.stderr"); rm -f "$dir/.stderr"
if [[ ${UPDATE_GOLDENS:-} == 1 ]]; then
  printf '%s\n' "$actual" > "$dir/stdout"
  echo "$status" > "$dir/status"
  [[ -f $dir/stderr ]] && printf '%s\n' "$stderr" > "$dir/stderr"
  echo "updated $dir"
  exit 0
fi
fail=0
if [[ $status != "$(cat "$dir/status")" ]]; then
  echo "exit status: expected $(cat "$dir/status"), got $status"
  fail=1
fi
if ! diff -u "$dir/stdout" <(printf '%s\n' "$actual"); then
  echo "stdout differs from $dir/stdout (UPDATE_GOLDENS=1 ctest -R e2e to accept)"
  fail=1
fi
if [[ -f $dir/stderr ]] && ! diff -u "$dir/stderr" <(printf '%s\n' "$stderr"); then
  echo "stderr differs from $dir/stderr"
  fail=1
fi
if ((fail)); then
  echo "--- stderr:"; echo "$stderr"
fi
exit $fail
