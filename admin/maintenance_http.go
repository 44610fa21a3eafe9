package admin

import (
	"net/http"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// serviceName reads and checks the {service} path segment.
func serviceName(r *http.Request) (string, error) {
	s := r.PathValue("service")
	if !validServiceName(s) {
		return "", badRequest("service name %q: use letters, digits, '-', '_' and '.'", s)
	}
	return s, nil
}

type maintenanceOnRequest struct {
	Reason string `json:"reason"`
	// ExemptPaths replaces the exempt paths when given; omitted keeps them.
	ExemptPaths        *[]string `json:"exempt_paths"`
	IncludeForceActive bool      `json:"include_force_active"`
}

func (req maintenanceOnRequest) options() []engine.MaintenanceOption {
	var opts []engine.MaintenanceOption
	if req.ExemptPaths != nil {
		opts = append(opts, engine.WithExemptPaths(*req.ExemptPaths...))
	}
	if req.IncludeForceActive {
		opts = append(opts, engine.IncludeForceActive())
	}
	return opts
}

type exemptRequest struct {
	ExemptPaths *[]string `json:"exempt_paths"`
}

func (req exemptRequest) paths() ([]string, error) {
	if req.ExemptPaths == nil {
		return nil, badRequest("exempt_paths is required: a list of templates or keys, like [\"/health\", \"GET:/status\"]; [] clears it")
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
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (h *Handler) getGlobal(w http.ResponseWriter, r *http.Request) error {
	return answerConfig(w, h.eng.Maintenance(engine.GlobalScope()), nil)
}

func (h *Handler) enableGlobal(w http.ResponseWriter, r *http.Request) error {
	var req maintenanceOnRequest
	if err := decodeBody(w, r, &req, false); err != nil {
		return err
	}
	c, err := h.eng.EnableMaintenance(r.Context(), engine.GlobalScope(), req.Reason, req.options()...)
	return answerConfig(w, c, err)
}

func (h *Handler) disableGlobal(w http.ResponseWriter, r *http.Request) error {
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	c, err := h.eng.DisableMaintenance(r.Context(), engine.GlobalScope())
	return answerConfig(w, c, err)
}

// globalExempt replaces the exempt paths without switching maintenance.
func (h *Handler) globalExempt(w http.ResponseWriter, r *http.Request) error {
	var req exemptRequest
	if err := decodeBody(w, r, &req, true); err != nil {
		return err
	}
	paths, err := req.paths()
	if err != nil {
		return err
	}
	c, err := h.eng.SetExemptPaths(r.Context(), engine.GlobalScope(), paths)
	return answerConfig(w, c, err)
}

func (h *Handler) getServiceMaintenance(w http.ResponseWriter, r *http.Request) error {
	svc, err := serviceName(r)
	if err != nil {
		return err
	}
	return answerConfig(w, h.eng.Maintenance(engine.ServiceScope(svc)), nil)
}

func (h *Handler) enableService(w http.ResponseWriter, r *http.Request) error {
	svc, err := serviceName(r)
	if err != nil {
		return err
	}
	var req maintenanceOnRequest
	if err := decodeBody(w, r, &req, false); err != nil {
		return err
	}
	c, err := h.eng.EnableMaintenance(r.Context(), engine.ServiceScope(svc), req.Reason, req.options()...)
	return answerConfig(w, c, err)
}

func (h *Handler) disableService(w http.ResponseWriter, r *http.Request) error {
	svc, err := serviceName(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	c, err := h.eng.DisableMaintenance(r.Context(), engine.ServiceScope(svc))
	return answerConfig(w, c, err)
}

func (h *Handler) serviceExempt(w http.ResponseWriter, r *http.Request) error {
	svc, err := serviceName(r)
	if err != nil {
		return err
	}
	var req exemptRequest
	if err := decodeBody(w, r, &req, true); err != nil {
		return err
	}
	paths, err := req.paths()
	if err != nil {
		return err
	}
	c, err := h.eng.SetExemptPaths(r.Context(), engine.ServiceScope(svc), paths)
	return answerConfig(w, c, err)
}

// listServices lists the sorted names of the services the engine knows:
// owners of routes and services with maintenance or a rate limit.
func (h *Handler) listServices(w http.ResponseWriter, r *http.Request) error {
	names := h.eng.Services()
	if names == nil {
		names = []string{}
	}
	writeJSON(w, http.StatusOK, names)
	return nil
}
