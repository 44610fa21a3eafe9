// Package eval implements "waygate flags eval KEY": what a flag serves a
// given context, and why.
package eval

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// EvalOptions are the inputs of flags eval.
type EvalOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// User is the context key (none by default: a rollout then answers
	// TARGETING_KEY_MISSING); Kind its kind (user).
	User, Kind string
	Attributes map[string]any
	Output     cmdutil.Output
}

// NewCmdEval returns the flags eval command.
func NewCmdEval(f *cmdutil.Factory, runF func(*EvalOptions) error) *cobra.Command {
	opts := &EvalOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var attrs []string
	cmd := &cobra.Command{
		Use:   "eval KEY",
		Short: "Evaluate a flag for a context: value, variation and reason",
		Long: "Evaluate a flag against the server's current flags and segments, without counting it in\n" +
			"the metrics or the stream. Attribute values that read as numbers or true/false are sent as\n" +
			"such; quote a JSON string to keep it a string (--attr 'zip=\"01234\"').",
		Example: "  waygate flags eval new-checkout --user alice\n" +
			"  waygate flags eval new-checkout --user bob --attr plan=pro --attr age=42 -o json",
		Args: cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key, opts.Attributes = args[0], map[string]any{}
			for _, a := range attrs {
				name, v, err := shared.ParseAttr(a)
				if err != nil {
					return err
				}
				opts.Attributes[name] = v
			}
			if runF != nil {
				return runF(opts)
			}
			return evalRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.User, "user", "u", "", "context key, e.g. a user id (default none: a percentage rollout then serves no variation, TARGETING_KEY_MISSING)")
	cmd.Flags().StringVar(&opts.Kind, "kind", "", "context kind (default user)")
	cmd.Flags().StringArrayVarP(&attrs, "attr", "a", nil, "attribute name=value (repeatable)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

type evalContext struct {
	Key        string         `json:"key,omitempty"`
	Kind       string         `json:"kind,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

func evalRun(ctx context.Context, opts *EvalOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	body := map[string]any{"context": evalContext{Key: opts.User, Kind: opts.Kind, Attributes: opts.Attributes}}
	var raw json.RawMessage
	if err := c.Post(ctx, shared.FlagPath(opts.Key, "/evaluate"), body, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var res struct {
		Value           json.RawMessage `json:"value"`
		Variation       *string         `json:"variation"`
		Reason          string          `json:"reason"`
		RuleID          *string         `json:"rule_id"`
		PrerequisiteKey *string         `json:"prerequisite_key"`
		ErrorMessage    *string         `json:"error_message"`
		OpenFeature     struct {
			Reason    string `json:"reason"`
			ErrorCode string `json:"error_code"`
		} `json:"openfeature"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	str := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	pairs := [][2]string{{"Value", string(res.Value)}, {"Variation", str(res.Variation)}, {"Reason", res.Reason}}
	if res.RuleID != nil {
		pairs = append(pairs, [2]string{"Rule", *res.RuleID})
	}
	if res.PrerequisiteKey != nil {
		pairs = append(pairs, [2]string{"Failed prerequisite", *res.PrerequisiteKey})
	}
	if res.ErrorMessage != nil {
		pairs = append(pairs, [2]string{"Error", opts.IO.ColorScheme().Red(*res.ErrorMessage)})
	}
	if of := res.OpenFeature; of.Reason != "" {
		// What OpenFeature SDKs (the Go provider, OFREP) see.
		line := of.Reason
		if of.ErrorCode != "" {
			line += " (" + of.ErrorCode + ")"
		}
		pairs = append(pairs, [2]string{"OpenFeature", line})
	}
	return tableprinter.KeyValues(opts.IO.Out, pairs)
}
