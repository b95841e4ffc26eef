package tcredit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/summary"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The Go snippets of README.md and of the package doc run here against the sandbox:
// the lines between a BEGIN and an END marker are a snippet, word for word, and
// TestDocSnippetsAreTested holds the documents to them. README.zh-CN.md's snippets
// are the same code with Chinese comments (TestReadmeTranslationInStep), and the
// README's first program is built and run in a module of its own (module_test.go).

// readmeSandbox starts a quick sandbox and a client for it.
func readmeSandbox(t *testing.T, opts ...tcredittest.Option) (*tcredittest.Server, *tcredit.Client) {
	t.Helper()
	srv := tcredittest.NewServer(append([]tcredittest.Option{tcredittest.WithStep(2 * time.Millisecond)}, opts...)...)
	t.Cleanup(srv.Close)
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, client
}

// readmeContext returns a context that ends with the test, or after a minute.
func readmeContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// assertCurrent checks that a report is done and ends in the month before this one.
func assertCurrent(t *testing.T, res *tcredit.FundResult) {
	t.Helper()
	require.NotNil(t, res)
	assert.True(t, res.Code.Done(), "code %d", res.Code)
	s := summary.Of(res, time.Now().In(time.FixedZone("CST", 8*60*60)))
	assert.Equal(t, 1, s.Contributions.MonthsSinceLast, "the report ends last month: latest %s", s.Contributions.Latest)
	assert.Positive(t, s.Contributions.Last12)
}

func TestReadmeFourSteps(t *testing.T) {
	t.Parallel()
	srv, client := readmeSandbox(t)
	ctx := readmeContext(t)
	account, password := "demo-sms-challenge", "any"
	asked := 0
	askSMS := func() string { asked++; return tcredittest.SMSCode }

	fourSteps := func() (*tcredit.FundResult, error) {
		// BEGIN README.md four steps
		cities, err := client.Cities(ctx) // 1. getFundCitysB: which cities, which are up
		if err != nil {
			return nil, err
		}
		for _, c := range cities {
			if c.AreaCode == "330100" && !c.Available() {
				return nil, fmt.Errorf("%s is %s now", c.AreaName, c.AreaStatus)
			}
		}

		methods, err := client.LoginMethods(ctx, "330100") // 2. getFundCityParamB: 杭州's login forms
		if err != nil {
			return nil, err // matches tcredit.ErrUnknownCity for a city not in the list
		}
		req, err := methods[0].NewRequest(map[string]string{ // the form's fields, by name
			"account": account, "password": password, "sub_area": "1",
		})
		if err != nil {
			return nil, err // a *tcredit.ValidationError: each field and what is wrong with it
		}

		tid, err := client.CreateTask(ctx, req) // 3. createFundSearchTaskB: billed
		if err != nil {
			return nil, err
		}

		for { // 4. getFundB, until the task ends
			res, err := client.GetFund(ctx, tid)
			switch {
			case err != nil:
				return res, err // a *tcredit.TaskError when the task failed
			case res.Code.Done():
				return res, nil // res.BaseInfo.HouseFundBalance is a tcredit.Amount: "66903.69"
			case res.Code.NeedsSMS():
				if err := client.SubmitCode(ctx, tid, askSMS()); err != nil { // fundUserCode
					return nil, err
				}
			}
			time.Sleep(time.Second)
		}
		// END README.md four steps
	}

	res, err := fourSteps()
	require.NoError(t, err)
	assertCurrent(t, res)
	assert.Equal(t, 1, asked, "the SMS code was asked once")
	assert.Equal(t, 1, srv.Billed(srv.AppID()))
}

func TestReadmeQuery(t *testing.T) {
	t.Parallel()
	_, client := readmeSandbox(t)
	ctx := readmeContext(t)
	methods, err := client.LoginMethods(ctx, "330100")
	require.NoError(t, err)
	req, err := methods[0].NewRequest(map[string]string{"account": "demo-sms-challenge", "password": "any", "sub_area": "1"})
	require.NoError(t, err)
	var saved string
	saveTID := func(_ context.Context, tid string) error { saved = tid; return nil }
	askUser := func(_ context.Context, ch tcredit.Challenge) (string, error) {
		assert.Equal(t, tcredit.CodeWaitingSMS, ch.Code)
		return tcredittest.SMSCode, nil
	}

	// BEGIN README.md query
	res, err := client.Query(ctx, req,
		tcredit.OnTaskCreated(func(ctx context.Context, tid string) error {
			return saveTID(ctx, tid) // persist it: Wait resumes the task after a restart
		}),
		tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
			return askUser(ctx, ch) // ch.Code is 10003 (SMS) or 10004 (captcha, image in ch.Image)
		}),
		tcredit.OnStatus(func(res *tcredit.FundResult) { log.Println(res.TID, res.Code) }),
	)
	var te *tcredit.TaskError
	switch {
	case errors.As(err, &te):
		// the task failed: te.Code is e.g. 50004 (wrong password) or 50009 (wrong code)
	case errors.Is(err, tcredit.ErrCodeRequired):
		// no code provider: answer later with SubmitCode, then client.Wait(ctx, tid)
	case err != nil:
		// the tid is in the error (*tcredit.QueryError) once the task exists
	}
	// END README.md query

	require.NoError(t, err)
	assertCurrent(t, res)
	assert.Equal(t, res.TID, saved)
}

