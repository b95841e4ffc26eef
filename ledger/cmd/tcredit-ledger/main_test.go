package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger/internal/pgtest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// outcome is what a run of the program left.
type outcome struct {
	code           int
	stdout, stderr string
}

// runCmd runs the program with args and the environment vars.
func runCmd(vars map[string]string, args ...string) outcome {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, &stdout, &stderr)
	return outcome{code, stdout.String(), stderr.String()}
}

// billedRun runs queries on a sandbox with a billing log: a success, a failure, and a
// task left running; it returns the sandbox and the log's file.
func billedRun(t *testing.T) (*tcredittest.Server, string) {
	srv := tcredittest.NewServer(tcredittest.WithStep(3 * time.Millisecond))
	t.Cleanup(srv.Close)
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	log, err := tcredit.OpenBillingLog(name)
	require.NoError(t, err)
	c, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL), tcredit.WithBillingRecorder(log))
	require.NoError(t, err)
	ctx := context.Background()
	poll := tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)
	for _, account := range []string{"demo-success", "demo-wrong-password"} {
		_, _ = c.Query(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: account, Password: "pw"}, poll)
	}
	_, err = c.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-partial", Password: "pw", SubArea: "1"})
	require.NoError(t, err)
	require.NoError(t, log.Close())
	return srv, name
}

func TestImportSummarySettleReconcile(t *testing.T) {
	vars := map[string]string{"TCREDIT_LEDGER_DSN": pgtest.Schema(t)}
	srv, logName := billedRun(t)

	o := runCmd(vars, "import", logName)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "8 events read, 8 added\n", o.stdout)
	o = runCmd(vars, "import", logName)
	assert.Equal(t, "8 events read, 0 added\n", o.stdout)

	o = runCmd(vars, "summary", "--json", "--by", "area")
	require.Equal(t, exitOK, o.code, o.stderr)
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &s))
	for field, want := range map[string]float64{"attempts": 3, "created": 3, "unknown": 0, "refused": 0, "succeeded": 1, "rolled_back": 1, "open": 1} {
		assert.Equal(t, want, s[field], field)
	}
	assert.Equal(t, "area", s["by"])
	breakdown := s["breakdown"].([]any)
	require.Len(t, breakdown, 2)
	assert.Equal(t, "110100", breakdown[0].(map[string]any)["key"])
	assert.Equal(t, float64(1), breakdown[1].(map[string]any)["open"])

	vars["TCREDIT_APP_ID"], vars["TCREDIT_TOKEN_ID"], vars["TCREDIT_BASE_URL"] = srv.AppID(), srv.TokenID(), srv.URL
	require.Eventually(t, func() bool { return srv.Tasks()[2].Code == 40002 }, 5*time.Second, 5*time.Millisecond)
	o = runCmd(vars, "settle")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "1 open tasks read: 1 succeeded, 0 failed (rolled back), 0 still open\n", o.stdout)

	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	o = runCmd(vars, "summary", "--from", today, "--to", today)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, today+" to "+today+" (China time)\n\n"+
		"DAY         ATTEMPTS  CREATED  UNKNOWN  REFUSED  SUCCEEDED  ROLLED BACK  OPEN\n"+
		today+"  3         3        0        0        2          1            0\n"+
		"total       3         3        0        0        2          1            0\n", o.stdout)

	statement := filepath.Join(t.TempDir(), "statement.csv")
	resp, err := http.Get(srv.URL + "/statement.csv")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	failedTID := srv.Tasks()[1].TID
	edited := strings.Replace(buf.String(), ",50004,false", ",50004,true", 1)
	require.NoError(t, os.WriteFile(statement, []byte(edited), 0o600))

	o = runCmd(vars, "reconcile", "--statement", statement, "--json")
	require.Equal(t, exitOK, o.code, o.stderr)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &rec))
	assert.Equal(t, float64(2), rec["matched"])
	assert.Equal(t, []any{failedTID}, rec["refund_due"])
	for _, list := range []string{"resolved_unknown", "unresolved_unknown", "missing_from_ledger", "missing_from_statement"} {
		assert.Equal(t, []any{}, rec[list], list)
	}

	o = runCmd(vars, "reconcile", "--statement", statement, "--price", "1.35")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "Statement: 3 rows, 3 charged; 2 matched\n")
	assert.Contains(t, o.stdout, "Refund due (failed, yet charged): 1\n  "+failedTID+"\n")
	assert.Contains(t, o.stdout, "At ¥1.35 a task:\n  charged by the statement          ¥4.05  (3 tasks)\n  refund due                        ¥1.35  (1 tasks)\n")

	lines := strings.SplitAfter(buf.String(), "\n")
	twice := lines[1][:strings.IndexByte(lines[1], ',')]
	require.NoError(t, os.WriteFile(statement, []byte(buf.String()+lines[1]), 0o600))
	o = runCmd(vars, "reconcile", "--statement", statement, "--json")
	require.Equal(t, exitOK, o.code, o.stderr)
	rec = nil
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &rec))
	assert.Equal(t, []any{twice}, rec["duplicates"])
	assert.Equal(t, float64(3), rec["matched"], "a row repeated is not matched again")
	o = runCmd(vars, "reconcile", "--statement", statement)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "Statement: 4 rows, 2 charged; 3 matched\n")
	assert.Contains(t, o.stdout, "On more than one row (charged twice?): 1\n  "+twice+"\n")
}

