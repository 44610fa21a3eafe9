// Package list implements "waygate segments list".
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// ListOptions are the inputs of segments list.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Output    cmdutil.Output
}

// Segment is the part of the API's Segment (flag.Segment) the CLI shows.
type Segment struct {
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Included    []string          `json:"included"`
	Excluded    []string          `json:"excluded"`
	Rules       []json.RawMessage `json:"rules"`
	Tags        []string          `json:"tags"`
}

// NewCmdList returns the segments list command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the segments",
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
	if err := c.Get(ctx, "/api/segments", &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var segs []Segment
	if err := json.Unmarshal(raw, &segs); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	if len(segs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No segments.")
		return nil
	}
	t := tableprinter.New(opts.IO.Out, opts.IO.ColorScheme().Bold, "KEY", "NAME", "INCLUDED", "EXCLUDED", "RULES")
	for _, s := range segs {
		t.AddRow(s.Key, s.Name, strconv.Itoa(len(s.Included)), strconv.Itoa(len(s.Excluded)), strconv.Itoa(len(s.Rules)))
	}
	return t.Render()
}
