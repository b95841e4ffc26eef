package ledger

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Statement is a provider's list of the tasks it created and whether it charged them.
type Statement struct {
	Rows []StatementRow
}

// StatementRow is one task of a Statement.
type StatementRow struct {
	TID       string
	AppID     string
	AreaCode  string
	CreatedAt time.Time
	TaskCode  int  // the task's code, when the statement gives one
	Charged   bool // the task is charged: not rolled back
}

// statementColumns are the columns of a statement, as the sandbox's header names them;
// all but task_code are required.
var statementColumns = []string{"tid", "app_id", "area_code", "created_at", "task_code", "charged"}

// Columns maps the columns of a statement (tid, app_id, area_code, created_at,
// task_code, charged) to the names another statement format's header gives them, for
// ReadStatement; a column not in the map has its own name.
type Columns map[string]string

// ReadStatement reads a statement as CSV whose first line names its columns: by
// default the sandbox's (tcredittest's GET /statement.csv), with the header
// tid,app_id,area_code,created_at,task_code,charged. Columns may come in any order,
// and other columns are ignored; cols renames those of another format.
//
// created_at is RFC 3339, or "2006-01-02 15:04:05" in China time; charged is true or
// false (also 1 or 0, yes or no, 是 or 否).
func ReadStatement(r io.Reader, cols Columns) (Statement, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return Statement{}, fmt.Errorf("ledger: statement: header: %w", err)
	}
	index := map[string]int{}
	for _, col := range statementColumns {
		name := col
		if n, ok := cols[col]; ok {
			name = n
		}
		for i, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")) == name {
				index[col] = i
			}
		}
		if _, ok := index[col]; !ok && col != "task_code" {
			return Statement{}, fmt.Errorf("ledger: statement: no column %q", name)
		}
	}
	var st Statement
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return Statement{}, fmt.Errorf("ledger: statement: %w", err)
		}
		row, err := readRow(rec, index)
		if err != nil {
			line, _ := cr.FieldPos(0)
			return Statement{}, fmt.Errorf("ledger: statement: line %d: %w", line, err)
		}
		st.Rows = append(st.Rows, row)
	}
}

// readRow reads one record of a statement, whose columns are at index.
func readRow(rec []string, index map[string]int) (StatementRow, error) {
	field := func(col string) string {
		i, ok := index[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	row := StatementRow{TID: field("tid"), AppID: field("app_id"), AreaCode: field("area_code")}
	if row.TID == "" {
		return row, errors.New("no tid")
	}
	var err error
	if row.CreatedAt, err = parseTime(field("created_at")); err != nil {
		return row, err
	}
	if code := field("task_code"); code != "" {
		if row.TaskCode, err = strconv.Atoi(code); err != nil {
			return row, fmt.Errorf("task_code %q is not a number", code)
		}
	}
	row.Charged, err = parseCharged(field("charged"))
	return row, err
}

// parseTime reads created_at: RFC 3339, or a date and time in China time.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateTime, s, ChinaTime); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("created_at %q is not RFC 3339 or 2006-01-02 15:04:05", s)
}

// parseCharged reads charged.
func parseCharged(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "y", "是":
		return true, nil
	case "false", "0", "no", "n", "否":
		return false, nil
	}
	return false, fmt.Errorf("charged %q is not true or false", s)
}
