package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/route"
)

const globalKey = "maintenance"

// MaintenanceOption refines EnableMaintenance.
type MaintenanceOption func(*route.MaintenanceConfig)

// WithExemptPaths replaces the exempt paths: templates ("/health") or keys
// ("GET:/health") served during maintenance.
func WithExemptPaths(paths ...string) MaintenanceOption {
	return func(c *route.MaintenanceConfig) { c.ExemptPaths = slices.Clone(paths) }
}

// IncludeForceActive also blocks force-active routes.
func IncludeForceActive() MaintenanceOption {
	return func(c *route.MaintenanceConfig) { c.IncludeForceActive = true }
}

// Maintenance returns the maintenance configuration of the global scope or
// of a service (the zero configuration for other scopes).
func (e *Engine) Maintenance(s Scope) route.MaintenanceConfig {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case s.IsGlobal():
		return e.global.Clone()
	case s.Service() != "":
		return e.services[s.Service()].Clone()
	}
	return route.MaintenanceConfig{}
}

// EnableMaintenance blocks every route of the scope (global, or one
// service) with 503 MAINTENANCE_MODE, except exempt paths and, unless
// IncludeForceActive, force-active routes. Exempt paths set earlier are
// kept unless WithExemptPaths replaces them.
func (e *Engine) EnableMaintenance(ctx context.Context, s Scope, reason string, opts ...MaintenanceOption) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, s, func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = true, reason, false
		for _, o := range opts {
			o(c)
		}
	}, audit.ActionGlobalMaintenanceOn, audit.ActionServiceMaintenanceOn)
}

// DisableMaintenance ends the scope's maintenance; exempt paths are kept
// for next time. Route states are untouched.
func (e *Engine) DisableMaintenance(ctx context.Context, s Scope) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, s, func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = false, "", false
	}, audit.ActionGlobalMaintenanceOff, audit.ActionServiceMaintenanceOff)
}

// SetExemptPaths replaces the scope's exempt paths, templates ("/health")
// or keys ("GET:/health"), without switching its maintenance on or off.
func (e *Engine) SetExemptPaths(ctx context.Context, s Scope, paths []string) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, s, func(c *route.MaintenanceConfig) {
		c.ExemptPaths = slices.Clone(paths)
	}, audit.ActionGlobalExemptPaths, audit.ActionServiceExemptPaths)
}

// setMaintenance edits the global or a service's maintenance
// configuration, persisting it before applying it; the audit action is
// globalAction or serviceAction.
func (e *Engine) setMaintenance(ctx context.Context, s Scope, edit func(*route.MaintenanceConfig), globalAction, serviceAction audit.Action) (route.MaintenanceConfig, error) {
	if err := s.check(false); err != nil {
		return route.MaintenanceConfig{}, err
	}
	service, action := s.Service(), globalAction
	if service != "" {
		action = serviceAction
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var c route.MaintenanceConfig
	if service == "" {
		c = e.global.Clone()
	} else {
		c = e.services[service].Clone()
	}
	wasEnabled := c.Enabled
	edit(&c)
	if err := route.ValidateExemptPaths(c.ExemptPaths); err != nil {
		return route.MaintenanceConfig{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return route.MaintenanceConfig{}, err
	}
	rec := backend.Record{Kind: backend.KindGlobal, Key: globalKey, Value: raw}
	path, kind := audit.PathGlobal, KindGlobal
	if service != "" {
		rec = backend.Record{Kind: backend.KindService, Key: service, Value: raw}
		path, kind = audit.ServicePath(service), KindService
	}
	if err := e.write(ctx, rec); err != nil {
		e.failOpen("backend write", err)
		return route.MaintenanceConfig{}, fmt.Errorf("%w: %w", ErrBackend, err)
	}
	if service == "" {
		e.global = c
	} else {
		e.services[service] = c
	}
	entry := audit.Entry{Path: path, Service: service, Action: action, Reason: c.Reason,
		PreviousStatus: statusOf(wasEnabled), NewStatus: statusOf(c.Enabled)}
	if action == audit.ActionGlobalExemptPaths || action == audit.ActionServiceExemptPaths {
		entry.Reason = fmt.Sprintf("exempt: %v", c.ExemptPaths)
	}
	e.auditLocked(ctx, entry)
	e.changes.emit(Change{Kind: kind, Key: rec.Key, Service: service, Action: action, Maintenance: ptr(c.Clone()), Actor: actorOf(ctx).Actor, Time: e.now()})
	e.commitLocked()
	return c.Clone(), nil
}

func statusOf(maintenance bool) route.Status {
	if maintenance {
		return route.StatusMaintenance
	}
	return route.StatusActive
}
