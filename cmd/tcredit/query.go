package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tcredit-go/tcredit"
)

// sandboxHint tells who can log in to the --sandbox.
const sandboxHint = "sandbox: log in as demo-success (any password), demo-sms-challenge (SMS code " +
	"123456), demo-image-challenge or demo-wrong-password; 'go doc github.com/tcredit-go/tcredit/tcredittest' lists them all"

// query runs a whole query for a person at the terminal: it asks the city's login form,
// creates the task, follows it, asks for the codes it needs, and prints the result.
func (c *cli) query(ctx context.Context, areaCode string) error {
	out, err := openOut(c.opts.out)
	if err != nil {
		return err
	}
	defer out.discard()
	m, err := c.loginMethod(ctx, areaCode)
	if err != nil {
		return err
	}
	req, err := c.fillForm(ctx, areaCode, m)
	if err != nil {
		return err
	}
	res, err := c.follow(ctx, req, m)
	return c.finish(res, err, out)
}

// finish prints how a followed task ended: its result, or with --json the result of
// a failed task before the error it returns.
func (c *cli) finish(res *tcredit.FundResult, err error, out *outFile) error {
	if err != nil {
		if res != nil && res.Code.Failed() && c.opts.json {
			if werr := writeJSON(c.stdout, res); werr != nil {
				return werr
			}
		}
		return err
	}
	return c.printResult(res, out)
}

// loginMethod returns the login method the query uses, once it knows that the city
// is up.
func (c *cli) loginMethod(ctx context.Context, areaCode string) (tcredit.LoginMethod, error) {
	city, err := c.city(ctx, areaCode)
	if err != nil {
		return tcredit.LoginMethod{}, err
	}
	if !city.Available() {
		msg := fmt.Sprintf("%s %s is not available now: %s", city.AreaCode, city.AreaName, city.AreaStatus)
		if city.AreaTips != "" {
			msg += " (" + city.AreaTips + ")"
		}
		return tcredit.LoginMethod{}, usagef("%s", msg)
	}
	methods, err := c.client.LoginMethods(ctx, areaCode)
	if err != nil {
		return tcredit.LoginMethod{}, err
	}
	if c.opts.sandbox {
		fmt.Fprintln(c.stderr, sandboxHint)
	}
	m, err := c.chooseMethod(ctx, city, methods)
	if err != nil {
		return tcredit.LoginMethod{}, err
	}
	fmt.Fprintf(c.stderr, "%s %s, login type %d %s\n", printable(city.AreaCode), printable(city.AreaName), m.LoginType, printable(m.LoginName))
	if city.AreaTips != "" {
		fmt.Fprintln(c.stderr, printable(city.AreaTips))
	}
	return m, nil
}

// follow runs the query of req with Client.Query: it prints the tid as soon as the task
// exists, shows the status line while it runs and asks for the codes it needs.
func (c *cli) follow(ctx context.Context, req tcredit.CreateTaskRequest, m tcredit.LoginMethod) (*tcredit.FundResult, error) {
	status := newStatusLine(c.stderr, c.env.terminal, c.env.now)
	defer status.end()
	opts := append(c.followOptions(status, c.codeProvider(status)),
		tcredit.WithLoginMethod(m),
		tcredit.OnTaskCreated(func(_ context.Context, tid string) error {
			fmt.Fprintf(c.stderr, "task %s created\n", printable(tid))
			status.begin()
			return nil
		}))
	return c.client.Query(ctx, req, opts...)
}

// followOptions are the options of a Query or Wait that follows a task at the
// terminal: the status line, the code provider ask, and the polling schedule.
func (c *cli) followOptions(status *statusLine, ask func(context.Context, tcredit.Challenge) (string, error)) []tcredit.QueryOption {
	opts := []tcredit.QueryOption{tcredit.OnStatus(status.update), tcredit.WithCodeProvider(ask)}
	poll := c.env.poll
	if poll == 0 && c.srv != nil {
		poll = c.env.step
	}
	if poll > 0 {
		opts = append(opts, tcredit.WithPollInterval(poll, 5*poll))
	}
	return opts
}

