// Package hits implements "waygate rl hits": the latest requests rate
// limits rejected.
package hits

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// HitsOptions are the inputs of rl hits.
type HitsOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route  string
	Limit  int
	Output cmdutil.Output
}

// NewCmdHits returns the rl hits command.
func NewCmdHits(f *cmdutil.Factory, runF func(*HitsOptions) error) *cobra.Command {
	opts := &HitsOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:     "hits",
		Short:   "Show the latest requests rejected by rate limits (429)",
		Example: "  waygate rl hits\n  waygate rl hits --route GET:/posts --limit 100 -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Route != "" {
				key, err := shared.RouteKey(f, cmd, opts.Route, service)
				if err != nil {
					return err
				}
				opts.Route = key
			}
			if opts.Limit < 1 || opts.Limit > 1000 {
				return cmdutil.FlagErrorf("--limit %d: use 1 to 1000", opts.Limit)
			}
			if runF != nil {
				return runF(opts)
			}
			return hitsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Route, "route", "r", "", "only hits of this route (METHOD:/path)")
	shared.AddServiceFlag(cmd, &service)
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 50, "how many, newest first (1-1000)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// hit is the API's RateLimitHit (ratelimit.Hit).
type hit struct {
	Timestamp time.Time `json:"timestamp"`
	Path      string    `json:"path"`
	Policy    string    `json:"policy"`
	Key       string    `json:"key"`
	Limit     string    `json:"limit"`
	Tier      string    `json:"tier"`
}

func hitsRun(ctx context.Context, opts *HitsOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	q := url.Values{"limit": {strconv.Itoa(opts.Limit)}}
	if opts.Route != "" {
		q.Set("route", opts.Route)
	}
	var raw json.RawMessage
	if err := c.Get(ctx, "/api/rate-limits/hits?"+q.Encode(), &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var hits []hit
	if err := json.Unmarshal(raw, &hits); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(hits) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No rejected requests.")
		return nil
	}
	t := tableprinter.New(opts.IO.Out, opts.IO.ColorScheme().Bold, "TIME", "ROUTE", "POLICY", "CLIENT", "LIMIT", "TIER")
	for _, h := range hits {
		t.AddRow(h.Timestamp.UTC().Format("2006-01-02 15:04:05"), h.Path, h.Policy, h.Key, h.Limit, h.Tier)
	}
	return t.Render()
}