// TestReadmeCallbacks runs the README's callback section: the sandbox posts its
// callbacks to the handler, which wakes the Query at once, long before its first poll.
func TestReadmeCallbacks(t *testing.T) {
	t.Setenv("TCREDIT_CALLBACK_SECRET", "callback-secret-for-the-readme")
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	defer ts.Close()
	srv, client := readmeSandbox(t, tcredittest.WithCallbackURL(ts.URL+"/fund/callback?cb_token="+url.QueryEscape(os.Getenv("TCREDIT_CALLBACK_SECRET"))))
	ctx := readmeContext(t)
	req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "any", SubArea: "1"}
	start := time.Now()

	// BEGIN README.md callbacks
	secret := os.Getenv("TCREDIT_CALLBACK_SECRET") // long and random
	callbackURL, err := tcredit.CallbackURL("https://lender.example/fund/callback", secret)
	if err != nil {
		log.Fatal(err) // a secret too short, a URL that is not absolute
	}
	// register callbackURL with the provider

	mux.Handle("/fund/callback", tcredit.NewCallbackHandler(
		func(ctx context.Context, cb tcredit.Callback) error {
			client.Notify(cb)
			return nil
		},
		tcredit.WithCallbackSecret(secret),
	))

	// With callbacks on, polling is only a safety net:
	res, err := client.Query(ctx, req, tcredit.WithPollInterval(30*time.Second, 2*time.Minute))
	// END README.md callbacks

	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(callbackURL, "?cb_token=callback-secret-for-the-readme"), callbackURL)
	assertCurrent(t, res)
	assert.Less(t, time.Since(start), 30*time.Second, "the callback woke the query before its first poll")
	assert.Equal(t, 1, srv.Billed(srv.AppID()))
}

// BEGIN README.md testing
func TestUnderwriting(t *testing.T) {
	ctx := context.Background()
	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}

	res, err := client.Query(ctx, tcredit.CreateTaskRequest{
		AreaCode: "330100", LoginType: 1, Account: "demo-sms-challenge", Password: "any", SubArea: "1",
	}, tcredit.WithCodeProvider(func(context.Context, tcredit.Challenge) (string, error) {
		return tcredittest.SMSCode, nil
	}), tcredit.WithPollInterval(5*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if s := summary.Of(res, time.Now()); s.Contributions.Last12 == 0 {
		t.Errorf("no contribution in the last 12 months: %+v", s.Contributions)
	}
	if n := srv.Billed(srv.AppID()); n != 1 {
		t.Errorf("billed %d tasks, want 1", n)
	}
	// More: srv.InjectFault, srv.AddAccount, tcredittest.WithClock to pin a date.
}

// END README.md testing

func TestReadmeSummary(t *testing.T) {
	t.Parallel()
	_, client := readmeSandbox(t)
	ctx := readmeContext(t)
	res, err := client.Query(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "any", SubArea: "1"},
		tcredit.WithPollInterval(5*time.Millisecond, 50*time.Millisecond))
	require.NoError(t, err)

	// BEGIN README.md summary
	shanghai := time.FixedZone("CST", 8*60*60) // China Standard Time
	s := summary.Of(res, time.Now().In(shanghai))
	approved := s.Account.Status == summary.StatusActive && s.Contributions.Consecutive >= 6 &&
		s.Loans.CurrentOverduePeriods == 0
	// END README.md summary

	assert.Equal(t, 1, s.Contributions.MonthsSinceLast, "a current report")
	assert.Equal(t, s.Account.Status == summary.StatusActive && s.Loans.CurrentOverduePeriods == 0, approved)
}

// TestReadmeH5 runs the README's H5 section: the pages under /fund/, and callbacks
// taken at /fund/callback only with the secret.
func TestReadmeH5(t *testing.T) {
	const secret = "callback-secret-for-the-readme"
	t.Setenv("TCREDIT_CALLBACK_SECRET", secret)
	_, client := readmeSandbox(t)
	mux := http.NewServeMux()
	userID := func(r *http.Request) string { return r.Header.Get("X-User") }

	// BEGIN README.md h5
	h := h5.NewHandler(client, h5.Options{
		User:    func(r *http.Request) string { return userID(r) }, // who is logged in to your service
		Consent: &h5.Consent{Title: "《个人公积金信息查询授权协议》", URL: "https://lender.example/agreement", Version: "2024-03"},
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			// store the report (or the failure) for s.User, s.TID, with s.ConsentVersion and s.ConsentAt
		},
	})
	defer h.Close()
	mux.Handle("/fund/", http.StripPrefix("/fund", h))
	mux.Handle("POST /fund/callback", tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
		client.Notify(cb) // the person's progress page moves on at once
		return nil
	}, tcredit.WithCallbackSecret(os.Getenv("TCREDIT_CALLBACK_SECRET"))))
	// END README.md h5

	ts := httptest.NewTLSServer(mux) // the pages are served over TLS only, by default
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/fund/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	for target, want := range map[string]int{
		"/fund/callback?cb_token=" + secret: http.StatusOK,
		"/fund/callback":                    http.StatusUnauthorized,
	} {
		resp, err := ts.Client().Post(ts.URL+target, "application/x-www-form-urlencoded", strings.NewReader("tid=abc&status=40001"))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, target)
	}
}

