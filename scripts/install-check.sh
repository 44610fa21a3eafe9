#!/usr/bin/env bash
# install-check: prove the modules install from outside the repository at
# the release version, without publishing them.
#
# 1. A Go module proxy directory is built from the working tree, every
#    module at the version the modules require each other at (their go.mod
#    files), with golang.org/x/mod/zip (devtools/cmd/modproxy).
# 2. In an empty directory outside the repository, with GOWORK=off and
#    GOPROXY=file://<that directory>,https://proxy.golang.org:
#    - go install github.com/waygate-go/waygate/cli/cmd/waygate@VERSION
#      works and `waygate version` prints VERSION;
#    - one consumer module per framework (net/http, gin, echo, fiber) go
#      gets core, its adapter, admin, openapi and otel at VERSION;
#    - every Go block of README.md and docs/ is written into the consumer
#      module its marker names (devtools/cmd/snippets), the modules are
#      tidied and vetted (which compiles tests too), and the programs the
#      pages run print exactly what the pages show.
#
# Usage: scripts/install-check.sh   (KEEP=1 keeps the work directory)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/proxy.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/waygate-install-check.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
  echo "== work directory: $work (kept)"
else
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fi
echo "== install-check of $modpath at $version"

build_proxy "$work/proxy"
go build -o "$work/tools/" ./devtools/cmd/snippets

pages=("$root/README.md" "$root"/docs/*.md "$root"/docs/*/*.md)
export GOWORK=off GOFLAGS=-mod=mod GONOSUMDB="$modpath" GOPROXY="file://$work/proxy,$(go env GOPROXY)"
cd "$work"

echo "== go install $modpath/cli/cmd/waygate@$version"
GOBIN="$work/bin" go install "$modpath/cli/cmd/waygate@$version"
got=$("$work/bin/waygate" version)
echo "$got"
case "$got" in
  "waygate version $version "*) ;;
  *) echo "install-check: waygate version printed \"$got\", want $version" >&2; exit 1 ;;
esac

for fw in nethttp gin echo fiber; do
  echo "== consumer module on $fw"
  mkdir -p "consumers/$fw"
  (cd "consumers/$fw" && go mod init "example.com/consumer/$fw" >/dev/null 2>&1 &&
    go get "$modpath/core@$version" "$modpath/adapters/$fw@$version" "$modpath/admin@$version" "$modpath/openapi@$version" "$modpath/otel@$version" 2>&1 | grep -v '^go: downloading' || true)
done

echo "== the documentation's snippets"
"$work/tools/snippets" write -root "$root" -out "$work/consumers" "${pages[@]}"
for fw in nethttp gin echo fiber; do
  (cd "consumers/$fw" && go mod tidy 2>&1 | grep -v '^go: \(downloading\|finding\)' || true
    echo "-- go vet in the $fw consumer ($(find snippets -name '*.go' | wc -l) files)"
    go vet ./...)
done
"$work/tools/snippets" run -root "$root" -out "$work/consumers" "${pages[@]}"
echo "== install-check passed"
