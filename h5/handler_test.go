package h5_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fieldDiv returns the HTML of the form field named name (its <div class="field">).
func fieldDiv(t *testing.T, body, name string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<div class="field[^"]*">\s*<label for="` + regexp.QuoteMeta(name) + `">.*?</div>`)
	m := re.FindString(body)
	require.NotEmpty(t, m, "no field %s in:\n%s", name, body)
	return m
}

func TestCityList(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.get("")
	require.Equal(t, http.StatusOK, p.StatusCode)
	assert.Contains(t, p.body, `<a href="login?city=110100">北京</a>`)
	assert.Regexp(t, `<span class="unavailable"[^>]*>嘉兴 <small>系统维护</small></span>`, p.body, "330400 is under maintenance")
	assert.Regexp(t, `<span class="unavailable"[^>]*>哈尔滨 <small>开发中</small></span>`, p.body, "230100 is in development")
	assert.NotContains(t, p.body, "login?city=330400&", "no link to a city under maintenance")
	assert.NotContains(t, p.body, `login?city=330400"`)

	filtered := b.get("?q=" + url.QueryEscape("杭州"))
	require.Equal(t, http.StatusOK, filtered.StatusCode)
	assert.Contains(t, filtered.body, `<a href="login?city=330100">杭州</a>`)
	assert.Contains(t, filtered.body, `value="杭州"`, "the filter is kept in the search box")
	assert.NotContains(t, filtered.body, "北京")

	byCode := b.get("?q=4401")
	assert.Contains(t, byCode.body, "广州")
	assert.NotContains(t, byCode.body, "北京")

	none := b.get("?q=" + url.QueryEscape("<script>"))
	assert.Contains(t, none.body, "没有找到")
	assert.NotContains(t, none.body, "<script>", "the query is escaped")
}

func TestLoginForm(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.get("login?city=330100")
	require.Equal(t, http.StatusOK, p.StatusCode)
	assert.Contains(t, p.body, "杭州公积金登录")
	assert.Contains(t, p.body, "未注册用户请到杭州公积金网站进行注册", "the city's tips")
	assert.Contains(t, p.body, `<a href="login?city=330100&amp;type=1" class="active" aria-current="page">客户号</a>`)
	assert.Contains(t, p.body, `<a href="login?city=330100&amp;type=2">身份证号</a>`)

	account := fieldDiv(t, p.body, "f_account")
	assert.Contains(t, account, `type="text"`)
	assert.Contains(t, account, `class="required"`)
	assert.Contains(t, fieldDiv(t, p.body, "f_password"), `type="password"`)
	sub := fieldDiv(t, p.body, "f_sub_area")
	assert.Contains(t, sub, `<select id="f_sub_area" name="f_sub_area" required>`)
	assert.Contains(t, sub, `<option value="1">市本级</option>`)
	assert.Contains(t, sub, `<option value="3">余杭分中心</option>`)

	second := b.get("login?city=330100&type=2")
	require.Equal(t, http.StatusOK, second.StatusCode)
	assert.Contains(t, second.body, `<a href="login?city=330100&amp;type=2" class="active" aria-current="page">身份证号</a>`)
	fieldDiv(t, second.body, "f_id_card")
	assert.NotContains(t, second.body, "f_sub_area")

	single := b.get("login?city=500100")
	assert.NotContains(t, single.body, `class="tabs"`, "no tabs for a city with one login method")

	for _, tc := range []struct {
		path   string
		status int
		text   string
	}{
		{"login?city=999999", http.StatusNotFound, "没有这个城市"},
		{"login?city=330100&type=9", http.StatusNotFound, "没有这种登录方式"},
		{"login?city=330400", http.StatusConflict, "系统维护"},
		{"login?city=460100", http.StatusConflict, "开发中"},
	} {
		p := b.get(tc.path)
		assert.Equal(t, tc.status, p.StatusCode, tc.path)
		assert.Contains(t, p.body, tc.text, tc.path)
		assert.NotContains(t, p.body, `name="csrf"`, tc.path)
	}

	// A form posted for a city under maintenance starts nothing.
	p = b.post("login", url.Values{"csrf": {csrf(t, p)}, "city": {"330400"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {"pw"}, "f_sub_area": {"1"}})
	assert.Equal(t, http.StatusConflict, p.StatusCode)
	assert.Contains(t, p.body, "系统维护")
	assert.Empty(t, e.sandbox.Tasks())
}

func TestValidationBeforeBilling(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.login("330100", "1", map[string]string{"account": "  ", "password": "secret-pw", "sub_area": ""})
	require.Equal(t, http.StatusUnprocessableEntity, p.StatusCode)
	account := fieldDiv(t, p.body, "f_account")
	assert.Contains(t, account, `<p class="error" id="f_account-error">请填写客户号</p>`)
	assert.Contains(t, account, `aria-invalid="true"`)
	assert.Contains(t, fieldDiv(t, p.body, "f_sub_area"), "请选择缴存网点")
	assert.NotContains(t, fieldDiv(t, p.body, "f_password"), "error")
	assert.NotContains(t, p.body, "secret-pw", "a password is never sent back")

	bad := b.login("330100", "1", map[string]string{"account": "demo-success", "password": "x", "sub_area": "7"})
	require.Equal(t, http.StatusUnprocessableEntity, bad.StatusCode)
	assert.Contains(t, fieldDiv(t, bad.body, "f_sub_area"), "缴存网点无效")
	assert.Contains(t, fieldDiv(t, bad.body, "f_account"), `value="demo-success"`, "what was typed is kept")

	assert.Empty(t, e.sandbox.Tasks(), "no task for an invalid form")
	assert.Zero(t, e.sandbox.Billed(e.sandbox.AppID()))
	assert.Empty(t, e.outcomes())
}

func TestSMSFlow(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw-123456"})
	require.Equal(t, http.StatusOK, p.StatusCode)
	require.Equal(t, "sms", b.waitStep())

	code := b.get("code")
	require.Equal(t, http.StatusOK, code.StatusCode)
	assert.Contains(t, code.body, "输入短信验证码")
	assert.NotContains(t, code.body, "<img")

	empty := b.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {""}})
	assert.Equal(t, http.StatusUnprocessableEntity, empty.StatusCode)
	assert.Contains(t, fieldDiv(t, empty.body, "code"), "请输入验证码")

	done := b.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, done.StatusCode)
	require.Equal(t, "done", b.waitStep())

	res := b.get("result")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.body, "查询成功")
	assert.Regexp(t, `<dt>公积金余额</dt><dd>¥[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}</dd>`, res.body, "thousands separated")
	assert.Regexp(t, `<dt>缴存月数</dt><dd>[1-9][0-9]* 个月</dd>`, res.body)
	assert.Contains(t, res.body, "<dt>缴存单位</dt>")

	out := e.waitOutcomes(1)
	require.Len(t, out, 1)
	require.NoError(t, out[0].err)
	assert.True(t, out[0].res.Code.Done())
	assert.NotEmpty(t, out[0].session.TID)
	assert.Equal(t, h5.StepDone, out[0].session.Step)
	assert.Equal(t, 1, out[0].session.Attempts)
	assert.Contains(t, res.body, "¥"+out[0].res.BaseInfo.HouseFundBalance.Grouped())
	assert.Contains(t, e.logs.String(), "code=40001", "the log of the query's end has the task's code")
	assert.Equal(t, 1, e.sandbox.Billed(e.sandbox.AppID()))

	// Pages of other steps lead to the result now.
	again := b.get("progress")
	assert.Equal(t, e.url("result"), again.Request.URL.String())
	assert.Equal(t, 1, len(e.outcomes()), "OnResult is called once")
}

