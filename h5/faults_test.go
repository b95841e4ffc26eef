package h5_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// errCut is the error of a faultStore call whose connection was cut.
var errCut = errors.New("faultStore: connection cut")

// faultStore is a SessionStore that fails the way a store on the network does: it
// can lose everything it holds, keys included (a restart without persistence), lose
// the reply of an Update after applying it or before (a cut connection), and be down.
type faultStore struct {
	mu      sync.Mutex
	inner   *h5.MemoryStore
	created []h5.Session
	drop    func(before, after h5.Session) bool // the next Update that matches loses its reply
	applied bool                                // whether that Update is applied
	down    bool                                // Update fails, unapplied, and Get after it
	cutOff  bool                                // an Update failed since down was set
}

func newFaultStore() *faultStore { return &faultStore{inner: h5.NewMemoryStore(0)} }

func (f *faultStore) store() *h5.MemoryStore {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inner
}

// lose forgets every session and key, as a store restarted empty does.
func (f *faultStore) lose() {
	f.mu.Lock()
	f.inner = h5.NewMemoryStore(0)
	f.mu.Unlock()
}

// dropReply makes the next Update whose change matches lose its reply, after it
// applied the change when applied is true, before otherwise.
func (f *faultStore) dropReply(applied bool, match func(before, after h5.Session) bool) {
	f.mu.Lock()
	f.drop, f.applied = match, applied
	f.mu.Unlock()
}

// fail makes every Update fail without effect while down, and every Get after the
// first such Update.
func (f *faultStore) fail(down bool) {
	f.mu.Lock()
	f.down, f.cutOff = down, false
	f.mu.Unlock()
}

// isDown reports whether a call fails: an Update when the store is down, a Get once
// an Update failed.
func (f *faultStore) isDown(update bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if update && f.down {
		f.cutOff = true
	}
	return f.down && f.cutOff
}

// creations returns the sessions created.
func (f *faultStore) creations() []h5.Session {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]h5.Session(nil), f.created...)
}

func (f *faultStore) Get(ctx context.Context, id string) (h5.Session, error) {
	if f.isDown(false) {
		return h5.Session{}, errCut
	}
	return f.store().Get(ctx, id)
}

func (f *faultStore) Create(ctx context.Context, s h5.Session) error {
	f.mu.Lock()
	f.created = append(f.created, s)
	f.mu.Unlock()
	return f.store().Create(ctx, s)
}

// errUnapplied aborts an Update whose reply is lost before it applied.
var errUnapplied = errors.New("unapplied")

func (f *faultStore) Update(ctx context.Context, id string, change func(*h5.Session) error) (h5.Session, error) {
	if f.isDown(true) {
		return h5.Session{}, errCut
	}
	cut := false
	s, err := f.store().Update(ctx, id, func(s *h5.Session) error {
		before := *s
		if err := change(s); err != nil {
			return err
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.drop == nil || !f.drop(before, *s) {
			return nil
		}
		f.drop, cut = nil, true
		if !f.applied {
			return errUnapplied
		}
		return nil
	})
	if cut {
		return h5.Session{}, errCut
	}
	return s, err
}

func (f *faultStore) Delete(ctx context.Context, id string) error {
	return f.store().Delete(ctx, id)
}

func (f *faultStore) SigningKeys(ctx context.Context) ([][]byte, error) {
	return f.store().SigningKeys(ctx)
}

func (f *faultStore) RotateSigningKey(ctx context.Context, overlap time.Duration) error {
	return f.store().RotateSigningKey(ctx, overlap)
}

// creates counts the tasks the sandbox was asked to create.
func creates(s *tcredittest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == "createFundSearchTaskB" {
			n++
		}
	}
	return n
}

// onStore is an option that gives the handler store.
func onStore(store h5.SessionStore) func(*h5.Options) {
	return func(o *h5.Options) { o.Store = store }
}

