#!/usr/bin/env bash
# `make test-sanitize`: an ASan+UBSan build (g++, into $SAN_BUILD_DIR) that runs the whole ctest
# suite, then scans all of ../shared/corpus (when present) in every output format. Any
# sanitizer report fails it: UBSan halts on the first error, ASan checks for leaks at exit.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${SAN_BUILD_DIR:-build-sanitize}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
corpus=${EDGEGUARD_CORPUS:-../shared/corpus}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export EG_HOSTILE_TIME_SCALE=${EG_HOSTILE_TIME_SCALE:-4}

start=$SECONDS
if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGEGUARD_SANITIZE=ON "${launcher[@]}" >/dev/null || exit 2
fi
cmake --build "$build" -j "$jobs" || exit 2
echo "test-sanitize: build took $((SECONDS - start)) s"

status=0
test_start=$SECONDS
ctest --test-dir "$build" --output-on-failure -j "$jobs" || status=1
echo "test-sanitize: ctest took $((SECONDS - test_start)) s"

if [[ -d $corpus ]]; then
  scan_start=$SECONDS
  out=$(mktemp -d)
  EDGEGUARD_CACHE_DIR="$out/cache" "$build/edgeguard" scan "$corpus" --fail-on none --jobs "$jobs" --format text --output "$out/r.txt" \
    --format json --output "$out/r.json" --format sarif --output "$out/r.sarif" --format junit --output "$out/r.xml" \
    --format github --output "$out/r.gh" --format markdown --output "$out/r.md" 2>"$out/stderr"
  rc=$?
  # 0: clean, 2: some corpus files do not parse (reported, not a crash). Anything else is a crash.
  if ((rc != 0 && rc != 2)) || grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer' "$out/stderr"; then
    echo "test-sanitize: the corpus scan failed (exit $rc):"
    head -c 6000 "$out/stderr"
    status=1
  else
    echo "test-sanitize: corpus scan of $corpus clean (exit $rc, $(grep -c . "$out/r.txt") report lines) in $((SECONDS - scan_start)) s"
  fi
  rm -rf "$out"
else
  echo "test-sanitize: $corpus not found; corpus scan skipped"
fi
echo "test-sanitize: $((SECONDS - start)) s in total"
exit $status
