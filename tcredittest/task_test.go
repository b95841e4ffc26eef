package tcredittest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/fakefund"
)

// walk polls a task once a step until it ends, answering its first challenge with
// answer (none when answer is empty; "=" answers with Task.Answer), and returns the
// codes it went through.
func (s *sandbox) walk(t *testing.T, tid, answer string) []int {
	t.Helper()
	var codes []int
	answered := false
	for i := 0; i < 50; i++ {
		code := codeOf(t, s.c.fund(tid))
		if len(codes) == 0 || codes[len(codes)-1] != code {
			codes = append(codes, code)
		}
		if isFinal(code) {
			return codes
		}
		if isChallenge(code) && answer != "" && !answered {
			if answer == "=" {
				task, _ := s.h.Task(tid)
				answer = task.Answer
			}
			assert.Equal(t, 0, s.c.submit(tid, answer))
			answered = true
			continue
		}
		s.clock.Advance(testStep)
	}
	t.Fatalf("task %s did not end: %v", tid, codes)
	return nil
}

func TestScenariosOfDemoAccounts(t *testing.T) {
	tests := []struct {
		login  string
		answer string
		want   []int
	}{
		{"demo-success", "", []int{10001, 10002, 20001, 30001, 40001}},
		{"demo-partial", "", []int{10001, 10002, 20001, 20005, 30001, 40002}},
		{"demo-sms-challenge", SMSCode, []int{10001, 10003, 10002, 20001, 30001, 40001}},
		{"demo-sms-challenge", "654321", []int{10001, 10003, 50009}},
		{"demo-image-challenge", "=", []int{10001, 10004, 10002, 20001, 30001, 40001}},
		{"demo-image-challenge", "0000x", []int{10001, 10004, 50009}},
		{"demo-wrong-password", "", []int{10001, 50004}},
		{"demo-wrong-code", SMSCode, []int{10001, 10003, 50009}},
		{"demo-input-timeout", SMSCode, []int{10001, 10003, 50008}},
		{"demo-input-timeout", "", []int{10001, 10003, 50008}},
		{"demo-site-down", "", []int{10001, 50005}},
		{"demo-site-unstable", "", []int{10001, 10002, 20001, 50007}},
		{"demo-crawl-failure", "", []int{10001, 10002, 20001, 50002}},
		{"somebody-else", "", []int{10001, 50004}},
	}
	for _, tt := range tests {
		t.Run(tt.login+"/"+tt.answer, func(t *testing.T) {
			s := newSandbox(t)
			tid := s.c.create(login(tt.login))
			codes := s.walk(t, tid, tt.answer)
			assert.Equal(t, tt.want, codes)

			task, ok := s.h.Task(tid)
			require.True(t, ok)
			final := tt.want[len(tt.want)-1]
			assert.Equal(t, final, task.Code)
			assert.Equal(t, final < 50000, task.Billed)
			wantBilled := 0
			if final < 50000 {
				wantBilled = 1
			}
			assert.Equal(t, wantBilled, s.h.Billed(s.h.AppID()), "billed, less roll-backs")
		})
	}
}

func TestLoginsByIDCardAndCompany(t *testing.T) {
	demo := DemoAccounts()
	sms, down := demo[ScenarioSMSChallenge], demo[ScenarioSiteDown]
	tests := []struct {
		name string
		form map[string]string
		want []int
	}{
		{"ID card and password", map[string]string{"area_code": "500100", "login_type": "2", "id_card": down.IDCard, "password": "x"},
			[]int{10001, 50005}},
		{"ID card, name and mobile", map[string]string{"area_code": "310100", "login_type": "3", "id_card": sms.IDCard,
			"real_name": "张三", "mobile": "13800138000"}, []int{10001, 10003, 10002, 20001, 30001, 40001}},
		{"company account", map[string]string{"area_code": "440100", "login_type": "4", "corp_account": "C-1",
			"corp_name": "某公司", "id_card": down.IDCard, "password": "x"}, []int{10001, 50005}},
		{"select", map[string]string{"area_code": "340500", "login_type": "1", "account": "demo-success",
			"password": "x", "sub_area": "2"}, []int{10001, 10002, 20001, 30001, 40001}},
		{"city under maintenance", map[string]string{"area_code": "650100", "login_type": "2", "id_card": sms.IDCard, "password": "x"},
			[]int{10001, 50005}},
		{"city in development", map[string]string{"area_code": "230100", "login_type": "2", "id_card": sms.IDCard, "password": "x"},
			[]int{10001, 50003}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			assert.Equal(t, tt.want, s.walk(t, s.c.create(tt.form), SMSCode))
		})
	}
}

