package tcredit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCacheKeepsAnswersForTTL(t *testing.T) {
	mc := newMetaCache(time.Hour)
	var calls atomic.Int32
	fetch := func(context.Context) ([]City, error) {
		calls.Add(1)
		return []City{{AreaCode: "330100"}}, nil
	}
	for i := 0; i < 3; i++ {
		got, err := cached(context.Background(), mc, "cities", fetch)
		require.NoError(t, err)
		assert.Equal(t, []City{{AreaCode: "330100"}}, got)
	}
	assert.EqualValues(t, 1, calls.Load())

	// An expired entry is fetched again.
	mc.mu.Lock()
	mc.entries["cities"].expires = time.Now().Add(-time.Second)
	mc.mu.Unlock()
	_, err := cached(context.Background(), mc, "cities", fetch)
	require.NoError(t, err)
	assert.EqualValues(t, 2, calls.Load())
}

func TestCacheOffAndFailures(t *testing.T) {
	var calls atomic.Int32
	boom := errors.New("boom")
	failing := func(context.Context) (int, error) { calls.Add(1); return 0, boom }

	_, err := cached(context.Background(), newMetaCache(0), "k", failing)
	assert.ErrorIs(t, err, boom)
	_, err = cached(context.Background(), newMetaCache(0), "k", failing)
	assert.ErrorIs(t, err, boom)
	assert.EqualValues(t, 2, calls.Load(), "TTL 0 is no cache")

	mc := newMetaCache(time.Hour)
	_, err = cached(context.Background(), mc, "k", failing)
	assert.ErrorIs(t, err, boom)
	_, err = cached(context.Background(), mc, "k", failing)
	assert.ErrorIs(t, err, boom)
	assert.EqualValues(t, 4, calls.Load(), "a failure is not kept")
}

func TestCacheSharesConcurrentMisses(t *testing.T) {
	mc := newMetaCache(time.Hour)
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (string, error) {
		calls.Add(1)
		<-release
		return "v", nil
	}
	var wg sync.WaitGroup
	results := make([]string, 10)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], _ = cached(context.Background(), mc, "k", fetch)
		}(i)
	}
	// Let the goroutines pile up on the one fetch, then release it.
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
	for _, r := range results {
		assert.Equal(t, "v", r)
	}
}

func TestWithCacheRejectsNegativeTTL(t *testing.T) {
	_, err := NewClient("app", "token", WithCache(-time.Second))
	assert.Error(t, err)
}
