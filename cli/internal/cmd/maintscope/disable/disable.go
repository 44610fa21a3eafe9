// Package disable implements "waygate global disable" and "waygate
// service-maintenance disable SERVICE": switch maintenance off.
package disable

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

// DisableOptions are the inputs of the disable verb.
type DisableOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Scope   scope.Scope
	Service string
	Output  cmdutil.Output
}

// NewCmdDisable returns the disable verb of scope s.
func NewCmdDisable(f *cmdutil.Factory, s scope.Scope, runF func(*DisableOptions) error) *cobra.Command {
	opts := &DisableOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	cmd := &cobra.Command{
		Use:   s.Use("disable", ""),
		Short: "Switch " + s.Noun + " off",
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return disableRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func disableRun(ctx context.Context, opts *DisableOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Post(ctx, opts.Scope.Path(opts.Service, "/disable"), struct{}{}, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var conf maintscope.Config
	if err := json.Unmarshal(raw, &conf); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	cs := opts.IO.ColorScheme()
	fmt.Fprintf(opts.IO.Out, "%s %s is %s\n", cs.SuccessIcon(), maintscope.Title(opts.Scope.Name(opts.Service)), cs.Green("OFF"))
	return nil
}
