package tcredit_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// readLog returns the events of a billing log file.
func readLog(t *testing.T, name string) []tcredit.BillingEvent {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	var events []tcredit.BillingEvent
	require.NoError(t, tcredit.ReadBillingLog(f, func(e tcredit.BillingEvent) error {
		events = append(events, e)
		return nil
	}))
	return events
}

func openLog(t *testing.T, name string) *tcredit.BillingLog {
	t.Helper()
	l, err := tcredit.OpenBillingLog(name)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

func TestBillingLogIsIdempotent(t *testing.T) {
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	at := time.Date(2026, 3, 15, 10, 4, 5, 0, time.UTC)
	events := []tcredit.BillingEvent{
		{Attempt: "a1", Kind: tcredit.BillingAttempt, AppID: "app", AreaCode: "110100", Time: at},
		{Attempt: "a1", Kind: tcredit.BillingCreated, AppID: "app", AreaCode: "110100", TID: "T1", SeqNum: "S1", Time: at},
		{Attempt: "a1", Kind: tcredit.BillingSucceeded, AppID: "app", TID: "T1", Code: tcredit.CodeDone, Time: at},
	}
	l := openLog(t, name)
	ctx := context.Background()
	for _, e := range events {
		require.NoError(t, l.RecordBilling(ctx, e))
		require.NoError(t, l.RecordBilling(ctx, e))
	}
	endWithoutAttempt := events[2]
	endWithoutAttempt.Attempt = ""
	require.NoError(t, l.RecordBilling(ctx, endWithoutAttempt), "an end is the same by its tid")
	require.NoError(t, l.Close())
	assert.Equal(t, events, readLog(t, name))

	l = openLog(t, name)
	for _, e := range events {
		require.NoError(t, l.RecordBilling(ctx, e), "reopened, it knows what the file holds")
	}
	more := tcredit.BillingEvent{Attempt: "a2", Kind: tcredit.BillingAttempt, AppID: "app", AreaCode: "110100", Time: at}
	require.NoError(t, l.RecordBilling(ctx, more))
	require.NoError(t, l.Close())
	assert.Equal(t, append(events, more), readLog(t, name))

	raw, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, `{"attempt":"a1","kind":"created","app_id":"app","area_code":"110100","tid":"T1","seq_num":"S1","time":"2026-03-15T10:04:05Z"}`,
		strings.Split(string(raw), "\n")[1], "the line's format is documented")
}

func TestBillingLogCutsATornLastLine(t *testing.T) {
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	whole := `{"attempt":"a1","kind":"attempt","app_id":"app","area_code":"110100","time":"2026-03-15T10:04:05Z"}` + "\n"
	require.NoError(t, os.WriteFile(name, []byte(whole+`{"attempt":"a2","ki`), 0o600))
	l := openLog(t, name)
	e := tcredit.BillingEvent{Attempt: "a2", Kind: tcredit.BillingAttempt, AppID: "app", AreaCode: "110100", Time: time.Date(2026, 3, 15, 10, 4, 6, 0, time.UTC)}
	require.NoError(t, l.RecordBilling(context.Background(), e))
	require.NoError(t, l.Close())
	got := readLog(t, name)
	require.Len(t, got, 2)
	assert.Equal(t, e, got[1])
}

func TestBillingLogRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "billing.jsonl")
	require.NoError(t, os.WriteFile(name, []byte("{\"kind\":\"attempt\",\"app_id\":\"a\",\"time\":\"2026-03-15T10:04:05Z\"}\n"), 0o600))
	_, err := tcredit.OpenBillingLog(name)
	assert.ErrorContains(t, err, "line 1: a attempt event without an attempt id")

	l := openLog(t, filepath.Join(dir, "other.jsonl"))
	for _, bad := range []tcredit.BillingEvent{
		{Kind: "charged", Attempt: "a"},
		{Kind: tcredit.BillingCreated, Attempt: "a"},
		{Kind: tcredit.BillingFailed},
	} {
		assert.Error(t, l.RecordBilling(context.Background(), bad), bad.Kind)
	}
	require.NoError(t, l.Close())
	assert.ErrorContains(t, l.RecordBilling(context.Background(), tcredit.BillingEvent{Kind: tcredit.BillingAttempt, Attempt: "a", Time: time.Now()}), "closed")
}

func TestBillingLogConcurrentAppends(t *testing.T) {
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	l := openLog(t, name)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				e := tcredit.BillingEvent{Attempt: string(rune('a'+g)) + string(rune('0'+i)), Kind: tcredit.BillingAttempt, AppID: "app", Time: time.Now()}
				assert.NoError(t, l.RecordBilling(context.Background(), e))
				assert.NoError(t, l.RecordBilling(context.Background(), e))
			}
		}()
	}
	wg.Wait()
	require.NoError(t, l.Close())
	assert.Len(t, readLog(t, name), 80, "each event once, each line whole")
}

