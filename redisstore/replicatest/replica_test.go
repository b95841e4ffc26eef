package replicatest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// redisFlags returns the flags that make examples/h5 use rdb's deployment.
func redisFlags(t *testing.T, rdb redis.UniversalClient) []string {
	t.Helper()
	switch rdb := rdb.(type) {
	case *redis.Client:
		opt := rdb.Options()
		return []string{"-redis", fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB)}
	case *redis.ClusterClient:
		return []string{"-redis-cluster", strings.Join(rdb.Options().Addrs, ",")}
	}
	t.Fatalf("a Redis client of type %T", rdb)
	return nil
}

// build builds the main package in the module directory dir into t.TempDir().
func build(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build %s: %s", dir, msg)
	return out
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start starts a program and returns the first line of its stdout that matches re,
// with the rest of its stdout and its stderr collected in logs. The program is
// killed at the test's end.
func start(t *testing.T, cmd *exec.Cmd, re *regexp.Regexp, logs *syncBuffer) []string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n'))
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m:
				default:
				}
			}
		}
	}()
	select {
	case m := <-found:
		return m
	case <-time.After(30 * time.Second):
		t.Fatalf("%s printed no line matching %s; its output:\n%s", cmd.Path, re, logs)
		return nil
	}
}

// proxy is a load balancer that sends each request to the next live replica.
type proxy struct {
	mu       sync.Mutex
	backends []*backend
	next     int
}

type backend struct {
	addr   string
	proxy  *httputil.ReverseProxy
	cmd    *exec.Cmd
	logs   *syncBuffer
	dead   bool
	served []string // "METHOD path" of each request it served
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	var b *backend
	for range p.backends {
		c := p.backends[p.next%len(p.backends)]
		p.next++
		if !c.dead {
			b = c
			break
		}
	}
	if b != nil {
		b.served = append(b.served, r.Method+" "+r.URL.Path)
	}
	p.mu.Unlock()
	if b == nil {
		http.Error(w, "no replica", http.StatusBadGateway)
		return
	}
	b.proxy.ServeHTTP(w, r)
}

// servedBy returns the replica that served the request "METHOD path".
func (p *proxy) servedBy(req string) *backend {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.backends {
		for _, s := range b.served {
			if s == req {
				return b
			}
		}
	}
	return nil
}

// kill kills the replica b with SIGKILL, and the proxy sends it nothing more.
func (p *proxy) kill(t *testing.T, b *backend) {
	t.Helper()
	require.NoError(t, b.cmd.Process.Kill())
	p.mu.Lock()
	b.dead = true
	p.mu.Unlock()
}

// sandboxCall is a line of tcredit-sandbox -log.
type sandboxCall struct {
	Endpoint string `json:"endpoint"`
	Status   int    `json:"status"`
	TID      string `json:"tid"`
}

// One sandbox, one Redis (a redis-server or a cluster), three replicas of examples/h5
// behind a round-robin proxy: a person goes through the whole SMS flow while the
// replica that took their login is killed before they type the code. They reach the
// result; the task was created and billed once, and the code submitted once.
func TestReplicaKilledInTheMiddleOfAQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five processes")
	}
	sandboxBin := build(t, "../../cmd/tcredit-sandbox", "tcredit-sandbox")
	h5Bin := build(t, "../../examples/h5", "h5")
	redistest.Each(t, func(t *testing.T, rdb redis.UniversalClient) {
		testReplicaKilledInTheMiddleOfAQuery(t, rdb, sandboxBin, h5Bin)
	})
}

