package redistest_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
)

// A Cut with Match counts only the write commands it matches: the second SET of a
// key named m… is cut after Redis applied it, and the other SETs pass.
func TestProxyCutsTheNthMatchingWrite(t *testing.T) {
	rdb, _ := redistest.Client(t)
	proxy := redistest.NewProxy(t, rdb.Options().Addr)
	opt := *rdb.Options()
	opt.Addr, opt.MaxRetries = proxy.Addr(), -1
	c := redis.NewClient(&opt)
	defer c.Close()
	ctx := context.Background()

	proxy.Arm(redistest.Cut{N: 2, Match: func(cmd []byte) bool { return bytes.Contains(cmd, []byte("$2\r\nm")) }})
	for _, key := range []string{"x1", "m1", "x2", "m2", "x3"} {
		err := c.Set(ctx, key, "v", 0).Err()
		if cut := key == "m2"; cut != (err != nil) {
			t.Errorf("SET %s: %v, want a cut connection: %t", key, err, cut)
		}
	}
	if n := proxy.Cuts(); n != 1 {
		t.Errorf("Cuts() = %d, want 1", n)
	}
	if n, err := rdb.Exists(ctx, "x1", "m1", "x2", "m2", "x3").Result(); err != nil || n != 5 {
		t.Errorf("EXISTS = %d, %v; want every key stored, m2 too", n, err)
	}
}