func TestCaptchaFlow(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	b.login("110100", "1", map[string]string{"account": "demo-image-challenge", "password": "pw"})
	require.Equal(t, "captcha", b.waitStep())

	code := b.get("code")
	require.Equal(t, http.StatusOK, code.StatusCode)
	assert.Contains(t, code.body, "输入图片验证码")
	src := regexp.MustCompile(`<img class="captcha" src="([^"]+)"`).FindStringSubmatch(code.body)
	require.NotNil(t, src)
	assert.True(t, strings.HasPrefix(src[1], "captcha.png"), "the image has a URL of its own: %s", src[1])

	img := b.get(html.UnescapeString(src[1]))
	require.Equal(t, http.StatusOK, img.StatusCode)
	assert.Equal(t, "image/png", img.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(img.body, "\x89PNG"))

	other := e.browser().get("captcha.png")
	assert.Equal(t, http.StatusForbidden, other.StatusCode, "the image is bound to the session")

	// 换一张: the page asks the API for the task's image again.
	assert.Contains(t, code.body, `<a href="code?image=new">换一张</a>`)
	renewed := b.get("code?image=new")
	require.Equal(t, http.StatusOK, renewed.StatusCode)
	newSrc := regexp.MustCompile(`<img class="captcha" src="([^"]+)"`).FindStringSubmatch(renewed.body)
	require.NotNil(t, newSrc)
	assert.Contains(t, html.UnescapeString(newSrc[1]), "&new=", "a URL no cache has")
	polls := countEndpoint(e.sandbox, "getFundB")
	newImg := b.get(html.UnescapeString(newSrc[1]))
	require.Equal(t, http.StatusOK, newImg.StatusCode)
	assert.True(t, strings.HasPrefix(newImg.body, "\x89PNG"))
	assert.Equal(t, "no-store", newImg.Header.Get("Cache-Control"))
	assert.Greater(t, countEndpoint(e.sandbox, "getFundB"), polls, "the image came from the API")

	tasks := e.sandbox.Tasks()
	require.Len(t, tasks, 1)
	done := b.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {tasks[0].Answer}})
	require.Equal(t, http.StatusOK, done.StatusCode)
	require.Equal(t, "done", b.waitStep())
	assert.Contains(t, b.get("result").body, "查询成功")
	assert.Equal(t, http.StatusNotFound, b.get("captcha.png").StatusCode, "no image once answered")
	require.Len(t, e.waitOutcomes(1), 1)
}

