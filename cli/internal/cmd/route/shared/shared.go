// Package shared holds what the route commands (status, enable, disable,
// maintenance, schedule, env, deprecate) share: the route state as the API
// returns it, the common flags, and applying a mutation to a route —
// including bare paths that match several routes.
package shared

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// RouteState is the API's RouteState (route.State), decoded leniently so a
// newer server's statuses still print.
type RouteState struct {
	Path          string   `json:"path"`
	Service       string   `json:"service"`
	Status        string   `json:"status"`
	Reason        string   `json:"reason"`
	AllowedEnvs   []string `json:"allowed_envs"`
	Window        *Window  `json:"window"`
	SunsetDate    string   `json:"sunset_date"`
	DeprecatedAt  string   `json:"deprecated_at"`
	SuccessorPath string   `json:"successor_path"`
	ForceActive   bool     `json:"force_active"`
	Stale         bool     `json:"stale"`
}

// Window is a scheduled or running window.
type Window struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`
	During string    `json:"during"`
}

// Status is the status applied inside the window.
func (w Window) Status() string {
	if w.During == "" {
		return "maintenance"
	}
	return w.During
}

// Describe is a one-line summary: "maintenance 2030-03-10 02:00 UTC → 2030-03-10 04:00 UTC".
func (w *Window) Describe() string {
	if w == nil {
		return ""
	}
	return w.Status() + " " + cmdutil.FormatTime(w.Start) + " → " + cmdutil.FormatTime(w.End)
}

// RouteFlags are the flags every route mutation has.
type RouteFlags struct {
	// Service scopes the route (--service, else $WAYGATE_SERVICE).
	Service string
	// All applies the command to every route a bare path matches.
	All bool
	// Output is table (a summary line) or json (the new state).
	Output cmdutil.Output
	// Command is the command path after "waygate", for messages; Key sets it.
	Command string
}

// AddRouteFlags registers --service, --all and --output on cmd.
func AddRouteFlags(cmd *cobra.Command, f *RouteFlags) {
	AddServiceFlag(cmd, &f.Service)
	cmd.Flags().BoolVar(&f.All, "all", false, "when a bare /path matches several routes, apply to each of them")
	cmdutil.AddOutputFlag(cmd, &f.Output)
}

// AddServiceFlag registers -s/--service on cmd.
func AddServiceFlag(cmd *cobra.Command, service *string) {
	cmd.Flags().StringVarP(service, "service", "s", "", "service that owns the route (default $WAYGATE_SERVICE)")
}

// Key parses the ROUTE argument, applies the service scope and records the
// command's name in flags.
func Key(f *cmdutil.Factory, cmd *cobra.Command, arg string, flags *RouteFlags) (string, error) {
	flags.Command = strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	return cmdutil.RouteKey(arg, f.Service(flags.Service, cmd.Flags().Changed("service")))
}

// AmbiguousError is a bare path that matched several routes when --all
// was not given.
type AmbiguousError struct {
	Command string
	Route   string
	Matches []string
}

// Error lists the matches and says how to choose.
func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s matches %d routes:\n", e.Route, len(e.Matches))
	for _, m := range e.Matches {
		b.WriteString("  " + m + "\n")
	}
	fmt.Fprintf(&b, "pass one of them (waygate %s %s) or add --all to apply to each", e.Command, e.Matches[0])
	return b.String()
}

// Mutation changes one route through the API.
type Mutation struct {
	IO     *iostreams.IOStreams
	Client *api.Client
	Key    string
	Flags  RouteFlags
	// Call sends the request for key and returns the new state.
	Call func(ctx context.Context, c *api.Client, key string) (json.RawMessage, error)
	// Describe, if set, adds to the summary line of each changed route.
	Describe func(st RouteState) string
}

// Apply runs the mutation. A bare path matching several routes is
// applied to each with --all, else it is an *AmbiguousError.
func (m Mutation) Apply(ctx context.Context) error {
	raw, err := m.Call(ctx, m.Client, m.Key)
	if matches, ok := api.AmbiguousMatches(err); ok {
		if !m.Flags.All {
			return &AmbiguousError{Command: m.Flags.Command, Route: m.Key, Matches: matches}
		}
		var states []json.RawMessage
		for _, k := range matches {
			raw, err := m.Call(ctx, m.Client, k)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			if !m.Flags.Output.JSON() {
				if err := m.summary(raw); err != nil {
					return err
				}
			}
			states = append(states, raw)
		}
		if m.Flags.Output.JSON() {
			return cmdutil.EncodeJSON(m.IO.Out, states)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if m.Flags.Output.JSON() {
		return cmdutil.PrintJSON(m.IO.Out, raw)
	}
	return m.summary(raw)
}

// summary prints "✓ GET:/orders → MAINTENANCE (reason)".
func (m Mutation) summary(raw json.RawMessage) error {
	var st RouteState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	cs := m.IO.ColorScheme()
	line := fmt.Sprintf("%s %s → %s", cs.SuccessIcon(), st.Path, cs.Status(strings.ToUpper(st.Status)))
	if st.Reason != "" {
		line += " (" + st.Reason + ")"
	}
	if m.Describe != nil {
		if extra := m.Describe(st); extra != "" {
			line += "; " + extra
		}
	}
	_, err := fmt.Fprintln(m.IO.Out, line)
	return err
}

// Post returns a Call that POSTs body to /api/routes/{key}/action.
func Post(action string, body any) func(context.Context, *api.Client, string) (json.RawMessage, error) {
	return func(ctx context.Context, c *api.Client, key string) (json.RawMessage, error) {
		var raw json.RawMessage
		err := c.Post(ctx, api.RoutePath(key, "/"+action), body, &raw)
		return raw, err
	}
}
