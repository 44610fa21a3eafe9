package api

import (
	"net/http"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

type maintenanceOnRequest struct {
	Reason string `json:"reason"`
	// ExemptPaths replaces the exempt paths when given; omitted keeps them.
	ExemptPaths        *[]string `json:"exempt_paths"`
	IncludeForceActive bool      `json:"include_force_active"`
}

func (req maintenanceOnRequest) options() []engine.MaintenanceOption {
	return wire.MaintenanceOptions(req.ExemptPaths, req.IncludeForceActive)
}

type exemptRequest struct {
	ExemptPaths *[]string `json:"exempt_paths"`
}

func (req exemptRequest) paths() ([]string, error) {
	if req.ExemptPaths == nil {
		return nil, wire.BadRequest("exempt_paths is required: a list of templates or keys, like [\"/health\", \"GET:/status\"]; [] clears it")
	}
	return *req.ExemptPaths, nil
}

// answerConfig writes a maintenance configuration, or the error.
func answerConfig(w http.ResponseWriter, c route.MaintenanceConfig, err error) error {
	if err != nil {
		return err
	}
	if c.ExemptPaths == nil {
		c.ExemptPaths = []string{}
	}
	wire.WriteJSON(w, http.StatusOK, c)
	return nil
}

// The maintenance endpoints serve the global scope (/api/global/...) and
// a service's (/api/services/{service}/maintenance/...) alike.

func (h *API) getMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	return answerConfig(w, h.eng.Maintenance(s), nil)
}

func (h *API) enableMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	var req maintenanceOnRequest
	if err := wire.DecodeBody(w, r, &req, false); err != nil {
		return err
	}
	c, err := h.eng.EnableMaintenance(r.Context(), s, req.Reason, req.options()...)
	return answerConfig(w, c, err)
}

func (h *API) disableMaintenance(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	c, err := h.eng.DisableMaintenance(r.Context(), s)
	return answerConfig(w, c, err)
}

// setExemptPaths replaces the exempt paths without switching maintenance.
func (h *API) setExemptPaths(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	var req exemptRequest
	if err := wire.DecodeBody(w, r, &req, true); err != nil {
		return err
	}
	paths, err := req.paths()
	if err != nil {
		return err
	}
	c, err := h.eng.SetExemptPaths(r.Context(), s, paths)
	return answerConfig(w, c, err)
}

// listServices lists the sorted names of the services the engine knows:
// owners of routes and services with maintenance or a rate limit.
func (h *API) listServices(w http.ResponseWriter, r *http.Request) error {
	names := h.eng.Services()
	if names == nil {
		names = []string{}
	}
	wire.WriteJSON(w, http.StatusOK, names)
	return nil
}
