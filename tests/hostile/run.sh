#!/usr/bin/env bash
# Hostile and broken inputs (issue 9): one case per invocation, `run.sh EDGEGUARD CASE`,
# registered in ctest as hostile.<case> (tests/CMakeLists.txt lists them). Each case builds
# its inputs in a fresh temporary directory at run time (nothing large is in the repository:
# the 1 GB file is sparse), runs a scan under a wall-clock limit and asserts the exit status
# and the message. Exit 77 is a skip (ctest SKIP_RETURN_CODE), with the reason printed.
#
# EG_HOSTILE_TIME_SCALE multiplies the time limits (sanitizer builds are slower).
# When /usr/bin/time exists each scan's peak RSS is printed ("peak-rss-kb: N").
set -uo pipefail
bin=$(realpath "$1")
case=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
scale=${EG_HOSTILE_TIME_SCALE:-1}
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

fail=0
out=$tmp/.out
status=0

# scan LIMIT_SECONDS ARGS... : runs `edgeguard scan ARGS` with NO_COLOR, output in $out.
scan() {
  local limit=$(( $1 * scale ))
  shift
  local timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f 'peak-rss-kb: %M' -o "$tmp/.rss")
  NO_COLOR=1 timeout -s KILL "$limit" "${timer[@]}" "${runner[@]}" "$bin" scan "$@" >"$out" 2>&1
  status=$?
  # /usr/bin/time reports a signal as "Command terminated by signal N" and exits 128+N.
  if ((status == 137)) || grep -q 'terminated by signal' "$tmp/.rss" 2>/dev/null; then
    echo "FAIL: scan $* was killed (time limit ${limit}s or a crash)"
    cat "$tmp/.rss" 2>/dev/null
    fail=1
  fi
  last_rss=
  [[ -f $tmp/.rss ]] && grep -h 'peak-rss-kb' "$tmp/.rss" && last_rss=$(grep -ho 'peak-rss-kb: [0-9]*' "$tmp/.rss" | grep -o '[0-9]*$')
  rm -f "$tmp/.rss"
}
runner=()

expect_status() {
  if [[ $status != "$1" ]]; then
    echo "FAIL: expected exit status $1, got $status"
    fail=1
  fi
}
# expect_output REGEX: the output (stdout + stderr) matches the extended regex.
expect_output() {
  if ! grep -Eq -- "$1" "$out"; then
    echo "FAIL: output does not match /$1/"
    fail=1
  fi
}
expect_no_output() {
  if grep -Eq -- "$1" "$out"; then
    echo "FAIL: output matches /$1/ but must not"
    fail=1
  fi
}
# repeat STRING COUNT: STRING written COUNT times (no newline), fast for large counts.
repeat() { perl -e 'print $ARGV[0] x $ARGV[1]' -- "$1" "$2"; }

arm_head='{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": []'
hub_tf='resource "azurerm_iothub" "hub" {
  name                = "hub"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.0"
  sku {
    name     = "S1"
    capacity = 1
  }
}
'

