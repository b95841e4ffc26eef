// Quickstart runs a whole housing fund query, the way a lender's service would, and
// prints each step.
//
//	go run ./examples/quickstart
//
// The API it calls follows the rule of every example: with TCREDIT_BASE_URL,
// TCREDIT_APP_ID and TCREDIT_TOKEN_ID all set, that API (http://api.tcredit.com for the
// provider's): it asks for the city, the login fields and the SMS code on the terminal,
// and the task it creates is billed. With none of them set, the tcredittest sandbox
// in-process: it logs in as the sandbox's SMS demo account and answers the SMS
// challenge itself. With only some set it stops and names the others. Its first line
// says which it uses.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdin, os.Stdout, 250*time.Millisecond); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run runs the query; step is the sandbox's task step when no credentials are set.
func run(ctx context.Context, getenv func(string) string, in io.Reader, out io.Writer, step time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	var (
		client *tcredit.Client
		user   person
		asOf   = time.Now()
		err    error
	)
	baseURL, appID, tokenID, real, err := realAPI(getenv)
	switch {
	case err != nil:
		return err
	case real:
		client, err = tcredit.NewClient(appID, tokenID, tcredit.WithBaseURL(baseURL))
		user = &terminal{in: bufio.NewReader(in), out: out}
		fmt.Fprintf(out, "Using the API at %s as appId %s (TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID): the task is billed.\n\n", baseURL, appID)
	default:
		srv := tcredittest.NewServer(tcredittest.WithStep(step))
		defer srv.Close()
		client, err = tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
		user = sandboxUser{out: out}
		fmt.Fprintf(out, "No TCREDIT_BASE_URL, TCREDIT_APP_ID or TCREDIT_TOKEN_ID set: running on the embedded sandbox at %s.\n\n", srv.URL)
	}
	if err != nil {
		return err
	}
	return query(ctx, client, user, asOf, out)
}

// apiVars name the API to call instead of the sandbox, in every example. The rule is
// examples/internal/apienv's, written out here because this program is the one a user
// copies into a module of their own, which cannot import an internal package; a test
// holds the two to the same answers.
var apiVars = [...]string{"TCREDIT_BASE_URL", "TCREDIT_APP_ID", "TCREDIT_TOKEN_ID"}

// realAPI returns the API that the environment names, and real true, when all of
// apiVars are set; real false when none is; an error naming the missing ones when
// only some are, rather than a query on the sandbox that was meant for the API.
func realAPI(getenv func(string) string) (baseURL, appID, tokenID string, real bool, err error) {
	var vals, missing []string
	for _, v := range apiVars {
		val := strings.TrimSpace(getenv(v))
		vals = append(vals, val)
		if val == "" {
			missing = append(missing, v)
		}
	}
	switch len(missing) {
	case 0:
		return vals[0], vals[1], vals[2], true, nil
	case len(apiVars):
		return "", "", "", false, nil
	}
	return "", "", "", false, fmt.Errorf("set %s too, or none of %s for the sandbox", strings.Join(missing, " and "), strings.Join(apiVars[:], ", "))
}

// query is the whole flow: pick a city, fill its login form, run the task.
func query(ctx context.Context, client *tcredit.Client, user person, asOf time.Time, out io.Writer) error {
	fmt.Fprintln(out, "1. Cities (getFundCitysB)")
	cities, err := client.Cities(ctx)
	if err != nil {
		return err
	}
	available := 0
	for _, c := range cities {
		if c.Available() {
			available++
		}
	}
	fmt.Fprintf(out, "   %d cities, %d available now\n", len(cities), available)
	city, err := user.city(cities)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   chosen: %s %s\n\n", city.AreaCode, city.AreaName)

	fmt.Fprintln(out, "2. Login form (getFundCityParamB)")
	methods, err := client.LoginMethods(ctx, city.AreaCode)
	if err != nil {
		return err
	}
	if len(methods) == 0 {
		return fmt.Errorf("city %s offers no login method", city.AreaCode)
	}
	method := methods[0]
	fmt.Fprintf(out, "   login type %d (%s):", method.LoginType, method.LoginName)
	for _, p := range method.LoginParams {
		fmt.Fprintf(out, " %s", p.Label)
	}
	fmt.Fprintln(out)
	req, err := user.login(method)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   filled in: %v\n\n", req) // masked: the password never prints

	fmt.Fprintln(out, "3. Task (createFundSearchTaskB, billed) and 4. result (getFundB)")
	start := time.Now()
	res, err := client.Query(ctx, req,
		tcredit.WithLoginMethod(method),
		tcredit.WithPollInterval(200*time.Millisecond, 2*time.Second),
		tcredit.OnTaskCreated(func(_ context.Context, tid string) error {
			fmt.Fprintf(out, "   task created: %s\n", tid)
			return nil
		}),
		tcredit.OnStatus(func(res *tcredit.FundResult) {
			fmt.Fprintf(out, "   %5.1fs  %d %s\n", time.Since(start).Seconds(), res.Code, res.Code)
		}),
		tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
			return user.code(ch)
		}),
	)
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	printReport(out, res, asOf)
	return nil
}

