// Package list implements "waygate flags list".
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// ListOptions are the inputs of flags list.
type ListOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	// Type and State (enabled, disabled) filter; Search matches key, name
	// or a tag.
	Type, State, Search string
	Output              cmdutil.Output
}

// NewCmdList returns the flags list command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the flags",
		Example: "  waygate flags list\n  waygate flags list --type boolean --state enabled -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.State != "" && opts.State != "enabled" && opts.State != "disabled" {
				return cmdutil.FlagErrorf("--state %q: use enabled or disabled", opts.State)
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Type, "type", "t", "", "only flags of this type (boolean, string, integer, float, json)")
	cmd.Flags().StringVar(&opts.State, "state", "", "only enabled or disabled flags")
	cmd.Flags().StringVar(&opts.Search, "search", "", "only flags whose key, name or a tag contains this")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	path := "/api/flags"
	if opts.Search != "" {
		path += "?search=" + url.QueryEscape(opts.Search)
	}
	var raw json.RawMessage
	if err := c.Get(ctx, path, &raw); err != nil {
		return err
	}
	var flags []shared.Flag
	if err := json.Unmarshal(raw, &flags); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	keep := func(f shared.Flag) bool {
		return (opts.Type == "" || f.Type == opts.Type) && (opts.State == "" || f.Enabled == (opts.State == "enabled"))
	}
	if opts.Output.JSON() {
		if opts.Type == "" && opts.State == "" {
			return cmdutil.PrintJSON(opts.IO.Out, raw)
		}
		docs, err := shared.RawList(raw)
		if err != nil {
			return err
		}
		out := []map[string]any{}
		for i, d := range docs {
			if keep(flags[i]) {
				out = append(out, d)
			}
		}
		return cmdutil.EncodeJSON(opts.IO.Out, out)
	}
	flags = slices.DeleteFunc(flags, func(f shared.Flag) bool { return !keep(f) })
	if len(flags) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No flags.")
		return nil
	}
	cs := opts.IO.ColorScheme()
	t := tableprinter.New(opts.IO.Out, cs.Bold, "KEY", "TYPE", "STATE", "VARIATIONS", "FALLTHROUGH", "RULES")
	for _, f := range flags {
		state := cs.Red("disabled")
		if f.Enabled {
			state = cs.Green("enabled")
		}
		t.AddRow(f.Key, f.Type, state, strconv.Itoa(len(f.Variations)), f.FallthroughText(), strconv.Itoa(len(f.Rules)))
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.ErrOut, cs.Gray(cmdutil.Plural(len(flags), "flag")))
	return nil
}