case $case in
  deep-json)
    # 100,000 nested arrays in an ARM template and in an IoT Edge manifest.
    mkdir arm edge
    { printf '%s, "variables": {"deep": ' "$arm_head"; repeat '[' 100000; repeat ']' 100000; printf '}}\n'; } > arm/azuredeploy.json
    { printf '{"modulesContent": {"$edgeAgent": {"properties.desired": {"deep": '; repeat '[' 100000; repeat ']' 100000; printf '}}}}\n'; } > edge/deployment.json
    scan 30 arm edge
    expect_status 2
    expect_output '^arm/azuredeploy.json:1:[0-9]+: error EG901 .*nest'
    expect_output '^edge/deployment.json:1:[0-9]+: error EG901 .*nest'
    ;;
  deep-hcl)
    { printf 'locals {\n  deep = '; repeat '[' 100000; repeat ']' 100000; printf '\n}\n'; } > main.tf
    { printf 'locals {\n  obj = '; repeat '{a=' 100000; printf '1'; repeat '}' 100000; printf '\n}\n'; } > objects.tf
    { repeat 'a {' 100000; repeat '}' 100000; printf '\n'; } > blocks.tf
    { printf 'locals {\n  e = '; repeat '(' 100000; printf '1'; repeat ')' 100000; printf '\n}\n'; } > parens.tf
    printf '%s' "$hub_tf" > hub.tf
    scan 60 .
    expect_status 2
    expect_output '^main.tf:2:[0-9]+: error EG901 .*nest'
    expect_output '^objects.tf:2:[0-9]+: error EG901 .*nest'
    expect_output '^parens.tf:2:[0-9]+: error EG901 .*nest'
    expect_output '^blocks.tf:1:[0-9]+: error EG901 .*nest'
    expect_output '^hub.tf:5:[0-9]+: medium EG004'  # the rest of the module is still scanned
    ;;
  deep-bicep)
    { printf 'var deep = '; repeat '[' 100000; repeat ']' 100000; printf '\n'; } > deep.bicep
    { printf 'var obj = '; repeat $'{\na: ' 100000; printf '1\n'; repeat $'}\n' 100000; } > objects.bicep
    { printf 'var e = '; repeat '(' 100000; printf '1'; repeat ')' 100000; printf '\n'; } > parens.bicep
    { printf 'var n = '; repeat '!' 100000; printf 'true\n'; } > unary.bicep
    scan 60 .
    expect_status 2
    expect_output '^deep.bicep:1:[0-9]+: error EG901 .*nest'
    expect_output '^objects.bicep:[0-9]+:[0-9]+: error EG901 .*nest'
    expect_output '^parens.bicep:1:[0-9]+: error EG901 .*nest'
    expect_output '^unary.bicep:1:[0-9]+: error EG901 .*nest'
    ;;
  deep-yaml-policy)
    mkdir policies
    { printf 'id: DEEP001\nname: deep\nseverity: low\ntitle: t\ndescription: d\nrationale: r\nremediation: {arm: x}\napplies_to: {kinds: [Microsoft.Devices/IotHubs]}\nviolation: '; repeat '[' 100000; repeat ']' 100000; printf '\nmessage: m\n'; } > policies/deep.yaml
    # Block style needs one more space per level: 3,000 levels (4.5 MB) instead of 100,000.
    { printf 'id: DEEP002\nname: deep-block\nseverity: low\ntitle: t\ndescription: d\nrationale: r\nremediation: {arm: x}\napplies_to: {kinds: [Microsoft.Devices/IotHubs]}\nviolation:\n'; perl -e 'for $i (1..3000) { print " " x $i, "not:\n" }'; } > policies/deep-block.yaml
    mkdir src && printf '%s' "$hub_tf" > src/hub.tf
    scan 60 src --policy-dir policies
    expect_status 2
    expect_output '^policies/deep.yaml:9:[0-9]+: error EG904 .*(nest|deep)'
    expect_output '^policies/deep-block.yaml:[0-9]+:[0-9]+: error EG904 .*(nest|deep)'
    ;;
  huge-file)
    # A 1 GB file (sparse: nothing is written) and a file of one 50 MB line.
    truncate -s 1G big.tf
    repeat 'a' 52428800 > line.bicep
    printf '%s' "$hub_tf" > hub.tf
    scan 30 .
    expect_status 2
    expect_output '^big.tf: error EG901 file is 1073741824 bytes, over the limit of 16777216 bytes \(set --max-file-size to raise it\); not scanned'
    expect_output '^line.bicep: error EG901 file is 52428800 bytes, over the limit of 16777216 bytes'
    expect_output '^hub.tf:5:[0-9]+: medium EG004'
    scan 30 big.tf
    expect_status 2
    expect_output '^big.tf: error EG901 file is 1073741824 bytes, over the limit'
    ;;
  long-line)
    # The 50 MB line with the size limit raised: the parse budget ends it, not the machine.
    # A budget no machine can parse 50 MB in (1 ms), so the outcome does not depend on the
    # machine's speed (issue 15: with 5 s, an idle machine parsed it inside the budget).
    { printf 'var s = '; repeat '[1, ' 13107200; } > line.bicep
    scan 60 . --max-file-size 67108864 --parse-timeout 0.001
    expect_status 2
    expect_output '^line.bicep: error EG908 loading took longer than the time budget of 0.001 s'
    # The memory budget, on its own (a generous time budget).
    scan 120 . --max-file-size 67108864 --parse-timeout 600 --parse-memory 64
    expect_status 2
    expect_output '^line.bicep: error EG908 loading took more than the memory budget of 64 MiB \(set --parse-memory to raise it\); not scanned'
    ;;
  random-bytes)
    # Random bytes (fixed seed) under every extension a front-end reads: binary and printable.
    for ext in tf tf.json bicep bicepparam json toml; do
      perl -e 'srand(9); print map { chr(int(rand(256))) } 1..65536' > "bin.$ext"
      perl -e 'srand(9); my @c = (map(chr, 32..126), "\n", "\t", "{", "}", "[", "]", "\"", "=", ":"); print map { $c[int(rand(@c))] } 1..65536' > "text.$ext"
    done
    mv bin.json deployment.json && mv bin.toml config.toml
    mkdir edge && mv text.json edge/deployment.json && mkdir aziot && mv text.toml aziot/config.toml
    scan 120 deployment.json config.toml edge/deployment.json aziot/config.toml bin.tf bin.tf.json bin.bicep bin.bicepparam text.tf text.tf.json text.bicep text.bicepparam
    expect_status 2
    expect_output '^bin.tf: error EG901 (binary file|invalid UTF-8)'
    expect_output '^bin.bicep: error EG901 (binary file|invalid UTF-8)'
    expect_output '^text.tf:[0-9]+:[0-9]+: error EG901'
    expect_output '^text.tf.json:[0-9]+:[0-9]+: error EG901'
    expect_output '^text.bicep:[0-9]+:[0-9]+: error EG901'
    expect_output '^text.bicepparam:[0-9]+:[0-9]+: error EG901'
    # Named .json/.toml files are claimed by content: garbage is not an IoT Edge file at all.
    expect_output '^deployment.json: error EG901 not a file edgeguard can scan'
    expect_output '^edge/deployment.json: error EG901 not a file edgeguard can scan'
    expect_output '^aziot/config.toml: error EG901 not a file edgeguard can scan'
    expect_no_output 'internal error'
    ;;
  encodings)
    # Invalid UTF-8, UTF-16 with a BOM (both byte orders), a UTF-8 BOM (accepted), NUL bytes.
    printf 'locals {\n  a = "caf\xe9"\n}\n' > latin1.tf
    printf '\xff\xfeр\0e\0' > utf16le.tf
    printf '\xfe\xff\0r\0e' > utf16be.bicep
    printf '\xef\xbb\xbf%s' "$hub_tf" > bom.tf
    printf 'locals {\n  a = "x\0y"\n}\n' > nul.tf
    scan 30 .
    expect_status 2
    expect_output '^latin1.tf: error EG901 invalid UTF-8 at line 2, column 11'
    expect_output '^utf16le.tf: error EG901 file is UTF-16 encoded; only UTF-8 is supported'
    expect_output '^utf16be.bicep: error EG901 file is UTF-16 encoded; only UTF-8 is supported'
    expect_output '^nul.tf: error EG901 binary file \(contains NUL bytes\); not scanned'
    expect_output '^bom.tf:5:25: medium EG004'
    ;;
  line-endings)
    # CRLF and lone CR line ends: findings on the same line and column as with LF.
    mkdir lf crlf cr
    printf '%s' "$hub_tf" > lf/hub.tf
    printf '%s' "$hub_tf" | sed 's/$/\r/' > crlf/hub.tf
    printf '%s' "$hub_tf" | tr '\n' '\r' > cr/hub.tf
    printf "param tls string = '1.0'\r\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\r\n  name: 'h'\r\n  location: 'westeurope'\r\n  sku: { name: 'S1', capacity: 1 }\r\n  properties: {\r\n    minTlsVersion: tls\r\n  }\r\n}\r\n" > crlf/hub.bicep
    scan 30 lf crlf cr --format text
    expect_status 1
    expect_output '^lf/hub.tf:5:25: medium EG004'
    expect_output '^crlf/hub.tf:5:25: medium EG004'
    expect_output '^cr/hub.tf:5:25: medium EG004'
    expect_output '^crlf/hub.bicep:[0-9]+:[0-9]+: medium EG004'
    expect_no_output 'EG901'
    ;;
  yaml-alias-bomb)
    # "Billion laughs" in a policy file: nine levels of nine aliases each.
    mkdir policies src
    {
      printf 'id: BOMB001\nname: bomb\nseverity: low\ntitle: t\ndescription: d\nrationale: r\nremediation: {arm: x}\n'
      printf 'applies_to: {kinds: [Microsoft.Devices/IotHubs]}\n'
      printf 'parameters:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
      for i in 1 2 3 4 5 6 7 8 9; do
        p=$((i - 1))
        printf '  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' $i $i $p $p $p $p $p $p $p $p $p
      done
      printf 'violation: {path: name, in: *a9}\nmessage: m\n'
    } > policies/bomb.yaml
    printf '%s' "$hub_tf" > src/hub.tf
    scan 30 src --policy-dir policies
    expect_status 2
    expect_output '^policies/bomb.yaml:[0-9]+:[0-9]+: error EG904 .*(alias|too many|large|nodes)'
    ;;
  terraform-module-cycle)
    mkdir a b
    printf 'module "b" {\n  source = "../b"\n}\n' > a/main.tf
    printf 'module "a" {\n  source = "../a"\n}\n%s' "$hub_tf" > b/main.tf
    scan 30 a
    expect_status 2
    expect_output '^(a|b)/main.tf:[0-9]+:[0-9]+: error EG902 .*cycle'
    ;;
  bicep-module-cycle)
    printf "module b 'b.bicep' = {\n  name: 'b'\n}\n" > a.bicep
    printf "module a 'a.bicep' = {\n  name: 'a'\n}\n" > b.bicep
    printf "module self 'self.bicep' = {\n  name: 'self'\n}\n" > self.bicep
    scan 30 .
    expect_status 2
    expect_output '^(a|b).bicep:[0-9]+:[0-9]+: error EG902 .*cycle'
    expect_output '^self.bicep:[0-9]+:[0-9]+: error EG902 .*cycle'
    ;;
  symlinks)
    # A loop (a directory linking to its parent), a link to a directory outside the scanned
    # tree and a link to a file outside it: none is followed while walking.
    mkdir -p tree/sub outside
    printf '%s' "$hub_tf" > outside/hub.tf
    printf '%s' "$hub_tf" > tree/sub/hub.tf
    ln -s .. tree/sub/loop
    ln -s ../outside tree/outside-dir
    ln -s ../outside/hub.tf tree/outside-file.tf
    ln -s tree/self-loop tree/self-loop 2>/dev/null || ln -s self-loop tree/self-loop
    scan 30 tree --format json
    expect_status 1
    expect_output '"file": "tree/sub/hub.tf"'
    expect_no_output 'outside'
    expect_no_output 'loop'
    expect_output '"files": 1,'
    ;;
  unreadable)
    # An unreadable file and an unreadable directory are reported, and the rest is scanned.
    # root reads everything: run the scan as nobody (setpriv) then, or skip.
    mkdir -p tree/locked
    printf '%s' "$hub_tf" > tree/hub.tf
    printf '%s' "$hub_tf" > tree/secret.tf
    printf '%s' "$hub_tf" > tree/locked/hub.tf
    chmod 000 tree/secret.tf tree/locked
    if [[ $(id -u) == 0 ]]; then
      if ! command -v setpriv >/dev/null || ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
        echo "SKIP: running as root and cannot drop privileges (setpriv), so chmod 000 hides nothing"
        exit 77
      fi
      cp "$bin" "$tmp/edgeguard" && chmod 755 "$tmp/edgeguard" && bin=$tmp/edgeguard
      if ! setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" version >/dev/null 2>&1; then
        echo "SKIP: running as root and the binary does not run as nobody"
        exit 77
      fi
      runner=(setpriv --reuid=65534 --regid=65534 --clear-groups)
      echo "(running the scan as uid 65534: tests run as root)"
    fi
    scan 30 tree
    expect_status 2
    expect_output '^tree/locked: error EG901 cannot read directory: Permission denied'
    expect_output '^tree/secret.tf: error EG901 .*(Permission denied|cannot open)'
    expect_output '^tree/hub.tf:5:25: medium EG004'
    ;;
  many-files)
    # 100,000 empty files in one directory (empty Terraform, Bicep, JSON and others).
    mkdir many
    (cd many && perl -e 'for $i (1..100000) { my @e = ("tf", "bicep", "json", "txt"); open(F, ">", "f$i." . $e[$i % 4]); close F }')
    printf '%s' "$hub_tf" > many/hub.tf
    scan 120 many --format json
    expect_status 1
    expect_output '"rule": "EG004"'
    expect_output '"files": 50001,'
    ;;
  create-options)
    mkdir invalid deep
    cat > invalid/deployment.json <<'EOF'
{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
  "runtime": {"type": "docker", "settings": {}},
  "systemModules": {"edgeHub": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
  "modules": {"m": {"type": "docker", "settings": {"image": "m:1.0",
    "createOptions": "{\"HostConfig\": {\"Privileged\": tru"}}}}}}}
