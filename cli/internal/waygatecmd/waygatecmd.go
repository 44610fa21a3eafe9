// Package waygatecmd runs the waygate command line: it builds the command
// tree, executes it, prints errors and maps them to exit codes (0 ok, 1
// error, 2 usage).
package waygatecmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/root"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ExitCode is the process exit status.
type ExitCode int

// The exit codes.
const (
	ExitOK    ExitCode = 0
	ExitError ExitCode = 1
	ExitUsage ExitCode = 2
)

// Main runs the CLI with the process's arguments, streams and environment.
func Main() ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], iostreams.System(), os.Getenv)
}

// Run runs the CLI with args and returns the exit code.
func Run(ctx context.Context, args []string, ios *iostreams.IOStreams, getenv func(string) string) ExitCode {
	f := cmdutil.New(ios, getenv)
	rootCmd := root.NewCmdRoot(f)
	rootCmd.SetArgs(args)
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, cmdutil.ErrSilent) {
		return ExitError
	}
	if cmdutil.IsUsageError(err) {
		if cmd == nil {
			cmd = rootCmd
		}
		printUsageError(ios, cmd, err)
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		fmt.Fprintln(ios.ErrOut, "interrupted")
		return ExitError
	}
	fmt.Fprintf(ios.ErrOut, "error: %v\n", err)
	return ExitError
}

// printUsageError prints a usage error with the command's usage line and
// where to find its help.
func printUsageError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) {
	fmt.Fprintf(ios.ErrOut, "error: %v\n", err)
	if cmd.Runnable() && cmd.Annotations[root.GroupAnnotation] == "" {
		fmt.Fprintf(ios.ErrOut, "usage: %s\n", cmd.UseLine())
	}
	fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
}
