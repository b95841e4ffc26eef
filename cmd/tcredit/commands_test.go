package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestCities(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "--sandbox", "cities")
	require.Equal(t, exitOK, o.code, o.stderr)
	lines := strings.Split(o.stdout, "\n")
	assert.Regexp(t, `^AREA_CODE\s+CITY\s+STATUS\s+TIPS$`, lines[0])
	assert.Contains(t, lines, "110100     北京      正常可用")
	assert.Contains(t, lines, "650100     乌鲁木齐  系统维护  系统维护中，请稍后再试")
	assert.Contains(t, lines, "230100     哈尔滨    开发中    即将开通")
	assert.Contains(t, o.stdout, "\n29 cities, 25 up\n")
}

func TestCitiesJSON(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "cities", "--json", "--sandbox")
	require.Equal(t, exitOK, o.code, o.stderr)
	var cities []tcredit.City
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &cities))
	require.Len(t, cities, 29)
	assert.Equal(t, tcredit.City{AreaCode: "650100", AreaName: "乌鲁木齐", AreaTips: "系统维护中，请稍后再试",
		AreaURL: "http://gjj.sandbox.example/urumqi/", AreaStatus: tcredit.CityMaintenance}, cities[26])
}

func TestParams(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "--sandbox", "params", "330100")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, `330100 杭州 (正常可用)
未注册用户请到杭州公积金网站进行注册

login type 1  客户号
  account   客户号    text      required
  password  密码      password  required
  sub_area  缴存网点  select    required  1=市本级 2=萧山分中心 3=余杭分中心

login type 2  身份证号
  id_card   身份证号  text      required
  password  密码      password  required
`, o.stdout)
}

func TestParamsJSON(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "--sandbox", "params", "120100", "--json")
	require.Equal(t, exitOK, o.code, o.stderr)
	var methods []tcredit.LoginMethod
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &methods))
	require.Len(t, methods, 2)
	assert.Equal(t, 3, methods[1].LoginType)
	assert.Equal(t, "身份证号+短信验证码", methods[1].LoginName)
}

var (
	tidLine     = regexp.MustCompile(`(?m)^task ([0-9a-zA-Z]+) created$`)
	fullIDCard  = regexp.MustCompile(`\d{17}[\dXx]`)
	maskedID    = regexp.MustCompile(`\b\d{4}\*{10}[\dXx]{4}\b`)
	plainStatus = regexp.MustCompile(`(?m)^\d+:\d\d  40001 爬取结束$`)
)

// TestQuerySuccess runs a query to its summary: the login method and every field asked,
// a wrong select choice asked again, the tid printed, the status as plain lines.
func TestQuerySuccess(t *testing.T) {
	in := lines("1", "demo-success", "pa55-word-9", "9", "2")
	o := runCLI(t, testEnv(t), in, "--sandbox", "query", "330100")
	require.Equal(t, exitOK, o.code, o.stderr)

	assert.Contains(t, o.stderr, "Login methods of 330100 杭州:\n  1  客户号\n  2  身份证号\nlogin type: \n")
	assert.Contains(t, o.stderr, "330100 杭州, login type 1 客户号\n")
	assert.Contains(t, o.stderr, "客户号 (account): \n密码 (password): \n缴存网点 (sub_area):\n  1) 市本级\n  2) 萧山分中心\n  3) 余杭分中心\nchoose 1-3: \n")
	assert.Contains(t, o.stderr, `  缴存网点 (sub_area) is "9", not one of 1 (市本级), 2 (萧山分中心), 3 (余杭分中心)`)
	assert.Regexp(t, tidLine, o.stderr)
	assert.Regexp(t, plainStatus, o.stderr)
	assert.NotContains(t, o.stderr, "\r")
	assert.NotContains(t, o.stdout+o.stderr, "pa55-word-9")

	assert.Regexp(t, `(?m)^Task\s+[0-9a-zA-Z]+  40001 爬取结束$`, o.stdout)
	assert.Regexp(t, `(?m)^As of\s+2017-08-15$`, o.stdout)
	assert.Regexp(t, `(?m)^Holder\s+\p{Han}\*+  \d{4}\*{10}[\dX]{4}$`, o.stdout)
	assert.Regexp(t, `(?m)^Account\s+Active`, o.stdout)
	assert.Regexp(t, `(?m)^Balance\s+¥\d{1,3}(,\d{3})*\.\d\d$`, o.stdout, "thousands separated")
	assert.Regexp(t, `(?m)^Contributions\s+latest 2017-07 \(1 month ago\), \d+ months in a row$`, o.stdout)
	assert.Regexp(t, `(?m)^Loans\s+\d+ \(\d+ settled\), outstanding ¥`, o.stdout)
	assert.Regexp(t, `(?m)^Data\s+complete, \d+ statement rows$`, o.stdout)
	assert.NotRegexp(t, fullIDCard, o.stdout)
}