// testReplicaKilledInTheMiddleOfAQuery runs the built sandbox and replicas on rdb's
// deployment.
func testReplicaKilledInTheMiddleOfAQuery(t *testing.T, rdb redis.UniversalClient, sandboxBin, h5Bin string) {

	sandboxLogs := &syncBuffer{}
	line := start(t, exec.Command(sandboxBin, "-addr", "127.0.0.1:0", "-log", "-step", "50ms"),
		regexp.MustCompile(`^\{.*"url".*\}$`), sandboxLogs)
	var api struct{ URL, AppID, TokenID string }
	require.NoError(t, json.Unmarshal([]byte(line[0]), &api))

	lb := &proxy{}
	for i := 0; i < 3; i++ {
		cmd := exec.Command(h5Bin, append(redisFlags(t, rdb), "-addr", "127.0.0.1:0", "-poll", "200ms")...)
		cmd.Env = append(os.Environ(), "TCREDIT_BASE_URL="+api.URL, "TCREDIT_APP_ID="+api.AppID, "TCREDIT_TOKEN_ID="+api.TokenID)
		logs := &syncBuffer{}
		m := start(t, cmd, regexp.MustCompile(`open http://([0-9.:]+)/`), logs)
		target, err := url.Parse("http://" + m[1])
		require.NoError(t, err)
		lb.backends = append(lb.backends, &backend{addr: m[1], proxy: httputil.NewSingleHostReverseProxy(target), cmd: cmd, logs: logs})
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("replica %d:\n%s", i, logs)
			}
		})
	}
	front := httptest.NewServer(lb)
	defer front.Close()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	phone := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		resp, err := phone.Get(front.URL + "/" + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	post := func(path string, form url.Values) (int, string) {
		resp, err := phone.PostForm(front.URL+"/"+path, form)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	csrfRE := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	stepRE := regexp.MustCompile(`"step":"([a-z]+)"`)
	waitStep := func(want string) {
		t.Helper()
		var step string
		require.Eventually(t, func() bool {
			_, body := get("status.json")
			if m := stepRE.FindStringSubmatch(body); m != nil {
				step = m[1]
			}
			return step == want
		}, 30*time.Second, 50*time.Millisecond, "step %q, want %q", step, want)
	}

	status, body := get("")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "北京")
	status, body = get("login?city=110100&type=1")
	require.Equal(t, http.StatusOK, status, body)
	token := csrfRE.FindStringSubmatch(body)
	require.NotNil(t, token)
	consent := regexp.MustCompile(`name="consent" value="([^"]+)"`).FindStringSubmatch(body)
	require.NotNil(t, consent, "the example asks for consent")
	status, body = post("login", url.Values{"csrf": {token[1]}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-sms-challenge"}, "f_password": {"pw"}, "consent": {consent[1]}})
	require.Equal(t, http.StatusOK, status, body)
	waitStep("sms")

	// The replica that took the login, and follows the task, dies.
	victim := lb.servedBy("POST /login")
	require.NotNil(t, victim)
	lb.kill(t, victim)

	status, body = get("code")
	require.Equal(t, http.StatusOK, status, body)
	token = csrfRE.FindStringSubmatch(body)
	require.NotNil(t, token)
	status, body = post("code", url.Values{"csrf": {token[1]}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, status, body)
	waitStep("done")
	status, body = get("result")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "查询成功")

	takenOver := 0
	for _, b := range lb.backends {
		if b != victim && strings.Contains(b.logs.String(), "h5: query taken over") {
			takenOver++
		}
	}
	assert.Equal(t, 1, takenOver, "one replica took the query over")

	var creates, billed, codes int
	for _, l := range strings.Split(strings.TrimSpace(sandboxLogs.String()), "\n") {
		var c sandboxCall
		if json.Unmarshal([]byte(l), &c) != nil || c.Endpoint == "" {
			continue
		}
		switch c.Endpoint {
		case "createFundSearchTaskB":
			creates++
			if c.Status == 0 && c.TID != "" {
				billed++
			}
		case "fundUserCode":
			codes++
		}
	}
	assert.Equal(t, 1, creates, "one create")
	assert.Equal(t, 1, billed, "one billed create")
	assert.Equal(t, 1, codes, "one code submission")
}
