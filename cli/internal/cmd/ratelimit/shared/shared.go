// Package shared holds what the rate-limit commands share: the policy flags
// (--algorithm, --key, --burst, --on-missing), their validation, the patch
// they send, and the policy as the API returns it.
package shared

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// Policy is the API's RateLimitPolicy (ratelimit.Policy), with the route
// key of route policies.
type Policy struct {
	Key          string   `json:"key"`
	Path         string   `json:"path"`
	Method       string   `json:"method"`
	Limit        string   `json:"limit"`
	Algorithm    string   `json:"algorithm"`
	KeyStrategy  string   `json:"key_strategy"`
	OnMissingKey string   `json:"on_missing_key"`
	Burst        int64    `json:"burst"`
	Tiers        []Tier   `json:"tiers"`
	ExemptRoutes []string `json:"exempt_routes"`
	Enabled      bool     `json:"enabled"`
}

// Tier is a named limit.
type Tier struct {
	Name  string `json:"name"`
	Limit string `json:"limit"`
}

// Describe is "5/minute, fixed_window per ip, burst 2".
func (p Policy) Describe() string {
	s := p.Limit
	if p.Algorithm != "" {
		s += ", " + p.Algorithm
	}
	if p.KeyStrategy != "" {
		s += " per " + p.KeyStrategy
	}
	if p.Burst > 0 {
		s += fmt.Sprintf(", burst %d", p.Burst)
	}
	if len(p.Tiers) > 0 {
		s += ", " + cmdutil.Plural(len(p.Tiers), "tier")
	}
	return s
}

// The accepted values of the policy flags.
var (
	Algorithms = []string{string(ratelimit.FixedWindow), string(ratelimit.SlidingWindow), string(ratelimit.MovingWindow), string(ratelimit.TokenBucket)}
	Keys       = []string{string(ratelimit.KeyIP), string(ratelimit.KeyUser), string(ratelimit.KeyAPIKey), string(ratelimit.KeyGlobal)}
	OnMissing  = []string{string(ratelimit.MissingExempt), string(ratelimit.MissingFallbackIP), string(ratelimit.MissingBlock)}
)

// PolicyFlags are the flags that shape a policy.
type PolicyFlags struct {
	Algorithm string
	Key       string
	Burst     int64
	OnMissing string
	burstSet  bool
}

// AddPolicyFlags registers --algorithm, --key, --burst and --on-missing.
func AddPolicyFlags(cmd *cobra.Command, f *PolicyFlags) {
	fl := cmd.Flags()
	fl.StringVarP(&f.Algorithm, "algorithm", "a", "", "algorithm: "+strings.Join(Algorithms, ", ")+" (default fixed_window)")
	fl.StringVarP(&f.Key, "key", "k", "", "count per: "+strings.Join(Keys, ", ")+" (default ip)")
	fl.Int64VarP(&f.Burst, "burst", "b", 0, "extra requests allowed above the limit")
	fl.StringVar(&f.OnMissing, "on-missing", "", "when a request has no key: "+strings.Join(OnMissing, ", "))
	complete := func(name string, values []string) {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	complete("algorithm", Algorithms)
	complete("key", Keys)
	complete("on-missing", OnMissing)
}

// Check validates the flags (usage errors) and records which were given.
func (f *PolicyFlags) Check(cmd *cobra.Command) error {
	for _, c := range []struct {
		flag, value string
		allowed     []string
	}{
		{"algorithm", f.Algorithm, Algorithms}, {"key", f.Key, Keys}, {"on-missing", f.OnMissing, OnMissing},
	} {
		if c.value != "" && !slices.Contains(c.allowed, c.value) {
			return cmdutil.FlagErrorf("--%s %q: use %s", c.flag, c.value, strings.Join(c.allowed, ", "))
		}
	}
	if f.Burst < 0 {
		return cmdutil.FlagErrorf("--burst %d: must be zero or more", f.Burst)
	}
	f.burstSet = cmd.Flags().Changed("burst")
	return nil
}

// CheckLimit validates a LIMIT argument ("100/minute", "10/second;1000/day").
func CheckLimit(limit string) error {
	if _, err := ratelimit.ParseLimit(limit); err != nil {
		return cmdutil.FlagErrorf("limit %q: %v", limit, err)
	}
	return nil
}

// Patch returns the fields the flags set, as the API's patch body.
func (f *PolicyFlags) Patch(limit string) map[string]any {
	p := map[string]any{}
	if limit != "" {
		p["limit"] = limit
	}
	if f.Algorithm != "" {
		p["algorithm"] = f.Algorithm
	}
	if f.Key != "" {
		p["key_strategy"] = f.Key
	}
	if f.OnMissing != "" {
		p["on_missing_key"] = f.OnMissing
	}
	if f.burstSet {
		p["burst"] = f.Burst
	}
	return p
}

// RouteKey parses a ROUTE argument, scoped to the service of -s/--service
// or $WAYGATE_SERVICE, as the route commands do.
func RouteKey(f *cmdutil.Factory, cmd *cobra.Command, arg, service string) (string, error) {
	return cmdutil.RouteKey(arg, f.Service(service, cmd.Flags().Changed("service")))
}

// AddServiceFlag registers -s/--service on cmd.
func AddServiceFlag(cmd *cobra.Command, service *string) {
	cmd.Flags().StringVarP(service, "service", "s", "", "service that owns the route (default $WAYGATE_SERVICE)")
}
