package openapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// httpGet sends a GET through h with the request line target.
func httpGet(h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var assetRef = regexp.MustCompile(`(?:src|href)="(\./[^"]+)"`)

func TestDocsHandlerPageAndAssets(t *testing.T) {
	mux := http.NewServeMux()
	docs := NewDocsHandler("/openapi.json", WithTitle(`Shop <API> & "docs"`), WithPollInterval(250*time.Millisecond))
	mux.Handle("/docs/", http.StripPrefix("/docs", docs))
	mux.Handle("/docs", http.StripPrefix("/docs", docs))

	for _, page := range []string{"/docs", "/docs/"} {
		t.Run(page, func(t *testing.T) {
			rec := httpGet(mux, page)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("GET %s = %d %q", page, rec.Code, rec.Header().Get("Content-Type"))
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
			body := rec.Body.String()
			for _, want := range []string{
				`<title>Shop &lt;API&gt; &amp; &#34;docs&#34;</title>`,
				`data-spec-url="/openapi.json"`,
				`data-poll-ms="250"`,
				`id="waygate-banner"`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s:\n%s", want, body)
				}
			}
			if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
				t.Errorf("page loads something from another origin:\n%s", body)
			}
			refs := assetRef.FindAllStringSubmatch(body, -1)
			if len(refs) != 4 {
				t.Fatalf("asset references = %v, want 4", refs)
			}
			base, _ := url.Parse("http://example.test" + page)
			for _, m := range refs {
				u, err := base.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
				if err != nil {
					t.Fatal(err)
				}
				res := httpGet(mux, u.RequestURI())
				if res.Code != 200 || res.Body.Len() < 100 {
					t.Fatalf("%s (from %s) = %d, %d bytes", u.RequestURI(), m[1], res.Code, res.Body.Len())
				}
				if cc := res.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
					t.Errorf("%s: Cache-Control %q for a versioned URL", u.Path, cc)
				}
				if again := httpGet(mux, u.RequestURI(), "If-None-Match", res.Header().Get("ETag")); again.Code != http.StatusNotModified {
					t.Errorf("%s with its ETag = %d, want 304", u.Path, again.Code)
				}
			}
		})
	}

	if rec := httpGet(mux, "/docs/swagger-ui-bundle.js"); rec.Code != 200 || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned bundle = %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	}
	if rec := httpGet(mux, "/docs/swagger-ui-bundle.js.map"); rec.Code != 404 {
		t.Errorf("unknown file = %d, want 404", rec.Code)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/docs/", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/docs", nil))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestDocsHandlerDefaults(t *testing.T) {
	body := httpGet(NewDocsHandler("", WithPollInterval(time.Millisecond)), "/").Body.String()
	for _, want := range []string{`data-spec-url="/openapi.json"`, `data-poll-ms="100"`, `<title>API documentation</title>`, `href="./swagger-ui.css?v=`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// A hostile spec URL cannot leave its attribute.
	body = httpGet(NewDocsHandler(`javascript:alert(1)" onload="x`), "/docs").Body.String()
	if strings.Contains(body, `="javascript:`) || strings.Contains(body, `" onload="`) {
		t.Errorf("spec URL not escaped:\n%s", body)
	}
}

func TestAssetPrefix(t *testing.T) {
	for target, want := range map[string]string{
		"/docs": "./docs/", "/docs/": "./", "/": "./", "/api/v1/docs?x=1": "./docs/", "/a:b": "./a:b/",
	} {
		if got := assetPrefix(httptest.NewRequest(http.MethodGet, target, nil)); got != want {
			t.Errorf("assetPrefix(%s) = %q, want %q", target, got, want)
		}
	}
}
