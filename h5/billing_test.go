package h5_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// TestFlowRecordsBilling runs a login with an SMS code through the pages of a client
// that keeps a billing log, and checks the record and that it holds no secret.
func TestFlowRecordsBilling(t *testing.T) {
	sandbox := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	t.Cleanup(sandbox.Close)
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	billing, err := tcredit.OpenBillingLog(name)
	require.NoError(t, err)
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL), tcredit.WithBillingRecorder(billing))
	require.NoError(t, err)
	handler := h5.NewHandler(client, h5.Options{
		Store:           h5.NewMemoryStore(0),
		PollInterval:    100 * time.Millisecond,
		QueryOptions:    []tcredit.QueryOption{tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)},
		InsecureDevHTTP: true,
		NoConsent:       true,
	})
	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", handler))
	e := &env{t: t, sandbox: sandbox, handler: handler, server: httptest.NewServer(mux)}
	t.Cleanup(func() {
		e.server.Close()
		handler.Close()
	})

	b := e.browser()
	b.login("110100", "1", map[string]string{"account": "demo-sms-challenge", "password": "pw-h5-secret"})
	require.Equal(t, "sms", b.waitStep())
	code := b.get("code")
	b.post("code", url.Values{"csrf": {csrf(t, code)}, "code": {tcredittest.SMSCode}})
	require.Equal(t, "done", b.waitStep())
	e.server.Close()
	handler.Close()
	require.NoError(t, billing.Close())

	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	var kinds []tcredit.BillingKind
	require.NoError(t, tcredit.ReadBillingLog(f, func(ev tcredit.BillingEvent) error {
		kinds = append(kinds, ev.Kind)
		return nil
	}))
	assert.Equal(t, []tcredit.BillingKind{tcredit.BillingAttempt, tcredit.BillingCreated, tcredit.BillingSucceeded}, kinds)
	raw, err := os.ReadFile(name)
	require.NoError(t, err)
	for _, secret := range []string{"pw-h5-secret", "demo-sms-challenge", tcredittest.SMSCode, sandbox.TokenID()} {
		assert.NotContains(t, string(raw), secret)
	}
}
