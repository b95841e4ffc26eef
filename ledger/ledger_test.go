package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// fetchStatement reads the sandbox's statement.
func fetchStatement(t *testing.T, srv *tcredittest.Server) []byte {
	t.Helper()
	resp, err := http.Get(srv.URL + "/statement.csv")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

// TestRunOfQueriesAgainstTheSandbox records a run of queries in a JSON-lines log,
// imports it, and checks the ledger against the sandbox's own billing and statement.
func TestRunOfQueriesAgainstTheSandbox(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	srv := newSandbox(t)
	proxy := newCutProxy(t, srv.URL)
	logName := filepath.Join(t.TempDir(), "billing.jsonl")
	log, err := tcredit.OpenBillingLog(logName)
	require.NoError(t, err)
	client := newClient(t, srv, proxy.URL(), tcredit.WithBillingRecorder(log))
	poll := tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)
	answer := tcredit.WithCodeProvider(func(context.Context, tcredit.Challenge) (string, error) { return tcredittest.SMSCode, nil })

	for _, account := range []string{"demo-success", "demo-partial", "demo-sms-challenge"} {
		_, err := client.Query(ctx, login("110100", account), poll, answer)
		require.NoError(t, err, account)
	}
	for _, account := range []string{"demo-wrong-password", "demo-crawl-failure"} {
		_, err := client.Query(ctx, login("330100", account), poll)
		require.ErrorAs(t, err, new(*tcredit.TaskError), account)
	}
	_, err = client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success"})
	require.ErrorAs(t, err, new(*tcredit.TaskError), "the sandbox refuses a form without its password")
	proxy.cuts.Store(2)
	for _, area := range []string{"110100", "330100"} {
		_, err := client.Query(ctx, login(area, "demo-success"), poll)
		require.ErrorIs(t, err, tcredit.ErrOutcomeUnknown, area)
	}
	require.NoError(t, log.Close())

	l := openLedger(t, dsn)
	f, err := os.Open(logName)
	require.NoError(t, err)
	n, err := l.Import(ctx, f)
	f.Close()
	require.NoError(t, err)
	assert.Equal(t, n.Read, n.Added)
	f, err = os.Open(logName)
	require.NoError(t, err)
	again, err := l.Import(ctx, f)
	f.Close()
	require.NoError(t, err)
	assert.Equal(t, ledger.Imported{Read: n.Read, Added: 0}, again, "importing twice adds nothing")

	s, err := l.Summary(ctx, ledger.Period{}, ledger.ByArea)
	require.NoError(t, err)
	want := ledger.Counts{Attempts: 8, Created: 5, Unknown: 2, Refused: 1, Succeeded: 3, RolledBack: 2, Open: 0}
	assert.Equal(t, want, s.Counts)
	tasks := srv.Tasks()
	assert.Len(t, tasks, int(s.Created+s.Unknown), "the sandbox created a task for each create not refused")
	assert.Equal(t, srv.Billed(srv.AppID()), int(s.Succeeded+s.Unknown),
		"the sandbox bills the successes and the two whose answer was cut (both demo-success)")
	require.Len(t, s.Rows, 2)
	assert.Equal(t, ledger.SummaryRow{Key: "110100", Counts: ledger.Counts{Attempts: 5, Created: 3, Unknown: 1, Refused: 1, Succeeded: 3}}, s.Rows[0])
	assert.Equal(t, ledger.SummaryRow{Key: "330100", Counts: ledger.Counts{Attempts: 3, Created: 2, Unknown: 1, RolledBack: 2}}, s.Rows[1])
	today := time.Now().In(ledger.ChinaTime).Format(time.DateOnly)
	byDay, err := l.Summary(ctx, ledger.Period{From: time.Now(), To: time.Now()}, ledger.ByDay)
	require.NoError(t, err)
	assert.Equal(t, []ledger.SummaryRow{{Key: today, Counts: want}}, byDay.Rows)
	byApp, err := l.Summary(ctx, ledger.Period{To: time.Now().AddDate(0, 0, -1)}, ledger.ByApp)
	require.NoError(t, err)
	assert.Empty(t, byApp.Rows, "nothing before today")
	assert.Zero(t, byApp.Attempts)

	raw := fetchStatement(t, srv)
	st, err := ledger.ReadStatement(bytes.NewReader(raw), nil)
	require.NoError(t, err)
	require.Len(t, st.Rows, 7)
	rec, err := l.Reconcile(ctx, st)
	require.NoError(t, err)
	assert.Equal(t, 7, rec.Matched)
	assert.Equal(t, 5, rec.Charged)
	assert.Empty(t, rec.UnresolvedUnknown)
	assert.Empty(t, rec.MissingFromLedger)
	assert.Empty(t, rec.MissingFromStatement)
	assert.Empty(t, rec.RefundDue)
	assert.Empty(t, rec.Uncharged)
	require.Len(t, rec.ResolvedUnknown, 2)
	// The cut creates are the last two tasks of the sandbox, in 110100 then 330100.
	assert.Equal(t, tasks[5].TID, rec.ResolvedUnknown[0].TID)
	assert.Equal(t, tasks[6].TID, rec.ResolvedUnknown[1].TID)
	assert.NotEqual(t, rec.ResolvedUnknown[0].Attempt, rec.ResolvedUnknown[1].Attempt)

	t.Run("a failed task charged", func(t *testing.T) {
		failed := tasks[3]
		require.Equal(t, "demo-wrong-password", failed.Login)
		edited := strings.Replace(string(raw), failed.TID+",sandbox-app,330100,"+failed.Created.In(ledger.ChinaTime).Format(time.RFC3339)+",50004,false",
			failed.TID+",sandbox-app,330100,"+failed.Created.In(ledger.ChinaTime).Format(time.RFC3339)+",50004,true", 1)
		require.NotEqual(t, string(raw), edited)
		st, err := ledger.ReadStatement(strings.NewReader(edited), nil)
		require.NoError(t, err)
		rec, err := l.Reconcile(ctx, st)
		require.NoError(t, err)
		assert.Equal(t, []string{failed.TID}, rec.RefundDue)
		assert.Equal(t, 6, rec.Matched)
	})
	t.Run("another appId's tasks", func(t *testing.T) {
		l := openLedger(t, dsn)
		now := time.Now()
		require.NoError(t, l.RecordBilling(ctx, tcredit.BillingEvent{Attempt: "other-1", Kind: tcredit.BillingAttempt, AppID: "app-2", AreaCode: "110100", Time: now}))
		require.NoError(t, l.RecordBilling(ctx, tcredit.BillingEvent{Attempt: "other-1", Kind: tcredit.BillingCreated, AppID: "app-2", AreaCode: "110100", TID: "T-other", Time: now}))
		rec, err := l.Reconcile(ctx, st)
		require.NoError(t, err)
		assert.Empty(t, rec.MissingFromStatement, "a statement of sandbox-app says nothing of app-2")
		assert.Equal(t, 7, rec.Matched)
	})
	t.Run("a row the ledger never saw, a task the statement lacks", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		edited := append([]string{lines[0]}, lines[2:]...) // without the first task
		edited = append(edited, "ffffffffffffffffffffffffffffffff,sandbox-app,440100,"+time.Now().In(ledger.ChinaTime).Format(time.RFC3339)+",40001,true")
		st, err := ledger.ReadStatement(strings.NewReader(strings.Join(edited, "\n")), nil)
		require.NoError(t, err)
		rec, err := l.Reconcile(ctx, st)
		require.NoError(t, err)
		assert.Equal(t, []string{"ffffffffffffffffffffffffffffffff"}, rec.MissingFromLedger)
		assert.Equal(t, []string{tasks[0].TID}, rec.MissingFromStatement)
		assert.Equal(t, 6, rec.Matched)
	})
}

