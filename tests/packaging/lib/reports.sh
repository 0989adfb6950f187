# shellcheck shell=bash
# Sourced by tests/packaging/*.sh: checks that report files are well-formed. Each function prints
# what it checked and returns non-zero on a defect; a missing optional validator is reported as
# skipped, and the cheaper structural checks still run.

# SARIF: JSON with version 2.1.0 and a run of tool edgeguard; then the SARIF 2.1.0 schema check of
# ../shared/tools/sarif/validate-sarif.sh (multitool + ajv) when it and its npm harness exist.
check_sarif() {
  local f=$1
  [[ -s $f ]] || { echo "FAIL: $f is missing or empty"; return 1; }
  node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (log.version !== "2.1.0" || !log.runs || log.runs[0].tool.driver.name !== "edgeguard") process.exit(1);
  ' "$f" || { echo "FAIL: $f is not a SARIF 2.1.0 log of edgeguard"; return 1; }
  local validator=${EDGEGUARD_SARIF_VALIDATOR:-../shared/tools/sarif/validate-sarif.sh}
  local harness=${HARNESS_NM:-/tmp/harness/node_modules}
  if [[ -x $validator && -d $harness/ajv && -d $harness/@microsoft/sarif-multitool-linux ]]; then
    bash "$validator" "$f" >"$f.validation" 2>&1 || { cat "$f.validation"; echo "FAIL: $f fails SARIF validation"; return 1; }
    echo "ok: $f passes validate-sarif.sh (SARIF multitool and the 2.1.0 schemas)"
  else
    echo "ok: $f parses (schema validation SKIPPED: $validator or $harness not installed)"
  fi
}

# JUnit XML: well-formed (xmllint when installed), a <testsuites> root with test cases.
check_junit() {
  local f=$1
  [[ -s $f ]] || { echo "FAIL: $f is missing or empty"; return 1; }
  grep -q '<testsuites' "$f" && grep -q '<testcase ' "$f" || { echo "FAIL: $f has no <testsuites>/<testcase>"; return 1; }
  if command -v xmllint >/dev/null; then
    xmllint --noout "$f" || { echo "FAIL: $f is not well-formed XML"; return 1; }
    echo "ok: $f is well-formed JUnit ($(xmllint --xpath 'count(//testcase)' "$f") test cases)"
  else
    echo "ok: $f has test cases (xmllint SKIPPED: not installed)"
  fi
}

# Markdown summary: a heading and the findings table (or, in diff mode with nothing new, the
# "No findings" line).
check_markdown() {
  local f=$1
  [[ -s $f ]] || { echo "FAIL: $f is missing or empty"; return 1; }
  grep -q '^#' "$f" || { echo "FAIL: $f has no heading"; return 1; }
  grep -q '^|' "$f" || grep -q '^No findings' "$f" || { echo "FAIL: $f has neither a findings table nor 'No findings'"; return 1; }
  echo "ok: $f is a Markdown summary ($(wc -l <"$f") lines)"
}
