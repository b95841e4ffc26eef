package h5_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
)

// sampleConsent is the agreement of the consent tests.
var sampleConsent = h5.Consent{Title: "《个人公积金信息查询授权协议》", URL: "https://lender.example/agreement", Version: "2024-03"}

func withConsent(c h5.Consent) func(*h5.Options) {
	return func(o *h5.Options) { o.Consent, o.NoConsent = &c, false }
}

// loginForm returns the values of the login form of 110100 by account for
// demo-success, and the form's page.
func loginForm(t *testing.T, b *browser) (url.Values, page) {
	t.Helper()
	form := b.get("login?city=110100&type=1")
	require.Equal(t, http.StatusOK, form.StatusCode, form.body)
	return url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {"any"}}, form
}

func TestConsentShownUnticked(t *testing.T) {
	e := newEnv(t, withConsent(sampleConsent))
	_, form := loginForm(t, e.browser())
	checkbox := regexp.MustCompile(`<input type="checkbox" name="consent"[^>]*>`).FindString(form.body)
	require.NotEmpty(t, checkbox, "the form has the consent checkbox:\n%s", form.body)
	assert.Contains(t, checkbox, `value="2024-03"`)
	assert.NotContains(t, checkbox, "checked", "never ticked for the person")
	assert.Contains(t, form.body, `我已阅读并同意<a href="https://lender.example/agreement" target="_blank" rel="noopener">《个人公积金信息查询授权协议》</a>`)
}

func TestConsentTextInPlace(t *testing.T) {
	e := newEnv(t, withConsent(h5.Consent{Title: "《授权协议》", Text: "本人同意<查询>公积金信息。", Version: "1"}))
	_, form := loginForm(t, e.browser())
	assert.Contains(t, form.body, "<details><summary>查看《授权协议》</summary><div class=\"agreement\">本人同意&lt;查询&gt;公积金信息。</div></details>")
}

func TestLoginWithoutConsentIsRefused(t *testing.T) {
	for name, tick := range map[string][]string{"no tick": nil, "another version": {"2023-01"}, "empty": {""}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, withConsent(sampleConsent))
			b := e.browser()
			v, _ := loginForm(t, b)
			if tick != nil {
				v["consent"] = tick
			}
			p := b.post("login", v)
			assert.Equal(t, http.StatusUnprocessableEntity, p.StatusCode)
			assert.Contains(t, p.body, `<p class="error" id="consent-error">请阅读并勾选同意《个人公积金信息查询授权协议》后再登录。</p>`)
			assert.NotContains(t, p.body, "登录信息有误", "the other fields are fine")
			assert.Contains(t, p.body, `value="demo-success"`, "the form again, as posted")
			assert.Empty(t, e.sandbox.Tasks(), "no task created")
			assert.Zero(t, e.sandbox.Billed(e.sandbox.AppID()))
		})
	}
}

func TestConsentAndFieldProblemsTogether(t *testing.T) {
	e := newEnv(t, withConsent(sampleConsent))
	b := e.browser()
	v, _ := loginForm(t, b)
	v.Del("f_password")
	p := b.post("login", v)
	assert.Equal(t, http.StatusUnprocessableEntity, p.StatusCode)
	assert.Contains(t, p.body, "请填写密码")
	assert.Contains(t, p.body, `id="consent-error"`)
	assert.Empty(t, e.sandbox.Tasks())
}

func TestConsentKeptAsEvidence(t *testing.T) {
	e := newEnv(t, withConsent(sampleConsent))
	b := e.browser()
	v, _ := loginForm(t, b)
	v.Set("consent", "2024-03")
	before := time.Now()
	b.post("login", v)
	require.Equal(t, "done", b.waitStep())
	out := e.waitOutcomes(1)
	require.NoError(t, out[0].err)
	assert.Equal(t, "2024-03", out[0].session.ConsentVersion)
	assert.False(t, out[0].session.ConsentAt.Before(before.Truncate(time.Second)), "consented at %s", out[0].session.ConsentAt)
	assert.False(t, out[0].session.ConsentAt.After(time.Now()))
	assert.Len(t, e.sandbox.Tasks(), 1)
}

// TestConsentIsAChoice checks that NewHandler refuses Options that do not say whether
// the login form asks for consent, or say both.
func TestConsentIsAChoice(t *testing.T) {
	client, err := tcredit.NewClient("app", "token")
	require.NoError(t, err)
	assert.PanicsWithValue(t, "h5: Options.Consent is nil: set it to the agreement the person accepts, or set Options.NoConsent when the service asks for consent before these pages",
		func() { h5.NewHandler(client, h5.Options{}) })
	assert.PanicsWithValue(t, "h5: Options sets both Consent and NoConsent",
		func() { h5.NewHandler(client, h5.Options{Consent: &sampleConsent, NoConsent: true}) })
}

func TestNoConsentAskedWithNoConsent(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	v, form := loginForm(t, b)
	assert.NotContains(t, form.body, `name="consent"`)
	b.post("login", v)
	require.Equal(t, "done", b.waitStep())
	out := e.waitOutcomes(1)
	assert.Empty(t, out[0].session.ConsentVersion)
	assert.True(t, out[0].session.ConsentAt.IsZero())
}

func TestInputKeyboards(t *testing.T) {
	e := newEnv(t)
	form := e.browser().get("login?city=120100&type=3") // 天津: ID card, name and mobile
	require.Equal(t, http.StatusOK, form.StatusCode, form.body)
	input := func(name string) string {
		return regexp.MustCompile(`<input id="` + name + `"[^>]*>`).FindString(form.body)
	}
	assert.Contains(t, input("f_mobile"), `inputmode="tel" autocomplete="tel-national"`)
	assert.Contains(t, input("f_real_name"), `autocomplete="name"`)
	id := input("f_id_card")
	assert.Contains(t, id, `inputmode="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="18"`,
		"an ID card may end in X, which a numeric keyboard lacks")
	assert.False(t, strings.Contains(input("f_mobile"), "autocapitalize"))
}
