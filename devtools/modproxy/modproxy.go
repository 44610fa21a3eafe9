// Package modproxy writes a Go module proxy directory from modules in a
// working tree: for each module, at one version, the files the module proxy
// protocol serves — @v/list, @v/VERSION.info, @v/VERSION.mod and
// @v/VERSION.zip (made by golang.org/x/mod/zip, which keeps out nested
// modules, VCS directories and what a module zip may not hold). With
// GOPROXY=file://DIR,https://proxy.golang.org and GONOSUMDB for the
// modules' path, go get and go install take the tree's modules at that
// version as if it were published.
package modproxy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/zip"
)

// Module is one module written to the proxy.
type Module struct {
	Path string // module path, from its go.mod
	Dir  string // where it lives in the tree
}

// Build writes the modules in dirs, at version, into the proxy directory
// out, and returns them. version must be a canonical semantic version
// (v1.2.3). Modules already in out at other versions are kept, so one
// directory can serve several versions.
func Build(out, version string, dirs ...string) ([]Module, error) {
	if !semver.IsValid(version) || semver.Canonical(version) != version {
		return nil, fmt.Errorf("version %q: give a canonical semantic version like v0.1.0", version)
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return nil, err
	}
	var mods []Module
	for _, dir := range dirs {
		m, err := write(out, version, dir, info)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// write adds the module in dir to the proxy.
func write(out, version, dir string, info []byte) (Module, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return Module{}, err
	}
	path := modfile.ModulePath(raw)
	if path == "" {
		return Module{}, fmt.Errorf("go.mod names no module")
	}
	if _, major, ok := module.SplitPathVersion(path); !ok || (major != "" && semver.Major(version) != strings.TrimPrefix(major, "/")) {
		return Module{}, fmt.Errorf("module %s cannot have version %s", path, version)
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return Module{}, err
	}
	at := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return Module{}, err
	}
	mv := module.Version{Path: path, Version: version}
	f, err := os.Create(filepath.Join(at, version+".zip"))
	if err != nil {
		return Module{}, err
	}
	if err := zip.CreateFromDir(f, mv, dir); err != nil {
		f.Close()
		return Module{}, err
	}
	if err := f.Close(); err != nil {
		return Module{}, err
	}
	if err := os.WriteFile(filepath.Join(at, version+".mod"), raw, 0o644); err != nil {
		return Module{}, err
	}
	if err := os.WriteFile(filepath.Join(at, version+".info"), info, 0o644); err != nil {
		return Module{}, err
	}
	if err := addToList(filepath.Join(at, "list"), version); err != nil {
		return Module{}, err
	}
	return Module{Path: path, Dir: dir}, nil
}

// addToList adds version to the @v/list file, sorted and once.
func addToList(list, version string) error {
	var versions []string
	if raw, err := os.ReadFile(list); err == nil {
		versions = strings.Fields(string(raw))
	}
	for _, v := range versions {
		if v == version {
			return nil
		}
	}
	versions = append(versions, version)
	sort.Slice(versions, func(i, j int) bool { return semver.Compare(versions[i], versions[j]) < 0 })
	return os.WriteFile(list, []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}
