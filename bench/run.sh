#!/usr/bin/env bash
# edgeguard benchmarks (on demand, never part of `make test`). Measures everything issues 8 and
# 19 ask for in one run, so machine noise cancels in the ratios, prints a table and writes
# bench/RESULTS.md (only the parts it owns: see the end of this file).
#   bench/run.sh                 # FILES=6500: ~100 MB over Terraform, Bicep, ARM and IoT Edge
#   FILES=1000 GROWTH=0 bench/run.sh   # quick
#   BIN_BEFORE=/tmp/eg-before FILES=1500 SEED=11 CORPUS_ROOT=/tmp/bc GROWTH=0 bench/run.sh
#     # every row twice, before and after, the two binaries alternating run by run
# Needs python3 (corpus generator, scorer). Uses HashiCorp's Go HCL parser from
# ../shared/tools/hclparse when it has been built (/tmp/harness/gobuild/hclparse).
# Times are the best of RUNS wall-clock runs (default 3); CPU is user+sys of that run; every
# figure has the 1-minute load average taken when its best run started (2 cores shared with
# other builds: compare CPU and the ratios of one run, not wall times of different runs).
# A binary that reports its phases (EDGEGUARD_TIMING=1 edgeguard scan) gets rows for them.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-6500}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
GROWTH=${GROWTH:-1}
BIN=${BIN:-build/edgeguard}
BIN_BEFORE=${BIN_BEFORE:-}
PARSE=${PARSE:-build/eg_bench_parse}
GEN=../shared/tools/gencorpus.py
HCLPARSE=${HCLPARSE:-/tmp/harness/gobuild/hclparse}
corpus_dir() { echo "${CORPUS_ROOT:-bench/.corpus}/files-$1-seed-$SEED"; }
CORPUS=${CORPUS:-$(corpus_dir "$FILES")}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[[ -x $BIN && -x $PARSE ]] || { echo "build first: make (and cmake --build build --target eg_bench_parse)" >&2; exit 2; }
[[ -z $BIN_BEFORE || -x $BIN_BEFORE ]] || { echo "BIN_BEFORE=$BIN_BEFORE is not an executable" >&2; exit 2; }
# Which binaries: "after" always, "before" when BIN_BEFORE is set; bin_of SIDE.
SIDES=(after)
[[ -n $BIN_BEFORE ]] && SIDES=(before after)
bin_of() { if [[ $1 == before ]]; then echo "$BIN_BEFORE"; else echo "$BIN"; fi; }
# nocache SIDE: --no-cache when that binary has an on-disk result cache (full scans measure the
# work, not the cache; only the pre-commit rows' second run is meant to hit it).
# (The help is read whole first: `grep -q` closing the pipe early fails the pipeline under
# pipefail, which silently left the cache on.)
nocache() {
  local help
  help=$("$(bin_of "$1")" scan --help 2>&1 || true)
  if [[ $help == *--no-cache* ]]; then echo --no-cache; fi
}
# The pre-commit rows give each repetition its own XDG_CACHE_HOME; nothing may override it.
unset EDGEGUARD_CACHE_DIR

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
load1() { cut -d' ' -f1 /proc/loadavg; }