// TestBillingLogThroughQuery runs every kind of task through Query, Wait and GetFund
// with a billing log, and checks the record against the sandbox's own billing, and the
// file for every secret the queries sent.
func TestBillingLogThroughQuery(t *testing.T) {
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	l := openLog(t, name)
	sb := newSandbox(t, false, tcredit.WithBillingRecorder(l))
	ctx := context.Background()
	poll := tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)

	idCard := tcredittest.DemoAccounts()[0].IDCard
	byID := tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 2, IDCard: idCard, Password: "pw-by-id-card"}
	_, err := sb.client.Query(ctx, byID, poll)
	require.NoError(t, err)
	_, err = sb.client.Query(ctx, login("demo-sms-challenge"), poll, sb.answer(t))
	require.NoError(t, err)
	_, err = sb.client.Query(ctx, login("demo-wrong-password"), poll)
	require.ErrorAs(t, err, new(*tcredit.TaskError))
	_, err = sb.client.Query(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success"}, poll,
		tcredit.WithLoginMethod(tcredit.LoginMethod{AreaCode: "330100", LoginType: 1}))
	require.Error(t, err, "the sandbox refuses a form without its required fields")

	tid, err := sb.client.CreateTask(ctx, login("demo-crawl-failure"))
	require.NoError(t, err)
	_, err = sb.client.Wait(ctx, tid, poll)
	require.ErrorAs(t, err, new(*tcredit.TaskError))

	sb.srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB"})
	_, err = sb.client.CreateTask(ctx, login("demo-success"))
	require.ErrorIs(t, err, tcredit.ErrOutcomeUnknown)
	require.NoError(t, l.Close())

	events := readLog(t, name)
	count := map[tcredit.BillingKind]int{}
	attempts := map[string]bool{}
	for _, e := range events {
		count[e.Kind]++
		assert.Equal(t, sb.srv.AppID(), e.AppID)
		if e.Kind == tcredit.BillingAttempt {
			attempts[e.Attempt] = true
		} else if !e.Kind.IsEnd() {
			assert.True(t, attempts[e.Attempt], "%s follows its attempt", e.Kind)
		}
	}
	tasks := sb.srv.Tasks()
	assert.Equal(t, 6, count[tcredit.BillingAttempt])
	assert.Equal(t, len(tasks)-1, count[tcredit.BillingCreated], "every task but the one whose answer was lost")
	assert.Equal(t, 1, count[tcredit.BillingUnknown])
	assert.Equal(t, 1, count[tcredit.BillingRefused])
	assert.Equal(t, 2, count[tcredit.BillingSucceeded])
	assert.Equal(t, 2, count[tcredit.BillingFailed])
	assert.Equal(t, sb.srv.Billed(sb.srv.AppID()), count[tcredit.BillingSucceeded]+count[tcredit.BillingUnknown],
		"the sandbox bills the successes and the task whose answer was lost")

	raw, err := os.ReadFile(name)
	require.NoError(t, err)
	for _, secret := range []string{"pw-123456", "pw-by-id-card", idCard, "demo-", tcredittest.SMSCode, sb.srv.TokenID(), "password", "account", "id_card"} {
		assert.False(t, bytes.Contains(raw, []byte(secret)), "the billing log holds %q", secret)
	}
}

func TestReadBillingLogStopsAtTheFirstError(t *testing.T) {
	in := `{"attempt":"a1","kind":"attempt","app_id":"app","time":"2026-03-15T10:04:05Z"}` + "\n\n" + `not json` + "\n"
	n := 0
	err := tcredit.ReadBillingLog(strings.NewReader(in), func(tcredit.BillingEvent) error { n++; return nil })
	assert.ErrorContains(t, err, "line 3")
	assert.Equal(t, 1, n)

	stop := errors.New("stop")
	assert.Equal(t, stop, tcredit.ReadBillingLog(strings.NewReader(in), func(tcredit.BillingEvent) error { return stop }))
}

// BenchmarkCreateTaskBilling measures what the billing record adds to a create: none
// (the baseline), a recorder in memory, and a BillingLog, which syncs the file to disk
// twice per create (the attempt and the outcome). The API answers in process.
func BenchmarkCreateTaskBilling(b *testing.B) {
	for _, bc := range []struct {
		name string
		rec  func(b *testing.B) tcredit.BillingRecorder
	}{
		{"none", nil},
		{"memory", func(*testing.B) tcredit.BillingRecorder { return discardRecorder{} }},
		{"log", func(b *testing.B) tcredit.BillingRecorder {
			l, err := tcredit.OpenBillingLog(filepath.Join(b.TempDir(), "billing.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { l.Close() })
			return l
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []tcredit.Option{tcredit.WithHTTPClient(exampleHTTPClient(nil))}
			if bc.rec != nil {
				opts = append(opts, tcredit.WithBillingRecorder(bc.rec(b)))
			}
			client, err := tcredit.NewClient("APP-0001", "TOKEN-123", opts...)
			if err != nil {
				b.Fatal(err)
			}
			req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "secret"}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := client.CreateTask(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discardRecorder records nothing.
type discardRecorder struct{}

func (discardRecorder) RecordBilling(context.Context, tcredit.BillingEvent) error { return nil }
