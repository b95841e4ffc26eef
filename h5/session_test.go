package h5_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/h5"
)

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	store := h5.NewMemoryStore()

	_, err := store.Get(ctx, "nobody")
	assert.ErrorIs(t, err, h5.ErrNoSession)

	live := h5.Session{ID: "a", TID: "t1", Step: h5.StepRunning, Expires: time.Now().Add(time.Hour)}
	require.NoError(t, store.Put(ctx, live))
	got, err := store.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "t1", got.TID)

	live.Step = h5.StepDone
	require.NoError(t, store.Put(ctx, live))
	got, err = store.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, h5.StepDone, got.Step, "Put replaces")

	require.NoError(t, store.Put(ctx, h5.Session{ID: "old", Expires: time.Now().Add(-time.Second)}))
	_, err = store.Get(ctx, "old")
	assert.ErrorIs(t, err, h5.ErrNoSession, "an expired session is not returned")
}

func TestStepString(t *testing.T) {
	for step, want := range map[h5.Step]string{
		h5.StepStart: "start", h5.StepRunning: "running", h5.StepSMS: "sms", h5.StepCaptcha: "captcha",
		h5.StepDone: "done", h5.StepFailed: "failed", h5.Step(99): "unknown",
	} {
		assert.Equal(t, want, step.String())
	}
}