EOF
    {
      printf '{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",\n'
      printf '  "runtime": {"type": "docker", "settings": {}},\n'
      printf '  "modules": {"m": {"type": "docker", "settings": {"image": "m:1.0",\n'
      printf '    "createOptions": "'; repeat '{\"a\":' 10000; printf '1'; repeat '}' 10000; printf '"}}}}}}}\n'
    } > deep/deployment.json
    scan 30 invalid deep
    expect_status 2
    expect_output '^invalid/deployment.json:5:[0-9]+: error EG901 .*createOptions'
    expect_output '^deep/deployment.json:4:[0-9]+: error EG901 .*createOptions.*nest'
    ;;
  inputs-unchanged)
    # A scan (every format written to files) leaves fixtures/ and ../shared/corpus exactly as
    # they were: same content hashes, modes and sizes, and no file added or removed.
    roots=("$repo/fixtures")
    corpus=${EDGEGUARD_CORPUS:-$repo/../shared/corpus}
    [[ -d $corpus ]] && roots+=("$(realpath "$corpus")") || echo "(../shared/corpus not found: fixtures only)"
    snapshot() { find "${roots[@]}" -printf '%p %s %m %y\n' | sort; find "${roots[@]}" -type f -print0 | sort -z | xargs -0 sha256sum; }
    snapshot > before
    mkdir reports
    scan 600 "${roots[@]}" --fail-on none --format json --output reports/r.json --format sarif --output reports/r.sarif \
      --format junit --output reports/r.xml --format markdown --output reports/r.md --format github --output reports/r.gh --format text
    snapshot > after
    if ! cmp -s before after; then
      echo "FAIL: the scan changed its inputs:"
      diff before after | head -20
      fail=1
    fi
    expect_output 'findings \('
    echo "$(grep -c . before) entries unchanged"
    ;;
  output-atomic)
    # --output replaces the report in one rename: no temporary file is left behind, a report
    # that cannot be written is an error (exit 2) and leaves the old one untouched.
    mkdir src reports
    printf '%s' "$hub_tf" > src/hub.tf
    echo old > reports/r.json
    scan 30 src --format json --output reports/r.json
    expect_status 1
    grep -q '"rule": "EG004"' reports/r.json || { echo "FAIL: report not written"; fail=1; }
    leftovers=$(find reports -name '*edgeguard*' | wc -l)
    ((leftovers == 0)) || { echo "FAIL: temporary files left: $(ls reports)"; fail=1; }
    [[ $(stat -c %a reports/r.json) == 6?4 || $(stat -c %a reports/r.json) == 6?0 ]] || { echo "FAIL: mode $(stat -c %a reports/r.json)"; fail=1; }
    scan 30 src --format json --output missing-dir/r.json
    expect_status 2
    expect_output '^edgeguard: cannot write missing-dir/r.json'
    [[ ! -e missing-dir ]] || { echo "FAIL: created missing-dir"; fail=1; }
    ;;
  reference-chains)
    # Issue 20: a chain of references as long as the input (200,000 locals, variables, vars)
    # crashed the Terraform evaluator (stack overflow) and ran the ARM one out of its budget.
    # Every format ends with one EG908 error at the chain and still scans the rest: the weak
    # hub of weak/ and the weak hub that the chain names.
    n=200000
    mkdir tf-blocks tf-one tf-nest bicep bicep-nest arm arm-nest weak
    printf '%s' "$hub_tf" > weak/hub.tf
    chain_hub=$(printf '%s' "$hub_tf" | sed 's/"hub" {/"chain" {/; s/= "hub"$/= local.v0/')$'\n'
    perl -e 'for $i (0..$ARGV[0]-2) { print "locals { v$i = \"\${local.v", $i+1, "}\" }\n" } print "locals { v", $ARGV[0]-1, " = \"end\" }\n"' $n > tf-blocks/chain.tf
    perl -e 'print "locals {\n"; for $i (0..$ARGV[0]-2) { print "  v$i = local.v", $i+1, "\n" } print "  v", $ARGV[0]-1, " = \"end\"\n}\n"' $n > tf-one/chain.tf
    perl -e 'for $i (0..$ARGV[0]-2) { print "locals { v$i = [local.v", $i+1, "] }\n" } print "locals { v", $ARGV[0]-1, " = \"end\" }\n"' $n > tf-nest/chain.tf
    for d in tf-blocks tf-one tf-nest; do printf '%s' "$chain_hub" >> $d/chain.tf; done
    bicep_hub="resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h\${v0}'
  location: 'westeurope'
  sku: { name: 'S1', capacity: 1 }
  properties: { minTlsVersion: '1.0' }
}"
    perl -e 'for $i (0..$ARGV[0]-2) { print "var v$i = v", $i+1, "\n" } print "var v", $ARGV[0]-1, " = '"'"'end'"'"'\n"' $n > bicep/main.bicep
    perl -e 'for $i (0..$ARGV[0]-2) { print "var v$i = [v", $i+1, "]\n" } print "var v", $ARGV[0]-1, " = '"'"'end'"'"'\n"' $n > bicep-nest/main.bicep
    for d in bicep bicep-nest; do printf '%s\n' "$bicep_hub" >> $d/main.bicep; done
    arm_hub='"resources": [{"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[string(variables('"'v0'"'))]", "location": "westeurope", "sku": {"name": "S1", "capacity": 1}, "properties": {"minTlsVersion": "1.0"}}]}'
    { printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "variables": {'
      perl -e 'for $i (0..$ARGV[0]-2) { print "\"v$i\": \"[variables('"'"'v", $i+1, "'"'"')]\", " } print "\"v", $ARGV[0]-1, "\": \"end\"}, "' $n
      printf '%s\n' "$arm_hub"; } > arm/azuredeploy.json
    { printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "variables": {'
      perl -e 'for $i (0..$ARGV[0]-2) { print "\"v$i\": \"[createArray(variables('"'"'v", $i+1, "'"'"'))]\", " } print "\"v", $ARGV[0]-1, "\": \"end\"}, "' $n
      printf '%s\n' "$arm_hub"; } > arm-nest/azuredeploy.json
    # The time budget is raised so that the outcome does not depend on the machine's speed or
    # load (idle, the 8 MB Terraform chain loads in 4.8 s, inside the default 10 s); what is
    # tested is that each chain ends at the depth limit, not at a budget or a crash.
    scan 300 . --parse-timeout 600
    expect_status 2
    expect_output '^weak/hub.tf:5:[0-9]+: medium EG004'
    for d in tf-blocks tf-one tf-nest; do
      expect_output "^$d/chain.tf:[0-9]+:[0-9]+: error EG908 values are nested or chained .* deeper than 1000 levels"
      line=$((n + 5)); [[ $d == tf-one ]] && line=$((n + 7))
      expect_output "^$d/chain.tf:$line:[0-9]+: medium EG004"
    done
    for d in bicep bicep-nest; do
      expect_output "^$d/main.bicep:[0-9]+:[0-9]+: error EG908 values are nested or chained"
      expect_output "^$d/main.bicep:$((n + 5)):[0-9]+: medium EG004"
    done
    for d in arm arm-nest; do
      expect_output "^$d/azuredeploy.json:1:[0-9]+: error EG908 values are nested or chained"
      expect_output "^$d/azuredeploy.json:1:[0-9]+: medium EG004"
    done
    expect_no_output 'loading took longer'
    # A message quotes at most 200 bytes of a value (the Bicep hub's name holds the chain).
    if awk 'length($0) > 600 && /EG004/ { found = 1 } END { exit !found }' "$out"; then
      echo "FAIL: a finding's message quotes a value of unbounded length"; fail=1
    fi
    ;;
  diff-base-hostile-repo)
    # Issue 17: a pull request adds infra/{HEAD, refs/, objects/, config} so that infra/ looks
    # like a bare repository whose config runs a command (core.fsmonitor, a pager, an external
    # diff, hooks). `scan infra --diff-base` must use only the work tree of the current
    # directory, and start no program but git.
    command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }
    g() { git -c user.name=t -c user.email=t@t -c init.defaultBranch=main -c core.hooksPath=/dev/null "$@"; }
    mkdir repo && cd repo && g init -q . || exit 1
    mkdir infra && printf '%s' "$hub_tf" > infra/hub.tf
    g add -A && g commit -qm base
    perl -pi -e 's/"1\.0"/"1.1"/' infra/hub.tf  # line 5 changes: its finding is in the diff
    mkdir -p infra/refs/heads infra/objects/info
    printf 'ref: refs/heads/main\n' > infra/HEAD
    git rev-parse HEAD > infra/refs/heads/main
    printf '%s\n' "$PWD/.git/objects" > infra/objects/info/alternates
    printf '[core]\n\tbare = true\n\tworktree = %s\n\tfsmonitor = "touch %s/pwned-fsmonitor; false"\n\tpager = touch %s/pwned-pager\n\thooksPath = %s/hooks\n[diff]\n\texternal = touch %s/pwned-diff\n' \
      "$PWD/infra" "$tmp" "$tmp" "$tmp" "$tmp" > infra/config
    mkdir "$tmp/hooks" && printf '#!/bin/sh\ntouch %s/pwned-hook\n' "$tmp" > "$tmp/hooks/post-checkout" && chmod +x "$tmp/hooks/post-checkout"
    scan 60 infra --diff-base HEAD
    expect_status 1
    expect_output '^infra/hub.tf:5:[0-9]+: medium EG004'
    # From inside infra/ (where git itself would discover the planted repository): the work
    # tree above is used all the same.
    (cd infra && NO_COLOR=1 "$bin" scan . --diff-base HEAD >"$out" 2>&1); status=$?
    expect_status 1
    # From a directory outside any repository: a clear error, nothing run.
    mkdir "$tmp/outside" && (cd "$tmp/outside" && NO_COLOR=1 "$bin" scan "$tmp/repo/infra" --diff-base HEAD >"$out" 2>&1); status=$?
    expect_status 2
    expect_output 'not in a git work tree'
    if ls "$tmp"/pwned-* >/dev/null 2>&1; then
      echo "FAIL: a command from the planted repository's configuration ran: $(ls "$tmp"/pwned-*)"; fail=1
    fi
    if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
      strace -f -qq -e trace=execve -o "$tmp/trace" "$bin" scan infra --diff-base HEAD >/dev/null 2>&1
      others=$(grep -E 'execve\(' "$tmp/trace" | grep -vE 'execve\("[^"]*/(edgeguard|git)"' | grep -v ENOENT)
      if [[ -n $others ]]; then
        echo "FAIL: --diff-base started a program other than git:"; echo "$others" | head; fail=1
      fi
      grep -q 'execve(.*git' "$tmp/trace" || { echo "FAIL: strace saw no git (the check would pass vacuously)"; fail=1; }
    fi
    ;;
  fix-no-write-outside)
    # Issue 17: --fix writes only regular files inside the project root, through a temporary
    # file created exclusively. A planted `hub.tf.edgeguard-fix` link to a victim, a module
    # source outside the project and a scanned file that is a link must leave the victims as
    # they were.
    mkdir -p project/.git project/infra outside/mod
    printf 'VICTIM\n' > victim
    printf '%s' "$hub_tf" > project/infra/hub.tf
    ln -s "$tmp/victim" project/infra/hub.tf.edgeguard-fix
    for x in 0 1 2 3 4 5 6 7 8 9; do ln -s "$tmp/victim" "project/infra/hub.tf.edgeguard-fix-$x$x$x$x$x$x"; done
    printf 'module "m" {\n  source = "../../outside/mod"\n}\n' > project/infra/mod.tf
    printf '%s' "$hub_tf" | sed 's/"hub"/"outer"/' > outside/mod/main.tf
    printf '%s' "$hub_tf" | sed 's/"hub"/"linked"/' > outside/linked.tf
    mkdir project/links project/real && ln -s "$tmp/outside/linked.tf" project/links/out.tf
    printf '%s' "$hub_tf" | sed 's/"hub"/"inner"/' > project/real/inner.tf
    ln -s ../real/inner.tf project/links/inner.tf
    cp outside/mod/main.tf outside-mod.orig; cp outside/linked.tf outside-linked.orig; cp project/real/inner.tf inner.orig
    (cd project && NO_COLOR=1 "$bin" scan infra links/out.tf links/inner.tf --fix >"$out" 2>&1); status=$?
    [[ $(cat victim) == VICTIM ]] || { echo "FAIL: the victim behind a planted link was written"; fail=1; }
    [[ ! -x victim ]] || { echo "FAIL: the victim's mode was changed"; fail=1; }
    cmp -s outside/mod/main.tf outside-mod.orig || { echo "FAIL: a module file outside the project was rewritten"; fail=1; }
    cmp -s outside/linked.tf outside-linked.orig || { echo "FAIL: a file behind a scanned link was rewritten"; fail=1; }
    cmp -s project/real/inner.tf inner.orig || { echo "FAIL: a file behind a scanned link was rewritten"; fail=1; }
    [[ -L project/links/out.tf && -L project/links/inner.tf ]] || { echo "FAIL: a scanned link was replaced"; fail=1; }
    grep -q '"1.2"' project/infra/hub.tf || { echo "FAIL: the project's own file was not fixed"; fail=1; }
    # The module outside the project is not even read (nothing of it is reported or fixed).
    expect_output 'error EG902 module "m": .*outside/mod is outside the project root \(set --root to widen it\); not read'
    expect_no_output "IoT Hub 'outer'"
    expect_output '^links/out.tf: error EG902 outside the project root .*; not read'
    expect_output 'links/inner.tf: not a regular file \(a symbolic link or a device\); not fixed'
    ls project/infra | grep -q 'edgeguard-fix-......$' && [[ $(ls project/infra | grep -c 'edgeguard-fix') -gt 11 ]] &&
      { echo "FAIL: a temporary file was left behind"; fail=1; }
    ;;
  log-injection)
    # Issue 17: names, values and file names with newlines, carriage returns and escapes must not
    # become lines of their own in a CI log (`::error`, `##vso[...]`) or terminal sequences (OSC 52).
    cat > hub.tf <<'EOF'
