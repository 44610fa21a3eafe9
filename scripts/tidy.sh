#!/usr/bin/env bash
# tidy: run `go mod tidy` in every module on its own (GOWORK=off), as a
# user's build would see it.
#
# The modules require each other at the release version, which is not
# published until scripts/release.sh tags it, so a module proxy built from
# the working tree (devtools/cmd/modproxy) serves them. Their go.sum lines
# are left out of the committed go.sum files: they hash this tree's zips,
# not the published ones, and the workspace (go.work) does not need them.
#
# Usage: scripts/tidy.sh          tidy every module
#        scripts/tidy.sh -check   fail, showing the difference, when a module is not tidy
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/proxy.sh
check=false
case "${1:-}" in
  -check) check=true ;;
  "") ;;
  *) echo "usage: scripts/tidy.sh [-check]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/waygate-tidy.XXXXXX")
trap 'rm -rf "$work"' EXIT
build_proxy "$work/proxy"
export GOWORK=off GONOSUMDB="$modpath" GOPROXY="file://$work/proxy,$(go env GOPROXY)"
status=0
for dir in $(GOWORK= go list -f '{{.Dir}}' -m); do
  rel=${dir#"$root"/}
  [ -n "$(find "$dir" -name '*.go' -print -quit)" ] || continue # a module still being started
  if $check; then
    # -diff prints a unified diff and changes nothing; the in-repo
    # modules' go.sum lines are expected to be missing.
    if out=$(cd "$dir" && go mod tidy -diff 2>&1); then continue; fi
    if ! grep -q '^--- ' <<<"$out"; then
      echo "$rel: go mod tidy failed:"; echo "$out"; status=1; continue
    fi
    changes=$(grep -E '^[-+]' <<<"$out" | grep -vE '^(\+\+\+|---) ' | grep -v "^[-+]$modpath/" || true)
    if [ -n "$changes" ]; then
      echo "$rel is not tidy (run scripts/tidy.sh):"; echo "$changes"; status=1
    fi
  else
    (cd "$dir" && go mod tidy && if [ -f go.sum ]; then
      grep -v "^$modpath/" go.sum >go.sum.tmp || true
      if [ -s go.sum.tmp ]; then mv go.sum.tmp go.sum; else rm -f go.sum.tmp go.sum; fi
    fi) || { echo "$rel: go mod tidy failed"; status=1; }
  fi
done
exit $status
