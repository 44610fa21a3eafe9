package ofrep

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath finds Chromium: $WAYGATE_CHROMIUM, then the usual binary
// names on PATH. It returns "" when there is none.
func ChromiumPath() string {
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

// Browser evaluates in.Cases with the OpenFeature web SDK and the OFREP web
// provider in a fresh headless Chromium. pageURL is where [PageHandler](dir)
// serves web/index.html, e.g. "http://127.0.0.1:8080/ofrep-client/web/index.html"
// when it is mounted on the OFREP server (same origin, no CORS needed). With
// pageURL "" Browser serves the page itself on another loopback port, so
// the OFREP server must answer CORS (see README.md).
//
// The web SDK has a single static context: Browser sets the first case's
// context before the provider starts, and sets each new context before the
// case that needs it, which makes the provider fetch the flags again.
func Browser(ctx context.Context, dir, pageURL string, in Input) ([]Result, error) {
	tab, withConsole, closeTab, err := openRunner(ctx, dir, pageURL)
	if err != nil {
		return nil, err
	}
	defer closeTab()
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("ofrep: encode the input: %w", err)
	}
	out, err := chromedp.Run(tab, chromedp.Evaluate[output]("window.ofrepRun("+string(doc)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, withConsole(fmt.Errorf("ofrep: run the cases in the browser: %w", err))
	}
	return tidy(out.Results), nil
}

// RunModule runs code as an ES module in the runner's page (its import map
// resolves the OpenFeature packages, so documentation snippets run as
// written) and returns what it logged with console.log, one string per
// call, its arguments joined by spaces.
func RunModule(ctx context.Context, dir, pageURL, code string) ([]string, error) {
	tab, withConsole, closeTab, err := openRunner(ctx, dir, pageURL)
	if err != nil {
		return nil, err
	}
	defer closeTab()
	src, err := json.Marshal(code)
	if err != nil {
		return nil, fmt.Errorf("ofrep: encode the module: %w", err)
	}
	run := `(async () => {
  const logs = [], log = console.log;
  console.log = (...args) => { logs.push(args.map(String).join(' ')); log(...args); };
  try {
    await import(URL.createObjectURL(new Blob([` + string(src) + `], { type: 'text/javascript' })));
  } finally {
    console.log = log;
  }
  return logs;
})()`
	logs, err := chromedp.Run(tab, chromedp.Evaluate[[]string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, withConsole(fmt.Errorf("ofrep: run the module in the browser: %w", err))
	}
	return logs, nil
}

// openRunner opens the runner's page in a fresh headless Chromium and
// waits for it to load. withConsole adds what the page logged to an
// error; closeTab ends the browser.
func openRunner(ctx context.Context, dir, pageURL string) (tab context.Context, withConsole func(error) error, closeTab func(), err error) {
	path := ChromiumPath()
	if path == "" {
		return nil, nil, nil, ErrNoChromium
	}
	var cleanups []func()
	closeTab = func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	defer func() {
		if err != nil {
			closeTab()
		}
	}()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
		cleanups = append(cleanups, cancel)
	}
	if pageURL == "" {
		srv := httptest.NewServer(PageHandler(dir))
		cleanups = append(cleanups, srv.Close)
		pageURL = srv.URL + "/web/index.html"
	}
	profile, err := os.MkdirTemp("", "ofrep-chromium-")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ofrep: %w", err)
	}
	cleanups = append(cleanups, func() { os.RemoveAll(profile) })
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	cleanups = append(cleanups, cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	cleanups = append(cleanups, cancelTab)
	var mu sync.Mutex
	var console []string
	listen := func(ev any) {
		var line string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, arg := range ev.Args {
				if len(arg.Value) > 0 {
					parts = append(parts, strings.Trim(string(arg.Value), `"`))
				} else {
					parts = append(parts, arg.Description)
				}
			}
			line = string(ev.Type) + ": " + strings.Join(parts, " ")
		case *runtime.EventExceptionThrown:
			line = "exception: " + (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error()
		default:
			return
		}
		mu.Lock()
		console = append(console, line)
		mu.Unlock()
	}
	withConsole = func(err error) error {
		mu.Lock()
		defer mu.Unlock()
		if len(console) == 0 {
			return err
		}
		return fmt.Errorf("%w\nbrowser console:\n  %s", err, strings.Join(console, "\n  "))
	}
	if err := chromedp.Listen(tab, listen); err != nil {
		return nil, nil, nil, fmt.Errorf("ofrep: start Chromium %s: %w", path, err)
	}

	if err := chromedp.Do(tab, chromedp.Navigate(pageURL)); err != nil {
		return nil, nil, nil, withConsole(fmt.Errorf("ofrep: open %s: %w", pageURL, err))
	}
	loadErr, err := chromedp.Run(tab, chromedp.Poll[string](`window.ofrepRun ? "ready" : window.ofrepLoadError`, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		return nil, nil, nil, withConsole(fmt.Errorf("ofrep: wait for the runner page %s: %w", pageURL, err))
	}
	if loadErr != "ready" {
		return nil, nil, nil, withConsole(fmt.Errorf("ofrep: the runner page %s did not load: %s", pageURL, loadErr))
	}
	return tab, withConsole, closeTab, nil
}
