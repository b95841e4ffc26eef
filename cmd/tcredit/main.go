package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The exit codes; the package documentation and the help text list them.
const (
	exitOK          = 0
	exitError       = 1 // the API refused a call, the network or a response failed, a file could not be written
	exitUsage       = 2 // the command line is wrong, or no credentials
	exitTaskFailed  = 3 // the task failed (5xxxx, -1, -2, -9)
	exitUnknown     = 4 // a billed call's outcome is unknown
	exitInterrupted = 5 // stopped before the end; the task may still run
)

// sandboxStep is how long each step of a --sandbox task takes: quick, yet slow enough
// for a person to see the status line move.
const sandboxStep = 50 * time.Millisecond

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], processEnv(), os.Stdin, os.Stdout, os.Stderr))
}

// env is what run takes from the process besides its arguments and standard streams,
// so that tests can give their own.
type env struct {
	getenv   func(key string) string // the environment, as os.Getenv
	terminal bool                    // stderr is a terminal: the status line is redrawn in place
	// echoOff hides what is typed at the terminal until restore is called; nil when
	// stdin is not a terminal, and then a password is read like any other answer.
	echoOff func() (restore func(), err error)
	now     func() time.Time // the clock: the summary's as-of day and the elapsed time
	tempDir string           // where captcha images are saved without --out; "" for os.TempDir()
	step    time.Duration    // how long each step of a --sandbox task takes
	// poll is the first wait between two looks at a running task: 0 for the SDK's
	// default, or for the step with --sandbox.
	poll time.Duration
}

// processEnv returns the env of the running process.
func processEnv() env {
	e := env{
		getenv:   os.Getenv,
		terminal: isTerminal(os.Stderr) && os.Getenv("TERM") != "dumb",
		now:      time.Now,
		step:     sandboxStep,
	}
	if isTerminal(os.Stdin) {
		e.echoOff = sttyEchoOff
	}
	return e
}

