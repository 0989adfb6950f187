#!/usr/bin/env bash
# edgeguard benchmarks (on demand, never part of `make test`). Measures everything issue 8 asks
# for in one run, so machine noise cancels in the ratios, prints a table and writes
# bench/RESULTS.md.
#   bench/run.sh                 # FILES=6500: ~100 MB over Terraform, Bicep, ARM and IoT Edge
#   FILES=1000 GROWTH=0 bench/run.sh   # quick
# Needs python3 (corpus generator, scorer). Uses HashiCorp's Go HCL parser from
# ../shared/tools/hclparse when it has been built (/tmp/harness/gobuild/hclparse).
# Times are the best of RUNS wall-clock runs (default 3); CPU is user+sys of that run.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-6500}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
GROWTH=${GROWTH:-1}
BIN=${BIN:-build/edgeguard}
PARSE=${PARSE:-build/eg_bench_parse}
GEN=../shared/tools/gencorpus.py
HCLPARSE=${HCLPARSE:-/tmp/harness/gobuild/hclparse}
corpus_dir() { echo "${CORPUS_ROOT:-bench/.corpus}/files-$1-seed-$SEED"; }
CORPUS=${CORPUS:-$(corpus_dir "$FILES")}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[[ -x $BIN && -x $PARSE ]] || { echo "build first: make (and cmake --build build --target eg_bench_parse)" >&2; exit 2; }
make_corpus() {
  [[ -d $1 ]] && return
  [[ -f $GEN ]] || { echo "corpus generator $GEN not found" >&2; exit 2; }
  python3 "$GEN" "$1" --files "$2" --seed "$SEED" >/dev/null
}
make_corpus "$CORPUS" "$FILES"
bytes_of() { find "$@" -type f ! -name expected.json -printf '%s\n' | awk '{s+=$1} END {print s}'; }
TF=$CORPUS/terraform
tf_bytes=$(bytes_of "$TF")
all_bytes=$(bytes_of "$CORPUS")
all_files=$(find "$CORPUS" -type f ! -name expected.json | wc -l)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# best VAR CMD...: best wall seconds of $RUNS runs into VAR; that run's user+sys seconds into
# $cpu; the largest peak RSS (KB) of all runs into $rss. Standard output goes to $TMP/out.
best() {
  local var=$1 b=999999 t u s m
  shift
  rss=0 cpu=0
  for ((k = 0; k < RUNS; k++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/out" 2>/dev/null || true
    # GNU time prefixes "Command exited with non-zero status N" when the exit status is not 0.
    read -r t u s m < <(tail -n 1 "$TMP/time")
    if awk -v a="$t" -v b="$b" 'BEGIN {exit !(a < b)}'; then
      b=$t
      cpu=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
    fi
    ((m > rss)) && rss=$m
  done
  printf -v "$var" '%s' "$b"
}
# quick VAR CMD...: best wall seconds of 10 runs (millisecond resolution, bash's `time`) into
# VAR, that run's user+sys into $cpu.
quick() {
  local var=$1 b=999999 t u s
  shift
  cpu=0
  for ((k = 0; k < 10; k++)); do
    { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>"$TMP/qtime" || true
    read -r t u s <"$TMP/qtime"
    if awk -v a="$t" -v b="$b" 'BEGIN {exit !(a < b)}'; then
      b=$t
      cpu=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.3f", u + s}')
    fi
  done
  printf -v "$var" '%s' "$b"
}
ratio() { [[ $1 == n/a || $2 == n/a ]] && { echo n/a; return; }; awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s == 0) print "n/a"; else printf "%.1f", b / 1e6 / s }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
verdict() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN { if (v == "n/a") print "n/a"; else if ((op == "<" && v < g) || (op == ">=" && v >= g) || (op == "<=" && v <= g)) print "met"; else print "missed" }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

echo "corpus: $CORPUS: $all_files files, $((all_bytes / 1000)) kB (Terraform $((tf_bytes / 1000)) kB); load average $load_before" >&2

echo "parse floor ..." >&2
parse1=$("$PARSE" --jobs 1 --repeat "$RUNS" "$CORPUS" | field seconds)
parse2=$("$PARSE" --jobs 2 --repeat "$RUNS" "$CORPUS" | field seconds)
echo "full scans ..." >&2
best scan1 "$BIN" scan "$CORPUS" --jobs 1 --format json --fail-on none --no-config --no-cache; rss1=$rss cpu1=$cpu
best scan2 "$BIN" scan "$CORPUS" --jobs 2 --format json --fail-on none --no-config --no-cache; rss2=$rss cpu2=$cpu
cp "$TMP/out" "$TMP/report.json"
echo "Go HCL parser ..." >&2
go="n/a"
if [[ -x $HCLPARSE ]]; then
  go=$("$HCLPARSE" -q -repeat "$RUNS" "$TF" | field seconds)
fi
echo "single file ..." >&2
one=$(find "$TF" -name '*.tf' -print | sort | awk 'NR == 1')  # awk reads all: no SIGPIPE under pipefail
mkdir -p "$TMP/alone"
cp "$one" "$TMP/alone/main.tf"
quick single_dir "$BIN" scan "$one" --fail-on none --no-config --no-cache; cpu_single_dir=$cpu
quick single "$BIN" scan "$TMP/alone/main.tf" --fail-on none --no-config --no-cache; cpu_single=$cpu
quick version "$BIN" version; cpu_version=$cpu
quick truetime /bin/true
echo "recall and precision ..." >&2
score=$(python3 bench/score.py "$CORPUS" "$TMP/report.json" --quiet 2>/dev/null | tail -n 1 || true)
python3 bench/score.py "$CORPUS" "$TMP/report.json" >"$TMP/score.md" 2>/dev/null || true
recall=$(sed -n 's/recall=\([0-9.]*\)%.*/\1/p' <<<"$score")
precision=$(sed -n 's/.*precision=\([0-9.]*\)%.*/\1/p' <<<"$score")

growth_rows=""
if [[ $GROWTH == 1 ]]; then
  echo "linear growth (2x corpus) ..." >&2
  BIG=$(corpus_dir $((FILES * 2)))
  make_corpus "$BIG" $((FILES * 2))
  big_bytes=$(bytes_of "$BIG")
  best scanbig "$BIN" scan "$BIG" --jobs 2 --format json --fail-on none --no-config --no-cache; rssbig=$rss
  # the same number of runs on the base corpus right after, so both see the same load
  best scanbase "$BIN" scan "$CORPUS" --jobs 2 --format json --fail-on none --no-config --no-cache; rssbase=$rss
  growth_rows="| growth: 2x corpus ($((big_bytes / 1000000)) MB), 2 jobs: time / time | **$(ratio "$scanbig" "$scanbase")** (${scanbig} s vs ${scanbase} s) | ≤ 2.1 | $(verdict "$(ratio "$scanbig" "$scanbase")" 2.1 "<=") |
| growth: 2x corpus, 2 jobs: peak RSS / peak RSS | **$(ratio "$rssbig" "$rssbase")** ($((rssbig / 1024)) MB vs $((rssbase / 1024)) MB) | ≤ 2.1 | $(verdict "$(ratio "$rssbig" "$rssbase")" 2.1 "<=") |"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

r1=$(ratio "$scan2" "$go")
r2=$(ratio "$scan1" "$parse1")
r3=$(ratio "$scan1" "$scan2")
r4=$(ratio "$((rss2 * 1024))" "$all_bytes")
report=$(cat <<TABLE
| measurement | value |
|---|---|
| input | $all_files files, $((all_bytes / 1000)) kB (Terraform $((tf_bytes / 1000)) kB in $(find "$TF" -name '*.tf' | wc -l) files) |
| parse only, all formats, 1 job | ${parse1} s ($(mbs "$all_bytes" "$parse1") MB/s) |
| parse only, all formats, 2 jobs | ${parse2} s ($(mbs "$all_bytes" "$parse2") MB/s) |
| full scan (parse, evaluate, map, link, policies, JSON), 1 job | ${scan1} s ($(mbs "$all_bytes" "$scan1") MB/s), CPU ${cpu1} s, peak RSS $((rss1 / 1024)) MB |
| full scan, 2 jobs | ${scan2} s ($(mbs "$all_bytes" "$scan2") MB/s), CPU ${cpu2} s, peak RSS $((rss2 / 1024)) MB |
| Go hcl/v2 parse only of the Terraform part (tflint/tfsec/trivy's parser) | ${go} s ($(mbs "$tf_bytes" "$go") MB/s) |
| one .tf named in its 100-file directory (pre-commit) | $(ms "$single_dir") wall, CPU $(ms "$cpu_single_dir") |
| one .tf alone in a directory | $(ms "$single") wall, CPU $(ms "$cpu_single") |
| \`edgeguard version\` / \`/bin/true\` | $(ms "$version") (CPU $(ms "$cpu_version")) / $(ms "$truetime") |

| goal | measured | target | |
|---|---|---|---|
| 1. full scan of all four formats, 2 jobs / Go parse of the Terraform part | **${r1}** | < 1.0 | $(verdict "$r1" 1.0 "<") |
| 2. full scan / our parse-only floor (1 job) | **${r2}** | < 1.25 | $(verdict "$r2" 1.25 "<") |
| 3. scaling: 1 job / 2 jobs | **${r3}** | ≥ 1.8 | $(verdict "$r3" 1.8 ">=") |
| 4. peak RSS (2 jobs) / input bytes | **${r4}** | < 1.0 | $(verdict "$r4" 1.0 "<") |
| 5. one-file scan (pre-commit: named .tf in its directory) | **$(ms "$single_dir")** (alone: $(ms "$single"); /bin/true $(ms "$truetime")) | < 10 ms | $(verdict "$single_dir" 0.010 "<") |
| 6. recall / precision on the planted rules | **${recall:-n/a}% / ${precision:-n/a}%** | 100% / 100% | $(verdict "${recall:-n/a}" 100 ">=") / $(verdict "${precision:-n/a}" 100 ">=") |
${growth_rows}

Load average (1, 5, 15 min) before: ${load_before}; after: ${load_after} (2 cores).
TABLE
)
echo "$report"
{
  echo "# Benchmark results"
  echo
  echo "Generated by \`bench/run.sh\` (FILES=$FILES, SEED=$SEED, RUNS=$RUNS) on $(date -u +%Y-%m-%d):"
  echo "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)."
  echo "Times are the best of $RUNS wall-clock runs (10 for the one-file rows); ratios are from the same run."
  echo "Reproduce: \`cmake --build build --target edgeguard eg_bench_parse && FILES=$FILES bench/run.sh\`."
  echo
  echo "$report"
  echo
  echo "## Recall and precision per planted kind (\`bench/score.py\`)"
  echo
  cat "$TMP/score.md"
  if [[ -f bench/NOTES.md ]]; then
    echo
    cat bench/NOTES.md
  fi
  # Sections measured by other benchmarks (eg_bench_lsp's "LSP latency") are kept as they are.
  if [[ -f bench/RESULTS.md ]] && grep -q '^## LSP latency' bench/RESULTS.md; then
    echo
    sed -n '/^## LSP latency/,$p' bench/RESULTS.md
  fi
} > "$TMP/RESULTS.md"
mv "$TMP/RESULTS.md" bench/RESULTS.md
