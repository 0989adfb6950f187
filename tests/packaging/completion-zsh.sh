#!/usr/bin/env bash
# The zsh completion script parses (zsh -n), compinit registers it, and in an interactive zsh
# (driven through zsh/zpty) <TAB> completes subcommands, options and option values.
# Skipped (77) when zsh is not installed.
set -uo pipefail
bin=$2
command -v zsh >/dev/null 2>&1 || { echo "zsh is not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" completion zsh >"$tmp/_edgeguard" || exit 1
head -n1 "$tmp/_edgeguard" | grep -qx '#compdef edgeguard' || { echo "no #compdef line"; exit 1; }
zsh -n "$tmp/_edgeguard" || { echo "zsh -n rejects the completion script"; exit 1; }
# Loaded by compinit from a directory on $fpath, the function is defined and registered.
out=$(ZDOTDIR=$tmp HOME=$tmp zsh -f -c "fpath=($tmp \$fpath); autoload -Uz compinit; compinit -u -d $tmp/.zcompdump; print -r -- \${_comps[edgeguard]}" 2>&1)
[[ $out == _edgeguard ]] || { echo "compinit did not register _edgeguard: $out"; exit 1; }
echo "ok: zsh -n and compinit"

# Each case in a fresh interactive zsh: type the line and <TAB>, then read the screen.
mkdir "$tmp/fpath"
cp "$tmp/_edgeguard" "$tmp/fpath/_edgeguard"
# Waits for what it expects instead of sleeping a fixed time (a loaded machine is slow).
cat >"$tmp/drive.zsh" <<'ZSH'
zmodload zsh/zpty
line=$1
shift
zpty z "HOME=$TMPHOME zsh -f -i"
zpty -w z "fpath=($FPATHDIR \$fpath); autoload -Uz compinit; compinit -u -d $TMPHOME/.zcompdump; PS1='%% '; print READY\$((6 * 7))"
all=
for i in {1..150}; do
  sleep 0.1
  while zpty -r -t z chunk; do all+=$chunk; done
  [[ $all == *READY42* ]] && break
done
zpty -w -n z "$line"$'\t'
all=
for i in {1..100}; do
  sleep 0.1
  while zpty -r -t z chunk; do all+=$chunk; done
  found=1
  for w in "$@"; do [[ $all == *$w* ]] || found=0; done
  ((found)) && break
done
zpty -d z
print -r -- "$all"
ZSH
# The formats `scan --format` accepts (the reporter table, linter/report/Reporter.h), as --help lists them.
formats=$("$bin" scan --help | sed -n 's/.*--format TEXT:{\([^}]*\)}.*/\1/p' | tr ',' '\n' | LC_ALL=C sort | tr '\n' ' ')
formats=${formats% }
[[ $formats == *sarif* ]] || { echo "cannot read the formats from edgeguard scan --help"; exit 1; }
fail=0
expect() {  # expect "words that must all be shown" "command line"
  local screen w
  screen=$(TMPHOME=$tmp FPATHDIR=$tmp/fpath timeout 40 zsh -f "$tmp/drive.zsh" "$2" $1 2>&1 | tr -d '\r' |
           sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g')
  for w in $1; do
    if [[ $screen != *"$w"* ]]; then
      echo "FAIL: $2<TAB>: '$w' not offered; screen:"; printf '%s\n' "$screen" | tail -n 3; fail=1
      return
    fi
  done
  echo "ok: $2<TAB> -> $1"
}
expect "edgeguard scan" "edgeguard sc"
expect "$formats" "edgeguard scan --format "
expect "high low medium none" "edgeguard scan --fail-on "
expect "--format=" "edgeguard scan --fo"
expect "bash fish zsh" "edgeguard completion "
exit $fail
