#!/usr/bin/env bash
# release: make VERSION of every Waygate module, ready to push.
#
#   scripts/release.sh v0.2.0
#
# 1. Refuses a dirty tree, a version that is not semver, or tags that exist.
# 2. Sets every in-repo requirement (each go.mod), go.work's replacements
#    and the versions README.md and docs/ name (…@vX.Y.Z) to VERSION, and
#    commits that when it changed something.
# 3. Runs the checks a release must pass: tidiness, every test of every
#    module (the README's test command), and scripts/install-check.sh.
# 4. Tags each published module at that commit: core/VERSION,
#    admin/VERSION, openapi/VERSION, cli/VERSION, adapters/gin/VERSION, ...
#    (a module in a subdirectory is tagged with its directory as prefix).
#
# Nothing is pushed: the script prints the command that publishes. See
# docs/releasing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/proxy.sh # modpath, modules, version (the current one)

new=${1:-}
if ! [[ $new =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: scripts/release.sh vMAJOR.MINOR.PATCH (like v0.2.0 or v0.2.0-rc.1)" >&2
  exit 2
fi
if [[ ! $new =~ ^v[01]\. ]]; then
  # v2 and later need /v2 in every module path: a change this script does not make.
  echo "release: $new is a major version past v1; the module paths need a /vN suffix first" >&2
  exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "release: the working tree has changes; commit or stash them first:" >&2
  git status --short >&2
  exit 1
fi
for m in "${modules[@]}"; do
  if git rev-parse -q --verify "refs/tags/$m/$new" >/dev/null; then
    echo "release: tag $m/$new exists already" >&2
    exit 1
  fi
done

echo "== requirements: $version -> $new"
for gomod in $(git ls-files '*go.mod'); do
  for m in "${modules[@]}"; do
    if grep -Eq "^(require)?[[:space:]]*$modpath/$m v" "$gomod"; then
      go mod edit -require="$modpath/$m@$new" "$gomod"
    fi
  done
done
# The versions the docs tell readers to go get and go install (docs/cli.md's
# guide is generated from cli/internal/docgen/guide.go).
for page in README.md $(git ls-files 'docs/*.md') cli/internal/docgen/guide.go; do
  sed -i -E "s#($modpath(/[A-Za-z0-9._-]+)*)@${version//./\\.}([^0-9A-Za-z.-]|$)#\1@$new\3#g" "$page"
done
# go.work's replace block, edited in place to keep it one commented block.
sed -i -E "s#^([[:space:]]*$modpath/[^[:space:]]+) ${version//./\\.} => #\1 $new => #" go.work
if [ -n "$(git status --porcelain)" ]; then
  git commit -q -am "release $new: the modules require each other at $new"
  echo "committed $(git rev-parse --short HEAD)"
fi

echo "== checks"
scripts/tidy.sh -check
go run ./devtools/cmd/testall
scripts/install-check.sh

echo "== tags"
for m in "${modules[@]}"; do
  git tag -a -m "$modpath/$m $new" "$m/$new"
  echo "$m/$new"
done
echo
echo "Publish with: git push origin main $(printf "%s/$new " "${modules[@]}")"
