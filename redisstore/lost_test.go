package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
)

// proxied returns a client of the redis-server of TCREDIT_REDIS_URL through a proxy
// that cuts connections, sending each command again up to retries times after a
// failure (go-redis's MaxRetries: -1 for none, 0 for its default), and a client
// that reaches the server directly.
func proxied(t *testing.T, retries int) (*redistest.Proxy, *redis.Client, *redis.Client) {
	t.Helper()
	direct, url := redistest.Client(t)
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	proxy := redistest.NewProxy(t, opt.Addr)
	opt.Addr, opt.MaxRetries = proxy.Addr(), retries
	opt.MinRetryBackoff, opt.MaxRetryBackoff = time.Millisecond, 10*time.Millisecond
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return proxy, rdb, direct
}

// A change whose reply is lost, or whose request is, is stored exactly once, or
// Update says that it cannot tell; never assumed done or undone.
func TestUpdateWithALostReply(t *testing.T) {
	type retry struct {
		name    string
		retries int
	}
	retries := []retry{{"go-redis sends again", 0}, {"go-redis gives up", -1}}
	for _, tc := range []struct {
		name    string
		cut     redistest.Cut
		other   bool  // another replica adds 10 once the command is cut
		cancel  bool  // the caller's context ends once the command is cut
		want    error // from Update
		stored  int   // Attempts in Redis at the end
		retries []retry
	}{
		{name: "reply lost", cut: redistest.Cut{N: 1}, stored: 1, retries: retries},
		{name: "request lost", cut: redistest.Cut{N: 1, Before: true}, stored: 1, retries: retries},
		{name: "reply lost, another change follows", cut: redistest.Cut{N: 1}, other: true, stored: 11, retries: retries},
		{name: "request lost, another change comes first", cut: redistest.Cut{N: 1, Before: true}, other: true, stored: 11, retries: retries},
		{name: "reply lost, caller gone", cut: redistest.Cut{N: 1}, cancel: true, stored: 1, retries: retries},
		{name: "request lost, caller gone", cut: redistest.Cut{N: 1, Before: true}, cancel: true, want: redisstore.ErrNotStored, stored: 0, retries: retries},
		{name: "reply lost, Redis gone", cut: redistest.Cut{N: 1, Down: true}, want: redisstore.ErrOutcomeUnknown, stored: 1, retries: retries[1:]},
		{name: "request lost, Redis gone", cut: redistest.Cut{N: 1, Before: true, Down: true}, want: redisstore.ErrOutcomeUnknown, stored: 0, retries: retries[1:]},
	} {
		for _, r := range tc.retries {
			t.Run(tc.name+"/"+r.name, func(t *testing.T) {
				ctx := context.Background()
				proxy, rdb, direct := proxied(t, r.retries)
				store, other := redisstore.New(rdb), redisstore.New(direct)
				require.NoError(t, other.Create(ctx, h5.Session{ID: "s", Expires: time.Now().Add(time.Hour)}))
				_, err := store.Update(ctx, "s", func(*h5.Session) error { return nil }) // loads the script
				require.NoError(t, err)

				callCtx, cancel := context.WithCancel(ctx)
				defer cancel()
				cut := tc.cut
				cut.Then = func() {
					if tc.other {
						_, err := other.Update(ctx, "s", func(s *h5.Session) error { s.Attempts += 10; return nil })
						assert.NoError(t, err)
					}
					if tc.cancel {
						cancel()
					}
				}
				proxy.Arm(cut)
				calls := 0
				_, err = store.Update(callCtx, "s", func(s *h5.Session) error {
					calls++
					s.Attempts++
					return nil
				})
				assert.Equal(t, 1, proxy.Cuts(), "the proxy cut the write")
				if tc.want != nil {
					assert.ErrorIs(t, err, tc.want)
				} else {
					assert.NoError(t, err)
				}
				got, err := other.Get(ctx, "s")
				require.NoError(t, err)
				assert.Equal(t, tc.stored, got.Attempts, "stored once, or not at all")
				t.Logf("change called %d times", calls)
			})
		}
	}
}

// A session created whose reply, or request, is lost is the one created, once.
func TestCreateWithALostReply(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cut     redistest.Cut
		again   bool // the SET sent again is lost too
		retries int
		want    error
	}{
		{name: "reply lost, go-redis sends again", cut: redistest.Cut{N: 1}},
		{name: "reply lost, go-redis gives up", cut: redistest.Cut{N: 1}, retries: -1},
		{name: "request lost, go-redis gives up", cut: redistest.Cut{N: 1, Before: true}, retries: -1},
		{name: "request lost twice", cut: redistest.Cut{N: 1, Before: true}, again: true, retries: -1, want: redisstore.ErrNotStored},
		{name: "reply lost, Redis gone", cut: redistest.Cut{N: 1, Down: true}, retries: -1, want: redisstore.ErrOutcomeUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			proxy, rdb, direct := proxied(t, tc.retries)
			cuts := 1
			if tc.again {
				cuts, tc.cut.Then = 2, func() { proxy.Arm(redistest.Cut{N: 1, Before: true}) }
			}
			proxy.Arm(tc.cut)
			s := h5.Session{ID: "s", TID: "t1", Expires: time.Now().Add(time.Hour)}
			err := redisstore.New(rdb).Create(ctx, s)
			assert.Equal(t, cuts, proxy.Cuts())
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			got, err := redisstore.New(direct).Get(ctx, "s")
			require.NoError(t, err)
			assert.Equal(t, "t1", got.TID)
			assert.ErrorIs(t, redisstore.New(direct).Create(ctx, s), h5.ErrSessionExists, "created once")
		})
	}
}