// The store loses everything while a query runs, and the same login form is posted
// again, to another replica that read the store's key before: it is refused with a
// fresh form, and no second task is created.
func TestStoreLossBillsAFormOnce(t *testing.T) {
	store := newFaultStore()
	a := newEnvStep(t, 20*time.Millisecond, onStore(store))
	b := newEnvOn(t, a.sandbox, onStore(store))
	b.browser().get("login?city=110100&type=1") // b reads the key
	phone, v := postBilledForm(t, a)

	store.lose()
	again := (&browser{t: t, e: b, client: phone.client}).post("login", v) // Back, and the form again
	assertRepostRefused(t, a, store, v, again)
}

// postBilledForm posts a login form to e, waits for its task to ask for a code, and
// returns the browser and the form posted.
func postBilledForm(t *testing.T, e *env) (*browser, url.Values) {
	t.Helper()
	phone := e.browser()
	form := phone.get("login?city=110100&type=1")
	v := url.Values{"csrf": {csrf(t, form)}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-sms-challenge"}, "f_password": {"pw"}}
	phone.post("login", v)
	require.Equal(t, "sms", phone.waitStep())
	require.Equal(t, 1, creates(e.sandbox))
	return phone, v
}

// assertRepostRefused checks the answer to the form v posted again: a fresh form with
// a plain message, and neither a second task nor a second session.
func assertRepostRefused(t *testing.T, e *env, store *faultStore, v url.Values, again page) {
	t.Helper()
	assert.Equal(t, http.StatusForbidden, again.StatusCode)
	assert.Contains(t, again.body, "页面已过期，请重新填写并提交。", "a plain message")
	assert.NotEqual(t, v.Get("csrf"), csrf(t, again), "and a fresh form")
	assert.NotContains(t, again.body, `value="pw"`, "the password is not shown again")
	assert.Equal(t, 1, creates(e.sandbox), "the form is billed once")
	assert.Len(t, store.creations(), 1, "no session created again")
}

// The store loses the session only (an eviction, or a failover that drops its
// creation) and keeps the signing key; the same form, whose form cookie the first
// post spent, is posted again: it is refused with a fresh form and a plain message,
// and no second task is created.
func TestSessionLossBillsARepostedFormOnce(t *testing.T) {
	store := newFaultStore()
	a := newEnvStep(t, 20*time.Millisecond, onStore(store))
	phone, v := postBilledForm(t, a)

	require.NoError(t, store.Delete(context.Background(), store.creations()[0].ID)) // evicted
	assertRepostRefused(t, a, store, v, phone.post("login", v))
}

// A follower writes its task's news only into its own session: not into one created
// under the same id for another query after the store lost the first. It follows its
// task to the end all the same, and reports it, whether the task ends before the
// follower renews its lease or the renewal meets the other query.
func TestFollowerWritesOnlyIntoItsTask(t *testing.T) {
	for _, tc := range []struct {
		name string
		step time.Duration
	}{
		{"ended before a renewal", 60 * time.Millisecond},
		{"renewal refused", 700 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newFaultStore()
			e := newEnvStep(t, tc.step, onStore(store))
			phone := e.browser()
			phone.login("110100", "1", map[string]string{"account": "demo-crawl-failure", "password": "pw"})
			var first h5.Session
			require.Eventually(t, func() bool {
				var err error
				first, err = store.Get(context.Background(), store.creations()[0].ID)
				return err == nil && first.TID != ""
			}, 5*time.Second, time.Millisecond)

			// The store loses the session, and one with the same id runs another task.
			store.lose()
			now := time.Now()
			other := h5.Session{ID: first.ID, CSRF: first.CSRF, Run: "another query", Created: now, Expires: now.Add(time.Hour),
				AreaCode: "110100", LoginType: 1, TID: "another-task", Step: h5.StepRunning,
				Lease: first.Lease, LeaseUntil: now.Add(time.Hour)}
			require.NoError(t, store.Create(context.Background(), other))

			out := e.waitOutcomes(1)
			require.Len(t, out, 1)
			assert.Equal(t, first.TID, out[0].session.TID, "the first task's end is reported, as its own")
			var te *tcredit.TaskError
			assert.ErrorAs(t, out[0].err, &te, "with the task's own failure")
			got, err := store.Get(context.Background(), first.ID)
			require.NoError(t, err)
			assert.Equal(t, "another-task", got.TID)
			assert.Equal(t, h5.StepRunning, got.Step, "the other query's session is not ended by the first task")
			assert.Zero(t, got.Code, "nor given its news")
			assert.Zero(t, got.Failure)
		})
	}
}

