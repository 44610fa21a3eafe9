// Package services implements "waygate services": the services the server
// knows, with the connection status of their SDKs.
package services

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// ServicesOptions are the inputs of services.
type ServicesOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Output    cmdutil.Output
}

// NewCmdServices returns the services command.
func NewCmdServices(f *cmdutil.Factory, runF func(*ServicesOptions) error) *cobra.Command {
	opts := &ServicesOptions{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "services",
		Short: "List the services the server knows, with their SDK connection status",
		Long: "List the services the Waygate Server knows: those with routes, maintenance or a rate limit,\n" +
			"and those whose SDKs talk to it. STATUS says whether an SDK of the service holds an event\n" +
			"stream open on the server replica that answered; LAST SEEN is its last request there.",
		Example: "  waygate services\n  waygate services -o json",
		Args:    cmdutil.NoArgs,
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

// serviceStatus is one row of GET /api/services/status.
type serviceStatus struct {
	Service     string     `json:"service"`
	Connected   bool       `json:"connected"`
	Connections int        `json:"connections"`
	LastSeen    *time.Time `json:"last_seen"`
	Routes      int        `json:"routes"`
}

func servicesRun(ctx context.Context, opts *ServicesOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	err = c.Get(ctx, "/api/services/status", &raw)
	var he *api.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return namesOnly(ctx, c, opts) // a server without the SDK endpoints
	}
	if err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var rows []serviceStatus
	if err := json.Unmarshal(raw, &rows); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(rows) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No services registered.")
		return nil
	}
	cs := opts.IO.ColorScheme()
	t := tableprinter.New(opts.IO.Out, cs.Bold, "SERVICE", "STATUS", "LAST SEEN", "ROUTES")
	now := opts.Now()
	for _, r := range rows {
		status, seen := "disconnected", "never"
		if r.Connected {
			status = "connected"
			if r.Connections > 1 {
				status += " (" + strconv.Itoa(r.Connections) + ")"
			}
		}
		if r.LastSeen != nil {
			seen = ago(now.Sub(*r.LastSeen))
		}
		t.AddRow(r.Service, status, seen, strconv.Itoa(r.Routes))
	}
	return t.Render()
}

// namesOnly lists service names from GET /api/services.
func namesOnly(ctx context.Context, c *api.Client, opts *ServicesOptions) error {
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

// ago renders a duration as "just now", "42s ago", "5m ago", "3h ago" or
// "2d ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d ago"
}
