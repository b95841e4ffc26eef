package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// replica is one process of a service: its client, subscribed to the relay.
func replica(t *testing.T, rdb redis.UniversalClient, sandbox *tcredittest.Server) *tcredit.Client {
	t.Helper()
	relay := redisstore.NewWakeRelay(rdb, redisstore.WithPrefix("relaytest:"))
	c, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL), tcredit.WithWakeRelay(relay))
	require.NoError(t, err)
	require.NoError(t, relay.Subscribe(context.Background(), c, nil))
	t.Cleanup(func() { relay.Close() })
	return c
}

// A callback posted to replica A wakes the Wait on its task in replica B at once,
// though B would poll again only a minute later.
func TestCallbackOnOneReplicaWakesAWaitOnAnother(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		sandbox := tcredittest.NewServer(tcredittest.WithStep(20 * time.Millisecond))
		defer sandbox.Close()
		a, b := replica(t, rdb, sandbox), replica(t, rdb, sandbox)
		callbacks := httptest.NewServer(tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
			a.Notify(cb)
			return nil
		}))
		defer callbacks.Close()

		tid, err := a.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success", Password: "pw"})
		require.NoError(t, err)
		firstPoll := make(chan struct{}, 1)
		type ended struct {
			res *tcredit.FundResult
			err error
			at  time.Time
		}
		done := make(chan ended, 1)
		go func() {
			res, err := b.Wait(ctx, tid, tcredit.WithPollInterval(time.Minute, time.Minute),
				tcredit.OnStatus(func(*tcredit.FundResult) {
					select {
					case firstPoll <- struct{}{}:
					default:
					}
				}))
			done <- ended{res, err, time.Now()}
		}()
		<-firstPoll
		require.Eventually(t, func() bool {
			task, _ := sandbox.Task(tid)
			return task.Code == int(tcredit.CodeDone)
		}, 5*time.Second, time.Millisecond, "the task ends while B sleeps")

		posted := time.Now()
		resp, err := http.PostForm(callbacks.URL, url.Values{"tid": {tid}, "status": {"40001"}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		select {
		case e := <-done:
			require.NoError(t, e.err)
			assert.Equal(t, tcredit.CodeDone, e.res.Code)
			took := e.at.Sub(posted)
			t.Logf("the callback on A woke the wait on B in %v", took)
			assert.Less(t, took, 200*time.Millisecond)
		case <-time.After(5 * time.Second):
			t.Fatal("the wait on B was not woken")
		}
	})
}

func TestRelaySubscribesOnceAndCloses(t *testing.T) {
	rdb, _ := miniRedis(t)
	sandbox := tcredittest.NewServer()
	defer sandbox.Close()
	relay := redisstore.NewWakeRelay(rdb)
	c, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithWakeRelay(relay))
	require.NoError(t, err)
	require.NoError(t, relay.Subscribe(context.Background(), c, nil))
	assert.Error(t, relay.Subscribe(context.Background(), c, nil), "once")
	for _, junk := range []string{"", "no-space", "origin "} {
		require.NoError(t, rdb.Publish(context.Background(), redisstore.DefaultPrefix+"wake", junk).Err())
	}
	relay.Relay("t1")
	require.NoError(t, relay.Close())
	require.NoError(t, relay.Close(), "Close twice")
}

// On a cluster, a wake-up published through one node reaches the subscribers of
// every node, and a subscription through the cluster client (the relay's) gets the
// messages published on any node: a replica gets a wake-up whichever nodes its
// subscription and the publisher are on.
func TestRelayReachesEveryClusterNode(t *testing.T) {
	rdb := redistest.Backends[1].Open(t).(*redis.ClusterClient)
	ctx := context.Background()
	var mu sync.Mutex
	var subs []*redis.PubSub
	require.NoError(t, rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		sub := node.Subscribe(ctx, "nodetest:wake")
		if _, err := sub.Receive(ctx); err != nil {
			return err
		}
		mu.Lock()
		subs = append(subs, sub)
		mu.Unlock()
		return nil
	}))
	require.Len(t, subs, 3, "three masters")
	for _, sub := range subs {
		defer sub.Close()
	}

	viaCluster := rdb.Subscribe(ctx, "nodetest:wake")
	defer viaCluster.Close()
	_, err := viaCluster.Receive(ctx)
	require.NoError(t, err)

	redisstore.NewWakeRelay(rdb, redisstore.WithPrefix("nodetest:")).Relay("t1")
	for i, sub := range append(subs, viaCluster) {
		select {
		case m := <-sub.Channel():
			_, tid, _ := strings.Cut(m.Payload, " ")
			assert.Equal(t, "t1", tid, "subscriber %d", i)
		case <-time.After(5 * time.Second):
			t.Fatalf("subscriber %d got no wake-up", i)
		}
	}

	// Published on each node in turn, every message reaches the cluster client's
	// subscription.
	require.NoError(t, rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		return node.Publish(ctx, "nodetest:wake", "other "+node.Options().Addr).Err()
	}))
	got := map[string]bool{}
	for len(got) < 3 {
		select {
		case m := <-viaCluster.Channel():
			got[m.Payload] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("the cluster client's subscription got %d of the 3 nodes' messages", len(got))
		}
	}
}
