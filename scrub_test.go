package tcredit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// echoLogin is a login whose every secret value is distinct and easy to find.
var echoLogin = CreateTaskRequest{
	AreaCode:    "330100",
	LoginType:   1,
	IDCard:      "110101199003071234",
	Account:     "zhangsan-acct",
	Password:    "Pa55 wörd&<x>",
	RealName:    "张三丰",
	Mobile:      "13800138000",
	CorpAccount: "CORP-998877",
	Extra:       map[string]string{"login_pin": "S3cond/Secret"},
}

// echoCode is an SMS code: six digits, too short for the digit-run mask to catch.
const echoCode = "739201"

// echoServer answers every request with a text that repeats, in several spellings, all
// that the request carried. It keeps every value it received, to look for afterwards.
type echoServer struct {
	mode    string
	through map[string]bool // endpoints answered with success, before the one under test
	mu      sync.Mutex
	sent    map[string]bool // every parameter value received, tokenKey included
	// login is what the create carried, for a server that repeats it in later answers.
	login string
}

// echo writes the values of form as a server might repeat them: the raw body, each value
// as it is, HTML-escaped and JSON-escaped.
func echo(raw string, form url.Values) string {
	var b strings.Builder
	b.WriteString(raw)
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := form.Get(k)
		q, _ := json.Marshal(v)
		fmt.Fprintf(&b, " %s=%s|%s|%s|%s", k, v, html.EscapeString(v), strings.Trim(string(q), `"`), strings.Trim(strconv.QuoteToASCII(v), `"`))
	}
	return b.String()
}

func (e *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(raw))
	text := echo(string(raw), form)
	endpoint := strings.TrimPrefix(r.URL.Path, "/identity/")
	e.mu.Lock()
	for _, vs := range form {
		for _, v := range vs {
			e.sent[v] = true
		}
	}
	if endpoint == epCreateTask.name {
		e.login = text
	}
	if e.login != "" {
		text += " " + e.login // a task that repeats the login in every later answer
	}
	e.mu.Unlock()
	js := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	w.Header().Set("Content-Type", "application/json")
	if e.through[endpoint] {
		_, _ = io.WriteString(w, throughAnswers[endpoint])
		return
	}
	switch e.mode {
	case "HTML page":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body><pre>"+text+"</pre></body></html>")
	case "plain text":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, text)
	case "status message":
		_, _ = io.WriteString(w, `{"status":2,"message":`+js("参数错误 "+text)+`,"seqNum":`+js(text)+`}`)
	case "unreadable value":
		_, _ = io.WriteString(w, `{"status":`+js(text)+`}`)
	case "task message":
		switch endpoint {
		case epCreateTask.name:
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"success":false,"status":-2,"message":`+js(text)+`}}`)
			return
		case epUserCode.name:
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"status":-2,"message":`+js(text)+`}}`)
			return
		case epGetFund.name:
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"tid":"T-0001","code":50004,"msg":`+js(text)+`}}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":2,"message":`+js(text)+`,"seqNum":"1"}`)
	}
}

// secretsOf lists what must never be shown: every value the requests carried that is
// secret, and the spellings of them a server might use.
func secretsOf(sent map[string]bool) []string {
	public := map[string]bool{echoLogin.AreaCode: true, "1": true, testAppID: true, "T-0001": true}
	var out []string
	for v := range sent {
		if public[v] {
			continue
		}
		q, _ := json.Marshal(v)
		out = append(out, v, url.QueryEscape(v), html.EscapeString(v), strings.Trim(string(q), `"`), strings.Trim(strconv.QuoteToASCII(v), `"`))
	}
	return append(out, testTokenID)
}

// throughAnswers are the successful answers of the endpoints a Query passes through.
var throughAnswers = map[string]string{
	epCities.name:     `{"status":0,"seqNum":"1","data":[{"area_code":"330100","area_name":"杭州","area_status":"0"}]}`,
	epCreateTask.name: `{"status":0,"seqNum":"1","data":{"success":true,"tid":"T-0001"}}`,
}

// echoCalls are the entry points, each sending secrets of its own.
var echoCalls = map[string]func(ctx context.Context, c *Client) error{
	"Cities":       func(ctx context.Context, c *Client) error { _, err := c.Cities(ctx); return err },
	"LoginMethods": func(ctx context.Context, c *Client) error { _, err := c.LoginMethods(ctx, "330100"); return err },
	"CreateTask":   func(ctx context.Context, c *Client) error { _, err := c.CreateTask(ctx, echoLogin); return err },
	"GetFund":      func(ctx context.Context, c *Client) error { _, err := c.GetFund(ctx, "T-0001"); return err },
	"SubmitCode":   func(ctx context.Context, c *Client) error { return c.SubmitCode(ctx, "T-0001", echoCode) },
	"Query": func(ctx context.Context, c *Client) error {
		m := LoginMethod{LoginType: 1, AreaCode: "330100"}
		_, err := c.Query(ctx, CreateTaskRequest{AreaCode: "330100", LoginType: 1, Password: echoLogin.Password, IDCard: echoLogin.IDCard},
			WithLoginMethod(m), WithPollInterval(time.Millisecond, time.Millisecond))
		return err
	},
}