// A new captcha image is asked of the API at most once per captchaRefreshInterval
// per session, however often the image is asked for anew; the others get the image
// the session holds.
func TestCaptchaRefreshThrottled(t *testing.T) {
	// The follower looks at the task again after 10 s, and holds a lease of 6 s.
	e := newEnv(t, func(o *h5.Options) { o.PollInterval = 2 * time.Second })
	shift := e.shiftClock()
	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-image-challenge", "password": "pw"})
	require.Equal(t, "captcha", b.waitStep())

	refresh := func(n int) int {
		polls := countEndpoint(e.sandbox, "getFundB")
		for i := 0; i < n; i++ {
			img := b.get(fmt.Sprintf("captcha.png?new=%d", i))
			require.Equal(t, http.StatusOK, img.StatusCode)
			assert.True(t, strings.HasPrefix(img.body, "\x89PNG"))
		}
		return countEndpoint(e.sandbox, "getFundB") - polls
	}
	assert.Equal(t, 1, refresh(10), "ten new images in a row ask the API once")
	shift(3 * time.Second)
	assert.Equal(t, 1, refresh(3), "and once more a few seconds later")
}

func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		login    string
		code     string // the code posted when the task asks for one
		failure  tcredit.TaskCode
		heading  string
		link     string
		linkText string
	}{
		{"wrong password", "demo-wrong-password", "", tcredit.CodeBadCredentials, "账号或密码错误", "login?city=110100&amp;type=1", "重新填写"},
		{"unknown login", "nobody", "", tcredit.CodeBadCredentials, "账号或密码错误", "login?city=110100&amp;type=1", "重新填写"},
		{"wrong code", "demo-wrong-code", "000000", tcredit.CodeWrongCode, "验证码错误", "login?city=110100&amp;type=1", "重新获取验证码"},
		{"site maintenance", "demo-site-down", "", tcredit.CodeSiteMaintenance, "网站维护中", "./", "稍后再试"},
		{"site unstable", "demo-site-unstable", "", tcredit.CodeSiteUnstable, "网站不稳定", "./", "稍后再试"},
		{"crawl failure", "demo-crawl-failure", "", tcredit.CodeCrawlFailed, "读取失败", "./", "稍后再试"},
		{"input timeout", "demo-input-timeout", "", tcredit.CodeInputTimeout, "验证码输入超时", "login?city=110100&amp;type=1", "重新填写"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			b := e.browser()
			b.login("110100", "1", map[string]string{"account": tc.login, "password": "pw"})
			step := b.waitStep()
			if tc.failure == tcredit.CodeInputTimeout && step == "sms" {
				// The SMS page may already be over when the test looks: the sandbox's
				// clock does not wait for a slow test run.
				step = b.waitStepAfter("sms")
			}
			if tc.code != "" {
				require.Equal(t, "sms", step)
				code := b.get("code")
				b.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {tc.code}})
				step = b.waitStep()
			}
			require.Equal(t, "failed", step)

			p := b.get("result")
			require.Equal(t, http.StatusOK, p.StatusCode)
			assert.Contains(t, p.body, "<h1>"+tc.heading+"</h1>")
			assert.Contains(t, p.body, `<a class="button" href="`+tc.link+`">`+tc.linkText+`</a>`)

			out := e.waitOutcomes(1)
			require.Len(t, out, 1)
			var te *tcredit.TaskError
			require.ErrorAs(t, out[0].err, &te)
			assert.Equal(t, tc.failure, te.Code)
			assert.Equal(t, tc.failure, out[0].session.Failure)
			assert.Zero(t, e.sandbox.Billed(e.sandbox.AppID()), "a failed task is rolled back")
		})
	}
}

func TestTryAgainAfterFailure(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) {
		o.User = func(r *http.Request) string { return "user:" + r.Header.Get("User-Agent") }
	})
	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-wrong-password", "password": "pw"})
	require.Equal(t, "failed", b.waitStep())

	p := b.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Equal(t, http.StatusOK, p.StatusCode)
	require.Equal(t, "done", b.waitStep())
	out := e.waitOutcomes(2)
	require.Len(t, out, 2)
	assert.Len(t, e.sandbox.Tasks(), 2)
	assert.NotEqual(t, out[0].session.TID, out[1].session.TID)
	assert.NotEqual(t, out[0].session.ID, out[1].session.ID, "a posted login starts a session under a new id")
	_, err := e.store.Get(context.Background(), out[0].session.ID)
	assert.ErrorIs(t, err, h5.ErrNoSession, "the session it replaced is gone")
	assert.Equal(t, "user:Go-http-client/1.1", out[1].session.User, "Options.User's answer")
	assert.Equal(t, 1, e.sandbox.Billed(e.sandbox.AppID()))
}

