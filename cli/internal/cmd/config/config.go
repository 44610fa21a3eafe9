// Package config implements the "waygate config" command group.
package config

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/config/seturl"
	"github.com/waygate-go/waygate/cli/internal/cmd/config/show"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdConfig returns the config command group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show or change which server the CLI talks to",
		Long: "The configuration lives in $XDG_CONFIG_HOME/waygate/config.json (else ~/.config/waygate),\n" +
			"written with mode 0600 because it holds your session token. The server URL is taken from\n" +
			"WAYGATE_SERVER_URL, else a WAYGATE_SERVER_URL= line in the nearest .waygate file, else the\n" +
			"config file, else " + "http://localhost:8080/waygate (the demos' address).",
	}
	cmd.AddCommand(seturl.NewCmdSetURL(f, nil), show.NewCmdShow(f, nil))
	return cmd
}