resource "azurerm_iothub" "hub" {
  name                = "x\n::error file=a.tf,line=1::forged\r##vso[task.setvariable variable=pwned]1\u001b]52;c;cHduZWQ=\u0007\u009b31m"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.0"
  sku {
    name     = "S1"
    capacity = 1
  }
}
EOF
    printf '%s' "$hub_tf" | sed 's/"hub"/"named"/' > $'x\n::error::forged\e[31m.tf'
    printf '# \e]52;c;cHduZWQ=\a\n%s' "$hub_tf" | sed 's/"hub"/"framed"/' > frame.tf
    for format in text markdown; do
      scan 30 . --format $format
      expect_status 1
      if LC_ALL=C grep -qE '^(::|##vso)' "$out" || LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$out" || LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$out"; then
        echo "FAIL: --format $format wrote a control character or a forged log line:"
        LC_ALL=C grep -nE $'^(::|##vso)|[\x01-\x08\x0b-\x1f\x7f]' "$out" | cat -v | head -5
        fail=1
      fi
    done
    scan 30 . --format text
    expect_output 'x\\n::error file=a.tf,line=1::forged\\r##vso\[task.setvariable'
    ;;
  read-outside-root)
    # Issue 17: nothing a scan reaches by reference (module sources, tfvars, .env, module.json,
    # Bicep modules and parameter files) is read from outside the project root, through a
    # relative path, an absolute path or a symlink; each says so (EG902) and the rest is scanned.
    mkdir -p project/.git project/tf project/edge project/bicep outside/mod outside/modules/x
    mark=OUTSIDE-MARK-7f3a
    printf 'resource "azurerm_iothub" "outer" {\n  name = "%s"\n  min_tls_version = "1.0"\n}\n' $mark > outside/mod/main.tf
    printf 'hub_name = "%s"\n' $mark > outside/x.auto.tfvars
    printf 'IMAGE=%s.azurecr.io/x:1\nPASSWORD=%s\n' $mark $mark > outside/.env
    printf '{"image": {"repository": "%s.azurecr.io/m", "tag": {"version": "1", "platforms": {"amd64": "./Dockerfile"}}}}\n' $mark > outside/modules/x/module.json
    printf "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: '%s'\n  location: 'westeurope'\n  properties: { minTlsVersion: '1.0' }\n}\n" $mark > outside/mod.bicep
    printf 'module "m" {\n  source = "../../outside/mod"\n}\nmodule "abs" {\n  source = "%s/outside/mod"\n}\nvariable "hub_name" {\n  default = "inside"\n}\n%s' "$tmp" "$(printf '%s' "$hub_tf" | sed 's/name                = "hub"/name = var.hub_name/')" > project/tf/main.tf
    ln -s ../../outside/x.auto.tfvars project/tf/x.auto.tfvars
    ln -s ../../outside/.env project/edge/.env
    cat > project/edge/deployment.template.json <<'EOF'
{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker", "settings": {"registryCredentials": {"r": {"address": "x.azurecr.io", "username": "u", "password": "$PASSWORD"}}}},
  "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.4"}}, "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.4"}}},
  "modules": {"a": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "${IMAGE}", "createOptions": {"HostConfig": {"Privileged": true}}}},
              "b": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "${MODULES.../../../outside/modules/x}"}}}}},
  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}, "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}}}
