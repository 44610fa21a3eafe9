# Sourced by the scripts that build the modules as users get them
# (install-check.sh, tidy.sh); run from the repository's root.
#
# modpath is the modules' common path; version the release version, the
# one the modules require each other at (adapters/gin/go.mod says it).
modpath=github.com/waygate-go/waygate
modules=(core admin openapi otel cli adapters/nethttp adapters/gin adapters/echo adapters/fiber adapters/chi adapters/echov5)
version=$(awk -v m="$modpath/core" '$1 == m { print $2; exit }' adapters/gin/go.mod)
if [ -z "$version" ]; then
  echo "cannot read the release version from adapters/gin/go.mod" >&2
  exit 1
fi

# build_proxy DIR writes a Go module proxy directory serving every module
# of the working tree at $version (devtools/cmd/modproxy, which zips them
# with golang.org/x/mod/zip), and drops these modules from the module
# cache: a copy cached from another tree at the same version would be used
# in place of the proxy's. The go command also keeps an index of the
# packages in the module cache, keyed by module and version (it takes a
# version's contents never to change): GODEBUG=goindex=0 stops it from
# listing another tree's files.
build_proxy() {
  go run ./devtools/cmd/modproxy -out "$1" -version "$version" "${modules[@]}" >/dev/null
  local modcache d
  modcache=$(go env GOMODCACHE)
  for d in "$modcache/$modpath" "$modcache/cache/download/$modpath"; do
    if [ -d "$d" ]; then chmod -R u+w "$d" && rm -rf "$d"; fi
  done
  export GODEBUG="${GODEBUG:+$GODEBUG,}goindex=0"
}
