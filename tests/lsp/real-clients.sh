#!/usr/bin/env bash
# Real LSP clients against `edgeguard lsp` (see ../shared/tools/README.md, sections 3b and 3d):
#   nvim   headless Neovim 0.7+ (nvim-lsp-check.sh) must receive edgeguard diagnostics for a bad
#          Terraform file, a bad Bicep file and a bad IoT Edge manifest;
#   probe  lsp-probe.js (vscode-languageserver-protocol) must find the server alive and
#          responsive after every malformed-message case, framing errors included.
# The tools are looked up relative to the source tree (../shared/tools); when they, Neovim,
# Node or the probe's node_modules ($HARNESS_NM, else editor/vscode/node_modules after its
# `npm ci`) are missing the test exits 77 (skipped).
# Usage: real-clients.sh EDGEGUARD SOURCE_DIR nvim|probe
set -uo pipefail
bin=$1
src=$2
mode=$3
tools=$src/../shared/tools
files=$src/tests/lsp/workspace
skip() { echo "SKIPPED: $*"; exit 77; }
[[ -d $tools ]] || skip "no $tools"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
case $mode in
  nvim)
    [[ -x $tools/nvim-lsp-check.sh ]] || skip "no nvim-lsp-check.sh"
    command -v nvim >/dev/null || skip "Neovim is not installed"
    command -v python3 >/dev/null || skip "nvim-lsp-check.sh needs python3"
    for spec in "terraform main.tf EG004" "bicep hub.bicep EG004" "json edge/deployment.json EG009"; do
      read -r ft file rule <<<"$spec"
      "$tools/nvim-lsp-check.sh" -t 20 "$ft" "$files/$file" -- "$bin" lsp >"$out" 2>&1
      rc=$?
      if [[ $rc != 0 ]] || ! grep -Eq '"source": ?"edgeguard"' "$out" || ! grep -Eq "\"code\": ?\"$rule\"" "$out"; then
        echo "FAIL: $file ($ft): rc=$rc, expected an edgeguard $rule diagnostic"
        cat "$out"
        fail=1
      else
        echo "ok: $file ($ft): $(grep -c '"event":"diagnostic"' "$out") diagnostics, $(grep -o '"ms":[0-9]*' "$out" | tail -1)"
      fi
    done
    ;;
  probe)
    [[ -f $tools/lsp-client/lsp-probe.js ]] || skip "no lsp-probe.js"
    command -v node >/dev/null || skip "Node.js is not installed"
    export HARNESS_NM=${HARNESS_NM:-/tmp/harness/node_modules}
    # The VS Code extension's own dependencies include the same protocol package (3.17).
    if [[ ! -d $HARNESS_NM/vscode-languageserver-protocol && -d $src/editor/vscode/node_modules/vscode-languageserver-protocol ]]; then
      HARNESS_NM=$src/editor/vscode/node_modules
    fi
    [[ -d $HARNESS_NM/vscode-languageserver-protocol ]] || skip "no vscode-languageserver-protocol in $HARNESS_NM"
    node "$tools/lsp-client/lsp-probe.js" --file "$files/main.tf" --lang terraform --edits 6 -- "$bin" lsp >"$out" 2>&1
    rc=$?
    summary=$(grep '"event":"summary"' "$out" | tail -1)
    if [[ $rc != 0 || -z $summary ]] || ! grep -q '"survived_all":true' <<<"$summary" ||
       ! grep -q '"responsive_after_all":true' <<<"$summary" || ! grep -q '"shutdown_answered":true' <<<"$summary" ||
       grep -q '"diagnostics_after_framing_errors_ms":null' <<<"$summary" || grep -q '"ms":null' "$out"; then
      echo "FAIL: lsp-probe (rc=$rc)"
      cat "$out"
      fail=1
    else
      echo "ok: lsp-probe survived and stayed responsive; $(grep -o '"edit_ms_median":[0-9.]*' <<<"$summary")"
    fi
    ;;
  *) echo "usage: $0 EDGEGUARD SOURCE_DIR nvim|probe" >&2; exit 2 ;;
esac
exit $fail