func TestCreateTaskRefusals(t *testing.T) {
	tests := []struct {
		name string
		form map[string]string
	}{
		{"unknown city", map[string]string{"area_code": "999999", "login_type": "1", "account": "demo-success", "password": "x"}},
		{"login type the city lacks", map[string]string{"area_code": "110100", "login_type": "3", "account": "demo-success", "password": "x"}},
		{"required field missing", map[string]string{"area_code": "110100", "login_type": "1", "account": "demo-success"}},
		{"required select missing", map[string]string{"area_code": "340500", "login_type": "1", "account": "demo-success", "password": "x"}},
		{"select value not listed", map[string]string{"area_code": "340500", "login_type": "1", "account": "demo-success", "password": "x", "sub_area": "9"}},
	}
	s := newSandbox(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.c.ok(epCreateTask, tt.form)
			assert.JSONEq(t, `{"success":false,"status":-2,"message":"参数错误"}`, string(r.Data))
		})
	}
	assert.Empty(t, s.h.Tasks())
	assert.Equal(t, 0, s.h.Billed(s.h.AppID()))
}

func TestRegisteredAccounts(t *testing.T) {
	s := newSandbox(t)
	s.h.AddAccount(Account{Login: "alice", IDCard: "110105199003071306", Password: "secret", Scenario: ScenarioPartial})

	assert.Equal(t, []int{10001, 10002, 20001, 20005, 30001, 40002},
		s.walk(t, s.c.create(map[string]string{"area_code": "110100", "login_type": "1", "account": "alice", "password": "secret"}), ""))
	assert.Equal(t, []int{10001, 50004},
		s.walk(t, s.c.create(map[string]string{"area_code": "110100", "login_type": "1", "account": "alice", "password": "wrong"}), ""),
		"a wrong password")
	assert.Equal(t, []int{10001, 10002, 20001, 20005, 30001, 40002},
		s.walk(t, s.c.create(map[string]string{"area_code": "500100", "login_type": "2", "id_card": "110105199003071306", "password": "secret"}), ""),
		"by ID card")
	assert.Equal(t, []int{10001, 10002, 20001, 20005, 30001, 40002},
		s.walk(t, s.c.create(map[string]string{"area_code": "310100", "login_type": "3", "id_card": "110105199003071306",
			"real_name": "李四", "mobile": "13900139000"}), ""),
		"a login form with no password")

	s.h.AddAccount(Account{Login: "demo-success", Scenario: ScenarioCrawlFailure})
	assert.Equal(t, []int{10001, 10002, 20001, 50002}, s.walk(t, s.c.create(login("demo-success")), ""), "a demo account replaced")
}

func TestChallengeTimeout(t *testing.T) {
	s := newSandbox(t, WithChallengeTimeout(time.Hour))
	tid := s.c.create(login("demo-sms-challenge"))
	s.clock.Advance(testStep)
	assert.Equal(t, 10003, codeOf(t, s.c.fund(tid)))
	s.clock.Advance(time.Hour - time.Millisecond)
	assert.Equal(t, 10003, codeOf(t, s.c.fund(tid)))
	s.clock.Advance(time.Millisecond)
	assert.Equal(t, 50008, codeOf(t, s.c.fund(tid)))
	assert.Equal(t, -1, s.c.submit(tid, SMSCode), "too late")
	assert.Equal(t, 0, s.h.Billed(s.h.AppID()))

	timeout := s.c.create(login("demo-input-timeout"))
	s.clock.Advance(10 * testStep)
	assert.Equal(t, 0, s.c.submit(timeout, SMSCode), "a code sent just too late is taken and ignored")
	assert.Equal(t, 50008, codeOf(t, s.c.fund(timeout)))
}

func TestUnknownTasks(t *testing.T) {
	s := newSandbox(t)
	tid := s.c.create(login("demo-sms-challenge"))
	s.h.AddApp("app-2", "token-2")
	other := newRawClient(t, s.ts, s.ts.URL, "app-2", "token-2")

	assert.Equal(t, -2, codeOf(t, s.c.fund("0123456789abcdef0123456789abcdef")), "unknown tid")
	assert.Equal(t, -9, codeOf(t, other.fund(tid)), "another appId's tid")
	assert.Equal(t, -2, s.c.submit("0123456789abcdef0123456789abcdef", SMSCode))
	assert.Equal(t, -9, other.submit(tid, SMSCode))
	assert.Equal(t, -1, s.c.submit(tid, SMSCode), "no challenge yet")
	s.clock.Advance(testStep)
	assert.Equal(t, 0, s.c.submit(tid, SMSCode))
	assert.Equal(t, -1, s.c.submit(tid, SMSCode), "answered already")
}

