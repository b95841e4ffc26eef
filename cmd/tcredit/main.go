package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
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
	// billingLog is the billing log's file (query, get and code)
	billingLog string
	version    bool
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// cli is one run of the program.
type cli struct {
	env     env
	opts    options
	in      *input
	stdout  io.Writer // results: tables and JSON
	stderr  io.Writer // the conversation: prompts, progress, messages
	client  *tcredit.Client
	srv     *tcredittest.Server
	billing *tcredit.BillingLog // the billing log, if one is kept
	sources sources             // where the credentials and the base URL came from
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{env: e, stdout: stdout, stderr: stderr, sources: defaultSources}
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
		var help *helpRequest
		if errors.As(err, &help) {
			printUsage(stdout, help.cmd)
			return exitOK
		}
		return c.fail(err)
	}
	return exitOK
}

// helpRequest is a request for the help of a command, or of the program when cmd is
// nil.
type helpRequest struct{ cmd *command }

func (*helpRequest) Error() string { return "help requested" }

// dispatch parses the command line and runs its command.
func (c *cli) dispatch(ctx context.Context, args []string) error {
	top := c.flagSet("tcredit", nil)
	if err := top.Parse(args); err != nil {
		return flagError(err, nil)
	}
	rest := top.Args()
	if c.opts.version {
		return c.printVersion()
	}
	if len(rest) == 0 {
		return usagef("no command given (run 'tcredit help')")
	}
	if rest[0] == "help" {
		return helpFor(rest[1:])
	}
	cmd, ok := findCommand(rest[0])
	if !ok {
		return usagef("unknown command %q (run 'tcredit help')", rest[0])
	}
	fs := c.flagSet("tcredit "+cmd.name, &cmd)
	pos, err := parseInterspersed(fs, rest[1:])
	if err != nil {
		return flagError(err, &cmd)
	}
	if c.opts.version {
		return c.printVersion()
	}
	switch {
	case len(cmd.args) == 0 && len(pos) > 0:
		return usagef("%s takes no argument, got %q", cmd.name, strings.Join(pos, " "))
	case len(pos) < cmd.required():
		return usagef("%s needs %s (usage: tcredit %s)", cmd.name, strings.Join(cmd.args[len(pos):cmd.required()], " "), cmd.synopsis())
	case len(pos) > len(cmd.args):
		return usagef("%s takes %s, got %q (usage: tcredit %s)", cmd.name, strings.Join(cmd.args, " "), strings.Join(pos, " "), cmd.synopsis())
	}
	if err := c.checkFlags(); err != nil {
		return err
	}
	if err := c.connect(); err != nil {
		return err
	}
	for i := range pos {
		pos[i] = strings.TrimSpace(pos[i])
	}
	return cmd.run(c, ctx, pos)
}

// printVersion prints the program's version, which is the SDK's: "tcredit 0.2.0".
func (c *cli) printVersion() error {
	_, err := fmt.Fprintln(c.stdout, "tcredit", tcredit.Version)
	return err
}

// helpFor returns the request for the help of the command named in args, or of the
// program when args is empty.
func helpFor(args []string) error {
	if len(args) == 0 {
		return &helpRequest{}
	}
	cmd, ok := findCommand(args[0])
	if !ok || len(args) > 1 {
		return usagef("no help for %q (run 'tcredit help')", strings.Join(args, " "))
	}
	return &helpRequest{cmd: &cmd}
}

// checkFlags refuses flags that contradict each other: --sandbox runs a sandbox of its
// own, with its own credentials and address.
func (c *cli) checkFlags() error {
	if !c.opts.sandbox {
		return nil
	}
	var given []string
	for _, f := range []struct{ name, value string }{
		{"--app-id", c.opts.appID}, {"--token-id", c.opts.tokenID}, {"--base-url", c.opts.baseURL},
	} {
		if f.value != "" {
			given = append(given, f.name)
		}
	}
	if len(given) > 0 {
		return usagef("--sandbox runs its own sandbox and takes no %s", strings.Join(given, " or "))
	}
	return nil
}