EOF
    printf "module m '../../outside/mod.bicep' = {\n  name: 'm'\n}\nmodule a '%s/outside/mod.bicep' = {\n  name: 'a'\n}\n" "$tmp" > project/bicep/main.bicep
    # The repository's configuration names a policy directory outside the project.
    mkdir -p outside/policies
    printf 'id: EVIL001\nname: evil\nseverity: high\ntitle: %s\ndescription: d\nrationale: r\nremediation: {arm: x}\napplies_to: {kinds: [Microsoft.Devices/IotHubs]}\nviolation: {attribute: name, exists: true}\nmessage: %s\n' $mark $mark > outside/policies/evil.yaml
    printf 'policy-dirs: [../outside/policies]\n' > project/.edgeguard.yaml
    (cd project && NO_COLOR=1 "$bin" scan tf edge bicep --show-unknown --format text >"$out" 2>&1); status=$?
    expect_output 'error EG905 policy-dirs: .*outside/policies is outside the project root'
    expect_no_output "$mark|EVIL001"
    rm project/.edgeguard.yaml
    (cd project && NO_COLOR=1 "$bin" scan tf edge bicep --show-unknown --format text >"$out" 2>&1); status=$?
    expect_no_output "$mark"
    expect_output 'tf/main.tf:[0-9]+:[0-9]+: error EG902 module "m": .*outside the project root'
    expect_output 'bicep/main.bicep:[0-9]+:[0-9]+: error EG902 .*outside the project root'
    expect_output "^tf/main.tf:[0-9]+:[0-9]+: medium EG004 .*'inside'"  # the linked tfvars is not read
    expect_output '^edge/deployment.template.json:[0-9]+:[0-9]+: (high|unknown) EG002'
    (cd project && NO_COLOR=1 "$bin" scan tf edge bicep --format json >"$out" 2>&1)
    expect_no_output "$mark"
    ;;
  amplifying-functions)
    # Issue 17: single calls that would allocate without limit from a few bytes, and a legacy
    # config.yaml alias bomb (664 bytes -> 6.3 GB): each ends in an unknown value or an error,
    # in well under the memory budget, and the hub beside them is still reported.
    mkdir tf bicep arm yaml
    a300=$(repeat a 300)
    cat > tf/main.tf <<EOF
