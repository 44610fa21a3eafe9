package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run is the command: it parses args, reads the points from stdin or the
// file named, and writes the SVG to -out or stdout. It returns the exit
// code: 0, 1 for a bad input or a failed write, 2 for bad flags.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchchart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := chart{}
	fs.StringVar(&c.title, "title", "", "the chart's title (required)")
	fs.StringVar(&c.subtitle, "subtitle", "", "a line under the title, such as the machine and the Go version")
	fs.StringVar(&c.xLabel, "x", "", "the x axis's label, such as \"routes\"")
	fs.StringVar(&c.yLabel, "y", "", "the y axis's label, such as \"ns per decision\"")
	fs.BoolVar(&c.logx, "logx", false, "a log scale for x (every x above 0)")
	fs.BoolVar(&c.logy, "logy", false, "a log scale for y (every y above 0); otherwise y starts at 0")
	fs.BoolVar(&c.labels, "labels", true, "write each point's value next to it")
	fs.IntVar(&c.width, "width", 720, "the width in pixels")
	fs.IntVar(&c.height, "height", 400, "the height in pixels")
	out := fs.String("out", "", "the SVG file to write (default: standard output)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: benchchart -title TITLE [-x LABEL] [-y LABEL] [-logx] [-logy] [-out FILE.svg] [POINTS]

Draws "SERIES X Y" lines (from POINTS, or standard input) as an SVG line chart.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(msg string) int {
		fmt.Fprintln(stderr, "benchchart:", msg)
		fs.Usage()
		return 2
	}
	switch {
	case c.title == "":
		return usageErr("-title is required: the chart's accessible name")
	case fs.NArg() > 1:
		return usageErr("at most one file of points; more than one series goes in the same file")
	case c.width < 320 || c.height < 200:
		return usageErr(fmt.Sprintf("-width %d -height %d is too small: at least 320 by 200", c.width, c.height))
	}
	in, name := stdin, "standard input"
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fail(stderr, err)
		}
		defer f.Close()
		in, name = f, fs.Arg(0)
	}
	data, err := parsePoints(in, c.logx, c.logy)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", name, err))
	}
	svg := render(c, data)
	if *out == "" {
		_, err = stdout.Write(svg)
	} else {
		err = os.WriteFile(*out, svg, 0o644)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "benchchart:", err)
	return 1
}