func TestQueryJSONAndOut(t *testing.T) {
	out := t.TempDir() + "/result.json"
	in := lines("demo-success", "pw")
	o := runCLI(t, testEnv(t), in, "--sandbox", "query", "110100", "--login-type", "1", "--json", "--out", out)
	require.Equal(t, exitOK, o.code, o.stderr)

	var res tcredit.FundResult
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &res))
	assert.Equal(t, tcredit.CodeDone, res.Code)
	assert.Equal(t, tidLine.FindStringSubmatch(o.stderr)[1], res.TID)
	require.NotNil(t, res.BaseInfo)
	assert.Regexp(t, fullIDCard, res.BaseInfo.IDCard, "--json gives the raw result")
	assert.NotEmpty(t, res.BillInfos)
	assert.NotEmpty(t, res.LoanInfos)

	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.JSONEq(t, o.stdout, string(written))
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Contains(t, o.stderr, "result written to "+out+"\n")
}

func TestQueryOutWithTable(t *testing.T) {
	out := t.TempDir() + "/r.json"
	o := runCLI(t, testEnv(t), lines("demo-partial", "pw"), "--sandbox", "query", "110100", "--login-type=1", "--out="+out)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Regexp(t, `(?m)^Task\s+\S+  40002 爬取结束,部分数据缺失$`, o.stdout)
	assert.Regexp(t, `(?m)^Data\s+missing loanInfos$`, o.stdout)
	var res tcredit.FundResult
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &res))
	assert.Equal(t, []string{"loanInfos"}, res.Missing)
}

// TestQueryOutIsDirectory refuses an --out that is a directory before any task is
// created, so that no result is billed and then lost.
func TestQueryOutIsDirectory(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	o := runCLI(t, withCredentials(testEnv(t), srv), lines("demo-success", "pw"), "query", "110100", "--login-type", "1", "--out", dir)
	assert.Equal(t, exitUsage, o.code)
	assert.Equal(t, "tcredit: --out "+dir+" is a directory: give a file name", o.lastLine())
	assert.NotRegexp(t, tidLine, o.stderr)
	assert.Empty(t, srv.Tasks(), "no task is created")
	assert.Equal(t, 0, srv.Billed(srv.AppID()))
}

