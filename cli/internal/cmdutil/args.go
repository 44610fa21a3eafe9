package cmdutil

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/waygate-go/waygate/core/route"
)

// Methods are the HTTP methods a route argument may name.
var Methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// RouteKey parses a route argument — "/path", "METHOD:/path" or
// "service:METHOD:/path", the method in any case — and scopes it to
// service when one is given. Bad arguments are usage errors.
func RouteKey(arg, service string) (string, error) {
	arg = strings.TrimSpace(arg)
	slash := strings.IndexByte(arg, '/')
	if slash < 0 {
		return "", FlagErrorf("route %q: write /path or METHOD:/path, like /payments or GET:/payments", arg)
	}
	head, path := arg[:slash], arg[slash:]
	if strings.ContainsAny(path, " \t?#") {
		return "", FlagErrorf("route %q: the path must not contain spaces, '?' or '#'", arg)
	}
	// gin, echo and fiber write /users/:name and /files/*path: the same
	// route as Waygate's /users/{name} and /files/{path}.
	path, err := route.NormalizeTemplate(path)
	if err != nil {
		return "", FlagErrorf("route %q: %v", arg, err)
	}
	var svc, method string
	if head != "" {
		if !strings.HasSuffix(head, ":") {
			return "", FlagErrorf("route %q: write /path or METHOD:/path, like /payments or GET:/payments", arg)
		}
		parts := strings.Split(strings.TrimSuffix(head, ":"), ":")
		switch len(parts) {
		case 1:
			method = parts[0]
		case 2:
			svc, method = parts[0], parts[1]
		default:
			return "", FlagErrorf("route %q: write [service:]METHOD:/path", arg)
		}
		method = strings.ToUpper(method)
		if !slices.Contains(Methods, method) {
			return "", FlagErrorf("route %q: unknown HTTP method %q: use one of %s", arg, method, strings.Join(Methods, ", "))
		}
	}
	switch {
	case svc != "" && service != "" && svc != service:
		return "", FlagErrorf("route %q names service %q but --service (or WAYGATE_SERVICE) is %q", arg, svc, service)
	case svc == "":
		svc = service
	}
	key := path
	if method != "" {
		key = method + ":" + path
	}
	if svc != "" {
		key = svc + ":" + key
	}
	return key, nil
}

// ExemptPath normalises an exempt-path argument: "/health", "GET:/health",
// or a bare "health" (taken as "/health").
func ExemptPath(arg string) (string, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return "", FlagErrorf("empty exempt path: write /path or METHOD:/path")
	}
	if !strings.ContainsAny(arg, "/:") {
		arg = "/" + arg
	}
	return RouteKey(arg, "")
}

// timeLayouts are the accepted absolute times; times without a zone are UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// ParseTime reads a time for --start, --end or --until: "now", a
// duration from now ("90m", "2h", "1d", "+2h"), RFC 3339
// ("2030-03-10T02:00:00Z"), or "2030-03-10T02:00" / "2030-03-10 02:00"
// (UTC). Bad values are usage errors naming flag.
func ParseTime(flag, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "now" {
		return now.UTC(), nil
	}
	if d, ok := parseDuration(strings.TrimPrefix(s, "+")); ok {
		return now.Add(d).UTC(), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, FlagErrorf("--%s %q: cannot parse the time: write RFC 3339 (2030-03-10T02:00:00Z), 2030-03-10T02:00 (UTC), now, or a duration from now (90m, 2h, 1d)", flag, s)
}

// ParseDuration reads a positive duration: Go syntax ("90m", "1h30m") or
// whole days ("2d"). Bad values are usage errors naming flag.
func ParseDuration(flag, s string) (time.Duration, error) {
	if d, ok := parseDuration(strings.TrimSpace(s)); ok {
		return d, nil
	}
	return 0, FlagErrorf("--%s %q: write a positive duration like 90m, 2h or 1d", flag, s)
}

func parseDuration(s string) (time.Duration, bool) {
	if n, found := strings.CutSuffix(s, "d"); found {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 && days <= 3650 {
			return time.Duration(days) * 24 * time.Hour, true
		}
		return 0, false
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

// FormatTime formats t for tables: "2030-03-10 02:00 UTC"; zero is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// SplitList splits comma-separated flag values and drops empty items:
// --keys a,b --keys c gives [a b c].
func SplitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// Plural returns "1 route" or "3 routes".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// UnknownSubcommand is the usage error for a word that names none of c's
// subcommands, with the closest names as suggestions.
func UnknownSubcommand(c *cobra.Command, arg string) error {
	msg := fmt.Sprintf("unknown command %q for %q", arg, c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if s := c.SuggestionsFor(arg); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return FlagErrorf("%s", msg)
}
