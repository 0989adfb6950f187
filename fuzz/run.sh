#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, into $FUZZ_BUILD_DIR) and runs each for
# FUZZ_SECONDS seconds, one after the other, then prints executions per second and the time
# fuzzed per target. Usage: fuzz/run.sh [SECONDS] [TARGET...]   (make fuzz FUZZ_SECONDS=N)
#
# Seeds are gathered at run time into a temporary directory (never into the repository):
# fixtures/, policies/ and ../shared/corpus when it exists, filtered per target by file kind;
# the expression targets get expressions cut out of those files. What the fuzzer learns is
# kept in $FUZZ_BUILD_DIR/corpus/<target> for the next run. A crash, a timeout, a leak or an
# out-of-memory is saved as $FUZZ_BUILD_DIR/artifacts/<target>/... and makes the exit status 1;
# fix it and add the input as a regression test in the normal suite.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-${FUZZ_SECONDS:-60}}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
max_len=${FUZZ_MAX_LEN:-65536}
corpus_root=${EDGEGUARD_CORPUS:-../shared/corpus}

cxx=${FUZZ_CXX:-clang++-14}
cc=${FUZZ_CC:-clang-14}
# clang and libFuzzer (libclang-rt-14-dev) are an opt-in install: the default build needs neither.
probe_fuzzer() {
  command -v "$cxx" >/dev/null 2>&1 || return 1
  local t
  t=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$t/p.cpp"
  "$cxx" -fsanitize=fuzzer,address,undefined "$t/p.cpp" -o "$t/p" >/dev/null 2>&1
  local rc=$?
  rm -rf "$t"
  return $rc
}
if ! probe_fuzzer; then
  echo "fuzz: $cxx with libFuzzer is missing; installing it (.ci/install-deps --fuzz)"
  bash .ci/install-deps --fuzz || exit 2
  probe_fuzzer || { echo "fuzz: $cxx cannot build a libFuzzer target" >&2; exit 2; }
fi

if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  CC=$cc CXX=$cxx cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGEGUARD_FUZZ=ON -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null || exit 2
fi
build_start=$SECONDS
cmake --build "$build" --target fuzz_all -j "$jobs" || exit 2
echo "fuzz: build took $((SECONDS - build_start)) s"

targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in fuzz/fuzz_*.cpp; do
    name=$(basename "$src" .cpp)
    targets+=("${name#fuzz_}")
  done
fi

seeds=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$seeds" "$work"' EXIT
seed_dirs=(fixtures policies)
[[ -d $corpus_root ]] && seed_dirs+=("$corpus_root")

# Copies files (NUL-separated list on stdin) into $seeds/<target> (same names are kept apart
# by numbered backups); find_files already left out files over 256 KiB.
add_seeds() {
  mkdir -p "$seeds/$1"
  xargs -0 -r cp --backup=numbered -t "$seeds/$1" 2>/dev/null
  return 0
}
# Writes each line of stdin as one seed file of $seeds/<target>.
add_lines() {
  mkdir -p "$seeds/$1"
  awk -v dir="$seeds/$1" 'length($0) > 0 { f = dir "/line." NR; printf "%s", $0 > f; close(f) }'
}
find_files() { find "${seed_dirs[@]}" -type f -size -257k \( "$@" \) -print0 2>/dev/null; }

