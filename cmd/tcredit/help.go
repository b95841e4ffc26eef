package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// The help pages are made of the table of commands and of the usage strings of the
// flags each command registers, so that a flag cannot be added without its help.

// helpIntro opens the global help page.
const helpIntro = `tcredit reads the Tianchuang housing fund query API (天创公积金查询) for the people
who operate an integration: which cities are up, what a city's login form asks,
a whole query with a person at the terminal, and the state of any task.

Usage:
  tcredit [flags] COMMAND [ARGUMENT] [flags]
`

// helpEnd closes the global help page, after the flags.
const helpEnd = `
Environment:
  TCREDIT_APP_ID      the appId the provider issued
  TCREDIT_TOKEN_ID    the tokenId (secret) the provider issued; never printed
  TCREDIT_BASE_URL    the API's base URL, e.g. https://api.tcredit.com
  TCREDIT_BILLING_LOG the billing log of query, get and code (see --billing-log)

Prompts, the task's status line and messages go to stderr; tables and JSON to
stdout. Passwords are read without echo on a terminal.

Across runs:
  --sandbox starts a new sandbox on each run. To follow a task from one run to
  the next (query, then get and code), serve one sandbox and point the tool at it:
    tcredit-sandbox -addr 127.0.0.1:8080 &
    export TCREDIT_BASE_URL=http://127.0.0.1:8080
    export TCREDIT_APP_ID=sandbox-app TCREDIT_TOKEN_ID=sandbox-token
    tcredit query 330100      # demo-sms-challenge; Ctrl-D at the SMS prompt
    tcredit get TID           # waits for the SMS code
    tcredit code TID          # 123456, typed at the prompt

Exit codes:
  0  done
  1  error: the API refused a call, the network or a response failed, a file
     could not be written, the input ended
  2  usage: unknown command or flag, missing argument, conflicting flags, no
     credentials, unknown city, task or login type, a city that is not up
  3  the task failed (5xxxx, -1, -2, -9); a failed task's charge is rolled back
  4  outcome unknown: a task may have been created and billed, or a code taken;
     check with 'tcredit get TID' before trying again
  5  interrupted: the task may still be running; follow it with 'tcredit get TID'
`

// The layout of a help entry: its head, then its text from column entryIndent,
// wrapped before column helpWidth.
const (
	entryIndent = 22
	helpWidth   = 81
)

// globalFlags registers the flags every command takes, on o.
func globalFlags(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.json, "json", o.json,
		"print JSON instead of tables; for query and get, the whole result, unmasked")
	fs.BoolVar(&o.sandbox, "sandbox", o.sandbox,
		"use an in-process sandbox with demo accounts instead of the API, new for each run; no credentials needed")
	fs.StringVar(&o.appID, "app-id", o.appID,
		"the appId, an `ID` the provider issued (default $TCREDIT_APP_ID)")
	fs.StringVar(&o.tokenID, "token-id", o.tokenID,
		"the tokenId, a `SECRET` the provider issued (default $TCREDIT_TOKEN_ID; prefer the variable, as other users can see a command's flags)")
	fs.StringVar(&o.baseURL, "base-url", o.baseURL,
		"the API's base `URL` (default $TCREDIT_BASE_URL, else http://api.tcredit.com)")
	fs.BoolVar(&o.version, "version", o.version, "print the version and exit")
}

// queryFlags registers the flags of query, on o.
func queryFlags(fs *flag.FlagSet, o *options) {
	billingFlags(fs, o)
	fs.IntVar(&o.loginType, "login-type", o.loginType,
		"the login method, by its login type `N` (default: ask when there are several)")
	fs.StringVar(&o.out, "out", o.out,
		"also write the result as JSON to `FILE` (mode 0600); captcha images are saved beside it")
}

// billingFlags registers --billing-log, for the commands that create a task or see
// one end, on o. Its usage is one text for all of them: the global help shows it once.
func billingFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.billingLog, "billing-log", o.billingLog,
		"append the billing record to `FILE` as JSON lines, synced to disk: the end of each task seen, and for query each create before it is sent and its outcome; no login or code is written (default $TCREDIT_BILLING_LOG)")
}

