#!/usr/bin/env bash
# Peak memory on the hostile inputs: runs every case of tests/hostile/run.sh (or the ones
# named) with EDGEGUARD and prints, per case, its result, how many scans it ran and the
# largest "Maximum resident set size" (/usr/bin/time) of those scans, as a Markdown table.
# Usage: tests/hostile/peak-rss.sh EDGEGUARD [CASE...]   (the cases are read from tests/CMakeLists.txt)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ $# -ge 1 ]] || { echo "usage: $0 EDGEGUARD [CASE...]" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "peak-rss: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }
bin=$1
shift
cases=("$@")
if ((${#cases[@]} == 0)); then
  # The EG_HOSTILE_CASES list: from "set(EG_HOSTILE_CASES" to the closing parenthesis.
  list=$(sed -n '/set(EG_HOSTILE_CASES/,/)/p' "$here/../CMakeLists.txt" | tr -d '()' |
    sed 's/set//; s/EG_HOSTILE_CASES//' | tr '\n' ' ')
  read -r -a cases <<<"$list"
fi
status=0
echo "| case | result | scans | peak RSS (MiB) | wall (s) |"
echo "|---|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  start=$(date +%s%N)
  log=$(bash "$here/run.sh" "$bin" "$c" 2>&1)
  rc=$?
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  case $rc in
    0) result=ok ;;
    77) result=skipped ;;
    *) result="FAILED (exit $rc)"; status=1 ;;
  esac
  kbs=$(grep -o 'peak-rss-kb: [0-9]*' <<<"$log" | grep -o '[0-9]*$')
  scans=$(grep -c . <<<"$kbs")
  [[ -n $kbs ]] || scans=0
  peak=$(sort -n <<<"$kbs" | tail -1)
  mib=$(awk -v k="${peak:-}" 'BEGIN { if (k == "") print "-"; else printf "%.1f", k / 1024 }')
  printf '| %s | %s | %s | %s | %s |\n' "$c" "$result" "$scans" "$mib" "$(awk -v ms="$took" 'BEGIN { printf "%.1f", ms / 1000 }')"
done
exit $status
