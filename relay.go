package tcredit

import "errors"

// WakeRelay carries the wake-ups of Client.Notify to the other processes of a service,
// so that a callback that reaches one replica wakes the Wait on its task in whichever
// replica runs it. Package github.com/tcredit-go/tcredit/redisstore relays them over
// Redis pub/sub.
type WakeRelay interface {
	// Relay tells the other processes that a callback came for the task tid; each of
	// them then calls Client.NotifyRelayed(tid). It is called by Notify and must not
	// block for long; a wake-up it loses only delays a Wait to its next poll.
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

// NotifyRelayed is Notify for a callback that reached another process and was relayed
// here: it wakes the Wait or Query on tid in this process, coalesced as Notify's
// wake-ups are, and relays nothing. Notify relays, so a WakeRelay that passed a relayed
// wake-up to it would send it round the replicas for ever: NotifyRelayed is what a
// WakeRelay calls on the receiving side, and a callback handler calls Notify. Like
// Notify, it ignores a tid that is empty or longer than 64 bytes.
func (c *Client) NotifyRelayed(tid string) {
	if tid == "" || len(tid) > maxNotifyTID {
		return
	}
	c.waiters.wake(tid)
}

// Wake is NotifyRelayed.
//
// Deprecated: Use NotifyRelayed, the same call under the verb of Notify. Wake will be
// removed before version 1.0.
func (c *Client) Wake(tid string) { c.NotifyRelayed(tid) }
