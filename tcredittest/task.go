package tcredittest

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// SMSCode is the SMS code that answers the SMS challenge of every sandbox task.
const SMSCode = "123456"

// inputTimeoutSteps is how many steps the challenge of ScenarioInputTimeout waits.
const inputTimeoutSteps = 3

// Scenario is what happens to a task, from login to report.
type Scenario int

// The scenarios. Each line gives the task codes a task goes through, one step each.
const (
	ScenarioSuccess          Scenario = iota // 10001 10002 20001 30001 40001, with the full report
	ScenarioPartial                          // 10001 10002 20001 20005 30001 40002, fail ["loanInfos"], no loans in the report
	ScenarioSMSChallenge                     // 10001 10003; SMSCode → 10002 20001 30001 40001; another code → 50009
	ScenarioCaptchaChallenge                 // 10001 10004 with a PNG captcha; its digits → 10002 20001 30001 40001; others → 50009
	ScenarioWrongPassword                    // 10001 50004
	ScenarioWrongCode                        // 10001 10003; every code is wrong → 50009
	ScenarioInputTimeout                     // 10001 10003; codes are taken (status 0) and ignored, 50008 after 3 steps
	ScenarioSiteDown                         // 10001 50005: the fund website is under maintenance
	ScenarioSiteUnstable                     // 10001 10002 20001 50007
	ScenarioCrawlFailure                     // 10001 10002 20001 50002
)

var scenarioNames = [...]string{
	"success", "partial", "sms-challenge", "image-challenge", "wrong-password",
	"wrong-code", "input-timeout", "site-down", "site-unstable", "crawl-failure",
}

var scenarioDescriptions = [...]string{
	"10001 10002 20001 30001 40001, the full report",
	"10001 10002 20001 20005 30001 40002, \"fail\":[\"loanInfos\"] and no loans",
	"10001 10003; SMS code " + SMSCode + " → 10002 20001 30001 40001; another code → 50009",
	"10001 10004 with a PNG captcha; its digits → 10002 20001 30001 40001; others → 50009",
	"10001 50004 (用户名密码输入错误)",
	"10001 10003; every code → 50009 (验证码输入错误)",
	"10001 10003; codes taken but ignored, 50008 (等待用户输入超时) after 3 steps",
	"10001 50005 (网站维护中)",
	"10001 10002 20001 50007 (网站不稳定)",
	"10001 10002 20001 50002 (爬取失败)",
}

// Description tells what happens to a task of the scenario, as task codes.
func (s Scenario) Description() string {
	if s >= 0 && int(s) < len(scenarioDescriptions) {
		return scenarioDescriptions[s]
	}
	return s.String()
}

// String returns the scenario's name, such as "sms-challenge".
func (s Scenario) String() string {
	if s >= 0 && int(s) < len(scenarioNames) {
		return scenarioNames[s]
	}
	return "Scenario(" + strconv.Itoa(int(s)) + ")"
}

// Report sets the size and seed of the report a finished task returns. Zero fields
// take the defaults; out-of-range values are clamped.
type Report struct {
	Seed       int64 // drives every value of the report; 0 draws one from the sandbox's seed and the login
	Months     int   // months of contributions, ending the month before the task's (default 36; 1 to 600)
	Loans      int   // housing loans (default 1; up to 64)
	NoLoans    bool  // no loan at all
	Repayments int   // repayments made on each loan (default 24; 1 to 360)
}

// Account is a login of the sandbox's fund websites and what happens when a task logs
// in with it. The same account logs in to every city.
type Account struct {
	Login    string   // matched against a task's account, id_card and corp_account parameters, in that order
	IDCard   string   // optional second login: an ID card number, for cities that log in by ID card
	Password string   // when not empty, a task that sends another password fails with 50004
	Scenario Scenario // what happens to its tasks
	Report   Report   // the report of its finished tasks; zero for the sandbox's WithReport
}

// DemoAccounts returns the built-in accounts, one per scenario. Each logs in by its
// Login ("demo-success", ...) where a city asks for an account, by its IDCard where a
// city asks for an ID card number, with any password. A login the sandbox does not
// know fails with 50004.
func DemoAccounts() []Account {
	ids := [...]string{
		"110105199003071028", "110105199003071044", "110105199003071060", "110105199003071087",
		"110105199003071108", "110105199003071124", "110105199003071140", "110105199003071167",
		"110105199003071183", "110105199003071204",
	}
	accounts := make([]Account, len(scenarioNames))
	for i, name := range scenarioNames {
		accounts[i] = Account{Login: "demo-" + name, IDCard: ids[i], Scenario: Scenario(i)}
	}
	return accounts
}