// TestQueryOutKeptOnFailure leaves an --out file as it was when the query gives no
// result: an existing one keeps its content, a new one is not left behind empty.
func TestQueryOutKeptOnFailure(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"tid":"earlier"}`), 0o644))
	for _, out := range []string{old, fresh} {
		o := runCLI(t, testEnv(t), lines("demo-wrong-password", "pw"), "--sandbox", "query", "110100", "--login-type", "1", "--out", out)
		assert.Equal(t, exitTaskFailed, o.code, o.stderr)
	}
	b, err := os.ReadFile(old)
	require.NoError(t, err)
	assert.Equal(t, `{"tid":"earlier"}`, string(b))
	fi, err := os.Stat(old)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "made owner-only before the query")
	assert.NoFileExists(t, fresh)
}

// TestQueryOutNotSaved names the task whose result could not be written at the end,
// so that it can be fetched again rather than queried and billed again.
func TestQueryOutNotSaved(t *testing.T) {
	out, err := openOut(filepath.Join(t.TempDir(), "r.json"))
	require.NoError(t, err)
	require.NoError(t, out.f.Close()) // every write fails from now on
	var stdout, stderr bytes.Buffer
	c := &cli{stdout: &stdout, stderr: &stderr, opts: options{json: true}}
	res := &tcredit.FundResult{TID: "5f2a9c", Code: tcredit.CodeDone}

	err = c.printResult(res, out)
	require.Error(t, err)
	assert.Equal(t, exitError, c.fail(err))
	assert.Regexp(t, `^tcredit: result of task 5f2a9c not saved: .*file already closed — fetch it again with 'tcredit get 5f2a9c --json'\n$`, stderr.String())
	assert.Contains(t, stdout.String(), `"tid": "5f2a9c"`, "the result is printed before the file is written")
}

func TestQuerySMSChallenge(t *testing.T) {
	in := lines("110105199003071060", "张三", "13800138000", tcredittest.SMSCode)
	o := runCLI(t, testEnv(t), in, "--sandbox", "query", "120100", "--login-type", "3")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stderr, "身份证号 (id_card): \n姓名 (real_name): \n手机号 (mobile): \n")
	assert.Regexp(t, `(?m)^\d+:\d\d  10003 登录中，等待用户输入短信\nSMS code \(短信验证码\): \n`, o.stderr)
	assert.Regexp(t, `(?m)^Holder\s+张\*  1101\*{10}1060$`, o.stdout)
	assert.NotRegexp(t, fullIDCard, o.stdout)
}

func TestQueryWrongSMSCode(t *testing.T) {
	in := lines("110105199003071060", "张三", "13800138000", "", "000000")
	o := runCLI(t, testEnv(t), in, "--sandbox", "query", "120100", "--login-type", "3")
	assert.Equal(t, exitTaskFailed, o.code)
	assert.Regexp(t, `^tcredit: task \S+ failed: 50009 登录失败,验证码输入错误 — the code was wrong: run the query again$`, o.lastLine())
	assert.Empty(t, o.stdout)
}

func TestQueryCaptcha(t *testing.T) {
	srv := newServer(t)
	e := withCredentials(testEnv(t), srv)
	in := lines("demo-image-challenge", "pw").then(func() string {
		tasks := srv.Tasks()
		return tasks[len(tasks)-1].Answer
	})
	o := runCLI(t, e, in, "query", "110100", "--login-type", "1")
	require.Equal(t, exitOK, o.code, o.stderr)

	m := regexp.MustCompile(`(?m)^captcha image saved to (.+)\ncaptcha text \(图片验证码\): \n`).FindStringSubmatch(o.stderr)
	require.NotNil(t, m, o.stderr)
	assert.True(t, strings.HasPrefix(m[1], e.tempDir+string(os.PathSeparator)), m[1])
	assert.True(t, strings.HasSuffix(m[1], ".png"), m[1])
	img, err := os.ReadFile(m[1])
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG\r\n\x1a\n", string(img[:8]))
	assert.Regexp(t, `(?m)^Task\s+\S+  40001 爬取结束$`, o.stdout)
}

func TestQueryCaptchaBesideOut(t *testing.T) {
	srv := newServer(t)
	e := withCredentials(testEnv(t), srv)
	dir := t.TempDir()
	in := lines("demo-image-challenge", "pw").then(func() string {
		tasks := srv.Tasks()
		return tasks[len(tasks)-1].Answer
	})
	o := runCLI(t, e, in, "query", "110100", "--login-type", "1", "--out", dir+"/result.json")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stderr, "captcha image saved to "+dir+string(os.PathSeparator)+"tcredit-captcha-")
}

func TestQueryWrongPassword(t *testing.T) {
	srv := newServer(t)
	o := runCLI(t, withCredentials(testEnv(t), srv), lines("demo-wrong-password", "pw"), "query", "110100", "--login-type", "1")
	assert.Equal(t, exitTaskFailed, o.code)
	tid := tidLine.FindStringSubmatch(o.stderr)[1]
	assert.Equal(t, "tcredit: task "+tid+" failed: 50004 登录失败,用户名密码输入错误 — check the login and the password", o.lastLine())
	assert.Empty(t, o.stdout)
	assert.Equal(t, 0, srv.Billed(srv.AppID()), "a failed task is not billed")
}

func TestQueryFailedJSON(t *testing.T) {
	o := runCLI(t, testEnv(t), lines("demo-site-down", "pw"), "--sandbox", "--json", "query", "110100", "--login-type", "1")
	assert.Equal(t, exitTaskFailed, o.code)
	assert.Regexp(t, `^tcredit: task \S+ failed: 50005 登录失败,网站维护中 — the city's fund website is under maintenance: try again later$`, o.lastLine())
	var res tcredit.FundResult
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &res))
	assert.Equal(t, tcredit.CodeSiteMaintenance, res.Code)
}

