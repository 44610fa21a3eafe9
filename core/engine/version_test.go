package engine

import (
	"runtime/debug"
	"testing"
)

func TestModuleVersion(t *testing.T) {
	core := func(v string, r *debug.Module) *debug.Module {
		return &debug.Module{Path: modulePath, Version: v, Replace: r}
	}
	for name, tc := range map[string]struct {
		bi   debug.BuildInfo
		want string
	}{
		"a dependency at a version": {debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{{Path: "golang.org/x/mod", Version: "v0.41.0"}, core("v1.2.3", nil)}}, "v1.2.3"},
		"the main module":           {debug.BuildInfo{Main: *core("v0.4.0", nil)}, "v0.4.0"},
		"the main module, local":    {debug.BuildInfo{Main: *core("(devel)", nil)}, "devel"},
		"a workspace copy":          {debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{core("v0.1.0", &debug.Module{Path: "../core"})}}, "devel"},
		"replaced by a version":     {debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{core("v0.1.0", &debug.Module{Path: "example.com/fork", Version: "v0.1.1"})}}, "v0.1.1"},
		"not linked":                {debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}}, "unknown"},
	} {
		if got := moduleVersion(&tc.bi); got != tc.want {
			t.Errorf("%s: got %q, want %q", name, got, tc.want)
		}
	}
}

// In this package's test binary the core module is the main module, built
// from the working tree.
func TestVersionOfThisBuild(t *testing.T) {
	if got := Version(); got != "devel" {
		t.Fatalf("Version() = %q in the repository's own tests, want devel", got)
	}
}
