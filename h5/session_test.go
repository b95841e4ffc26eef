package h5_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/h5"
)

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	store := h5.NewMemoryStore(0)

	_, err := store.Get(ctx, "nobody")
	assert.ErrorIs(t, err, h5.ErrNoSession)
	_, err = store.Update(ctx, "nobody", func(*h5.Session) error { return nil })
	assert.ErrorIs(t, err, h5.ErrNoSession)

	live := h5.Session{ID: "a", TID: "t1", Step: h5.StepRunning, Expires: time.Now().Add(time.Hour)}
	require.NoError(t, store.Create(ctx, live))
	assert.ErrorIs(t, store.Create(ctx, live), h5.ErrSessionExists)
	got, err := store.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "t1", got.TID)

	got, err = store.Update(ctx, "a", func(s *h5.Session) error { s.Step = h5.StepDone; return nil })
	require.NoError(t, err)
	assert.Equal(t, h5.StepDone, got.Step)
	got, err = store.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, h5.StepDone, got.Step, "Update stores")

	refused := errors.New("no")
	_, err = store.Update(ctx, "a", func(s *h5.Session) error { s.Step = h5.StepFailed; return refused })
	assert.ErrorIs(t, err, refused)
	got, _ = store.Get(ctx, "a")
	assert.Equal(t, h5.StepDone, got.Step, "a change that fails stores nothing")

	require.NoError(t, store.Delete(ctx, "a"))
	_, err = store.Get(ctx, "a")
	assert.ErrorIs(t, err, h5.ErrNoSession)

	require.NoError(t, store.Create(ctx, h5.Session{ID: "old", Expires: time.Now().Add(-time.Second)}))
	_, err = store.Get(ctx, "old")
	assert.ErrorIs(t, err, h5.ErrNoSession, "an expired session is not returned")
	require.NoError(t, store.Create(ctx, h5.Session{ID: "old", Expires: time.Now().Add(time.Hour)}),
		"an expired id may be created again")

	k1, err := store.SigningKeys(ctx)
	require.NoError(t, err)
	require.Len(t, k1, 1)
	assert.GreaterOrEqual(t, len(k1[0]), 32)
	k2, _ := store.SigningKeys(ctx)
	assert.Equal(t, k1, k2, "one key until it is rotated")
}

// A rotated key checks tokens for the overlap, then is forgotten; a rotation without
// overlap forgets it at once.
func TestMemoryStoreRotation(t *testing.T) {
	ctx := context.Background()
	store := h5.NewMemoryStore(0)
	first, err := store.SigningKeys(ctx)
	require.NoError(t, err)

	require.NoError(t, store.RotateSigningKey(ctx, 50*time.Millisecond))
	keys, err := store.SigningKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 2, "the new key, and the old one for the overlap")
	assert.NotEqual(t, first[0], keys[0], "a new key signs")
	assert.Equal(t, first[0], keys[1], "the old one still checks")

	require.Eventually(t, func() bool {
		keys, err = store.SigningKeys(ctx)
		return err == nil && len(keys) == 1
	}, time.Second, 5*time.Millisecond, "the old key is forgotten after the overlap")
	assert.NotEqual(t, first[0], keys[0])

	second := keys[0]
	require.NoError(t, store.RotateSigningKey(ctx, 0))
	keys, err = store.SigningKeys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1, "no overlap: the old key is forgotten at once")
	assert.NotEqual(t, second, keys[0])
}

func TestMemoryStoreCap(t *testing.T) {
	ctx := context.Background()
	store := h5.NewMemoryStore(3)
	now := time.Now()
	for i, d := range []time.Duration{30 * time.Millisecond, 10 * time.Millisecond, time.Hour} {
		require.NoError(t, store.Create(ctx, h5.Session{ID: fmt.Sprint(i), Expires: now.Add(d)}))
	}
	assert.ErrorIs(t, store.Create(ctx, h5.Session{ID: "x", Expires: now.Add(time.Hour)}), h5.ErrStoreFull,
		"full of live sessions: refused")
	assert.Equal(t, 3, store.Len())

	time.Sleep(40 * time.Millisecond) // sessions 0 and 1 expire
	require.NoError(t, store.Create(ctx, h5.Session{ID: "x", Expires: now.Add(time.Hour)}))
	assert.LessOrEqual(t, store.Len(), 3)
	for _, id := range []string{"2", "x"} {
		_, err := store.Get(ctx, id)
		assert.NoError(t, err, id)
	}
	require.NoError(t, store.Create(ctx, h5.Session{ID: "y", Expires: now.Add(time.Hour)}))
	assert.ErrorIs(t, store.Create(ctx, h5.Session{ID: "z", Expires: now.Add(time.Hour)}), h5.ErrStoreFull)

	// A session whose expiry moved on is not dropped at its old one.
	store = h5.NewMemoryStore(1)
	require.NoError(t, store.Create(ctx, h5.Session{ID: "a", Expires: time.Now().Add(10 * time.Millisecond)}))
	_, err := store.Update(ctx, "a", func(s *h5.Session) error { s.Expires = time.Now().Add(time.Hour); return nil })
	require.NoError(t, err)
	time.Sleep(20 * time.Millisecond)
	assert.ErrorIs(t, store.Create(ctx, h5.Session{ID: "b", Expires: time.Now().Add(time.Hour)}), h5.ErrStoreFull)
	_, err = store.Get(ctx, "a")
	assert.NoError(t, err)
}

func TestStoreFullPage(t *testing.T) {
	e := newEnv(t, func(o *h5.Options) { o.Store = h5.NewMemoryStore(1) })
	first := e.browser()
	first.login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	require.Equal(t, "done", first.waitStep())
	p := e.browser().login("110100", "1", map[string]string{"account": "demo-success", "password": "pw"})
	assert.Equal(t, http.StatusServiceUnavailable, p.StatusCode)
	assert.Contains(t, p.body, "当前访问人数过多")
	assert.Len(t, e.sandbox.Tasks(), 1, "nothing billed for a session that could not be kept")
}

func TestStepString(t *testing.T) {
	for step, want := range map[h5.Step]string{
		h5.StepStart: "start", h5.StepRunning: "running", h5.StepSMS: "sms", h5.StepCaptcha: "captcha",
		h5.StepDone: "done", h5.StepFailed: "failed", h5.Step(99): "unknown",
	} {
		assert.Equal(t, want, step.String())
	}
}