// TestSettleClosesACrashBetweenCreateAndEnd creates tasks with a client recording in
// the ledger, as a process that stops before their end, and settles them from another.
func TestSettleClosesACrashBetweenCreateAndEnd(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	srv := newSandbox(t)
	l := openLedger(t, dsn)
	crashed := newClient(t, srv, srv.URL, tcredit.WithBillingRecorder(l))
	var tids []string
	for _, account := range []string{"demo-success", "demo-crawl-failure", "demo-sms-challenge"} {
		tid, err := crashed.CreateTask(ctx, login("110100", account))
		require.NoError(t, err)
		tids = append(tids, tid)
	}
	s, err := l.Summary(ctx, ledger.Period{}, ledger.ByDay)
	require.NoError(t, err)
	assert.Equal(t, ledger.Counts{Attempts: 3, Created: 3, Open: 3}, s.Counts)

	require.Eventually(t, func() bool {
		ts := srv.Tasks()
		return ts[0].Code == 40001 && ts[1].Code == 50002 && ts[2].Code == 10003
	}, 5*time.Second, 5*time.Millisecond)
	for i, task := range srv.Tasks() {
		assert.Equal(t, tids[i], task.TID)
	}
	other := newClient(t, srv, srv.URL) // another process, recording nothing itself
	got, err := l.Settle(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, ledger.Settlement{Checked: 3, Succeeded: 1, Failed: 1, Open: 1}, got)

	s, err = l.Summary(ctx, ledger.Period{}, ledger.ByDay)
	require.NoError(t, err)
	assert.Equal(t, ledger.Counts{Attempts: 3, Created: 3, Succeeded: 1, RolledBack: 1, Open: 1}, s.Counts)

	got, err = l.Settle(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, ledger.Settlement{Checked: 1, Open: 1}, got, "only the task still waiting is asked about again")

	srv.AddApp("app-2", "token-2")
	stranger, err := tcredit.NewClient("app-2", "token-2", tcredit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	got, err = l.Settle(ctx, stranger)
	require.NoError(t, err)
	assert.Equal(t, ledger.Settlement{}, got, "another appId's client settles only its own tasks")
}

// TestDailyLimitAcrossReplicas races 8 goroutines on 3 Ledgers of one database past a
// daily limit of 20.
func TestDailyLimitAcrossReplicas(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	srv := newSandbox(t)
	const limit, goroutines, tries = 20, 8, 5
	var clients []*tcredit.Client
	for i := 0; i < 3; i++ {
		l := openLedger(t, dsn, ledger.WithDailyLimit(limit))
		clients = append(clients, newClient(t, srv, srv.URL, tcredit.WithBillingRecorder(l)))
	}
	var (
		mu              sync.Mutex
		created, capped int
	)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < tries; i++ {
				_, err := clients[g%3].CreateTask(ctx, login("110100", "demo-success"))
				mu.Lock()
				switch {
				case err == nil:
					created++
				case errors.Is(err, tcredit.ErrBillingLimit):
					capped++
					var le *ledger.LimitError
					assert.ErrorAs(t, err, &le)
				default:
					t.Error(err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, limit, created)
	assert.Equal(t, goroutines*tries-limit, capped)
	creates := 0
	for _, r := range srv.Requests() {
		if r.Endpoint == "createFundSearchTaskB" {
			creates++
		}
	}
	assert.Equal(t, limit, creates, "the sandbox got exactly as many creates as the limit")
	assert.Len(t, srv.Tasks(), limit)

	l := openLedger(t, dsn)
	s, err := l.Summary(ctx, ledger.Period{}, ledger.ByDay)
	require.NoError(t, err)
	assert.Equal(t, int64(limit), s.Attempts)
	assert.Equal(t, int64(limit), s.Created)
}

func TestRecordBillingIsIdempotent(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	l := openLedger(t, dsn, ledger.WithDailyLimit(1))
	at := time.Date(2026, 3, 15, 23, 59, 0, 0, time.UTC) // 16 March in China
	events := []tcredit.BillingEvent{
		{Attempt: "a1", Kind: tcredit.BillingAttempt, AppID: "app", AreaCode: "110100", Time: at},
		{Attempt: "a1", Kind: tcredit.BillingCreated, AppID: "app", AreaCode: "110100", TID: "T1", Time: at},
		{Attempt: "a1", Kind: tcredit.BillingFailed, AppID: "app", TID: "T1", Code: 50004, Time: at},
		{Kind: tcredit.BillingFailed, AppID: "app", TID: "T1", Code: 50004, Time: at.Add(time.Minute)},
	}
	for i := 0; i < 2; i++ {
		for _, e := range events {
			require.NoError(t, l.RecordBilling(ctx, e), "an event recorded again, even past the limit, is no new attempt")
		}
	}
	err := l.RecordBilling(ctx, tcredit.BillingEvent{Attempt: "a2", Kind: tcredit.BillingAttempt, AppID: "app", Time: at})
	assert.ErrorIs(t, err, tcredit.ErrBillingLimit)
	assert.EqualError(t, err, "ledger: the daily limit of 1 creates is reached for 2026-03-16")
	require.NoError(t, l.RecordBilling(ctx, tcredit.BillingEvent{Attempt: "a3", Kind: tcredit.BillingAttempt, AppID: "app", Time: at.Add(24 * time.Hour)}),
		"the next day has a limit of its own")

	s, err := l.Summary(ctx, ledger.Period{From: at, To: at.Add(48 * time.Hour)}, ledger.ByDay)
	require.NoError(t, err)
	assert.Equal(t, "2026-03-16", s.From)
	assert.Equal(t, []ledger.SummaryRow{
		{Key: "2026-03-16", Counts: ledger.Counts{Attempts: 1, Created: 1, RolledBack: 1}},
		{Key: "2026-03-17", Counts: ledger.Counts{Attempts: 1, Unknown: 1}},
	}, s.Rows, "an attempt with no outcome recorded is unknown")

	assert.ErrorContains(t, l.RecordBilling(ctx, tcredit.BillingEvent{Kind: tcredit.BillingCreated, Attempt: "a4", Time: at}), "without a tid")
	_, err = l.Summary(ctx, ledger.Period{}, "week")
	assert.ErrorContains(t, err, `summary by "week"`)
}

func TestDailyLimitCountsEveryAttempt(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	unlimited, limited := openLedger(t, dsn), openLedger(t, dsn, ledger.WithDailyLimit(3))
	at := time.Now()
	attempt := func(id string) tcredit.BillingEvent {
		return tcredit.BillingEvent{Attempt: id, Kind: tcredit.BillingAttempt, AppID: "app", Time: at}
	}
	require.NoError(t, unlimited.RecordBilling(ctx, attempt("a1")))
	_, err := unlimited.Import(ctx, strings.NewReader(`{"attempt":"a2","kind":"attempt","app_id":"app","time":"`+at.Format(time.RFC3339Nano)+`"}`+"\n"))
	require.NoError(t, err)
	require.NoError(t, limited.RecordBilling(ctx, attempt("a3")))
	assert.ErrorIs(t, limited.RecordBilling(ctx, attempt("a4")), tcredit.ErrBillingLimit,
		"the attempts of a ledger without a limit, and imported ones, count")
	require.NoError(t, unlimited.RecordBilling(ctx, attempt("a4")), "a ledger without a limit records past it")
}

func TestOpenMigratesOnce(t *testing.T) {
	dsn := newSchema(t)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := ledger.Open(context.Background(), dsn)
			if assert.NoError(t, err) {
				l.Close()
			}
		}()
	}
	wg.Wait()
	l := openLedger(t, dsn)
	require.NoError(t, l.RecordBilling(context.Background(), tcredit.BillingEvent{Attempt: "a", Kind: tcredit.BillingAttempt, AppID: "app", Time: time.Now()}))
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var versions []int32
	rows, err := conn.Query(context.Background(), `SELECT version FROM tcredit_ledger_migrations ORDER BY version`)
	require.NoError(t, err)
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(t, err)
	assert.Equal(t, []int32{1}, versions, "each version applied once")

	_, err = ledger.Open(context.Background(), dsn, ledger.WithDailyLimit(0))
	assert.ErrorContains(t, err, "daily limit 0 is not positive")
}
