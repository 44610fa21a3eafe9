// Package get implements "get" of the global and service rate-limit
// groups.
package get

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// GetOptions are the inputs of get.
type GetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Scope     scope.Scope
	Service   string
	Output    cmdutil.Output
}

// NewCmdGet returns the get verb of scope s.
func NewCmdGet(f *cmdutil.Factory, s scope.Scope, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	cmd := &cobra.Command{
		Use:   s.Use("get", ""),
		Short: "Show the " + s.Noun,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func getRun(ctx context.Context, opts *GetOptions) error {
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
	var v struct {
		Enabled bool           `json:"enabled"`
		Policy  *shared.Policy `json:"policy"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	name := opts.Scope.Name(opts.Service)
	if v.Policy == nil {
		fmt.Fprintf(opts.IO.ErrOut, "No %s is set.\n", name)
		return nil
	}
	cs := opts.IO.ColorScheme()
	state := cs.Yellow("paused")
	if v.Enabled {
		state = cs.Green("enabled")
	}
	p := v.Policy
	pairs := [][2]string{{"Limit", p.Limit}, {"State", state}, {"Algorithm", p.Algorithm}, {"Key", p.KeyStrategy},
		{"Burst", fmt.Sprint(p.Burst)}}
	if p.OnMissingKey != "" {
		pairs = append(pairs, [2]string{"On missing key", p.OnMissingKey})
	}
	if len(p.ExemptRoutes) > 0 {
		pairs = append(pairs, [2]string{"Exempt routes", strings.Join(p.ExemptRoutes, ", ")})
	}
	return tableprinter.KeyValues(opts.IO.Out, pairs)
}
