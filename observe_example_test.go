package tcredit_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit"
)

// callCounter is an Observer that counts the calls of each endpoint and the answers by
// API status, and ignores the rest.
type callCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (o *callCounter) EndCall(_ context.Context, c tcredit.CallInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls[fmt.Sprintf("%s status %d", c.Endpoint, c.Status)]++
}

func (o *callCounter) StartCall(ctx context.Context, _ tcredit.CallInfo) context.Context { return ctx }
func (o *callCounter) StartQuery(ctx context.Context, _ tcredit.QueryInfo) context.Context {
	return ctx
}
func (o *callCounter) EndQuery(context.Context, tcredit.QueryInfo)  {}
func (o *callCounter) Attempt(context.Context, tcredit.AttemptInfo) {}
func (o *callCounter) TaskBilled(context.Context, tcredit.TaskInfo) {}
func (o *callCounter) TaskEnded(context.Context, tcredit.TaskInfo)  {}
func (o *callCounter) Woken(context.Context, tcredit.WakeInfo)      {}

func ExampleWithObserver() {
	counter := &callCounter{calls: map[string]int{}}
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123",
		tcredit.WithHTTPClient(exampleHTTPClient(nil)), tcredit.WithObserver(counter))
	if err != nil {
		panic(err)
	}
	for range 2 {
		if _, err := client.GetFund(context.Background(), "e0b3d1b2c6c44a3b9d0f5d6b7e8a9c1d"); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(counter.calls)
	// Output: map[getFundB status 0:2]
}

// ticker lets one request through every interval, as a *rate.Limiter of
// golang.org/x/time/rate does with a burst of 1.
type ticker struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
}

func (t *ticker) Wait(ctx context.Context) error {
	t.mu.Lock()
	at := time.Now()
	if t.next.After(at) {
		at = t.next
	}
	t.next = at.Add(t.every)
	t.mu.Unlock()
	timer := time.NewTimer(time.Until(at))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func ExampleWithRateLimiter() {
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123",
		tcredit.WithHTTPClient(exampleHTTPClient(nil)),
		tcredit.WithRateLimiter(&ticker{every: 10 * time.Millisecond})) // 100 requests a second
	if err != nil {
		panic(err)
	}
	cities, err := client.Cities(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(cities) > 0)
	// Output: true
}
