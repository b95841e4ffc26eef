package tcredittest

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testStep is the step of the sandboxes the tests drive by a fake clock.
const testStep = 10 * time.Millisecond

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sandbox is a Handler on a test server, on a fake clock, and a client for it.
type sandbox struct {
	h     *Handler
	clock *fakeClock
	ts    *httptest.Server
	c     *rawClient
}

// newSandbox starts a sandbox with a step of testStep on a fake clock.
func newSandbox(t *testing.T, opts ...Option) *sandbox {
	t.Helper()
	clock := &fakeClock{t: time.Date(2017, 7, 28, 10, 0, 0, 0, chinaTime)}
	h := NewHandler(append([]Option{WithStep(testStep), WithClock(clock.Now)}, opts...)...)
	ts := httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); ts.Close() })
	return &sandbox{h: h, clock: clock, ts: ts, c: newRawClient(t, ts, ts.URL, h.AppID(), h.TokenID())}
}

// rawClient calls the sandbox with plain net/http and its own signature code, not the
// SDK's, so that the sandbox's signature check is proven against a second
// implementation.
type rawClient struct {
	t              *testing.T
	hc             *http.Client
	base           string // the URL endpoints are under, and signed with
	appID, tokenID string
}

func newRawClient(t *testing.T, ts *httptest.Server, base, appID, tokenID string) *rawClient {
	return &rawClient{t: t, hc: ts.Client(), base: base, appID: appID, tokenID: tokenID}
}

// response is an answer of the sandbox.
type response struct {
	HTTPStatus int
	Body       []byte
	Err        error // a transport error

	Status  int             `json:"status"`
	Message string          `json:"message"`
	SeqNum  string          `json:"seqNum"`
	Data    json.RawMessage `json:"data"`
}

// sign is the test's own tokenKey: md5(url + tokenId + "k=v,k=v") over the non-blank
// parameters sorted by key.
func sign(endpointURL, tokenID string, params map[string]string) string {
	var pairs []string
	for k, v := range params {
		if strings.TrimSpace(v) != "" && k != "appId" && k != "tokenKey" {
			pairs = append(pairs, k+"="+v)
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		ki, _, _ := strings.Cut(pairs[i], "=")
		kj, _, _ := strings.Cut(pairs[j], "=")
		return ki < kj
	})
	return fmt.Sprintf("%x", md5.Sum([]byte(endpointURL+tokenID+strings.Join(pairs, ","))))
}

// call signs and posts a call to an endpoint.
func (c *rawClient) call(endpoint string, params map[string]string) response {
	u := c.base + "/identity/" + endpoint
	form := url.Values{"appId": {c.appID}, "tokenKey": {sign(u, c.tokenID, params)}}
	for k, v := range params {
		if strings.TrimSpace(v) != "" {
			form.Set(k, v)
		}
	}
	return c.post(u, form)
}

// post sends a form as it is.
func (c *rawClient) post(u string, form url.Values) response {
	c.t.Helper()
	return c.do(http.MethodPost, u, form.Encode())
}

// do sends a request and decodes the envelope, if any.
func (c *rawClient) do(method, u, body string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	r := response{HTTPStatus: resp.StatusCode, Body: b, Err: err}
	if resp.StatusCode == http.StatusOK && err == nil {
		_ = json.Unmarshal(b, &r)
	}
	return r
}

// ok calls an endpoint and requires status 0.
func (c *rawClient) ok(endpoint string, params map[string]string) response {
	c.t.Helper()
	r := c.call(endpoint, params)
	require.NoError(c.t, r.Err)
	require.Equal(c.t, 0, r.Status, "%s: %s", endpoint, r.Body)
	return r
}

// create creates a task and returns its tid.
func (c *rawClient) create(params map[string]string) string {
	c.t.Helper()
	var d struct {
		TID     string `json:"tid"`
		Success any    `json:"success"`
	}
	r := c.ok(epCreateTask, params)
	require.NoError(c.t, json.Unmarshal(r.Data, &d), "%s", r.Body)
	require.Contains(c.t, []any{true, "true"}, d.Success, "%s", r.Body)
	require.Regexp(c.t, "^[0-9a-f]{32}$", d.TID)
	return d.TID
}

// fund reads a task and returns its data.
func (c *rawClient) fund(tid string) map[string]any {
	c.t.Helper()
	r := c.ok(epGetFund, map[string]string{"tid": tid})
	var d map[string]any
	require.NoError(c.t, json.Unmarshal(r.Data, &d), "%s", r.Body)
	return d
}

// submit sends a code for a task and returns data.status.
func (c *rawClient) submit(tid, code string) int {
	c.t.Helper()
	r := c.ok(epUserCode, map[string]string{"tid": tid, "code": code})
	var d map[string]any
	require.NoError(c.t, json.Unmarshal(r.Data, &d), "%s", r.Body)
	return number(c.t, d["status"])
}

// codeOf reads data.code.
func codeOf(t *testing.T, d map[string]any) int {
	t.Helper()
	return number(t, d["code"])
}

// number reads an integer sent as a JSON number or a numeric string.
func number(t *testing.T, v any) int {
	t.Helper()
	switch v := v.(type) {
	case float64:
		return int(v)
	case string:
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		return n
	}
	t.Fatalf("%T %v is not a number", v, v)
	return 0
}

// login returns the form of a login by account in Beijing (login_type 1).
func login(account string) map[string]string {
	return map[string]string{"area_code": "110100", "login_type": "1", "account": account, "password": "any-password"}
}