locals {
  s  = "$a300"
  s2 = replace(local.s, "a", local.s)
  s3 = replace(local.s2, "a", local.s2)
  f  = format("%.999999999f", 1)
  g  = formatlist("%02000000000d", [1, 2])
  j  = join(local.s3, [local.s, local.s, local.s])
}
resource "azurerm_iothub" "h" {
  name            = "h"
  tags            = { a = local.s3, b = local.f, c = local.g[0], d = local.j }
  min_tls_version = "1.0"
}
EOF
    cat > bicep/main.bicep <<EOF
var p = padLeft('h', 4000000000, 'x')
var q = format('{99999999999999999999999}', 1)
var s = '$a300'
var r = replace(replace(s, 'a', s), 'a', replace(s, 'a', s))
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h'
  tags: { a: p, b: q, c: r }
  properties: { minTlsVersion: '1.0' }
}
EOF
    printf '%s, "variables": {"s": "%s", "r": "[replace(replace(variables('"'s'"'), '"'a'"', variables('"'s'"')), '"'a'"', replace(variables('"'s'"'), '"'a'"', variables('"'s'"')))]", "p": "[padLeft('"'h'"', 4000000000, '"'x'"')]"}}\n' \
      "${arm_head%, \"resources\": []}, \"resources\": [{\"type\": \"Microsoft.Devices/IotHubs\", \"apiVersion\": \"2023-06-30\", \"name\": \"h\", \"tags\": {\"a\": \"[variables('r')]\", \"b\": \"[variables('p')]\"}, \"properties\": {\"minTlsVersion\": \"1.0\"}}]" "$a300" > arm/azuredeploy.json
    {
      printf 'provisioning:\n  source: manual\n  device_connection_string: "HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=c2VjcmV0"\n'
      printf 'bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
      for i in 1 2 3 4 5 6 7 8 9; do
        p=$((i - 1))
        printf '  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' $i $i $p $p $p $p $p $p $p $p $p
      done
    } > yaml/config.yaml
    scan 60 . --parse-timeout 120  # bounded by the caps, not the budget, however slow the build
    expect_status 2
    expect_output '^tf/main.tf:[0-9]+:[0-9]+: medium EG004'
    expect_output '^bicep/main.bicep:[0-9]+:[0-9]+: medium EG004'
    expect_output '^arm/azuredeploy.json:[0-9]+:[0-9]+: medium EG004'
    expect_output '^yaml/config.yaml:[0-9]+:[0-9]+: error EG901 config.yaml too large: more than [0-9]+ YAML nodes'
    expect_no_output 'internal error|EG908'
    # No input under 1 MB may take more than 1 GB (measured when /usr/bin/time exists).
    if [[ -n ${last_rss:-} ]] && ((last_rss > 1048576)); then echo "FAIL: peak RSS $last_rss KB"; fail=1; fi
    ;;
  secrets-never-printed)
    # Issue 17: values from a .env used in an image, a bind or an environment variable, values
    # under token and signature names, a literal password in the lines around a fix, and
    # sensitive plan values: none is printed by any report format, the graph or a fix diff.
    mkdir -p edge tf plan
    cat > edge/.env <<'EOF'