func TestEchoedSecretsAreScrubbed(t *testing.T) {
	for _, mode := range []string{"HTML page", "plain text", "status message", "unreadable value", "task message"} {
		for name, call := range echoCalls {
			t.Run(mode+"/"+name, func(t *testing.T) {
				t.Parallel()
				es := &echoServer{mode: mode, sent: map[string]bool{}}
				if name == "Query" { // the login's secrets, echoed by the task's polls
					es.through = map[string]bool{epCities.name: true, epCreateTask.name: true}
				}
				srv := httptest.NewServer(es)
				defer srv.Close()
				var logs bytes.Buffer
				logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithLogger(logger), WithRetry(testRetry))
				require.NoError(t, err)

				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				defer cancel()
				err = call(ctx, c) // a Query whose polls keep failing ends with ctx

				require.Error(t, err)
				es.mu.Lock()
				secrets := secretsOf(es.sent)
				es.mu.Unlock()
				require.NotEmpty(t, secrets)
				shown := map[string]string{
					"%v":   fmt.Sprintf("%v", err),
					"%+v":  fmt.Sprintf("%+v", err),
					"%#v":  fmt.Sprintf("%#v", err),
					"logs": logText(t, logs.Bytes()),
				}
				for where, text := range shown {
					for _, s := range secrets {
						assert.NotContains(t, text, s, "a secret in %s", where)
					}
				}
			})
		}
	}
}

// logText is every string in JSON log lines, unescaped, one per line.
func logText(t *testing.T, lines []byte) string {
	t.Helper()
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v)
			b.WriteByte('\n')
		case map[string]any:
			for k, x := range v {
				b.WriteString(k + "\n")
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, line := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var v any
		require.NoError(t, json.Unmarshal(line, &v), "%s", line)
		walk(v)
		b.Write(line) // the raw line too, escapes and all
		b.WriteByte('\n')
	}
	return b.String()
}

func TestScrubberSpellings(t *testing.T) {
	s := newScrubber("Pa55 wörd&<x>", "张三丰", "ab", " 739201 ")
	for _, tt := range []struct{ in, want string }{
		{"raw Pa55 wörd&<x> end", "raw [redacted] end"},
		{"case pa55 WÖRD&<X>", "case pa55 WÖRD&<X>"}, // only ASCII case is folded: ö ≠ Ö
		{"form Pa55+w%C3%B6rd%26%3Cx%3E", "form [redacted]"},
		{"lower form pa55+w%c3%b6rd%26%3cx%3e", "lower form [redacted]"},
		{"path Pa55%20w%C3%B6rd%26%3Cx%3E", "path [redacted]"},
		{"html Pa55 wörd&amp;&lt;x&gt;", "html [redacted]"},
		{`json Pa55 wörd\u0026\u003cx\u003e`, "json [redacted]"},
		{`ascii \u5f20\u4e09\u4e30 and \u5F20\u4E09\u4E30`, "ascii [redacted] and [redacted]"},
		{"name 张三丰 twice 张三丰", "name [redacted] twice [redacted]"},
		{"code 739201, trimmed as it was sent", "code [redacted], trimmed as it was sent"},
		{"too short to scrub: ab", "too short to scrub: ab"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, s.text(tt.in))
		})
	}
	var none *scrubber
	assert.Equal(t, "as it is", none.text("as it is"))
}

func TestSnippetScrubsAcrossTheCut(t *testing.T) {
	secret := "0123456789-very-long-secret-value-abcdefghij"
	s := newScrubber(secret)
	body := []byte(strings.Repeat("x", snippetLen-10) + secret)
	got := s.snippet(body)
	assert.Contains(t, got, "[redacted]")
	assert.NotContains(t, got, secret[:4], "the start of a secret that the cut would have halved")
	assert.Equal(t, wire.Snippet(body[:snippetLen], snippetLen), snippet(body[:snippetLen]), "without secrets, the same quotation")
}

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

// TestServerBytesInTransportErrors covers what net/http itself quotes of a server's
// bytes: the Location of a redirect (its host kept in RedirectHost, or the whole of it
// when it does not parse) and a malformed header line. None of it may carry a secret of
// the request into an error.
func TestServerBytesInTransportErrors(t *testing.T) {
	const password, idCard = "hunter2-secret", "110101199003071234"
	for _, tt := range []struct {
		name   string
		answer func(w http.ResponseWriter, form string)
	}{
		{"the password in a redirect's host (an IPv6 zone takes any bytes)", func(w http.ResponseWriter, form string) {
			w.Header().Set("Location", "http://[fe80::1%25"+password+"%251b]/x")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}},
		{"the form in a Location that does not parse", func(w http.ResponseWriter, form string) {
			if len(form) > 120 { // a WAF cuts its echo, perhaps inside a %XX escape
				form = form[:120]
			}
			w.Header().Set("Location", "/blocked/"+form+"%")
			w.WriteHeader(http.StatusFound)
		}},
		{"the form in a malformed header line", func(w http.ResponseWriter, form string) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-WAF-Echo "+form+"\r\nContent-Length: 0\r\n\r\n")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				tt.answer(w, string(raw))
			}))
			defer srv.Close()
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), noRetry)
			require.NoError(t, err)
			req := plainLogin
			req.Password, req.IDCard = password, idCard

			_, err = c.CreateTask(context.Background(), req)

			require.ErrorIs(t, err, ErrOutcomeUnknown)
			for _, verb := range []string{"%v", "%+v", "%#v"} {
				out := fmt.Sprintf(verb, err)
				assert.NotContains(t, out, password, verb)
				assert.NotContains(t, out, idCard, verb)
				assert.NotContains(t, out, "\x1b", verb)
			}
		})
	}
}
