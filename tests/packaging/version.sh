#!/usr/bin/env bash
# `edgeguard version` reports the version from CMakeLists.txt, the commit of this checkout (when
# the source is a git checkout; "unknown" otherwise) and the policy pack version, recomputed here
# independently: the first 12 hex digits of `LC_ALL=C sha256sum *.yaml | sha256sum` in policies/.
# Run from the repository root. Patterns, not goldens: the commit changes with every commit.
set -uo pipefail
bin=$2
fail=0
check() { if [[ $2 == "$3" ]]; then echo "ok: $1 = $2"; else echo "FAIL: $1: expected '$3', got '$2'"; fail=1; fi; }

version=$(sed -n 's/^project(edgeguard VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
commit=unknown
if command -v git >/dev/null 2>&1 && [[ $(git rev-parse --show-toplevel 2>/dev/null) == "$(pwd -P)" ]]; then
  commit=$(git rev-parse --short HEAD)
fi
if command -v sha256sum >/dev/null 2>&1; then
  pack=$(cd policies && LC_ALL=C sha256sum -- *.yaml | sha256sum | cut -c1-12)
else
  pack=
fi
count=$(find policies -maxdepth 1 -name '*.yaml' | wc -l)

out=$("$bin" version) || { echo "FAIL: edgeguard version exited $?"; fail=1; }
mapfile -t lines <<<"$out"
check "line count" "${#lines[@]}" 3
check "version line" "${lines[0]}" "edgeguard $version"
# A build may predate the latest commit (the header is refreshed at build time): accept the
# checkout's commit or, when the binary is older, any commit of this repository.
got_commit=${lines[1]#commit }
if [[ $got_commit != "$commit" && $commit != unknown ]] && git cat-file -e "$got_commit^{commit}" 2>/dev/null; then
  echo "note: binary built at $got_commit, checkout at $commit (rebuild to refresh)"
  commit=$got_commit
fi
check "commit line" "${lines[1]}" "commit $commit"
[[ ${lines[2]} =~ ^policy\ pack\ ([0-9a-f]{12})\ \(([0-9]+)\ built-in\ policies\)$ ]] ||
  { echo "FAIL: policy pack line: ${lines[2]}"; fail=1; }
[[ -n $pack ]] && check "policy pack" "${BASH_REMATCH[1]}" "$pack"
check "policy count" "${BASH_REMATCH[2]}" "$count"

json=$("$bin" version --format json)
want="{\"name\":\"edgeguard\",\"version\":\"$version\",\"commit\":\"$commit\",\"policy_pack\":{\"version\":\"${BASH_REMATCH[1]}\""
[[ $json == "$want"* ]] || { echo "FAIL: version --format json: $json (expected to start with $want)"; fail=1; }
[[ -z $pack || $json == *"\"sha256\":\"$(cd policies && LC_ALL=C sha256sum -- *.yaml | sha256sum | cut -c1-64)\""* ]] ||
  { echo "FAIL: sha256 in $json"; fail=1; }
exit $fail
