// Package status implements "waygate global status" and "waygate
// service-maintenance status SERVICE".
package status

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

// StatusOptions are the inputs of the status verb.
type StatusOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Scope   scope.Scope
	Service string
	Output  cmdutil.Output
}

// NewCmdStatus returns the status verb of scope s.
func NewCmdStatus(f *cmdutil.Factory, s scope.Scope, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	cmd := &cobra.Command{
		Use:   s.Use("status", ""),
		Short: "Show whether " + s.Noun + " is on, its reason and exempt paths",
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, opts.Scope.Path(opts.Service, ""), &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var conf maintscope.Config
	if err := json.Unmarshal(raw, &conf); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	return maintscope.Print(opts.IO.Out, opts.IO, maintscope.Title(opts.Scope.Name(opts.Service)), conf)
}
