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
  code TID CODE       send the SMS code or captcha text a task waits for, then
                      follow the task to its end like query
  help [COMMAND]      show this help, or a command's

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
  2  usage: unknown command or flag, missing argument, conflicting flags, no
     credentials, unknown city, task or login type, a city that is not up
  3  the task failed (5xxxx, -1, -2, -9); a failed task's charge is rolled back
  4  outcome unknown: a task may have been created and billed, or a code taken;
     check with 'tcredit get TID' before trying again
  5  interrupted: the task may still be running; follow it with 'tcredit get TID'
`

// commonFlags ends the help of every command.
const commonFlags = `
Flags: --json, --sandbox, --app-id ID, --token-id SECRET, --base-url URL
(run 'tcredit help' for them, the environment and the exit codes)
`

const cityHelp = `Usage: tcredit cities [flags]

Lists the cities the API supports (getFundCitysB, not billed): area code, name,
whether queries can be made now, and the city's tips. With --json, the list as the
SDK reads it.
`

const paramsHelp = `Usage: tcredit params AREA_CODE [flags]

Shows the login methods of the city AREA_CODE (getFundCityParamB, not billed):
each method's login type and the fields of its form, with their names, labels,
whether they are required and a select's choices. An area code that the city list
does not have exits 2.
`

const queryHelp = `Usage: tcredit query AREA_CODE [--login-type N] [--out FILE] [flags]

Runs a whole query with a person at the terminal: asks each field of the city's
login form (a select as a numbered list, the password without echo), checks the
answers before anything is billed, creates the task (createFundSearchTaskB,
billed) and prints its tid, shows a status line while it runs, asks for the SMS
code or the captcha text (the image is saved to a PNG file), and prints the
underwriting summary. A city that is not up exits 2.

  --login-type N      the login method (default: ask when there are several)
  --out FILE          also write the result as JSON to FILE (mode 0600)
`

const getHelp = `Usage: tcredit get TID [flags]

Shows the task TID (getFundB, not billed): the underwriting summary once it is
done, else its state and what it waits for, with a captcha image saved to a PNG
file. A task that failed exits 3; a tid that this appId has no task of exits 2.
`

const codeHelp = `Usage: tcredit code TID CODE [flags]

Sends CODE, the SMS code or the captcha text that the person gave, to the task
TID, which must wait for one (fundUserCode: each code spends one of the person's
attempts), then follows the task like query: the status line, another code if the
task asks again, and the underwriting summary at the end. A task that failed
exits 3; a tid that this appId has no task of exits 2.
`

// printUsage writes the help text of cmd, or of the program when cmd is nil.
func printUsage(w io.Writer, cmd *command) {
	if cmd == nil {
		fmt.Fprint(w, usageText)
		return
	}
	fmt.Fprint(w, cmd.help+commonFlags)
}
