// Package set implements "waygate rl set ROUTE LIMIT": create or change a
// route's rate limit.
package set

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// SetOptions are the inputs of rl set.
type SetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route  string
	Limit  string
	Policy shared.PolicyFlags
	Output cmdutil.Output
}

// NewCmdSet returns the rl set command.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:   "set ROUTE LIMIT",
		Short: "Create or change a route's rate limit",
		Long: "Create or change a route's rate limit. Flags left out keep their current value (tiers and\n" +
			"exempt lists declared in code are kept). ROUTE is /path or METHOD:/path.",
		Example: "  waygate rl set GET:/posts 100/minute\n" +
			"  waygate rl set POST:/login 5/minute --key ip --algorithm sliding_window\n" +
			"  waygate rl set GET:/search \"10/second;1000/day\" --key api_key --on-missing block --burst 5",
		Args: cmdutil.ExactArgs(2, "ROUTE LIMIT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.RouteKey(f, cmd, args[0], service)
			if err != nil {
				return err
			}
			if err := shared.CheckLimit(args[1]); err != nil {
				return err
			}
			if err := opts.Policy.Check(cmd); err != nil {
				return err
			}
			opts.Route, opts.Limit = key, args[1]
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	shared.AddPolicyFlags(cmd, &opts.Policy)
	shared.AddServiceFlag(cmd, &service)
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func setRun(ctx context.Context, opts *SetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	body := opts.Policy.Patch(opts.Limit)
	body["key"] = opts.Route
	var raw json.RawMessage
	if err := c.Post(ctx, "/api/rate-limits", body, &raw); err != nil {
		if matches, ok := api.AmbiguousMatches(err); ok {
			return fmt.Errorf("%s matches several routes (%v): pass one of them, like: waygate rl set %s %s", opts.Route, matches, matches[0], opts.Limit)
		}
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var p shared.Policy
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "%s Rate limit of %s: %s\n", opts.IO.ColorScheme().SuccessIcon(), p.Key, p.Describe())
	return nil
}
