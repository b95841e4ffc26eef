package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
)

// readBillingLog returns the kinds and tids of the events in the billing log name.
func readBillingLog(t *testing.T, name string) (kinds []tcredit.BillingKind, tids []string) {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, tcredit.ReadBillingLog(f, func(e tcredit.BillingEvent) error {
		kinds = append(kinds, e.Kind)
		tids = append(tids, e.TID)
		return nil
	}))
	return kinds, tids
}

func TestQueryBillingLog(t *testing.T) {
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	o := runCLI(t, testEnv(t), lines("demo-success", "pa55-word-9"), "--sandbox", "query", "110100", "--login-type", "1", "--billing-log", name)
	require.Equal(t, exitOK, o.code, o.stderr)
	tid := tidLine.FindStringSubmatch(o.stderr)[1]

	kinds, tids := readBillingLog(t, name)
	assert.Equal(t, []tcredit.BillingKind{tcredit.BillingAttempt, tcredit.BillingCreated, tcredit.BillingSucceeded}, kinds)
	assert.Equal(t, []string{"", tid, tid}, tids)
	raw, err := os.ReadFile(name)
	require.NoError(t, err)
	for _, secret := range []string{"pa55-word-9", "demo-success", "sandbox-token", "password", "account"} {
		assert.NotContains(t, string(raw), secret)
	}
	fi, err := os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestGetBillingLogFromTheEnvironment(t *testing.T) {
	srv := newServer(t)
	first := filepath.Join(t.TempDir(), "first.jsonl")
	e := withCredentials(testEnv(t), srv)
	env := e.getenv
	e.getenv = func(key string) string {
		if key == "TCREDIT_BILLING_LOG" {
			return first
		}
		return env(key)
	}
	o := runCLI(t, e, lines("demo-crawl-failure", "pw"), "query", "110100", "--login-type", "1")
	require.Equal(t, exitTaskFailed, o.code, o.stderr)
	tid := tidLine.FindStringSubmatch(o.stderr)[1]
	kinds, _ := readBillingLog(t, first)
	assert.Equal(t, []tcredit.BillingKind{tcredit.BillingAttempt, tcredit.BillingCreated, tcredit.BillingFailed}, kinds)

	second := filepath.Join(t.TempDir(), "second.jsonl")
	o = runCLI(t, e, nil, "get", tid, "--billing-log", second)
	require.Equal(t, exitTaskFailed, o.code, o.stderr)
	kinds, tids := readBillingLog(t, second)
	assert.Equal(t, []tcredit.BillingKind{tcredit.BillingFailed}, kinds, "the flag before the variable; get records the end it sees")
	assert.Equal(t, []string{tid}, tids)
}

func TestBillingLogCannotBeOpened(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "--sandbox", "query", "110100", "--billing-log", "/no/such/dir/billing.jsonl")
	assert.Equal(t, exitError, o.code)
	assert.Contains(t, o.lastLine(), "tcredit: billing log: open /no/such/dir/billing.jsonl: no such file or directory")
}
