#!/usr/bin/env bash
# The GitHub Action's scripts (.ci/action-*), run as action.yml runs them, outside GitHub:
#  1. with a stub edgeguard that records its arguments: how inputs become one `edgeguard scan`
#     (paths, config, fail-on, diff-base, formats, sarif-file, summary, args), the step outputs,
#     and that the step does not fail on findings (the upload step after it must run);
#  2. action-prepare: a given binary, or a build keyed by a stable hash of the action's sources;
#  3. with the real binary on fixtures/demo: annotations on standard output, a valid SARIF file,
#     the Markdown report appended to $GITHUB_STEP_SUMMARY, exit-code 1.
set -uo pipefail
bin=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")  # the scripts run in other directories
repo=$(pwd -P)
source tests/packaging/lib/reports.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cat >"$tmp/stub" <<'STUB'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$STUB_ARGS"
{ printf '%s\n' "$@"; echo ---; } >>"$STUB_ARGS.all"
exit "${STUB_EXIT:-0}"
STUB
chmod +x "$tmp/stub"

# run_scan NAME EXPECTED_ARGS(one per line) [VAR=VALUE...]: runs action-scan in a fresh workspace.
run_scan() {
  local name=$1 want=$2
  shift 2
  local ws=$tmp/ws-$name
  mkdir -p "$ws"
  : >"$ws/output"
  : >"$ws/summary"
  (cd "$ws" && env -i PATH="$PATH" HOME="$tmp" EDGEGUARD="$tmp/stub" STUB_ARGS="$ws/args" \
     GITHUB_OUTPUT="$ws/output" GITHUB_STEP_SUMMARY="$ws/summary" "$@" bash "$repo/.ci/action-scan" >"$ws/log" 2>&1)
  local status=$?
  [[ $status == 0 ]] || { echo "FAIL $name: action-scan exited $status"; cat "$ws/log"; fail=1; }
  local got
  got=$(cat "$ws/args" 2>/dev/null)
  if [[ $got != "$want" ]]; then
    echo "$want" >"$ws/want"
    echo "FAIL $name: arguments"; diff "$ws/want" "$ws/args" | sed 's/^/  /'; fail=1
  else
    echo "ok: $name"
  fi
}

run_scan defaults "$(printf '%s\n' scan . --format sarif --output edgeguard.sarif --format markdown --output edgeguard.md --format github)" \
  EDGEGUARD_FORMATS=sarif,github,markdown EDGEGUARD_SUMMARY=true
run_scan all-inputs "$(printf '%s\n' scan 'infra/a b' edge --config cfg/.edgeguard.yaml --fail-on medium --diff-base abc123 \
    --format json --output edgeguard.json --format junit --output edgeguard.xml --format text --show-unknown --jobs 2)" \
  EDGEGUARD_PATHS=$'  infra/a b\nedge\n' EDGEGUARD_CONFIG=cfg/.edgeguard.yaml EDGEGUARD_FAIL_ON=medium \
  EDGEGUARD_DIFF_BASE=abc123 EDGEGUARD_FORMATS='json, junit text json' EDGEGUARD_SUMMARY=false \
  EDGEGUARD_ARGS='--show-unknown --jobs 2'
run_scan text-beside-annotations "$(printf '%s\n' scan infra edge --format sarif --output out/r.sarif --format github --format text --output edgeguard.txt)" \
  EDGEGUARD_PATHS='infra edge' EDGEGUARD_FORMATS='text github sarif' EDGEGUARD_SARIF_FILE=out/r.sarif EDGEGUARD_SUMMARY=false
[[ -d $tmp/ws-text-beside-annotations/out ]] || { echo "FAIL: the SARIF file's directory was not created"; fail=1; }
# diff-base with sarif: a full scan writes the SARIF (code scanning must see every alert), then
# the diff scan gives the annotations, the summary and the exit status.
run_scan diff-split "$(printf '%s\n' scan infra --fail-on medium --diff-base abc123 --format markdown --output edgeguard.md --format github)" \
  EDGEGUARD_PATHS=infra EDGEGUARD_FAIL_ON=medium EDGEGUARD_DIFF_BASE=abc123 EDGEGUARD_FORMATS=sarif,github EDGEGUARD_SUMMARY=true
want_all=$(printf '%s\n' scan infra --fail-on none --format sarif --output edgeguard.sarif --- \
  scan infra --fail-on medium --diff-base abc123 --format markdown --output edgeguard.md --format github ---)
[[ $(cat "$tmp/ws-diff-split/args.all") == "$want_all" ]] ||
  { echo "FAIL diff-split: the scans run were:"; cat "$tmp/ws-diff-split/args.all"; fail=1; }

