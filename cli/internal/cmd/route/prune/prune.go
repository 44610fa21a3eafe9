// Package prune implements "waygate routes prune": delete stored routes
// the code no longer declares.
package prune

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waygate-go/waygate/cli/internal/cmd/route/status"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// PruneOptions are the inputs of routes prune.
type PruneOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Output    cmdutil.Output
}

// NewCmdRoutes returns the routes command group.
func NewCmdRoutes(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "Manage the stored routes",
	}
	list := status.NewCmdStatus(f, nil)
	list.Use, list.Short = "list [ROUTE]", "Show the state of every route, or of one (same as waygate status)"
	list.Example = "  waygate routes list\n  waygate routes list GET:/payments\n  waygate routes list --service payments -o json"
	cmd.AddCommand(list, NewCmdPrune(f, nil))
	return cmd
}

// NewCmdPrune returns the routes prune command.
func NewCmdPrune(f *cmdutil.Factory, runF func(*PruneOptions) error) *cobra.Command {
	opts := &PruneOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete stored routes the code no longer declares",
		Long: "Delete the state of routes marked stale (waygate status shows them): routes the running\n" +
			"application no longer declares.",
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return pruneRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func pruneRun(ctx context.Context, opts *PruneOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Post(ctx, "/api/routes/prune", struct{}{}, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var out struct {
		Pruned []string `json:"pruned"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(out.Pruned) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No stale routes.")
		return nil
	}
	for _, k := range out.Pruned {
		fmt.Fprintf(opts.IO.Out, "%s pruned %s\n", opts.IO.ColorScheme().SuccessIcon(), k)
	}
	return nil
}
