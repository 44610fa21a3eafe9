// Package api is the admin handler's REST API: route state, scheduled
// windows, global and per-service maintenance, rate limits, feature flags
// and segments, the audit log, webhooks, health counters and the live
// change stream. Each endpoint translates one request into one call of the
// engine (or of the webhook dispatcher) and its answer back; every error
// maps to one status, and bad input never reaches a 500. openapi.json
// describes the API.
package api
