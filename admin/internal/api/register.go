package api

import (
	"log/slog"
	"net/http"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// API is the admin REST API: route state, scheduled windows, global and
// per-service maintenance, rate limits, feature flags and segments, the
// audit log, webhooks, health counters and the live change stream, each a
// thin translation of HTTP to one engine (or webhook dispatcher) call.
type API struct {
	eng    *engine.Engine
	hooks  *webhook.Dispatcher
	clock  clock.Clock
	log    *slog.Logger
	stream wire.Stream
	mount  func(*http.Request) string
}

// Config is what the API works with.
type Config struct {
	Engine    *engine.Engine
	Hooks     *webhook.Dispatcher
	Clock     clock.Clock
	Log       *slog.Logger
	Stream    wire.Stream                // keepalives and end of GET /api/events
	MountPath func(*http.Request) string // for the OpenAPI document's server URL
}

// New returns the API of cfg.Engine.
func New(cfg Config) *API {
	return &API{eng: cfg.Engine, hooks: cfg.Hooks, clock: cfg.Clock, log: cfg.Log, stream: cfg.Stream, mount: cfg.MountPath}
}

// Register lists every endpoint with who may call it. Paths are relative
// to the mount; {key} is a route key in unpadded base64url under
// /api/routes and /api/rate-limits, a plain flag or segment key under
// /api/flags and /api/segments. openapi.json describes them all, with the
// authentication and SDK endpoints, which a test keeps in step.
func (h *API) Register(reg wire.Registrar) {

	// Routes.
	reg.Handle("GET /api/routes", wire.Read, h.listRoutes)
	reg.Handle("POST /api/routes/prune", wire.Admin, h.pruneRoutes)
	reg.Handle("GET /api/routes/{key}", wire.Read, h.getRoute)
	reg.Handle("POST /api/routes/{key}/enable", wire.Admin, h.enableRoute)
	reg.Handle("POST /api/routes/{key}/disable", wire.Admin, h.disableRoute)
	reg.Handle("POST /api/routes/{key}/maintenance", wire.Admin, h.maintenanceRoute)
	reg.Handle("POST /api/routes/{key}/env", wire.Admin, h.envRoute)
	reg.Handle("POST /api/routes/{key}/deprecate", wire.Admin, h.deprecateRoute)
	reg.Handle("POST /api/routes/{key}/schedule", wire.Admin, h.scheduleRoute)
	reg.Handle("DELETE /api/routes/{key}/schedule", wire.Admin, h.cancelSchedule)

	// Audit log.
	reg.Handle("GET /api/audit", wire.Read, h.listAudit)

	// Global and per-service maintenance.
	reg.Handle("GET /api/global", wire.Read, h.getMaintenance)
	reg.Handle("POST /api/global/enable", wire.Admin, h.enableMaintenance)
	reg.Handle("POST /api/global/disable", wire.Admin, h.disableMaintenance)
	reg.Handle("PUT /api/global/exempt-paths", wire.Admin, h.setExemptPaths)
	reg.Handle("GET /api/services", wire.Read, h.listServices)
	reg.Handle("GET /api/services/{service}/maintenance", wire.Read, h.getMaintenance)
	reg.Handle("POST /api/services/{service}/maintenance/enable", wire.Admin, h.enableMaintenance)
	reg.Handle("POST /api/services/{service}/maintenance/disable", wire.Admin, h.disableMaintenance)
	reg.Handle("PUT /api/services/{service}/maintenance/exempt-paths", wire.Admin, h.setExemptPaths)

	// Rate limits.
	reg.Handle("GET /api/rate-limits", wire.Read, h.listRateLimits)
	reg.Handle("POST /api/rate-limits", wire.Admin, h.setRateLimit)
	reg.Handle("GET /api/rate-limits/hits", wire.Read, h.listHits)
	reg.Handle("DELETE /api/rate-limits/{key}", wire.Admin, h.deleteRateLimit)
	reg.Handle("DELETE /api/rate-limits/{key}/reset", wire.Admin, h.resetRateLimit)
	reg.Handle("GET /api/global-rate-limit", wire.Read, h.getScopeLimit)
	reg.Handle("POST /api/global-rate-limit", wire.Admin, h.setScopeLimit)
	reg.Handle("DELETE /api/global-rate-limit", wire.Admin, h.deleteScopeLimit)
	reg.Handle("DELETE /api/global-rate-limit/reset", wire.Admin, h.resetScopeLimit)
	reg.Handle("POST /api/global-rate-limit/enable", wire.Admin, h.enableScopeLimit)
	reg.Handle("POST /api/global-rate-limit/disable", wire.Admin, h.disableScopeLimit)
	reg.Handle("GET /api/services/{service}/rate-limit", wire.Read, h.getScopeLimit)
	reg.Handle("POST /api/services/{service}/rate-limit", wire.Admin, h.setScopeLimit)
	reg.Handle("DELETE /api/services/{service}/rate-limit", wire.Admin, h.deleteScopeLimit)
	reg.Handle("DELETE /api/services/{service}/rate-limit/reset", wire.Admin, h.resetScopeLimit)
	reg.Handle("POST /api/services/{service}/rate-limit/enable", wire.Admin, h.enableScopeLimit)
	reg.Handle("POST /api/services/{service}/rate-limit/disable", wire.Admin, h.disableScopeLimit)

	// Webhooks.
	reg.Handle("GET /api/webhooks", wire.Read, h.listWebhooks)
	reg.Handle("POST /api/webhooks", wire.Admin, h.addWebhook)
	reg.Handle("DELETE /api/webhooks/{id}", wire.Admin, h.deleteWebhook)

	// Feature flags. GET /api/flags/stream wins over GET /api/flags/{key}:
	// a flag named "stream" is read through the list.
	reg.Handle("GET /api/flags", wire.Read, h.listFlags)
	reg.Handle("POST /api/flags", wire.Admin, h.createFlag)
	reg.Handle("GET /api/flags/stream", wire.Read, h.flagStream)
	reg.Handle("GET /api/flags/{key}", wire.Read, h.getFlag)
	reg.Handle("PUT /api/flags/{key}", wire.Admin, h.replaceFlag)
	reg.Handle("PATCH /api/flags/{key}", wire.Admin, h.patchFlag)
	reg.Handle("DELETE /api/flags/{key}", wire.Admin, h.deleteFlag)
	reg.Handle("POST /api/flags/{key}/enable", wire.Admin, h.enableFlag)
	reg.Handle("POST /api/flags/{key}/disable", wire.Admin, h.disableFlag)
	reg.Handle("POST /api/flags/{key}/evaluate", wire.User, h.evaluateFlag) // reads, so viewers may
	reg.Handle("GET /api/flags/{key}/metrics", wire.Read, h.flagMetrics)

	// Segments.
	reg.Handle("GET /api/segments", wire.Read, h.listSegments)
	reg.Handle("POST /api/segments", wire.Admin, h.createSegment)
	reg.Handle("GET /api/segments/{key}", wire.Read, h.getSegment)
	reg.Handle("PUT /api/segments/{key}", wire.Admin, h.replaceSegment)
	reg.Handle("DELETE /api/segments/{key}", wire.Admin, h.deleteSegment)
	reg.Handle("POST /api/segments/{key}/include", wire.Admin, h.includeSegment)
	reg.Handle("POST /api/segments/{key}/exclude", wire.Admin, h.excludeSegment)

	// Health, live changes, API description.
	reg.Handle("GET /api/health", wire.Read, h.health)
	reg.Handle("GET /api/events", wire.Read, h.events)
	reg.Handle("GET /api/openapi.json", wire.Public, h.openAPI)
}