# Results by key (e.g. scan1.after): best wall seconds, user+sys seconds and load average of
# that run, the largest peak RSS (KB) of all runs, and the phase line of the best run.
declare -A WALL CPU LOAD RSS PHASES
# once KEY CMD...: one run of CMD, kept in the arrays above when it is KEY's best so far.
# Standard output goes to $TMP/KEY.out.
once() {
  local key=$1 t u s m l
  shift
  l=$(load1)
  EDGEGUARD_TIMING=1 /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/$key.out" 2>"$TMP/err" || true
  # GNU time prefixes "Command exited with non-zero status N" when the exit status is not 0.
  read -r t u s m < <(tail -n 1 "$TMP/time")
  if [[ -z ${WALL[$key]:-} ]] || awk -v a="$t" -v b="${WALL[$key]}" 'BEGIN {exit !(a < b)}'; then
    WALL[$key]=$t
    CPU[$key]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
    LOAD[$key]=$l
    PHASES[$key]=$(sed -n 's/^edgeguard: timing: //p' "$TMP/err" | tail -n 1)
  fi
  if [[ -z ${RSS[$key]:-} ]] || ((m > RSS[$key])); then RSS[$key]=$m; fi
}
# quick KEY CMD...: like once, with millisecond resolution (bash's `time`); no RSS.
quick() {
  local key=$1 t u s l
  shift
  l=$(load1)
  { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>"$TMP/qtime" || true
  read -r t u s <"$TMP/qtime"
  if [[ -z ${WALL[$key]:-} ]] || awk -v a="$t" -v b="${WALL[$key]}" 'BEGIN {exit !(a < b)}'; then
    WALL[$key]=$t
    CPU[$key]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.3f", u + s}')
    LOAD[$key]=$l
  fi
}
ratio() { [[ $1 == n/a || $2 == n/a || -z $1 || -z $2 ]] && { echo n/a; return; }; awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s == 0) print "n/a"; else printf "%.1f", b / 1e6 / s }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
verdict() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN { if (v == "n/a") print "n/a"; else if ((op == "<" && v < g) || (op == ">=" && v >= g) || (op == "<=" && v <= g)) print "met"; else print "missed" }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
# phase KEY NAME...: the sum of these phases (ms) in KEY's best run, or n/a.
phase() {
  local key=$1
  shift
  [[ -n ${PHASES[$key]:-} ]] || { echo n/a; return; }
  awk -v line="${PHASES[$key]}" -v names="$*" 'BEGIN {
    n = split(names, want, " "); split(line, kv, " "); s = 0; found = 0
    for (i in kv) { split(kv[i], p, "="); for (j = 1; j <= n; j++) if (p[1] == want[j]) { s += p[2]; found = 1 } }
    if (found) printf "%.0f", s; else print "n/a" }'
}

echo "corpus: $CORPUS: $all_files files, $((all_bytes / 1000)) kB (Terraform $((tf_bytes / 1000)) kB); load average $load_before" >&2

echo "parse floor ..." >&2
l=$(load1)
parse1=$("$PARSE" --jobs 1 --repeat "$RUNS" "$CORPUS" | field seconds); parse1_load=$l
l=$(load1)
parse2=$("$PARSE" --jobs 2 --repeat "$RUNS" "$CORPUS" | field seconds); parse2_load=$l
# The floor's CPU seconds (user+sys of one pass, reading the files included, as a scan reads
# them): the least of RUNS runs. The CPU ratio is the one load on the machine distorts least.
parse1_cpu=999999
for ((k = 0; k < RUNS; k++)); do
  /usr/bin/time -f '%U %S' -o "$TMP/time" "$PARSE" --jobs 1 --repeat 1 "$CORPUS" >/dev/null 2>&1 || true
  c=$(awk '{printf "%.2f", $1 + $2}' "$TMP/time")
  if awk -v a="$c" -v b="$parse1_cpu" 'BEGIN {exit !(a < b)}'; then parse1_cpu=$c; fi
done
echo "full scans (${SIDES[*]}) ..." >&2
for ((k = 0; k < RUNS; k++)); do
  for side in "${SIDES[@]}"; do
    once "scan1.$side" "$(bin_of "$side")" scan "$CORPUS" --jobs 1 --format json --fail-on none --no-config $(nocache "$side")
    once "scan2.$side" "$(bin_of "$side")" scan "$CORPUS" --jobs 2 --format json --fail-on none --no-config $(nocache "$side")
  done
done
cp "$TMP/scan2.after.out" "$TMP/report.json"
identical="n/a"
if [[ -n $BIN_BEFORE ]]; then
  identical=$(cmp -s "$TMP/scan2.before.out" "$TMP/scan2.after.out" && echo "byte-identical" || echo "DIFFERENT")
fi
echo "Go HCL parser ..." >&2
go="n/a" go_load=""
if [[ -x $HCLPARSE ]]; then
  go_load=$(load1)
  go=$("$HCLPARSE" -q -repeat "$RUNS" "$TF" | field seconds)
fi