func TestChallengeData(t *testing.T) {
	s := newSandbox(t)
	sms := s.c.create(login("demo-sms-challenge"))
	img := s.c.create(login("demo-image-challenge"))
	s.clock.Advance(testStep)

	d := s.c.fund(sms)
	assert.Equal(t, "登录中，等待用户输入短信", d["msg"])
	assert.Equal(t, sms, d["tid"])
	assert.Contains(t, d, "base64_image_bytes")

	d = s.c.fund(img)
	assert.Equal(t, "登录中，等待用户输入图片码", d["msg"])
	encoded, _ := d["base64_image_bytes"].(string)
	lines := strings.Split(encoded, "\r\n")
	require.Greater(t, len(lines), 1, "MIME base64 has line breaks")
	for _, line := range lines[:len(lines)-1] {
		assert.Len(t, line, 76)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(lines, ""))
	require.NoError(t, err)
	pic, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err)

	task, _ := s.h.Task(img)
	assert.Regexp(t, `^\d{4}$`, task.Answer)
	assert.Equal(t, task.Answer, readDigits(t, pic), "the image shows the answer")
	assert.Equal(t, encoded, s.c.fund(img)["base64_image_bytes"], "the same image every time")
	assert.NotEqual(t, raw, captchaPNG("another task", captchaDigits("another task")))
}

// readDigits reads the captcha's digits back from the image, cell by cell, by the
// darkness of each font dot.
func readDigits(t *testing.T, pic image.Image) string {
	t.Helper()
	var out []byte
	for k := 0; k < captchaDigitCount; k++ {
		x0 := captchaMargin + k*captchaCell + captchaScale
		var seen [7]string
		for row := range seen {
			var line []byte
			for col := 0; col < 5; col++ {
				r, g, b, _ := pic.At(x0+col*captchaScale+captchaScale/2, captchaMargin+row*captchaScale+captchaScale/2).RGBA()
				if r+g+b < 3*0x8000 {
					line = append(line, '#')
				} else {
					line = append(line, '.')
				}
			}
			seen[row] = string(line)
		}
		digit := byte('?')
		for d, g := range glyphs {
			if g == seen {
				digit = byte('0' + d)
			}
		}
		out = append(out, digit)
	}
	return string(out)
}

func TestReportsAreCurrent(t *testing.T) {
	clock := &fakeClock{t: time.Date(2024, 3, 1, 0, 30, 0, 0, chinaTime)}
	s := newSandbox(t, WithVariance(false), WithClock(clock.Now))
	s.clock = clock
	tid := s.c.create(map[string]string{"area_code": "330100", "login_type": "1", "account": "demo-success",
		"password": "x", "sub_area": "1"})
	clock.Advance(10 * testStep)
	d := s.c.fund(tid)
	require.Equal(t, 40001, codeOf(t, d))
	assert.Equal(t, "2024-03-01 00:30:00", d["createTime"])
	base := d["baseInfo"].(map[string]any)
	assert.Equal(t, "2024-02", base["payUntilDate"], "the report ends in the month before the clock's, in China time")
	last := ""
	for _, bill := range d["billInfos"].([]any) {
		if m, ok := bill.(map[string]any)["payMonth"].(string); ok && m > last {
			last = m
		}
	}
	assert.Equal(t, "2024-02", last, "the latest contribution")
	require.NotEmpty(t, d["loanInfos"])
	for _, loan := range d["loanInfos"].([]any) {
		date, _ := loan.(map[string]any)["detailInfo"].(map[string]any)["loanDate"].(string)
		assert.True(t, date > "2021" && date < "2024-03", "a loan taken out two years before the report's end: %s", date)
	}

	// 杭州's report: its employer, address and ID card prefix.
	assert.Regexp(t, `^杭州市`, base["companyName"])
	assert.Regexp(t, `^浙江省杭州市`, base["homeAddress"])
	assert.Regexp(t, `^3301`, base["idCard"], "the account login gives no ID card: one of the city's")
	assert.Equal(t, "杭州市住房公积金管理中心", base["depositManageDept"])
}

func TestReportCities(t *testing.T) {
	for _, ct := range cityList {
		assert.True(t, fakefund.KnownCity(reportCity(ct.code)), "%s %s has no report city", ct.code, ct.name)
	}
}

func TestTaskIDsDifferAcrossSandboxes(t *testing.T) {
	first := newSandbox(t).c.create(login("demo-success"))
	second := newSandbox(t).c.create(login("demo-success"))
	assert.NotEqual(t, first, second, "a restarted sandbox gives new task ids")
	assert.Regexp(t, `^[0-9a-f]{32}$`, first)

	a := newSandbox(t, WithSeed(42)).c.create(login("demo-success"))
	b := newSandbox(t, WithSeed(42)).c.create(login("demo-success"))
	assert.Equal(t, a, b, "with a seed, the same task ids")
}

