#!/usr/bin/env bash
# `cpack -G DEB` (what `make package` runs) builds edgeguard_VERSION_ARCH.deb: control fields,
# contents under /usr, and the binary unpacked from it (dpkg -x into a throw-away root) runs
# and scans fixtures/demo. When the binary is static and this runs as root, it also runs in a
# chroot that holds nothing but the binary and the demo: no libraries, no /proc, no /etc.
# Skipped (77) without dpkg-deb (not a Debian system).
set -uo pipefail
build=$1
command -v dpkg-deb >/dev/null 2>&1 || { echo "dpkg-deb is not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; exit 1; }
debs=("$tmp"/out/edgeguard_*.deb)
[[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || { echo "expected one edgeguard_*.deb, got: ${debs[*]}"; cat "$tmp/cpack.log"; exit 1; }
deb=${debs[0]}
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
fail=0
field() { dpkg-deb -f "$deb" "$1"; }
version=$(sed -n 's/^project(edgeguard VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ $(field Package) == edgeguard ]] || { echo "Package: $(field Package)"; fail=1; }
[[ $(field Version) == "$version" ]] || { echo "Version: $(field Version), expected $version"; fail=1; }
[[ -n $(field Maintainer) ]] || { echo "no Maintainer"; fail=1; }
[[ $(field Description) == *"Azure IoT"* ]] || { echo "Description: $(field Description)"; fail=1; }
summary=$(field Description | head -n1)
field Description | tail -n +2 | grep -qF "$summary" && { echo "the extended description repeats the summary"; fail=1; }
[[ $(field Architecture) == "$(dpkg --print-architecture 2>/dev/null || field Architecture)" ]] || { echo "Architecture: $(field Architecture)"; fail=1; }
dynamic=false
readelf -l "$build/edgeguard" 2>/dev/null | grep -q 'Requesting program interpreter' && dynamic=true
if $dynamic && [[ -z $(field Depends) ]] && command -v dpkg-shlibdeps >/dev/null; then
  echo "a dynamically linked binary but no Depends"; fail=1
fi
if ! $dynamic && [[ -n $(field Depends) ]]; then echo "a static binary needs no Depends: $(field Depends)"; fail=1; fi

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$tmp/contents"
for f in /usr/bin/edgeguard /usr/share/man/man1/edgeguard.1 /usr/share/bash-completion/completions/edgeguard \
         /usr/share/zsh/site-functions/_edgeguard /usr/share/fish/vendor_completions.d/edgeguard.fish \
         /usr/share/doc/edgeguard/README.md /usr/share/doc/edgeguard/docs/rules/README.md \
         /usr/share/doc/edgeguard/copyright /usr/share/doc/edgeguard/LICENSE /usr/share/doc/edgeguard/docs/security.md; do
  grep -qx "$f" "$tmp/contents" || { echo "missing from the package: $f"; fail=1; }
done

mkdir "$tmp/root"
dpkg -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/edgeguard
"$bin" version >"$tmp/version" 2>&1 || { echo "unpacked edgeguard version failed"; fail=1; }
head -n1 "$tmp/version" | grep -qx "edgeguard $version" || { echo "version: $(cat "$tmp/version")"; fail=1; }
"$bin" scan fixtures/demo --format json >"$tmp/scan.json" 2>"$tmp/scan.err"
status=$?
[[ $status == 1 ]] || { echo "unpacked edgeguard scan fixtures/demo: exit $status (expected 1, findings)"; cat "$tmp/scan.err"; fail=1; }
grep -q '"rule": *"EG' "$tmp/scan.json" || { echo "no findings in the JSON report"; fail=1; }

if ! $dynamic && [[ $(id -u) == 0 ]] && command -v chroot >/dev/null; then
  jail=$tmp/jail
  mkdir -p "$jail/bin" "$jail/tmp"
  cp "$bin" "$jail/bin/edgeguard"
  cp -r fixtures/demo "$jail/demo"
  if ! chroot "$jail" /bin/edgeguard version >"$tmp/jail-version" 2>&1; then
    echo "static edgeguard does not run in an empty chroot:"; cat "$tmp/jail-version"; fail=1
  fi
  chroot "$jail" /bin/edgeguard scan /demo --jobs 2 --format json --output /tmp/scan.json >/dev/null 2>"$tmp/jail.err"
  status=$?
  [[ $status == 1 ]] || { echo "chroot scan: exit $status (expected 1)"; cat "$tmp/jail.err"; fail=1; }
  n_jail=$(grep -o '"rule": *"EG[0-9]*"' "$jail/tmp/scan.json" | wc -l)
  n_host=$(grep -o '"rule": *"EG[0-9]*"' "$tmp/scan.json" | wc -l)
  [[ $n_jail == "$n_host" && $n_jail -gt 0 ]] || { echo "chroot scan found $n_jail findings, the host scan $n_host"; fail=1; }
  ((fail)) || echo "ok: runs in an empty chroot ($(find "$jail" -type f | wc -l) files: the binary and the demo)"
else
  echo "chroot check skipped (dynamic binary or not root)"
fi
((fail)) || echo "ok: $(basename "$deb")"
exit $fail
