#!/usr/bin/env bash
# Shows that tests/layering/check-includes.sh can fail: on a copy of the source folders it
# checks, each forbidden include below is added to one file in turn, and the checker must exit 1
# and name that file and line, the include and the rule. The unchanged copy must pass first, so
# a failure comes from the injected line and nothing else. ctest: layering.includes-detects.
#
#   tests/layering/check-includes-detects.sh SOURCE_DIR
set -u

src=${1:?usage: check-includes-detects.sh SOURCE_DIR}
checker=$src/tests/layering/check-includes.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in linter parsers cli editor/lsp; do
  mkdir -p "$tmp/$(dirname "$dir")"
  cp -R "$src/$dir" "$tmp/$dir"
done

failed=0
bash "$checker" "$tmp" >"$tmp/out" 2>&1
rc=$?
if ((rc != 0)); then
  echo "FAIL: the unchanged copy does not pass (exit $rc):"
  cat "$tmp/out"
  exit 1
fi

# expect FILE INCLUDE-LINE RULE-TEXT: FILE with INCLUDE-LINE appended fails the check, and the
# report names FILE:LINE, the include and RULE-TEXT.
expect() {
  local file=$1 include=$2 rule=$3
  local existed=0
  [[ -e $tmp/$file ]] && existed=1 && cp "$tmp/$file" "$tmp/saved"
  mkdir -p "$(dirname "$tmp/$file")"
  printf '%s\n' "$include" >>"$tmp/$file"
  local line
  line=$(wc -l <"$tmp/$file")
  line=${line//[[:space:]]/}
  bash "$checker" "$tmp" >"$tmp/out" 2>&1
  local rc=$?
  if ((existed)); then mv "$tmp/saved" "$tmp/$file"; else rm -f "$tmp/$file"; fi
  local want="$file:$line: $include: $rule"
  if ((rc != 1)); then
    echo "FAIL: $file + '$include': the checker exited $rc, not 1"
    cat "$tmp/out"
    failed=1
  elif ! grep -qF -- "$want" "$tmp/out"; then
    echo "FAIL: $file + '$include': the report does not say '$want':"
    cat "$tmp/out"
    failed=1
  else
    echo "ok: $want"
  fi
}

# The engine knows nothing of output formats.
expect linter/engine/Linker.cpp '#include "linter/report/Reporter.h"' "linter/engine may include only"
# ... and sees the front-ends only through parsers/FrontEnd.h (the Fixes.cpp exception is for
# Fixes.cpp alone).
expect linter/engine/Session.cpp '#include "parsers/edge/EdgeCommon.h"' "linter/engine may include only"
# The language server sees no front-end and no reporter.
expect editor/lsp/Uri.cpp '#include "parsers/terraform/SyntaxTrees.h"' "editor/lsp may include only"
expect editor/lsp/Server.h '#include "linter/report/Escaping.h"' "editor/lsp may include only"
# Lower layers never include upper ones.
expect linter/core/Glob.cpp '#include "linter/graph/Value.h"' "linter/core may include only"
expect linter/graph/Value.h '#include "linter/policy/Policy.h"' "linter/graph may include only"
expect parsers/json/JsonReader.cpp '#include "linter/engine/Session.h"' "parsers may include only"
expect linter/report/Reporter.cpp '#include "linter/policy/PolicyDocs.h"' "linter/report may include only"
expect linter/policy/Evaluator.cpp '#include "cli/Progress.h"' "linter/policy may include only"
# Third-party libraries stay where the table puts them.
expect linter/core/Budget.cpp '#include <nlohmann/json.hpp>' "nlohmann may be included only from"
expect editor/lsp/Position.cpp '#include <tree_sitter/api.h>' "tree_sitter may be included only from"
expect linter/engine/Config.cpp '#include <toml++/toml.h>' "toml++ may be included only from"
# An include the table cannot place.
expect linter/engine/Baseline.cpp '#include "../report/Reporter.h"' "not a path from the source directory"

# A folder the table does not know.
mkdir -p "$tmp/linter/extra"
printf '#include "linter/core/Finding.h"\n' >"$tmp/linter/extra/New.cpp"
bash "$checker" "$tmp" >"$tmp/out" 2>&1
rc=$?
rm -r "$tmp/linter/extra"
if ((rc != 1)) || ! grep -qF "linter/extra/New.cpp: not in a layer of DESIGN.md §1" "$tmp/out"; then
  echo "FAIL: a file in a folder outside the table is not reported (exit $rc):"
  cat "$tmp/out"
  failed=1
else
  echo "ok: linter/extra/New.cpp: not in a layer of DESIGN.md §1"
fi

exit $failed
