package replicatest_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The tests of this file run replicas of the H5 flow in the test's process, each with
// a Redis client of its own, on one sandbox and each Redis backend (a redis-server,
// a cluster), and make the store fail under them: emptied, its key rotated, a reply
// cut off.

// replica is one replica of the H5 flow on Redis.
type replica struct {
	srv  *httptest.Server
	flow *h5.Handler

	mu      sync.Mutex
	results []h5.Session // the sessions OnResult received
}

func (r *replica) reported() []h5.Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]h5.Session(nil), r.results...)
}

// startReplica starts a replica on the sandbox and rdb's Redis, through a client of
// its own, with opts.
func startReplica(t *testing.T, rdb redis.UniversalClient, sandbox *tcredittest.Server, opts ...func(*h5.Options)) *replica {
	t.Helper()
	return startReplicaOn(t, redistest.NewClient(t, rdb, nil), sandbox, opts...)
}

// startReplicaOn starts a replica on the sandbox and the Redis client rdb, with opts.
func startReplicaOn(t *testing.T, rdb redis.UniversalClient, sandbox *tcredittest.Server, opts ...func(*h5.Options)) *replica {
	t.Helper()
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL))
	require.NoError(t, err)
	r := &replica{}
	o := h5.Options{
		Store:           redisstore.New(rdb),
		InsecureDevHTTP: true, // plain HTTP on a loopback address
		NoConsent:       true,
		PollInterval:    100 * time.Millisecond,
		QueryOptions:    []tcredit.QueryOption{tcredit.WithPollInterval(5*time.Millisecond, 20*time.Millisecond)},
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			r.mu.Lock()
			r.results = append(r.results, s)
			r.mu.Unlock()
		},
	}
	for _, f := range opts {
		f(&o)
	}
	r.flow = h5.NewHandler(client, o)
	r.srv = httptest.NewServer(r.flow)
	t.Cleanup(func() {
		r.srv.Close()
		r.flow.Close()
	})
	return r
}

// newSandbox starts a sandbox whose tasks take a step every step.
func newSandbox(t *testing.T, step time.Duration) *tcredittest.Server {
	t.Helper()
	s := tcredittest.NewServer(tcredittest.WithStep(step))
	t.Cleanup(s.Close)
	return s
}

// phone is one person's browser: cookies shared by every replica on 127.0.0.1.
type phone struct {
	t *testing.T
	c *http.Client
}

