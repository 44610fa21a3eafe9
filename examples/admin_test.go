package examples_test

// The admin REST API end to end on every demo program: log in, change a
// route through the API, see it over HTTP, read the audit log; a viewer may
// read but not change anything.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
)

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func login(t *testing.T, base, user, password string) *apiClient {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password, "platform": "cli"})
	res, err := http.Post(base+"/waygate/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 || out.Token == "" {
		t.Fatalf("login as %s: %d, %v", user, res.StatusCode, err)
	}
	return &apiClient{t: t, base: base + "/waygate", token: out.Token}
}

func (c *apiClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	} else {
		r = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("X-Waygate-Token", c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return res.StatusCode, buf.Bytes()
}

func routeSeg(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func TestAdminEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw, "WAYGATE_ADMIN_PASSWORD=s3cret-admin", "WAYGATE_VIEWER_PASSWORD=s3cret-viewer")
			adm := login(t, base, "admin", "s3cret-admin")
			orders := "/api/routes/" + routeSeg("GET:/orders")

			if code, body := adm.do("POST", orders+"/maintenance", map[string]string{"reason": "reindex"}); code != 200 {
				t.Fatalf("maintenance through the API: %d %s", code, body)
			}
			if res := do(t, "GET", base+"/orders", nil); res.status != 503 || errorCode(t, res.body) != "MAINTENANCE_MODE" {
				t.Fatalf("GET /orders after maintenance: %d %s", res.status, res.body)
			}
			if code, body := adm.do("POST", orders+"/enable", map[string]string{}); code != 200 {
				t.Fatalf("enable through the API: %d %s", code, body)
			}
			if res := do(t, "GET", base+"/orders", nil); res.status != 200 {
				t.Fatalf("GET /orders after enable: %d", res.status)
			}

			code, body := adm.do("GET", "/api/audit?route="+"GET:/orders", nil)
			var entries []struct {
				Action, Actor, Platform string
			}
			if code != 200 {
				t.Fatalf("audit: %d %s", code, body)
			}
			if err := json.Unmarshal(body, &entries); err != nil {
				t.Fatalf("audit body %s: %v", body, err)
			}
			if len(entries) < 2 || entries[0].Action != "enable" || entries[1].Action != "maintenance_on" ||
				entries[0].Actor != "admin" || entries[1].Actor != "admin" || entries[0].Platform != "cli" {
				t.Fatalf("audit entries = %+v, want enable and maintenance_on by admin via cli", entries)
			}

			viewer := login(t, base, "viewer", "s3cret-viewer")
			for _, m := range []struct{ method, path string }{
				{"POST", orders + "/maintenance"}, {"POST", orders + "/enable"}, {"POST", orders + "/disable"},
				{"POST", "/api/global/enable"}, {"PUT", "/api/global/exempt-paths"},
			} {
				if code, _ := viewer.do(m.method, m.path, map[string]any{}); code != 403 {
					t.Errorf("viewer %s %s = %d, want 403", m.method, m.path, code)
				}
			}
			for _, p := range []string{"/api/routes", orders, "/api/audit", "/api/global", "/api/health"} {
				if code, body := viewer.do("GET", p, nil); code != 200 {
					t.Errorf("viewer GET %s = %d %s, want 200", p, code, body)
				}
			}
			if res := do(t, "GET", base+"/orders", nil); res.status != 200 {
				t.Fatalf("a viewer changed state: GET /orders = %d", res.status)
			}
			checkFlagThroughDemo(t, base)
		})
	}
}
