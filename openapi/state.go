package openapi

import (
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// State is the runtime state a document is patched with. Its JSON form is
// the state file of waygate openapi patch --state (see ParseState).
type State struct {
	// Routes are the route states, keyed by their Path ("GET:/orders/{id}",
	// or "/orders" for every method).
	Routes []route.State `json:"routes"`
	// Maintenance is the global maintenance switch.
	Maintenance route.MaintenanceConfig `json:"global"`
	// Env is the current environment env-gated routes are compared against.
	Env string `json:"env"`
	// Now is used to tell whether a maintenance window is running. The zero
	// time treats every window of a route in maintenance as running.
	Now time.Time `json:"time,omitzero"`
}

// StateFromEngine reads the current state of e.
func StateFromEngine(e *engine.Engine) State {
	return State{
		Routes:      e.Routes(),
		Maintenance: e.Maintenance(engine.GlobalScope()),
		Env:         e.Env(),
		Now:         engine.InternalsOf(e).Clock().Now().UTC(),
	}
}

// Option configures Patch and NewHandler.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	basePath       string
	basePathSet    bool
	service        string
	output         format
	outputSet      bool
	summaryEmoji   bool
	allowUnmatched bool
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithBasePath sets the prefix joined to every document path before it is
// matched against route keys; "" or "/" means none. It replaces the prefix
// the document gives.
// Optional. Default: the basePath of a Swagger 2.0 document, the path of
// servers[0].url of an OpenAPI 3 document (server variables at their
// defaults).
func WithBasePath(prefix string) Option {
	return optionFunc(func(c *config) { c.basePath, c.basePathSet = prefix, true })
}

// WithService matches only the route states of the named service (keys
// "service:METHOD:/path" on a Waygate Server).
// Optional. Default: routes without a service.
func WithService(name string) Option {
	return optionFunc(func(c *config) { c.service = name })
}

// AsJSON makes Patch write JSON (indented with two spaces) whatever the
// input's format. NewHandler always serves JSON.
// Optional. Default: the input's format.
func AsJSON() Option {
	return optionFunc(func(c *config) { c.output, c.outputSet = formatJSON, true })
}

// AsYAML makes Patch write YAML whatever the input's format.
// Optional. Default: the input's format.
func AsYAML() Option {
	return optionFunc(func(c *config) { c.output, c.outputSet = formatYAML, true })
}

// WithSummaryEmoji starts the maintenance banner of an operation's summary
// with the 🔧 emoji, as the description's banner always does. It is off by
// default because code generators turn summaries into identifiers and
// comments, where an emoji does not belong.
// Optional. Default: the summary banner is plain text, "Maintenance: <reason> — ".
func WithSummaryEmoji() Option {
	return optionFunc(func(c *config) { c.summaryEmoji = true })
}

// AllowUnmatched lets Patch write the document when none of the state's
// route states matches one of its operations, which Patch otherwise refuses
// with an *UnmatchedError (see ErrUnmatched). NewHandler never refuses it.
// Optional. Default: such a state is an error.
func AllowUnmatched() Option {
	return optionFunc(func(c *config) { c.allowUnmatched = true })
}