// printUsage writes the help page of cmd, or of the program when cmd is nil.
func printUsage(w io.Writer, cmd *command) {
	if cmd == nil {
		fmt.Fprint(w, globalHelp())
		return
	}
	fmt.Fprint(w, cmd.helpPage())
}

// globalHelp returns the program's help page: the commands, and every flag of every
// command.
func globalHelp() string {
	var b strings.Builder
	b.WriteString(helpIntro)
	b.WriteString("\nCommands:\n")
	for _, cmd := range commands {
		writeEntry(&b, "  "+cmd.synopsis(), cmd.summary)
	}
	writeEntry(&b, "  help [COMMAND]", "show this help, or a command's")
	b.WriteString("\nFlags (before or after the command):\n")
	visitFlags(nil, func(f *flag.Flag) { writeEntry(&b, "  "+flagHead(f), f.Usage) })
	for _, e := range commandFlags() {
		writeEntry(&b, "  "+flagHead(e.flag), joinNames(e.commands)+": "+e.flag.Usage)
	}
	b.WriteString(helpEnd)
	return b.String()
}

// commandFlag is a flag of one or more commands, for the global help page.
type commandFlag struct {
	flag     *flag.Flag
	commands []string // the commands that take it, in the order of commands
}

// commandFlags returns the flags of the commands, each once, in the order they first
// appear, with the names of the commands that take it.
func commandFlags() []commandFlag {
	var flags []commandFlag
	at := make(map[string]int)
	for _, cmd := range commands {
		visitFlags(&cmd, func(f *flag.Flag) {
			i, ok := at[f.Name]
			if !ok {
				i = len(flags)
				at[f.Name] = i
				flags = append(flags, commandFlag{flag: f})
			}
			flags[i].commands = append(flags[i].commands, cmd.name)
		})
	}
	return flags
}

// joinNames joins names as a sentence does: "query", "query and get",
// "query, get and code".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// helpPage returns the command's help page: its usage line, what it does, its own
// flags, and the names of the flags every command takes.
func (cmd command) helpPage() string {
	var own, common []string
	visitFlags(&cmd, func(f *flag.Flag) { own = append(own, "["+flagHead(f)+"]") })
	visitFlags(nil, func(f *flag.Flag) { common = append(common, flagHead(f)) })
	var b strings.Builder
	b.WriteString("Usage: tcredit " + strings.Join(append(append([]string{cmd.synopsis()}, own...), "[flags]"), " ") + "\n\n")
	b.WriteString(cmd.about)
	if len(own) > 0 {
		b.WriteString("\n")
		visitFlags(&cmd, func(f *flag.Flag) { writeEntry(&b, "  "+flagHead(f), f.Usage) })
	}
	b.WriteString("\nFlags: " + strings.Join(common, ", ") + "\n")
	b.WriteString("(run 'tcredit help' for them, the environment and the exit codes)\n")
	return b.String()
}

// visitFlags calls fn for each flag of cmd's own, or of the flags every command takes
// when cmd is nil, in lexical order.
func visitFlags(cmd *command, fn func(*flag.Flag)) {
	fs := flag.NewFlagSet("help", flag.ContinueOnError)
	var o options
	switch {
	case cmd == nil:
		globalFlags(fs, &o)
	case cmd.flags != nil:
		cmd.flags(fs, &o)
	}
	fs.VisitAll(fn)
}

// flagHead writes a flag as the help shows it: "--out FILE", "--json".
func flagHead(f *flag.Flag) string {
	name, _ := flag.UnquoteUsage(f)
	if name == "" {
		return "--" + f.Name
	}
	return "--" + f.Name + " " + name
}

// writeEntry writes head, then text from column entryIndent, wrapped. The flag
// package's back quotes around a flag's argument name are dropped.
func writeEntry(b *strings.Builder, head, text string) {
	b.WriteString(head)
	col := len(head)
	if col >= entryIndent-1 {
		b.WriteString("\n")
		col = 0
	}
	b.WriteString(strings.Repeat(" ", entryIndent-col))
	col = entryIndent
	for i, word := range strings.Fields(strings.ReplaceAll(text, "`", "")) {
		width := len([]rune(word))
		if i > 0 && col+1+width >= helpWidth {
			b.WriteString("\n" + strings.Repeat(" ", entryIndent))
			col = entryIndent
		} else if i > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += width
	}
	b.WriteString("\n")
}
