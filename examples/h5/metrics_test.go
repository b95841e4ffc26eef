package main

import (
	"io"
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
	addr, lines, stop := serveInBackground(t, config{step: time.Millisecond, poll: time.Second, metrics: "127.0.0.1:0"})
	printed := regexp.MustCompile(`metrics at (http://\S+/metrics)`)
	var metricsURL string
	for line := range lines {
		if m := printed.FindStringSubmatch(line); m != nil {
			metricsURL = m[1]
			break
		}
	}
	require.NotEmpty(t, metricsURL)

	resp, err := http.Get("http://" + addr + "/") // the city list
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Get(metricsURL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `tcredit_client_call_duration_seconds_count{`)
	assert.Contains(t, string(body), `tcredit_endpoint="getFundCitysB"`)
	stop()
}
