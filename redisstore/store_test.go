package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
)

func TestStore(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		store := redisstore.New(rdb, redisstore.WithPrefix("test:"))

		_, err := store.Get(ctx, "nobody")
		assert.ErrorIs(t, err, h5.ErrNoSession)
		_, err = store.Update(ctx, "nobody", func(*h5.Session) error { return nil })
		assert.ErrorIs(t, err, h5.ErrNoSession)

		s := h5.Session{ID: "id-1", CSRF: "c", TID: "t1", Step: h5.StepSMS, Captcha: []byte{1, 2},
			Expires: time.Now().Add(time.Hour).Round(time.Millisecond), Summary: &h5.Summary{Balance: 12345, Months: 3}}
		require.NoError(t, store.Create(ctx, s))
		assert.ErrorIs(t, store.Create(ctx, s), h5.ErrSessionExists)
		got, err := store.Get(ctx, "id-1")
		require.NoError(t, err)
		assert.Equal(t, "id-1", got.ID)
		assert.Equal(t, s.TID, got.TID)
		assert.Equal(t, s.Captcha, got.Captcha)
		assert.Equal(t, *s.Summary, *got.Summary)
		assert.True(t, s.Expires.Equal(got.Expires))

		got, err = store.Update(ctx, "id-1", func(s *h5.Session) error { s.Step = h5.StepDone; return nil })
		require.NoError(t, err)
		assert.Equal(t, h5.StepDone, got.Step)
		assert.Equal(t, "id-1", got.ID)
		got, _ = redisstore.New(rdb, redisstore.WithPrefix("test:")).Get(ctx, "id-1")
		assert.Equal(t, h5.StepDone, got.Step, "Update stores")
		assert.Equal(t, "id-1", got.ID)

		refused := errors.New("no")
		got, err = store.Update(ctx, "id-1", func(s *h5.Session) error { s.Step = h5.StepFailed; return refused })
		assert.ErrorIs(t, err, refused)
		assert.Equal(t, h5.StepDone, got.Step, "the session as read")
		got, _ = store.Get(ctx, "id-1")
		assert.Equal(t, h5.StepDone, got.Step, "a change that fails stores nothing")

		// The key names a digest of the id, expires with the session (to the
		// millisecond on Redis; miniredis keeps a TTL, which drifts), and holds no id
		// in its name.
		keys := redistest.Keys(t, rdb, "test:*")
		require.Len(t, keys, 1)
		assert.NotContains(t, keys[0], "id-1")
		value, err := rdb.Get(ctx, keys[0]).Result()
		require.NoError(t, err)
		assert.NotContains(t, value, "id-1", "the value holds no id either")
		at, err := rdb.PExpireTime(ctx, keys[0]).Result()
		require.NoError(t, err)
		assert.InDelta(t, s.Expires.UnixMilli(), at.Milliseconds(), 100, "expires at Expires")

		got, err = store.Update(ctx, "id-1", func(s *h5.Session) error { s.Expires = time.Now().Add(-time.Second); return nil })
		require.NoError(t, err)
		assert.Empty(t, redistest.Keys(t, rdb, "test:*"), "a change that ends the session deletes it")
		require.NoError(t, store.Create(ctx, s))

		require.NoError(t, store.Delete(ctx, "id-1"))
		_, err = store.Get(ctx, "id-1")
		assert.ErrorIs(t, err, h5.ErrNoSession)

		require.NoError(t, store.Create(ctx, h5.Session{ID: "gone", Expires: time.Now().Add(-time.Second)}))
		_, err = store.Get(ctx, "gone")
		assert.ErrorIs(t, err, h5.ErrNoSession, "an expired session is not kept")
	})
}

// Two replicas changing one session at once never lose each other's change.
func TestStoreUpdateIsAtomic(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		a, b := redisstore.New(rdb), redisstore.New(rdb)
		require.NoError(t, a.Create(ctx, h5.Session{ID: "s", Expires: time.Now().Add(time.Hour)}))
		var wg sync.WaitGroup
		for _, store := range []*redisstore.Store{a, b, a, b} {
			wg.Add(1)
			go func(store *redisstore.Store) {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					_, err := store.Update(ctx, "s", func(s *h5.Session) error { s.Attempts++; return nil })
					assert.NoError(t, err)
				}
			}(store)
		}
		wg.Wait()
		got, err := a.Get(ctx, "s")
		require.NoError(t, err)
		assert.Equal(t, 20, got.Attempts)

		// Of two claims of one thing, one wins.
		wins := make(chan bool, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(store *redisstore.Store) {
				defer wg.Done()
				_, err := store.Update(ctx, "s", func(s *h5.Session) error {
					if s.Lease != "" {
						return errTaken
					}
					s.Lease = "me"
					return nil
				})
				wins <- err == nil
			}([]*redisstore.Store{a, b}[i%2])
		}
		wg.Wait()
		close(wins)
		n := 0
		for w := range wins {
			if w {
				n++
			}
		}
		assert.Equal(t, 1, n)
	})
}

var errTaken = errors.New("taken")

// A replica that changed a session last changes it again in one round trip, on what
// it remembers; what Redis holds decides all the same: another replica's change
// since, a refusal, a Redis that lost its data.
func TestUpdateDecidesOnWhatRedisHolds(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		a, b := redisstore.New(rdb), redisstore.New(rdb)
		require.NoError(t, a.Create(ctx, h5.Session{ID: "s", Lease: "a", Expires: time.Now().Add(time.Hour)}))
		_, err := b.Update(ctx, "s", func(s *h5.Session) error { s.Attempts, s.Lease = 5, ""; return nil })
		require.NoError(t, err)

		// a remembers Lease "a" and no attempts: its claim is refused on that, then
		// made on what Redis holds.
		var seen []string
		got, err := a.Update(ctx, "s", func(s *h5.Session) error {
			seen = append(seen, s.Lease)
			if s.Lease != "" {
				return errTaken
			}
			s.Lease = "a"
			s.Attempts++
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", ""}, seen, "refused on what a remembered, then changed as stored")
		assert.Equal(t, 6, got.Attempts)

		// b remembers Attempts 5: its write is refused by the script, which answers
		// with the session as stored.
		seen = nil
		got, err = b.Update(ctx, "s", func(s *h5.Session) error {
			seen = append(seen, s.Lease)
			s.Attempts++
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"", "a"}, seen)
		assert.Equal(t, 7, got.Attempts)

		// Redis loses every key: the session a remembers is gone, not brought back.
		for _, k := range redistest.Keys(t, rdb, "*") {
			require.NoError(t, rdb.Del(ctx, k).Err())
		}
		_, err = a.Update(ctx, "s", func(s *h5.Session) error { s.Attempts++; return nil })
		assert.ErrorIs(t, err, h5.ErrNoSession)
		assert.Empty(t, redistest.Keys(t, rdb, "*"))
	})
}
