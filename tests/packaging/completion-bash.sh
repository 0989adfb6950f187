#!/usr/bin/env bash
# The bash completion script, as `edgeguard completion bash` renders it (and the build installs
# it), completes subcommands, options and option values. Each case sets COMP_WORDS/COMP_CWORD as
# readline would and calls the completion function. Run from the repository root.
set -uo pipefail
bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" completion bash >"$tmp/edgeguard.bash" || { echo "edgeguard completion bash failed"; exit 1; }
bash -n "$tmp/edgeguard.bash" || { echo "syntax error in the bash completion"; exit 1; }
# shellcheck disable=SC1091
source "$tmp/edgeguard.bash"
[[ $(complete -p edgeguard) == *"-F _edgeguard edgeguard"* ]] || { echo "no completion registered: $(complete -p edgeguard)"; exit 1; }

# The formats `scan --format` accepts (the reporter table, linter/report/Reporter.h), as --help lists them.
formats=$("$bin" scan --help | sed -n 's/.*--format TEXT:{\([^}]*\)}.*/\1/p' | tr ',' '\n' | LC_ALL=C sort | tr '\n' ' ')
formats=${formats% }
[[ $formats == *sarif* ]] || { echo "cannot read the formats from edgeguard scan --help"; exit 1; }
fail=0
# expect "expected words (sorted, space-separated)" word0 word1 ... current
expect() {
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _edgeguard
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ')
  got=${got% }
  if [[ $got != "$want" ]]; then
    echo "FAIL: edgeguard ${*:2}<TAB>: expected [$want], got [$got]"
    fail=1
  else
    echo "ok: ${*}<TAB> -> $got"
  fi
}
expect "scan" edgeguard sc
# Every subcommand `edgeguard --help` lists (CLI11's own formatter), and nothing else.
commands=$("$bin" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}' | LC_ALL=C sort | tr '\n' ' ')
[[ $commands == *scan* ]] || { echo "cannot read the subcommands from edgeguard --help"; exit 1; }
expect "${commands% }" edgeguard ""
expect "--help --version -h" edgeguard -
expect "--format" edgeguard scan --fo
expect "--help" edgeguard scan --he
expect "$formats" edgeguard scan --format ""
expect "$formats" edgeguard scan -f ""
expect "sarif" edgeguard scan --format sa
expect "json junit" edgeguard scan --format j
# --format=<TAB> and --format=ma<TAB>: readline splits at '='.
expect "$formats" edgeguard scan --format = ""
expect "markdown" edgeguard scan --format = ma
expect "high low medium none" edgeguard scan --fail-on ""
expect "always auto never" edgeguard scan --color ""
expect "all recommended strict" edgeguard scan --preset ""
expect "high low medium" edgeguard scan --min-severity ""
expect "--min-severity" edgeguard scan --min
expect "--fail-on --fail-on-stale" edgeguard scan --fail-on
expect "--format" edgeguard rules --fo
expect "json text" edgeguard rules --format ""
expect "json text" edgeguard version --format ""
expect "bash fish zsh" edgeguard completion ""
# Options before the subcommand do not hide it; a format value is not taken for a subcommand.
expect "--format" edgeguard scan fixtures/demo --form
# Values that are paths complete from the file system.
expect "fixtures/demo" edgeguard scan fixtures/de
expect "fixtures" edgeguard scan --policy-dir fixtu
expect "tests/packaging/completion-bash.sh" edgeguard scan --output tests/packaging/completion-b
# A value no list describes (a number) offers nothing.
expect "" edgeguard scan --jobs ""
exit $fail
