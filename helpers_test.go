package tcredit

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The credentials and address every test client uses. The base URL is in a reserved
// top-level domain: nothing a test sends can reach a real server.
const (
	testAppID   = "APP-0001"
	testTokenID = "TOKEN-SECRET-7f3a"
	testBaseURL = "http://tcredit.test"
)

// testRetry keeps retries fast: four attempts, a millisecond or two apart.
var testRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// noRetry turns retries off.
var noRetry = WithRetry(RetryPolicy{MaxAttempts: 1})

// newMockClient returns a Client whose requests all go to a fresh httpmock transport of
// its own, so that tests using it can run in parallel; opts come after the test
// defaults (base URL, HTTP client, testRetry) and may override them.
func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := []Option{WithBaseURL(testBaseURL), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(testRetry)}
	c, err := NewClient(testAppID, testTokenID, append(all, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// endpointURL is the URL a test client sends the endpoint name to.
func endpointURL(name string) string { return testBaseURL + "/identity/" + name }

// fixture returns the contents of testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// referenceSign computes a tokenKey from the definition, independently of Sign: MD5 of
// the URL, the tokenId and the key=value pairs sorted by key and joined with ",", each
// value trimmed of white space and control characters and left out when nothing is
// left, appId and tokenKey left out, in lower-case hex.
func referenceSign(endpointURL, tokenID string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k != "appId" && k != "tokenKey" && referenceTrim(v) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + referenceTrim(params[k])
	}
	sum := md5.Sum([]byte(endpointURL + tokenID + strings.Join(pairs, ",")))
	return hex.EncodeToString(sum[:])
}

// referenceTrim drops from both ends of v every rune that is white space, a control or
// a format character, one at a time, keeping the other bytes as they are (invalid UTF-8 too).
func referenceTrim(v string) string {
	cut := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf) }
	for v != "" {
		r, n := utf8.DecodeRuneInString(v)
		if !cut(r) || (r == utf8.RuneError && n == 1) {
			break
		}
		v = v[n:]
	}
	for v != "" {
		r, n := utf8.DecodeLastRuneInString(v)
		if !cut(r) || (r == utf8.RuneError && n == 1) {
			break
		}
		v = v[:len(v)-n]
	}
	return v
}

// wantForm is the form a request to endpoint with params must carry: the non-blank
// params, appId, and the tokenKey computed by referenceSign.
func wantForm(endpoint string, params map[string]string) url.Values {
	form := url.Values{}
	for k, v := range params {
		if v = referenceTrim(v); v != "" {
			form.Set(k, v)
		}
	}
	form.Set("appId", testAppID)
	form.Set("tokenKey", referenceSign(endpointURL(endpoint), testTokenID, params))
	return form
}

// wireRequest is what one request carried, as a server sees it.
type wireRequest struct {
	Method      string
	URL         string
	ContentType string
	UserAgent   string
	Form        url.Values // the parsed body
	Body        string     // the raw body
}

// recorder answers requests with a sequence of responders and keeps what each request
// carried and whether each response body was closed.
type recorder struct {
	mu         sync.Mutex
	responders []httpmock.Responder
	reqs       []wireRequest
	bodies     []*trackedBody
}

// record registers on mt, for POST requests to endpoint, a recorder that answers the
// n-th request with the n-th responder, and the last responder once they run out.
func record(mt *httpmock.MockTransport, endpoint string, responders ...httpmock.Responder) *recorder {
	r := &recorder{responders: responders}
	mt.RegisterResponder(http.MethodPost, endpointURL(endpoint), r.respond)
	return r
}

// recordBody is record with one responder that always answers status and body.
func recordBody(mt *httpmock.MockTransport, endpoint string, status int, body []byte) *recorder {
	return record(mt, endpoint, httpmock.NewBytesResponder(status, body))
}

func (r *recorder) respond(req *http.Request) (*http.Response, error) {
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	n := len(r.reqs)
	r.reqs = append(r.reqs, wireRequest{
		Method:      req.Method,
		URL:         req.URL.String(),
		ContentType: req.Header.Get("Content-Type"),
		UserAgent:   req.Header.Get("User-Agent"),
		Form:        form,
		Body:        string(raw),
	})
	responder := r.responders[min(n, len(r.responders)-1)]
	r.mu.Unlock()

	resp, err := responder(req)
	if resp != nil && resp.Body != nil {
		tb := &trackedBody{ReadCloser: resp.Body}
		resp.Body = tb
		r.mu.Lock()
		r.bodies = append(r.bodies, tb)
		r.mu.Unlock()
	}
	return resp, err
}

// requests returns what every request carried so far.
func (r *recorder) requests() []wireRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]wireRequest(nil), r.reqs...)
}

// calls returns the number of requests so far.
func (r *recorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// assertClosed checks that every response body handed out was closed.
func (r *recorder) assertClosed(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, b := range r.bodies {
		assert.True(t, b.isClosed(), "response body %d was not closed", i)
	}
}

// trackedBody is a response body that remembers being closed.
type trackedBody struct {
	io.ReadCloser
	mu     sync.Mutex
	closed bool
}

func (b *trackedBody) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return b.ReadCloser.Close()
}

func (b *trackedBody) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// assertWire checks that the only request sent was a POST to endpoint with the
// documented headers and exactly the form wantForm(endpoint, params).
func assertWire(t *testing.T, r *recorder, endpoint string, params map[string]string) {
	t.Helper()
	reqs := r.requests()
	require.Len(t, reqs, 1)
	got := reqs[0]
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, endpointURL(endpoint), got.URL)
	assert.Equal(t, "application/x-www-form-urlencoded; charset=UTF-8", got.ContentType)
	assert.Equal(t, wantUserAgent, got.UserAgent)
	assert.Equal(t, wantForm(endpoint, params), got.Form)
	r.assertClosed(t)
}

// wantUserAgent is the User-Agent of a client made without WithUserAgent.
var wantUserAgent = fmt.Sprintf("tcredit-go/%s (%s; %s) go/%s", Version, runtime.GOOS, runtime.GOARCH, strings.TrimPrefix(runtime.Version(), "go"))

// envelopeJSON writes a response frame around data, which is raw JSON.
func envelopeJSON(status int, message, seqNum, data string) []byte {
	return []byte(fmt.Sprintf(`{"status":%d,"message":%q,"seqNum":%q,"data":%s}`, status, message, seqNum, data))
}
