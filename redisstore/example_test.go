package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
)

// Each replica of a service: sessions on Redis, callbacks' wake-ups shared.
func ExampleNew() {
	ctx := context.Background()
	appID, tokenID := os.Getenv("TCREDIT_APP_ID"), os.Getenv("TCREDIT_TOKEN_ID")
	mux := http.NewServeMux()
	onResult := func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {}
	agreement := h5.Consent{Title: "《个人公积金信息查询授权协议》", URL: "https://lender.example/agreement", Version: "2024-03"}

	// BEGIN README.md replicas
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
	relay := redisstore.NewWakeRelay(rdb)
	client, err := tcredit.NewClient(appID, tokenID, tcredit.WithWakeRelay(relay))
	if err != nil {
		log.Fatal(err)
	}
	if err := relay.Subscribe(ctx, client, nil); err != nil {
		log.Fatal(err)
	}
	defer relay.Close()
	h := h5.NewHandler(client, h5.Options{Store: redisstore.New(rdb), Consent: &agreement, OnResult: onResult})
	defer h.Close()
	mux.Handle("/fund/", http.StripPrefix("/fund", h))
	mux.Handle("POST /fund/callback", tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
		client.Notify(cb)
		return nil
	}, tcredit.WithCallbackSecret(os.Getenv("TCREDIT_CALLBACK_SECRET"))))
	// END README.md replicas
}

// TestReadmesShowTheExample keeps the "Several replicas" sections of both READMEs,
// the package documentation's snippet and ExampleNew, which compiles, word for word
// the same.
func TestReadmesShowTheExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(src), "// BEGIN README.md replicas\n")
	require.True(t, ok)
	snippet, _, ok := strings.Cut(rest, "\t// END README.md replicas")
	require.True(t, ok)
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(snippet, "\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	want := "```go\n" + strings.Join(lines, "\n") + "\n```"
	for _, name := range []string{"../README.md", "../README.zh-CN.md"} {
		readme, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Contains(t, string(readme), want, name)
	}
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var docLines []string // the first code block of the package doc
	for _, l := range strings.Split(string(doc), "\n") {
		code, ok := strings.CutPrefix(l, "//\t")
		if !ok && len(docLines) > 0 {
			break
		}
		if ok {
			docLines = append(docLines, code)
		}
	}
	assert.Equal(t, strings.Join(lines, "\n"), strings.Join(docLines, "\n"), "doc.go's snippet is ExampleNew's")
}

// On a Redis Cluster: the same, with a cluster client.
func ExampleNew_cluster() {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{"redis-0:6379", "redis-1:6379", "redis-2:6379"},
	})
	store := redisstore.New(rdb)
	relay := redisstore.NewWakeRelay(rdb)
	_, _ = store, relay
}

// A rotation signs with a new key at once, and keeps the key it replaces for
// checking the forms signed before, for the overlap.
func ExampleStore_RotateSigningKey() {
	ctx := context.Background()
	server, err := miniredis.Run() // stands for the service's Redis
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	store := redisstore.New(redis.NewClient(&redis.Options{Addr: server.Addr()}))

	before, err := store.SigningKeys(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.RotateSigningKey(ctx, 30*time.Minute); err != nil {
		log.Fatal(err)
	}
	after, err := store.SigningKeys(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(before), len(after))
	fmt.Println("signs with a new key:", !bytes.Equal(after[0], before[0]))
	fmt.Println("checks with the old one:", bytes.Equal(after[1], before[0]))
	// Output:
	// 1 2
	// signs with a new key: true
	// checks with the old one: true
}
