package admin

// register lists every endpoint with who may call it. Paths are relative
// to the mount; {key} is a route key in unpadded base64url under
// /api/routes and /api/rate-limits, a plain flag or segment key under
// /api/flags and /api/segments. New groups (SDK, dashboard) add a block
// here and a section to openapi.json, which a test keeps in step with this
// list.
func (h *Handler) register() {
	// Authentication.
	h.handle("POST /api/auth/login", accessPublic, h.login)
	h.handle("POST /api/auth/logout", accessUser, h.logout)
	h.handle("GET /api/auth/me", accessRead, h.me)

	// Routes.
	h.handle("GET /api/routes", accessRead, h.listRoutes)
	h.handle("POST /api/routes/prune", accessAdmin, h.pruneRoutes)
	h.handle("GET /api/routes/{key}", accessRead, h.getRoute)
	h.handle("POST /api/routes/{key}/enable", accessAdmin, h.enableRoute)
	h.handle("POST /api/routes/{key}/disable", accessAdmin, h.disableRoute)
	h.handle("POST /api/routes/{key}/maintenance", accessAdmin, h.maintenanceRoute)
	h.handle("POST /api/routes/{key}/env", accessAdmin, h.envRoute)
	h.handle("POST /api/routes/{key}/deprecate", accessAdmin, h.deprecateRoute)
	h.handle("POST /api/routes/{key}/schedule", accessAdmin, h.scheduleRoute)
	h.handle("DELETE /api/routes/{key}/schedule", accessAdmin, h.cancelSchedule)

	// Audit log.
	h.handle("GET /api/audit", accessRead, h.listAudit)

	// Global and per-service maintenance.
	h.handle("GET /api/global", accessRead, h.getGlobal)
	h.handle("POST /api/global/enable", accessAdmin, h.enableGlobal)
	h.handle("POST /api/global/disable", accessAdmin, h.disableGlobal)
	h.handle("PUT /api/global/exempt-paths", accessAdmin, h.globalExempt)
	h.handle("GET /api/services", accessRead, h.listServices)
	h.handle("GET /api/services/{service}/maintenance", accessRead, h.getServiceMaintenance)
	h.handle("POST /api/services/{service}/maintenance/enable", accessAdmin, h.enableService)
	h.handle("POST /api/services/{service}/maintenance/disable", accessAdmin, h.disableService)
	h.handle("PUT /api/services/{service}/maintenance/exempt-paths", accessAdmin, h.serviceExempt)

	// Rate limits.
	h.handle("GET /api/rate-limits", accessRead, h.listRateLimits)
	h.handle("POST /api/rate-limits", accessAdmin, h.setRateLimit)
	h.handle("GET /api/rate-limits/hits", accessRead, h.listHits)
	h.handle("DELETE /api/rate-limits/{key}", accessAdmin, h.deleteRateLimit)
	h.handle("DELETE /api/rate-limits/{key}/reset", accessAdmin, h.resetRateLimit)
	h.handle("GET /api/global-rate-limit", accessRead, h.getScopeLimit)
	h.handle("POST /api/global-rate-limit", accessAdmin, h.setScopeLimit)
	h.handle("DELETE /api/global-rate-limit", accessAdmin, h.deleteScopeLimit)
	h.handle("DELETE /api/global-rate-limit/reset", accessAdmin, h.resetScopeLimit)
	h.handle("POST /api/global-rate-limit/enable", accessAdmin, h.enableScopeLimit)
	h.handle("POST /api/global-rate-limit/disable", accessAdmin, h.disableScopeLimit)
	h.handle("GET /api/services/{service}/rate-limit", accessRead, h.getScopeLimit)
	h.handle("POST /api/services/{service}/rate-limit", accessAdmin, h.setScopeLimit)
	h.handle("DELETE /api/services/{service}/rate-limit", accessAdmin, h.deleteScopeLimit)
	h.handle("DELETE /api/services/{service}/rate-limit/reset", accessAdmin, h.resetScopeLimit)
	h.handle("POST /api/services/{service}/rate-limit/enable", accessAdmin, h.enableScopeLimit)
	h.handle("POST /api/services/{service}/rate-limit/disable", accessAdmin, h.disableScopeLimit)

	// Webhooks.
	h.handle("GET /api/webhooks", accessRead, h.listWebhooks)
	h.handle("POST /api/webhooks", accessAdmin, h.addWebhook)
	h.handle("DELETE /api/webhooks/{id}", accessAdmin, h.deleteWebhook)

	// Feature flags. GET /api/flags/stream wins over GET /api/flags/{key}:
	// a flag named "stream" is read through the list.
	h.handle("GET /api/flags", accessRead, h.listFlags)
	h.handle("POST /api/flags", accessAdmin, h.createFlag)
	h.handle("GET /api/flags/stream", accessRead, h.flagStream)
	h.handle("GET /api/flags/{key}", accessRead, h.getFlag)
	h.handle("PUT /api/flags/{key}", accessAdmin, h.replaceFlag)
	h.handle("PATCH /api/flags/{key}", accessAdmin, h.patchFlag)
	h.handle("DELETE /api/flags/{key}", accessAdmin, h.deleteFlag)
	h.handle("POST /api/flags/{key}/enable", accessAdmin, h.enableFlag)
	h.handle("POST /api/flags/{key}/disable", accessAdmin, h.disableFlag)
	h.handle("POST /api/flags/{key}/evaluate", accessUser, h.evaluateFlag) // reads, so viewers may
	h.handle("GET /api/flags/{key}/metrics", accessRead, h.flagMetrics)

	// Segments.
	h.handle("GET /api/segments", accessRead, h.listSegments)
	h.handle("POST /api/segments", accessAdmin, h.createSegment)
	h.handle("GET /api/segments/{key}", accessRead, h.getSegment)
	h.handle("PUT /api/segments/{key}", accessAdmin, h.replaceSegment)
	h.handle("DELETE /api/segments/{key}", accessAdmin, h.deleteSegment)
	h.handle("POST /api/segments/{key}/include", accessAdmin, h.includeSegment)
	h.handle("POST /api/segments/{key}/exclude", accessAdmin, h.excludeSegment)

	// Health, live changes, API description.
	h.handle("GET /api/health", accessRead, h.health)
	h.handle("GET /api/events", accessRead, h.events)
	h.handle("GET /api/openapi.json", accessPublic, h.openAPI)

	// Dashboard: HTML pages, forms, assets and its live stream
	// (dashboard_http.go). They authenticate themselves, redirecting to
	// the sign-in page, and are not part of the REST API or openapi.json.
	h.registerDashboard()

	// Waygate Server: SDK endpoints, authenticated by service tokens
	// (sdk.go), and the services' connection status.
	h.registerSDK()
}
