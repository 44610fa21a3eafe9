// Package iostreams is the CLI's view of standard input, output and error:
// whether each is a terminal, whether colour is on, and how to read a
// password without echo. Commands never touch os.Stdin/os.Stdout directly,
// so tests give them buffers.
package iostreams

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams bundles the standard streams with what is known about them.
type IOStreams struct {
	// In is standard input.
	In io.Reader
	// Out is standard output: results only, so it can be piped.
	Out io.Writer
	// ErrOut is standard error: progress, hints and errors.
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	colorEnabled                   bool
	readPassword                   func() ([]byte, error)
}

// System returns the process's streams. Colour is on when standard output
// is a terminal and NO_COLOR is not set (https://no-color.org).
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.colorEnabled = s.stdoutTTY && !noColor && os.Getenv("TERM") != "dumb"
	s.readPassword = func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) }
	return s
}

// Test returns streams backed by buffers: no terminal, no colour. Password
// prompts read a line from the input buffer.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides terminal detection of standard input, for tests.
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides terminal detection of standard output, for tests.
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetColorEnabled turns colour on or off, for tests.
func (s *IOStreams) SetColorEnabled(v bool) { s.colorEnabled = v }

// ColorEnabled reports whether output may be coloured.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// ColorScheme returns the colours to use; all of them are no-ops when
// colour is off.
func (s *IOStreams) ColorScheme() *ColorScheme { return &ColorScheme{enabled: s.colorEnabled} }

// ErrNoTTY is returned by ReadPassword when standard input is not a
// terminal.
var ErrNoTTY = errors.New("standard input is not a terminal")

// ReadPassword prints prompt on standard error and reads a password from
// the terminal without echo. It fails with ErrNoTTY when standard input is
// not a terminal, unless the streams are test streams.
func (s *IOStreams) ReadPassword(prompt string) (string, error) {
	if s.readPassword == nil { // test streams: read a line
		fmt.Fprint(s.ErrOut, prompt)
		line, err := bufio.NewReader(s.In).ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if !s.stdinTTY {
		return "", ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, prompt)
	b, err := s.readPassword()
	fmt.Fprintln(s.ErrOut)
	return string(b), err
}

// ColorScheme wraps text in ANSI colours when colour is enabled.
type ColorScheme struct{ enabled bool }

func (c *ColorScheme) wrap(code, s string) string {
	if !c.enabled || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// Bold makes s bold.
func (c *ColorScheme) Bold(s string) string { return c.wrap("1", s) }

// Green colours s green.
func (c *ColorScheme) Green(s string) string { return c.wrap("32", s) }

// Yellow colours s yellow.
func (c *ColorScheme) Yellow(s string) string { return c.wrap("33", s) }

// Red colours s red.
func (c *ColorScheme) Red(s string) string { return c.wrap("31", s) }

// Blue colours s blue.
func (c *ColorScheme) Blue(s string) string { return c.wrap("34", s) }

// Gray dims s.
func (c *ColorScheme) Gray(s string) string { return c.wrap("90", s) }

// SuccessIcon is a green check mark.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }

// Status colours a route status the way the dashboard does: active green,
// maintenance yellow, disabled red, env_gated blue, deprecated dim.
func (c *ColorScheme) Status(status string) string {
	switch strings.ToLower(status) {
	case "active", "on", "enabled":
		return c.Green(status)
	case "maintenance":
		return c.Yellow(status)
	case "disabled", "off":
		return c.Red(status)
	case "env_gated":
		return c.Blue(status)
	case "deprecated":
		return c.Gray(status)
	}
	return status
}
