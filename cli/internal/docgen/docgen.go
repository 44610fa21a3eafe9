// Package docgen writes the CLI reference, docs/cli.md, from the cobra
// command tree, so the page cannot drift from the commands: a test fails
// when the committed page differs from what the tree generates. Regenerate
// it with:
//
//	go generate ./internal/docgen
package docgen

//go:generate go test -run TestCLIReferenceIsCurrent -update .

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/waygate-go/waygate/cli/internal/cmd/root"
)

// Markdown returns the reference page for the tree under rootCmd: the guide
// text, then every visible command in tree order.
func Markdown(rootCmd *cobra.Command) string {
	var b strings.Builder
	b.WriteString(guide)
	b.WriteString("\n## Command reference\n\n")
	b.WriteString("<!-- Generated from the command tree by cli/internal/docgen: do not edit below this line. -->\n\n")
	var all []*cobra.Command
	walk(rootCmd, func(c *cobra.Command) { all = append(all, c) })
	for _, c := range all[1:] {
		depth := strings.Count(c.CommandPath(), " ") - 1
		fmt.Fprintf(&b, "%s- [`%s`](#%s) — %s\n", strings.Repeat("  ", depth), strings.TrimPrefix(c.CommandPath(), "waygate "), anchor(c), c.Short)
	}
	for _, c := range all[1:] {
		b.WriteString("\n" + section(c))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// walk visits c and its visible subcommands, depth first, in help order.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	if c.Hidden || c.Name() == "help" {
		return
	}
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

func anchor(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// section is the reference of one command, ending with one newline.
func section(c *cobra.Command) string {
	var sb strings.Builder
	b := &sb
	fmt.Fprintf(b, "### %s\n\n", c.CommandPath())
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	b.WriteString(strings.TrimSpace(desc) + "\n\n")
	if c.Runnable() && c.Annotations[root.GroupAnnotation] == "" {
		fmt.Fprintf(b, "```sh\n%s\n```\n\n", c.UseLine())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "Aliases: `%s`\n\n", strings.Join(c.Aliases, "`, `"))
	}
	if subs := visibleSubcommands(c); len(subs) > 0 {
		b.WriteString("Subcommands: ")
		for i, s := range subs {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "[`%s`](#%s)", s.Name(), anchor(s))
		}
		b.WriteString("\n\n")
	}
	if c.Example != "" {
		fmt.Fprintf(b, "Examples:\n\n```sh\n%s\n```\n\n", dedent(c.Example))
	}
	writeFlags(b, c.NonInheritedFlags())
	return strings.TrimRight(sb.String(), "\n") + "\n"
}

func visibleSubcommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if !s.Hidden && s.Name() != "help" {
			out = append(out, s)
		}
	}
	return out
}

func writeFlags(b *strings.Builder, fs *pflag.FlagSet) {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			flags = append(flags, f)
		}
	})
	if len(flags) == 0 {
		return
	}
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	b.WriteString("| Flag | Default | Description |\n|---|---|---|\n")
	for _, f := range flags {
		name := "`--" + f.Name + "`"
		if f.Shorthand != "" {
			name = "`-" + f.Shorthand + "`, " + name
		}
		def := f.DefValue
		switch {
		case def == "" || def == "[]" || def == "false" || def == "0" && f.Value.Type() != "duration":
			def = ""
		default:
			def = "`" + def + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", name, def, strings.ReplaceAll(f.Usage, "|", "\\|"))
	}
	b.WriteString("\n")
}

// dedent removes the two-space indent of cobra examples.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "  ")
	}
	return strings.Join(lines, "\n")
}
