// Package get implements "waygate flags get KEY".
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

// GetOptions are the inputs of flags get.
type GetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	Output    cmdutil.Output
}

// NewCmdGet returns the flags get command.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "get KEY",
		Short:   "Show a flag",
		Example: "  waygate flags get new-checkout\n  waygate flags get new-checkout -o json",
		Args:    cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
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

func getRun(ctx context.Context, opts *GetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, shared.FlagPath(opts.Key, ""), &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var f shared.Flag
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	cs := opts.IO.ColorScheme()
	state := cs.Red("disabled (serves " + f.OffVariation + ")")
	if f.Enabled {
		state = cs.Green("enabled")
	}
	pairs := [][2]string{{"Key", cs.Bold(f.Key)}, {"Name", f.Name}}
	if f.Description != "" {
		pairs = append(pairs, [2]string{"Description", f.Description})
	}
	pairs = append(pairs, [2]string{"Type", f.Type}, [2]string{"State", state},
		[2]string{"Variations", strings.Join(f.VariationNames(), ", ")},
		[2]string{"Off variation", f.OffVariation}, [2]string{"Fallthrough", f.FallthroughText()},
		[2]string{"Rules", fmt.Sprint(len(f.Rules))})
	targets := 0
	for _, keys := range f.Targets {
		targets += len(keys)
	}
	pairs = append(pairs, [2]string{"Targeted keys", fmt.Sprint(targets)})
	if len(f.Prerequisites) > 0 {
		var ps []string
		for _, p := range f.Prerequisites {
			ps = append(ps, p.FlagKey+" = "+p.Variation)
		}
		pairs = append(pairs, [2]string{"Prerequisites", strings.Join(ps, ", ")})
	}
	if len(f.Tags) > 0 {
		pairs = append(pairs, [2]string{"Tags", strings.Join(f.Tags, ", ")})
	}
	if f.Status != "" {
		pairs = append(pairs, [2]string{"Status", f.Status})
	}
	return tableprinter.KeyValues(opts.IO.Out, pairs)
}