func TestDoubleSubmit(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	form := b.get("login?city=110100&type=1")
	v := url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {"pw"}}

	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, e.url("login"), strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			noFollow := *b.client
			noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := noFollow.Do(req)
			if err == nil {
				resp.Body.Close()
				statuses[i] = resp.StatusCode
			}
		}(i)
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, http.StatusSeeOther, s)
	}
	require.Equal(t, "done", b.waitStep())
	e.waitOutcomes(1)
	assert.Len(t, e.sandbox.Tasks(), 1, "one task for the session")
	assert.Equal(t, 1, e.sandbox.Billed(e.sandbox.AppID()))

	assert.Len(t, e.waitOutcomes(1), 1, "OnResult once") // a late repeat: TestLateRepeatAfterDoneCreatesNoTask
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	form := b.get("login?city=110100&type=1")
	good := csrf(t, form)
	fields := url.Values{"city": {"110100"}, "type": {"1"}, "f_account": {"demo-success"}, "f_password": {"pw"}}

	for _, tc := range []struct {
		name  string
		token []string
	}{
		{"missing", nil},
		{"empty", []string{""}},
		{"wrong", []string{flipped(good)}},
		{"another session's", []string{csrf(t, e.browser().get("login?city=110100"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, val := range fields {
				v[k] = val
			}
			if tc.token != nil {
				v["csrf"] = tc.token
			}
			p := b.post("login", v)
			assert.Equal(t, http.StatusForbidden, p.StatusCode)
			p = b.post("code", v)
			assert.Equal(t, http.StatusForbidden, p.StatusCode)
		})
	}
	noCookie := e.browser().post("login", url.Values{"csrf": {good}, "city": {"110100"}, "type": {"1"}})
	assert.Equal(t, http.StatusForbidden, noCookie.StatusCode)
	assert.Contains(t, noCookie.body, "会话已过期")

	assert.Empty(t, e.sandbox.Tasks())
	assert.Empty(t, e.outcomes())
}

// flipped returns token with its middle character changed.
func flipped(token string) string {
	b := []byte(token)
	i := len(b) / 2
	if b[i] == 'x' {
		b[i] = 'y'
	} else {
		b[i] = 'x'
	}
	return string(b)
}

func TestExpiredSession(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) { o.SessionTTL = time.Second })
	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
	require.Equal(t, "sms", b.waitStep())

	// The session ends while the task waits for its code: the query stops with it.
	out := e.waitOutcomes(1)
	require.Len(t, out, 1)
	assert.ErrorIs(t, out[0].err, context.DeadlineExceeded)
	assert.NotEmpty(t, out[0].session.TID, "OnResult has the tid, to resume the task")

	for _, path := range []string{"progress", "code", "result", "status.json", "captcha.png"} {
		p := b.get(path)
		assert.Equal(t, http.StatusForbidden, p.StatusCode, path)
	}
	assert.Contains(t, b.get("code").body, "会话已过期")
	p := b.post("code", url.Values{"csrf": {"whatever"}, "code": {tcredittest.SMSCode}})
	assert.Equal(t, http.StatusForbidden, p.StatusCode)
	assert.Contains(t, p.body, "会话已过期")

	// A new visit starts a new session.
	form := b.get("login?city=110100&type=1")
	assert.Equal(t, http.StatusOK, form.StatusCode)
	assert.Contains(t, form.body, `name="csrf"`)
}

func TestCodeAttemptLimit(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) { o.MaxCodeAttempts = 1 })
	b := e.browser()

	// The first code is taken, and is wrong.
	b.login("110100", "1", map[string]string{"account": "demo-wrong-code", "password": "pw"})
	require.Equal(t, "sms", b.waitStep())
	p := b.post("code", url.Values{"csrf": {csrf(t, b.get("code"))}, "code": {"111111"}})
	require.Equal(t, http.StatusOK, p.StatusCode)
	require.Equal(t, "failed", b.waitStep())

	// The session has no attempt left: no second task is created (and billed) that
	// could never take its code.
	p = b.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
	assert.Equal(t, http.StatusTooManyRequests, p.StatusCode)
	assert.Contains(t, p.body, "验证码尝试次数过多")
	assert.Len(t, e.sandbox.Tasks(), 1, "no second task")
	assert.Zero(t, e.sandbox.Billed(e.sandbox.AppID()), "the failed task was rolled back, nothing else billed")
	assert.Contains(t, b.get("result").body, "验证码尝试次数过多", "the result page offers no new code")
	require.Len(t, e.waitOutcomes(1), 1)
}

