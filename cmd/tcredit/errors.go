package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tcredit-go/tcredit"
)

// fail prints err as one line a person understands and returns its exit code. The
// line breaks of a message fold into spaces, and what else a server's text holds that
// a terminal would act on is shown escaped (printable).
func (c *cli) fail(err error) int {
	msg, code := c.describe(err)
	fmt.Fprintln(c.stderr, "tcredit: "+printable(oneLine(msg)))
	return code
}

// describe returns the message for err, without the "tcredit: " prefix, and the exit
// code it calls for.
func (c *cli) describe(err error) (string, int) {
	var (
		usage   *usageError
		query   *tcredit.QueryError
		unknown *tcredit.UnknownOutcomeError
		task    *tcredit.TaskError
		api     *tcredit.APIError
		network *url.Error
	)
	switch {
	case errors.As(err, &usage):
		return usage.msg, exitUsage
	case errors.As(err, &query):
		return c.describeQuery(query)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrupted", exitInterrupted
	case errors.As(err, &unknown):
		return describeUnknown(unknown), exitUnknown
	case errors.As(err, &task):
		return describeTask(task), exitTaskFailed
	case errors.As(err, &api):
		return describeAPI(api, c.sources), exitError
	case errors.Is(err, tcredit.ErrInvalidInput):
		return trimPrefix(err), exitUsage
	case errors.As(err, &network):
		return trimPrefix(err) + " — check " + c.sources.baseURL + " and the network", exitError
	}
	return trimPrefix(err), exitError
}

// describeQuery describes an error of a task that exists, naming its tid.
func (c *cli) describeQuery(e *tcredit.QueryError) (string, int) {
	if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) {
		return "task " + e.TID + ": interrupted; the task may still be running: follow it with 'tcredit get " + e.TID + "'", exitInterrupted
	}
	msg, code := c.describe(e.Err)
	if !strings.HasPrefix(msg, "task ") {
		msg = "task " + e.TID + ": " + msg
	}
	return msg, code
}

// describeUnknown describes a billed call that may or may not have been processed.
func describeUnknown(e *tcredit.UnknownOutcomeError) string {
	msg := e.Endpoint + ": outcome unknown"
	if e.Err != nil {
		msg += " (" + trimPrefix(e.Err) + ")"
	}
	if e.TID != "" {
		return msg + ": check task " + e.TID + " with 'tcredit get " + e.TID + "' before trying again"
	}
	return msg + ": a task may have been created and billed; ask the provider before trying again"
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

// describeTask describes a failed task in the form "task TID: 50004 登录失败,用户名密码输入错误".
func describeTask(e *tcredit.TaskError) string {
	var b strings.Builder
	if e.TID != "" {
		b.WriteString("task " + e.TID + ": ")
	} else {
		b.WriteString("the task was refused: ")
	}
	b.WriteString(strconv.Itoa(int(e.Code)) + " " + e.Code.String())
	if e.Msg != "" && e.Msg != e.Code.String() {
		b.WriteString(": " + e.Msg)
	}
	if hint, ok := taskHints[e.Code]; ok {
		b.WriteString(" — " + hint)
	}
	return b.String()
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

// describeAPI describes a refused call in the form
// "getFundB: status 5 TokenKey验证失败 (seqNum 095…) — check TCREDIT_TOKEN_ID", each
// setting named by src.
func describeAPI(e *tcredit.APIError, src sources) string {
	msg := trimPrefix(e)
	if hint, ok := statusHints[e.Status]; ok {
		msg += " — " + strings.NewReplacer("{appId}", src.appID, "{tokenId}", src.tokenID, "{baseURL}", src.baseURL).Replace(hint)
	}
	return msg
}

func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "tcredit: ")
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
