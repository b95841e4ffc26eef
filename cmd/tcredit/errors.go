package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
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

// describe returns the message for err and the exit code it calls for. The message
// of an error of the SDK is made of its fields (see text), not of its own text.
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
		return c.describeAPI(api), exitError
	case errors.Is(err, tcredit.ErrInvalidInput):
		return text(err), exitUsage
	case errors.As(err, &network):
		return text(err) + " — check " + c.sources.baseURL + " and the network", exitError
	}
	return text(err), exitError
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
	if errors.Is(e.Err, errInputEnded) {
		msg += "; " + c.codeLaterHint(e.TID)
	}
	return msg, code
}

// codeLaterHint tells how to give the code a task waits for in a later run: with
// 'tcredit code TID', against the same API; a --sandbox task ends with its run.
func (c *cli) codeLaterHint(tid string) string {
	if c.opts.sandbox {
		return "this run's sandbox ends with it: to give a code in a later run, serve a sandbox with tcredit-sandbox and use 'tcredit code " + tid + "' (see 'tcredit help')"
	}
	return "the task still waits for it: send it with 'tcredit code " + tid + "'"
}

// describeUnknown describes a billed call that may or may not have been processed.
func describeUnknown(e *tcredit.UnknownOutcomeError) string {
	msg := e.Endpoint + ": outcome unknown"
	if e.Err != nil {
		msg += " (" + text(e.Err) + ")"
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
	if e.Message != "" && e.Message != e.Code.String() {
		b.WriteString(": " + e.Message)
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
// setting named by where it came from.
func (c *cli) describeAPI(e *tcredit.APIError) string {
	msg := apiText(e)
	if e.Status == tcredit.StatusTokenKey && c.https {
		msg += "; " + httpsHint
	}
	if hint, ok := statusHints[e.Status]; ok {
		src := c.sources
		msg += " — " + strings.NewReplacer("{appId}", src.appID, "{tokenId}", src.tokenID, "{baseURL}", src.baseURL).Replace(hint)
	}
	return msg
}

// httpsHint is the advice for a signature refused over https.
const httpsHint = "the API's document gives an http URL (" + tcredit.DefaultBaseURL + "), and no client is known to sign over https: try it"

// text says what err is, for the messages that fail prints after "tcredit: ". The
// SDK's errors are told from their fields, as their own text begins with the
// package's name; a network error names the endpoint its URL ends in.
func text(err error) string {
	var (
		query     *tcredit.QueryError
		unknown   *tcredit.UnknownOutcomeError
		api       *tcredit.APIError
		task      *tcredit.TaskError
		response  *tcredit.ResponseError
		invalid   *tcredit.ValidationError
		field     *tcredit.FieldError
		challenge *tcredit.ChallengeError
		network   *url.Error
	)
	switch {
	case errors.As(err, &query):
		return "task " + query.TID + ": " + text(query.Err)
	case errors.As(err, &unknown):
		return describeUnknown(unknown)
	case errors.As(err, &api):
		return apiText(api)
	case errors.As(err, &task):
		return describeTask(task)
	case errors.As(err, &response):
		return responseText(response)
	case errors.As(err, &invalid):
		parts := make([]string, len(invalid.Fields))
		for i, f := range invalid.Fields {
			parts[i] = fieldText(f)
		}
		return "login form: " + strings.Join(parts, "; ")
	case errors.As(err, &field):
		return fieldText(field)
	case errors.As(err, &challenge):
		return "task " + challenge.Challenge.TID + " waits for input: " + challenge.Challenge.Code.String()
	case errors.As(err, &network):
		return path.Base(strings.TrimSuffix(network.URL, "/")) + ": " + network.Error()
	}
	return err.Error()
}

// apiText tells a refused call: "getFundB: status 5 TokenKey验证失败 (seqNum 095…)".
func apiText(e *tcredit.APIError) string {
	msg := e.Endpoint + ": status " + strconv.Itoa(int(e.Status)) + " " + e.Status.String()
	if e.Message != "" && e.Message != e.Status.String() {
		msg += ": " + e.Message
	}
	if e.SeqNum != "" {
		msg += " (seqNum " + e.SeqNum + ")"
	}
	return msg
}

// responseText tells a response that is not an answer of the API: its endpoint and
// HTTP status, the redirect not followed, the cause and the start of the body.
func responseText(e *tcredit.ResponseError) string {
	msg := e.Endpoint + ": unexpected response (HTTP " + strconv.Itoa(e.HTTPStatus)
	if e.RedirectHost != "" {
		msg += " redirecting to " + e.RedirectHost + ", not followed"
	}
	msg += ")"
	if e.Err != nil {
		msg += ": " + text(e.Err)
	}
	if e.Snippet != "" {
		msg += ": body " + e.Snippet
	}
	return msg
}

// fieldText tells a refused argument: "tid is empty", "password (密码) is required".
func fieldText(e *tcredit.FieldError) string {
	name := e.Field
	if e.Label != "" {
		name += " (" + e.Label + ")"
	}
	return name + " " + text(e.Err)
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