func TestReconcileWithColumnsOfAnotherFormat(t *testing.T) {
	vars := map[string]string{"TCREDIT_LEDGER_DSN": pgtest.Schema(t)}
	_, logName := billedRun(t)
	require.Equal(t, exitOK, runCmd(vars, "import", logName).code)
	f, err := os.Open(logName)
	require.NoError(t, err)
	var tids []string
	require.NoError(t, tcredit.ReadBillingLog(f, func(e tcredit.BillingEvent) error {
		if e.Kind == tcredit.BillingCreated {
			tids = append(tids, e.TID)
		}
		return nil
	}))
	f.Close()
	now := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateTime)
	csv := "订单号,应用,城市,创建时间,是否计费,备注\n" +
		tids[0] + ",sandbox-app,110100," + now + ",是,x\n" +
		tids[1] + ",sandbox-app,110100," + now + ",否,\n" +
		tids[2] + ",sandbox-app,330100," + now + ",是,\n"
	statement := filepath.Join(t.TempDir(), "statement.csv")
	require.NoError(t, os.WriteFile(statement, []byte(csv), 0o600))
	o := runCmd(vars, "reconcile", "--statement", statement, "--json",
		"--columns", "tid=订单号,app_id=应用,area_code=城市,created_at=创建时间,charged=是否计费")
	require.Equal(t, exitOK, o.code, o.stderr)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &rec))
	assert.Equal(t, float64(3), rec["matched"])
}

func TestTimesRefusesAnOverflow(t *testing.T) {
	for _, tt := range []struct {
		n     int
		price tcredit.Amount
		want  tcredit.Amount
		ok    bool
	}{
		{0, 135, 0, true},
		{3, 135, 405, true},
		{2, math.MaxInt64 / 2, math.MaxInt64 - 1, true},
		{3, math.MaxInt64 / 2, 0, false},
		{math.MaxInt32, math.MaxInt64 / 1000, 0, false},
	} {
		got, ok := times(tt.n, tt.price)
		assert.Equal(t, tt.ok, ok, "%d × %d", tt.n, tt.price)
		assert.Equal(t, tt.want, got, "%d × %d", tt.n, tt.price)
	}
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{nil, nil, "tcredit-ledger: no command given (run 'tcredit-ledger --help')\n"},
		{[]string{"bill"}, nil, "tcredit-ledger: unknown command \"bill\" (run 'tcredit-ledger --help')\n"},
		{[]string{"summary"}, nil, "tcredit-ledger: no database: set TCREDIT_LEDGER_DSN or --dsn (run 'tcredit-ledger --help')\n"},
		{[]string{"summary", "--by", "week", "--dsn", "postgres://x"}, nil, "tcredit-ledger: --by \"week\" is not day, area or app (run 'tcredit-ledger --help')\n"},
		{[]string{"summary", "--from", "15/03/2026", "--dsn", "postgres://x"}, nil, "tcredit-ledger: --from \"15/03/2026\" is not a date like 2026-03-15 (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--dsn", "postgres://x"}, nil, "tcredit-ledger: reconcile needs --statement FILE (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--statement", "s.csv", "--price", "1.5x"}, map[string]string{"TCREDIT_LEDGER_DSN": "postgres://x"}, "tcredit-ledger: --price \"1.5x\" is not an amount in yuan with at most two decimals, such as 1.50 (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--statement", "s.csv", "--price", "1.505"}, map[string]string{"TCREDIT_LEDGER_DSN": "postgres://x"}, "tcredit-ledger: --price \"1.505\" is not an amount in yuan with at most two decimals, such as 1.50 (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--statement", "s.csv", "--price", "-1"}, map[string]string{"TCREDIT_LEDGER_DSN": "postgres://x"}, "tcredit-ledger: --price \"-1\" is not an amount in yuan with at most two decimals, such as 1.50 (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--statement", "s.csv", "--price", "1e2"}, map[string]string{"TCREDIT_LEDGER_DSN": "postgres://x"}, "tcredit-ledger: --price \"1e2\" is not an amount in yuan with at most two decimals, such as 1.50 (run 'tcredit-ledger --help')\n"},
		{[]string{"reconcile", "--statement", "s.csv", "--price", " 1.50"}, map[string]string{"TCREDIT_LEDGER_DSN": "postgres://x"}, "tcredit-ledger: --price \" 1.50\" is not an amount in yuan with at most two decimals, such as 1.50 (run 'tcredit-ledger --help')\n"},
		{[]string{"settle", "--dsn", "postgres://x"}, nil, "tcredit-ledger: no credentials: set TCREDIT_APP_ID and TCREDIT_TOKEN_ID (run 'tcredit-ledger --help')\n"},
		{[]string{"import", "--dsn", "postgres://x"}, nil, "tcredit-ledger: import takes one FILE (run 'tcredit-ledger --help')\n"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o := runCmd(tt.vars, tt.args...)
			assert.Equal(t, exitUsage, o.code)
			assert.Equal(t, tt.want, o.stderr)
		})
	}
	o := runCmd(nil, "--help")
	assert.Equal(t, exitOK, o.code)
	assert.Equal(t, usage, o.stdout)
	o = runCmd(nil, "--version")
	assert.Equal(t, exitOK, o.code)
	assert.Equal(t, "tcredit-ledger "+tcredit.Version+"\n", o.stdout)
}
