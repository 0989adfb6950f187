#!/usr/bin/env bash
# The fish completion script parses (fish -n) and completes subcommands, options and values
# (fish's own `complete -C`). Skipped (77) when fish is not installed.
set -uo pipefail
bin=$2
command -v fish >/dev/null 2>&1 || { echo "fish is not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" completion fish >"$tmp/edgeguard.fish" || exit 1
fish -n "$tmp/edgeguard.fish" || { echo "fish -n rejects the completion script"; exit 1; }
# The formats `scan --format` accepts (the reporter table, linter/report/Reporter.h), as --help lists them.
formats=$("$bin" scan --help | sed -n 's/.*--format TEXT:{\([^}]*\)}.*/\1/p' | tr ',' '\n' | LC_ALL=C sort | tr '\n' ' ')
formats=${formats% }
[[ $formats == *sarif* ]] || { echo "cannot read the formats from edgeguard scan --help"; exit 1; }
fail=0
expect() {  # expect "words" "command line"
  local got
  got=$(HOME=$tmp XDG_CONFIG_HOME=$tmp fish --no-config -c "source $tmp/edgeguard.fish; complete -C '$2'" 2>&1 |
        cut -f1 | LC_ALL=C sort | tr '\n' ' ')
  got=${got% }
  if [[ $got != "$1" ]]; then
    echo "FAIL: $2<TAB>: expected [$1], got [$got]"
    fail=1
  else
    echo "ok: $2<TAB> -> $got"
  fi
}
expect "scan" "edgeguard sc"
expect "--format" "edgeguard scan --fo"
expect "--help" "edgeguard scan --he"
expect "$formats" "edgeguard scan --format "
expect "high low medium none" "edgeguard scan --fail-on "
expect "bash fish zsh" "edgeguard completion "
exit $fail