// person is whoever fills in the login: the sandbox's demo user, or someone at the
// terminal.
type person interface {
	city(cities []tcredit.City) (tcredit.City, error)
	login(m tcredit.LoginMethod) (tcredit.CreateTaskRequest, error)
	code(ch tcredit.Challenge) (string, error)
}

// sandboxUser plays the sandbox's SMS demo account in Hangzhou.
type sandboxUser struct{ out io.Writer }

func (sandboxUser) city(cities []tcredit.City) (tcredit.City, error) {
	for _, c := range cities {
		if c.AreaCode == "330100" && c.Available() {
			return c, nil
		}
	}
	for _, c := range cities {
		if c.Available() {
			return c, nil
		}
	}
	return tcredit.City{}, errors.New("no city available")
}

func (sandboxUser) login(m tcredit.LoginMethod) (tcredit.CreateTaskRequest, error) {
	values := make(map[string]string)
	for _, p := range m.LoginParams {
		v := "demo-sms-challenge"
		switch p.Name {
		case "password":
			v = "s3cret-passw0rd"
		case "id_card":
			v = "110105199003071060"
		case "real_name":
			v = "张三"
		case "mobile":
			v = "13812348000"
		case "sub_area":
			if len(p.List) > 0 {
				v = p.List[0].Value
			}
		}
		values[p.Name] = v
	}
	return m.NewRequest(values)
}

func (u sandboxUser) code(ch tcredit.Challenge) (string, error) {
	fmt.Fprintf(u.out, "          the person receives an SMS and types %s\n", tcredittest.SMSCode)
	return tcredittest.SMSCode, nil
}

// terminal asks a person at the terminal.
type terminal struct {
	in  *bufio.Reader
	out io.Writer
}

func (t *terminal) ask(prompt string) (string, error) {
	fmt.Fprint(t.out, prompt)
	line, err := t.in.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func (t *terminal) city(cities []tcredit.City) (tcredit.City, error) {
	code, err := t.ask("   area code (e.g. 330100): ")
	if err != nil {
		return tcredit.City{}, err
	}
	for _, c := range cities {
		if c.AreaCode == code {
			if !c.Available() {
				return c, fmt.Errorf("%s %s is %s", c.AreaCode, c.AreaName, c.AreaStatus)
			}
			return c, nil
		}
	}
	return tcredit.City{}, fmt.Errorf("no city with area code %q", code)
}

func (t *terminal) login(m tcredit.LoginMethod) (tcredit.CreateTaskRequest, error) {
	values := make(map[string]string)
	for _, p := range m.LoginParams {
		prompt := "   " + p.Label
		for _, c := range p.List {
			prompt += fmt.Sprintf(" [%s=%s]", c.Value, c.Key)
		}
		v, err := t.ask(prompt + ": ")
		if err != nil {
			return tcredit.CreateTaskRequest{}, err
		}
		values[p.Name] = v
	}
	return m.NewRequest(values)
}

func (t *terminal) code(ch tcredit.Challenge) (string, error) {
	if ch.Code.NeedsCaptcha() {
		f, err := os.CreateTemp("", "tcredit-captcha-*.png")
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := f.Write(ch.Image); err != nil {
			return "", err
		}
		fmt.Fprintf(t.out, "   captcha image saved to %s\n", f.Name())
		return t.ask("   captcha text: ")
	}
	return t.ask("   SMS code: ")
}
