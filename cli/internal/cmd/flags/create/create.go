// Package create implements "waygate flags create KEY".
package create

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/core/flag"
)

// CreateOptions are the inputs of flags create.
type CreateOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Key, Name, Description, Type string
	Tags                         []string
	// Variations are the flag's values; defaults depend on Type.
	Variations   []Variation
	OffVariation string
	Fallthrough  string
	Disabled     bool
	Output       cmdutil.Output
}

// Variation is a named value.
type Variation struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Defaults are the variations of a new flag of each type, with the off and
// fallthrough variation first: boolean on/off, string control/treatment,
// integer and float off=0/on=1, json off={}/on={}.
func Defaults(typ string) []Variation {
	switch typ {
	case "string":
		return []Variation{{"control", "control"}, {"treatment", "treatment"}}
	case "integer":
		return []Variation{{"off", 0}, {"on", 1}}
	case "float":
		return []Variation{{"off", 0.0}, {"on", 1.0}}
	case "json":
		return []Variation{{"off", map[string]any{}}, {"on", map[string]any{}}}
	}
	return []Variation{{"off", false}, {"on", true}}
}

// NewCmdCreate returns the flags create command.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var variations []string
	cmd := &cobra.Command{
		Use:   "create KEY",
		Short: "Create a flag",
		Long: "Create a flag, enabled, serving its off variation until targets, rules or --fallthrough say\n" +
			"otherwise. Default variations: boolean off=false/on=true, string control/treatment,\n" +
			"integer and float off=0/on=1, json off={}/on={}; --variation NAME=VALUE replaces them.",
		Example: "  waygate flags create dark-mode --type boolean --name \"Dark mode\"\n" +
			"  waygate flags create banner --type string --variation blue=blue --variation green=green --fallthrough green",
		Args: cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if !slices.Contains(flag.Types, flag.Type(opts.Type)) {
				return cmdutil.FlagErrorf("--type %q: use boolean, string, integer, float or json", opts.Type)
			}
			opts.Variations = Defaults(opts.Type)
			if len(variations) > 0 {
				opts.Variations = nil
				for _, s := range variations {
					v, err := parseVariation(opts.Type, s)
					if err != nil {
						return err
					}
					opts.Variations = append(opts.Variations, v)
				}
				if len(opts.Variations) < 2 {
					return cmdutil.FlagErrorf("a flag needs at least 2 variations: repeat --variation NAME=VALUE")
				}
			}
			names := make([]string, len(opts.Variations))
			for i, v := range opts.Variations {
				names[i] = v.Name
			}
			for _, ref := range []struct{ flag, value string }{{"off-variation", opts.OffVariation}, {"fallthrough", opts.Fallthrough}} {
				if ref.value != "" && !slices.Contains(names, ref.value) {
					return cmdutil.FlagErrorf("--%s %q: not a variation (%s)", ref.flag, ref.value, strings.Join(names, ", "))
				}
			}
			if opts.OffVariation == "" {
				opts.OffVariation = names[0]
			}
			if opts.Fallthrough == "" {
				opts.Fallthrough = opts.OffVariation
			}
			if opts.Name == "" {
				opts.Name = opts.Key
			}
			if runF != nil {
				return runF(opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Type, "type", "t", "boolean", "value type: boolean, string, integer, float or json")
	fl.StringVarP(&opts.Name, "name", "n", "", "display name (default KEY)")
	fl.StringVarP(&opts.Description, "description", "d", "", "what the flag is for")
	fl.StringSliceVar(&opts.Tags, "tag", nil, "tag (repeatable)")
	fl.StringArrayVar(&variations, "variation", nil, "variation NAME=VALUE, value in the flag's type (repeatable)")
	fl.StringVar(&opts.OffVariation, "off-variation", "", "variation served while disabled (default the first)")
	fl.StringVar(&opts.Fallthrough, "fallthrough", "", "variation served when no target or rule matches (default the off variation)")
	fl.BoolVar(&opts.Disabled, "disabled", false, "create it disabled")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{"boolean", "string", "integer", "float", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parseVariation reads NAME=VALUE with the value in the flag's type.
func parseVariation(typ, s string) (Variation, error) {
	name, value, found := strings.Cut(s, "=")
	if !found || strings.TrimSpace(name) == "" {
		return Variation{}, cmdutil.FlagErrorf("--variation %q: write NAME=VALUE", s)
	}
	v, err := ParseValue(typ, value)
	if err != nil {
		return Variation{}, cmdutil.FlagErrorf("--variation %q: %v", s, err)
	}
	return Variation{Name: strings.TrimSpace(name), Value: v}, nil
}

// ParseValue reads a variation value of the given flag type.
func ParseValue(typ, s string) (any, error) {
	switch typ {
	case "boolean":
		switch strings.ToLower(s) {
		case "true", "1", "yes", "on":
			return true, nil
		case "false", "0", "no", "off":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean: use true or false", s)
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	case "float":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return n, nil
	case "json":
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("%q is not JSON: %v", s, err)
		}
		return v, nil
	}
	return s, nil
}

type createRequest struct {
	Key          string      `json:"key"`
	Name         string      `json:"name"`
	Description  string      `json:"description,omitempty"`
	Type         string      `json:"type"`
	Tags         []string    `json:"tags,omitempty"`
	Variations   []Variation `json:"variations"`
	OffVariation string      `json:"off_variation"`
	Fallthrough  string      `json:"fallthrough"`
	Enabled      bool        `json:"enabled"`
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	req := createRequest{Key: opts.Key, Name: opts.Name, Description: opts.Description, Type: opts.Type, Tags: opts.Tags,
		Variations: opts.Variations, OffVariation: opts.OffVariation, Fallthrough: opts.Fallthrough, Enabled: !opts.Disabled}
	var raw json.RawMessage
	if err := c.Post(ctx, "/api/flags", req, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var names []string
	for _, v := range opts.Variations {
		names = append(names, v.Name)
	}
	fmt.Fprintf(opts.IO.Out, "%s Created %s flag %s (variations %s; serves %s)\n", opts.IO.ColorScheme().SuccessIcon(),
		opts.Type, opts.Key, strings.Join(names, ", "), opts.Fallthrough)
	return nil
}
