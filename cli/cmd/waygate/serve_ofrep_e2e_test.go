package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// waygate serve answers OFREP with the keys of $WAYGATE_OFREP_KEYS: a flag
// created with the CLI is evaluated for a context, a wrong key is refused.
func TestServeOFREP(t *testing.T) {
	const key = "serve-ofrep-key-0123456789"
	adminURL, _ := startServeEnv(t, []string{"WAYGATE_OFREP_KEYS=" + key}, false)
	c := newCLI(t)
	c.login(&server{t: t, Admin: adminURL}, "admin", adminPassword)
	c.ok("flags", "create", "beta", "--type", "boolean")
	c.ok("flags", "target", "beta", "on", "vip")

	post := func(auth, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, adminURL+"/ofrep/v1/evaluate/flags"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	code, got := post("Bearer "+key, "/beta", `{"context":{"targetingKey":"vip"}}`)
	if code != 200 || got["value"] != true || got["reason"] != "TARGETING_MATCH" || got["variant"] != "on" {
		t.Fatalf("vip: %d %v", code, got)
	}
	code, got = post("Bearer "+key, "/beta", `{"context":{"targetingKey":"someone"}}`)
	if code != 200 || got["value"] != false || got["reason"] != "DEFAULT" {
		t.Fatalf("someone: %d %v", code, got)
	}
	if code, got = post("Bearer "+key, "/nope", `{}`); code != 404 || got["errorCode"] != "FLAG_NOT_FOUND" {
		t.Fatalf("unknown flag: %d %v", code, got)
	}
	if code, _ = post("Bearer wrong-key-0123456789", "/beta", `{}`); code != 401 {
		t.Fatalf("a wrong key: %d", code)
	}
}
