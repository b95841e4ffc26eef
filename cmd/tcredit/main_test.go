package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testStep is the sandbox step of the tests: a task ends in a few tens of milliseconds.
const testStep = 2 * time.Millisecond

// maxWait bounds the waits of the tests for the sandbox; they take milliseconds.
const maxWait = 10 * time.Second

// testNow is when the tests run, by their clock and their sandbox's: a day in August
// 2017, so that the sandbox's reports end in 2017-07 and the output is the same every
// month.
var testNow = time.Date(2017, 8, 15, 10, 0, 0, 0, chinaTime)

// testClock returns a clock that starts at testNow and runs.
func testClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return testNow.Add(time.Since(start)) }
}

// testEnv returns an env with no environment variables, stderr not a terminal, and a
// fast sandbox.
func testEnv(t *testing.T) env {
	return env{
		getenv:  func(string) string { return "" },
		now:     testClock(),
		tempDir: t.TempDir(),
		step:    testStep,
		poll:    testStep,
	}
}

// withCredentials returns e reading the credentials of srv from its environment.
func withCredentials(e env, srv *tcredittest.Server) env {
	vars := map[string]string{
		"TCREDIT_APP_ID":   srv.AppID(),
		"TCREDIT_TOKEN_ID": srv.TokenID(),
		"TCREDIT_BASE_URL": srv.URL,
	}
	e.getenv = func(key string) string { return vars[key] }
	return e
}

// newServer starts a sandbox for one test.
func newServer(t *testing.T) *tcredittest.Server {
	srv := tcredittest.NewServer(tcredittest.WithStep(testStep), tcredittest.WithClock(testClock()))
	t.Cleanup(srv.Close)
	return srv
}

// outcome is what a run of the program left.
type outcome struct {
	code   int
	stdout string
	stderr string
}

// lastLine returns the last line of stderr: the error message of a failed run.
func (o outcome) lastLine() string {
	lines := strings.Split(strings.TrimRight(o.stderr, "\n"), "\n")
	return lines[len(lines)-1]
}

// runCLI runs the program with args and the answers as its input.
func runCLI(t *testing.T, e env, answers *script, args ...string) outcome {
	t.Helper()
	return runCLIContext(context.Background(), t, e, answers, args...)
}

func runCLIContext(ctx context.Context, t *testing.T, e env, answers *script, args ...string) outcome {
	t.Helper()
	if answers == nil {
		answers = lines()
	}
	var stdout, stderr syncBuffer
	code := run(ctx, args, e, answers, &stdout, &stderr)
	return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// script is the input of a run: one answer per prompt, each computed only when the
// program reads it, so that an answer can depend on what happened before (a captcha's
// text).
type script struct {
	mu      sync.Mutex
	answers []func() string
	pending []byte
}

// lines returns a script of fixed answers.
func lines(answers ...string) *script {
	s := &script{}
	for _, a := range answers {
		s.then(func() string { return a })
	}
	return s
}

// then adds an answer computed when it is read.
func (s *script) then(answer func() string) *script {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, answer)
	return s
}

func (s *script) Read(p []byte) (int, error) {
	s.mu.Lock()
	if len(s.pending) == 0 {
		if len(s.answers) == 0 {
			s.mu.Unlock()
			return 0, io.EOF
		}
		next := s.answers[0]
		s.answers = s.answers[1:]
		s.mu.Unlock()
		line := next() + "\n"
		s.mu.Lock()
		s.pending = []byte(line)
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	s.mu.Unlock()
	return n, nil
}

// syncBuffer is a bytes.Buffer safe for the status line's goroutine and the program's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestCommandHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "query"}, "Usage: tcredit query AREA_CODE [--billing-log FILE] [--login-type N] [--out FILE] [flags]\n"},
		{[]string{"query", "-h"}, "Usage: tcredit query AREA_CODE"},
		{[]string{"query", "--help"}, "Usage: tcredit query AREA_CODE"},
		{[]string{"--sandbox", "cities", "--help"}, "Usage: tcredit cities [flags]\n"},
		{[]string{"code", "--help"}, "Usage: tcredit code TID [CODE] [--billing-log FILE] [flags]\n"},
		{[]string{"help", "code"}, "Usage: tcredit code TID [CODE] [--billing-log FILE] [flags]\n"},
		{[]string{"help", "get"}, "Usage: tcredit get TID [--billing-log FILE] [flags]\n"},
		{[]string{"help", "params"}, "Usage: tcredit params AREA_CODE [flags]\n"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o := runCLI(t, testEnv(t), nil, tt.args...)
			assert.Equal(t, exitOK, o.code)
			assert.True(t, strings.HasPrefix(o.stdout, tt.want), "%s", o.stdout)
			assert.NotContains(t, o.stdout, "Commands:", "not the global page")
			assert.Contains(t, o.stdout, "run 'tcredit help'")
			assert.Empty(t, o.stderr)
		})
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			assert.True(t, strings.HasPrefix(c.helpPage(), "Usage: tcredit "+c.synopsis()), "the help of %s starts with its synopsis", c.name)
			assert.Contains(t, globalHelp(), "\n  "+c.synopsis(), "the global help lists %s", c.name)
		})
	}
}

