// Package stream implements "waygate flags stream": print flag evaluations
// as they happen, until interrupted.
package stream

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// StreamOptions are the inputs of flags stream.
type StreamOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	// Flag keeps one flag's evaluations.
	Flag string
	// Count stops after this many events; 0 streams until interrupted.
	Count  int
	Output cmdutil.Output
}

// NewCmdStream returns the flags stream command.
func NewCmdStream(f *cmdutil.Factory, runF func(*StreamOptions) error) *cobra.Command {
	opts := &StreamOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "stream",
		Short: "Print flag evaluations live, until interrupted",
		Long: "Print every flag evaluation the server's application makes (the typed evaluators and the\n" +
			"OpenFeature provider), as it happens, until Ctrl-C. With -o json each event is one JSON\n" +
			"line. The debugger (waygate flags eval) is not streamed.",
		Example: "  waygate flags stream\n  waygate flags stream --flag new-checkout -o json | jq .variation\n" +
			"  waygate flags stream --count 10",
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Flag != "" {
				if err := shared.CheckKey("flag", opts.Flag); err != nil {
					return err
				}
			}
			if opts.Count < 0 {
				return cmdutil.FlagErrorf("--count %d: must be zero (no limit) or more", opts.Count)
			}
			if runF != nil {
				return runF(opts)
			}
			return streamRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Flag, "flag", "", "only this flag's evaluations")
	cmd.Flags().IntVarP(&opts.Count, "count", "n", 0, "stop after this many events (0: until interrupted)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// event is the API's evaluation event (flag.Event).
type event struct {
	FlagKey    string    `json:"flag_key"`
	Variation  string    `json:"variation"`
	Reason     string    `json:"reason"`
	ContextKey string    `json:"context_key"`
	RuleID     string    `json:"rule_id"`
	Time       time.Time `json:"timestamp"`
}

func streamRun(ctx context.Context, opts *StreamOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	path := "/api/flags/stream"
	if opts.Flag != "" {
		path += "?flag=" + url.QueryEscape(opts.Flag)
	}
	body, err := c.Stream(ctx, path)
	if err != nil {
		return err
	}
	defer body.Close()
	if opts.IO.IsStderrTTY() {
		fmt.Fprintln(opts.IO.ErrOut, "Streaming flag evaluations; Ctrl-C to stop.")
	}
	seen := 0
	err = ReadEvents(body, func(name string, data []byte) error {
		if name != "evaluation" {
			return nil
		}
		if opts.Output.JSON() {
			fmt.Fprintf(opts.IO.Out, "%s\n", data)
		} else {
			var ev event
			if err := json.Unmarshal(data, &ev); err != nil {
				return fmt.Errorf("unexpected event: %w", err)
			}
			variation := ev.Variation
			if variation == "" {
				variation = "-"
			}
			line := fmt.Sprintf("%s  %s  %s  %s  context=%s", ev.Time.UTC().Format("15:04:05.000"), ev.FlagKey, variation, ev.Reason, ev.ContextKey)
			if ev.RuleID != "" {
				line += "  rule=" + ev.RuleID
			}
			fmt.Fprintln(opts.IO.Out, line)
		}
		seen++
		if opts.Count > 0 && seen >= opts.Count {
			return errDone
		}
		return nil
	})
	switch {
	case errors.Is(err, errDone), ctx.Err() != nil:
		return nil // done, or interrupted: the normal ways to stop
	case err != nil:
		return err
	}
	return errors.New("the server closed the stream: run waygate flags stream again to resume")
}

var errDone = errors.New("enough events")

// ReadEvents reads Server-Sent Events from r and calls f with each event's
// name ("message" when unnamed) and data, until r ends or f fails.
// Comments (keepalives) are skipped.
func ReadEvents(r io.Reader, f func(name string, data []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	name, data := "", []string(nil)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data != nil {
				if name == "" {
					name = "message"
				}
				if err := f(name, []byte(strings.Join(data, "\n"))); err != nil {
					return err
				}
			}
			name, data = "", nil
		case strings.HasPrefix(line, ":"):
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				name = value
			case "data":
				data = append(data, value)
			}
		}
	}
	return sc.Err()
}
