package metrics_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/examples/internal/metrics"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestServeShowsTheClientsMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	instrument, addr, err := metrics.Serve(ctx, "127.0.0.1:0")
	require.NoError(t, err)
	srv := tcredittest.NewServer()
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL), instrument)
	require.NoError(t, err)
	_, err = client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "pw", SubArea: "1"})
	require.NoError(t, err)

	resp, err := http.Get("http://" + addr.String() + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	text := string(body)
	assert.Contains(t, text, `tcredit_tasks_billed_total{otel_scope_name="github.com/tcredit-go/tcredit/tcreditotel"`)
	assert.Contains(t, text, `tcredit_client_call_duration_seconds_bucket{`)
	assert.Contains(t, text, `tcredit_endpoint="createFundSearchTaskB"`)
	assert.NotContains(t, text, "demo-success")
}
