package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ParseState reads a state file: the JSON form of State,
//
//	{
//	  "env": "production",
//	  "time": "2026-11-27T12:00:00Z",
//	  "routes": [ ...what GET /api/routes of the admin API answers... ],
//	  "global": { ...what GET /api/global answers... }
//	}
//
// Every field is optional; a bare array is read as "routes" alone. Unknown
// fields, unknown statuses and malformed route keys are errors that name
// where they are, so a typo cannot silently leave a route unpatched. Route
// keys and exempt paths may be written in a framework's syntax
// (GET:/users/:name, GET:/files/*path); they are read in Waygate's
// (GET:/users/{name}, GET:/files/{path}), as the engine keys them.
func ParseState(b []byte) (State, error) {
	var st State
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return st, errors.New("state: empty: give a JSON object with routes, global and env (or the array GET /api/routes answers)")
	}
	var err error
	if trimmed[0] == '[' {
		err = decodeStrict(trimmed, &st.Routes)
	} else {
		err = decodeStrict(trimmed, &st)
	}
	if err != nil {
		return State{}, fmt.Errorf("state: %w", err)
	}
	for i, rs := range st.Routes {
		k, err := stateKey(rs.Path)
		if err != nil {
			return State{}, fmt.Errorf("state: routes[%d].path %q: %w", i, rs.Path, err)
		}
		st.Routes[i].Path = k.String()
		if rs.Status == "" {
			return State{}, fmt.Errorf("state: routes[%d] (%s): status is missing: use active, maintenance, disabled, env_gated or deprecated", i, rs.Path)
		}
		if !rs.Status.Valid() {
			return State{}, fmt.Errorf("state: routes[%d] (%s): unknown status %q", i, rs.Path, rs.Status)
		}
	}
	for i, p := range st.Maintenance.ExemptPaths {
		k, err := stateKey(p)
		if err != nil {
			return State{}, fmt.Errorf("state: global.exempt_paths[%d] %q: %w", i, p, err)
		}
		st.Maintenance.ExemptPaths[i] = k.String()
	}
	return st, nil
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("not valid JSON near byte %d: %w", se.Offset, err)
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON value at byte %d", dec.InputOffset())
	}
	return nil
}