gather() {
  case $1 in
    hcl) find_files -name '*.tf' -o -name '*.tfvars' -o -name '*.hcl' | add_seeds hcl ;;
    tf_json) find_files -name '*.tf.json' | add_seeds tf_json ;;
    tf_expr)
      find_files -name '*.tf' | xargs -0 grep -h -o '^ *[a-z_0-9]* *= *.*' 2>/dev/null |
        sed -E 's/^ *[a-z_0-9]* *= *//' | sort -u | head -n 3000 | add_lines tf_expr ;;
    bicep) find_files -name '*.bicep' | add_seeds bicep ;;
    bicepparam) find_files -name '*.bicepparam' | add_seeds bicepparam ;;
    arm) find_files -name '*.json' -o -name '*.jsonc' | xargs -0 grep -l -Z 'deploymentTemplate' 2>/dev/null | add_seeds arm ;;
    arm_expr)
      find_files -name '*.json' | xargs -0 grep -h -o '"\[[^"]*\]"' 2>/dev/null |
        sed -E 's/^"//; s/"$//' | sort -u | head -n 3000 | add_lines arm_expr ;;
    edge_manifest)
      find_files -name '*.json' | xargs -0 grep -l -Z -e 'modulesContent' -e '\$edgeAgent' 2>/dev/null | add_seeds edge_manifest ;;
    create_options)
      find_files -name '*.json' | xargs -0 grep -h -o '"createOptions[0-9]*": *"\([^"\\]\|\\.\)*"' 2>/dev/null |
        sed -E 's/^"createOptions[0-9]*": *"//; s/"$//; s/\\"/"/g; s/\\\\/\\/g' | sort -u | head -n 3000 |
        add_lines create_options ;;
    toml) find_files -name '*.toml' | add_seeds toml ;;
    policy)
      find policies fixtures -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 |
        xargs -0 grep -l -Z '^id:' 2>/dev/null | add_seeds policy ;;
    lsp)
      # The client's side of each LSP transcript, as NUL-separated bodies (first byte 1: the
      # whole server) and as one framed stream (first byte 0: the framing alone).
      mkdir -p "$seeds/lsp"
      for f in tests/lsp/*.transcript; do
        n=$(basename "$f" .transcript)
        grep '^-> ' "$f" | sed 's/^-> //; s#@DIR@#/nonexistent#g' > "$work/lsp.bodies"
        { printf '\001'; tr '\n' '\000' < "$work/lsp.bodies"; } > "$seeds/lsp/$n.messages"
        { printf '\000'; LC_ALL=C awk '{ printf "Content-Length: %d\r\n\r\n%s", length($0), $0 }' "$work/lsp.bodies"; } \
          > "$seeds/lsp/$n.stream"
      done ;;
    chains)
      # format, length (two bytes), fan-out, then one shape byte per link: every format at
      # 200 and 30,000 links, plain and doubling.
      mkdir -p "$seeds/chains"
      for fmt in 0 1 2 3 4 5 6; do
        printf "\\x$fmt\\x00\\xc8\\x00\\x00" > "$seeds/chains/f$fmt-short"
        printf "\\x$fmt\\x75\\x2f\\x00\\x00\\x02" > "$seeds/chains/f$fmt-long"
        printf "\\x$fmt\\x00\\x28\\x01\\x01\\x02" > "$seeds/chains/f$fmt-double"
      done ;;
    cache)
      # Entry payloads (an entry without its 40-byte header) of a scan of the e2e fixtures, when
      # a normal build's binary is there to write them; otherwise the target starts from nothing.
      mkdir -p "$seeds/cache"
      if [[ -x ${EDGEGUARD_BIN:-build/edgeguard} ]]; then
        EDGEGUARD_CACHE_DIR="$work/cache" "${EDGEGUARD_BIN:-build/edgeguard}" scan fixtures/e2e --preset all \
          --fail-on none >/dev/null 2>&1
        for e in "$work"/cache/????????????????????????????????; do
          [[ -f $e ]] && tail -c +41 "$e" | head -c "$max_len" > "$seeds/cache/$(basename "$e")"
        done
      fi ;;
    *) mkdir -p "$seeds/$1" ;;  # a new target without seeds starts from nothing
  esac
}

results=${FUZZ_RESULTS:-$build/fuzz-results.txt}  # FUZZ_RESULTS: for runs side by side
: > "$results"
status=0
total_start=$SECONDS
printf '%-16s %8s %10s %10s %8s %s\n' target seconds execs exec/s corpus result | tee -a "$results"
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz: no target fuzz_$t" >&2; status=2; continue; }
  gather "$t"
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  log=$build/fuzz-$t.log
  start=$SECONDS
  # Run in an empty directory: front-ends that follow local modules read relative paths.
  (cd "$work" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
     UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$root/$bin" "$root/$corpus" "$seeds/$t" -max_total_time="$seconds" -max_len="$max_len" \
       -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$root/$artifacts/" >"$root/$log" 2>&1)
  rc=$?
  took=$((SECONDS - start))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  if ((rc == 0)); then
    result=ok
  else
    result="FAILED (exit $rc, see $log; inputs in $artifacts)"
    status=1
  fi
  printf '%-16s %8s %10s %10s %8s %s\n' "$t" "$took" "${execs:-?}" "${rate:-?}" "$size" "$result" | tee -a "$results"
done
echo "fuzz: $((SECONDS - total_start)) s in total for ${#targets[@]} targets (results in $results)" | tee -a "$results"
exit $status
