package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestServeMetrics(t *testing.T) {
	defer goleak.VerifyNone(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, config{step: time.Millisecond, poll: time.Second, metrics: "127.0.0.1:0"}, pw)
		pw.Close()
	}()
	printed := regexp.MustCompile(`metrics at (http://\S+/metrics)`)
	found := make(chan string, 1)
	go func() { // finds the address printed, and reads the rest of the output
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if m := printed.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	metricsURL := <-found
	require.NotEmpty(t, metricsURL)

	resp, err := http.Get("http://" + ln.Addr().String() + "/") // the city list
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Get(metricsURL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `tcredit_client_call_duration_seconds_count{`)
	assert.Contains(t, string(body), `tcredit_endpoint="getFundCitysB"`)
	http.DefaultClient.CloseIdleConnections()

	cancel()
	require.NoError(t, <-done)
}
