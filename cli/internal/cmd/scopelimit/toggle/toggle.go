// Package toggle implements "enable" and "disable" of the global and
// service rate-limit groups: resume or pause the policy without deleting
// it.
package toggle

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ToggleOptions are the inputs of enable and disable.
type ToggleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Scope     scope.Scope
	Service   string
	// Enable resumes the policy; false pauses it.
	Enable bool
}

// NewCmdEnable returns the enable verb of scope s.
func NewCmdEnable(f *cmdutil.Factory, s scope.Scope, runF func(*ToggleOptions) error) *cobra.Command {
	return newCmd(f, s, true, runF)
}

// NewCmdDisable returns the disable verb of scope s.
func NewCmdDisable(f *cmdutil.Factory, s scope.Scope, runF func(*ToggleOptions) error) *cobra.Command {
	return newCmd(f, s, false, runF)
}

func newCmd(f *cmdutil.Factory, s scope.Scope, enable bool, runF func(*ToggleOptions) error) *cobra.Command {
	opts := &ToggleOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s, Enable: enable}
	verb, short := "enable", "Resume the "+s.Noun
	if !enable {
		verb, short = "disable", "Pause the "+s.Noun+" (it is kept; enable resumes it)"
	}
	return &cobra.Command{
		Use:   s.Use(verb, ""),
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return toggleRun(cmd.Context(), opts)
		},
	}
}

func toggleRun(ctx context.Context, opts *ToggleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	verb, state := "/enable", "enabled"
	if !opts.Enable {
		verb, state = "/disable", "paused"
	}
	if err := c.Post(ctx, opts.Scope.Path(opts.Service, verb), struct{}{}, nil); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s %s %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.Scope.Name(opts.Service), state)
	return nil
}
