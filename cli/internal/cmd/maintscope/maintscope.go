// Package maintscope holds what the global and service maintenance
// commands share: the API's maintenance configuration and how it prints.
// The verbs live in its subpackages.
package maintscope

import (
	"io"
	"strings"

	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// Config is the API's MaintenanceConfig (route.MaintenanceConfig).
type Config struct {
	Enabled            bool     `json:"enabled"`
	Reason             string   `json:"reason"`
	ExemptPaths        []string `json:"exempt_paths"`
	IncludeForceActive bool     `json:"include_force_active"`
}

// Print writes the configuration as key-value lines titled title.
func Print(w io.Writer, ios *iostreams.IOStreams, title string, c Config) error {
	cs := ios.ColorScheme()
	state := cs.Green("OFF")
	if c.Enabled {
		state = cs.Yellow("ON")
	}
	exempt := strings.Join(c.ExemptPaths, ", ")
	if exempt == "" {
		exempt = cs.Gray("none")
	}
	force := "no"
	if c.IncludeForceActive {
		force = "yes"
	}
	pairs := [][2]string{{title, state}}
	if c.Reason != "" {
		pairs = append(pairs, [2]string{"Reason", c.Reason})
	}
	pairs = append(pairs, [2]string{"Exempt paths", exempt}, [2]string{"Includes force-active", force})
	return tableprinter.KeyValues(w, pairs)
}

// Title capitalises the first letter of s.
func Title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