// chooseMethod returns the login method of --login-type, the city's only one, or the
// one the person picks.
func (c *cli) chooseMethod(ctx context.Context, city tcredit.City, methods []tcredit.LoginMethod) (tcredit.LoginMethod, error) {
	if len(methods) == 0 {
		return tcredit.LoginMethod{}, fmt.Errorf("%s %s lists no login method", city.AreaCode, city.AreaName)
	}
	if c.opts.loginType != 0 {
		for _, m := range methods {
			if m.LoginType == c.opts.loginType {
				return m, nil
			}
		}
		return tcredit.LoginMethod{}, usagef("%s %s has no login type %d; it has %s", city.AreaCode, city.AreaName, c.opts.loginType, loginTypes(methods))
	}
	if len(methods) == 1 {
		return methods[0], nil
	}
	fmt.Fprintf(c.stderr, "Login methods of %s %s:\n", printable(city.AreaCode), printable(city.AreaName))
	for _, m := range methods {
		fmt.Fprintf(c.stderr, "  %d  %s\n", m.LoginType, printable(m.LoginName))
	}
	for {
		answer, err := c.ask(ctx, "login type", "")
		if err != nil {
			return tcredit.LoginMethod{}, err
		}
		n, _ := strconv.Atoi(strings.TrimSpace(answer))
		for _, m := range methods {
			if m.LoginType == n {
				return m, nil
			}
		}
		fmt.Fprintf(c.stderr, "  choose one of %s\n", printable(loginTypes(methods)))
	}
}

// fillForm asks each field of the login form, makes the request of the answers with
// LoginMethod.NewRequest, and asks again the fields it finds wrong.
func (c *cli) fillForm(ctx context.Context, areaCode string, m tcredit.LoginMethod) (tcredit.CreateTaskRequest, error) {
	values := make(map[string]string, len(m.LoginParams))
	for _, p := range m.LoginParams {
		v, err := c.askParam(ctx, p)
		if err != nil {
			return tcredit.CreateTaskRequest{}, err
		}
		values[p.Name] = v
	}
	if m.AreaCode == "" {
		m.AreaCode = areaCode // a server that leaves it out of the login method
	}
	for {
		req, err := m.NewRequest(values)
		var invalid *tcredit.ValidationError
		if err == nil || !errors.As(err, &invalid) {
			return req, err
		}
		for _, f := range invalid.Fields {
			p, ok := findParam(m, f.Field)
			if !ok {
				return req, err
			}
			fmt.Fprintf(c.stderr, "  %s (%s) %s\n", printable(p.Label), printable(p.Name), printable(f.Err.Error()))
			if values[p.Name], err = c.askParam(ctx, p); err != nil {
				return req, err
			}
		}
	}
}

func findParam(m tcredit.LoginMethod, name string) (tcredit.LoginParam, bool) {
	for _, p := range m.LoginParams {
		if p.Name == name {
			return p, true
		}
	}
	return tcredit.LoginParam{}, false
}

// askParam asks one field of the login form: a select as a numbered list of its
// choices, a password without echo on a terminal. The answer is not checked here:
// fillForm leaves that to LoginMethod.NewRequest.
func (c *cli) askParam(ctx context.Context, p tcredit.LoginParam) (string, error) {
	label := p.Label + " (" + p.Name + ")"
	if p.Label == "" {
		label = p.Name
	}
	if !p.Required {
		label += ", optional"
	}
	switch {
	case p.Type == "password":
		return c.askSecret(ctx, label)
	case p.Type == "select" && len(p.List) > 0:
		fmt.Fprintln(c.stderr, printable(label)+":")
		for i, ch := range p.List {
			fmt.Fprintf(c.stderr, "  %d) %s\n", i+1, printable(ch.Key))
		}
		answer, err := c.ask(ctx, fmt.Sprintf("choose 1-%d", len(p.List)), "")
		if err != nil {
			return "", err
		}
		answer = strings.TrimSpace(answer)
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(p.List) {
			return p.List[n-1].Value, nil
		}
		return answer, nil
	}
	answer, err := c.ask(ctx, label, p.Name)
	return strings.TrimSpace(answer), err
}

// ask prints a prompt and reads the answer; field names what is asked in the error
// when the input has ended. Input that is not a terminal does not show the line
// ending of the answer, so ask ends the prompt's line itself.
func (c *cli) ask(ctx context.Context, prompt, field string) (string, error) {
	fmt.Fprint(c.stderr, printable(prompt)+": ")
	answer, err := c.in.line(ctx)
	if c.env.echoOff == nil {
		fmt.Fprintln(c.stderr)
	}
	if errors.Is(err, errInputEnded) {
		if field == "" {
			field = prompt
		}
		return "", fmt.Errorf("%w before %s was answered", err, field)
	}
	return answer, err
}

// askSecret asks for a password or a code with the terminal's echo off; on a
// terminal that cannot turn it off, it warns that the answer will show.
func (c *cli) askSecret(ctx context.Context, prompt string) (string, error) {
	if c.env.echoOff == nil {
		return c.ask(ctx, prompt, prompt)
	}
	restore, err := c.env.echoOff()
	if err != nil {
		fmt.Fprintln(c.stderr, "(the terminal cannot hide what you type: it will show)")
		return c.ask(ctx, prompt, prompt)
	}
	answer, err := c.ask(ctx, prompt+", hidden", prompt)
	restore()
	fmt.Fprintln(c.stderr)
	return answer, err
}

