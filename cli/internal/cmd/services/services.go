// Package services implements "waygate services": the services the server
// knows.
package services

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ServicesOptions are the inputs of services.
type ServicesOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Output    cmdutil.Output
}

// NewCmdServices returns the services command.
func NewCmdServices(f *cmdutil.Factory, runF func(*ServicesOptions) error) *cobra.Command {
	opts := &ServicesOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "services",
		Short: "List the services the server knows",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return servicesRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func servicesRun(ctx context.Context, opts *ServicesOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, "/api/services", &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(names) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No services registered.")
		return nil
	}
	for _, n := range names {
		fmt.Fprintln(opts.IO.Out, n)
	}
	return nil
}