// TestHelpListsEveryFlag checks that every flag a command accepts is in its help page
// and in the global one, each with its argument's name, and its own flags with their
// usage too.
func TestHelpListsEveryFlag(t *testing.T) {
	words := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "")), " ") }
	global := globalHelp()
	_, flagsSection, _ := strings.Cut(global, "\nFlags ")
	flagsSection, _, _ = strings.Cut(flagsSection, "\nEnvironment:")
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			page := cmd.helpPage()
			c := &cli{}
			c.flagSet("tcredit "+cmd.name, &cmd).VisitAll(func(f *flag.Flag) {
				head := "--" + f.Name
				if name, _ := flag.UnquoteUsage(f); name != "" {
					assert.Contains(t, f.Usage, "`"+name+"`", "--%s names its argument", f.Name)
					head += " " + name
				}
				assert.NotEmpty(t, f.Usage, "--%s has a usage", f.Name)
				assert.Contains(t, page, head, "the help of %s lists --%s", cmd.name, f.Name)
				assert.Equal(t, 1, strings.Count(flagsSection, "\n  "+head+" "), "the global help lists --%s once", f.Name)
				assert.Contains(t, words(global), words(f.Usage), "the global help tells what --%s does", f.Name)
			})
			if cmd.flags != nil {
				own := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
				cmd.flags(own, &options{})
				own.VisitAll(func(f *flag.Flag) {
					assert.Contains(t, words(page), words(f.Usage), "the help of %s tells what --%s does", cmd.name, f.Name)
				})
			}
		})
	}
}

// TestGlobalHelpSharedFlag checks that a flag several commands take is one entry of
// the global help, naming them all.
func TestGlobalHelpSharedFlag(t *testing.T) {
	const want = "\n  --billing-log FILE  query, get and code: append the billing record to FILE as\n" +
		"                      JSON lines, synced to disk: the end of each task seen, and\n" +
		"                      for query each create before it is sent and its outcome;\n" +
		"                      no login or code is written (default $TCREDIT_BILLING_LOG)\n"
	assert.Contains(t, globalHelp(), want)
}

func TestJoinNames(t *testing.T) {
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"query"}, "query"},
		{[]string{"query", "get"}, "query and get"},
		{[]string{"query", "get", "code"}, "query, get and code"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, joinNames(tt.names))
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"--sandbox", "-h", "cities"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			o := runCLI(t, testEnv(t), nil, args...)
			assert.Equal(t, exitOK, o.code)
			assert.Contains(t, o.stdout, "Usage:")
			assert.Contains(t, o.stdout, "TCREDIT_TOKEN_ID")
			assert.Contains(t, o.stdout, "Exit codes:")
			assert.Contains(t, o.stdout, "Across runs:\n")
			assert.Contains(t, o.stdout, "tcredit-sandbox -addr 127.0.0.1:8080 &\n")
			assert.Empty(t, o.stderr)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "tcredit: no command given (run 'tcredit help')"},
		{[]string{"nope"}, `tcredit: unknown command "nope" (run 'tcredit help')`},
		{[]string{"--sandbox", "params"}, "tcredit: params needs AREA_CODE (usage: tcredit params AREA_CODE)"},
		{[]string{"--sandbox", "query", "--json"}, "tcredit: query needs AREA_CODE (usage: tcredit query AREA_CODE)"},
		{[]string{"get"}, "tcredit: get needs TID (usage: tcredit get TID)"},
		{[]string{"--sandbox", "cities", "330100"}, `tcredit: cities takes no argument, got "330100"`},
		{[]string{"--sandbox", "params", "330100", "110100"}, `tcredit: params takes AREA_CODE, got "330100 110100" (usage: tcredit params AREA_CODE)`},
		{[]string{"code"}, "tcredit: code needs TID (usage: tcredit code TID [CODE])"},
		{[]string{"--sandbox", "code", "abc", "12", "34"}, `tcredit: code takes TID [CODE], got "abc 12 34" (usage: tcredit code TID [CODE])`},
		{[]string{"help", "nope"}, `tcredit: no help for "nope" (run 'tcredit help')`},
		{[]string{"--bogus", "cities"}, "tcredit: flag provided but not defined: --bogus (run 'tcredit help')"},
		{[]string{"cities", "--out", "x.json"}, "tcredit: flag provided but not defined: --out (run 'tcredit help cities')"},
		{[]string{"--sandbox", "query", "330100", "--login-type", "x"}, `tcredit: invalid value "x" for flag --login-type: parse error (run 'tcredit help query')`},
		{[]string{"query", "330100", "--out"}, "tcredit: flag needs an argument: --out (run 'tcredit help query')"},
		{[]string{"--sandbox", "--base-url", "http://127.0.0.1:1", "cities"}, "tcredit: --sandbox runs its own sandbox and takes no --base-url"},
		{[]string{"cities", "--app-id", "a", "--sandbox", "--token-id", "t"}, "tcredit: --sandbox runs its own sandbox and takes no --app-id or --token-id"},
		{[]string{"--sandbox", "query", "110100", "--out", "/no/such/dir/r.json"}, "tcredit: --out /no/such/dir/r.json: no directory /no/such/dir"},
		{[]string{"--sandbox", "params", "999999"}, `tcredit: no city has the area code "999999" (run 'tcredit cities')`},
		{[]string{"--sandbox", "query", "330100", "--login-type", "7"}, "tcredit: 330100 杭州 has no login type 7; it has 1 (客户号), 2 (身份证号)"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o := runCLI(t, testEnv(t), nil, tt.args...)
			assert.Equal(t, exitUsage, o.code)
			assert.Equal(t, tt.want, o.lastLine())
			assert.Empty(t, o.stdout)
		})
	}
}