// AddAccount registers an account, replacing any account with the same Login or IDCard.
func (h *Handler) AddAccount(a Account) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.register(a)
}

// register indexes an account by its logins. h.mu is held.
func (h *Handler) register(a Account) {
	h.accounts[a.Login] = a
	if a.IDCard != "" {
		h.accounts[a.IDCard] = a
	}
}

// Task is what the sandbox knows of a task.
type Task struct {
	TID       string
	AppID     string
	AreaCode  string
	LoginType string
	Login     string   // the account, id_card or corp_account the task logged in with
	Scenario  Scenario // ScenarioWrongPassword for a login the sandbox does not know
	Code      int      // the task code now, such as 10003 or 40001
	Answer    string   // the code that answers its challenge, SMSCode or the captcha's digits (ScenarioWrongCode and ScenarioInputTimeout refuse it too)
	Created   time.Time
	Billed    bool // charged to AppID; false once the charge of a failed task is rolled back
}

// task is a task and its life cycle.
type task struct {
	Task
	account Account
	holder  map[string]string // real_name, id_card and mobile as given
	script  []int             // task codes, one per step from base
	base    time.Time
	seen    int       // index in script of the last code reached
	expire  time.Time // when an unanswered challenge fails with 50008; zero when none waits
	polls   uint64

	reportOnce sync.Once
	report     []byte // the JSON members of the finished report
}

// Task codes (data.code) and their messages.
const (
	codeParams       = -2
	codeAuth         = -9
	codeLoggingIn    = 10001
	codeLoggedIn     = 10002
	codeWaitSMS      = 10003
	codeWaitImage    = 10004
	codeCrawling     = 20001
	codeCrawledPart  = 20005
	codeStoring      = 30001
	codeDone         = 40001
	codeDonePartial  = 40002
	codeCrawlFailed  = 50002
	codeNotBuilt     = 50003
	codeBadPassword  = 50004
	codeMaintenance  = 50005
	codeSiteUnstable = 50007
	codeInputTimeout = 50008
	codeBadCode      = 50009
)

var codeText = map[int]string{
	-9:    "权限认证失败",
	-1:    "接口异常",
	-2:    "参数错误",
	10001: "登录中",
	10003: "登录中，等待用户输入短信",
	10004: "登录中，等待用户输入图片码",
	50001: "登录失败",
	50006: "登录失败,请求参数错误",
	50004: "登录失败,用户名密码输入错误",
	50008: "登录失败,等待用户输入超时",
	50009: "登录失败,验证码输入错误",
	50005: "登录失败,网站维护中",
	10002: "登陆成功,准备爬取",
	20001: "爬取中",
	20005: "阶段性爬取成功",
	50002: "爬取失败",
	50003: "爬取失败,网站未开发",
	50007: "爬取失败,网站不稳定",
	30001: "存储中",
	40001: "爬取结束",
	40002: "爬取结束,部分数据缺失",
}

func isChallenge(code int) bool { return code == codeWaitSMS || code == codeWaitImage }
func isFailure(code int) bool   { return code >= 50000 }
func isFinal(code int) bool     { return code >= codeDone }

// script returns the task codes of a scenario up to its end or its challenge.
func (s Scenario) script() []int {
	switch s {
	case ScenarioPartial:
		return []int{codeLoggingIn, codeLoggedIn, codeCrawling, codeCrawledPart, codeStoring, codeDonePartial}
	case ScenarioSMSChallenge, ScenarioWrongCode, ScenarioInputTimeout:
		return []int{codeLoggingIn, codeWaitSMS}
	case ScenarioCaptchaChallenge:
		return []int{codeLoggingIn, codeWaitImage}
	case ScenarioWrongPassword:
		return []int{codeLoggingIn, codeBadPassword}
	case ScenarioSiteDown:
		return []int{codeLoggingIn, codeMaintenance}
	case ScenarioSiteUnstable:
		return []int{codeLoggingIn, codeLoggedIn, codeCrawling, codeSiteUnstable}
	case ScenarioCrawlFailure:
		return []int{codeLoggingIn, codeLoggedIn, codeCrawling, codeCrawlFailed}
	}
	return []int{codeLoggingIn, codeLoggedIn, codeCrawling, codeStoring, codeDone}
}

// loginKeys are the parameters that identify an account, in the order they are tried.
var loginKeys = [...]string{"account", "id_card", "corp_account"}

// refusal is the data of a createFundSearchTaskB that creates no task.
const refusal = `{"success":false,"status":-2,"message":"参数错误"}`

