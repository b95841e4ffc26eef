package tcredit

import "errors"

// WakeRelay carries the wake-ups of Client.Notify to the other processes of a service,
// so that a callback that reaches one replica wakes the Wait on its task in whichever
// replica runs it. Package github.com/tcredit-go/tcredit/redisstore relays them over
// Redis pub/sub.
type WakeRelay interface {
	// Relay tells the other processes that a callback came for the task tid; each of
	// them then calls Client.Wake(tid). It is called by Notify and must not block for
	// long; a wake-up it loses only delays a Wait to its next poll.
	Relay(tid string)
}

// WithWakeRelay makes Notify hand each wake-up to r as well, for the waits of other
// processes.
func WithWakeRelay(r WakeRelay) Option {
	return func(c *Client) error {
		if r == nil {
			return errors.New("wake relay is nil")
		}
		c.relay = r
		return nil
	}
}

// Wake wakes the Wait or Query on tid in this process, as Notify does, but relays
// nothing: it is what a WakeRelay calls for a wake-up relayed from another process.
// Like Notify, it ignores a tid that is empty or longer than 64 bytes.
func (c *Client) Wake(tid string) {
	if tid == "" || len(tid) > maxNotifyTID {
		return
	}
	c.waiters.wake(tid)
}