// The reply of the Update that claims a typed code is lost. The code reaches the
// task once all the same: the handler reads the session again to learn whether its
// claim applied, and claims again when it did not.
func TestLostReplyOnCodeClaim(t *testing.T) {
	for _, tc := range []struct {
		name    string
		applied bool
	}{
		{"after the claim applied", true},
		{"before the claim applied", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newFaultStore()
			e := newEnv(t, onStore(store))
			phone := e.browser()
			phone.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
			require.Equal(t, "sms", phone.waitStep())

			store.dropReply(tc.applied, func(before, after h5.Session) bool { return after.Attempts > before.Attempts })
			p := phone.post("code", url.Values{"csrf": {csrf(t, phone.get("code"))}, "code": {tcredittest.SMSCode}})
			require.Equal(t, http.StatusOK, p.StatusCode, p.body)
			assert.Contains(t, p.Request.URL.Path, "progress")
			require.Equal(t, "done", phone.waitStep())
			out := e.waitOutcomes(1)
			require.NoError(t, out[0].err)
			assert.Equal(t, 1, submissions(e.sandbox, out[0].session.TID), "the code reached the task once")
			assert.Equal(t, 1, out[0].session.Attempts, "one attempt counted")
			assert.Contains(t, e.logs.String(), "outcome unknown, reading again")
		})
	}
}

// A store that cannot tell whether a code's claim applied: the code is not
// submitted, the person is asked for it again, and their next post sends it once.
func TestCodeClaimNeverTold(t *testing.T) {
	store := newFaultStore()
	e := newEnv(t, onStore(store))
	e.handler.SetResolveTimeout(100 * time.Millisecond)
	phone := e.browser()
	phone.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
	require.Equal(t, "sms", phone.waitStep())
	token := csrf(t, phone.get("code"))

	store.fail(true)
	p := phone.post("code", url.Values{"csrf": {token}, "code": {tcredittest.SMSCode}})
	store.fail(false)
	assert.Equal(t, http.StatusServiceUnavailable, p.StatusCode)
	assert.Contains(t, p.body, "验证码未提交，请重新输入", "asked again")
	assert.Contains(t, p.body, `name="code"`)
	tid := store.creations()[0].ID
	s, err := store.Get(context.Background(), tid)
	require.NoError(t, err)
	assert.Zero(t, submissions(e.sandbox, s.TID), "not submitted while unknown")

	p = phone.post("code", url.Values{"csrf": {csrf(t, p)}, "code": {tcredittest.SMSCode}})
	require.Equal(t, http.StatusOK, p.StatusCode, p.body)
	require.Equal(t, "done", phone.waitStep())
	assert.Equal(t, 1, submissions(e.sandbox, s.TID), "the next post sent it once")
}

// After the store lost its keys, a replica that read the old key before signs with
// the store's new one within its key TTL: forms then cross every pair of replicas,
// old ones and one started after the loss alike.
func TestFormsCrossReplicasAfterLoss(t *testing.T) {
	store := newFaultStore()
	const ttl = 50 * time.Millisecond
	var reps []*env
	for i := 0; i < 2; i++ {
		reps = append(reps, newReplica(t, reps, store, ttl))
		reps[i].browser().get("login?city=110100&type=1") // reads the key
	}
	store.lose()
	reps = append(reps, newReplica(t, reps, store, ttl)) // started after the loss
	time.Sleep(2 * ttl)
	assertFormsCross(t, reps)
}

