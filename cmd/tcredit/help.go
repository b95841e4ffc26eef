package main

import (
	"fmt"
	"io"
)

const usageText = `tcredit reads the Tianchuang housing fund query API (天创公积金查询) for the people
who operate an integration: which cities are up, what a city's login form asks,
a whole query with a person at the terminal, and the state of any task.

Usage:
  tcredit [flags] COMMAND [ARGUMENT] [flags]

Commands:
  cities              list the cities and whether each is up
  params AREA_CODE    show a city's login methods and their fields
  query AREA_CODE     run a query: ask the login form, follow the task, ask for
                      the SMS or captcha code, print the underwriting summary
  get TID             show a task's current state, or its summary once done
  help                show this help

Flags (before or after the command):
  --json              print JSON instead of tables; for query and get, the whole
                      result, unmasked
  --sandbox           use an in-process sandbox with demo accounts instead of
                      the API, new for each run; no credentials needed
  --app-id ID         the appId (default $TCREDIT_APP_ID)
  --token-id SECRET   the tokenId (default $TCREDIT_TOKEN_ID; prefer the variable,
                      as other users can see a command's flags)
  --base-url URL      where the API is (default $TCREDIT_BASE_URL, else
                      http://api.tcredit.com)
  --login-type N      query: the login method (default: ask when there are several)
  --out FILE          query: also write the result as JSON to FILE (mode 0600);
                      captcha images are saved beside it

Environment:
  TCREDIT_APP_ID      the appId the provider issued
  TCREDIT_TOKEN_ID    the tokenId (secret) the provider issued; never printed
  TCREDIT_BASE_URL    the API's base URL, e.g. https://api.tcredit.com

Prompts, the task's status line and messages go to stderr; tables and JSON to
stdout. Passwords are read without echo on a terminal.

Exit codes:
  0  done
  1  error: the API refused a call, the network or a response failed, a file
     could not be written, the input ended
  2  usage: unknown command or flag, missing argument, no credentials, unknown
     city or login type
  3  the task failed (5xxxx, -1, -2, -9); a failed task's charge is rolled back
  4  outcome unknown: a task may have been created and billed, or a code taken;
     check with 'tcredit get TID' before trying again
  5  interrupted: the task may still be running; follow it with 'tcredit get TID'
`

// printUsage writes the help text.
func printUsage(w io.Writer) {
	fmt.Fprint(w, usageText)
}
