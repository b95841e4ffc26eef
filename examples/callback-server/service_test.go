package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

const testSecret = "0123456789abcdef0123456789abcdef"

// newTestService runs the service on loopback against a sandbox that calls it back.
func newTestService(t *testing.T) (*httptest.Server, *tcredittest.Server) {
	t.Helper()
	ts, sb, _ := newTestServiceKeeping(t, keepFinished)
	return ts, sb
}

// newTestServiceKeeping is newTestService keeping finished queries for keep.
func newTestServiceKeeping(t *testing.T, keep time.Duration) (*httptest.Server, *tcredittest.Server, *service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ts := httptest.NewUnstartedServer(nil)
	callbackURL, err := tcredit.CallbackURL("http://"+ts.Listener.Addr().String()+"/fund/callback", testSecret)
	require.NoError(t, err)
	sb := tcredittest.NewServer(tcredittest.WithStep(3*time.Millisecond), tcredittest.WithCallbackURL(callbackURL))
	client, err := tcredit.NewClient(sb.AppID(), sb.TokenID(), tcredit.WithBaseURL(sb.URL))
	require.NoError(t, err)
	svc := newService(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.keep = keep
	ts.Config.Handler = svc.routes(testSecret)
	ts.Start()
	t.Cleanup(func() {
		cancel()
		svc.wait()
		ts.Close()
		sb.Close()
	})
	return ts, sb, svc
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func state(t *testing.T, url string) queryState {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var s queryState
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

func TestQueryDrivenByCallbacks(t *testing.T) {
	ts, sb := newTestService(t)
	code, body := post(t, ts.URL+"/queries", `{"area_code":"330100","login_type":1,"account":"demo-sms-challenge","password":"pw","sub_area":"1"}`)
	require.Equal(t, http.StatusAccepted, code, body)
	var created struct{ TID string }
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	require.NotEmpty(t, created.TID)
	queryURL := ts.URL + "/queries/" + created.TID

	require.Eventually(t, func() bool { return state(t, queryURL).WaitingFor == "sms" }, 10*time.Second, 5*time.Millisecond)
	code, body = post(t, queryURL+"/code", `{"code":"`+tcredittest.SMSCode+`"}`)
	require.Equal(t, http.StatusAccepted, code, body)

	require.Eventually(t, func() bool { return state(t, queryURL).Done }, 10*time.Second, 5*time.Millisecond)
	final := state(t, queryURL)
	assert.Empty(t, final.Error)
	assert.Equal(t, int(tcredit.CodeDone), final.Code)
	assert.NotEmpty(t, final.Balance)

	// The polling interval is 30s: only the callbacks can have driven the task, with a
	// GetFund at the challenge and one at the end.
	polls := 0
	for _, r := range sb.Requests() {
		if r.Endpoint == "getFundB" {
			polls++
		}
	}
	assert.LessOrEqual(t, polls, 3)
	assert.Equal(t, 1, sb.Billed(sb.AppID()))
}

func TestBadLoginIsRefusedBeforeBilling(t *testing.T) {
	ts, sb := newTestService(t)
	code, body := post(t, ts.URL+"/queries", `{"area_code":"330100","login_type":1,"account":"demo-success"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "password")
	assert.Zero(t, sb.Billed(sb.AppID()))
	assert.Empty(t, sb.Tasks())
}

func TestUnknownQueryAndBadAnswers(t *testing.T) {
	ts, _ := newTestService(t)
	resp, err := http.Get(ts.URL + "/queries/nope")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	code, _ := post(t, ts.URL+"/queries", `not json`)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = post(t, ts.URL+"/fund/callback", `tid=x&status=40001`)
	assert.Equal(t, http.StatusUnauthorized, code, "callbacks need the secret")
}

func TestCaptchaIsShownToTheApp(t *testing.T) {
	ts, sb := newTestService(t)
	code, body := post(t, ts.URL+"/queries", `{"area_code":"330100","login_type":1,"account":"demo-image-challenge","password":"pw","sub_area":"1"}`)
	require.Equal(t, http.StatusAccepted, code, body)
	var created struct{ TID string }
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	queryURL := ts.URL + "/queries/" + created.TID

	require.Eventually(t, func() bool { return state(t, queryURL).WaitingFor == "captcha" }, 10*time.Second, 5*time.Millisecond)
	s := state(t, queryURL)
	assert.True(t, strings.HasPrefix(string(s.Captcha), "\x89PNG"), "the image travels with the state")
	task, ok := sb.Task(created.TID)
	require.True(t, ok)
	code, _ = post(t, queryURL+"/code", `{"code":"`+task.Answer+`"}`)
	require.Equal(t, http.StatusAccepted, code)
	require.Eventually(t, func() bool { return state(t, queryURL).Done }, 10*time.Second, 5*time.Millisecond)
	assert.Empty(t, state(t, queryURL).Error)
}

func TestRealAPINeedsAStableCallbackSecret(t *testing.T) {
	_, err := callbackSecret(func(string) string { return "" }, true)
	assert.Error(t, err)
	s, err := callbackSecret(func(k string) string {
		return map[string]string{"TCREDIT_CALLBACK_SECRET": "stable-secret-0123456789"}[k]
	}, true)
	require.NoError(t, err)
	assert.Equal(t, "stable-secret-0123456789", s)
	s, err = callbackSecret(func(string) string { return "" }, false)
	require.NoError(t, err)
	assert.Len(t, s, 32, "made up for a sandbox run")
}

func TestCodeForAFinishedQuery(t *testing.T) {
	ts, sb, svc := newTestServiceKeeping(t, 200*time.Millisecond)
	code, body := post(t, ts.URL+"/queries", `{"area_code":"330100","login_type":1,"account":"demo-success","password":"pw","sub_area":"1"}`)
	require.Equal(t, http.StatusAccepted, code, body)
	var created struct{ TID string }
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	queryURL := ts.URL + "/queries/" + created.TID
	require.Eventually(t, func() bool { return state(t, queryURL).Done }, 10*time.Second, 5*time.Millisecond)

	code, body = post(t, queryURL+"/code", `{"code":"123456"}`)
	assert.Equal(t, http.StatusConflict, code, "a finished query takes no code")
	var s queryState
	require.NoError(t, json.Unmarshal([]byte(body), &s))
	assert.True(t, s.Done)
	assert.Equal(t, int(tcredit.CodeDone), s.Code)
	for _, r := range sb.Requests() {
		assert.NotEqual(t, "fundUserCode", r.Endpoint, "nothing is sent to the provider")
	}

	// Once kept long enough, the query is forgotten.
	require.Eventually(t, func() bool {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return len(svc.queries) == 0
	}, 10*time.Second, 10*time.Millisecond)
	resp, err := http.Get(queryURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