func TestLateRepeatAfterDoneCreatesNoTask(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	fields := map[string]string{"account": "demo-success", "password": "pw"}
	b.login("110100", "1", fields)
	require.Equal(t, "done", b.waitStep())

	// Back, and the same form sent again.
	p := b.login("110100", "1", fields)
	assert.Equal(t, e.url("result"), p.Request.URL.String())
	assert.Len(t, e.sandbox.Tasks(), 1)
	assert.Equal(t, 1, e.sandbox.Billed(e.sandbox.AppID()))
	assert.Len(t, e.waitOutcomes(1), 1)
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-image-challenge", "password": "pw"})
	require.Equal(t, "captcha", b.waitStep())

	check := func(what string, resp *http.Response) {
		t.Helper()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'self'", what)
		assert.Contains(t, csp, "script-src 'self'", what)
		assert.NotContains(t, csp, "unsafe-inline", what)
		assert.NotContains(t, csp, "data:", what)
		assert.Contains(t, csp, "frame-ancestors 'none'", what)
		assert.Equal(t, "no-store", h.Get("Cache-Control"), what)
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), what)
		assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"), what)
	}
	for _, path := range []string{"", "?q=x", "login?city=110100", "login?city=330400", "login?city=1", "progress",
		"code", "captcha.png", "result", "status.json", "static/h5.css", "static/h5.js", "nothing-here"} {
		p := b.get(path)
		check(path, p.Response)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			assert.NotRegexp(t, `<script>|<script [^>]*>[^<]`, p.body, "no inline script in %s", path)
			assert.NotRegexp(t, ` on[a-z]+="`, p.body, "no inline handlers in %s", path)
		}
	}
	for _, path := range []string{"login", "code", ""} {
		p := b.post(path, url.Values{"csrf": {"x"}})
		check("POST "+path, p.Response)
	}
	p := b.post("", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, p.StatusCode)

	css := b.get("static/h5.css")
	assert.Equal(t, http.StatusOK, css.StatusCode)
	assert.Contains(t, css.Header.Get("Content-Type"), "text/css")
	js := b.get("static/h5.js")
	assert.Equal(t, http.StatusOK, js.StatusCode)
	assert.Contains(t, js.body, "status.json")
}

func TestSessionCookie(t *testing.T) {
	for _, tc := range []struct {
		name    string
		secure  bool
		session string
		form    string
		path    string
	}{
		{"plain", false, "h5session", "h5form", "/fund/"},
		{"secure option", true, "__Host-h5session", "__Host-h5form", "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(o *h5.Options) { o.SecureCookies = tc.secure })
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			send := func(method, path string, form url.Values, cookies ...*http.Cookie) page {
				req, err := http.NewRequest(method, e.url(path), strings.NewReader(form.Encode()))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for _, c := range cookies {
					req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
				}
				resp, err := noFollow.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				return page{resp, string(body)}
			}

			// The form gets a form cookie, and no session.
			form := send(http.MethodGet, "login?city=110100&type=1", nil)
			require.Len(t, form.Cookies(), 1)
			fc := form.Cookies()[0]
			assert.Equal(t, tc.form, fc.Name)
			assert.Equal(t, tc.path, fc.Path)
			assert.Zero(t, e.store.Len(), "a GET stores nothing")
			v := url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
				"f_account": {"demo-success"}, "f_password": {"pw"}}

			if tc.secure { // a cookie without the prefix, as a sibling subdomain could plant it
				p := send(http.MethodPost, "login", v, &http.Cookie{Name: "h5form", Value: fc.Value})
				assert.Equal(t, http.StatusForbidden, p.StatusCode)
			}
			p := send(http.MethodPost, "login", v, fc)
			require.Equal(t, http.StatusSeeOther, p.StatusCode, p.body)
			byName := map[string]*http.Cookie{}
			for _, c := range p.Cookies() {
				byName[c.Name] = c
			}
			c := byName[tc.session]
			require.NotNil(t, c, "the session cookie is set when the form is posted")
			assert.True(t, c.HttpOnly)
			assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
			assert.Equal(t, tc.secure, c.Secure)
			assert.Equal(t, tc.path, c.Path)
			assert.Positive(t, c.MaxAge)
			assert.GreaterOrEqual(t, len(c.Value), 22, "128 bits in base64")
			require.NotNil(t, byName[tc.form])
			assert.Negative(t, byName[tc.form].MaxAge, "the form cookie is spent")
			assert.Equal(t, 1, e.store.Len())

			st := send(http.MethodGet, "status.json", nil, c)
			assert.Equal(t, http.StatusOK, st.StatusCode, st.body)
			if tc.secure {
				st = send(http.MethodGet, "status.json", nil, &http.Cookie{Name: "h5session", Value: c.Value})
				assert.Equal(t, http.StatusForbidden, st.StatusCode, "a session cookie without the prefix is not read")
			}
		})
	}
}

