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

// site is the h5 handler mounted at /fund/ in front of a sandbox.
type site struct {
	sandbox *tcredittest.Server
	url     string // the flow's root, ending in /fund/

	mu      sync.Mutex
	results []error // what OnResult received
}

func newSite(t *testing.T) *site {
	t.Helper()
	// A step long enough for the progress page to be seen.
	s := &site{sandbox: tcredittest.NewServer(tcredittest.WithStep(400 * time.Millisecond))}
	t.Cleanup(s.sandbox.Close)
	client, err := tcredit.NewClient(s.sandbox.AppID(), s.sandbox.TokenID(), tcredit.WithBaseURL(s.sandbox.URL))
	if err != nil {
		t.Fatal(err)
	}
	flow := h5.NewHandler(client, h5.Options{
		InsecureDevHTTP: true, // the test server is plain HTTP on a loopback address
		PollInterval:    200 * time.Millisecond,
		QueryOptions:    []tcredit.QueryOption{tcredit.WithPollInterval(50*time.Millisecond, 200*time.Millisecond)},
		NoConsent:       true,
		OnResult: func(ctx context.Context, _ h5.Session, _ *tcredit.FundResult, err error) {
			s.mu.Lock()
			s.results = append(s.results, err)
			s.mu.Unlock()
		},
	})
	t.Cleanup(flow.Close)
	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", flow))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/fund/"
	return s
}

// outcomes returns what OnResult received so far.
func (s *site) outcomes() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.results...)
}

// phone is a headless Chromium with a phone's screen, and the page problems it saw.
type phone struct {
	t        *testing.T
	ctx      context.Context
	problems func() []string
}

func newPhone(t *testing.T) *phone {
	t.Helper()
	bin := chromium(t)
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal("starting chromium: ", err)
	}
	return &phone{t: t, ctx: ctx, problems: watchConsole(ctx)}
}

// do runs actions, failing the test with what and the page's address if they fail.
func (p *phone) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		loc, _ := chromedp.Run(p.ctx, chromedp.Location())
		p.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// text returns the text of the first element that matches the CSS selector sel.
func (p *phone) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// shot saves a PNG screenshot of the whole page as artifacts/name.png.
func (p *phone) shot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// checkConsole fails the test for each exception or policy violation the page had.
func (p *phone) checkConsole() {
	p.t.Helper()
	for _, m := range p.problems() {
		p.t.Errorf("browser console: %s", m)
	}
}

// login opens the flow, picks Beijing through the city filter and logs in as account.
func (p *phone) login(s *site, account string, shots bool) {
	p.t.Helper()
	p.do("city list", chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.ID("cities")))
	if shots {
		p.shot("01-cities")
	}
	// Wait for the filtered page itself: the unfiltered one has Beijing's link too, but
	// only the page the filter answered with carries the query in its search box.
	p.do("filter", chromedp.SendKeys(chromedp.ID("q"), "北京"), chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS(`#q[value="北京"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="login?city=110100"]`)))
	if got := p.text("#cities"); strings.Contains(got, "上海") {
		p.t.Errorf("the filter kept other cities: %q", got)
	}
	if shots {
		p.shot("02-cities-filtered")
	}
	p.do("login form", chromedp.Click(chromedp.CSS(`a[href="login?city=110100"]`)), chromedp.WaitVisible(chromedp.ID("f_account")))
	if shots {
		p.do("submit an empty form", chromedp.Submit(chromedp.ID("f_account")), chromedp.WaitVisible(chromedp.ID("f_account-error")))
		if got := p.text("#f_account-error"); got != "请填写客户号" {
			p.t.Errorf("error next to the account = %q", got)
		}
		p.shot("03-login-errors")
	}
	p.do("fill the form", chromedp.SendKeys(chromedp.ID("f_account"), account),
		chromedp.SendKeys(chromedp.ID("f_password"), "any-password"))
	if shots {
		p.shot("04-login")
	}
	p.do("submit the form", chromedp.Submit(chromedp.ID("f_account")), chromedp.WaitVisible(chromedp.ID("status")))
	if shots {
		p.shot("05-progress")
	}
}

// start starts a site and a phone, and logs in to the site as account.
func start(t *testing.T, account string, shots bool) (*phone, *site) {
	t.Helper()
	p, s := newPhone(t), newSite(t)
	p.login(s, account, shots)
	return p, s
}

// reach waits for the page that has an element matching the CSS selector sel, and
// checks its heading.
func (p *phone) reach(sel, heading string) {
	p.t.Helper()
	p.do("waiting for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	if got := p.text("h1"); got != heading {
		p.t.Errorf("heading of the page with %s = %q, want %q", sel, got, heading)
	}
}

// TestSMSFlowInChromium picks a city, fills its login form, enters the SMS code and
// reaches the result page, with JavaScript on and the handler's CSP in force.
func TestSMSFlowInChromium(t *testing.T) {
	p, s := start(t, "demo-sms-challenge", true)

	// The page's script polls status.json and moves on to the code page by itself.
	p.reach("#code", "输入短信验证码")
	p.shot("06-sms")

	p.do("enter the code", chromedp.SendKeys(chromedp.ID("code"), tcredittest.SMSCode), chromedp.Submit(chromedp.ID("code")))
	p.reach(".result.ok", "查询成功")
	if got := p.text(".summary"); !strings.Contains(got, "公积金余额") || !strings.Contains(got, "个月") {
		t.Errorf("result summary = %q", got)
	}
	p.shot("07-result")
	p.checkConsole()
	if got := s.outcomes(); len(got) != 1 || got[0] != nil {
		t.Errorf("OnResult errors = %v, want one nil", got)
	}
}

// TestCaptchaFlowInChromium shows the captcha image under the CSP and answers it.
func TestCaptchaFlowInChromium(t *testing.T) {
	p, s := start(t, "demo-image-challenge", false)

	p.reach("img.captcha", "输入图片验证码")
	loaded, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelector("img.captcha").naturalWidth > 0`))
	if err != nil || !loaded {
		t.Fatalf("the captcha image did not load: %v", err)
	}
	p.shot("08-captcha")

	tasks := s.sandbox.Tasks()
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1", len(tasks))
	}
	p.do("enter the captcha", chromedp.SendKeys(chromedp.ID("code"), tasks[0].Answer), chromedp.Submit(chromedp.ID("code")))
	p.reach(".result.ok", "查询成功")
	p.checkConsole()
}

// TestWrongPasswordInChromium ends on the failure page, whose link leads back to the
// form.
func TestWrongPasswordInChromium(t *testing.T) {
	p, _ := start(t, "demo-wrong-password", false)

	p.reach(".result.failed", "账号或密码错误")
	p.shot("09-result-wrong-password")
	p.do("back to the form", chromedp.Click(chromedp.CSS(".result a.button")), chromedp.WaitVisible(chromedp.ID("f_password")))
	p.checkConsole()
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