func TestNoCredentials(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "cities")
	assert.Equal(t, exitUsage, o.code)
	assert.Equal(t, "tcredit: no credentials: set TCREDIT_APP_ID and TCREDIT_TOKEN_ID (or --app-id and --token-id), or try --sandbox\n", o.stderr)

	e := testEnv(t)
	e.getenv = func(key string) string {
		if key == "TCREDIT_APP_ID" {
			return "app"
		}
		return ""
	}
	o = runCLI(t, e, nil, "get", "abc")
	assert.Equal(t, exitUsage, o.code)
	assert.Equal(t, "tcredit: no credentials: set TCREDIT_TOKEN_ID (or --app-id and --token-id), or try --sandbox\n", o.stderr)
}

func TestBadBaseURL(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "cities", "--app-id", "app", "--token-id", "TOKEN-SECRET-1", "--base-url", "api.tcredit.com")
	assert.Equal(t, exitUsage, o.code)
	assert.Contains(t, o.stderr, `base URL "api.tcredit.com" is not an absolute http(s) URL (check --base-url)`)
	assert.NotContains(t, o.stderr, "TOKEN-SECRET-1")
}

func TestWrongToken(t *testing.T) {
	srv := newServer(t)
	e := withCredentials(testEnv(t), srv)
	o := runCLI(t, e, nil, "cities", "--token-id", "not-the-token-42")
	assert.Equal(t, exitError, o.code)
	assert.Regexp(t, `^tcredit: getFundCitysB: status 5 TokenKey验证失败 \(seqNum \S+\) — check --token-id \(and TCREDIT_BASE_URL: the signature covers the URL\)\n$`, o.stderr,
		"the hint names the flag that gave the token and the variable that gave the URL")
	assert.NotContains(t, o.stderr, "not-the-token-42")
	assert.Empty(t, o.stdout)
}

func TestFlagsBeforeAndAfterCommand(t *testing.T) {
	srv := newServer(t)
	e := testEnv(t)
	e.getenv = func(string) string { return "" }
	for _, args := range [][]string{
		{"--app-id", srv.AppID(), "--token-id", srv.TokenID(), "--base-url", srv.URL, "params", "110100", "--json"},
		{"params", "--json", "110100", "--app-id", srv.AppID(), "--token-id", srv.TokenID(), "--base-url", srv.URL},
		{"--json", "--app-id", srv.AppID(), "params", "--token-id", srv.TokenID(), "--base-url", srv.URL, "--", "110100"},
	} {
		t.Run("starting with "+args[0], func(t *testing.T) {
			o := runCLI(t, e, nil, args...)
			assert.Equal(t, exitOK, o.code, o.stderr)
			assert.True(t, strings.HasPrefix(o.stdout, "["), "want JSON, got %q", o.stdout)
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"--sandbox", "--version"}, {"cities", "--version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			o := runCLI(t, testEnv(t), nil, args...)
			assert.Equal(t, exitOK, o.code)
			assert.Equal(t, "tcredit "+tcredit.Version+"\n", o.stdout)
			assert.Empty(t, o.stderr)
		})
	}
}