func TestGETStoresNothing(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 200; i++ {
		p := e.browser().get("login?city=110100&type=1")
		require.Equal(t, http.StatusOK, p.StatusCode)
	}
	assert.Zero(t, e.store.Len())
}

func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	victim := e.browser()
	victim.login("110100", "1", map[string]string{"account": "demo-wrong-password", "password": "pw"})
	require.Equal(t, "failed", victim.waitStep())
	planted := sessionCookieOf(t, victim)

	// The victim logs in again: the session gets a new id and a new CSRF token, and
	// the old cookie shows nothing.
	victim.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Equal(t, "done", victim.waitStep())
	fresh := sessionCookieOf(t, victim)
	assert.NotEqual(t, planted, fresh)

	attacker := e.browser()
	u, _ := url.Parse(e.url(""))
	attacker.client.Jar.SetCookies(u, []*http.Cookie{{Name: "h5session", Value: planted, Path: "/fund/"}})
	p := attacker.get("result")
	assert.Equal(t, http.StatusForbidden, p.StatusCode)
	assert.NotContains(t, p.body, "查询成功")
}

// sessionCookieOf returns the value of the browser's session cookie.
func sessionCookieOf(t *testing.T, b *browser) string {
	t.Helper()
	u, err := url.Parse(b.e.url(""))
	require.NoError(t, err)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "h5session" {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// recordingStore is a SessionStore that keeps every session stored in it.
type recordingStore struct {
	h5.SessionStore
	mu     sync.Mutex
	stored []h5.Session
}

func (r *recordingStore) record(s h5.Session) {
	r.mu.Lock()
	r.stored = append(r.stored, s)
	r.mu.Unlock()
}

func (r *recordingStore) Create(ctx context.Context, s h5.Session) error {
	r.record(s)
	return r.SessionStore.Create(ctx, s)
}

func (r *recordingStore) Update(ctx context.Context, id string, change func(*h5.Session) error) (h5.Session, error) {
	s, err := r.SessionStore.Update(ctx, id, change)
	if err == nil {
		r.record(s)
	}
	return s, err
}

func TestNoSecretsKept(t *testing.T) {
	store := &recordingStore{SessionStore: h5.NewMemoryStore(0)}
	e := newEnv(t, func(o *h5.Options) { o.Store = store })
	b := e.browser()
	const password = "Pw-9f3c-unique"
	b.login("320100", "3", map[string]string{"id_card": "110105199003071060", "real_name": "张三", "mobile": "13800138000"})
	require.Equal(t, "sms", b.waitStep())
	b.post("code", url.Values{"csrf": {csrf(t, b.get("code"))}, "code": {tcredittest.SMSCode}})
	require.Equal(t, "done", b.waitStep())

	b2 := e.browser()
	b2.login("110100", "1", map[string]string{"account": "demo-success", "password": password})
	require.Equal(t, "done", b2.waitStep())
	out := e.waitOutcomes(2)

	store.mu.Lock()
	defer store.mu.Unlock()
	require.NotEmpty(t, store.stored)
	for _, s := range store.stored {
		js, err := json.Marshal(s) // every exported field: what a shared store keeps
		require.NoError(t, err)
		for _, secret := range []string{password, tcredittest.SMSCode, "110105199003071060", "13800138000", "张三"} {
			assert.NotContains(t, string(js), secret)
		}
	}
	for _, o := range out {
		js, err := json.Marshal(o.session)
		require.NoError(t, err)
		assert.NotContains(t, string(js), password)
		for _, shown := range []string{fmt.Sprint(o.session), fmt.Sprintf("%#v", o.session), fmt.Sprintf("%+v", o.session)} {
			assert.Contains(t, shown, o.session.TID)
			assert.NotContains(t, shown, o.session.ID, "the session id is a secret")
			assert.NotContains(t, shown, o.session.CSRF)
		}
		var logged syncBuffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "session", o.session)
		assert.Contains(t, logged.String(), o.session.TID)
		assert.NotContains(t, logged.String(), o.session.ID)
	}

	logs := e.logs.String()
	assert.Contains(t, logs, "h5: task created")
	assert.Contains(t, logs, out[0].session.TID)
	for _, secret := range []string{password, tcredittest.SMSCode, "110105199003071060", "13800138000", "张三", "demo-success",
		out[0].session.ID, out[0].session.CSRF, out[1].session.ID} {
		assert.NotContains(t, logs, secret)
	}
}

func TestProgressPage(t *testing.T) {
	// Tasks that never move on, so that the progress page stays.
	e := newEnvStep(t, time.Hour)
	b := e.browser()
	p := b.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Equal(t, http.StatusOK, p.StatusCode)
	assert.Equal(t, e.url("progress"), p.Request.URL.String())
	assert.Contains(t, p.body, "正在查询")
	assert.Regexp(t, `<noscript><meta http-equiv="refresh" content="1"></noscript>`, p.body)
	assert.Contains(t, p.body, `<script src="static/h5.js" defer></script>`)
	assert.Regexp(t, `id="status"[^>]*data-poll="100"`, p.body)

	st := b.get("status.json")
	require.Equal(t, http.StatusOK, st.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", st.Header.Get("Content-Type"))
	var status struct{ Step, Status, Next string }
	require.NoError(t, json.Unmarshal([]byte(st.body), &status))
	assert.Equal(t, "running", status.Step)
	assert.Equal(t, "progress", status.Next)
	assert.NotEmpty(t, status.Status)

	// The form of a session whose query runs leads to its progress.
	again := b.get("login?city=110100&type=1")
	assert.Equal(t, e.url("progress"), again.Request.URL.String())
	assert.Equal(t, e.url("progress"), b.get("result").Request.URL.String())
	assert.Equal(t, e.url("progress"), b.get("code").Request.URL.String())

	// A closed handler hands its query over and reports nothing; nor does it start
	// another.
	e.handler.Close()
	assert.Contains(t, b.get("status.json").body, `"step":"running"`)
	assert.Empty(t, e.outcomes())
	p = e.browser().login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	assert.Equal(t, http.StatusServiceUnavailable, p.StatusCode)
	assert.Len(t, e.sandbox.Tasks(), 1)
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	form := b.get("login?city=110100&type=1")
	p := b.post("login", url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
		"f_account": {strings.Repeat("a", 20<<10)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, p.StatusCode)
	assert.Empty(t, e.sandbox.Tasks())
}

func TestOnResultPanic(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) {
		o.OnResult = func(context.Context, h5.Session, *tcredit.FundResult, error) { panic("boom") }
	})
	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Equal(t, "done", b.waitStep())
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), "OnResult panicked") }, 10*time.Second, time.Millisecond)
}

