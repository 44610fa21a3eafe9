package engine

import (
	"runtime/debug"
	"sync"
)

// modulePath is the core module's path, as the build information names it.
const modulePath = "github.com/waygate-go/waygate/core"

// Version reports the version of Waygate's core module this program was
// built with, from the build information Go records: "v1.2.3" for a module
// fetched at a version, "devel" for a local copy (a go.work workspace or a
// replace directive), "unknown" when the binary carries no build
// information. Waygate's modules are released together, so this is the
// version of the adapters, admin and openapi too.
func Version() string { return version() }

var version = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return moduleVersion(bi)
})

func moduleVersion(bi *debug.BuildInfo) string {
	m := &bi.Main
	if m.Path != modulePath {
		m = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				m = d
				break
			}
		}
	}
	switch {
	case m == nil:
		return "unknown"
	case m.Replace != nil && m.Replace.Version == "":
		return "devel" // replaced by a directory
	case m.Replace != nil:
		return m.Replace.Version
	case m.Version == "" || m.Version == "(devel)":
		return "devel"
	}
	return m.Version
}
