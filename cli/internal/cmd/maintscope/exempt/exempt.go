// Package exempt implements "exempt add" and "exempt remove" of the global
// and service maintenance groups. They change only the exempt paths,
// through the dedicated endpoint: maintenance is never switched on or off.
package exempt

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ExemptOptions are the inputs of exempt add and exempt remove.
type ExemptOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Scope   scope.Scope
	Service string
	// Paths are normalised exempt paths.
	Paths []string
	// Remove removes Paths instead of adding them.
	Remove bool
	Output cmdutil.Output
}

// NewCmdExempt returns the exempt command group of scope s.
func NewCmdExempt(f *cmdutil.Factory, s scope.Scope) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exempt",
		Short: "Change the paths served during " + s.Noun + " (never switches it)",
	}
	cmd.AddCommand(NewCmdAdd(f, s, nil), NewCmdRemove(f, s, nil))
	return cmd
}

// NewCmdAdd returns exempt add.
func NewCmdAdd(f *cmdutil.Factory, s scope.Scope, runF func(*ExemptOptions) error) *cobra.Command {
	return newCmd(f, s, false, runF)
}

// NewCmdRemove returns exempt remove.
func NewCmdRemove(f *cmdutil.Factory, s scope.Scope, runF func(*ExemptOptions) error) *cobra.Command {
	return newCmd(f, s, true, runF)
}

func newCmd(f *cmdutil.Factory, s scope.Scope, remove bool, runF func(*ExemptOptions) error) *cobra.Command {
	opts := &ExemptOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s, Remove: remove}
	verb, short := "add", "Serve paths even during "+s.Noun
	if remove {
		verb, short = "remove", "Stop exempting paths from "+s.Noun
	}
	example := "  waygate " + s.Command + " exempt " + verb + " /health GET:/status"
	if s.PerService {
		example = "  waygate " + s.Command + " exempt " + verb + " payments /health"
	}
	cmd := &cobra.Command{
		Use:     s.Use(verb, "PATH..."),
		Short:   short,
		Long:    short + ". PATH is /path (every method) or METHOD:/path; maintenance stays as it is.",
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, rest, err := s.Split(args, 1, -1, "PATH...")
			if err != nil {
				return err
			}
			opts.Service, opts.Paths = svc, nil
			for _, a := range cmdutil.SplitList(rest) {
				p, err := cmdutil.ExemptPath(a)
				if err != nil {
					return err
				}
				opts.Paths = append(opts.Paths, p)
			}
			if runF != nil {
				return runF(opts)
			}
			return exemptRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func exemptRun(ctx context.Context, opts *ExemptOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var cur maintscope.Config
	if err := c.Get(ctx, opts.Scope.Path(opts.Service, ""), &cur); err != nil {
		return err
	}
	paths := slices.Clone(cur.ExemptPaths)
	for _, p := range opts.Paths {
		i := slices.Index(paths, p)
		switch {
		case opts.Remove && i < 0:
			fmt.Fprintf(opts.IO.ErrOut, "%s is not exempt; exempt paths: %s\n", p, strings.Join(cur.ExemptPaths, ", "))
		case opts.Remove:
			paths = slices.Delete(paths, i, i+1)
		case i < 0:
			paths = append(paths, p)
		}
	}
	if paths == nil {
		paths = []string{}
	}
	var raw json.RawMessage
	body := map[string][]string{"exempt_paths": paths}
	if err := c.Do(ctx, http.MethodPut, opts.Scope.Path(opts.Service, "/exempt-paths"), body, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var conf maintscope.Config
	if err := json.Unmarshal(raw, &conf); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	list := strings.Join(conf.ExemptPaths, ", ")
	if list == "" {
		list = "none"
	}
	fmt.Fprintf(opts.IO.Out, "%s Exempt from %s: %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.Scope.Name(opts.Service), list)
	return nil
}