CONTAINER_REGISTRY_ADDRESS=myacr.azurecr.io
CONTAINER_REGISTRY_PASSWORD=Pw-Sekr3t-9f8e7d6c5b
CONN=HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=U2VrcjN0S2V5MTIzNDU2Nzg5MA==
IMAGE_TAG=tag-Sekr3t-4a4a4a
EOF
    cat > edge/deployment.template.json <<'EOF'
{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker", "settings": {"registryCredentials": {"r": {"address": "${CONTAINER_REGISTRY_ADDRESS}", "username": "u", "password": "$CONTAINER_REGISTRY_PASSWORD"}}}},
  "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.4"}}, "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.4"}}},
  "modules": {"a": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "${CONTAINER_REGISTRY_ADDRESS}/x:${IMAGE_TAG}", "createOptions": {"HostConfig": {"Privileged": true, "Binds": ["/x/${CONTAINER_REGISTRY_PASSWORD}:/y"]}}},
     "env": {"CS": {"value": "${CONN}"}, "AUTH_TOKEN": {"value": "tok-Sekr3t-77aa88bb"}, "accessToken": {"value": "acc-Sekr3t-5c5c5c5c"}}}}}},
  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}, "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}}}
EOF
    printf '%s' "$hub_tf" | sed 's/  min_tls_version     = "1.0"/  min_tls_version     = "1.0"\n  admin_password      = "Adm-Sekr3t-1b2c3d4e"/' > tf/main.tf
    cat > plan/tfplan.json <<'EOF'
{"format_version":"1.2","terraform_version":"1.6.0","variables":{"admin_password":{"value":"Plan-Sekr3t-abcdef123456-tail"}},"planned_values":{"root_module":{"resources":[{"address":"azurerm_iothub.hub","mode":"managed","type":"azurerm_iothub","name":"hub","provider_name":"registry.terraform.io/hashicorp/azurerm","values":{"name":"hub","location":"westeurope","resource_group_name":"rg","min_tls_version":"1.0","tags":{"pw":"Plan-Sekr3t-abcdef123456-tail"},"sku":[{"name":"S1","capacity":1}]},"sensitive_values":{"tags":{"pw":true}}}]}},"configuration":{"root_module":{"variables":{"admin_password":{"sensitive":true}}}}}
EOF
    marks='Sekr3t|U2VrcjN0'
    # Every rule (--preset all): any message could carry a secret.
    for format in text json sarif junit github markdown; do
      scan 30 edge tf plan --preset all --show-unknown --format "$format"
      expect_status 1
      expect_no_output "$marks"
    done
    for format in dot mermaid json; do
      NO_COLOR=1 "$bin" graph edge tf plan --preset all --format "$format" >"$out" 2>&1
      expect_no_output "$marks"
    done
    scan 30 edge tf --preset all --fix --dry-run
    expect_output '^\+.*LogConfig'  # the diff is there (EG009, strict)
    expect_no_output "$marks"
    ;;
  regex-from-config)
    # Issue 17: a repository's .edgeguard.yaml sets a pattern that backtracks exponentially
    # (`^(a|a)*$`: 24 characters took 1.5 s, doubling with each); every regular expression
    # from a file runs on RE2 in linear time, so 60 characters end at once. A pattern RE2
    # cannot run is a configuration error at its position.
    mkdir edge
    printf 'rules:\n  parameters:\n    EG002:\n      raw_host_devices: "^(a|a)*$"\n' > .edgeguard.yaml
    dev=$(repeat a 60)b
    printf '{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker", "settings": {}}, "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.4"}}, "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.4"}}}, "modules": {"m": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/x:1", "createOptions": {"HostConfig": {"Devices": [{"PathOnHost": "%s", "PathInContainer": "/d"}, {"PathOnHost": "%s", "PathInContainer": "/e"}]}}}}}}}, "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}, "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}}}\n' "$dev" "$(repeat a 60)" > edge/deployment.json
    scan 30 edge
    expect_status 1
    expect_output "^edge/deployment.json:1:[0-9]+: high EG002 .*'m'"
    printf 'rules:\n  parameters:\n    EG002:\n      raw_host_devices: "(a)\\\\1"\n' > .edgeguard.yaml
    scan 30 edge
    expect_status 2
    expect_output 'invalid regular expression'
    ;;
  bounded-work)
    # Issue 17: work after parsing is bounded too. 2,000 devices sharing a key (EG001 named
    # every other device in every finding: 5.6 GB), nested dynamic blocks (4.5 KB -> 5 GB),
    # distinct() over 150,000 items (27 s), a fix diff of a 1 MB file (5 GB), a Bicep module
    # DAG (2^30 instances from 6 KB), and 300 empty .tf files (300 budgets for one main.tf).
    mkdir devices dyn dist diff dag empty
    for i in $(seq 1 2000); do
      mkdir devices/d$i
      printf '[provisioning]\nsource = "manual"\nconnection_string = "HostName=h.azure-devices.net;DeviceId=d%d;SharedAccessKey=c2hhcmVkLWtleS1mb3ItYWxs"\n' $i > devices/d$i/config.toml
    done
    perl -e 'print "locals {\n  l = [", join(", ", map { "\"10.0.$_.0/8\"" } 0..199), "]\n}\n"' > dyn/main.tf
    cat >> dyn/main.tf <<'EOF'