func TestQueryCityUnavailable(t *testing.T) {
	o := runCLI(t, testEnv(t), nil, "--sandbox", "query", "650100")
	assert.Equal(t, exitUsage, o.code)
	assert.Equal(t, "tcredit: 650100 乌鲁木齐 is not available now: 系统维护 (系统维护中，请稍后再试)\n", o.stderr)
}

func TestQueryTerminalRedrawsInPlace(t *testing.T) {
	e := testEnv(t)
	e.terminal = true
	o := runCLI(t, e, lines("demo-success", "pw"), "--sandbox", "query", "110100", "--login-type", "1")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Regexp(t, `\r\x1b\[K\d+:\d\d  40001 爬取结束\n`, o.stderr)
	assert.NotRegexp(t, `(?m)^\d+:\d\d  \d+ `, o.stderr, "no status on a line of its own")
}

func TestQueryHidesPassword(t *testing.T) {
	e := testEnv(t)
	var calls []string
	e.echoOff = func() (func(), error) {
		calls = append(calls, "off")
		return func() { calls = append(calls, "on") }, nil
	}
	o := runCLI(t, e, lines("demo-success", "s3cret-pw"), "--sandbox", "query", "110100", "--login-type", "1")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, []string{"off", "on"}, calls)
	assert.Contains(t, o.stderr, "密码 (password), hidden: \n")
	assert.NotContains(t, o.stdout+o.stderr, "s3cret-pw")
}

func TestQueryInputEnds(t *testing.T) {
	o := runCLI(t, testEnv(t), lines("demo-success"), "--sandbox", "query", "110100", "--login-type", "1")
	assert.Equal(t, exitError, o.code)
	assert.Equal(t, "tcredit: the input ended before 密码 (password) was answered", o.lastLine())
}

// TestQueryInputEndsAtCode checks that a query whose input ends when the task waits
// for a code says how to give it in a later run.
func TestQueryInputEndsAtCode(t *testing.T) {
	login := []string{"110105199003071060", "张三", "13800138000"}
	t.Run("API", func(t *testing.T) {
		srv := newServer(t)
		o := runCLI(t, withCredentials(testEnv(t), srv), lines(login...), "query", "120100", "--login-type", "3")
		assert.Equal(t, exitError, o.code)
		tid := tidLine.FindStringSubmatch(o.stderr)[1]
		assert.Equal(t, "tcredit: task "+tid+": the input ended before SMS code (短信验证码) was answered — "+
			"the task still waits for it: send it with 'tcredit code "+tid+"'", o.lastLine())
	})
	t.Run("sandbox", func(t *testing.T) {
		o := runCLI(t, testEnv(t), lines(login...), "--sandbox", "query", "120100", "--login-type", "3")
		assert.Equal(t, exitError, o.code)
		tid := tidLine.FindStringSubmatch(o.stderr)[1]
		assert.Equal(t, "tcredit: task "+tid+": the input ended before SMS code (短信验证码) was answered — "+
			"this run's sandbox ends with it: to give a code in a later run, serve a sandbox with tcredit-sandbox and use 'tcredit code "+tid+"' (see 'tcredit help')", o.lastLine())
	})
}

func TestQueryOutcomeUnknown(t *testing.T) {
	srv := newServer(t)
	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB"})
	o := runCLI(t, withCredentials(testEnv(t), srv), lines("demo-success", "pw"), "query", "110100", "--login-type", "1")
	assert.Equal(t, exitUnknown, o.code)
	assert.Regexp(t, `^tcredit: createFundSearchTaskB: outcome unknown \(not retried\): .+ — a task may have been created and billed; ask the provider before trying again$`, o.lastLine())
	assert.Equal(t, 1, srv.Billed(srv.AppID()))
}

func TestQueryInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	in := lines("110105199003071060", "张三", "13800138000").then(func() string {
		cancel() // Ctrl-C while the SMS code is asked
		<-release
		return ""
	})
	o := runCLIContext(ctx, t, testEnv(t), in, "--sandbox", "query", "120100", "--login-type", "3")
	assert.Equal(t, exitInterrupted, o.code)
	tid := tidLine.FindStringSubmatch(o.stderr)[1]
	assert.Equal(t, "tcredit: task "+tid+": context canceled — interrupted; the task may still be running: follow it with 'tcredit get "+tid+"'", o.lastLine())
}

