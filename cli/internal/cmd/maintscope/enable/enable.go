// Package enable implements "waygate global enable" and "waygate
// service-maintenance enable SERVICE": switch maintenance on.
package enable

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// EnableOptions are the inputs of the enable verb.
type EnableOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Scope   scope.Scope
	Service string
	Reason  string
	// Exempt replaces the exempt paths when SetExempt; otherwise the
	// server keeps the current ones.
	Exempt             []string
	SetExempt          bool
	IncludeForceActive bool
	Output             cmdutil.Output
}

// NewCmdEnable returns the enable verb of scope s.
func NewCmdEnable(f *cmdutil.Factory, s scope.Scope, runF func(*EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	var exempt []string
	example := "  waygate global enable --reason \"upgrade\" --exempt /health --exempt GET:/status"
	if s.PerService {
		example = "  waygate service-maintenance enable payments --reason \"DB migration\" --exempt /health"
	}
	cmd := &cobra.Command{
		Use:   s.Use("enable", ""),
		Short: "Switch " + s.Noun + " on: every route answers 503 except exempt paths",
		Long: "Switch " + s.Noun + " on: routes answer 503 MAINTENANCE_MODE, except the exempt paths and\n" +
			"force-active routes (unless --include-force-active). --exempt replaces the exempt paths;\n" +
			"without it they are kept.",
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if opts.SetExempt = cmd.Flags().Changed("exempt"); opts.SetExempt {
				opts.Exempt = []string{}
				for _, p := range cmdutil.SplitList(exempt) {
					p, err := cmdutil.ExemptPath(p)
					if err != nil {
						return err
					}
					opts.Exempt = append(opts.Exempt, p)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return enableRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Reason, "reason", "r", "", "why, shown to clients")
	cmd.Flags().StringSliceVarP(&exempt, "exempt", "e", nil, "path served anyway: /path or METHOD:/path (repeatable, replaces the list)")
	cmd.Flags().BoolVar(&opts.IncludeForceActive, "include-force-active", false, "block force-active routes too")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

type enableRequest struct {
	Reason             string    `json:"reason,omitempty"`
	ExemptPaths        *[]string `json:"exempt_paths,omitempty"`
	IncludeForceActive bool      `json:"include_force_active"`
}

func enableRun(ctx context.Context, opts *EnableOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	req := enableRequest{Reason: opts.Reason, IncludeForceActive: opts.IncludeForceActive}
	if opts.SetExempt {
		req.ExemptPaths = &opts.Exempt
	}
	var raw json.RawMessage
	if err := c.Post(ctx, opts.Scope.Path(opts.Service, "/enable"), req, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var conf maintscope.Config
	if err := json.Unmarshal(raw, &conf); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "%s %s is %s\n", opts.IO.ColorScheme().SuccessIcon(),
		maintscope.Title(opts.Scope.Name(opts.Service)), opts.IO.ColorScheme().Yellow("ON"))
	return maintscope.Print(opts.IO.Out, opts.IO, "Maintenance", conf)
}