resource "azurerm_iothub" "hub" {
  name                = "hub"
  resource_group_name = "rg"
  location            = "westeurope"
  min_tls_version     = "1.2"
  dynamic "network_rule_set" {
    for_each = local.l
    content {
      default_action = "Deny"
      dynamic "ip_rule" {
        for_each = local.l
        content {
          name    = "r"
          ip_mask = ip_rule.value
          action  = "Allow"
        }
      }
    }
  }
  sku {
    name     = "S1"
    capacity = 1
  }
}
EOF
    perl -e 'print "locals {\n  d = distinct([", join(", ", map { $_ % 1000 } 1..150000), "])\n}\n"' > dist/main.tf
    printf '%s' "$hub_tf" >> dist/main.tf
    perl -e 'for $i (1..6000) { print "resource \"azurerm_iothub\" \"h$i\" {\n  name = \"h$i\"\n  min_tls_version = \"1.0\"\n}\n" }' > diff/main.tf
    for i in $(seq 0 29); do
      printf "module a 'm%d.bicep' = {\n  name: 'a'\n}\nmodule b 'm%d.bicep' = {\n  name: 'b'\n}\n" $((i + 1)) $((i + 1)) > dag/m$i.bicep
    done
    printf "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  location: 'westeurope'\n  properties: { minTlsVersion: '1.0' }\n}\n" > dag/m30.bicep
    printf "module top 'm0.bicep' = {\n  name: 'top'\n}\n" > dag/main.bicep
    for i in $(seq 1 300); do : > empty/e$i.tf; done
    printf '%s' "$hub_tf" > empty/main.tf
    # A generous parse budget: what is tested is that the work is bounded by its caps, not by
    # the budget, on any machine (the sanitizer build is several times slower).
    scan 120 devices dyn dist dag --format json --output report.json --parse-timeout 120
    expect_status 2
    if [[ -n ${last_rss:-} ]] && ((last_rss > 1048576)); then echo "FAIL: peak RSS $last_rss KB"; fail=1; fi
    size=$(wc -c < report.json)
    ((size < 200000000)) || { echo "FAIL: the report is $size bytes"; fail=1; }
    scan 120 devices dyn dist dag --parse-timeout 120
    expect_output "devices/d1/config.toml:[0-9]+:[0-9]+: high EG001 .* 2000 places share: .* and 1989 more"
    expect_output 'dag/m[0-9]+.bicep:[0-9]+:[0-9]+: error EG902 more than 1000 module instances'
    expect_no_output 'EG908'
    scan 120 diff --fix --dry-run
    expect_status 1
    if [[ -n ${last_rss:-} ]] && ((last_rss > 1048576)); then echo "FAIL: peak RSS $last_rss KB for the fix diff"; fail=1; fi
    expect_output '^\+  min_tls_version = "1.2"'
    # 300 empty files add no budget: the unit's budget is the one of its text.
    scan 60 empty --parse-timeout 0.001
    expect_no_output 'budget of 0.3 s'
    ;;
  no-network-no-exec)
    # A scan opens no socket and starts no program. With strace (when installed) every
    # execve, socket and connect is traced; with unshare (when permitted) the scan also runs
    # without any network interface and must give the same report.
    checked=0
    if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
      scan 120 "$repo/fixtures" --fail-on none --format json --output plain.json
      strace -f -qq -e trace=execve,execveat,socket,connect,fork,vfork -o trace "$bin" scan "$repo/fixtures" --fail-on none \
        --format json --output traced.json >/dev/null 2>&1
      execs=$(grep -c 'execve' trace)
      nets=$(grep -Ec '(socket|connect)\(' trace)
      forks=$(grep -Ec '(^|[0-9] )(v?fork)\(' trace)
      if ((execs != 1 || nets != 0 || forks != 0)); then
        echo "FAIL: $execs execve (1 expected: edgeguard itself), $nets socket/connect, $forks fork calls:"
        grep -E 'execve|socket|connect|fork' trace | head
        fail=1
      fi
      echo "strace: 1 execve, 0 socket/connect, 0 fork"
      checked=1
    fi
    if command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
      scan 120 "$repo/fixtures" --fail-on none --format json --output plain.json
      plain_status=$status
      runner=(unshare -n)
      scan 120 "$repo/fixtures" --fail-on none --format json --output isolated.json
      runner=()
      expect_status "$plain_status"  # fixtures/ holds broken inputs on purpose: 2 either way
      cmp -s plain.json isolated.json || { echo "FAIL: the report differs without a network"; fail=1; }
      echo "unshare -n: same report without a network"
      checked=1
    fi
    ((checked)) || { echo "SKIP: neither strace nor unshare -n is usable here"; exit 77; }
    ;;
  *)
    echo "unknown case $case"
    exit 2
    ;;
esac
if ((fail)); then
  echo "--- output of the last scan (exit $status):"
  head -c 4000 "$out"
  exit 1
fi
echo "ok: $case"
exit 0
