// Package get implements "waygate segments get KEY".
package get

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// GetOptions are the inputs of segments get.
type GetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	Output    cmdutil.Output
}

// NewCmdGet returns the segments get command.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Show a segment: members and rules",
		Args:  cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("segment", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

type segment struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Included    []string `json:"included"`
	Excluded    []string `json:"excluded"`
	Rules       []struct {
		ID          string          `json:"id"`
		Description string          `json:"description"`
		Clauses     []shared.Clause `json:"clauses"`
	} `json:"rules"`
}

func getRun(ctx context.Context, opts *GetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, shared.SegmentPath(opts.Key, ""), &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var s segment
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	list := func(l []string) string {
		if len(l) == 0 {
			return "none"
		}
		return strings.Join(l, ", ")
	}
	pairs := [][2]string{{"Key", opts.IO.ColorScheme().Bold(s.Key)}, {"Name", s.Name}}
	if s.Description != "" {
		pairs = append(pairs, [2]string{"Description", s.Description})
	}
	pairs = append(pairs, [2]string{"Included", list(s.Included)}, [2]string{"Excluded", list(s.Excluded)})
	if len(s.Rules) == 0 {
		pairs = append(pairs, [2]string{"Rules", "none"})
	}
	for i, r := range s.Rules {
		var cl []string
		for _, c := range r.Clauses {
			not := ""
			if c.Negate {
				not = "NOT "
			}
			vals := make([]string, len(c.Values))
			for j, v := range c.Values {
				vals[j] = fmt.Sprint(v)
			}
			cl = append(cl, not+c.Attribute+" "+c.Operator+" "+strings.Join(vals, ","))
		}
		pairs = append(pairs, [2]string{fmt.Sprintf("Rule %d", i+1), r.ID + ": " + strings.Join(cl, " AND ")})
	}
	return tableprinter.KeyValues(opts.IO.Out, pairs)
}