// codeProvider returns the function that asks the person for a challenge's code: the
// SMS code, or the text of the captcha, whose image it saves first.
func (c *cli) codeProvider(status *statusLine) func(ctx context.Context, ch tcredit.Challenge) (string, error) {
	return func(ctx context.Context, ch tcredit.Challenge) (string, error) {
		status.pause()
		defer status.resume()
		prompt := "SMS code (短信验证码)"
		if ch.Code.NeedsCaptcha() {
			prompt = "captcha text (图片验证码)"
			if len(ch.Image) == 0 {
				fmt.Fprintln(c.stderr, "the server sent no readable captcha image")
			} else {
				path, err := c.saveCaptcha(ch)
				if err != nil {
					return "", err
				}
				fmt.Fprintf(c.stderr, "captcha image saved to %s\n", printable(path))
			}
		}
		if ch.Message != "" && ch.Message != ch.Code.String() {
			fmt.Fprintln(c.stderr, printable(ch.Message))
		}
		for {
			code, err := c.ask(ctx, prompt, prompt)
			if code = strings.TrimSpace(code); err != nil || code != "" {
				return code, err
			}
		}
	}
}

// saveCaptcha writes a captcha image to a new file in --out's directory or the
// temporary directory, and returns its path.
func (c *cli) saveCaptcha(ch tcredit.Challenge) (string, error) {
	dir := c.env.tempDir
	if c.opts.out != "" {
		dir = filepath.Dir(c.opts.out)
	}
	ext := ".png"
	switch ch.ImageType() {
	case "image/jpeg":
		ext = ".jpg"
	case "image/gif":
		ext = ".gif"
	case "image/bmp":
		ext = ".bmp"
	}
	f, err := os.CreateTemp(dir, "tcredit-captcha-"+fileSafe(ch.TID)+"-*"+ext)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(ch.Image); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return filepath.Abs(f.Name())
}

// fileSafe keeps the letters, digits, '-' and '_' of s, for a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}

// outFile is the file of --out. It is opened before the query is billed, so that a
// path that cannot be written is refused before rather than after; an existing file
// keeps its content until the result replaces it.
type outFile struct {
	f       *os.File
	created bool // the file did not exist: discard removes it
	written bool
}

// openOut opens the --out file for writing, or returns nil when there is none. The
// file holds personal data: it is made readable by its owner only, even one that
// existed.
func openOut(path string) (*outFile, error) {
	if path == "" {
		return nil, nil
	}
	if dir := filepath.Dir(path); !isDir(dir) {
		return nil, usagef("--out %s: no directory %s", path, dir)
	}
	if isDir(path) {
		return nil, usagef("--out %s is a directory: give a file name", path)
	}
	o := &outFile{created: true}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		o.created = false
		f, err = os.OpenFile(path, os.O_WRONLY, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	o.f = f
	if err := f.Chmod(0o600); err != nil { // an existing file keeps its mode otherwise
		o.discard()
		return nil, fmt.Errorf("--out: %w", err)
	}
	return o, nil
}

// isDir reports whether path is a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// write replaces the file's content with res as JSON and closes the file. Its error
// names the task, whose result can be fetched again.
func (o *outFile) write(res *tcredit.FundResult) error {
	err := o.f.Truncate(0)
	if err == nil {
		err = writeJSON(o.f, res)
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	o.written = err == nil
	if err != nil {
		return fmt.Errorf("result of task %s not saved: %w — fetch it again with 'tcredit get %s --json'", res.TID, err, res.TID)
	}
	return nil
}

// discard closes the file when no result was written to it, and removes it when
// openOut created it. It does nothing on a nil outFile.
func (o *outFile) discard() {
	if o == nil || o.written {
		return
	}
	o.f.Close()
	if o.created {
		os.Remove(o.f.Name())
	}
}

// printResult prints a finished task: the whole result as JSON with --json, the
// underwriting summary otherwise; with --out it also writes the JSON to out.
func (c *cli) printResult(res *tcredit.FundResult, out *outFile) error {
	var err error
	if c.opts.json {
		err = writeJSON(c.stdout, res)
	} else {
		err = c.printSummary(res)
	}
	if out == nil || err != nil {
		return err
	}
	if err := out.write(res); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "result written to %s\n", out.f.Name())
	return nil
}