func TestStoreFailure(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) { o.Store = failingStore{} })
	p := e.browser().get("login?city=110100")
	assert.Equal(t, http.StatusInternalServerError, p.StatusCode)
	assert.Contains(t, p.body, "服务暂不可用")
	assert.Contains(t, e.logs.String(), `error="store down"`, "the store's error is logged under the key every package uses")
}

// failingStore is a SessionStore whose backend is down.
type failingStore struct{}

var errDown = errors.New("store down")

func (failingStore) Get(context.Context, string) (h5.Session, error) { return h5.Session{}, errDown }
func (failingStore) Create(context.Context, h5.Session) error        { return errDown }
func (failingStore) Delete(context.Context, string) error            { return errDown }
func (failingStore) SigningKeys(context.Context) ([][]byte, error)   { return nil, errDown }
func (failingStore) RotateSigningKey(context.Context, time.Duration) error {
	return errDown
}
func (failingStore) Update(context.Context, string, func(*h5.Session) error) (h5.Session, error) {
	return h5.Session{}, errDown
}

// twoReplicasAtSMS starts two replicas that share a store and a sandbox, and a
// phone whose query, started on the first, waits for its SMS code.
func twoReplicasAtSMS(t *testing.T) (a, b *env, phone *browser) {
	t.Helper()
	store := h5.NewMemoryStore(0)
	shared := func(o *h5.Options) { o.Store = store }
	a = newEnv(t, shared)
	b = newEnvOn(t, a.sandbox, shared)
	phone = a.browser()
	phone.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
	require.Equal(t, "sms", phone.waitStep())
	return a, b, phone
}

func TestSharedStoreOtherReplica(t *testing.T) {
	a, b, phone := twoReplicasAtSMS(t)

	// The same cookie on a replica that did not start the query: the same page, and
	// the code reaches the task from there.
	elsewhere := &browser{t: t, e: b, client: phone.client}
	st := elsewhere.get("status.json")
	assert.Contains(t, st.body, `"step":"sms"`)
	code := elsewhere.get("code")
	require.Equal(t, http.StatusOK, code.StatusCode)
	p := elsewhere.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, p.StatusCode, p.body)
	require.Equal(t, "done", phone.waitStep())
	out := a.waitOutcomes(1)
	require.Len(t, out, 1)
	require.NoError(t, out[0].err)
	assert.Equal(t, 1, submissions(a.sandbox, out[0].session.TID), "the code reached the task once")
	assert.Empty(t, b.outcomes(), "OnResult once, on the replica that saw the end")
}

