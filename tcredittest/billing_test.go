package tcredittest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestBillingPerAppWithRollBack(t *testing.T) {
	s := newSandbox(t)
	s.h.AddApp("app-2", "token-2")
	second := newRawClient(t, s.ts, s.ts.URL, "app-2", "token-2")

	s.c.create(login("demo-success"))
	s.c.create(login("demo-sms-challenge"))
	s.c.create(login("demo-wrong-password"))
	second.create(login("demo-crawl-failure"))
	second.create(login("demo-partial"))

	assert.Equal(t, 3, s.h.Billed(s.h.AppID()), "every task created is billed")
	assert.Equal(t, 2, s.h.Billed("app-2"))
	assert.Equal(t, 0, s.h.Billed("app-3"))

	s.clock.Advance(10 * testStep)
	assert.Equal(t, 2, s.h.Billed(s.h.AppID()), "the failed task is rolled back, without anyone polling it")
	assert.Equal(t, 1, s.h.Billed("app-2"))

	tasks := s.h.Tasks()
	require.Len(t, tasks, 5)
	for i, want := range []struct {
		login  string
		code   int
		billed bool
	}{
		{"demo-success", 40001, true},
		{"demo-sms-challenge", 10003, true},
		{"demo-wrong-password", 50004, false},
		{"demo-crawl-failure", 50002, false},
		{"demo-partial", 40002, true},
	} {
		assert.Equal(t, want.login, tasks[i].Login)
		assert.Equal(t, want.code, tasks[i].Code, want.login)
		assert.Equal(t, want.billed, tasks[i].Billed, want.login)
	}
	assert.Equal(t, "app-2", tasks[3].AppID)
	assert.Equal(t, "110100", tasks[0].AreaCode)
	assert.Equal(t, "1", tasks[0].LoginType)
	assert.Equal(t, ScenarioSMSChallenge, tasks[1].Scenario)
	assert.Equal(t, SMSCode, tasks[1].Answer)

	_, ok := s.h.Task("no-such-task")
	assert.False(t, ok)
}

func TestRequestLogMasksSecrets(t *testing.T) {
	s := newSandbox(t)
	tid := s.c.create(map[string]string{"area_code": "110100", "login_type": "1", "account": "demo-sms-challenge", "password": "p@ss word"})
	s.clock.Advance(testStep)
	s.c.submit(tid, "123456")
	s.c.call("noSuchEndpoint", nil)

	reqs := s.h.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, epCreateTask, reqs[0].Endpoint)
	assert.Equal(t, s.h.AppID(), reqs[0].AppID)
	assert.Equal(t, "demo-sms-challenge", reqs[0].Form.Get("account"))
	assert.Equal(t, "******", reqs[0].Form.Get("password"))
	assert.Equal(t, "******", reqs[1].Form.Get("code"))
	assert.Equal(t, 6, reqs[2].Status)
	for _, r := range reqs {
		assert.NotContains(t, r.Form, "tokenKey")
		for _, v := range r.Form {
			assert.NotContains(t, v, "p@ss word")
			assert.NotContains(t, v, "123456")
		}
	}
}

func TestRequestLogIsCapped(t *testing.T) {
	h := NewHandler()
	defer h.Close()
	for i := 0; i < maxRequestLog+5; i++ {
		h.record(&call{endpoint: epGetFund, form: map[string]string{"tid": itoa(i)}}, 0)
	}
	reqs := h.Requests()
	require.Len(t, reqs, maxRequestLog)
	assert.Equal(t, "5", reqs[0].Form.Get("tid"), "the oldest are dropped")
	assert.Equal(t, itoa(maxRequestLog+4), reqs[len(reqs)-1].Form.Get("tid"))
}

// receiver is a callback endpoint that records what it is sent, failing the first
// fail requests with HTTP 500.
type receiver struct {
	mu       sync.Mutex
	fail     int
	attempts int
	got      []url.Values
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts++
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	rc.got = append(rc.got, r.PostForm)
}

// attemptCount returns the number of requests received.
func (rc *receiver) attemptCount() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.attempts
}

// statuses returns the statuses received for a task.
func (rc *receiver) statuses(tid string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, v := range rc.got {
		if v.Get("tid") == tid {
			out = append(out, v.Get("status"))
		}
	}
	return out
}

