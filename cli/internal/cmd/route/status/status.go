// Package status implements "waygate status [ROUTE]": every route as a
// table, or one route in detail.
package status

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// StatusOptions are the inputs of status.
type StatusOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	// Route is the route key to show; empty lists every route.
	Route string
	// Service filters the listing (or scopes Route).
	Service string
	Output  cmdutil.Output
}

// NewCmdStatus returns the status command.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:   "status [ROUTE]",
		Short: "Show the state of every route, or of one",
		Long: "Show every route's status, reason, scheduled window and whether the code still declares it,\n" +
			"or everything about one route. ROUTE is /path or METHOD:/path.",
		Example: "  waygate status\n  waygate status GET:/payments\n  waygate status --service payments -o json",
		Args:    cmdutil.RangeArgs(0, 1, "[ROUTE]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Service = f.Service(service, cmd.Flags().Changed("service"))
			if len(args) == 1 {
				key, err := cmdutil.RouteKey(args[0], opts.Service)
				if err != nil {
					return err
				}
				opts.Route = key
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	shared.AddServiceFlag(cmd, &service)
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	if opts.Route != "" {
		return showRoute(ctx, c, opts)
	}
	path := "/api/routes"
	if opts.Service != "" {
		path += "?service=" + url.QueryEscape(opts.Service)
	}
	var raw json.RawMessage
	if err := c.Get(ctx, path, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var states []shared.RouteState
	if err := json.Unmarshal(raw, &states); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(states) == 0 {
		if opts.Service != "" {
			fmt.Fprintf(opts.IO.ErrOut, "No routes registered for service %s.\n", opts.Service)
		} else {
			fmt.Fprintln(opts.IO.ErrOut, "No routes registered.")
		}
		return nil
	}
	slices.SortFunc(states, func(a, b shared.RouteState) int {
		return strings.Compare(pathOf(a.Path)+" "+a.Path, pathOf(b.Path)+" "+b.Path)
	})
	return printTable(opts.IO, states)
}

// pathOf is the path part of a key, for sorting by path.
func pathOf(key string) string {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[i:]
	}
	return key
}

func printTable(io *iostreams.IOStreams, states []shared.RouteState) error {
	cs := io.ColorScheme()
	withService := slices.ContainsFunc(states, func(s shared.RouteState) bool { return s.Service != "" })
	header := []string{"ROUTE", "STATUS", "REASON", "WINDOW", "STALE"}
	if withService {
		header = slices.Insert(header, 1, "SERVICE")
	}
	t := tableprinter.New(io.Out, cs.Bold, header...)
	for _, s := range states {
		reason := s.Reason
		if s.Status == "env_gated" && len(s.AllowedEnvs) > 0 {
			reason = strings.TrimSpace("envs: " + strings.Join(s.AllowedEnvs, ",") + " " + reason)
		}
		if s.Status == "deprecated" && s.SunsetDate != "" {
			reason = strings.TrimSpace("sunset " + s.SunsetDate + " " + reason)
		}
		status := cs.Status(s.Status)
		if s.ForceActive {
			status += cs.Gray(" (force-active)")
		}
		stale := ""
		if s.Stale {
			stale = cs.Yellow("yes")
		}
		row := []string{s.Path, status, reason, s.Window.Describe(), stale}
		if withService {
			row = slices.Insert(row, 1, s.Service)
		}
		t.AddRow(row...)
	}
	return t.Render()
}

// showRoute prints one route; a bare path matching several routes shows
// each of them.
func showRoute(ctx context.Context, c *api.Client, opts *StatusOptions) error {
	var raw json.RawMessage
	err := c.Get(ctx, api.RoutePath(opts.Route, ""), &raw)
	matches, ambiguous := api.AmbiguousMatches(err)
	if !ambiguous {
		if err != nil {
			return err
		}
		if opts.Output.JSON() {
			return cmdutil.PrintJSON(opts.IO.Out, raw)
		}
		return printDetail(opts.IO, raw)
	}
	var all []json.RawMessage
	for _, k := range matches {
		var one json.RawMessage
		if err := c.Get(ctx, api.RoutePath(k, ""), &one); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		all = append(all, one)
	}
	if opts.Output.JSON() {
		return cmdutil.EncodeJSON(opts.IO.Out, all)
	}
	for i, one := range all {
		if i > 0 {
			fmt.Fprintln(opts.IO.Out)
		}
		if err := printDetail(opts.IO, one); err != nil {
			return err
		}
	}
	return nil
}

func printDetail(io *iostreams.IOStreams, raw json.RawMessage) error {
	var s shared.RouteState
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	cs := io.ColorScheme()
	pairs := [][2]string{{"Route", cs.Bold(s.Path)}}
	if s.Service != "" {
		pairs = append(pairs, [2]string{"Service", s.Service})
	}
	pairs = append(pairs, [2]string{"Status", cs.Status(strings.ToUpper(s.Status))})
	if s.Reason != "" {
		pairs = append(pairs, [2]string{"Reason", s.Reason})
	}
	if len(s.AllowedEnvs) > 0 {
		pairs = append(pairs, [2]string{"Environments", strings.Join(s.AllowedEnvs, ", ")})
	}
	if w := s.Window; w != nil {
		pairs = append(pairs, [2]string{"Window", w.Describe()})
		if w.Reason != "" {
			pairs = append(pairs, [2]string{"Window reason", w.Reason})
		}
	}
	if s.SunsetDate != "" {
		pairs = append(pairs, [2]string{"Sunset", s.SunsetDate})
	}
	if s.SuccessorPath != "" {
		pairs = append(pairs, [2]string{"Successor", s.SuccessorPath})
	}
	if s.ForceActive {
		pairs = append(pairs, [2]string{"Force-active", "yes (changes are refused)"})
	}
	if s.Stale {
		pairs = append(pairs, [2]string{"Stale", "yes: the code no longer declares it (waygate routes prune)"})
	}
	return tableprinter.KeyValues(io.Out, pairs)
}