// newReplica starts a replica on store, on the sandbox of the first of others, that
// reads the keys again after ttl.
func newReplica(t *testing.T, others []*env, store h5.SessionStore, ttl time.Duration, opts ...func(*h5.Options)) *env {
	t.Helper()
	opts = append(opts, onStore(store))
	var e *env
	if len(others) == 0 {
		e = newEnv(t, opts...)
	} else {
		e = newEnvOn(t, others[0].sandbox, opts...)
	}
	e.handler.SetKeyTTL(ttl)
	return e
}

// assertFormsCross checks that a login form served by each replica is taken by each.
func assertFormsCross(t *testing.T, reps []*env) {
	t.Helper()
	for i, from := range reps {
		for j, to := range reps {
			phone := from.browser()
			form := phone.get("login?city=110100&type=1")
			p := (&browser{t: t, e: to, client: phone.client}).post("login", url.Values{"csrf": {csrf(t, form)},
				"city": {"110100"}, "type": {"1"}, "f_account": {"demo-success"}, "f_password": {"pw"}})
			assert.Equal(t, http.StatusOK, p.StatusCode, "a form of replica %d posted to %d", i, j)
			assert.NotContains(t, p.body, "页面已过期", "a form of replica %d posted to %d", i, j)
		}
	}
}

// newReplicas starts n replicas on store, that read the keys again after ttl and
// rotate them with overlap.
func newReplicas(t *testing.T, n int, store h5.SessionStore, ttl, overlap time.Duration) []*env {
	t.Helper()
	var reps []*env
	for i := 0; i < n; i++ {
		reps = append(reps, newReplica(t, reps, store, ttl, func(o *h5.Options) { o.KeyOverlap = overlap }))
	}
	return reps
}

// A rotated key checks forms for the overlap on every replica, and no longer after
// it; forms signed after the rotation cross every pair.
func TestRotationRefusesOlderForms(t *testing.T) {
	store := newFaultStore()
	const ttl, overlap = 50 * time.Millisecond, 300 * time.Millisecond
	reps := newReplicas(t, 3, store, ttl, overlap)
	type oldForm struct {
		phone *browser
		token string
	}
	var within, after []oldForm
	for _, r := range reps {
		for _, list := range []*[]oldForm{&within, &after} {
			phone := r.browser()
			*list = append(*list, oldForm{phone, csrf(t, phone.get("login?city=110100&type=1"))})
		}
	}
	require.NoError(t, reps[0].handler.RotateSigningKey(context.Background()))
	post := func(f oldForm, to *env) page {
		return (&browser{t: t, e: to, client: f.phone.client}).post("login", url.Values{"csrf": {f.token},
			"city": {"110100"}, "type": {"1"}, "f_account": {"demo-success"}, "f_password": {"pw"}})
	}
	for i, f := range within {
		p := post(f, reps[(i+1)%len(reps)])
		assert.Equal(t, http.StatusOK, p.StatusCode, "within the overlap, form %d is taken", i)
		assert.NotContains(t, p.body, "页面已过期")
	}
	time.Sleep(overlap + ttl)
	for i, f := range after {
		for _, to := range reps {
			p := post(f, to)
			assert.Equal(t, http.StatusForbidden, p.StatusCode, "after the overlap, form %d is refused", i)
			assert.Contains(t, p.body, "页面已过期")
		}
	}
	assertFormsCross(t, reps)
	taken := len(within) + len(reps)*len(reps)
	require.Eventually(t, func() bool {
		n := 0
		for _, r := range reps {
			n += len(r.outcomes())
		}
		return n == taken
	}, 10*time.Second, time.Millisecond, "every query taken ends")
	assert.Equal(t, taken, creates(reps[0].sandbox), "a task for each form taken, none for those refused")
}

