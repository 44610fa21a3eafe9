package conformance

import "strings"

// What every harness does the same way, whatever its framework.

// Walk adds every route of app: the top-level ones to root, then each
// group's to the router group makes for it (with the group's prefix and
// declarations).
func Walk[R any](app App, root R, group func(Group) R, add func(R, Route)) {
	for _, r := range app.Routes {
		add(root, r)
	}
	for _, g := range app.Groups {
		to := group(g)
		for _, r := range g.Routes {
			add(to, r)
		}
	}
}

// Identity is who a request says it is through the table's identity
// headers.
type Identity struct {
	User  string   // HeaderUser; "" when absent
	Roles []string // HeaderRoles, comma-separated; nil when absent
	Plan  string   // HeaderPlan; "" when absent
}

// IdentityOf reads the identity headers with get (http.Header.Get, or the
// framework's own header getter).
func IdentityOf(get func(name string) string) Identity {
	id := Identity{User: get(HeaderUser), Plan: get(HeaderPlan)}
	if roles := get(HeaderRoles); roles != "" {
		id.Roles = strings.Split(roles, ",")
	}
	return id
}

// ColonPath turns a table template into the ":param" syntax of gin, echo
// and fiber: "{id}" becomes ":id", and a catch-all "{name...}" becomes
// catchAll(name) ("*name" on gin, "*" on echo and fiber).
func ColonPath(p string, catchAll func(name string) string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		name, ok := strings.CutPrefix(s, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if rest, ok := strings.CutSuffix(name, "..."); ok {
			segs[i] = catchAll(rest)
		} else {
			segs[i] = ":" + name
		}
	}
	return strings.Join(segs, "/")
}
