package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit"
)

// publishTimeout bounds the publication of one wake-up.
const publishTimeout = 2 * time.Second

// WakeRelay is a tcredit.WakeRelay over Redis pub/sub: the wake-up of a callback that
// reaches one replica's Client.Notify is published on a channel, and every replica
// subscribed to it wakes the waits on that task with Client.NotifyRelayed.
type WakeRelay struct {
	rdb     redis.UniversalClient
	channel string
	origin  string // names this relay in its messages, so that it skips its own
	log     *slog.Logger

	mu     sync.Mutex
	sub    *redis.PubSub
	done   chan struct{}
	closed bool
}

var _ tcredit.WakeRelay = (*WakeRelay)(nil)

// NewWakeRelay returns a WakeRelay on rdb. Give it to tcredit.WithWakeRelay, then
// call Subscribe with the client.
func NewWakeRelay(rdb redis.UniversalClient, opts ...Option) *WakeRelay {
	c := newConfig(opts)
	var b [8]byte
	rand.Read(b[:])
	return &WakeRelay{rdb: rdb, channel: c.prefix + "wake", origin: hex.EncodeToString(b[:]),
		log: slog.New(slog.DiscardHandler)}
}

// Relay publishes the wake-up of the task tid to the other replicas. A failure is
// logged by Subscribe's logger and otherwise ignored: the waits poll on.
func (r *WakeRelay) Relay(tid string) {
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := r.rdb.Publish(ctx, r.channel, r.origin+" "+tid).Err(); err != nil {
		r.logger().Warn("redisstore: wake-up not published", "tid", tid, "error", err)
	}
}

func (r *WakeRelay) logger() *slog.Logger {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log
}

// Subscribe subscribes to the wake-ups of every replica and passes those of the others
// to c.NotifyRelayed, until Close. It returns once the subscription is in place. logger, if
// not nil, receives the failures to publish.
func (r *WakeRelay) Subscribe(ctx context.Context, c *tcredit.Client, logger *slog.Logger) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.done != nil {
		return errors.New("redisstore: relay closed or subscribed already")
	}
	if logger != nil {
		r.log = logger
	}
	sub := r.rdb.Subscribe(ctx, r.channel)
	if _, err := sub.Receive(ctx); err != nil { // the subscription's confirmation
		sub.Close()
		return err
	}
	r.sub, r.done = sub, make(chan struct{})
	go r.listen(sub.Channel(), c, r.done)
	return nil
}

// listen wakes c for each message of another relay, until the subscription closes.
func (r *WakeRelay) listen(msgs <-chan *redis.Message, c *tcredit.Client, done chan struct{}) {
	defer close(done)
	for m := range msgs {
		origin, tid, ok := strings.Cut(m.Payload, " ")
		if ok && origin != r.origin && tid != "" {
			c.NotifyRelayed(tid)
		}
	}
}

// Close ends the subscription.
func (r *WakeRelay) Close() error {
	r.mu.Lock()
	r.closed = true
	sub, done := r.sub, r.done
	r.sub = nil
	r.mu.Unlock()
	if sub == nil {
		return nil
	}
	err := sub.Close()
	<-done
	return err
}
