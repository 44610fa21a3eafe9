// Package ratelimit implements the "waygate rl" command group: per-route
// rate limits and the log of rejected requests.
package ratelimit

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/deleterl"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/hits"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/reset"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/set"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdRateLimit returns the rl command group.
func NewCmdRateLimit(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rl",
		Aliases: []string{"rate-limits"},
		Short:   "Per-route rate limits and rejected requests",
		Long: "Set, change, reset and delete per-route rate limits and see the requests they rejected.\n" +
			"LIMIT is like 100/minute, 10/second;1000/day or 5 per 2 minutes.",
	}
	cmd.AddCommand(list.NewCmdList(f, nil), set.NewCmdSet(f, nil), deleterl.NewCmdDelete(f, nil),
		reset.NewCmdReset(f, nil), hits.NewCmdHits(f, nil))
	return cmd
}
