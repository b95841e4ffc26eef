package tcredittest

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StatementHeader is the header line of the sandbox's statement, GET /statement.csv:
// one row per task created, in the order they were created.
//
//	tid,app_id,area_code,created_at,task_code,charged
//
// created_at is RFC 3339 in China time (+08:00), task_code the task's code now, and
// charged true while the task is billed, false once its charge was rolled back. The
// provider publishes no statement format: this one is the sandbox's, for testing the
// reconciliation of a billing record end to end.
const StatementHeader = "tid,app_id,area_code,created_at,task_code,charged"

// statementPath is where the sandbox serves its statement.
const statementPath = "/statement.csv"

// serveStatement answers GET /statement.csv with the statement of every task, or of
// the tasks of one appId given as ?app_id=.
func (h *Handler) serveStatement(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	app := r.URL.Query().Get("app_id")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw := csv.NewWriter(w)
	_ = cw.Write(strings.Split(StatementHeader, ","))
	for _, t := range h.Tasks() {
		if app != "" && t.AppID != app {
			continue
		}
		_ = cw.Write([]string{t.TID, t.AppID, t.AreaCode, t.Created.In(chinaTime).Format(time.RFC3339),
			strconv.Itoa(t.Code), strconv.FormatBool(t.Billed)})
	}
	cw.Flush()
}
