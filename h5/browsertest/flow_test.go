package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// artifacts is where the screenshots go, relative to this package.
const artifacts = "artifacts"

// chromium returns the path of a Chromium binary: $CHROMIUM if set, else the first
// of the usual names on PATH. With none it skips the test, or fails it in CI.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no chromium binary found (looked for $CHROMIUM, chromium, chromium-browser, google-chrome, headless-shell); " +
		"install it with: apt-get install -y chromium"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestFlowInChromium picks a city, fills its login form, enters the SMS code and
// reaches the result page, with JavaScript on and the handler's CSP in force.
func TestFlowInChromium(t *testing.T) {
	bin := chromium(t)

	// A step long enough for the progress page to be seen.
	sandbox := tcredittest.NewServer(tcredittest.WithStep(400 * time.Millisecond))
	defer sandbox.Close()
	client, err := tcredit.NewClient(sandbox.AppID, sandbox.TokenID, tcredit.WithBaseURL(sandbox.URL))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		results []error
	)
	flow := h5.NewHandler(client, h5.Options{
		PollInterval: 200 * time.Millisecond,
		QueryOptions: []tcredit.QueryOption{tcredit.WithPollInterval(50*time.Millisecond, 200*time.Millisecond)},
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			mu.Lock()
			results = append(results, err)
			mu.Unlock()
		},
	})
	defer flow.Close()
	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", flow))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal("starting chromium: ", err)
	}
	problems := watchConsole(ctx)

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v", what, loc, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	step("city list", chromedp.Navigate(srv.URL+"/fund/"), chromedp.WaitVisible(chromedp.ID("cities")))
	shot("1-cities")

	step("filter", chromedp.SendKeys(chromedp.ID("q"), "北京"), chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="login?city=110100"]`)))
	if got := text("#cities"); strings.Contains(got, "上海") {
		t.Errorf("the filter kept other cities: %q", got)
	}
	shot("2-cities-filtered")

	step("login form", chromedp.Click(chromedp.CSS(`a[href="login?city=110100"]`)), chromedp.WaitVisible(chromedp.ID("f_account")))
	step("fill the form", chromedp.SendKeys(chromedp.ID("f_account"), "demo-sms-challenge"),
		chromedp.SendKeys(chromedp.ID("f_password"), "any-password"))
	shot("3-login")

	step("submit the form", chromedp.Submit(chromedp.ID("f_account")), chromedp.WaitVisible(chromedp.ID("status")))
	shot("4-progress")

	// The page's script polls status.json and moves on to the code page by itself.
	step("SMS page", chromedp.WaitVisible(chromedp.ID("code")))
	if got := text("h1"); got != "输入短信验证码" {
		t.Errorf("SMS page heading = %q", got)
	}
	shot("5-sms")

	step("enter the code", chromedp.SendKeys(chromedp.ID("code"), tcredittest.SMSCode), chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(".result")))
	if got := text("h1"); got != "查询成功" {
		t.Errorf("result heading = %q", got)
	}
	if got := text(".summary"); !strings.Contains(got, "公积金余额") || !strings.Contains(got, "个月") {
		t.Errorf("result summary = %q", got)
	}
	shot("6-result")

	cancelTab()
	flow.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 1 || results[0] != nil {
		t.Errorf("OnResult errors = %v, want one nil", results)
	}
	for _, p := range problems() {
		t.Errorf("browser console: %s", p)
	}
}

// watchConsole collects the page's exceptions and policy violations until ctx ends;
// the function it returns gives them.
func watchConsole(ctx context.Context) func() []string {
	var (
		mu    sync.Mutex
		found []string
	)
	seq := chromedp.Console(ctx)
	go seq(func(m chromedp.ConsoleMessage, err error) bool {
		if err != nil {
			return false
		}
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Refused to") {
			mu.Lock()
			found = append(found, m.String())
			mu.Unlock()
		}
		return true
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), found...)
	}
}
