// Package create implements "waygate segments create KEY".
package create

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

// CreateOptions are the inputs of segments create.
type CreateOptions struct {
	IO                      *iostreams.IOStreams
	APIClient               func() (*api.Client, error)
	Key, Name, Description  string
	Included, Excluded, Tag []string
	Output                  cmdutil.Output
}

// NewCmdCreate returns the segments create command.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "create KEY",
		Short:   "Create a segment",
		Example: "  waygate segments create beta-testers --name \"Beta testers\" --include alice,bob",
		Args:    cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("segment", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if opts.Name == "" {
				opts.Name = opts.Key
			}
			opts.Included, opts.Excluded = cmdutil.SplitList(opts.Included), cmdutil.SplitList(opts.Excluded)
			if runF != nil {
				return runF(opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Name, "name", "n", "", "display name (default KEY)")
	fl.StringVarP(&opts.Description, "description", "d", "", "what the segment is")
	fl.StringSliceVar(&opts.Included, "include", nil, "context keys that are members (comma-separated, repeatable)")
	fl.StringSliceVar(&opts.Excluded, "exclude", nil, "context keys that are never members")
	fl.StringSliceVar(&opts.Tag, "tag", nil, "tag (repeatable)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

type createRequest struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Included    []string `json:"included,omitempty"`
	Excluded    []string `json:"excluded,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	req := createRequest{Key: opts.Key, Name: opts.Name, Description: opts.Description, Included: opts.Included, Excluded: opts.Excluded, Tags: opts.Tag}
	if err := c.Post(ctx, "/api/segments", req, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	fmt.Fprintf(opts.IO.Out, "%s Created segment %s (%s)\n", opts.IO.ColorScheme().SuccessIcon(), opts.Key,
		cmdutil.Plural(len(opts.Included), "included key"))
	return nil
}