// flagSet returns a FlagSet that sets c.opts: the flags every command takes, and those
// of cmd unless it is nil. Each flag's default is its value so far, so that flags given
// before the command keep their effect.
func (c *cli) flagSet(name string, cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	globalFlags(fs, &c.opts)
	if cmd != nil && cmd.flags != nil {
		cmd.flags(fs, &c.opts)
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

// flagError turns the flag package's error about the flags of cmd (nil for those
// before the command) into a usage error that spells flags as the documentation does,
// with two dashes; -h and --help are a request for help.
func flagError(err error, cmd *command) error {
	if errors.Is(err, flag.ErrHelp) {
		return &helpRequest{cmd: cmd}
	}
	help := "tcredit help"
	if cmd != nil {
		help += " " + cmd.name
	}
	return usagef("%s (run '%s')", singleDash.ReplaceAllString(err.Error(), "$1--$2"), help)
}

// singleDash finds a flag that the flag package's messages spell with one dash.
var singleDash = regexp.MustCompile(`(: | flag )-([a-z])`)

// connect makes the client: on a new in-process sandbox with --sandbox, otherwise
// with the credentials of the flags or the environment.
func (c *cli) connect() error {
	ua := tcredit.WithUserAgent("tcredit-cli/" + tcredit.Version)
	opts := []tcredit.Option{ua}
	if name := c.setting(new(string), c.opts.billingLog, "--billing-log", "TCREDIT_BILLING_LOG"); name != "" {
		log, err := tcredit.OpenBillingLog(name)
		if err != nil {
			return err
		}
		c.billing = log
		opts = append(opts, tcredit.WithBillingRecorder(log))
	}
	if c.opts.sandbox {
		c.srv = tcredittest.NewServer(tcredittest.WithStep(c.env.step), tcredittest.WithClock(c.env.now))
		client, err := tcredit.NewClient(c.srv.AppID(), c.srv.TokenID(), append(opts, tcredit.WithBaseURL(c.srv.URL))...)
		c.client = client
		return err
	}
	appID := c.setting(&c.sources.appID, c.opts.appID, "--app-id", "TCREDIT_APP_ID")
	tokenID := c.setting(&c.sources.tokenID, c.opts.tokenID, "--token-id", "TCREDIT_TOKEN_ID")
	baseURL := c.setting(&c.sources.baseURL, c.opts.baseURL, "--base-url", "TCREDIT_BASE_URL")
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
	if baseURL != "" {
		opts = append(opts, tcredit.WithBaseURL(baseURL))
	}
	client, err := tcredit.NewClient(appID, tokenID, opts...)
	if err != nil {
		return usagef("%s (check %s)", optionText(err), c.sources.baseURL)
	}
	c.client = client
	return nil
}

// optionText says what NewClient found wrong with its options: the option's own error,
// which NewClient wraps.
func optionText(err error) string {
	if cause := errors.Unwrap(err); cause != nil {
		return cause.Error()
	}
	return err.Error()
}

// disconnect shuts the sandbox down and closes the billing log, if there are.
func (c *cli) disconnect() {
	if c.srv != nil {
		c.srv.Close()
	}
	if c.billing != nil {
		c.billing.Close()
	}
}

// sources name where each setting came from, for the hints of error messages: a flag
// or an environment variable.
type sources struct {
	appID, tokenID, baseURL string
}

// defaultSources are the names hints use before the settings are read.
var defaultSources = sources{appID: "TCREDIT_APP_ID", tokenID: "TCREDIT_TOKEN_ID", baseURL: "TCREDIT_BASE_URL"}

// setting returns the flag's value if it was given, else the environment variable's,
// and records in source which of the two it used.
func (c *cli) setting(source *string, flagValue, flagName, variable string) string {
	if v := strings.TrimSpace(flagValue); v != "" {
		*source = flagName
		return v
	}
	*source = variable
	return strings.TrimSpace(c.env.getenv(variable))
}
