// Package list implements "waygate rl list": every route's rate limit.
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// ListOptions are the inputs of rl list.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Output    cmdutil.Output
}

// NewCmdList returns the rl list command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the per-route rate limits",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, "/api/rate-limits", &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var policies []shared.Policy
	if err := json.Unmarshal(raw, &policies); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(policies) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No rate limits set.")
		return nil
	}
	t := tableprinter.New(opts.IO.Out, opts.IO.ColorScheme().Bold, "ROUTE", "LIMIT", "ALGORITHM", "KEY", "BURST", "ON MISSING", "TIERS")
	for _, p := range policies {
		tiers := ""
		for i, tr := range p.Tiers {
			if i > 0 {
				tiers += ", "
			}
			tiers += tr.Name + "=" + tr.Limit
		}
		t.AddRow(p.Key, p.Limit, p.Algorithm, p.KeyStrategy, strconv.FormatInt(p.Burst, 10), p.OnMissingKey, tiers)
	}
	return t.Render()
}
