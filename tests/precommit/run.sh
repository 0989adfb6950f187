#!/usr/bin/env bash
# The real pre-commit (Debian's `pre-commit`) runs this repository's `edgeguard` hook through
# ../shared/tools/precommit-check.sh: a staged bad Terraform file blocks the commit with the
# finding shown, a good one passes. Skipped (exit 77) when pre-commit or the tool is missing.
set -uo pipefail
bin=$1
tool=${EDGEGUARD_PRECOMMIT_CHECK:-../shared/tools/precommit-check.sh}
if ! command -v pre-commit >/dev/null || ! command -v git >/dev/null || [[ ! -f $tool ]]; then
  echo "SKIPPED: needs pre-commit, git and $tool"
  exit 77
fi
if ! git -C . rev-parse --git-dir >/dev/null 2>&1; then
  echo "SKIPPED: the source tree is not a git repository (pre-commit try-repo needs one)"
  exit 77
fi
export PATH="$(cd "$(dirname "$bin")" && pwd):$PATH"
out=$(bash "$tool" . fixtures/policies/EG005/terraform/bad/main.tf tests/precommit/good.tf edgeguard 2>&1)
status=$?
echo "$out"
[[ $status == 0 ]] || { echo "FAIL: precommit-check.sh exit $status"; exit 1; }
grep -q "^bad: BLOCKED" <<<"$out" || { echo "FAIL: the bad file was not blocked"; exit 1; }
grep -q "EG005 \[ip-filter-default-allow\]" <<<"$out" || { echo "FAIL: the finding is not shown"; exit 1; }
grep -q "^good: NOT-BLOCKED" <<<"$out" || { echo "FAIL: the good file was blocked"; exit 1; }