func newPhone(t *testing.T) *phone {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &phone{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (p *phone) read(resp *http.Response, err error) (int, string) {
	p.t.Helper()
	require.NoError(p.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	return resp.StatusCode, string(body)
}

func (p *phone) get(r *replica, path string) (int, string) {
	p.t.Helper()
	return p.read(p.c.Get(r.srv.URL + "/" + path))
}

func (p *phone) post(r *replica, path string, form url.Values) (int, string) {
	p.t.Helper()
	return p.read(p.c.PostForm(r.srv.URL+"/"+path, form))
}

// form gets a login form of 110100 from r and returns it filled in with account.
func (p *phone) form(r *replica, account string) url.Values {
	p.t.Helper()
	status, body := p.get(r, "login?city=110100&type=1")
	require.Equal(p.t, http.StatusOK, status, body)
	m := tokenRE.FindStringSubmatch(body)
	require.NotNil(p.t, m, body)
	return url.Values{"csrf": {m[1]}, "city": {"110100"}, "type": {"1"}, "f_account": {account}, "f_password": {"pw"}}
}

var stepJSON = regexp.MustCompile(`"step":"([a-z]+)"`)

// waitStep waits until the session's step, as r shows it, is want.
func (p *phone) waitStep(r *replica, want string) {
	p.t.Helper()
	var step string
	require.Eventually(p.t, func() bool {
		_, body := p.get(r, "status.json")
		if m := stepJSON.FindStringSubmatch(body); m != nil {
			step = m[1]
		}
		return step == want
	}, 15*time.Second, 10*time.Millisecond, "step %q, want %q", step, want)
}

// count counts the sandbox's calls of endpoint.
func count(s *tcredittest.Server, endpoint string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

const expiredForm = "页面已过期"

// (a) Redis restarts empty while a query runs, and the browser posts the same login
// form again to another replica, which read the old key before: the form is refused
// with a fresh one, and billed once. The first replica's task ends in its own session
// only: the person's new query, started from the fresh form, ends with its own result.
func TestRedisEmptiedMidFlowBillsTheFormOnce(t *testing.T) {
	redistest.Each(t, testRedisEmptiedMidFlowBillsTheFormOnce)
}

func testRedisEmptiedMidFlowBillsTheFormOnce(t *testing.T, rdb redis.UniversalClient) {
	sandbox := newSandbox(t, 50*time.Millisecond)
	a, b := startReplica(t, rdb, sandbox), startReplica(t, rdb, sandbox)
	newPhone(t).form(b, "demo-success") // b reads the key

	person := newPhone(t)
	form := person.form(a, "demo-input-timeout") // waits for a code, then fails with 50008
	status, body := person.post(a, "login", form)
	require.Equal(t, http.StatusOK, status, body)
	person.waitStep(a, "sms")
	require.Equal(t, 1, count(sandbox, "createFundSearchTaskB"))

	redistest.Flush(t, rdb) // a restart without persistence
	status, body = person.post(b, "login", form)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, expiredForm, "a plain message, and a fresh form")
	assert.Equal(t, 1, count(sandbox, "createFundSearchTaskB"), "the same form is not billed again")

	// The person fills in the fresh form: a new query, which ends with its own result
	// while the first task fails.
	m := tokenRE.FindStringSubmatch(body)
	require.NotNil(t, m)
	form.Set("csrf", m[1])
	form.Set("f_account", "demo-sms-challenge")
	status, body = person.post(b, "login", form)
	require.Equal(t, http.StatusOK, status, body)
	person.waitStep(b, "sms")
	_, code := person.get(a, "code")
	m = tokenRE.FindStringSubmatch(code)
	require.NotNil(t, m, code)
	person.post(a, "code", url.Values{"csrf": {m[1]}, "code": {tcredittest.SMSCode}})
	person.waitStep(b, "done")
	require.Equal(t, 2, count(sandbox, "createFundSearchTaskB"), "one task per form taken")

	tasks := sandbox.Tasks()
	require.Len(t, tasks, 2)
	var first, second string
	for _, tk := range tasks {
		if tk.Login == "demo-input-timeout" {
			first = tk.TID
		} else {
			second = tk.TID
		}
	}
	require.Eventually(t, func() bool { return len(a.reported())+len(b.reported()) == 2 }, 15*time.Second, 10*time.Millisecond,
		"both queries reported")
	byTID := map[string]h5.Session{}
	for _, s := range append(a.reported(), b.reported()...) {
		byTID[s.TID] = s
	}
	assert.Equal(t, h5.StepFailed, byTID[first].Step, "the first task failed, in its own session")
	assert.Equal(t, tcredit.TaskCode(50008), byTID[first].Failure)
	assert.Equal(t, h5.StepDone, byTID[second].Step, "the second query's result is its own")
	assert.NotEqual(t, byTID[first].ID, byTID[second].ID)
	t.Logf("creates %d (1 for the form posted twice, 1 for the fresh form); first task %s, second %s",
		count(sandbox, "createFundSearchTaskB"), byTID[first].Step, byTID[second].Step)
}

// (b) After Redis restarts empty, forms cross every pair of replicas again within 10
// s: two replicas that read the old key, and one started after the restart.
func TestFormsCrossAllReplicasAfterRedisEmptied(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the replicas' keys to age")
	}
	redistest.Each(t, testFormsCrossAllReplicasAfterRedisEmptied)
}

func testFormsCrossAllReplicasAfterRedisEmptied(t *testing.T, rdb redis.UniversalClient) {
	sandbox := newSandbox(t, time.Millisecond)
	reps := []*replica{startReplica(t, rdb, sandbox), startReplica(t, rdb, sandbox)}
	for _, r := range reps {
		newPhone(t).form(r, "demo-success")
	}
	redistest.Flush(t, rdb)
	lost := time.Now()
	reps = append(reps, startReplica(t, rdb, sandbox))

	var refused []int
	var agreed time.Duration
	require.Eventually(t, func() bool {
		refused = append(refused, crossPairs(t, reps))
		agreed = time.Since(lost)
		return refused[len(refused)-1] == 0
	}, 10*time.Second, 250*time.Millisecond, "pairs refusing each other's forms, round by round: %v", refused)
	t.Logf("all 9 pairs take each other's forms %v after the restart; refused, round by round: %v",
		agreed.Round(time.Millisecond), refused)
}

// crossPairs posts a form of each replica to each, and returns how many were refused.
func crossPairs(t *testing.T, reps []*replica) int {
	t.Helper()
	refused := 0
	for _, from := range reps {
		for _, to := range reps {
			p := newPhone(t)
			status, body := p.post(to, "login", p.form(from, "demo-success"))
			if status != http.StatusOK || strings.Contains(body, expiredForm) {
				refused++
			}
		}
	}
	return refused
}

// (c) A rotation keeps the old key for its overlap, and every replica refuses the
// forms it signed after that; deleting the key refuses them at once.
func TestRotationRefusesOlderFormsOnEveryReplica(t *testing.T) {
	redistest.Each(t, testRotationRefusesOlderFormsOnEveryReplica)
}

func testRotationRefusesOlderFormsOnEveryReplica(t *testing.T, rdb redis.UniversalClient) {
	ctx := context.Background()
	sandbox := newSandbox(t, time.Millisecond)
	const overlap = 5 * time.Second // the least h5 gives: the time a replica signs with a key it read
	var reps []*replica
	for i := 0; i < 3; i++ {
		reps = append(reps, startReplica(t, rdb, sandbox, func(o *h5.Options) { o.KeyOverlap = overlap }))
	}
	type signed struct {
		p    *phone
		form url.Values
	}
	sign := func() []signed {
		var out []signed
		for _, r := range reps {
			p := newPhone(t)
			out = append(out, signed{p, p.form(r, "demo-success")})
		}
		return out
	}
	within, after, deleted := sign(), sign(), sign()

	require.NoError(t, reps[0].flow.RotateSigningKey(ctx))
	rotated := time.Now()
	for i, s := range within {
		status, body := s.p.post(reps[(i+1)%3], "login", s.form)
		assert.Equal(t, http.StatusOK, status)
		assert.NotContains(t, body, expiredForm, "within the overlap a form of replica %d is taken", i)
	}
	time.Sleep(time.Until(rotated.Add(overlap + 100*time.Millisecond)))
	refusals := 0
	for i, s := range after {
		for j, r := range reps {
			status, body := s.p.post(r, "login", s.form)
			if assert.Equal(t, http.StatusForbidden, status, "form of %d on %d", i, j) && strings.Contains(body, expiredForm) {
				refusals++
			}
		}
	}
	assert.Equal(t, 9, refusals, "every replica refuses every older form after the overlap")
	creates := count(sandbox, "createFundSearchTaskB")
	assert.Equal(t, len(within), creates)

	// Deleting the signing key is a rotation without overlap.
	keys := redistest.Keys(t, rdb, "*signing-key*")
	require.NotEmpty(t, keys)
	for _, k := range keys { // one by one: on a cluster they may live on several masters
		require.NoError(t, rdb.Del(ctx, k).Err())
	}
	for i, s := range deleted {
		for j, r := range reps {
			status, _ := s.p.post(r, "login", s.form)
			assert.Equal(t, http.StatusForbidden, status, "after the key is deleted, form of %d on %d", i, j)
		}
	}
	assert.Equal(t, creates, count(sandbox, "createFundSearchTaskB"), "no task for a refused form")
	t.Logf("overlap %v: %d forms taken within it, %d of 9 refused after it, %d of 9 refused after DEL", overlap,
		len(within), refusals, len(deleted)*len(reps))
}

// nodeProxies are a redistest.Proxy for each master of a Redis deployment, through
// which a client dials the node.
type nodeProxies map[string]*redistest.Proxy

// newNodeProxies starts a proxy to each address a client of rdb's deployment dials:
// the server's, or a cluster's seeds and the addresses it names its masters by.
func newNodeProxies(t *testing.T, rdb redis.UniversalClient) nodeProxies {
	t.Helper()
	ps := nodeProxies{}
	cluster, ok := rdb.(*redis.ClusterClient)
	if !ok {
		addr := rdb.(*redis.Client).Options().Addr
		ps[addr] = redistest.NewProxy(t, addr)
		return ps
	}
	var mu sync.Mutex
	addrs := append([]string(nil), cluster.Options().Addrs...)
	require.NoError(t, cluster.ForEachMaster(context.Background(), func(_ context.Context, c *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		addrs = append(addrs, c.Options().Addr)
		return nil
	}))
	for _, addr := range addrs {
		if ps[addr] == nil {
			ps[addr] = redistest.NewProxy(t, addr)
		}
	}
	return ps
}

// dial is a redistest.Dialer: it connects to the node at addr through its proxy.
func (ps nodeProxies) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	p, ok := ps[addr]
	if !ok {
		return nil, fmt.Errorf("no proxy to the Redis node at %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, p.Addr())
}

// arm arms every proxy with cut.
func (ps nodeProxies) arm(cut redistest.Cut) {
	for _, p := range ps {
		p.Arm(cut)
	}
}

// cuts returns the number of connections cut, on every node.
func (ps nodeProxies) cuts() int {
	n := 0
	for _, p := range ps {
		n += p.Cuts()
	}
	return n
}

// (d) The connection to Redis is cut after the write that claims a typed code
// reached Redis and before its reply came back. The session is read again (redisstore
// finds its write's id there; with a store that does not, the handler reads it), the
// claim is found applied, and the code is submitted: it reaches the task exactly once.
func TestLostReplyOnCodeClaimOnRedis(t *testing.T) {
	redistest.Each(t, testLostReplyOnCodeClaimOnRedis)
}

func testLostReplyOnCodeClaimOnRedis(t *testing.T, rdb redis.UniversalClient) {
	proxies := newNodeProxies(t, rdb)
	sandbox := newSandbox(t, 5*time.Millisecond)
	a := startReplica(t, rdb, sandbox)
	// The replica the code is posted to reaches every node through a proxy: a cluster
	// names its nodes' own addresses, so its client dials each through the node's own.
	b := startReplicaOn(t, redistest.NewClient(t, rdb, proxies.dial), sandbox)

	person := newPhone(t)
	status, body := person.post(a, "login", person.form(a, "demo-sms-challenge"))
	require.Equal(t, http.StatusOK, status, body)
	person.waitStep(a, "sms")
	_, code := person.get(b, "code")
	m := tokenRE.FindStringSubmatch(code)
	require.NotNil(t, m, code)

	// The first write of the session that carries a claim is the code's: its reply is
	// lost.
	claim := regexp.MustCompile(`\\?"Claim\\?":\\?"[A-Za-z0-9_-]{22}`)
	proxies.arm(redistest.Cut{N: 1, Match: claim.Match})
	status, body = person.post(b, "code", url.Values{"csrf": {m[1]}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, 1, proxies.cuts(), "the claim's connection was cut")
	person.waitStep(a, "done")

	tasks := sandbox.Tasks()
	require.Len(t, tasks, 1)
	assert.Equal(t, 1, count(sandbox, "fundUserCode"), "the code reached the task once")
	require.Eventually(t, func() bool { return len(a.reported())+len(b.reported()) == 1 }, 10*time.Second, 10*time.Millisecond)
	s := append(a.reported(), b.reported()...)[0]
	assert.Equal(t, h5.StepDone, s.Step)
	assert.Equal(t, 1, s.Attempts)
	t.Logf("connections cut: %d; codes submitted: %d; step %s", proxies.cuts(), count(sandbox, "fundUserCode"), s.Step)
}