// createTask answers createFundSearchTaskB: it checks the login form against the
// city's login method, then creates and bills a task.
func (h *Handler) createTask(c *call) []byte {
	ct := findCity(c.form["area_code"])
	if ct == nil {
		return []byte(refusal)
	}
	m := ct.method(c.form["login_type"])
	if m == nil {
		return []byte(refusal)
	}
	for _, p := range m.params {
		v := c.form[p.name]
		if p.required && blank(v) || p.list != nil && !blank(v) && !hasChoice(p.list, v) {
			return []byte(refusal)
		}
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	n := uint64(len(h.order) + 1)
	t := &task{Task: Task{
		TID:       h.newTID(n),
		AppID:     c.appID,
		AreaCode:  ct.code,
		LoginType: c.form["login_type"],
		Created:   c.reqTime,
		Billed:    true,
	}}
	t.account, t.Login = h.lookup(c.form)
	t.Scenario = t.account.Scenario
	t.holder = map[string]string{"real_name": c.form["real_name"], "id_card": c.form["id_card"], "mobile": c.form["mobile"]}
	switch t.Scenario {
	case ScenarioSMSChallenge, ScenarioWrongCode, ScenarioInputTimeout:
		t.Answer = SMSCode
	case ScenarioCaptchaChallenge:
		t.Answer = captchaDigits(t.TID)
	}
	script := t.Scenario.script()
	switch ct.status {
	case cityMaintenance:
		script = []int{codeLoggingIn, codeMaintenance}
	case cityInDevelopment:
		script = []int{codeLoggingIn, codeNotBuilt}
	}
	h.tasks[t.TID] = t
	c.tid = t.TID
	h.order = append(h.order, t)
	h.billed[t.AppID]++
	h.setScript(t, c.reqTime, script...)
	h.watch(t)

	b := make([]byte, 0, 64)
	b = append(b, `{"tid":`...)
	b = appendQuoted(b, t.TID)
	b = append(b, `,"success":`...)
	b = appendBool(b, true, h.variance && h.draw("success", n)%4 == 0)
	return append(b, '}')
}

// hasChoice reports whether v is one of the values of a select's list.
func hasChoice(list [][2]string, v string) bool {
	for _, choice := range list {
		if choice[0] == v {
			return true
		}
	}
	return false
}

// lookup finds the account a login form names. A login it does not know, or a wrong
// password (where the form has one), gets ScenarioWrongPassword. h.mu is held.
func (h *Handler) lookup(form map[string]string) (Account, string) {
	login := ""
	for _, k := range loginKeys {
		v := form[k]
		if blank(v) {
			continue
		}
		if login == "" {
			login = v
		}
		if a, ok := h.accounts[v]; ok {
			if a.Password != "" && !blank(form["password"]) && form["password"] != a.Password {
				a.Scenario = ScenarioWrongPassword
			}
			return a, v
		}
	}
	return Account{Login: login, Scenario: ScenarioWrongPassword}, login
}

// newTID returns the n-th task id: 32 hex digits drawn from the seed of task ids.
func (h *Handler) newTID(n uint64) string {
	var b [32]byte
	src := strconv.AppendUint(append(strconv.AppendUint(b[:0], h.tidSeed, 10), ':'), n, 10)
	sum := md5.Sum(append([]byte("tid:"), src...))
	return hex.EncodeToString(sum[:])
}

// setScript starts a new leg of a task's life at time at. h.mu is held.
func (h *Handler) setScript(t *task, at time.Time, codes ...int) {
	t.script, t.base, t.seen, t.expire = codes, at, 0, time.Time{}
	for i, code := range codes {
		if isChallenge(code) {
			wait := h.challenge
			if t.Scenario == ScenarioInputTimeout {
				wait = inputTimeoutSteps * h.step
			}
			t.expire = at.Add(time.Duration(i)*h.step + wait)
		}
	}
	h.reach(t, codes[0])
}

// advance brings a task to its state at now, going through every code on the way.
// h.mu is held.
func (h *Handler) advance(t *task, now time.Time) {
	k := int(now.Sub(t.base) / h.step)
	if k >= len(t.script) {
		k = len(t.script) - 1
	}
	for t.seen < k {
		t.seen++
		h.reach(t, t.script[t.seen])
	}
	if isChallenge(t.Code) && !t.expire.IsZero() && !now.Before(t.expire) {
		h.setScript(t, t.expire, codeInputTimeout)
	}
}

// reach records that a task reached a code: a failed task's charge is rolled back
// and a callback is queued for the codes that matter. h.mu is held.
func (h *Handler) reach(t *task, code int) {
	t.Code = code
	if isFailure(code) && t.Billed {
		t.Billed = false
		h.billed[t.AppID]--
	}
	if isChallenge(code) || isFinal(code) {
		h.notify(t, code)
	}
}

// getFund answers getFundB. A tid the sandbox never gave gets data.code -2 (参数错误);
// a tid of another appId gets -9 (权限认证失败).
func (h *Handler) getFund(c *call) ([]byte, int) {
	h.mu.Lock()
	t := h.tasks[c.form["tid"]]
	if t == nil || t.AppID != c.appID {
		h.mu.Unlock()
		code := codeParams
		if t != nil {
			code = codeAuth
		}
		return h.taskData(c.form["tid"], code, 0), statusOK
	}
	h.advance(t, c.reqTime)
	t.polls++
	code, polls := t.Code, t.polls
	h.mu.Unlock()

	b := h.taskData(t.TID, code, polls)
	b = b[:len(b)-1] // reopen the object
	switch {
	case isChallenge(code):
		b = append(b, `,"base64_image_bytes":`...)
		if code == codeWaitImage {
			b = appendQuoted(b, mimeBase64(captchaPNG(t.TID, t.Answer)))
		} else {
			b = append(b, `""`...)
		}
	case code == codeDone || code == codeDonePartial:
		b = append(b, `,"createTime":`...)
		b = appendQuoted(b, t.Created.In(chinaTime).Format("2006-01-02 15:04:05"))
		if code == codeDonePartial {
			b = append(b, `,"fail":["loanInfos"]`...)
		}
		b = append(b, ',')
		b = append(b, h.reportOf(t, code == codeDonePartial)...)
	}
	return append(b, '}'), statusOK
}

// chinaTime is China Standard Time, the provider's zone.
var chinaTime = time.FixedZone("CST", 8*3600)

// taskData writes {"code":…,"msg":…,"tid":…}; with variance, code is a string on some
// responses.
func (h *Handler) taskData(tid string, code int, polls uint64) []byte {
	b := make([]byte, 0, 96)
	b = append(b, `{"code":`...)
	b = appendInt(b, code, h.variance && h.draw("code"+tid, polls)%3 == 0)
	b = append(b, `,"msg":`...)
	b = appendQuoted(b, codeText[code])
	b = append(b, `,"tid":`...)
	b = appendQuoted(b, tid)
	return append(b, '}')
}

// userCode answers fundUserCode: the code answers the challenge the task waits on.
func (h *Handler) userCode(c *call) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.tasks[c.form["tid"]]
	switch {
	case t == nil:
		return h.userCodeData(c.form["tid"], -2, "参数错误")
	case t.AppID != c.appID:
		return h.userCodeData(t.TID, -9, "权限认证失败")
	}
	h.advance(t, c.reqTime)
	switch {
	case t.Scenario == ScenarioInputTimeout && (isChallenge(t.Code) || t.Code == codeInputTimeout):
		// The code never reaches the website: the challenge runs out. A code sent
		// just after it did is taken the same way, so that a client's race with
		// the clock does not change the outcome.
	case !isChallenge(t.Code):
		return h.userCodeData(t.TID, -1, "任务当前无需输入验证码")
	case t.Scenario == ScenarioWrongCode || c.form["code"] != t.Answer:
		h.setScript(t, c.reqTime, codeBadCode)
	default:
		h.setScript(t, c.reqTime, codeLoggedIn, codeCrawling, codeStoring, codeDone)
	}
	return h.userCodeData(t.TID, 0, "成功")
}