func TestCallbacks(t *testing.T) {
	rc := &receiver{fail: 2}
	cb := httptest.NewServer(rc)
	defer cb.Close()
	s := newSandbox(t, WithCallbackURL(cb.URL+"/hook?cb_token=secret"))

	sms := s.c.create(login("demo-sms-challenge"))
	bad := s.c.create(login("demo-wrong-password"))
	ok := s.c.create(login("demo-success"))
	s.clock.Advance(testStep) // nobody polls: the sandbox notices by itself

	eventually := func(tid string, want ...string) {
		t.Helper()
		require.Eventually(t, func() bool { return len(rc.statuses(tid)) >= len(want) }, 10*time.Second, time.Millisecond,
			"callbacks of %s: %v", tid, rc.statuses(tid))
		assert.Equal(t, want, rc.statuses(tid))
	}
	eventually(sms, "10003")
	eventually(bad, "50004")
	assert.Equal(t, 0, s.c.submit(sms, SMSCode))
	s.clock.Advance(10 * testStep)
	eventually(sms, "10003", "40001")
	eventually(ok, "40001")

	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Equal(t, len(rc.got)+2, rc.attempts, "the first failed delivery was tried again")
	for _, v := range rc.got {
		if v.Get("tid") == bad {
			assert.Equal(t, "登录失败,用户名密码输入错误", v.Get("msg"))
		}
	}
}

func TestCallbacksGiveUpAndStopAtClose(t *testing.T) {
	rc := &receiver{fail: 1 << 30}
	cb := httptest.NewServer(rc)
	defer cb.Close()
	s := newSandbox(t, WithCallbackURL(cb.URL))
	for i := 0; i < 3; i++ {
		s.c.create(login("demo-wrong-password"))
	}
	s.clock.Advance(testStep)
	require.Eventually(t, func() bool { return rc.attemptCount() >= callbackAttempts }, 10*time.Second, time.Millisecond)
	s.h.Close() // returns with deliveries still queued; goleak checks nothing is left running
	assert.Equal(t, 0, s.c.call(epCities, nil).Status, "a closed handler still answers")
}

func TestConcurrentClients(t *testing.T) {
	const clients = 100
	srv := NewServer(WithStep(time.Millisecond))
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &rawClient{t: t, hc: &http.Client{Transport: tr}, base: srv.URL, appID: srv.AppID(), tokenID: srv.TokenID()}

	var wg sync.WaitGroup
	codes := make([]int, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			form := login("demo-success")
			if i%2 == 1 {
				form = login("demo-sms-challenge")
			}
			r := c.call(epCreateTask, form)
			if r.Err != nil || r.Status != 0 {
				return
			}
			tid := strings.Split(strings.Split(string(r.Data), `"tid":"`)[1], `"`)[0]
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
				r := c.call(epGetFund, map[string]string{"tid": tid})
				if r.Err != nil {
					return
				}
				code := string(r.Data)
				switch {
				case strings.Contains(code, "40001"):
					codes[i] = 40001
					return
				case strings.Contains(code, "10003"):
					c.call(epUserCode, map[string]string{"tid": tid, "code": SMSCode})
				}
				time.Sleep(time.Millisecond)
			}
		}(i)
	}
	wg.Wait()
	for i, code := range codes {
		assert.Equal(t, 40001, code, "client %d", i)
	}
	assert.Equal(t, clients, srv.Billed(srv.AppID()))
	assert.Len(t, srv.Tasks(), clients)
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rc := &receiver{fail: 1 << 30}
	cb := httptest.NewServer(rc)
	defer cb.Close()

	srv := NewServer(WithStep(time.Millisecond), WithCallbackURL(cb.URL))
	c := &rawClient{t: t, hc: srv.Client(), base: srv.URL, appID: srv.AppID(), tokenID: srv.TokenID()}
	c.create(login("demo-sms-challenge"))
	c.create(login("demo-wrong-password"))
	srv.InjectFault(Fault{Kind: FaultLatency, Delay: time.Hour, Endpoint: epCities})
	slow := make(chan response)
	go func() { slow <- c.call(epCities, nil) }()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 2 && rc.attemptCount() > 0 }, 10*time.Second, time.Millisecond)

	srv.Close()
	<-slow
}
