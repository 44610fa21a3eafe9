package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Output is the --output flag: "table" for people, "json" for scripts.
type Output string

// The output formats.
const (
	OutputTable Output = "table"
	OutputJSON  Output = "json"
)

// String returns the format name.
func (o *Output) String() string {
	if *o == "" {
		return string(OutputTable)
	}
	return string(*o)
}

// Set checks and sets the format.
func (o *Output) Set(s string) error {
	switch Output(s) {
	case OutputTable, OutputJSON:
		*o = Output(s)
		return nil
	}
	return fmt.Errorf("unknown output format %q: use table or json", s)
}

// Type names the flag's value in help.
func (o *Output) Type() string { return "format" }

// JSON reports whether JSON output was asked for.
func (o Output) JSON() bool { return o == OutputJSON }

// AddOutputFlag registers -o/--output on cmd.
func AddOutputFlag(cmd *cobra.Command, o *Output) {
	*o = OutputTable
	cmd.Flags().VarP(o, "output", "o", "output format: table or json (the API's JSON, stable for scripts)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"table", "json"}, cobra.ShellCompDirectiveNoFileComp
	})
}

// PrintJSON writes raw JSON indented with two spaces and a final newline.
// The document is the API's answer, field for field.
func PrintJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("the server answered invalid JSON: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// EncodeJSON writes v as indented JSON, for documents the CLI assembles.
func EncodeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