echo "single file ..." >&2
# The pre-commit case: one .tf named inside its (100-file) module directory. Each repetition
# scans a fresh copy of the directory twice in a row (first run, second run), with a fresh
# XDG_CACHE_HOME, so that a result cache shows in the second run and never in the first.
one=$(find "$TF" -name '*.tf' -print | sort | awk 'NR == 1')  # awk reads all: no SIGPIPE under pipefail
one_dir=$(dirname "$one")
one_dir_files=$(find "$one_dir" -maxdepth 1 -type f | wc -l)
mkdir -p "$TMP/alone"
cp "$one" "$TMP/alone/main.tf"
for ((k = 0; k < 10; k++)); do
  for side in "${SIDES[@]}"; do
    copy="$TMP/pc-$side-$k"
    mkdir -p "$copy/cache"
    cp -r "$one_dir" "$copy/dir"
    XDG_CACHE_HOME="$copy/cache" quick "first.$side" "$(bin_of "$side")" scan "$copy/dir/$(basename "$one")" --fail-on none --no-config
    XDG_CACHE_HOME="$copy/cache" quick "second.$side" "$(bin_of "$side")" scan "$copy/dir/$(basename "$one")" --fail-on none --no-config
    rm -rf "$copy"
    quick "single.$side" "$(bin_of "$side")" scan "$TMP/alone/main.tf" --fail-on none --no-config $(nocache "$side")
  done
  quick version "$BIN" version
  quick truetime /bin/true
done

echo "recall and precision ..." >&2
# Rules the scan ran: the default preset (recommended); a planted kind whose rule did not run
# is not counted as "in effect" (EG009 is in `strict`).
ran=$("$BIN" rules --format json | python3 -c '
import json, sys
print(",".join(p["id"] for p in json.load(sys.stdin) if p.get("preset") in ("recommended", "")))')
score=$(python3 bench/score.py "$CORPUS" "$TMP/report.json" --rules-run "$ran" --quiet 2>/dev/null | tail -n 2 || true)
python3 bench/score.py "$CORPUS" "$TMP/report.json" --rules-run "$ran" >"$TMP/score.md" 2>/dev/null || true
recall=$(sed -n 's/^recall=\([0-9.]*\)%.*/\1/p' <<<"$score")
precision=$(sed -n 's/^recall.* precision=\([0-9.]*\)%.*/\1/p' <<<"$score")
recall_eff=$(sed -n 's/^in effect.*recall \([0-9.]*\)%.*/\1/p' <<<"$score")

growth_rows=""
if [[ $GROWTH == 1 ]]; then
  echo "linear growth (2x corpus) ..." >&2
  BIG=$(corpus_dir $((FILES * 2)))
  make_corpus "$BIG" $((FILES * 2))
  big_bytes=$(bytes_of "$BIG")
  # the base corpus right after the big one, run by run, so both see the same load
  for ((k = 0; k < RUNS; k++)); do
    for side in "${SIDES[@]}"; do
      once "big.$side" "$(bin_of "$side")" scan "$BIG" --jobs 2 --format json --fail-on none --no-config $(nocache "$side")
      once "base.$side" "$(bin_of "$side")" scan "$CORPUS" --jobs 2 --format json --fail-on none --no-config $(nocache "$side")
    done
  done
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# cell SIDE ROW: the figure of one row for one binary.
cell() {
  local s=$1
  case $2 in
    floor)
      echo "**$(ratio "${WALL[scan1.$s]}" "$parse1")** (${WALL[scan1.$s]} s, CPU ${CPU[scan1.$s]} s vs ${parse1} s; load ${LOAD[scan1.$s]} / ${parse1_load})" ;;
    cpufloor)
      echo "**$(ratio "${CPU[scan1.$s]}" "$parse1_cpu")** (CPU ${CPU[scan1.$s]} s vs ${parse1_cpu} s)" ;;
    scaling)
      echo "**$(ratio "${WALL[scan1.$s]}" "${WALL[scan2.$s]}")** (${WALL[scan1.$s]} s vs ${WALL[scan2.$s]} s, CPU ${CPU[scan1.$s]} / ${CPU[scan2.$s]} s; load ${LOAD[scan1.$s]} / ${LOAD[scan2.$s]})" ;;
    rss)
      echo "**$(ratio "$((RSS[scan2.$s] * 1024))" "$all_bytes")** ($((RSS[scan2.$s] / 1024)) MB; 1 job $((RSS[scan1.$s] / 1024)) MB)" ;;
    first)
      echo "**$(ms "${WALL[first.$s]}")** (CPU $(ms "${CPU[first.$s]}"); load ${LOAD[first.$s]})" ;;
    second)
      echo "**$(ms "${WALL[second.$s]}")** (CPU $(ms "${CPU[second.$s]}"); load ${LOAD[second.$s]})" ;;
    single)
      echo "$(ms "${WALL[single.$s]}") (CPU $(ms "${CPU[single.$s]}"); load ${LOAD[single.$s]})" ;;
    go)
      echo "**$(ratio "${WALL[scan2.$s]}" "$go")** (${WALL[scan2.$s]} s vs ${go} s; load ${LOAD[scan2.$s]} / ${go_load:-n/a})" ;;
    cross)
      local p1 p2
      p1=$(phase "scan1.$s" link global-policies) p2=$(phase "scan2.$s" link global-policies)
      [[ $p1 == n/a ]] && { echo "n/a (no phase times)"; return; }
      echo "**${p1} ms** 1 job / ${p2} ms 2 jobs (link $(phase "scan1.$s" link) + global policies $(phase "scan1.$s" global-policies) ms; of $(phase "scan1.$s" total) ms)" ;;
    phases1)
      echo "${PHASES[scan1.$s]:-n/a}" ;;
    phases2)
      echo "${PHASES[scan2.$s]:-n/a}" ;;
    big)
      echo "**$(ratio "${WALL[big.$s]}" "${WALL[base.$s]}")** time (${WALL[big.$s]} s vs ${WALL[base.$s]} s; load ${LOAD[big.$s]} / ${LOAD[base.$s]}), **$(ratio "${RSS[big.$s]}" "${RSS[base.$s]}")** RSS ($((RSS[big.$s] / 1024)) MB vs $((RSS[base.$s] / 1024)) MB)" ;;
  esac
}
# row TITLE ROW GOAL VALUE-FOR-VERDICT OP: one table row, before and after.
row() {
  local before="–"
  [[ -n $BIN_BEFORE ]] && before=$(cell before "$2")
  local v="–"
  [[ -n $4 ]] && v=$(verdict "$4" "$3" "$5")
  echo "| $1 | $before | $(cell after "$2") | ${5:+$5 }$3 | $v |"
}

