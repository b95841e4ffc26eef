package h5

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
)

//go:embed templates static
var assets embed.FS

// parsePages parses each page's template together with the layout.
func parsePages() map[string]*template.Template {
	pages := make(map[string]*template.Template)
	names, err := assets.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	for _, e := range names {
		name := e.Name()
		if name == "layout.html" {
			continue
		}
		pages[strings.TrimSuffix(name, ".html")] = template.Must(
			template.New(name).ParseFS(assets, "templates/layout.html", "templates/"+name))
	}
	return pages
}

// page is what every page shows: the title and the page's own data.
type page struct {
	Title   string
	Refresh int // seconds of the meta refresh of the progress page, without JavaScript
	Data    any
}

// render writes the page name with its data, buffered so that a template error
// becomes a 500 and not half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any, refresh int) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", page{Title: h.opts.Title, Refresh: refresh, Data: data}); err != nil {
		h.log.Error("h5: template", "page", name, "error", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// A message is a page of a few words and a link onwards.
type message struct {
	Heading, Text, Link, LinkText string
}

var (
	msgExpired         = message{"会话已过期", "页面已过期或会话无效，请从头开始。", "./", "重新开始"}
	msgForbidden       = message{"请求无效", "页面已失效，请返回重新操作。", "./", "重新开始"}
	msgTooLarge        = message{"请求过大", "提交的内容过长。", "./", "重新开始"}
	msgBadRequest      = message{"请求无效", "无法读取提交的内容。", "./", "重新开始"}
	msgSystem          = message{"服务暂不可用", "系统繁忙，请稍后再试。", "./", "返回首页"}
	msgCitiesFailed    = message{"服务暂不可用", "暂时无法获取城市列表，请稍后再试。", "./", "重试"}
	msgNoCity          = message{"未找到城市", "没有这个城市，请从列表中选择。", "./", "选择城市"}
	msgBusy            = message{"服务繁忙", "当前访问人数过多，请稍后再试。", "./", "返回首页"}
	msgTooManyAttempts = message{"验证码尝试次数过多", "验证码尝试次数过多，本次查询已停止。请稍后重新开始。", "./", "返回首页"}
)

func (h *Handler) message(w http.ResponseWriter, status int, m message) {
	h.render(w, status, "message", m, 0)
}

// serveCities shows the city list, filtered by the query q.
func (h *Handler) serveCities(w http.ResponseWriter, r *http.Request) {
	cities, err := h.client.Cities(r.Context())
	if err != nil {
		h.log.WarnContext(r.Context(), "h5: city list", "cause", cause(err))
		h.message(w, http.StatusBadGateway, msgCitiesFailed)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	type row struct {
		City   tcredit.City
		Href   string
		Status string
	}
	var rows []row
	for _, c := range cities {
		if q != "" && !strings.Contains(c.AreaName, q) && !strings.HasPrefix(c.AreaCode, q) {
			continue
		}
		rw := row{City: c, Status: c.AreaStatus.String()}
		if c.Available() {
			rw.Href = "login?city=" + url.QueryEscape(c.AreaCode)
		}
		rows = append(rows, rw)
	}
	h.render(w, http.StatusOK, "cities", struct {
		Q      string
		Cities []row
	}{q, rows}, 0)
}

// form is a city's login form as the request asked for it.
type form struct {
	city    tcredit.City
	methods []tcredit.LoginMethod
	method  tcredit.LoginMethod
}

// loadForm finds the city code and its login method typ (the first when typ is
// empty). It answers the request itself, and returns false, when it cannot.
func (h *Handler) loadForm(w http.ResponseWriter, r *http.Request, code, typ string) (form, bool) {
	var f form
	cities, err := h.client.Cities(r.Context())
	if err != nil {
		h.log.WarnContext(r.Context(), "h5: city list", "cause", cause(err))
		h.message(w, http.StatusBadGateway, msgCitiesFailed)
		return f, false
	}
	found := false
	for _, c := range cities {
		if c.AreaCode == code {
			f.city, found = c, true
			break
		}
	}
	if !found {
		h.message(w, http.StatusNotFound, msgNoCity)
		return f, false
	}
	if !f.city.Available() {
		h.message(w, http.StatusConflict, message{
			Heading:  f.city.AreaName + "暂不可用",
			Text:     f.city.AreaName + "公积金查询" + f.city.AreaStatus.String() + "，请稍后再试。",
			Link:     "./",
			LinkText: "选择其他城市",
		})
		return f, false
	}
	f.methods, err = h.client.LoginMethods(r.Context(), code)
	if err != nil || len(f.methods) == 0 {
		h.message(w, http.StatusBadGateway, msgSystem)
		return f, false
	}
	f.method = f.methods[0]
	if typ != "" {
		n, err := strconv.Atoi(typ)
		found = false
		for _, m := range f.methods {
			if err == nil && m.LoginType == n {
				f.method, found = m, true
			}
		}
		if !found {
			h.message(w, http.StatusNotFound, message{"未找到登录方式", "没有这种登录方式。", "login?city=" + url.QueryEscape(code), "返回"})
			return f, false
		}
	}
	return f, true
}

// serveLogin shows a city's login form. It stores nothing: the form's token is
// signed, and the session starts when the form is posted.
func (h *Handler) serveLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, ok := h.loadForm(w, r, q.Get("city"), q.Get("type"))
	if !ok {
		return
	}
	s, err := h.session(r)
	switch {
	case err == nil && s.Step.active():
		seeOther(w, pageOf(s))
		return
	case err != nil && !errors.Is(err, ErrNoSession):
		h.noSession(w, r, err)
		return
	}
	token, err := h.newFormToken(w, r)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	h.renderLogin(w, http.StatusOK, token, f, nil, nil, "")
}

// newFormToken returns the token of a login form for the browser of r, signed with
// the store's key, giving the browser a form cookie when it has none.
func (h *Handler) newFormToken(w http.ResponseWriter, r *http.Request) (string, error) {
	key, err := h.keys.signing(r.Context())
	if err != nil {
		return "", err
	}
	nonce, err := h.formNonce(w, r)
	if err != nil {
		return "", err
	}
	return formToken(key, nonce, h.now().Add(h.opts.SessionTTL)), nil
}

type tab struct {
	Name   string
	Href   string
	Active bool
}

type field struct {
	Name         string // the input's name: "f_" and the parameter's
	Label        string
	Type         string // text, password or select
	InputMode    string // the keyboard a phone shows, "" for the default
	AutoComplete string // what a browser may fill in, "" for the form's "off"
	Required     bool
	Value        string
	Choices      []choice
	Error        string
}

// inputHints are the keyboard (inputmode) and the autofill (autocomplete) of the login
// parameters that have them. An ID card number may end in X, which a numeric keyboard
// lacks: it gets the text keyboard, in capitals.
var inputHints = map[string]struct{ mode, complete string }{
	"mobile":    {"tel", "tel-national"},
	"id_card":   {"text", "off"},
	"real_name": {"text", "name"},
}

// consentView is the consent checkbox of the login form.
type consentView struct {
	*Consent
	Value string // the checkbox's value: the agreement's version
	Error string
}

type choice struct {
	Value, Key string
	Selected   bool
}

// renderLogin shows the login form f, with the values posted and the problems
// found in them, if any, and a notice above the form, if any.
func (h *Handler) renderLogin(w http.ResponseWriter, status int, token string, f form, posted url.Values, problems *tcredit.ValidationError, notice string) {
	var tabs []tab
	if len(f.methods) > 1 {
		for _, m := range f.methods {
			tabs = append(tabs, tab{
				Name:   m.LoginName,
				Href:   "login?city=" + url.QueryEscape(f.city.AreaCode) + "&type=" + strconv.Itoa(m.LoginType),
				Active: m.LoginType == f.method.LoginType,
			})
		}
	}
	errs := make(map[string]string)
	var general []string
	if notice != "" {
		general = append(general, notice)
	}
	if problems != nil {
		for _, fe := range problems.Fields {
			errs[fe.Field] = ""
		}
	}
	var fields []field
	for _, p := range f.method.LoginParams {
		hint := inputHints[p.Name]
		fd := field{Name: "f_" + p.Name, Label: p.Label, Type: inputType(p), InputMode: hint.mode, AutoComplete: hint.complete, Required: p.Required}
		if fd.Label == "" {
			fd.Label = p.Name
		}
		if p.Type != "password" {
			fd.Value = strings.TrimSpace(posted.Get(fd.Name))
		}
		for _, c := range p.List {
			fd.Choices = append(fd.Choices, choice{Value: c.Value, Key: c.Key, Selected: c.Value == fd.Value})
		}
		if _, bad := errs[p.Name]; bad {
			fd.Error = fieldProblem(p, fd.Value)
			delete(errs, p.Name)
		}
		fields = append(fields, fd)
	}
	var consent *consentView
	if c := h.opts.Consent; c != nil {
		consent = &consentView{Consent: c, Value: consentValue(c)}
		if _, bad := errs[consentField]; bad {
			consent.Error = "请阅读并勾选同意" + c.Title + "后再登录。"
			delete(errs, consentField)
		}
	}
	if len(errs) > 0 || (problems != nil && len(problems.Fields) == 0) {
		general = append(general, "登录信息有误，请检查后重新提交。")
	}
	h.render(w, status, "login", struct {
		City     tcredit.City
		Tabs     []tab
		Method   tcredit.LoginMethod
		Fields   []field
		Consent  *consentView
		Problems []string
		CSRF     string
	}{f.city, tabs, f.method, fields, consent, general, token}, 0)
}

// inputType is the HTML input type of a login parameter.
func inputType(p tcredit.LoginParam) string {
	switch {
	case p.Type == "password":
		return "password"
	case p.Type == "select" && len(p.List) > 0:
		return "select"
	}
	return "text"
}

// fieldProblem says in words what is wrong with the value of a login parameter.
func fieldProblem(p tcredit.LoginParam, value string) string {
	if strings.TrimSpace(value) == "" {
		if p.Type == "select" {
			return "请选择" + p.Label
		}
		return "请填写" + p.Label
	}
	return p.Label + "无效，请重新选择"
}

// serveProgress shows the status of the running query; the page refreshes itself.
func (h *Handler) serveProgress(w http.ResponseWriter, r *http.Request) {
	s, ok := h.sessionAt(w, r, StepRunning)
	if !ok {
		return
	}
	secs := int((h.opts.PollInterval + 999_999_999) / 1e9)
	h.render(w, http.StatusOK, "progress", struct {
		Status string
		PollMS int64
	}{statusWords(s.Code), h.opts.PollInterval.Milliseconds()}, secs)
}

// sessionAt returns the request's session when it is at one of steps; otherwise it
// redirects to the page of its step, and returns false.
func (h *Handler) sessionAt(w http.ResponseWriter, r *http.Request, steps ...Step) (Session, bool) {
	s, err := h.session(r)
	if err != nil {
		h.noSession(w, r, err)
		return s, false
	}
	for _, st := range steps {
		if s.Step == st {
			return s, true
		}
	}
	seeOther(w, pageOf(s))
	return s, false
}

// status is the answer of status.json, which the progress script polls.
type status struct {
	Step   string `json:"step"`
	Status string `json:"status"`
	Next   string `json:"next"` // the page to show, relative to the handler's root
}

// serveStatus answers the progress script with the session's step.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	st := status{Step: "expired", Status: msgExpired.Text, Next: "./"}
	code := http.StatusForbidden
	s, err := h.session(r)
	if err == nil {
		st = status{Step: s.Step.String(), Status: statusWords(s.Code), Next: pageOf(s)}
		code = http.StatusOK
	} else if !errors.Is(err, ErrNoSession) {
		h.noSession(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(st)
}

// serveCode shows the SMS or captcha page of the waiting query. With ?image=new (the
// page's "换一张" link) its captcha image is the one the API holds now.
func (h *Handler) serveCode(w http.ResponseWriter, r *http.Request) {
	s, ok := h.sessionAt(w, r, StepSMS, StepCaptcha)
	if !ok {
		return
	}
	h.renderCode(w, r, http.StatusOK, s, "")
}

// renderCode shows the code page of s, with a problem of the code posted, if any.
// Its form carries the session's CSRF token, derived from the request's cookie. A
// request with ?image=new shows the captcha image the API holds now.
func (h *Handler) renderCode(w http.ResponseWriter, r *http.Request, status int, s Session, problem string) {
	image := "captcha.png?n=" + strconv.Itoa(s.Attempts)
	if r.URL.Query().Get("image") == "new" {
		image += "&new=" + strconv.FormatInt(h.now().UnixNano(), 36)
	}
	h.render(w, status, "code", struct {
		Captcha  bool
		Image    string
		Problem  string
		Attempts int
		Left     int
		CSRF     string
	}{
		Captcha:  s.Step == StepCaptcha,
		Image:    image,
		Problem:  problem,
		Attempts: s.Attempts,
		Left:     h.opts.MaxCodeAttempts - s.Attempts,
		CSRF:     csrfToken(h.cookie(r, sessionCookie)),
	}, 0)
}

// serveCaptcha serves the captcha image of the session waiting for one. The image
// has a URL of its own, bound to the session's cookie, because the pages' CSP allows
// images from the handler only, not data: URIs. With a "new" parameter it asks the
// API for the task's image again (getFundB, not billed) and serves that one when the
// task still waits for a captcha: the fund website may have given a new one. It asks
// once per captchaRefreshInterval per session at most, on every replica together:
// other requests get the image the session holds.
func (h *Handler) serveCaptcha(w http.ResponseWriter, r *http.Request) {
	s, err := h.session(r)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	image := s.Captcha
	if r.URL.Query().Has("new") && s.Step == StepCaptcha && h.mayRefresh(r.Context(), s) {
		if res, err := h.client.GetFund(r.Context(), s.TID); err == nil && res.Code.NeedsCaptcha() && len(res.Image) > 0 {
			image = res.Image
		} else if err != nil {
			h.log.WarnContext(r.Context(), "h5: asking for a new captcha image", "tid", s.TID, "error", err)
		}
	}
	typ := http.DetectContentType(image)
	if s.Step != StepCaptcha || len(image) == 0 || !strings.HasPrefix(typ, "image/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", typ)
	w.Write(image)
}

// captchaRefreshInterval is the least time between two new captcha images asked of
// the API for one session.
const captchaRefreshInterval = 3 * time.Second

// mayRefresh reports whether a new captcha image may be asked of the API for the
// session s now, and records it in the session when it may: a store whose answer is
// lost or refused grants none.
func (h *Handler) mayRefresh(ctx context.Context, s Session) bool {
	in := h.in(s)
	_, err := h.store.Update(ctx, s.ID, func(s *Session) error { return advance(s, evRefresh, &in) })
	if err != nil && !settled(err) {
		h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
	}
	return err == nil
}

// serveResult shows how the query ended.
func (h *Handler) serveResult(w http.ResponseWriter, r *http.Request) {
	s, ok := h.sessionAt(w, r, StepDone, StepFailed)
	if !ok {
		return
	}
	h.render(w, http.StatusOK, "result", resultView(s, h.opts.MaxCodeAttempts), 0)
}

// result is what the result page shows.
type result struct {
	OK       bool
	Summary  *Summary
	Heading  string
	Text     string
	Link     string
	LinkText string
}

// resultView says how the session's query ended and what the person can do next.
func resultView(s Session, maxAttempts int) result {
	if s.Step == StepDone {
		return result{OK: true, Summary: s.Summary, Heading: "查询成功", Link: "./", LinkText: "完成"}
	}
	form := "login?city=" + url.QueryEscape(s.AreaCode) + "&type=" + strconv.Itoa(s.LoginType)
	again := func(heading, text string) result {
		if s.Attempts >= maxAttempts && s.Attempts > 0 { // a new task could take no code
			return result{Heading: heading, Text: msgTooManyAttempts.Text, Link: "./", LinkText: "返回首页"}
		}
		return result{Heading: heading, Text: text, Link: form, LinkText: "重新填写"}
	}
	later := func(heading, text string) result {
		return result{Heading: heading, Text: text, Link: "./", LinkText: "稍后再试"}
	}
	switch s.Failure {
	case tcredit.CodeBadCredentials:
		return again("账号或密码错误", "账号或密码错误，请检查后重新填写。")
	case tcredit.CodeWrongCode:
		r := again("验证码错误", "验证码错误，请重新登录以获取新的验证码。")
		if r.Link == form {
			r.LinkText = "重新获取验证码"
		}
		return r
	case tcredit.CodeInputTimeout:
		return again("验证码输入超时", "等待验证码超时，请重新登录。")
	case tcredit.CodeLoginFailed, tcredit.CodeLoginInvalidParams:
		return again("登录失败", "登录失败，请检查登录信息后重试。")
	case tcredit.CodeSiteMaintenance:
		return later("网站维护中", "公积金网站正在维护，请稍后再试。")
	case tcredit.CodeSiteUnstable:
		return later("网站不稳定", "公积金网站暂时不稳定，请稍后再试。")
	case tcredit.CodeSiteNotSupported:
		return later("暂不支持", "暂不支持该城市的查询，请稍后再试。")
	case tcredit.CodeCrawlFailed:
		return later("读取失败", "读取公积金数据失败，请稍后再试。")
	}
	if s.Attempts >= maxAttempts && s.Attempts > 0 {
		return later(msgTooManyAttempts.Heading, msgTooManyAttempts.Text)
	}
	return later("查询失败", "系统繁忙，查询未能完成，请稍后再试。")
}

// statusWords says a task's status in the words of the progress page.
func statusWords(c tcredit.TaskCode) string {
	if w, ok := progressWords[c]; ok {
		return w
	}
	return c.String()
}

var progressWords = map[tcredit.TaskCode]string{
	0:                          "正在提交登录信息…",
	tcredit.CodeLoggingIn:      "正在登录公积金网站…",
	tcredit.CodeLoggedIn:       "登录成功，准备读取数据…",
	tcredit.CodeWaitingSMS:     "等待输入验证码…",
	tcredit.CodeWaitingCaptcha: "等待输入验证码…",
	tcredit.CodeCrawling:       "正在读取公积金数据…",
	tcredit.CodePartlyCrawled:  "已读取部分数据，继续读取…",
	tcredit.CodeStoring:        "正在保存数据…",
	tcredit.CodeDone:           "查询完成",
	tcredit.CodeDonePartial:    "查询完成",
}

// pageOf returns the page that shows the session's step, relative to the root.
func pageOf(s Session) string {
	switch s.Step {
	case StepRunning:
		return "progress"
	case StepSMS, StepCaptcha:
		return "code"
	case StepDone, StepFailed:
		return "result"
	}
	if s.AreaCode != "" {
		return "login?city=" + url.QueryEscape(s.AreaCode) + "&type=" + strconv.Itoa(s.LoginType)
	}
	return "./"
}
