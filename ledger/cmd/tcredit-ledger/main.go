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

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// The exit codes.
const (
	exitOK    = 0
	exitError = 1 // the database, a file or the API failed
	exitUsage = 2 // the command line is wrong, or no --dsn
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// usage is the help page.
const usage = `tcredit-ledger keeps the billing record of tcredit clients in PostgreSQL.

Usage:
  tcredit-ledger [--dsn DSN] COMMAND [flags]
  tcredit-ledger --version

Commands:
  import FILE            load a JSON-lines billing log (tcredit --billing-log); importing
                         a log twice adds nothing
  summary [--from DATE] [--to DATE] [--by day|area|app] [--json]
                         count the creates of a period (China time; default: all of it)
  settle                 read every open task of TCREDIT_APP_ID with getFundB (not
                         billed) and record its end
  reconcile --statement FILE [--columns MAP] [--price YUAN] [--json]
                         compare a statement (CSV) with the ledger

Environment:
  TCREDIT_LEDGER_DSN  the database, e.g. postgres://user@127.0.0.1:5432/db (or --dsn)
  TCREDIT_APP_ID, TCREDIT_TOKEN_ID, TCREDIT_BASE_URL
                      the API's credentials and address, for settle

Exit codes: 0 done, 1 error (database, file, API), 2 usage.
`

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// cli is one run of the program.
type cli struct {
	getenv func(string) string
	stdout io.Writer
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c := &cli{getenv: getenv, stdout: stdout}
	err := c.dispatch(ctx, args)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "tcredit-ledger: %s (run 'tcredit-ledger --help')\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "tcredit-ledger: %s\n", err)
	return exitError
}

// dispatch parses the command line and runs its command.
func (c *cli) dispatch(ctx context.Context, args []string) error {
	top := flag.NewFlagSet("tcredit-ledger", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	dsn := top.String("dsn", "", "the database")
	version := top.Bool("version", false, "print the version and exit")
	if err := top.Parse(args); err != nil {
		return flagError(err)
	}
	if *version {
		fmt.Fprintln(c.stdout, "tcredit-ledger", tcredit.Version)
		return nil
	}
	rest := top.Args()
	if len(rest) == 0 {
		return usagef("no command given")
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		return usagef("unknown command %q", rest[0])
	}
	fs := flag.NewFlagSet(rest[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(dsn, "dsn", *dsn, "the database")
	run := cmd(fs)
	pos, err := parseInterspersed(fs, rest[1:])
	if err != nil {
		return flagError(err)
	}
	if *dsn == "" {
		*dsn = strings.TrimSpace(c.getenv("TCREDIT_LEDGER_DSN"))
	}
	if *dsn == "" {
		return usagef("no database: set TCREDIT_LEDGER_DSN or --dsn")
	}
	return run(ctx, c, *dsn, pos)
}

// command registers a command's flags on fs and returns the function that runs it
// with the database dsn and the positional arguments.
type command func(fs *flag.FlagSet) func(ctx context.Context, c *cli, dsn string, args []string) error

// commands are the commands, by their name.
var commands = map[string]command{
	"import":    importCommand,
	"summary":   summaryCommand,
	"settle":    settleCommand,
	"reconcile": reconcileCommand,
}

// open opens the ledger, creating or migrating its tables.
func open(ctx context.Context, dsn string) (*ledger.Ledger, error) {
	return ledger.Open(ctx, dsn)
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(name string, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no argument, got %q", name, strings.Join(args, " "))
	}
	return nil
}

// parseInterspersed parses the flags before and after the first positional argument
// (import FILE --dsn DSN) and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		return nil, err
	}
	first := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return nil, err
	}
	return append([]string{first}, fs.Args()...), nil
}

// flagError turns the flag package's error into a usage error; -h is a request for help.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%s", err)
}