// startTask creates a task on srv with the login of account and waits until it is at
// a code for which stop is true.
func startTask(t *testing.T, srv *tcredittest.Server, account string, stop func(tcredit.TaskCode) bool) string {
	t.Helper()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: account, Password: "pw"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		res, _ := client.GetFund(ctx, tid)
		return res != nil && stop(res.Code)
	}, maxWait, testStep)
	return tid
}

func TestGet(t *testing.T) {
	tests := []struct {
		name    string
		account string
		at      func(tcredit.TaskCode) bool // the task is looked at once this is true
		json    bool
		code    int
		check   func(t *testing.T, tid string, o outcome)
	}{
		{"done", "demo-success", tcredit.TaskCode.Done, false, exitOK, func(t *testing.T, tid string, o outcome) {
			assert.Regexp(t, `(?m)^Task\s+`+tid+`  40001 爬取结束$`, o.stdout)
			assert.Regexp(t, maskedID, o.stdout)
			assert.NotRegexp(t, fullIDCard, o.stdout)
		}},
		{"done as JSON", "demo-success", tcredit.TaskCode.Done, true, exitOK, func(t *testing.T, tid string, o outcome) {
			var res tcredit.FundResult
			require.NoError(t, json.Unmarshal([]byte(o.stdout), &res))
			assert.Equal(t, tid, res.TID)
			require.NotNil(t, res.BaseInfo)
			assert.NotZero(t, res.BaseInfo.HouseFundBalance)
			assert.NotEmpty(t, res.BillInfos)
		}},
		{"waiting for SMS", "demo-sms-challenge", tcredit.TaskCode.NeedsSMS, false, exitOK, func(t *testing.T, tid string, o outcome) {
			assert.Equal(t, "task "+tid+": 10003 登录中，等待用户输入短信\nit waits for the SMS code sent to the person's phone: send it with 'tcredit code "+tid+"'\n", o.stdout)
		}},
		{"waiting for captcha", "demo-image-challenge", tcredit.TaskCode.NeedsCaptcha, false, exitOK, func(t *testing.T, tid string, o outcome) {
			assert.Regexp(t, `^task `+tid+`: 10004 登录中，等待用户输入图片码\nit waits for the text of a captcha image: send it with 'tcredit code `+tid+`'\ncaptcha image saved to \S+\.png\n$`, o.stdout)
		}},
		{"failed", "demo-wrong-password", tcredit.TaskCode.Failed, false, exitTaskFailed, func(t *testing.T, tid string, o outcome) {
			assert.Empty(t, o.stdout)
			assert.Equal(t, "tcredit: task "+tid+" failed: 50004 登录失败,用户名密码输入错误 — check the login and the password\n", o.stderr)
		}},
		{"failed as JSON", "demo-wrong-password", tcredit.TaskCode.Failed, true, exitTaskFailed, func(t *testing.T, tid string, o outcome) {
			var res tcredit.FundResult
			require.NoError(t, json.Unmarshal([]byte(o.stdout), &res))
			assert.Equal(t, tcredit.CodeBadCredentials, res.Code)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			tid := startTask(t, srv, tt.account, tt.at)
			args := []string{"get", tid}
			if tt.json {
				args = append(args, "--json")
			}
			o := runCLI(t, withCredentials(testEnv(t), srv), nil, args...)
			assert.Equal(t, tt.code, o.code, o.stderr)
			tt.check(t, tid, o)
		})
	}
}

