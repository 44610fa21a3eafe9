// Package build reports the CLI's version: the one set at link time
// (-ldflags "-X github.com/waygate-go/waygate/cli/internal/build.version=v1.2.3"),
// else the module version recorded by go install, else "dev".
package build

import "runtime/debug"

// version is set at link time.
var version string

// Version returns the CLI's version.
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// Commit returns the VCS revision the binary was built from, if recorded.
func Commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return ""
}
