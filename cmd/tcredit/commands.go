package main

import (
	"context"
	"flag"
	"strings"
)

// command is one subcommand: what the help says of it, the flags of its own, and what
// runs it.
type command struct {
	name    string
	args    []string // the positional arguments' names; an optional one is in brackets, after the others
	summary string   // what it does, for the global help's list of commands
	about   string   // what it does, for 'tcredit help NAME'
	// flags registers the command's own flags on fs, setting o; nil when it has none
	// besides those every command takes.
	flags func(fs *flag.FlagSet, o *options)
	run   func(c *cli, ctx context.Context, args []string) error
}

var commands = []command{
	{
		name:    "cities",
		summary: "list the cities and whether each is up",
		about: `Lists the cities the API supports (getFundCitysB, not billed): area code, name,
whether queries can be made now, and the city's tips. With --json, the list as the
SDK reads it.
`,
		run: func(c *cli, ctx context.Context, _ []string) error { return c.cities(ctx) },
	},
	{
		name:    "params",
		args:    []string{"AREA_CODE"},
		summary: "show a city's login methods and their fields",
		about: `Shows the login methods of the city AREA_CODE (getFundCityParamB, not billed):
each method's login type and the fields of its form, with their names, labels,
whether they are required and a select's choices. An area code that the city list
does not have exits 2.
`,
		run: func(c *cli, ctx context.Context, a []string) error { return c.params(ctx, a[0]) },
	},
	{
		name:    "query",
		args:    []string{"AREA_CODE"},
		summary: "run a query: ask the login form, follow the task, ask for the SMS or captcha code, print the underwriting summary",
		about: `Runs a whole query with a person at the terminal: asks each field of the city's
login form (a select as a numbered list, the password without echo), checks the
answers before anything is billed, creates the task (createFundSearchTaskB,
billed) and prints its tid, shows a status line while it runs, asks for the SMS
code or the captcha text (the image is saved to a PNG file), and prints the
underwriting summary. A city that is not up exits 2.
`,
		flags: queryFlags,
		run:   func(c *cli, ctx context.Context, a []string) error { return c.query(ctx, a[0]) },
	},
	{
		name:    "get",
		args:    []string{"TID"},
		summary: "show a task's current state, or its summary once done",
		about: `Shows the task TID (getFundB, not billed): the underwriting summary once it is
done, else its state and what it waits for, with a captcha image saved to a PNG
file. A task that failed exits 3; a tid that this appId has no task of exits 2.
` + sandboxRunNote,
		flags: billingFlags,
		run:   func(c *cli, ctx context.Context, a []string) error { return c.get(ctx, a[0]) },
	},
	{
		name:    "code",
		args:    []string{"TID", "[CODE]"},
		summary: "send the SMS code or captcha text a task waits for, then follow the task to its end like query",
		about: `Sends the SMS code or the captcha text that the person gave to the task TID,
which must wait for one (fundUserCode: each code spends one of the person's
attempts), then follows the task like query: the status line, another code if the
task asks again, and the underwriting summary at the end. A task that failed
exits 3; a tid that this appId has no task of exits 2.

Without CODE it asks for the code at the terminal, or reads it from standard input
('echo 123456 | tcredit code TID'), after saving a captcha image. Prefer that: a
CODE given as an argument is visible to the other users of the machine (ps).
` + sandboxRunNote,
		flags: billingFlags,
		run: func(c *cli, ctx context.Context, a []string) error {
			code := ""
			if len(a) > 1 {
				code = a[1]
			}
			return c.code(ctx, a[0], code)
		},
	},
}

// sandboxRunNote tells, in the help of the commands that take a tid, that a tid does
// not outlive a run under --sandbox.
const sandboxRunNote = `
With --sandbox, each run starts a new sandbox, which knows no task of an earlier run:
to follow a task across runs, serve one sandbox with tcredit-sandbox (see 'Across
runs' in 'tcredit help').
`

// required returns the number of positional arguments the command needs: those not
// in brackets.
func (cmd command) required() int {
	n := 0
	for _, a := range cmd.args {
		if !strings.HasPrefix(a, "[") {
			n++
		}
	}
	return n
}

// synopsis returns the command's usage line: "code TID [CODE]".
func (cmd command) synopsis() string {
	return strings.Join(append([]string{cmd.name}, cmd.args...), " ")
}

func findCommand(name string) (command, bool) {
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}