details=$(cat <<TABLE
| measurement | value |
|---|---|
| input | $all_files files, $((all_bytes / 1000)) kB (Terraform $((tf_bytes / 1000)) kB in $(find "$TF" -name '*.tf' | wc -l) files) |
| parse only, all formats, 1 job | ${parse1} s ($(mbs "$all_bytes" "$parse1") MB/s; load ${parse1_load}), CPU of one pass ${parse1_cpu} s |
| parse only, all formats, 2 jobs | ${parse2} s ($(mbs "$all_bytes" "$parse2") MB/s; load ${parse2_load}) |
| full scan (parse, evaluate, map, link, policies, JSON), 1 job | ${WALL[scan1.after]} s ($(mbs "$all_bytes" "${WALL[scan1.after]}") MB/s), CPU ${CPU[scan1.after]} s, peak RSS $((RSS[scan1.after] / 1024)) MB |
| full scan, 2 jobs | ${WALL[scan2.after]} s ($(mbs "$all_bytes" "${WALL[scan2.after]}") MB/s), CPU ${CPU[scan2.after]} s, peak RSS $((RSS[scan2.after] / 1024)) MB |
| Go hcl/v2 parse only of the Terraform part (tflint/tfsec/trivy's parser) | ${go} s ($(mbs "$tf_bytes" "$go") MB/s; load ${go_load:-n/a}) |
| one .tf alone in a directory | $(cell after single) |
| \`edgeguard version\` / \`/bin/true\` | $(ms "${WALL[version]}") (CPU $(ms "${CPU[version]}")) / $(ms "${WALL[truetime]}") |
| recall / precision on the planted rules (default preset) | ${recall:-n/a}% / ${precision:-n/a}% (in effect: ${recall_eff:-n/a}%) |
TABLE
)
goals=$(cat <<TABLE
| issue 19 goal | before | after | goal | after |
|---|---|---|---|---|
| full scan / own parse-only floor, 1 job (wall) | $([[ -n $BIN_BEFORE ]] && cell before floor || echo –) | $(cell after floor) | ≤ 1.25 | $(verdict "$(ratio "${WALL[scan1.after]}" "$parse1")" 1.25 "<=") |
| the same in CPU seconds (scan / parse floor, 1 job) | $([[ -n $BIN_BEFORE ]] && cell before cpufloor || echo –) | $(cell after cpufloor) | ≤ 1.25 | $(verdict "$(ratio "${CPU[scan1.after]}" "$parse1_cpu")" 1.25 "<=") |
| scaling: 1 job / 2 jobs | $([[ -n $BIN_BEFORE ]] && cell before scaling || echo –) | $(cell after scaling) | ≥ 1.8 | $(verdict "$(ratio "${WALL[scan1.after]}" "${WALL[scan2.after]}")" 1.8 ">=") |
| peak RSS (2 jobs) / input bytes | $([[ -n $BIN_BEFORE ]] && cell before rss || echo –) | $(cell after rss) | ≤ 2 | $(verdict "$(ratio "$((RSS[scan2.after] * 1024))" "$all_bytes")" 2 "<=") |
| one .tf named in its ${one_dir_files}-file directory (pre-commit), first run | $([[ -n $BIN_BEFORE ]] && cell before first || echo –) | $(cell after first) | – | – |
| the same, second run | $([[ -n $BIN_BEFORE ]] && cell before second || echo –) | $(cell after second) | ≤ 20 ms | $(verdict "${WALL[second.after]}" 0.020 "<=") |
| one .tf alone in a directory | $([[ -n $BIN_BEFORE ]] && cell before single || echo –) | $(cell after single) | – | – |
| full 4-format scan, 2 jobs / Go hcl/v2 parse of the Terraform part | $([[ -n $BIN_BEFORE ]] && cell before go || echo –) | $(cell after go) | < 1.0 | $(verdict "$(ratio "${WALL[scan2.after]}" "$go")" 1.0 "<") |
| cross-unit phase (link + whole-graph policies), 1 job / 2 jobs | $([[ -n $BIN_BEFORE ]] && cell before cross || echo –) | $(cell after cross) | short | – |
| phases, 1 job (ms, EDGEGUARD_TIMING=1) | $([[ -n $BIN_BEFORE ]] && cell before phases1 || echo –) | $(cell after phases1) | – | – |
| phases, 2 jobs (ms) | $([[ -n $BIN_BEFORE ]] && cell before phases2 || echo –) | $(cell after phases2) | – | – |
$(if [[ $GROWTH == 1 ]]; then
  echo "| growth: 2x corpus ($((big_bytes / 1000000)) MB), 2 jobs: big / base | $([[ -n $BIN_BEFORE ]] && cell before big || echo –) | $(cell after big) | ≤ 2.1 | $(verdict "$(ratio "${RSS[big.after]}" "${RSS[base.after]}")" 2.1 "<=") (RSS) |"
fi)
| JSON report of the full scan (2 jobs), before vs after | | ${identical} | identical | – |
TABLE
)
report="$details

$goals

Load average (1, 5, 15 min) before: ${load_before}; after: ${load_after} ($(nproc) cores)."
echo "$report"

# bench/RESULTS.md: this script owns its head (up to the first '## ' heading), the section
# "## Recall and precision per planted kind" and the sections of bench/NOTES.md; every other
# '## ' section of the existing file (LSP latency, hand-written analyses) is kept as it is, in
# its order, after them.
{
  echo "# Benchmark results"
  echo
  echo "Generated by \`bench/run.sh\` (FILES=$FILES, SEED=$SEED, RUNS=$RUNS${BIN_BEFORE:+, BIN_BEFORE=$BIN_BEFORE}) on $(date -u +%Y-%m-%d):"
  echo "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)."
  echo "Times are the best of $RUNS wall-clock runs (10 for the one-file rows), before and after alternating"
  echo "run by run; CPU is user+sys of that run; ratios are from the same run."
  echo "Reproduce: \`cmake --build build --target edgeguard eg_bench_parse && FILES=$FILES SEED=$SEED bench/run.sh\`."
  echo
  echo "$report"
  echo
  echo "## Recall and precision per planted kind (\`bench/score.py\`)"
  echo
  cat "$TMP/score.md"
  owned=("## Recall and precision per planted kind")
  if [[ -f bench/NOTES.md ]]; then
    echo
    cat bench/NOTES.md
    while IFS= read -r h; do owned+=("$h"); done < <(grep '^## ' bench/NOTES.md || true)
  fi
  if [[ -f bench/RESULTS.md ]]; then
    printf '%s\n' "${owned[@]}" >"$TMP/owned"
    # each kept section as it is, without its trailing blank lines, after one blank line
    awk -v owned="$TMP/owned" '
      function done() { while (n > 0 && buf[n] == "") n--; if (n) { print ""; for (i = 1; i <= n; i++) print buf[i] } n = 0 }
      BEGIN { while ((getline h < owned) > 0) own[h] = 1; keep = 0; n = 0 }
      /^## / { done(); keep = !(($0 in own) || index($0, "## Recall and precision per planted kind") == 1) }
      keep { buf[++n] = $0 }
      END { done() }' bench/RESULTS.md
  fi
} > "$TMP/RESULTS.md"
mv "$TMP/RESULTS.md" bench/RESULTS.md