func TestReports(t *testing.T) {
	s := newSandbox(t, WithVariance(false))
	s.h.AddAccount(Account{Login: "small", Scenario: ScenarioSuccess, Report: Report{Months: 12, NoLoans: true}})
	s.h.AddAccount(Account{Login: "loans", Scenario: ScenarioSuccess, Report: Report{Months: 48, Loans: 2, Repayments: 6}})

	done := func(form map[string]string) map[string]any {
		tid := s.c.create(form)
		s.clock.Advance(10 * testStep)
		d := s.c.fund(tid)
		require.Equal(t, 40001, codeOf(t, d))
		return d
	}

	d := done(map[string]string{"area_code": "310100", "login_type": "3", "id_card": DemoAccounts()[ScenarioSuccess].IDCard,
		"real_name": "张三", "mobile": "13800138000"})
	assert.Equal(t, "爬取结束", d["msg"])
	assert.Equal(t, "2017-07-28 10:00:00", d["createTime"])
	base, _ := d["baseInfo"].(map[string]any)
	require.NotNil(t, base)
	assert.Equal(t, "张三", base["employeeName"], "the holder is the person who logged in")
	assert.Equal(t, DemoAccounts()[ScenarioSuccess].IDCard, base["idCard"])
	assert.NotEmpty(t, d["billInfos"])
	assert.NotEmpty(t, d["loanInfos"])
	assert.NotContains(t, d, "fail")

	d = done(map[string]string{"area_code": "110100", "login_type": "1", "account": "small", "password": "x"})
	months := map[any]bool{}
	for _, bill := range d["billInfos"].([]any) {
		if m, ok := bill.(map[string]any)["payMonth"]; ok {
			months[m] = true
		}
	}
	assert.Len(t, months, 12, "12 months of contributions")
	assert.Empty(t, d["loanInfos"])
	d = done(map[string]string{"area_code": "110100", "login_type": "1", "account": "loans", "password": "x"})
	assert.Len(t, d["loanInfos"], 2)

	sized := newSandbox(t, WithReport(Report{NoLoans: true}))
	tid := sized.c.create(login("demo-success"))
	sized.clock.Advance(10 * testStep)
	assert.Empty(t, sized.c.fund(tid)["loanInfos"], "WithReport sizes the demo accounts' reports")

	partial := s.c.create(login("demo-partial"))
	s.clock.Advance(10 * testStep)
	d = s.c.fund(partial)
	assert.Equal(t, 40002, codeOf(t, d))
	assert.Equal(t, []any{"loanInfos"}, d["fail"])
	assert.NotContains(t, d, "loanInfos")
	assert.Contains(t, d, "baseInfo")
}

// script runs the same calls on a sandbox and returns every response body.
func script(t *testing.T, opts ...Option) [][]byte {
	s := newSandbox(t, opts...)
	var bodies [][]byte
	keep := func(r response) { bodies = append(bodies, r.Body) }
	keep(s.c.ok(epCities, nil))
	keep(s.c.ok(epCityParams, map[string]string{"area_code": "330100"}))
	var tids []string
	for _, a := range DemoAccounts() {
		r := s.c.ok(epCreateTask, login(a.Login))
		keep(r)
		var d struct{ TID string }
		require.NoError(t, json.Unmarshal(r.Data, &d))
		tids = append(tids, d.TID)
	}
	for step := 0; step < 8; step++ {
		for _, tid := range tids {
			keep(s.c.ok(epGetFund, map[string]string{"tid": tid}))
		}
		s.clock.Advance(testStep)
	}
	return bodies
}

func TestSameSeedSameBytes(t *testing.T) {
	a := script(t, WithSeed(7))
	b := script(t, WithSeed(7))
	require.Equal(t, len(a), len(b))
	for i := range a {
		require.Equal(t, string(a[i]), string(b[i]), "response %d", i)
	}
	c := script(t, WithSeed(8))
	assert.NotEqual(t, a, c)
}

func TestVariance(t *testing.T) {
	count := func(bodies [][]byte) (asString, asNumber int) {
		for _, b := range bodies {
			if bytes.Contains(b, []byte(`"code":"`)) {
				asString++
			}
			if bytes.Contains(b, []byte(`"code":1`)) || bytes.Contains(b, []byte(`"code":4`)) || bytes.Contains(b, []byte(`"code":5`)) {
				asNumber++
			}
		}
		return asString, asNumber
	}
	asString, asNumber := count(script(t, WithSeed(3)))
	assert.Positive(t, asString, "data.code as a string on some responses")
	assert.Positive(t, asNumber, "data.code as a number on others")

	plain := script(t, WithSeed(3), WithVariance(false))
	asString, _ = count(plain)
	assert.Zero(t, asString)
	for _, b := range plain {
		assert.NotContains(t, string(b), `"true"`)
		assert.NotContains(t, string(b), `"area_status":"`)
	}
}
