package admin_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// session is a browser-like client of the dashboard: it keeps cookies and
// does not follow redirects, so tests see every status.
type session struct {
	t    *testing.T
	base string // the dashboard's URL, without a trailing slash
	c    *http.Client
	csrf string
}

// page is one answered dashboard request.
type page struct {
	status int
	header http.Header
	body   string
}

func newSession(t *testing.T, base string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &session{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn signs in through the form and remembers the CSRF token.
func (s *session) signIn(user, pass string) {
	s.t.Helper()
	p := s.post("/sign-in", url.Values{"username": {user}, "password": {pass}}, false)
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: %d %s", user, p.status, p.body)
	}
	home := s.get("/")
	if home.status != http.StatusOK {
		s.t.Fatalf("home after sign-in: %d", home.status)
	}
	s.csrf = csrfOf(home.body)
	if s.csrf == "" {
		s.t.Fatalf("no CSRF token on the page:\n%s", home.body)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfOf(body string) string {
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (s *session) do(req *http.Request) page {
	s.t.Helper()
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return page{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (s *session) get(path string) page {
	s.t.Helper()
	req, err := http.NewRequest("GET", s.base+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.do(req)
}

// post submits a form; withCSRF adds the session's token.
func (s *session) post(path string, form url.Values, withCSRF bool) page {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if withCSRF {
		form.Set("csrf_token", s.csrf)
	}
	req, err := http.NewRequest("POST", s.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// wantPage fails unless p has status and contains every string.
func wantPage(t *testing.T, what string, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			t.Errorf("%s: the page does not contain %q", what, c)
		}
	}
}

// regexpAll returns the first group of every match of pattern in s.
func regexpAll(pattern, s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
