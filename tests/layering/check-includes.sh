#!/usr/bin/env bash
# The layering rule of DESIGN.md §1 ("Layers"), checked on every #include of the C++ sources in
# linter/, parsers/, cli/ and editor/lsp/. Prints file:line, the include and the rule for each
# include the table below does not allow, and exits 1 when there is one (0 when clean, 2 on a
# usage error). Plain bash, grep and find: runs on a bare Debian 12.
#
#   tests/layering/check-includes.sh [SOURCE_DIR]      (default: the current directory)
#
# ctest runs it as layering.includes; layering.includes-detects (check-includes-detects.sh)
# shows that it fails on a forbidden include. README.md "Layout" describes the same table.
set -u
shopt -s extglob

root=${1:-.}
if ! cd "$root" 2>/dev/null; then
  echo "check-includes: no such directory: $root" >&2
  exit 2
fi

# --- the table (DESIGN.md §1) ---------------------------------------------------------------
# One row per layer: its folder, ':', then what its files may #include "..." (folders, or single
# files such as parsers/FrontEnd.h). A path matches a folder when it is below it. A file belongs
# to the first row whose folder holds it. Bottom-up: core, graph, parsers, policy, report,
# engine, then the faces.
LAYERS=(
  "linter/core:   linter/core"
  "linter/graph:  linter/core linter/graph"
  "parsers:       linter/core linter/graph parsers"
  "linter/policy: linter/core linter/graph linter/policy"
  "linter/report: linter/core linter/report"
  # The engine knows nothing of output formats (no linter/report) and sees the front-ends only
  # through their common interface.
  "linter/engine: linter/core linter/graph linter/policy parsers/FrontEnd.h linter/engine"
  # The language server is a thin adapter over the engine: no reporter, no front-end. The
  # graph and policy types the engine hands it may be named.
  "editor/lsp:    linter/core linter/graph linter/policy linter/engine editor/lsp"
  # The edgeguard command: everything, and the build's generated headers.
  "cli:           linter parsers editor/lsp cli generated"
)

# Third-party libraries (#include <...>): the folders that may include each. Anything else in
# <...> is the standard library or the system's.
THIRD_PARTY=(
  "tree_sitter/:  parsers"
  "toml++/:       parsers"
  # nlohmann::json: baseline files (engine), SARIF and graph JSON (report), JSON-RPC (LSP). The
  # front-ends read JSON with their own reader (parsers/json), which keeps byte offsets.
  "nlohmann/:     linter/engine linter/report editor/lsp cli"
  # The policy loader, IoT Edge device configs and the Terraform mapping tables; the engine's
  # configuration loader reads YAML through linter/policy/YamlReader.h.
  "yaml-cpp/:     linter/policy parsers"
  "re2/:          linter/policy parsers"
  # xxHash: the keys and checksums of the engine's on-disk cache of unit results.
  "xxhash.h:      linter/engine"
  "CLI/:          cli"
  "doctest/:      "
)

# Exceptions: "file include", each allowed although the table forbids it. None: keep it so.
EXCEPTIONS=()

SCANNED=(linter parsers cli editor/lsp)
# ---------------------------------------------------------------------------------------------

# under PATH PREFIX: PATH is PREFIX or below it.
under() { [[ $1 == "$2" || $1 == "$2"/* ]]; }

# Whether a path is in one of the layers' folders.
in_a_layer() {
  local row
  for row in "${LAYERS[@]}"; do
    under "$1" "${row%%:*}" && return 0
  done
  return 1
}

# The row of LAYERS a file belongs to: sets layer and allowed; false when none.
layer_of() {
  local row
  for row in "${LAYERS[@]}"; do
    local folder=${row%%:*}
    if under "$1" "$folder"; then
      layer=$folder
      allowed=${row#*:}
      allowed=${allowed##+([[:space:]])}
      return 0
    fi
  done
  return 1
}

failures=0
fail() {
  echo "$1" >&2
  failures=$((failures + 1))
}

for dir in "${SCANNED[@]}"; do
  if [[ ! -d $dir ]]; then
    echo "check-includes: $root has no $dir/ (run it from the source directory)" >&2
    exit 2
  fi
done

source_pattern=(-name '*.h' -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.inc')
files=0
while IFS= read -r -d '' file; do
  files=$((files + 1))
  layer_of "$file" ||
    fail "$file: not in a layer of DESIGN.md §1 (add its folder to the table in tests/layering/check-includes.sh)"
done < <(find "${SCANNED[@]}" -type f \( "${source_pattern[@]}" \) -print0)
if ((files == 0)); then
  echo "check-includes: no C++ sources under $root" >&2
  exit 2
fi

declare -A used_exception=()
includes=0
include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"]'
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  text=${rest#*:}
  [[ $text =~ $include_re ]] || continue
  kind=${BASH_REMATCH[1]}
  path=${BASH_REMATCH[2]}
  includes=$((includes + 1))
  layer_of "$file" || continue  # reported above
  if [[ $kind == '<' ]]; then shown="#include <$path>"; else shown="#include \"$path\""; fi

  if [[ $kind == '<' ]]; then
    for row in "${THIRD_PARTY[@]}"; do
      prefix=${row%%:*}
      [[ $path == "$prefix"* ]] || continue
      who=${row#*:}
      who=${who##+([[:space:]])}
      ok=0
      for folder in $who; do under "$file" "$folder" && ok=1; done
      ((ok)) || fail "$file:$line: $shown: ${prefix%/} may be included only from ${who:-tests/} (DESIGN.md §1)"
    done
    continue
  fi

  if ! in_a_layer "$path"; then
    # Not a path from the repository root into a layer: a relative include, or something the
    # table does not know. Paths from the root keep every edge visible to this check.
    if ! [[ $layer == cli && $path == generated/* ]]; then
      fail "$file:$line: $shown: not a path from the source directory into a layer of DESIGN.md §1"
      continue
    fi
  fi
  ok=0
  for target in $allowed; do under "$path" "$target" && ok=1; done
  ((ok)) && continue
  for exception in "${EXCEPTIONS[@]}"; do
    if [[ $exception == "$file $path" ]]; then
      ok=1
      used_exception[$exception]=1
    fi
  done
  ((ok)) && continue
  fail "$file:$line: $shown: $layer may include only $allowed (DESIGN.md §1)"
done < <(grep -rnE --include='*.h' --include='*.hpp' --include='*.c' --include='*.cc' --include='*.cpp' \
           --include='*.inc' '^[[:space:]]*#[[:space:]]*include' "${SCANNED[@]}" | LC_ALL=C sort -t: -k1,1 -k2,2n)

for exception in "${EXCEPTIONS[@]}"; do
  [[ -n ${used_exception[$exception]:-} ]] ||
    echo "check-includes: note: exception no longer needed: $exception" >&2
done

if ((failures > 0)); then
  echo "check-includes: $failures include(s) break the layering of DESIGN.md §1" >&2
  exit 1
fi
echo "check-includes: $includes includes in $files files follow DESIGN.md §1 (${#used_exception[@]} temporary exception(s))"
