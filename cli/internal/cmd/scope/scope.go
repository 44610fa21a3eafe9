// Package scope describes the two places a maintenance switch or a rate
// limit can apply besides a single route: globally, or to one service.
// The global and service command groups share their verbs through it.
package scope

import (
	"strings"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// Scope is global or per-service.
type Scope struct {
	// PerService scopes take a SERVICE argument before any other.
	PerService bool
	// Command is the command group ("global", "service-maintenance").
	Command string
	// Noun names the thing in messages ("global maintenance").
	Noun string
	base func(service string) string
}

// The four scopes of the CLI.
var (
	GlobalMaintenance = Scope{Command: "global", Noun: "global maintenance",
		base: func(string) string { return "/api/global" }}
	ServiceMaintenance = Scope{PerService: true, Command: "service-maintenance", Noun: "maintenance of service",
		base: func(s string) string { return "/api/services/" + api.Escape(s) + "/maintenance" }}
	GlobalRateLimit = Scope{Command: "global-rate-limit", Noun: "global rate limit",
		base: func(string) string { return "/api/global-rate-limit" }}
	ServiceRateLimit = Scope{PerService: true, Command: "service-rate-limit", Noun: "rate limit of service",
		base: func(s string) string { return "/api/services/" + api.Escape(s) + "/rate-limit" }}
)

// Path is the API path of the scope plus suffix ("/enable").
func (s Scope) Path(service, suffix string) string { return s.base(service) + suffix }

// Use is a usage line: "enable" or "enable SERVICE", plus rest.
func (s Scope) Use(verb, rest string) string {
	use := verb
	if s.PerService {
		use += " SERVICE"
	}
	if rest != "" {
		use += " " + rest
	}
	return use
}

// Name names the scope for messages: "global maintenance" or
// "maintenance of service payments".
func (s Scope) Name(service string) string {
	if s.PerService {
		return s.Noun + " " + service
	}
	return s.Noun
}

// Split takes the SERVICE argument off args for per-service scopes and
// checks the count of the remaining ones (min..max, max < 0 for any).
func (s Scope) Split(args []string, min, max int, names string) (service string, rest []string, err error) {
	want := names
	if s.PerService {
		want = strings.TrimSpace("SERVICE " + names)
		if len(args) == 0 {
			return "", nil, cmdutil.FlagErrorf("missing argument: %s", want)
		}
		service, args = strings.TrimSpace(args[0]), args[1:]
		if service == "" || strings.ContainsAny(service, "/: ") {
			return "", nil, cmdutil.FlagErrorf("service %q: use letters, digits, '-', '_' and '.'", service)
		}
	}
	switch {
	case len(args) < min:
		return "", nil, cmdutil.FlagErrorf("missing argument: %s", want)
	case max >= 0 && len(args) > max:
		return "", nil, cmdutil.FlagErrorf("too many arguments: expected %s", want)
	}
	return service, args, nil
}
