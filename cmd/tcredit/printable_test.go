package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestPrintable(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "杭州 (正常可用) ¥1,234.50 1=市本级", "杭州 (正常可用) ¥1,234.50 1=市本级"},
		{"empty", "", ""},
		{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC ended by ST", "\x1b]8;;http://evil\x1b\\link", `\x1b]8;;http://evil\x1b\link`},
		{"clear screen", "\x1b[2J", `\x1b[2J`},
		{"colour and a fake prompt", "\x1b[31mFAKE PROMPT: enter tokenId:", `\x1b[31mFAKE PROMPT: enter tokenId:`},
		{"line breaks and tab", "a\nb\r\tc", `a\nb\r\tc`},
		{"NUL, bell, backspace, DEL", "\x00\x07\x08\x7f", `\x00\x07\x08\x7f`},
		{"C1 CSI and NEL", "\u009b31m\u0085", `\u009b31m\u0085`},
		{"bidi override", "\u202egnp.exe", `\u202egnp.exe`},
		{"bidi embeddings and isolates", "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bytes that are not UTF-8", "\xff\xfe ok \xc3", `\xff\xfe ok \xc3`},
		{"text that only looks escaped stays", `already \x1b`, `already \x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := printable(tt.in)
			assert.Equal(t, tt.want, got)
			assertNothingForTheTerminal(t, got)
		})
	}
}

// assertNothingForTheTerminal checks that out, all that a run printed, holds no
// character a terminal acts on but the line breaks that end its own lines, and no line
// that a server's text started.
func assertNothingForTheTerminal(t *testing.T, out string) {
	t.Helper()
	assert.True(t, utf8.ValidString(out), "not UTF-8: %q", out)
	for _, r := range out {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Errorf("%U reaches the terminal in %q", r, out)
			return
		}
	}
	assert.NotRegexp(t, `(?m)^FORGED`, out, "a server's text starts a line")
}

// hostile is what the hostile server puts in every text it sends: a window title, a
// cleared screen, a red fake prompt, a C1 CSI, a bidi override and a forged line with
// a carriage return.
const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[31mFAKE PROMPT: enter tokenId:\x1b[0m\u009b2J\u202e\nFORGED\rLINE"

// hostileEscaped is how hostile shows up to its line break, which is escaped as \n,
// or in an error's one line folded into a space, like the carriage return.
const hostileEscaped = `\x1b]0;pwned\x07\x1b[2J\x1b[31mFAKE PROMPT: enter tokenId:\x1b[0m\u009b2J\u202e`

// hostileServer answers every endpoint with the hostile text in each string it can:
// city names and tips, login names, labels, types and choices, task messages, report
// fields and status messages. status is the status of every answer; the task waits for
// an SMS code until one is submitted and then fails, or is done when done is set.
type hostileServer struct {
	status int
	done   bool

	mu        sync.Mutex
	submitted bool
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, "/identity/")
	var data any
	switch endpoint {
	case "getFundCitysB":
		data = []map[string]any{{"area_code": "330100", "area_name": "杭州" + hostile, "area_tips": "tips" + hostile, "area_status": "0"}}
	case "getFundCityParamB":
		data = []map[string]any{{"area_code": "330100", "login_type": 1, "login_name": "客户号" + hostile, "login_params": []map[string]any{
			{"name": "account", "label": "客户号" + hostile, "type": "text" + hostile, "required": true},
			{"name": "password", "label": "密码" + hostile, "type": "password", "required": true},
			{"name": "sub_area", "label": "网点" + hostile, "type": "select", "required": true,
				"list": []map[string]any{{"value": "1", "key": "市本级" + hostile}}},
		}}}
	case "createFundSearchTaskB":
		data = map[string]any{"success": true, "tid": "t1" + hostile}
	case "fundUserCode":
		h.mu.Lock()
		h.submitted = true
		h.mu.Unlock()
		data = map[string]any{"status": 0, "message": "ok" + hostile}
	case "getFundB":
		h.mu.Lock()
		submitted := h.submitted
		h.mu.Unlock()
		switch {
		case h.done:
			data = map[string]any{"code": 40001, "msg": "done" + hostile, "baseInfo": map[string]any{
				"employeeName": "张三", "companyName": "公司" + hostile, "houseFundStatus": "状态" + hostile}}
		case submitted:
			data = map[string]any{"code": 50004, "msg": "failed" + hostile}
		default:
			data = map[string]any{"code": 10003, "msg": "sms" + hostile}
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": h.status, "message": "message" + hostile, "seqNum": "0961506611220665", "data": data})
}

func TestServerTextIsShownEscaped(t *testing.T) {
	tests := []struct {
		name    string
		server  *hostileServer
		answers []string
		args    []string
		stdout  int // how many times stdout shows the hostile text, escaped
		stderr  int // and stderr
	}{
		{"cities", &hostileServer{}, nil, []string{"cities"}, 2, 0},
		{"params", &hostileServer{}, nil, []string{"params", "330100"}, 8, 0},
		{"get, failed", &hostileServer{submitted: true}, nil, []string{"get", "t1"}, 0, 1},
		{"get, done", &hostileServer{done: true}, nil, []string{"get", "t1"}, 2, 0},
		{"query", &hostileServer{}, []string{"zhangsan", "pa55-word", "1", "123456"}, []string{"query", "330100"}, 0, 11},
		{"refused call", &hostileServer{status: 2}, nil, []string{"cities"}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.server)
			defer ts.Close()
			vars := map[string]string{"TCREDIT_APP_ID": "APP-1", "TCREDIT_TOKEN_ID": "T0KEN-9a8b7c", "TCREDIT_BASE_URL": ts.URL}
			e := testEnv(t)
			e.getenv = func(key string) string { return vars[key] }
			o := runCLI(t, e, lines(tt.answers...), tt.args...)
			assertNothingForTheTerminal(t, o.stdout)
			assertNothingForTheTerminal(t, o.stderr)
			assert.Equal(t, tt.stdout, strings.Count(o.stdout, hostileEscaped), "stdout")
			assert.Equal(t, tt.stderr, strings.Count(o.stderr, hostileEscaped), "stderr")
			if tt.stdout > 0 {
				assert.Contains(t, o.stdout, `\nFORGED\rLINE`, "the line break escaped")
			}
		})
	}
}