func TestTakeOverAfterClose(t *testing.T) {
	a, b, phone := twoReplicasAtSMS(t)

	// The replica that runs the query stops (a deploy): it hands the query over, and
	// reports nothing.
	a.handler.Close()
	assert.Empty(t, a.outcomes())
	elsewhere := &browser{t: t, e: b, client: phone.client}
	assert.Contains(t, elsewhere.get("status.json").body, `"step":"sms"`)
	p := elsewhere.post("code", url.Values{"csrf": {csrf(t, elsewhere.get("code"))}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, p.StatusCode, p.body)
	require.Equal(t, "done", elsewhere.waitStep())
	out := b.waitOutcomes(1)
	require.Len(t, out, 1)
	require.NoError(t, out[0].err)
	assert.Empty(t, a.outcomes())
	assert.Len(t, a.sandbox.Tasks(), 1, "one task")
	assert.Equal(t, 1, submissions(a.sandbox, out[0].session.TID))
}

func TestCodePostedTwiceOnTwoReplicas(t *testing.T) {
	a, b, phone := twoReplicasAtSMS(t)
	token := csrf(t, phone.get("code"))

	var wg sync.WaitGroup
	for _, e := range []*env{a, b, a, b} {
		wg.Add(1)
		go func(e *env) {
			defer wg.Done()
			on := &browser{t: t, e: e, client: phone.client}
			on.post("code", url.Values{"csrf": {token}, "code": {tcredittest.SMSCode}})
		}(e)
	}
	wg.Wait()
	require.Equal(t, "done", phone.waitStep())
	out := append(a.waitOutcomes(1), b.outcomes()...)
	require.Len(t, out, 1, "OnResult once")
	assert.Equal(t, 1, submissions(a.sandbox, out[0].session.TID), "one code submitted")
}

// A form filled slowly, close to the session's end, still gets a whole TTL for its
// query: it is not billed and then cut off.
func TestSlowFormGetsAWholeTTL(t *testing.T) {
	// The task takes five steps of 40ms: longer than what is left of the session when
	// the form is sent, shorter than a whole TTL.
	e := newEnvStep(t, 40*time.Millisecond, func(o *h5.Options) { o.SessionTTL = 400 * time.Millisecond })
	b := e.browser()
	form := b.get("login?city=110100&type=1")
	require.Equal(t, http.StatusOK, form.StatusCode)
	time.Sleep(300 * time.Millisecond) // the person types
	v := url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {"pw"}}
	p := b.post("login", v)
	require.Equal(t, http.StatusOK, p.StatusCode)
	require.Equal(t, "done", b.waitStep())
	out := e.waitOutcomes(1)
	require.Len(t, out, 1)
	assert.NoError(t, out[0].err)
}

// A replica killed in the middle of a query leaves its lease to run out: the next
// request of the session, on any replica, takes the query over.
func TestTakeOverAfterLeaseRunsOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	client, err := tcredit.NewClient(e.sandbox.AppID(), e.sandbox.TokenID(), tcredit.WithBaseURL(e.sandbox.URL))
	require.NoError(t, err)
	tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-sms-challenge", Password: "pw"})
	require.NoError(t, err)

	for _, tc := range []struct {
		name, id, tid string
		step          string
	}{
		{"with a task", "dead-replica-task-session-id", tid, "done"},
		{"cut off while creating it", "dead-replica-create-session-id", "", "failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			require.NoError(t, e.store.Create(ctx, h5.Session{
				ID: h5.StoreID(tc.id), CSRF: h5.CSRFDigest(h5.CSRFToken(tc.id)), Created: now, Expires: now.Add(time.Hour), AreaCode: "110100", LoginType: 1,
				TID: tc.tid, Step: h5.StepRunning, Lease: "a replica that died", LeaseUntil: now.Add(-time.Millisecond),
			}))
			phone := e.browser()
			u, _ := url.Parse(e.url(""))
			phone.client.Jar.SetCookies(u, []*http.Cookie{{Name: "h5session", Value: tc.id, Path: "/fund/"}})
			step := phone.waitStep()
			if step == "sms" {
				p := phone.post("code", url.Values{"csrf": {h5.CSRFToken(tc.id)}, "code": {tcredittest.SMSCode}})
				require.Equal(t, http.StatusOK, p.StatusCode, p.body)
				step = phone.waitStep()
			}
			assert.Equal(t, tc.step, step)
		})
	}
	out := e.waitOutcomes(2)
	require.Len(t, out, 2)
	byTID := map[string]outcome{}
	for _, o := range out {
		byTID[o.session.TID] = o
	}
	assert.NoError(t, byTID[tid].err)
	assert.ErrorIs(t, byTID[""].err, tcredit.ErrOutcomeUnknown, "whether the cut-off creation billed a task is unknown")
	assert.Len(t, e.sandbox.Tasks(), 1, "no task created again")
	assert.Contains(t, e.logs.String(), "h5: query taken over")
}

// countEndpoint returns how many calls of endpoint the sandbox has taken.
func countEndpoint(sandbox *tcredittest.Server, endpoint string) int {
	n := 0
	for _, r := range sandbox.Requests() {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}
