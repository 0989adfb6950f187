#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts the binary, the man page, the bash, zsh and fish
# completions and the documentation where they belong, and the installed binary runs.
set -uo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
fail=0
for f in bin/edgeguard share/man/man1/edgeguard.1 share/bash-completion/completions/edgeguard \
         share/zsh/site-functions/_edgeguard share/fish/vendor_completions.d/edgeguard.fish \
         share/doc/edgeguard/README.md share/doc/edgeguard/docs/rules/README.md \
         share/doc/edgeguard/docs/rules/EG005-ip-filter-default-allow.md share/doc/edgeguard/docs/configuration.md; do
  if [[ -s $tmp/prefix/$f ]]; then echo "ok: $f"; else echo "missing: $f"; fail=1; fi
done
[[ -x $tmp/prefix/bin/edgeguard ]] || { echo "bin/edgeguard is not executable"; fail=1; }
out=$("$tmp/prefix/bin/edgeguard" version 2>&1) || { echo "installed edgeguard version failed: $out"; fail=1; }
[[ $out == "edgeguard "* ]] || { echo "unexpected version output: $out"; fail=1; }
# The installed completion is the one the installed binary renders.
"$tmp/prefix/bin/edgeguard" completion bash | cmp -s - "$tmp/prefix/share/bash-completion/completions/edgeguard" ||
  { echo "installed bash completion differs from the binary's"; fail=1; }
# Nothing but these (no test binaries, no libraries, no headers).
extra=$(cd "$tmp/prefix" && find . -type f | grep -vE '^\./(bin/edgeguard|share/(man|bash-completion|zsh|fish|doc/edgeguard)/)')
[[ -z $extra ]] || { echo "unexpected files installed:"; echo "$extra"; fail=1; }
exit $fail