// userCodeData writes the data of fundUserCode; with variance, status is a string on
// some responses.
func (h *Handler) userCodeData(tid string, status int, message string) []byte {
	b := append([]byte(`{"message":`), appendQuoted(nil, message)...)
	b = append(b, `,"status":`...)
	b = appendInt(b, status, h.variance && h.draw("userCode"+tid, 0)%3 == 0)
	return append(b, '}')
}

// Billed returns the number of tasks charged to appID: one per task created, less one
// per task that failed (任务失败用户计费回滚).
func (h *Handler) Billed(appID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.advanceAll()
	return h.billed[appID]
}

// Tasks returns every task, in the order they were created, as they are now.
func (h *Handler) Tasks() []Task {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.advanceAll()
	tasks := make([]Task, len(h.order))
	for i, t := range h.order {
		tasks[i] = t.Task
	}
	return tasks
}

// Task returns the task with the tid as it is now, and whether there is one.
func (h *Handler) Task(tid string) (Task, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.tasks[tid]
	if t == nil {
		return Task{}, false
	}
	h.advance(t, h.now())
	return t.Task, true
}

// advanceAll brings every unfinished task to now. h.mu is held.
func (h *Handler) advanceAll() {
	now := h.now()
	for _, t := range h.order {
		if !isFinal(t.Code) {
			h.advance(t, now)
		}
	}
}
