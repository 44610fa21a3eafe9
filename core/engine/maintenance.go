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

// MaintenanceOption refines EnableGlobalMaintenance and
// EnableServiceMaintenance.
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

// GlobalMaintenance returns the global maintenance configuration.
func (e *Engine) GlobalMaintenance() route.MaintenanceConfig {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.global.Clone()
}

// EnableGlobalMaintenance blocks every route (except exempt paths and, unless
// IncludeForceActive, force-active routes) with 503 MAINTENANCE_MODE. Exempt
// paths set earlier are kept unless WithExemptPaths replaces them.
func (e *Engine) EnableGlobalMaintenance(ctx context.Context, reason string, opts ...MaintenanceOption) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, "", func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = true, reason, false
		for _, o := range opts {
			o(c)
		}
	}, audit.ActionGlobalMaintenanceOn)
}

// DisableGlobalMaintenance ends global maintenance; exempt paths are kept for
// next time. Route states are untouched.
func (e *Engine) DisableGlobalMaintenance(ctx context.Context) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, "", func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = false, "", false
	}, audit.ActionGlobalMaintenanceOff)
}

// SetGlobalExemptPaths replaces the exempt paths without switching global
// maintenance on or off.
func (e *Engine) SetGlobalExemptPaths(ctx context.Context, paths []string) (route.MaintenanceConfig, error) {
	return e.setMaintenance(ctx, "", func(c *route.MaintenanceConfig) {
		c.ExemptPaths = slices.Clone(paths)
	}, audit.ActionGlobalExemptPaths)
}

// ServiceMaintenance returns the maintenance configuration of a service.
func (e *Engine) ServiceMaintenance(service string) route.MaintenanceConfig {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.services[service].Clone()
}

// EnableServiceMaintenance blocks every route of one service, like global
// maintenance scoped to the service.
func (e *Engine) EnableServiceMaintenance(ctx context.Context, service, reason string, opts ...MaintenanceOption) (route.MaintenanceConfig, error) {
	if service == "" {
		return route.MaintenanceConfig{}, invalid("service name is empty")
	}
	return e.setMaintenance(ctx, service, func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = true, reason, false
		for _, o := range opts {
			o(c)
		}
	}, audit.ActionServiceMaintenanceOn)
}

// DisableServiceMaintenance ends maintenance of one service.
func (e *Engine) DisableServiceMaintenance(ctx context.Context, service string) (route.MaintenanceConfig, error) {
	if service == "" {
		return route.MaintenanceConfig{}, invalid("service name is empty")
	}
	return e.setMaintenance(ctx, service, func(c *route.MaintenanceConfig) {
		c.Enabled, c.Reason, c.IncludeForceActive = false, "", false
	}, audit.ActionServiceMaintenanceOff)
}

// SetServiceExemptPaths replaces a service's exempt paths without switching
// its maintenance on or off.
func (e *Engine) SetServiceExemptPaths(ctx context.Context, service string, paths []string) (route.MaintenanceConfig, error) {
	if service == "" {
		return route.MaintenanceConfig{}, invalid("service name is empty")
	}
	return e.setMaintenance(ctx, service, func(c *route.MaintenanceConfig) {
		c.ExemptPaths = slices.Clone(paths)
	}, audit.ActionServiceExemptPaths)
}

// setMaintenance edits the global (service "") or a service's maintenance
// configuration, persisting it before applying it.
func (e *Engine) setMaintenance(ctx context.Context, service string, edit func(*route.MaintenanceConfig), action audit.Action) (route.MaintenanceConfig, error) {
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
