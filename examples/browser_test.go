package examples_test

// Browser tests drive a real headless Chromium through chromedp. Like the
// Redis tests they skip loudly when no browser is installed, unless
// WAYGATE_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserPath finds Chromium: $WAYGATE_CHROMIUM, then the usual binary names.
func browserPath() string {
	if p := os.Getenv("WAYGATE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// tab context that ends with the test. Every chromedp action run on it is
// bounded by timeout.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := browserPath()
	if path == "" {
		if os.Getenv("WAYGATE_REQUIRE_BROWSER") == "1" {
			t.Fatal("WAYGATE_REQUIRE_BROWSER=1 but no Chromium found: apt-get install chromium (or set WAYGATE_CHROMIUM)")
		}
		t.Skip("SKIPPING browser test: no Chromium on PATH (apt-get install chromium, or set WAYGATE_CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, without a deadline (a deadline on the first run
	// would bound the browser's life), so a broken install fails here.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, timeout)
	t.Cleanup(cancelTimeout)
	return ctx
}

// TestBrowserSmoke proves the browser fixture itself: it loads a page from a
// real demo process and reads the JSON the route answers with.
func TestBrowserSmoke(t *testing.T) {
	base := start(t, "nethttp")
	ctx := newBrowser(t, 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/health")); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	if body != `{"status":"ok"}` {
		t.Fatalf("GET /health in the browser shows %q, want {\"status\":\"ok\"}", body)
	}
}
