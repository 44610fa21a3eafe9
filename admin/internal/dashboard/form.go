package dashboard

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// formView is one action's form: a confirmation, or the fields of a
// change. The same form is a page of its own (without JavaScript) and the
// body of the dialog the dashboard opens.
type formView struct {
	Title  string
	Intro  string
	Action string
	Submit string
	Danger bool
	Fields []field
	Error  string
	Back   string
}

// field is one form input. Type is text, textarea, select, checkbox,
// number, datetime (a datetime-local input converted to UTC in the
// browser) or hidden.
type field struct {
	Name        string
	Label       string
	Type        string
	Value       string
	Help        string
	Placeholder string
	Options     []option
	Checked     bool
	Required    bool
}

type option struct{ Value, Label string }

// keep puts the submitted values back into the fields after an error.
func (f *formView) keep(form url.Values) {
	for i := range f.Fields {
		fd := &f.Fields[i]
		switch fd.Type {
		case "hidden":
		case "checkbox":
			fd.Checked = form.Get(fd.Name) != ""
		default:
			if vals, sent := form[fd.Name]; sent {
				fd.Value = strings.Join(vals, ",")
			}
		}
	}
}

// formSpec describes a form action: build makes the form (for GET and to
// show it again with an error), do performs it and returns the
// confirmation message.
type formSpec struct {
	build func(r *http.Request, v *view) (*formView, error)
	do    func(r *http.Request, v *view) (string, error)
}

// formPage registers GET pattern (the form) and POST pattern (the change),
// both for admins only.
func (h *UI) formPage(pattern string, spec formSpec) {
	h.page("GET "+pattern, true, func(w http.ResponseWriter, r *http.Request, v *view) error {
		f, err := spec.build(r, v)
		if err != nil {
			return err
		}
		if b := r.URL.Query().Get("back"); b != "" {
			f.Back = backFrom(v, b, f.Back)
		}
		v.Title = f.Title
		h.render(w, r, v, http.StatusOK, "form", f)
		return nil
	})
	h.page("POST "+pattern, true, func(w http.ResponseWriter, r *http.Request, v *view) error {
		msg, err := spec.do(r, v)
		if err == nil {
			return h.done(w, r, v, msg)
		}
		f, berr := spec.build(r, v)
		if berr != nil {
			return err
		}
		status, body, _ := wire.StatusOf(err)
		if status == http.StatusInternalServerError {
			h.log.Error("waygate admin: dashboard action failed", "path", r.URL.Path, "err", err)
		}
		f.Error, _ = body["error"].(string)
		f.keep(r.PostForm)
		f.Back = backTo(r, v, f.Back)
		v.Title = f.Title
		if fromDialog(r) {
			// Show the form with its message in the open dialog, rather
			// than in place of the page behind it.
			hd := w.Header()
			hd.Set("HX-Retarget", "#dialog-body")
			hd.Set("HX-Reselect", "#form-card")
			hd.Set("HX-Reswap", "innerHTML")
			hd.Set("HX-Push-Url", "false")
		}
		h.render(w, r, v, status, "form", f)
		return nil
	})
}

// dialogHeader marks the htmx requests made from inside the dialog (the
// layout's dialog element sets it with hx-headers).
const dialogHeader = "X-Waygate-Dialog"

// fromDialog reports whether a form was posted from the dialog by htmx.
func fromDialog(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get(dialogHeader) == "true"
}

// backFrom validates a back link given in a query string.
func backFrom(v *view, b, def string) string {
	r := &http.Request{PostForm: url.Values{"back": {b}}, Form: url.Values{"back": {b}}}
	return backTo(r, v, def)
}

// formTime reads a datetime field: the UTC value the browser computed from
// the local time, else the field itself read as UTC.
func formTime(r *http.Request, name string) string {
	if s := strings.TrimSpace(r.PostFormValue(name + "_utc")); s != "" {
		return s
	}
	return strings.TrimSpace(r.PostFormValue(name))
}

// formList splits a textarea or comma list into trimmed, non-empty items.
func formList(s string) []string {
	out := []string{}
	for _, item := range strings.FieldsFunc(s, func(c rune) bool { return c == '\n' || c == ',' || c == '\r' }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// formLines splits a textarea into trimmed, non-empty lines.
func formLines(s string) []string {
	out := []string{}
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// statusLabels are the words shown for route statuses, next to their colour.
var statusLabels = map[route.Status]string{
	route.StatusActive: "Active", route.StatusMaintenance: "Maintenance", route.StatusDisabled: "Disabled",
	route.StatusEnvGated: "Env gated", route.StatusDeprecated: "Deprecated",
}

// splitKey splits a route key into service, method and path.
func splitKey(key string) (service, method, path string) {
	i := strings.Index(key, ":/")
	if i < 0 {
		return "", "", key
	}
	head, path := key[:i], key[i+1:]
	if j := strings.LastIndex(head, ":"); j >= 0 {
		return head[:j], head[j+1:], path
	}
	if strings.ToUpper(head) == head {
		return "", head, path
	}
	return head, "", path
}

func uiFuncs(u *ui) template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string {
			return "/assets/" + u.assets[name].hash + "/" + name
		},
		"rk": wire.EncodeRouteKey,
		"statusLabel": func(s route.Status) string {
			if l, found := statusLabels[s]; found {
				return l
			}
			return string(s)
		},
		"method":  func(key string) string { _, m, _ := splitKey(key); return m },
		"path":    func(key string) string { _, _, p := splitKey(key); return p },
		"service": func(key string) string { s, _, _ := splitKey(key); return s },
		// client is the client part of a hit's counter key ("GET:/x:10.0.0.1"
		// → "10.0.0.1").
		"client": func(h ratelimit.Hit) string { return strings.TrimPrefix(h.Key, h.Policy+":") },
		"when":   when,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"json": func(v any) string {
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Sprint(v)
			}
			return string(b)
		},
		"join":  strings.Join,
		"lines": func(l []string) string { return strings.Join(l, "\n") },
		"pct": func(weight int) string {
			return strconv.FormatFloat(float64(weight)/1000, 'f', -1, 64) + "%"
		},
		"pctnum": func(weight int) string {
			return strconv.FormatFloat(float64(weight)/1000, 'f', -1, 64)
		},
		"has": func(l []string, s string) bool { return slices.Contains(l, s) },
		"add": func(a, b int) int { return a + b },
		// count labels a number: count 1 "connection" "connections" is
		// "1 connection".
		"count": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
		"q": query,
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
	}
}

// whenLayout is how the dashboard shows every time: in UTC, to the second.
const whenLayout = "2006-01-02 15:04:05 UTC"

// when formats a time for people, as every page shows times: a time.Time,
// a *time.Time, or an RFC 3339 string as the engine stores some (a
// deprecated route's sunset). An empty or zero time is "—"; a string that
// is not a time is shown as it is.
func when(t any) string {
	switch x := t.(type) {
	case time.Time:
		if !x.IsZero() {
			return x.UTC().Format(whenLayout)
		}
	case *time.Time:
		if x != nil && !x.IsZero() {
			return x.UTC().Format(whenLayout)
		}
	case string:
		if x == "" {
			break
		}
		if p, err := time.Parse(time.RFC3339, x); err == nil {
			return p.UTC().Format(whenLayout)
		}
		return x
	}
	return "—"
}
