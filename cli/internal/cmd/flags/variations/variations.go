// Package variations implements "waygate flags variations KEY".
package variations

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

// VariationsOptions are the inputs of flags variations.
type VariationsOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	Output    cmdutil.Output
}

// NewCmdVariations returns the flags variations command.
func NewCmdVariations(f *cmdutil.Factory, runF func(*VariationsOptions) error) *cobra.Command {
	opts := &VariationsOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "variations KEY",
		Short: "List a flag's variations and which serve as off and fallthrough",
		Args:  cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return variationsRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func variationsRun(ctx context.Context, opts *VariationsOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	f, doc, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, doc["variations"])
	}
	var rollout []shared.Weighted
	_ = json.Unmarshal(f.Fallthrough, &rollout)
	t := tableprinter.New(opts.IO.Out, opts.IO.ColorScheme().Bold, "NAME", "VALUE", "DESCRIPTION", "ROLE")
	for _, v := range f.Variations {
		var roles []string
		if v.Name == f.OffVariation {
			roles = append(roles, "off")
		}
		if f.FallthroughText() == v.Name {
			roles = append(roles, "fallthrough")
		}
		for _, w := range rollout {
			if w.Variation == v.Name {
				roles = append(roles, fmt.Sprintf("rollout %g%%", float64(w.Weight)/1000))
			}
		}
		t.AddRow(v.Name, string(v.Value), v.Description, strings.Join(roles, ", "))
	}
	return t.Render()
}
