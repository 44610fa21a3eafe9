package cmdutil

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagError is a usage error: a bad flag or argument. The CLI prints it
// with the command's usage and exits with code 2.
type FlagError struct{ Err error }

// Error returns the underlying message.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap marks err as a usage error.
func FlagErrorWrap(err error) error {
	if err == nil {
		return nil
	}
	return &FlagError{Err: err}
}

// cobraUsagePrefixes start the messages of usage errors cobra makes
// itself rather than through FlagErrorFunc or an Args validator.
var cobraUsagePrefixes = []string{
	"unknown command ",
	"required flag(s) ",
	"if any flags in the group ",
	"at least one of the flags in the group ",
	"invalid argument ",
	"accepts ",
	"unknown shorthand flag",
	"unknown flag",
	"flag needs an argument",
}

// IsUsageError reports whether err is a usage error: a *FlagError, or one
// of cobra's own argument and flag errors.
func IsUsageError(err error) bool {
	if err == nil {
		return false
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		return true
	}
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(err.Error(), p) {
			return true
		}
	}
	return false
}

// ErrSilent is returned by commands that already printed their error; the
// CLI exits with code 1 and prints nothing more.
var ErrSilent = errors.New("silent error")

// ExactArgs requires n arguments, naming them in the message.
func ExactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if len(args) < n {
			return FlagErrorf("missing argument: %s", names)
		}
		return FlagErrorf("too many arguments (%d): expected %s", len(args), names)
	}
}

// MinimumArgs requires at least n arguments.
func MinimumArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("missing argument: %s", names)
		}
		return nil
	}
}

// RangeArgs requires between lo and hi arguments.
func RangeArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < lo:
			return FlagErrorf("missing argument: %s", names)
		case len(args) > hi:
			return FlagErrorf("too many arguments (%d): expected %s", len(args), names)
		}
		return nil
	}
}

// NoArgs refuses arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q: %s takes no arguments", args[0], cmd.CommandPath())
	}
	return nil
}

// FlagErrorFunc turns pflag errors (unknown flag, bad value) into usage
// errors; set it on the root command.
func FlagErrorFunc(cmd *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) {
		// pflag says "strconv.ParseInt: parsing "abc": invalid syntax".
		want := map[string]string{
			"int": "a whole number", "int64": "a whole number", "uint": "a whole number (0 or more)",
			"float64": "a number", "bool": "true or false", "duration": "a duration like 90s, 5m or 2h",
		}[bad.GetFlag().Value.Type()]
		if errors.Is(err, strconv.ErrRange) {
			return FlagErrorf("--%s %q: too large", bad.GetFlag().Name, bad.GetValue())
		}
		if want != "" {
			return FlagErrorf("--%s %q: want %s", bad.GetFlag().Name, bad.GetValue(), want)
		}
	}
	return FlagErrorWrap(err)
}

// MutuallyExclusive fails with a usage error when more than one condition
// holds.
func MutuallyExclusive(message string, conditions ...bool) error {
	n := 0
	for _, c := range conditions {
		if c {
			n++
		}
	}
	if n > 1 {
		return FlagErrorf("%s", message)
	}
	return nil
}