// options are the flags every command takes; query adds loginType and out.
type options struct {
	json      bool
	sandbox   bool
	appID     string
	tokenID   string
	baseURL   string
	loginType int
	out       string
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// command is one subcommand.
type command struct {
	name  string
	arg   string // the positional argument's name, "" when it takes none
	query bool   // takes --login-type and --out
	run   func(c *cli, ctx context.Context, arg string) error
}

var commands = []command{
	{name: "cities", run: (*cli).cities},
	{name: "params", arg: "AREA_CODE", run: (*cli).params},
	{name: "query", arg: "AREA_CODE", query: true, run: (*cli).query},
	{name: "get", arg: "TID", run: (*cli).get},
}

// cli is one run of the program.
type cli struct {
	env    env
	opts   options
	in     *input
	stdout io.Writer // results: tables and JSON
	stderr io.Writer // the conversation: prompts, progress, messages
	client *tcredit.Client
	srv    *tcredittest.Server
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{env: e, stdout: stdout, stderr: stderr}
	if c.env.getenv == nil {
		c.env.getenv = func(string) string { return "" }
	}
	if c.env.now == nil {
		c.env.now = time.Now
	}
	if c.env.step <= 0 {
		c.env.step = sandboxStep
	}
	c.in = newInput(stdin)
	defer c.in.close()
	defer c.disconnect()
	if err := c.dispatch(ctx, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		return c.fail(err)
	}
	return exitOK
}

// dispatch parses the command line and runs its command.
func (c *cli) dispatch(ctx context.Context, args []string) error {
	top := c.flagSet("tcredit", false)
	if err := top.Parse(args); err != nil {
		return flagError(err)
	}
	rest := top.Args()
	if len(rest) == 0 {
		return usagef("no command given (run 'tcredit help')")
	}
	if rest[0] == "help" {
		return flag.ErrHelp
	}
	cmd, ok := findCommand(rest[0])
	if !ok {
		return usagef("unknown command %q (run 'tcredit help')", rest[0])
	}
	fs := c.flagSet("tcredit "+cmd.name, cmd.query)
	pos, err := parseInterspersed(fs, rest[1:])
	if err != nil {
		return flagError(err)
	}
	switch {
	case cmd.arg == "" && len(pos) > 0:
		return usagef("%s takes no argument, got %q", cmd.name, strings.Join(pos, " "))
	case cmd.arg != "" && len(pos) == 0:
		return usagef("%s needs %s (usage: tcredit %s %s)", cmd.name, cmd.arg, cmd.name, cmd.arg)
	case cmd.arg != "" && len(pos) > 1:
		return usagef("%s takes one %s, got %q", cmd.name, cmd.arg, strings.Join(pos, " "))
	}
	if err := c.connect(); err != nil {
		return err
	}
	var arg string
	if len(pos) > 0 {
		arg = strings.TrimSpace(pos[0])
	}
	return cmd.run(c, ctx, arg)
}

func findCommand(name string) (command, bool) {
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}

// flagSet returns a FlagSet that sets c.opts. Each flag's default is its value so far,
// so that flags given before the command keep their effect.
func (c *cli) flagSet(name string, query bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	o := &c.opts
	fs.BoolVar(&o.json, "json", o.json, "")
	fs.BoolVar(&o.sandbox, "sandbox", o.sandbox, "")
	fs.StringVar(&o.appID, "app-id", o.appID, "")
	fs.StringVar(&o.tokenID, "token-id", o.tokenID, "")
	fs.StringVar(&o.baseURL, "base-url", o.baseURL, "")
	if query {
		fs.IntVar(&o.loginType, "login-type", o.loginType, "")
		fs.StringVar(&o.out, "out", o.out, "")
	}
	return fs
}

// parseInterspersed parses flags anywhere among the positional arguments, as in
// "query 330100 --json", and returns the positional ones. After "--" every argument
// is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagError turns the flag package's error into a usage error; a request for help
// stays flag.ErrHelp.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%v (run 'tcredit help')", err)
}

// connect makes the client: on a new in-process sandbox with --sandbox, otherwise
// with the credentials of the flags or the environment.
func (c *cli) connect() error {
	ua := tcredit.WithUserAgent("tcredit-cli/" + tcredit.Version)
	if c.opts.sandbox {
		c.srv = tcredittest.NewServer(tcredittest.WithStep(c.env.step), tcredittest.WithClock(c.env.now))
		client, err := tcredit.NewClient(c.srv.AppID(), c.srv.TokenID(), tcredit.WithBaseURL(c.srv.URL), ua)
		c.client = client
		return err
	}
	appID := firstOf(c.opts.appID, c.env.getenv("TCREDIT_APP_ID"))
	tokenID := firstOf(c.opts.tokenID, c.env.getenv("TCREDIT_TOKEN_ID"))
	baseURL := firstOf(c.opts.baseURL, c.env.getenv("TCREDIT_BASE_URL"))
	var missing []string
	if appID == "" {
		missing = append(missing, "TCREDIT_APP_ID")
	}
	if tokenID == "" {
		missing = append(missing, "TCREDIT_TOKEN_ID")
	}
	if len(missing) > 0 {
		return usagef("no credentials: set %s (or --app-id and --token-id), or try --sandbox", strings.Join(missing, " and "))
	}
	opts := []tcredit.Option{ua}
	if baseURL != "" {
		opts = append(opts, tcredit.WithBaseURL(baseURL))
	}
	client, err := tcredit.NewClient(appID, tokenID, opts...)
	if err != nil {
		return &usageError{msg: strings.TrimPrefix(err.Error(), "tcredit: NewClient: ") + " (check TCREDIT_BASE_URL)"}
	}
	c.client = client
	return nil
}

// disconnect shuts the sandbox down, if there is one.
func (c *cli) disconnect() {
	if c.srv != nil {
		c.srv.Close()
	}
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
