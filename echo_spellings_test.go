package tcredit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answeringServer answers every request with body (status code httpStatus, JSON or HTML).
func answeringServer(t *testing.T, httpStatus int, body func(form url.Values) string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		w.WriteHeader(httpStatus)
		_, _ = io.WriteString(w, body(form))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), noRetry)
	require.NoError(t, err)
	return c
}

func createErrText(t *testing.T, c *Client, req CreateTaskRequest) string {
	_, err := c.CreateTask(context.Background(), req)
	require.Error(t, err)
	return fmt.Sprintf("%v %+v %#v", err, err, err)
}

var plainLogin = CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan-acct"}

// Spellings a gateway or a Java server may echo a secret in.
func TestScrubberMissingSpellings(t *testing.T) {
	for name, tt := range map[string]struct{ secret, echo string }{
		"url.PathEscape":              {"p@ss word:1", url.PathEscape("p@ss word:1")},
		"Gson \\u003d and \\u0027":    {"a=b'c-secret", `a\u003db\u0027c-secret`},
		"JSON \\u escape of a letter": {"password1", `\u0070assword1`},
		"HTML &quot;":                 {`my"secret`, `my&quot;secret`},
		"HTML &#x27;":                 {`it'ssecret`, `it&#x27;ssecret`},
		"HTML numeric &#64;":          {"p@ssw0rd", "p&#64;ssw0rd"},
		"double percent-encoding":     {"p@ssw0rd", "p%2540ssw0rd"},
		"2-character name (张三)":       {"张三", "张三"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newScrubber(tt.secret)
			assert.NotContains(t, s.message("参数错误: "+tt.echo), tt.echo)
		})
	}
}

// End to end: a WAF page echoing a path-escaped password, a status message with a
// two-character real name.
func TestEndToEndEchoes(t *testing.T) {
	t.Run("PathEscape in an HTML page", func(t *testing.T) {
		req := plainLogin
		req.Password = "p@ss word:1"
		c := answeringServer(t, 403, func(f url.Values) string {
			return "<html>blocked: " + url.PathEscape(f.Get("password")) + "</html>"
		})
		assert.NotContains(t, createErrText(t, c, req), "p@ss%20word:1")
	})
	t.Run("2-character real_name in a status message", func(t *testing.T) {
		req := plainLogin
		req.Password = "secret-pw"
		req.RealName = "张三"
		c := answeringServer(t, 200, func(f url.Values) string {
			return `{"status":2,"message":"姓名` + f.Get("real_name") + `与身份证不符","seqNum":"1"}`
		})
		assert.NotContains(t, createErrText(t, c, req), "张三")
	})
}

// A gateway that quotes the request body cut at its own limit keeps a prefix of the last
// secret it reached: what follows the parameter's name is scrubbed whatever it is.
func TestServerCutEchoLeavesSecretPrefix(t *testing.T) {
	req := plainLogin
	req.Password = "hunter2-correct-horse"
	c := answeringServer(t, 403, func(f url.Values) string {
		body := "account=" + url.QueryEscape(f.Get("account")) + "&password=" + url.QueryEscape(f.Get("password"))
		return "<html>request blocked: " + body[:len(body)-8] + "...</html>"
	})
	assert.NotContains(t, createErrText(t, c, req), "hunter2")
}

// A wire error quotes 40 bytes of the bad value, cut BEFORE the scrubber runs: the
// first part of a secret that straddles the cut is shown.
func TestWireErrorCutLeaksSecretPrefix(t *testing.T) {
	req := plainLogin
	req.Password = "hunter2-correct-horse"
	c := answeringServer(t, 200, func(f url.Values) string {
		return `{"status":"` + strings.Repeat("x", 30) + f.Get("password") + `"}`
	})
	assert.NotContains(t, createErrText(t, c, req), "hunter2")
}

// The digit mask runs before the scrubber in a wire error: a secret with a 7+ digit
// run no longer matches and is shown, digits half-starred.
func TestWireErrorMaskBeforeScrub(t *testing.T) {
	req := plainLogin
	req.Password = "pw1234567x"
	c := answeringServer(t, 200, func(f url.Values) string {
		return `{"status":"` + f.Get("password") + `"}`
	})
	out := createErrText(t, c, req)
	assert.NotContains(t, out, "pw123")
}

// strconv.Quote in a wire error escapes a quote or backslash in a secret a second time.
func TestWireErrorQuoteInSecret(t *testing.T) {
	req := plainLogin
	req.Password = `pa"ss\word`
	c := answeringServer(t, 200, func(f url.Values) string {
		return `{"status":"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.Get("password")) + `"}`
	})
	out := createErrText(t, c, req)
	assert.NotContains(t, out, `ss\\\\word`)
	assert.NotContains(t, out, `word`)
}
