// Command tcredit is for the people who operate an integration of Tianchuang's
// housing provident fund query API (天创公积金查询): it tells which cities are up, what
// a city's login form asks, runs a whole query with a person at the terminal, and
// shows the state or the result of any task and sends the code a task waits for,
// without writing code.
//
// Usage:
//
//	tcredit cities [--json]                           which cities, which are up
//	tcredit params AREA_CODE [--json]                 a city's login methods and fields
//	tcredit query AREA_CODE [--login-type N] [--json] [--out FILE]
//	tcredit get TID [--json]                          a task's current state or result
//	tcredit code TID [CODE] [--json]                  send the code a task waits for, follow it
//	tcredit --sandbox COMMAND ...                     any of them on the embedded sandbox
//	tcredit help [COMMAND]                            usage, environment and exit codes
//
// Flags may come before or after the command and its arguments, and are spelled with
// two dashes (one works too). Each command has its own help: tcredit help query, or
// tcredit query --help.
//
// # Credentials
//
// The appId and tokenId come from TCREDIT_APP_ID and TCREDIT_TOKEN_ID, or from the
// flags --app-id and --token-id; the API's address from TCREDIT_BASE_URL or --base-url
// (default http://api.tcredit.com). The tokenId is never echoed or printed. Prefer the
// environment: other users of the machine can see a command's flags.
//
// # Billing log
//
// With --billing-log FILE (or TCREDIT_BILLING_LOG), query, get and code append the
// billing record to FILE as JSON lines (tcredit.BillingLog): each create before it is
// sent and its outcome (query), and the end of each task they see. The file holds identifiers
// only, never a login or a code; tcredit-ledger import loads it into the ledger.
//
// With --sandbox the command runs against an in-process sandbox of the API (package
// tcredittest) and needs no credentials; it takes none either: --sandbox with
// --app-id, --token-id or --base-url is a usage error. Its demo accounts log in to every city with
// any password: demo-success, demo-sms-challenge (SMS code 123456),
// demo-image-challenge, demo-wrong-password and more. Each run starts a sandbox of its
// own, so a task lives only as long as its query; to look tasks up with get across
// runs, start cmd/tcredit-sandbox and point the three variables at it:
//
//	go run ./cmd/tcredit-sandbox -addr 127.0.0.1:8080 &
//	export TCREDIT_APP_ID=sandbox-app TCREDIT_TOKEN_ID=sandbox-token TCREDIT_BASE_URL=http://127.0.0.1:8080
//	tcredit query 330100
//	tcredit get TID
//	echo 123456 | tcredit code TID
//
// # Query
//
// query is interactive. It asks each field of the city's login form, a select as a
// numbered list of its choices and a password without echo on a terminal that can turn
// echo off (with stty; elsewhere, as in the Windows console, it warns that the password
// will show); it checks the answers with LoginMethod.NewRequest and asks the wrong ones
// again before anything is billed. It then creates the task and prints its tid at once, shows a status line
// (the time since the task was created and its status in words) redrawn in place on a
// terminal and as plain lines otherwise, asks for the SMS code when one is sent, and
// saves an image captcha to a PNG file, printing its path, before asking its text. At
// the end it prints the underwriting summary (package summary) as a table, with the
// holder's name and ID card number masked. With --json it prints the whole result,
// unmasked, as JSON instead; with --out FILE it also writes that JSON to FILE, readable
// by its owner only. FILE is opened before anything is billed (a directory is refused),
// and an existing FILE is replaced only by a new result. Amounts are in yuan with
// their thousands separated: ¥30,886.59.
//
// # Code
//
// get tells what a task waits for; code sends it. code TID submits the SMS code or the
// captcha text the person gave to a task that waits for one, then follows the task as
// query does, asking for another code if the task asks again, and prints the summary
// at the end. It asks for the code at the terminal or reads it from standard input,
// after saving a captcha image; code TID CODE takes it from the command line instead,
// where the other users of the machine can see it (ps).
//
// When the input of query ends while the task waits for a code, the error says to
// send it with tcredit code TID. A query is only interrupted there: the task goes on
// waiting at the provider, and an SMS code can be given in a later run. Under
// --sandbox the sandbox ends with the run, so get and code of a later run find no
// such task, and say to serve a sandbox with tcredit-sandbox instead.
//
// Prompts, the status line and messages go to standard error; tables and JSON go to
// standard output, so that a result can be piped or redirected while the person still
// sees the questions.
//
// # Errors and exit codes
//
// An error is one line on standard error that says what happened and what to do, such
// as
//
//	tcredit: getFundB: status 5 TokenKey验证失败 (seqNum 0951…) — check TCREDIT_TOKEN_ID (…)
//	tcredit: task 457e… failed: 50004 登录失败,用户名密码输入错误 — check the login and the password
//
// The message is the error's own text, as the SDK's error types write it (they begin
// with the program's name, tcredit); the hint after the dash is the tool's. A hint
// names the flag or the variable the setting came from: --token-id when that flag
// gave it.
//
// The exit code tells its kind:
//
//	0  done
//	1  error: the API refused a call, the network or a response failed, a file could
//	   not be written, the input ended
//	2  usage: unknown command or flag, missing argument, conflicting flags, no
//	   credentials, unknown city, task or login type, a city that is not up
//	3  the task failed (5xxxx, -1, -2, -9); a failed task's charge is rolled back
//	4  outcome unknown: a task may have been created and billed, or a code taken;
//	   check with "tcredit get TID" before trying again
//	5  interrupted: the task may still be running; follow it with "tcredit get TID"
package main
