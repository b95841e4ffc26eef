package h5_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
)

// Over plain HTTP, without SecureCookies or InsecureDevHTTP, the handler sets no
// cookie and serves no page but its static files: a cookie planted over plain HTTP
// would send a victim's SMS code into the planter's session. The log says why, and
// which option to set.
func TestPlainHTTPRefusedByDefault(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   func(*h5.Options)
		tls    bool
		status int
	}{
		{"plain HTTP", func(o *h5.Options) { o.InsecureDevHTTP = false }, false, http.StatusInternalServerError},
		{"plain HTTP, for development", func(o *h5.Options) {}, false, http.StatusOK},
		{"behind a TLS proxy", func(o *h5.Options) { o.InsecureDevHTTP, o.SecureCookies = false, true }, false, http.StatusOK},
		{"over TLS", func(o *h5.Options) { o.InsecureDevHTTP = false }, true, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			srv := e.server
			if tc.tls {
				srv = httptest.NewTLSServer(e.server.Config.Handler)
				t.Cleanup(srv.Close)
			}
			get := func(path string) *http.Response {
				resp, err := srv.Client().Get(srv.URL + "/fund/" + path)
				require.NoError(t, err)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp
			}
			for _, path := range []string{"", "login?city=110100&type=1", "status.json"} {
				resp := get(path)
				want := tc.status
				if path == "status.json" && want == http.StatusOK {
					want = http.StatusForbidden // no session yet
				}
				assert.Equal(t, want, resp.StatusCode, path)
				if tc.status != http.StatusOK {
					assert.Empty(t, resp.Cookies(), "no cookie set over plain HTTP")
				}
			}
			assert.Equal(t, http.StatusOK, get("static/h5.css").StatusCode, "the static files are served")
			if tc.status != http.StatusOK {
				assert.Contains(t, e.logs.String(), "Options.InsecureDevHTTP")
				assert.Zero(t, e.store.Len())
			}
		})
	}
}

// A cookie planted over plain HTTP takes no one to the planter's code page: the
// handler answers nothing with a session over plain HTTP by default.
func TestPlantedCookieOverPlainHTTP(t *testing.T) {
	e := newEnv(t) // the attacker's session runs on a development handler
	attacker := e.browser()
	attacker.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
	require.Equal(t, "sms", attacker.waitStep())
	planted := sessionCookieOf(t, attacker)

	// The same store behind a production handler reached over plain HTTP.
	client, err := tcredit.NewClient(e.sandbox.AppID(), e.sandbox.TokenID(), tcredit.WithBaseURL(e.sandbox.URL))
	require.NoError(t, err)
	prod := h5.NewHandler(client, h5.Options{Store: e.store, NoConsent: true})
	t.Cleanup(prod.Close)
	srv := httptest.NewServer(http.StripPrefix("/fund", prod))
	t.Cleanup(srv.Close)
	victim := e.browser()
	u, _ := url.Parse(srv.URL + "/fund/")
	victim.client.Jar.SetCookies(u, []*http.Cookie{{Name: "h5session", Value: planted, Path: "/fund/"}})
	resp, err := victim.client.Get(srv.URL + "/fund/code")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.NotContains(t, string(body), `name="code"`, "the victim is not shown the attacker's code page")
}