// The store holds digests of the session's cookie and CSRF token, never a value a
// browser presents: not the cookies, not the form's token, not the CSRF token.
func TestStoreHoldsNoBrowserValues(t *testing.T) {
	store := &recordingStore{SessionStore: h5.NewMemoryStore(0)}
	e := newEnv(t, onStore(store))
	phone := e.browser()
	form := phone.get("login?city=110100&type=1")
	formToken := csrf(t, form)
	formCookie := cookieOf(t, phone, "h5form")
	phone.post("login", url.Values{"csrf": {formToken}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-sms-challenge"}, "f_password": {"pw"}})
	require.Equal(t, "sms", phone.waitStep())
	cookie := sessionCookieOf(t, phone)
	codeToken := csrf(t, phone.get("code"))
	phone.post("code", url.Values{"csrf": {codeToken}, "code": {tcredittest.SMSCode}})
	require.Equal(t, "done", phone.waitStep())
	e.waitOutcomes(1)

	store.mu.Lock()
	defer store.mu.Unlock()
	require.NotEmpty(t, store.stored)
	for _, s := range store.stored {
		assert.Equal(t, h5.StoreID(cookie), s.ID, "stored under a digest of the cookie")
		assert.Equal(t, h5.CSRFDigest(codeToken), s.CSRF, "with a digest of the CSRF token")
		held := strings.Join([]string{s.ID, s.CSRF, s.Run, s.Claim, s.Lease, s.User, s.TID}, "\n")
		for name, v := range map[string]string{"session cookie": cookie, "form cookie": formCookie,
			"form token": formToken, "CSRF token": codeToken} {
			assert.NotContains(t, held, v, "the store holds the %s", name)
		}
	}
}

// cookieOf returns the value of the browser's cookie name.
func cookieOf(t *testing.T, b *browser, name string) string {
	t.Helper()
	u, err := url.Parse(b.e.url(""))
	require.NoError(t, err)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no cookie %s", name)
	return ""
}

// The store is unreachable for a moment when the tid of a created task is written:
// the billed task is not given up. Its tid reaches the session once the store is back,
// its real end is reported once, and no replica taking the query over later reports it
// as cut off.
func TestStoreBlipOnCreatedKeepsTask(t *testing.T) {
	store := newFaultStore()
	e := newEnvStep(t, 50*time.Millisecond, onStore(store))
	shift := e.shiftClock()
	phone := e.browser()
	store.fail(true)
	phone.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	time.Sleep(300 * time.Millisecond) // longer than a few rounds of reading again
	store.fail(false)

	out := e.waitOutcomes(1)
	require.NoError(t, out[0].err, "the task's real end")
	assert.NotEmpty(t, out[0].session.TID)
	s, err := store.Get(context.Background(), store.creations()[0].ID)
	require.NoError(t, err)
	assert.Equal(t, out[0].session.TID, s.TID, "the tid reached the session")
	assert.Equal(t, h5.StepDone, s.Step)

	shift(2 * time.Minute) // past any lease
	phone.get("progress")
	time.Sleep(100 * time.Millisecond)
	assert.Len(t, e.outcomes(), 1, "OnResult once per query")
	assert.Equal(t, 1, creates(e.sandbox))
}

// The store is away for longer than a change is resolved when the tid of a created
// task is written: the task is followed in memory, its tid written when the store is
// back, and its real end reported once.
func TestStoreAwayOnCreatedFollowsTask(t *testing.T) {
	store := newFaultStore()
	e := newEnvStep(t, 400*time.Millisecond, onStore(store))
	e.handler.SetResolveTimeout(50 * time.Millisecond)
	phone := e.browser()
	store.fail(true)
	phone.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), `level=ERROR msg="h5: session store"`) },
		5*time.Second, time.Millisecond, "the write of the tid is given up")
	time.Sleep(200 * time.Millisecond) // and the store stays away a while longer
	store.fail(false)

	out := e.waitOutcomes(1)
	require.NoError(t, out[0].err, "the task's real end")
	s, err := store.Get(context.Background(), store.creations()[0].ID)
	require.NoError(t, err)
	assert.Equal(t, out[0].session.TID, s.TID, "the tid reached the session")
	assert.Equal(t, h5.StepDone, s.Step)
	time.Sleep(100 * time.Millisecond)
	assert.Len(t, e.outcomes(), 1, "OnResult once")
	assert.Equal(t, 1, creates(e.sandbox))
}