func TestUnknownTask(t *testing.T) {
	for _, args := range [][]string{{"get", "no-such-task"}, {"code", "no-such-task", "123456"}, {"code", "no-such-task"}, {"get", "no-such-task", "--json"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			srv := newServer(t)
			o := runCLI(t, withCredentials(testEnv(t), srv), nil, args...)
			assert.Equal(t, exitUsage, o.code, "a task that never existed is no failed task")
			assert.Equal(t, "tcredit: task no-such-task failed: -2 参数错误 — no task no-such-task for this appId: check the tid\n", o.stderr)
			assert.Empty(t, o.stdout)
		})
		t.Run("--sandbox "+strings.Join(args, " "), func(t *testing.T) {
			o := runCLI(t, testEnv(t), nil, append([]string{"--sandbox"}, args...)...)
			assert.Equal(t, exitUsage, o.code)
			assert.Equal(t, "tcredit: task no-such-task failed: -2 参数错误 — no task no-such-task in this run's sandbox: --sandbox starts a new sandbox on each run; "+
				"to follow a task across runs, serve one with tcredit-sandbox (see 'tcredit help')\n", o.stderr)
			assert.Empty(t, o.stdout)
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		name    string
		account string
		answer  func(srv *tcredittest.Server, tid string) string
		input   []string // the answers to the prompts that follow
		// prompted: the code is not an argument but the answer to the first prompt
		prompted bool
		code     int
		check    func(t *testing.T, tid string, o outcome)
	}{
		{"SMS code", "demo-sms-challenge", func(*tcredittest.Server, string) string { return tcredittest.SMSCode }, nil, false, exitOK,
			func(t *testing.T, tid string, o outcome) {
				assert.Contains(t, o.stderr, "task "+tid+": code submitted\n")
				assert.Regexp(t, plainStatus, o.stderr)
				assert.Regexp(t, `(?m)^Task\s+`+tid+`  40001 爬取结束$`, o.stdout)
				assert.Regexp(t, `(?m)^Balance\s+¥\d{1,3}(,\d{3})*\.\d\d$`, o.stdout)
			}},
		{"captcha text", "demo-image-challenge", func(srv *tcredittest.Server, tid string) string {
			task, _ := srv.Task(tid)
			return task.Answer
		}, nil, false, exitOK, func(t *testing.T, tid string, o outcome) {
			assert.Regexp(t, `(?m)^Task\s+`+tid+`  40001 爬取结束$`, o.stdout)
		}},
		{"SMS code from standard input", "demo-sms-challenge", func(*tcredittest.Server, string) string { return tcredittest.SMSCode }, nil, true, exitOK,
			func(t *testing.T, tid string, o outcome) {
				assert.Contains(t, o.stderr, "SMS code (短信验证码): \n")
				assert.NotContains(t, o.stderr, "code submitted")
				assert.Regexp(t, `(?m)^Task\s+`+tid+`  40001 爬取结束$`, o.stdout)
			}},
		{"captcha text from standard input", "demo-image-challenge", func(srv *tcredittest.Server, tid string) string {
			task, _ := srv.Task(tid)
			return task.Answer
		}, nil, true, exitOK, func(t *testing.T, tid string, o outcome) {
			assert.Regexp(t, `captcha image saved to \S+\.png\ncaptcha text \(图片验证码\): \n`, o.stderr)
			assert.Regexp(t, `(?m)^Task\s+`+tid+`  40001 爬取结束$`, o.stdout)
		}},
		{"input ends before the code", "demo-sms-challenge", func(*tcredittest.Server, string) string { return "" }, nil, true, exitError,
			func(t *testing.T, tid string, o outcome) {
				assert.Equal(t, "tcredit: task "+tid+": the input ended before SMS code (短信验证码) was answered — the task still waits for it: send it with 'tcredit code "+tid+"'", o.lastLine())
			}},
		{"wrong code", "demo-wrong-code", func(*tcredittest.Server, string) string { return "000000" }, nil, false, exitTaskFailed,
			func(t *testing.T, tid string, o outcome) {
				assert.Equal(t, "tcredit: task "+tid+" failed: 50009 登录失败,验证码输入错误 — the code was wrong: run the query again", o.lastLine())
			}},
		{"no code awaited", "demo-success", func(*tcredittest.Server, string) string { return "123456" }, nil, false, exitError,
			func(t *testing.T, tid string, o outcome) {
				assert.Equal(t, "tcredit: task "+tid+" waits for no code: it is 40001 爬取结束 (see 'tcredit get "+tid+"')", o.lastLine())
				assert.Empty(t, o.stdout)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			stop := func(c tcredit.TaskCode) bool { return c.NeedsSMS() || c.NeedsCaptcha() }
			if tt.account == "demo-success" {
				stop = tcredit.TaskCode.Done
			}
			tid := startTask(t, srv, tt.account, stop)
			args := []string{"code", tid}
			input := tt.input
			if tt.prompted {
				input = append([]string{tt.answer(srv, tid)}, input...)
			} else {
				args = append(args, tt.answer(srv, tid))
			}
			o := runCLI(t, withCredentials(testEnv(t), srv), lines(input...), args...)
			assert.Equal(t, tt.code, o.code, o.stderr)
			tt.check(t, tid, o)
			assert.LessOrEqual(t, srv.Billed(srv.AppID()), 1, "code creates no task")
		})
	}
}