# Findings (stub exits 1): the step succeeds and reports exit-code=1.
run_scan findings "$(printf '%s\n' scan . --format markdown --output edgeguard.md)" EDGEGUARD_FORMATS= STUB_EXIT=1
grep -qx 'exit-code=1' "$tmp/ws-findings/output" || { echo "FAIL: exit-code=1 not in the step outputs"; cat "$tmp/ws-findings/output"; fail=1; }
# A bad input: an ::error, exit-code=2, and edgeguard is not run.
rm -f "$tmp/ws-bad/args"
mkdir -p "$tmp/ws-bad"; : >"$tmp/ws-bad/output"
(cd "$tmp/ws-bad" && env -i PATH="$PATH" EDGEGUARD="$tmp/stub" STUB_ARGS="$tmp/ws-bad/args" GITHUB_OUTPUT="$tmp/ws-bad/output" \
   EDGEGUARD_FORMATS='sarif pdf' bash "$repo/.ci/action-scan" >"$tmp/ws-bad/log" 2>&1)
if grep -q "^::error title=edgeguard::unknown format 'pdf'" "$tmp/ws-bad/log" && grep -qx 'exit-code=2' "$tmp/ws-bad/output" &&
   [[ ! -e $tmp/ws-bad/args ]]; then echo "ok: unknown format"; else echo "FAIL: unknown format"; cat "$tmp/ws-bad/log"; fail=1; fi

# action-prepare (step outputs through a file: minimal chroots may lack /dev/stdout).
prepare() { rm -f "$tmp/prep.out"; env -i PATH="$PATH" GITHUB_OUTPUT="$tmp/prep.out" "$@" bash .ci/action-prepare && cat "$tmp/prep.out"; }
out=$(prepare EDGEGUARD_BINARY="$tmp/stub")
[[ $out == $'build=false\nbinary='"$tmp/stub" ]] && echo "ok: prepare with a binary" || { echo "FAIL: prepare with a binary: $out"; fail=1; }
if env -i PATH="$PATH" EDGEGUARD_BINARY="$tmp/none" GITHUB_OUTPUT=/dev/null bash .ci/action-prepare >"$tmp/prep.log" 2>&1; then
  echo "FAIL: prepare accepted a missing binary"; fail=1
else
  grep -q '^::error' "$tmp/prep.log" && echo "ok: prepare rejects a missing binary" || { echo "FAIL: no ::error"; fail=1; }
fi
# The action's files without build output: a copy, so files this test run creates do not matter.
mkdir "$tmp/action"
git ls-files -z 2>/dev/null | xargs -0 cp --parents -t "$tmp/action" 2>/dev/null || cp -r action.yml .ci "$tmp/action"
p1=$(prepare GITHUB_ACTION_PATH="$tmp/action" RUNNER_TEMP="$tmp/runner")
mkdir -p "$tmp/action/build" && echo x >"$tmp/action/build/ignored"
p2=$(prepare GITHUB_ACTION_PATH="$tmp/action" RUNNER_TEMP="$tmp/runner")
echo changed >>"$tmp/action/action.yml"
p3=$(prepare GITHUB_ACTION_PATH="$tmp/action" RUNNER_TEMP="$tmp/runner")
if [[ $p1 =~ build=true && $p1 =~ source-hash=[0-9a-f]{32} && $p1 =~ binary=$tmp/runner/edgeguard-[0-9a-f]{32}/edgeguard &&
      $p1 == "$p2" && $p1 != "$p3" ]]; then
  echo "ok: prepare keys the build on the action's sources (build output ignored)"
else
  echo "FAIL: prepare keys: [$p1] [$p2] [$p3]"; fail=1
fi

# The real binary on the demo, with the action's default inputs.
ws=$tmp/demo
cp -r fixtures/demo "$ws"
: >"$tmp/demo-output"
echo "# Earlier step" >"$tmp/demo-summary"
(cd "$ws" && env -i PATH="$PATH" HOME="$tmp" EDGEGUARD="$bin" GITHUB_OUTPUT="$tmp/demo-output" GITHUB_STEP_SUMMARY="$tmp/demo-summary" \
   EDGEGUARD_PATHS=. EDGEGUARD_FORMATS=sarif,github,markdown EDGEGUARD_SARIF_FILE=edgeguard.sarif EDGEGUARD_MARKDOWN_FILE=edgeguard.md \
   EDGEGUARD_SUMMARY=true bash "$repo/.ci/action-scan" >"$tmp/demo-log" 2>&1) || { echo "FAIL: action-scan on the demo"; fail=1; }
grep -qx 'exit-code=1' "$tmp/demo-output" && grep -qx 'sarif-file=edgeguard.sarif' "$tmp/demo-output" &&
  grep -qx 'markdown-file=edgeguard.md' "$tmp/demo-output" || { echo "FAIL: demo step outputs:"; cat "$tmp/demo-output" "$tmp/demo-log"; fail=1; }
n=$(grep -cE '^::(error|warning|notice) file=' "$tmp/demo-log")
((n > 0)) && echo "ok: $n annotations on standard output" || { echo "FAIL: no annotations"; cat "$tmp/demo-log"; fail=1; }
head -n1 "$tmp/demo-summary" | grep -qx '# Earlier step' || { echo "FAIL: the summary was overwritten, not appended to"; fail=1; }
tail -n +2 "$tmp/demo-summary" | cmp -s - "$ws/edgeguard.md" || { echo "FAIL: summary != edgeguard.md"; fail=1; }
check_sarif "$ws/edgeguard.sarif" || fail=1
check_markdown "$ws/edgeguard.md" || fail=1
exit $fail
