package tcredit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chanRelay relays wake-ups to the clients of other processes, in memory.
type chanRelay struct {
	tids []string
	to   []*Client
}

func (r *chanRelay) Relay(tid string) {
	r.tids = append(r.tids, tid)
	for _, c := range r.to {
		c.NotifyRelayed(tid)
	}
}

func TestWakeRelay(t *testing.T) {
	_, err := NewClient("app", "token", WithWakeRelay(nil))
	assert.Error(t, err)

	relay := &chanRelay{}
	a, err := NewClient("app", "token", WithWakeRelay(relay))
	require.NoError(t, err)
	b, err := NewClient("app", "token")
	require.NoError(t, err)
	relay.to = []*Client{b}

	onB := b.waiters.add("t1")
	defer b.waiters.remove("t1", onB)
	a.Notify(Callback{TID: "t1"}) // the callback lands on A; the wait runs on B
	assert.True(t, b.waiters.woken(onB), "the wait on the other process is woken")
	assert.Equal(t, []string{"t1"}, relay.tids)

	onA := a.waiters.add("t2")
	defer a.waiters.remove("t2", onA)
	a.NotifyRelayed("t2")
	assert.True(t, a.waiters.woken(onA), "NotifyRelayed wakes this process's waits")
	assert.Equal(t, []string{"t1"}, relay.tids, "and relays nothing")

	a.waiters.answered(onA)
	require.False(t, a.waiters.woken(onA))
	a.Wake("t2")
	assert.True(t, a.waiters.woken(onA), "Wake, deprecated, is NotifyRelayed")
	assert.Equal(t, []string{"t1"}, relay.tids)
}
