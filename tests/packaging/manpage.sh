#!/usr/bin/env bash
# The man page edgeguard(1), as the build generates it (build/share/man/man1/edgeguard.1), is the
# one `edgeguard manpage` prints now, renders without a single groff/man warning, and documents
# every subcommand and every option `--help` shows. Formatting is skipped (77) only when neither
# groff nor man is installed; the content checks run regardless.
set -uo pipefail
build=$1
bin=$2
page=$build/share/man/man1/edgeguard.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[[ -f $page ]] || { echo "$page is missing (build the edgeguard_cli_docs target)"; exit 1; }
"$bin" manpage >"$tmp/edgeguard.1" || exit 1
cmp -s "$page" "$tmp/edgeguard.1" || { echo "$page is stale: rebuild"; exit 1; }
fail=0
# Content: each subcommand has a section; each option of its --help appears (hyphens are \- in roff).
commands=$("$bin" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[[ -n $commands ]] || { echo "cannot read the subcommands from edgeguard --help"; exit 1; }
checked=0
for c in $commands; do
  grep -qx ".SS \"edgeguard $c\"" "$page" || { echo "no section for 'edgeguard $c'"; fail=1; }
  for opt in $("$bin" "$c" --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | tr -d ' ,' | sort -u); do
    grep -qF "\\fB${opt//-/\\-}\\fR" "$page" || { echo "option $opt of '$c' is not in the man page"; fail=1; }
    checked=$((checked + 1))
  done
done
echo "checked: $(wc -w <<<"$commands") subcommands, $checked options from their --help"
((checked > 20)) || { echo "too few options read from --help"; fail=1; }
grep -q '^\.SH EXIT STATUS' "$page" || { echo "no EXIT STATUS section"; fail=1; }
if command -v groff >/dev/null 2>&1; then
  # -ww: every warning; -z: format but print nothing. Any diagnostic fails the test.
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" >"$tmp/groff.err" 2>&1
  if [[ -s $tmp/groff.err ]]; then echo "groff warnings:"; cat "$tmp/groff.err"; fail=1; else echo "ok: groff -ww"; fi
  LC_ALL=C.UTF-8 groff -man -Tutf8 -P-c "$page" 2>/dev/null >"$tmp/page.txt"
  grep -q 'edgeguard - ' "$tmp/page.txt" && grep -q -- '--format' "$tmp/page.txt" ||
    { echo "the rendered page lacks its NAME line or --format"; fail=1; }
elif command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man --warnings -l "$page" >"$tmp/page.txt" 2>"$tmp/man.err"
  if [[ -s $tmp/man.err ]]; then echo "man warnings:"; cat "$tmp/man.err"; fail=1; else echo "ok: man --warnings"; fi
else
  echo "neither groff nor man is installed: rendering skipped"
  ((fail)) && exit 1
  exit 77
fi
exit $fail
