package admin

import (
	"net/http"
	"slices"

	"github.com/waygate-go/waygate/core/backend"
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
	return answerConfig(w, h.eng.GlobalMaintenance(), nil)
}

func (h *Handler) enableGlobal(w http.ResponseWriter, r *http.Request) error {
	var req maintenanceOnRequest
	if err := decodeBody(w, r, &req, false); err != nil {
		return err
	}
	c, err := h.eng.EnableGlobalMaintenance(r.Context(), req.Reason, req.options()...)
	return answerConfig(w, c, err)
}

func (h *Handler) disableGlobal(w http.ResponseWriter, r *http.Request) error {
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	c, err := h.eng.DisableGlobalMaintenance(r.Context())
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
	c, err := h.eng.SetGlobalExemptPaths(r.Context(), paths)
	return answerConfig(w, c, err)
}

func (h *Handler) getServiceMaintenance(w http.ResponseWriter, r *http.Request) error {
	svc, err := serviceName(r)
	if err != nil {
		return err
	}
	return answerConfig(w, h.eng.ServiceMaintenance(svc), nil)
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
	c, err := h.eng.EnableServiceMaintenance(r.Context(), svc, req.Reason, req.options()...)
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
	c, err := h.eng.DisableServiceMaintenance(r.Context(), svc)
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
	c, err := h.eng.SetServiceExemptPaths(r.Context(), svc, paths)
	return answerConfig(w, c, err)
}

// listServices lists the sorted service names found in route states and in
// service maintenance and rate-limit configurations. The engine has no
// listing of the latter, so they are read from the backend; if it cannot be
// read, the names from route states are returned.
func (h *Handler) listServices(w http.ResponseWriter, r *http.Request) error {
	names := []string{}
	add := func(s string) {
		if s != "" && !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	for _, st := range h.eng.Routes() {
		add(st.Service)
	}
	if snap, err := h.eng.Backend().Load(r.Context()); err == nil {
		for _, kind := range []backend.Kind{backend.KindService, backend.KindServiceRateLimit} {
			for name := range snap[kind] {
				add(name)
			}
		}
	} else {
		h.log.Warn("waygate admin: services list: backend unreadable; listing services of routes only", "err", err)
	}
	slices.Sort(names)
	writeJSON(w, http.StatusOK, names)
	return nil
}
