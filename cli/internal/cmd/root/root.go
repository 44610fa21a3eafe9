// Package root assembles the waygate command tree.
package root

import (
	"github.com/spf13/cobra"

	authlogin "github.com/waygate-go/waygate/cli/internal/cmd/auth/login"
	authlogout "github.com/waygate-go/waygate/cli/internal/cmd/auth/logout"
	configcmd "github.com/waygate-go/waygate/cli/internal/cmd/config"
	"github.com/waygate-go/waygate/cli/internal/cmd/currentservice"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags"
	"github.com/waygate-go/waygate/cli/internal/cmd/global"
	logcmd "github.com/waygate-go/waygate/cli/internal/cmd/log"
	openapicmd "github.com/waygate-go/waygate/cli/internal/cmd/openapi"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/deprecate"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/disable"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/enable"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/env"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/maintenance"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/prune"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/schedule"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/status"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/unschedule"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments"
	"github.com/waygate-go/waygate/cli/internal/cmd/serve"
	"github.com/waygate-go/waygate/cli/internal/cmd/servicemaint"
	"github.com/waygate-go/waygate/cli/internal/cmd/services"
	versioncmd "github.com/waygate-go/waygate/cli/internal/cmd/version"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// The command groups of waygate --help.
const (
	groupSession     = "session"
	groupRoutes      = "routes"
	groupMaintenance = "maintenance"
	groupRateLimits  = "ratelimits"
	groupFlags       = "flags"
	groupServer      = "server"
)

// NewCmdRoot returns the waygate command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waygate <command> [flags]",
		Short: "Operate Waygate from the command line",
		Long: "waygate controls a Waygate server through its admin REST API: route maintenance and\n" +
			"windows, global and service maintenance, rate limits, feature flags and the audit log.\n" +
			"Start with: waygate config set-url URL, then waygate login USER.",
		Example: "  waygate config set-url http://localhost:8080/waygate\n" +
			"  waygate login admin\n" +
			"  waygate status\n" +
			"  waygate maintenance GET:/payments --reason \"DB migration\" --end 2h\n" +
			"  waygate log --limit 5",
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versioncmd.Format(),
	}
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.AddGroup(
		&cobra.Group{ID: groupSession, Title: "Session and configuration:"},
		&cobra.Group{ID: groupRoutes, Title: "Routes:"},
		&cobra.Group{ID: groupMaintenance, Title: "Global and service maintenance:"},
		&cobra.Group{ID: groupRateLimits, Title: "Rate limits:"},
		&cobra.Group{ID: groupFlags, Title: "Feature flags:"},
		&cobra.Group{ID: groupServer, Title: "Server and tooling:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			cmd.AddCommand(c)
		}
	}
	add(groupSession,
		configcmd.NewCmdConfig(f),
		authlogin.NewCmdLogin(f, nil),
		authlogout.NewCmdLogout(f, nil),
		currentservice.NewCmdCurrentService(f, nil),
	)
	add(groupRoutes,
		status.NewCmdStatus(f, nil),
		enable.NewCmdEnable(f, nil),
		disable.NewCmdDisable(f, nil),
		maintenance.NewCmdMaintenance(f, nil),
		schedule.NewCmdSchedule(f, nil),
		unschedule.NewCmdUnschedule(f, nil, "unschedule ROUTE"),
		env.NewCmdEnv(f),
		deprecate.NewCmdDeprecate(f, nil),
		prune.NewCmdRoutes(f),
		logcmd.NewCmdLog(f, nil),
	)
	add(groupMaintenance,
		global.NewCmdGlobal(f),
		servicemaint.NewCmdServiceMaintenance(f),
		services.NewCmdServices(f, nil),
	)
	add(groupRateLimits,
		ratelimit.NewCmdRateLimit(f),
		scopelimit.NewCmdGlobalRateLimit(f),
		scopelimit.NewCmdServiceRateLimit(f),
	)
	add(groupFlags,
		flags.NewCmdFlags(f),
		segments.NewCmdSegments(f),
	)
	add(groupServer,
		serve.NewCmdServe(f, nil),
		openapicmd.NewCmdOpenAPI(f),
		versioncmd.NewCmdVersion(f),
	)
	cmd.SetHelpCommandGroupID(groupServer)
	cmd.SetCompletionCommandGroupID(groupServer)
	cmd.InitDefaultHelpCmd()
	cmd.InitDefaultCompletionCmd()
	makeGroupsStrict(cmd)
	return cmd
}

// GroupAnnotation marks command groups: commands that only hold
// subcommands.
const GroupAnnotation = "waygate:group"

// makeGroupsStrict makes every command group (a command with subcommands
// and nothing to run) print its help when called alone and refuse unknown
// subcommands with a usage error, instead of printing help and exiting 0.
func makeGroupsStrict(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		makeGroupsStrict(c)
	}
	if cmd.Runnable() || !cmd.HasSubCommands() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[GroupAnnotation] = "true"
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		return cmdutil.UnknownSubcommand(c, args[0])
	}
}