// TestDocOverview runs the package doc's example.
func TestDocOverview(t *testing.T) {
	t.Parallel()
	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	appID, tokenID, baseURL := srv.AppID(), srv.TokenID(), srv.URL
	ctx := readmeContext(t)
	account, password := "demo-sms-challenge", "any"
	askCode := func(context.Context, tcredit.Challenge) (string, error) { return tcredittest.SMSCode, nil }

	overview := func() error {
		// BEGIN doc.go overview
		client, err := tcredit.NewClient(appID, tokenID, tcredit.WithBaseURL(baseURL))
		if err != nil {
			return err
		}
		methods, err := client.LoginMethods(ctx, "330100") // 杭州's login forms
		if err != nil {
			return err
		}
		req, err := methods[0].NewRequest(map[string]string{"account": account, "password": password, "sub_area": "1"})
		if err != nil {
			return err // a *ValidationError: the fields to correct
		}
		res, err := client.Query(ctx, req, tcredit.WithCodeProvider(askCode))
		if err != nil {
			return err
		}
		fmt.Println(res.BaseInfo.HouseFundBalance)
		// END doc.go overview
		return nil
	}

	require.NoError(t, overview())
	assert.Equal(t, 1, srv.Billed(srv.AppID()))
}

// TestDocSnippetsAreTested holds README.md and doc.go to the snippets tested above:
// each Go block of the document is a snippet between markers, word for word, and each
// snippet is in its document. The README's first program (package main) is run by
// TestReadmeProgram instead.
func TestDocSnippetsAreTested(t *testing.T) {
	src, err := os.ReadFile("readme_example_test.go")
	require.NoError(t, err)
	regions := markedRegions(t, string(src))
	assert.Len(t, regions["README.md"], 6)
	// The Redis setup needs go-redis, which the SDK's module does not require: module
	// redisstore compiles and tests it.
	other, err := os.ReadFile("redisstore/example_test.go")
	require.NoError(t, err)
	regions["README.md"] = append(regions["README.md"], markedRegions(t, string(other))["README.md"]...)
	docs := map[string][]string{
		"README.md": goBlocks(readMarkdown(t, "README.md")),
		"doc.go":    docCodeBlocks(t, "doc.go"),
	}
	for doc, blocks := range docs {
		t.Run(doc, func(t *testing.T) {
			tested := map[string]bool{}
			for _, r := range regions[doc] {
				tested[r] = true
			}
			shown := map[string]bool{}
			for _, b := range blocks {
				shown[b] = true
				if !strings.HasPrefix(b, "package main\n") {
					assert.True(t, tested[b], "%s shows a Go snippet that no test runs:\n%s", doc, b)
				}
			}
			for _, r := range regions[doc] {
				assert.True(t, shown[r], "a snippet tested for %s is not in it:\n%s", doc, r)
			}
		})
	}
	assert.Len(t, regions["doc.go"], 1)
}

// markedRegions returns the text between each "// BEGIN doc name" and "// END doc
// name" line of src, without the markers' indentation, by doc.
func markedRegions(t *testing.T, src string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var doc, indent string
	var region []string
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimLeft(line, "\t")
		switch {
		case strings.HasPrefix(trimmed, "// BEGIN "):
			doc, _, _ = strings.Cut(strings.TrimPrefix(trimmed, "// BEGIN "), " ")
			indent = line[:len(line)-len(trimmed)]
			region = []string{}
		case strings.HasPrefix(trimmed, "// END ") && region != nil:
			out[doc] = append(out[doc], strings.TrimSpace(strings.Join(region, "\n"))+"\n")
			region = nil
		case region != nil:
			region = append(region, strings.TrimPrefix(line, indent))
		}
	}
	require.Nil(t, region, "a BEGIN marker without its END")
	return out
}

// goBlocks returns the bodies of the Go code blocks of a README.
func goBlocks(md markdown) []string {
	var out []string
	for _, block := range md.code {
		if body, ok := strings.CutPrefix(block, "```go\n"); ok {
			out = append(out, strings.TrimSuffix(body, "```"))
		}
	}
	return out
}

// docCodeBlocks returns the code blocks of the doc comment in the Go file name: the
// runs of lines that start with "//" and a tab.
func docCodeBlocks(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	var out []string
	var block []string
	for _, line := range strings.Split(string(b), "\n") {
		if code, ok := strings.CutPrefix(line, "//\t"); ok {
			block = append(block, code)
			continue
		}
		if block != nil {
			out = append(out, strings.Join(block, "\n")+"\n")
			block = nil
		}
	}
	return out
}
