package docgen

// guide is the hand-written part of docs/cli.md, before the generated
// command reference.
const guide = "# The `waygate` CLI\n" + `
` + "`waygate`" + ` operates Waygate from a terminal or a CI pipeline: route maintenance and
windows, global and per-service maintenance, rate limits, feature flags and
segments, and the audit log. It is a client of the [admin REST API](admin-api.md)
only — it never opens a backend — so it works the same against an application
that mounts the admin handler and against a standalone Waygate server.

` + "```sh" + `
go install github.com/waygate-go/waygate/cli/cmd/waygate@v0.1.0
` + "```" + `

## Connect and log in

` + "```sh" + `
waygate config set-url http://localhost:8080/waygate   # where the admin API is mounted
waygate login admin                                     # prompts for the password, no echo
waygate status
` + "```" + `

In scripts, pipe the password in; it is never a flag value, so it stays out of
shell history and process listings:

` + "```sh" + `
printf '%s' "$WAYGATE_PASSWORD" | waygate login ci-bot --password-stdin
waygate maintenance GET:/payments --reason "DB migration" --end 2h
waygate log --limit 5 -o json | jq '.[0].action'
waygate logout
` + "```" + `

` + "`waygate login`" + ` stores the session token (never the password) in
` + "`$XDG_CONFIG_HOME/waygate/config.json`" + ` (else ` + "`~/.config/waygate/config.json`" + `),
written with mode 0600 in a 0700 directory. When the session expires or is
revoked, commands fail with ` + "`your session expired: run: waygate login <user>`" + `.
` + "`waygate logout`" + ` revokes the token on the server and forgets it.

## Common tasks

` + "```sh" + `
# Maintenance for two hours, then back to normal by itself
waygate maintenance GET:/payments --reason "DB migration" --end 2h
# A window tonight; nothing changes until it starts
waygate schedule GET:/payments --start 2030-03-10T02:00Z --end 2030-03-10T04:00Z --reason "DB migration"
waygate schedule cancel GET:/payments
# Everything down except health checks
waygate global enable --reason "upgrade" --exempt /health --exempt GET:/status
waygate global exempt add /metrics        # never switches maintenance on or off
waygate global disable
# Rate limits
waygate rl set GET:/search 10/second --key api_key --on-missing block
waygate rl hits --route GET:/search
waygate rl reset GET:/search
# A feature flag, rolled out to a segment, then to 10 % of everyone
waygate flags create dark-mode --type boolean
waygate segments create beta --include alice,bob
waygate flags add-rule dark-mode --variation on --segment beta
waygate flags edit dark-mode --fallthrough on:10,off:90
waygate flags eval dark-mode --user alice
waygate flags stream --flag dark-mode
` + "```" + `

## Configuration

| Setting | Where it comes from, first match wins |
|---|---|
| Server URL | ` + "`WAYGATE_SERVER_URL`" + `; a ` + "`WAYGATE_SERVER_URL=`" + ` line in the nearest ` + "`.waygate`" + ` file from the current directory up; ` + "`server_url`" + ` in the config file (` + "`waygate config set-url`" + `); ` + "`http://localhost:8080/waygate`" + `, where the demos serve it (` + "`waygate serve`" + ` listens on 8000 and prints the ` + "`set-url`" + ` command) |
| Service scope | ` + "`--service`" + ` / ` + "`-s`" + ` on route commands; ` + "`WAYGATE_SERVICE`" + ` |
| Colour | on when standard output is a terminal and ` + "`NO_COLOR`" + ` is not set |

` + "`waygate config show`" + ` prints the server URL and where it came from, the session
and its expiry, and the service scope.

## Arguments

- **Routes** are ` + "`/path`" + ` or ` + "`METHOD:/path`" + ` (the method in any case:
  ` + "`get:/orders`" + ` is ` + "`GET:/orders`" + `), optionally ` + "`service:METHOD:/path`" + `. With
  ` + "`--service`" + ` or ` + "`WAYGATE_SERVICE`" + ` the key is scoped to that service, for every
  route command including ` + "`status ROUTE`" + `.
- **A bare path that matches several routes** (` + "`/orders`" + ` with ` + "`GET`" + ` and
  ` + "`POST`" + `) is refused with the list of matches; pass one of them, or ` + "`--all`" + ` to
  apply the command to each.
- **Times** (` + "`--start`" + `, ` + "`--end`" + `, ` + "`--until`" + `) are RFC 3339
  (` + "`2030-03-10T02:00:00Z`" + `), ` + "`2030-03-10T02:00`" + ` or ` + "`2030-03-10 02:00`" + ` (UTC),
  ` + "`now`" + `, or a duration from now (` + "`90m`" + `, ` + "`2h`" + `, ` + "`1d`" + `).
- **Limits** are ` + "`100/minute`" + `, ` + "`10/second;1000/day`" + `, ` + "`5 per 2 minutes`" + `.

## Output and exit codes

Read commands print tables for people and take ` + "`-o json`" + ` / ` + "`--output json`" + `
for scripts: the JSON is the admin API's answer, field for field, so it stays
stable across CLI versions. Mutations print a one-line summary
(` + "`✓ GET:/orders → MAINTENANCE (reindexing)`" + `) or, with ` + "`-o json`" + `, the new state.
Results go to standard output; hints, progress and errors to standard error.

| Exit code | Meaning |
|---|---|
| 0 | success |
| 1 | the command failed: the server refused (also a value only the server checks, like a limit string or a sunset date), the route does not exist, not logged in, server unreachable — the message says what to do next |
| 2 | usage error: unknown command or flag, a missing or extra argument, a value the CLI reads itself (a number, a time, a duration), missing required flag — printed with the usage line |

## A standalone server

` + "`waygate serve`" + ` runs a Waygate server — an engine on a backend plus the admin API —
so the CLI binary is also the control-plane binary:

` + "```sh" + `
WAYGATE_ADMIN_PASSWORD=s3cret WAYGATE_ADMIN_SECRET=$(openssl rand -hex 32) \
  waygate serve --addr :8000 --backend redis://localhost:6379/0
waygate config set-url http://localhost:8000/waygate
` + "```" + `

It serves its metrics (changes by action, flag evaluations, fail-open events, sync lag) to
Prometheus at ` + "`/metrics`" + ` (` + "`--metrics-path`" + `; ` + "`--metrics-path \"\"`" + ` serves none), unauthenticated like any
scrape target: see [Observability](observability.md).

## Shell completion

` + "```sh" + `
source <(waygate completion bash)          # or zsh, fish, powershell
waygate completion zsh > "${fpath[1]}/_waygate"
` + "```" + `
`
