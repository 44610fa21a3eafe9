// Package set implements "set" of the global and service rate-limit
// groups.
package set

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// SetOptions are the inputs of set.
type SetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Scope     scope.Scope
	Service   string
	Limit     string
	Policy    shared.PolicyFlags
	// Exempt replaces the exempt routes when SetExempt.
	Exempt    []string
	SetExempt bool
	Output    cmdutil.Output
}

// NewCmdSet returns the set verb of scope s.
func NewCmdSet(f *cmdutil.Factory, s scope.Scope, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	var exempt []string
	example := "  waygate " + s.Command + " set 1000/minute --exempt /health"
	if s.PerService {
		example = "  waygate " + s.Command + " set payments 500/minute --key user"
	}
	cmd := &cobra.Command{
		Use:     s.Use("set", "LIMIT"),
		Short:   "Create or change the " + s.Noun,
		Long:    "Create or change the " + s.Noun + ". Flags left out keep their current value.",
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, rest, err := s.Split(args, 1, 1, "LIMIT")
			if err != nil {
				return err
			}
			if err := shared.CheckLimit(rest[0]); err != nil {
				return err
			}
			if err := opts.Policy.Check(cmd); err != nil {
				return err
			}
			opts.Service, opts.Limit = svc, rest[0]
			if opts.SetExempt = cmd.Flags().Changed("exempt"); opts.SetExempt {
				opts.Exempt = []string{}
				for _, e := range cmdutil.SplitList(exempt) {
					p, err := cmdutil.ExemptPath(e)
					if err != nil {
						return err
					}
					opts.Exempt = append(opts.Exempt, p)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	shared.AddPolicyFlags(cmd, &opts.Policy)
	cmd.Flags().StringSliceVarP(&exempt, "exempt", "e", nil, "route not counted: /path or METHOD:/path (repeatable, replaces the list)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func setRun(ctx context.Context, opts *SetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	body := opts.Policy.Patch(opts.Limit)
	if opts.SetExempt {
		body["exempt_routes"] = opts.Exempt
	}
	var raw json.RawMessage
	if err := c.Post(ctx, opts.Scope.Path(opts.Service, ""), body, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var p shared.Policy
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	state := ""
	if !p.Enabled {
		state = " (paused: enable it with waygate " + opts.Scope.Command + " enable)"
	}
	fmt.Fprintf(opts.IO.Out, "%s %s: %s%s\n", opts.IO.ColorScheme().SuccessIcon(), opts.Scope.Name(opts.Service), p.Describe(), state)
	return nil
}
