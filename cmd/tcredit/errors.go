package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/tcredit-go/tcredit"
)

// fail prints err as one line a person understands and returns its exit code. The
// line breaks of a message fold into spaces, and what else a server's text holds that
// a terminal would act on is shown escaped (printable).
func (c *cli) fail(err error) int {
	msg, code := c.describe(err)
	fmt.Fprintln(c.stderr, printable(oneLine(msg)))
	return code
}

// describe returns the line for err and the exit code it calls for: the error's own
// text, from the type that made it, followed by what to do about it ("— check
// TCREDIT_TOKEN_ID").
func (c *cli) describe(err error) (string, int) {
	var (
		usage *usageError
		query *tcredit.QueryError
	)
	switch {
	case errors.As(err, &usage):
		return "tcredit: " + usage.msg, exitUsage
	case interrupted(err) && !errors.As(err, &query): // before any task: nothing to follow
		return "tcredit: interrupted", exitInterrupted
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "tcredit: ") { // the SDK's errors carry the program's name already
		msg = "tcredit: " + msg
	}
	hint, code := c.advice(err)
	if hint != "" {
		msg += " — " + hint
	}
	return msg, code
}

// interrupted reports whether err is the end of the run's context.
func interrupted(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// advice returns what to do about err, or "", and the exit code it calls for.
func (c *cli) advice(err error) (string, int) {
	var (
		query       *tcredit.QueryError
		unknown     *tcredit.UnknownOutcomeError
		unknownTask *unknownTaskError
		task        *tcredit.TaskError
		api         *tcredit.APIError
		network     *url.Error
	)
	switch {
	case errors.As(err, &query) && interrupted(query.Err):
		return "interrupted; the task may still be running: follow it with 'tcredit get " + query.TID + "'", exitInterrupted
	case errors.As(err, &unknown):
		if unknown.TID != "" {
			return "check task " + unknown.TID + " with 'tcredit get " + unknown.TID + "' before trying again", exitUnknown
		}
		return "a task may have been created and billed; ask the provider before trying again", exitUnknown
	case errors.As(err, &unknownTask):
		if c.opts.sandbox {
			return "no task " + unknownTask.tid + " in this run's sandbox: --sandbox starts a new sandbox on each run; " +
				"to follow a task across runs, serve one with tcredit-sandbox (see 'tcredit help')", exitUsage
		}
		return "no task " + unknownTask.tid + " for this appId: check the tid", exitUsage
	case errors.As(err, &task):
		return taskHints[task.Code], exitTaskFailed
	case errors.As(err, &api):
		hint := statusHints[api.Status]
		src := c.sources
		return strings.NewReplacer("{appId}", src.appID, "{tokenId}", src.tokenID, "{baseURL}", src.baseURL).Replace(hint), exitError
	case errors.Is(err, tcredit.ErrInvalidInput):
		return "", exitUsage
	case errors.As(err, &query) && errors.Is(err, errInputEnded):
		return c.codeLaterHint(query.TID), exitError
	case errors.As(err, &network):
		return "check " + c.sources.baseURL + " and the network", exitError
	}
	return "", exitError
}

// codeLaterHint tells how to give the code a task waits for in a later run: with
// 'tcredit code TID', against the same API; a --sandbox task ends with its run.
func (c *cli) codeLaterHint(tid string) string {
	if c.opts.sandbox {
		return "this run's sandbox ends with it: to give a code in a later run, serve a sandbox with tcredit-sandbox and use 'tcredit code " + tid + "' (see 'tcredit help')"
	}
	return "the task still waits for it: send it with 'tcredit code " + tid + "'"
}

// taskHints tell what to do about a failed task.
var taskHints = map[tcredit.TaskCode]string{
	tcredit.CodeBadCredentials:   "check the login and the password",
	tcredit.CodeWrongCode:        "the code was wrong: run the query again",
	tcredit.CodeInputTimeout:     "no code came in time: run the query again",
	tcredit.CodeSiteMaintenance:  "the city's fund website is under maintenance: try again later",
	tcredit.CodeSiteNotSupported: "the provider does not support this city's website yet",
	tcredit.CodeSiteUnstable:     "the fund website was unstable: try again later",
	tcredit.CodeAuthFailed:       "the task belongs to another appId",
}

// statusHints tell what to do about a refused call; {appId}, {tokenId} and {baseURL}
// stand for the flag or variable each setting came from.
var statusHints = map[tcredit.Status]string{
	tcredit.StatusSystemError:         "try again; if it goes on, quote the seqNum to the provider",
	tcredit.StatusInvalidParams:       "quote the seqNum to the provider",
	tcredit.StatusUnknownUser:         "check {appId}",
	tcredit.StatusTokenKey:            "check {tokenId} (and {baseURL}: the signature covers the URL)",
	tcredit.StatusNoPermission:        "ask the provider to enable this endpoint, quoting the seqNum",
	tcredit.StatusSuspended:           "ask the provider why, quoting the seqNum",
	tcredit.StatusInsufficientBalance: "top up the account with the provider",
	tcredit.StatusBusy:                "try again in a minute",
	tcredit.StatusProcessing:          "try again in a moment",
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