// A code's claim applies, its reply is lost, and the store stays away for the reads
// and the reopening that follow: the code is not sent, and the claim is left in the
// session. Once the claim is older than any request that could send its code, it is
// taken back (by the next post of a code, or by the follower that sees the task still
// waiting), and the next post sends its code once.
func TestUnconfirmedClaimIsAskedAgain(t *testing.T) {
	for _, tc := range []struct {
		name     string
		follower bool // the follower reopens the challenge before the next post
	}{
		{"by the next post", false},
		{"by the follower", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newFaultStore()
			e := newEnv(t, onStore(store))
			e.handler.SetResolveTimeout(100 * time.Millisecond)
			shift := e.shiftClock()
			phone := e.browser()
			phone.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw"})
			require.Equal(t, "sms", phone.waitStep())
			token := csrf(t, phone.get("code"))
			store.dropReply(true, func(before, after h5.Session) bool {
				if after.Attempts > before.Attempts {
					store.down, store.cutOff = true, true // away from the claim's reply on
					return true
				}
				return false
			})
			p := phone.post("code", url.Values{"csrf": {token}, "code": {tcredittest.SMSCode}})
			store.fail(false)
			assert.Equal(t, http.StatusServiceUnavailable, p.StatusCode)
			s, err := store.Get(context.Background(), store.creations()[0].ID)
			require.NoError(t, err)
			require.Equal(t, h5.StepRunning, s.Step, "the claim stayed")
			require.Zero(t, submissions(e.sandbox, s.TID))

			shift(time.Minute) // past the time a request has to send a claimed code
			if tc.follower {
				assert.Equal(t, "sms", phone.waitStep(), "asked again")
				p = phone.get("code")
			}
			p = phone.post("code", url.Values{"csrf": {csrf(t, p)}, "code": {tcredittest.SMSCode}})
			require.Equal(t, http.StatusOK, p.StatusCode, p.body)
			assert.Contains(t, p.Request.URL.Path, "progress")
			out := e.waitOutcomes(1)
			require.NoError(t, out[0].err, "the task ends with its report")
			assert.Equal(t, 1, submissions(e.sandbox, s.TID), "the code was sent once")
			s, err = store.Get(context.Background(), s.ID)
			require.NoError(t, err)
			assert.Zero(t, s.ClaimedAt, "its sending confirmed")
		})
	}
}

// A KeyOverlap shorter than the time a replica signs with a key it read is raised to
// it: a form that a replica signs with the replaced key after the rotation, before it
// reads the keys again, is taken by every replica.
func TestKeyOverlapCoversKeyCache(t *testing.T) {
	store := newFaultStore()
	const ttl, overlap = 300 * time.Millisecond, 10 * time.Millisecond
	reps := newReplicas(t, 2, store, ttl, overlap)
	reps[1].browser().get("login?city=110100&type=1") // reads the key
	require.NoError(t, reps[0].handler.RotateSigningKey(context.Background()))
	phone := reps[1].browser()
	form := phone.get("login?city=110100&type=1") // signed with the key replaced
	time.Sleep(5 * overlap)
	p := (&browser{t: t, e: reps[0], client: phone.client}).post("login", url.Values{"csrf": {csrf(t, form)},
		"city": {"110100"}, "type": {"1"}, "f_account": {"demo-success"}, "f_password": {"pw"}})
	assert.Equal(t, http.StatusOK, p.StatusCode)
	assert.NotContains(t, p.body, "页面已过期")
	reps[0].waitOutcomes(1)
}
