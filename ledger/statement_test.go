package ledger_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/ledger"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestReadStatement(t *testing.T) {
	in := tcredittest.StatementHeader + "\n" +
		"T1,app,110100,2026-03-15T10:04:05+08:00,40001,true\n" +
		"T2,app,330100,2026-03-15T02:05:11Z,50004,false\n"
	st, err := ledger.ReadStatement(strings.NewReader(in), nil)
	require.NoError(t, err)
	require.Len(t, st.Rows, 2)
	assert.Equal(t, ledger.StatementRow{TID: "T1", AppID: "app", AreaCode: "110100",
		CreatedAt: time.Date(2026, 3, 15, 2, 4, 5, 0, time.UTC), TaskCode: 40001, Charged: true},
		withUTC(st.Rows[0]))
	assert.Equal(t, ledger.StatementRow{TID: "T2", AppID: "app", AreaCode: "330100",
		CreatedAt: time.Date(2026, 3, 15, 2, 5, 11, 0, time.UTC), TaskCode: 50004, Charged: false},
		withUTC(st.Rows[1]))
}

func TestReadStatementOfAnotherFormat(t *testing.T) {
	in := "\uFEFF备注,是否计费,创建时间,城市编码,应用ID,订单号\n" +
		"x,是,2026-03-15 10:04:05,110100,app,T1\n" +
		",否,2026-03-15 10:05:11,330100,app,T2\n"
	cols := ledger.Columns{"tid": "订单号", "app_id": "应用ID", "area_code": "城市编码", "created_at": "创建时间", "charged": "是否计费"}
	st, err := ledger.ReadStatement(strings.NewReader(in), cols)
	require.NoError(t, err)
	require.Len(t, st.Rows, 2)
	assert.Equal(t, ledger.StatementRow{TID: "T1", AppID: "app", AreaCode: "110100",
		CreatedAt: time.Date(2026, 3, 15, 2, 4, 5, 0, time.UTC), Charged: true}, withUTC(st.Rows[0]),
		"a time without a zone is China time; no task_code column")
	assert.False(t, st.Rows[1].Charged)
}

func TestReadStatementErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"empty", "", "ledger: statement: header: EOF"},
		{"no column", "tid,app_id,area_code,charged\n", `ledger: statement: no column "created_at"`},
		{"no tid", tcredittest.StatementHeader + "\n,app,110100,2026-03-15T10:04:05+08:00,40001,true\n", "ledger: statement: line 2: no tid"},
		{"bad time", tcredittest.StatementHeader + "\nT1,app,110100,15/03/2026,40001,true\n", `ledger: statement: line 2: created_at "15/03/2026" is not RFC 3339 or 2006-01-02 15:04:05`},
		{"bad code", tcredittest.StatementHeader + "\nT1,app,110100,2026-03-15T10:04:05+08:00,done,true\n", `ledger: statement: line 2: task_code "done" is not a number`},
		{"bad charge", tcredittest.StatementHeader + "\nT1,app,110100,2026-03-15T10:04:05+08:00,40001,1.50\n", `ledger: statement: line 2: charged "1.50" is not true or false`},
		{"bad CSV", tcredittest.StatementHeader + "\n\"T1,app\n", "ledger: statement: parse error on line 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ledger.ReadStatement(strings.NewReader(tt.in), nil)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// withUTC returns the row with its time in UTC, for comparing.
func withUTC(r ledger.StatementRow) ledger.StatementRow {
	r.CreatedAt = r.CreatedAt.UTC()
	return r
}
