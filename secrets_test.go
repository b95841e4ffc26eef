package tcredit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// keyRecorder is a transport that notes every tokenKey and code sent, so that the test
// can look for them in the logs.
type keyRecorder struct {
	mu    sync.Mutex
	keys  []string
	codes []string
	next  http.RoundTripper
}

func (k *keyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys = append(k.keys, form.Get("tokenKey"))
	if c := form.Get("code"); c != "" {
		k.codes = append(k.codes, c)
	}
	k.mu.Unlock()
	return k.next.RoundTrip(req)
}

// TestNoSecretInLogsOrErrors runs every sandbox scenario through Query with a debug
// logger, a few injected faults and every way of printing the errors, and looks for
// secrets and personal data in everything printed.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	const (
		password = "Pw-Secret-7731"
		realName = "欧阳娜娜"
		mobile   = "13912345678"
	)
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	rec := &keyRecorder{next: http.DefaultTransport}
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL), tcredit.WithLogger(logger),
		tcredit.WithHTTPClient(&http.Client{Transport: rec}),
		tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}))
	require.NoError(t, err)

	// A city whose form asks for ID card, name and mobile, so that all three are sent.
	method, areaCode := findMethod(t, client, "id_card", "real_name", "mobile")
	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Endpoint: "getFundB", Rate: 0.2})

	var printed strings.Builder
	var tids, idCards []string
	for _, acct := range tcredittest.DemoAccounts() {
		req := tcredit.CreateTaskRequest{AreaCode: areaCode, LoginType: method.LoginType,
			IDCard: acct.IDCard, RealName: realName, Mobile: mobile, Password: password}
		idCards = append(idCards, acct.IDCard)
		res, err := client.Query(context.Background(), req, tcredit.WithLoginMethod(method),
			tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond),
			tcredit.WithCodeProvider(func(_ context.Context, ch tcredit.Challenge) (string, error) {
				if task, ok := srv.Task(ch.TID); ok && task.Answer != "" {
					return task.Answer, nil
				}
				return tcredittest.SMSCode, nil
			}))
		if res != nil {
			tids = append(tids, res.TID)
		}
		fmt.Fprintf(&printed, "%v\n%+v\n%#v\n%s\n%v %+v %#v\n", err, err, err, req, req, req, req)
		if err != nil {
			printed.WriteString(err.Error() + "\n")
		}
	}
	fmt.Fprintf(&printed, "%v %+v %#v\n", client, client, client)

	logMu.Lock()
	logText := logs.String()
	logMu.Unlock()
	require.Contains(t, logText, `"level":"DEBUG"`, "the debug log was written")
	everything := logText + printed.String()

	// Secrets never appear, in any form.
	assert.NotContains(t, everything, srv.TokenID())
	assert.NotContains(t, everything, password)
	rec.mu.Lock()
	for _, k := range rec.keys {
		assert.NotContains(t, everything, k)
	}
	codes := rec.codes
	rec.mu.Unlock()
	require.NotEmpty(t, codes, "codes were submitted")
	// Personal data appears only masked.
	for _, id := range idCards {
		assert.NotContains(t, everything, id)
		assert.Contains(t, everything, id[:4]+"**********"+id[len(id)-4:])
	}
	assert.NotContains(t, everything, mobile)
	assert.Contains(t, everything, "139****5678")
	assert.NotContains(t, everything, realName)
	assert.Contains(t, everything, "欧***")

	// Codes are short; look for them where they could only be a leak: outside the tids,
	// seqNums and numbers that the logs rightly carry.
	words := withoutIDs(t, logText) + printed.String()
	for _, tid := range tids {
		words = strings.ReplaceAll(words, tid, "<tid>")
	}
	for _, c := range codes {
		assert.NotContains(t, words, c)
	}
}

// findMethod returns the first login method, and its city, whose form has all names.
func findMethod(t *testing.T, client *tcredit.Client, names ...string) (tcredit.LoginMethod, string) {
	t.Helper()
	cities, err := client.Cities(context.Background())
	require.NoError(t, err)
	for _, city := range cities {
		if !city.Available() {
			continue
		}
		methods, err := client.LoginMethods(context.Background(), city.AreaCode)
		require.NoError(t, err)
		for _, m := range methods {
			has := map[string]bool{}
			for _, p := range m.LoginParams {
				has[p.Name] = true
			}
			all := true
			for _, n := range names {
				all = all && has[n]
			}
			if all {
				return m, city.AreaCode
			}
		}
	}
	t.Fatalf("no city asks for %v", names)
	return tcredit.LoginMethod{}, ""
}

// withoutIDs rewrites JSON log lines without the attributes that carry identifiers and
// numbers (tid, seqNum, durations, counters), keeping the text ones.
func withoutIDs(t *testing.T, logText string) string {
	t.Helper()
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(logText), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		for k, v := range rec {
			switch v.(type) {
			case string:
				if k == "tid" || k == "seqNum" || k == "time" {
					continue
				}
				fmt.Fprintf(&out, "%s=%v\n", k, v)
			case map[string]any:
				b, _ := json.Marshal(v)
				fmt.Fprintf(&out, "%s=%s\n", k, b)
			}
		}
	}
	return out.String()
}

// lockedWriter serialises writes from concurrent loggers.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
