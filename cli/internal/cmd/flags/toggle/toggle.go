// Package toggle implements "waygate flags enable KEY" and "waygate flags
// disable KEY": the kill switch.
package toggle

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ToggleOptions are the inputs of flags enable and disable.
type ToggleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	Enable    bool
	Output    cmdutil.Output
}

// NewCmdEnable returns flags enable.
func NewCmdEnable(f *cmdutil.Factory, runF func(*ToggleOptions) error) *cobra.Command {
	return newCmd(f, true, runF)
}

// NewCmdDisable returns flags disable.
func NewCmdDisable(f *cmdutil.Factory, runF func(*ToggleOptions) error) *cobra.Command {
	return newCmd(f, false, runF)
}

func newCmd(f *cmdutil.Factory, enable bool, runF func(*ToggleOptions) error) *cobra.Command {
	opts := &ToggleOptions{IO: f.IOStreams, APIClient: f.APIClient, Enable: enable}
	use, short := "enable KEY", "Turn a flag on: targets, rules and the fallthrough apply"
	if !enable {
		use, short = "disable KEY", "Turn a flag off (kill switch): it serves its off variation"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return toggleRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func toggleRun(ctx context.Context, opts *ToggleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	verb := "/enable"
	if !opts.Enable {
		verb = "/disable"
	}
	var raw json.RawMessage
	if err := c.Post(ctx, shared.FlagPath(opts.Key, verb), struct{}{}, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var fl shared.Flag
	if err := json.Unmarshal(raw, &fl); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	cs := opts.IO.ColorScheme()
	state := cs.Green("enabled")
	if !fl.Enabled {
		state = cs.Red("disabled") + " (serves " + fl.OffVariation + ")"
	}
	fmt.Fprintf(opts.IO.Out, "%s Flag %s %s\n", cs.SuccessIcon(), fl.Key, state)
	return nil
}
