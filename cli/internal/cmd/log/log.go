// Package log implements "waygate log": the audit log, newest first.
package log

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// LogOptions are the inputs of log.
type LogOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	// Route filters by route key (or a pseudo path like __global__).
	Route   string
	Service string
	Action  string
	Actor   string
	// Limit is the page size (1-1000); Page counts from 1.
	Limit, Page int
	Output      cmdutil.Output
}

// NewCmdLog returns the log command.
func NewCmdLog(f *cmdutil.Factory, runF func(*LogOptions) error) *cobra.Command {
	opts := &LogOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:     "log",
		Aliases: []string{"audit"},
		Short:   "Show the audit log, newest first",
		Long: "Show who changed what, newest first. Filters combine; --route takes a route key\n" +
			"(GET:/payments) or a pseudo path (__global__, __global_rl__, __service:NAME__,\n" +
			"flag:KEY, segment:KEY).",
		Example: "  waygate log\n  waygate log --route GET:/payments --limit 10\n  waygate log --route flag:new-checkout\n" +
			"  waygate log --action maintenance_on --actor alice -o json\n  waygate log --page 2",
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Service = f.Service(service, cmd.Flags().Changed("service"))
			pseudo := strings.HasPrefix(opts.Route, "_") || strings.HasPrefix(opts.Route, "flag:") || strings.HasPrefix(opts.Route, "segment:")
			if opts.Route != "" && !pseudo {
				key, err := cmdutil.RouteKey(opts.Route, opts.Service)
				if err != nil {
					return err
				}
				opts.Route = key
			}
			if opts.Limit < 1 || opts.Limit > 1000 {
				return cmdutil.FlagErrorf("--limit %d: use 1 to 1000", opts.Limit)
			}
			if opts.Page < 1 {
				return cmdutil.FlagErrorf("--page %d: pages count from 1", opts.Page)
			}
			if runF != nil {
				return runF(opts)
			}
			return logRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Route, "route", "", "only entries of this route (METHOD:/path), flag (flag:KEY), segment (segment:KEY) or pseudo path")
	cmd.Flags().StringVarP(&service, "service", "s", "", "only entries of this service (default $WAYGATE_SERVICE)")
	cmd.Flags().StringVar(&opts.Action, "action", "", "only this action (maintenance_on, disable, rl_policy_set, flag_created, ...)")
	cmd.Flags().StringVar(&opts.Actor, "actor", "", "only changes made by this user")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "entries per page (1-1000)")
	cmd.Flags().IntVarP(&opts.Page, "page", "p", 1, "page number, from 1")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// entry is the API's AuditEntry (audit.Entry).
type entry struct {
	Timestamp      time.Time `json:"timestamp"`
	Path           string    `json:"path"`
	Service        string    `json:"service"`
	Action         string    `json:"action"`
	Actor          string    `json:"actor"`
	Platform       string    `json:"platform"`
	Reason         string    `json:"reason"`
	PreviousStatus string    `json:"previous_status"`
	NewStatus      string    `json:"new_status"`
}

func logRun(ctx context.Context, opts *LogOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"route": opts.Route, "service": opts.Service, "action": opts.Action, "actor": opts.Actor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("offset", strconv.Itoa((opts.Page-1)*opts.Limit))
	fetch := opts.Limit
	if !opts.Output.JSON() && opts.Limit < 1000 {
		fetch++ // one more tells whether a next page exists
	}
	q.Set("limit", strconv.Itoa(fetch))
	var raw json.RawMessage
	if err := c.Get(ctx, "/api/audit?"+q.Encode(), &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var entries []entry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	more := len(entries) > opts.Limit
	if more {
		entries = entries[:opts.Limit]
	}
	if len(entries) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No audit entries.")
		return nil
	}
	cs := opts.IO.ColorScheme()
	t := tableprinter.New(opts.IO.Out, cs.Bold, "TIME", "ROUTE", "ACTION", "ACTOR", "PLATFORM", "CHANGE", "REASON")
	for _, e := range entries {
		change := ""
		if e.PreviousStatus != "" || e.NewStatus != "" {
			change = e.PreviousStatus + " → " + cs.Status(e.NewStatus)
		}
		t.AddRow(e.Timestamp.UTC().Format("2006-01-02 15:04:05"), e.Path, e.Action, e.Actor, e.Platform, change, e.Reason)
	}
	if err := t.Render(); err != nil {
		return err
	}
	first := (opts.Page-1)*opts.Limit + 1
	footer := fmt.Sprintf("Showing %d–%d", first, first+len(entries)-1)
	if opts.Page > 1 {
		footer += fmt.Sprintf(" • previous: --page %d", opts.Page-1)
	}
	if more {
		footer += fmt.Sprintf(" • next: --page %d", opts.Page+1)
	} else {
		footer += " (last page)"
	}
	fmt.Fprintln(opts.IO.ErrOut, cs.Gray(footer))
	return nil
}
