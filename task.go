package tcredit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tcredit-go/tcredit/internal/mask"
)

// CreateTaskRequest is the login a person gave for their city's fund website: the
// parameters of createFundSearchTaskB. Fill the fields the city's LoginMethod names;
// empty fields are neither sent nor signed.
//
// Printed with %v, logged with log/slog or encoded with encoding/json, a request shows
// its password and every Extra value (a code, an answer to a security question) as
// [redacted], never in part, and its ID card, mobile, name and accounts masked. Its
// JSON is therefore a view for logs, not a way to store a request: it does not read
// back into one that could be sent.
type CreateTaskRequest struct {
	AreaCode    string // area_code 城市编码 (required)
	LoginType   int    // login_type 登录方式号码 (required, from LoginMethod.LoginType)
	IDCard      string // id_card 卡号、身份证号
	Account     string // account 用户帐号
	Password    string // password 密码
	SubArea     string // sub_area 区域编码
	RealName    string // real_name 姓名
	Mobile      string // mobile 手机号
	CorpAccount string // corp_account 公司账号
	CorpName    string // corp_name 公司名称

	// Extra holds login parameters that a city's LoginMethod names but the document
	// does not, by their parameter name. It cannot override the fields above.
	Extra map[string]string
}

// loginFields is the one table of the login parameters that have a field of their own
// in CreateTaskRequest: their wire names, the fields' names as String shows them, the
// fields, how they are masked, and whether their values are public. params, the names
// Extra cannot use, String and LogValue, LoginMethod.NewRequest and Validate, and the
// scrubbing of what a server echoes all read it: a new field is one line here.
var loginFields = [...]struct {
	param  string                           // the parameter's name on the wire
	name   string                           // the Go field's name
	field  func(*CreateTaskRequest) *string // the field
	mask   func(string) string              // how String and LogValue show it
	public bool                             // not secret: quoted in errors, never scrubbed
}{
	{"area_code", "AreaCode", func(r *CreateTaskRequest) *string { return &r.AreaCode }, keep, true},
	{"id_card", "IDCard", func(r *CreateTaskRequest) *string { return &r.IDCard }, mask.IDCard, false},
	{"account", "Account", func(r *CreateTaskRequest) *string { return &r.Account }, mask.Account, false},
	{"password", "Password", func(r *CreateTaskRequest) *string { return &r.Password }, mask.Secret, false},
	{"sub_area", "SubArea", func(r *CreateTaskRequest) *string { return &r.SubArea }, keep, true},
	{"real_name", "RealName", func(r *CreateTaskRequest) *string { return &r.RealName }, mask.Name, false},
	{"mobile", "Mobile", func(r *CreateTaskRequest) *string { return &r.Mobile }, mask.Mobile, false},
	{"corp_account", "CorpAccount", func(r *CreateTaskRequest) *string { return &r.CorpAccount }, mask.Account, false},
	{"corp_name", "CorpName", func(r *CreateTaskRequest) *string { return &r.CorpName }, keep, true},
}

// keep shows a value as it is.
func keep(s string) string { return s }

// loginField returns the field of r for the parameter name, or nil when the parameter
// has no field of its own.
func (r *CreateTaskRequest) loginField(name string) *string {
	for _, f := range loginFields {
		if f.param == name {
			return f.field(r)
		}
	}
	return nil
}

// params returns the request's parameters by their wire names, blank ones included.
func (r CreateTaskRequest) params() map[string]string {
	p := make(map[string]string, len(loginFields)+1+len(r.Extra))
	for k, v := range r.Extra {
		p[k] = v
	}
	for _, f := range loginFields {
		p[f.param] = *f.field(&r)
	}
	p["login_type"] = strconv.Itoa(r.LoginType)
	return p
}

// scrubber returns the scrubber of the request's secret values.
func (r CreateTaskRequest) scrubber() *scrubber {
	s := newScrubber()
	for k, v := range r.params() {
		s.addParam(k, v)
	}
	return s
}

// NewRequest fills a request from what a person typed into the login form of m, keyed
// by the form's parameter names (LoginParam.Name): each value goes to the field of
// that parameter, or to Extra when the form names a parameter that has no field of its
// own. AreaCode and LoginType come from m (a method listed without its area code gives
// none: set m.AreaCode first). Values are kept as typed; a blank one is neither signed
// nor sent.
//
// It returns the request and, as Validate does, a *ValidationError naming each
// problem field: a required parameter left blank, a select value that is not one of
// its choices, and a name that is not a parameter of the form.
func (m LoginMethod) NewRequest(values map[string]string) (CreateTaskRequest, error) {
	req := CreateTaskRequest{AreaCode: m.AreaCode, LoginType: m.LoginType}
	var unknown []*FieldError
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := values[name]
		switch f := req.loginField(name); {
		case !m.has(name):
			unknown = append(unknown, &FieldError{Field: name,
				Err: fmt.Errorf("is not a parameter of login method %d (%s)", m.LoginType, m.LoginName)})
		case f != nil:
			*f = v
		default:
			if req.Extra == nil {
				req.Extra = make(map[string]string)
			}
			req.Extra[name] = v
		}
	}
	if problems := append(m.problems(req), unknown...); len(problems) > 0 {
		return req, &ValidationError{Fields: problems}
	}
	return req, nil
}

// has reports whether the login form of m has the parameter name.
func (m LoginMethod) has(name string) bool {
	return slices.ContainsFunc(m.LoginParams, func(p LoginParam) bool { return p.Name == name })
}

// reserved reports whether Extra cannot use the parameter name: it has a field of its
// own, or it is login_type, appId or tokenKey.
func reserved(name string) bool {
	switch name {
	case "login_type", "appId", "tokenKey":
		return true
	}
	var r CreateTaskRequest
	return r.loginField(name) != nil
}

// check rejects a request that the server could only refuse, before anything is sent.
func (r CreateTaskRequest) check() error {
	if trimValue(r.AreaCode) == "" {
		return &FieldError{Field: "area_code", Err: errors.New("is empty")}
	}
	if r.LoginType < 1 {
		return &FieldError{Field: "login_type", Err: fmt.Errorf("is %d, must be at least 1", r.LoginType)}
	}
	for k := range r.Extra {
		if reserved(k) || trimValue(k) == "" {
			return &FieldError{Field: "Extra[" + strconv.Quote(k) + "]", Err: errors.New("names a parameter that has its own field or is reserved")}
		}
	}
	return nil
}

// createData is the data of a createFundSearchTaskB response.
type createData struct {
	Success *bool    `json:"success" wire:"unique"` // 下发任务是否成功
	TID     string   `json:"tid" wire:"unique"`     // 任务id
	Status  TaskCode `json:"status" wire:"unique"`  // -1:接口调用异常 -2:参数错误
	Message string   `json:"message"`               // 异常 / 错误提示
}

// CreateTask starts a query task with a person's login and returns its tid, by which
// GetFund reads the result. It calls createFundSearchTaskB, which is billed per call;
// the charge is rolled back if the task fails.
//
// CreateTask is never repeated once its request may have reached the server: when no
// answer comes back, or one that does not say whether a task was created (no success,
// or success without a tid), the error matches ErrOutcomeUnknown. A refusal inside the
// response (success false, status -1 or -2) is a *TaskError: no task was created.
//
// With WithBillingRecorder, the attempt is recorded before the request is sent, and a
// *BillingError, with nothing sent, is returned when it cannot be.
func (c *Client) CreateTask(ctx context.Context, req CreateTaskRequest) (tid string, err error) {
	if err := req.check(); err != nil {
		return "", err
	}
	ctx, bill, err := c.beginCreate(ctx, req.AreaCode)
	if err != nil {
		return "", err
	}
	defer func() { c.endCreate(ctx, bill, tid, err) }()
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tcredit create task", slog.Any("request", req))
	ctx, obs := c.startCall(ctx, epCreateTask, "", req.AreaCode)
	defer func() { obs.end(tid, err) }()
	data, err := call[createData](ctx, c, epCreateTask, req.params())
	if err != nil {
		return "", err
	}
	tid, err = data.outcome()
	if err != nil {
		return "", err
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "tcredit task created", slog.String("tid", tid), slog.String("area_code", req.AreaCode))
	return tid, nil
}

// outcome reads what a create's answer says: the new task's tid, a refusal (no task),
// or nothing certain, for an answer that does not say whether a task was created.
func (d createData) outcome() (string, error) {
	tid := trimValue(d.TID)
	unknown := func(why error) error {
		return &UnknownOutcomeError{Endpoint: epCreateTask.name, TID: tid,
			Err: &ResponseError{Endpoint: epCreateTask.name, HTTPStatus: http.StatusOK, Err: why}}
	}
	switch {
	case d.Status != 0: // an inner status is a refusal, whatever success says
		return "", &TaskError{TID: tid, Code: d.Status, Message: d.Message}
	case d.Success == nil:
		return "", unknown(errNoSuccess)
	case !*d.Success:
		return "", &TaskError{TID: tid, Code: CodeError, Message: d.Message}
	case tid == "":
		return "", unknown(errNoTID)
	}
	return tid, nil
}

// String shows the request with its secrets hidden.
func (r CreateTaskRequest) String() string {
	var b strings.Builder
	b.WriteString("CreateTaskRequest{")
	for i, kv := range r.masked() {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(kv[0])
		b.WriteString(":")
		b.WriteString(kv[1])
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v hides the secrets too.
func (r CreateTaskRequest) GoString() string { return r.String() }

// LogValue logs the request as a group of its non-empty fields, masked.
func (r CreateTaskRequest) LogValue() slog.Value {
	kvs := r.masked()
	attrs := make([]slog.Attr, len(kvs))
	for i, kv := range kvs {
		attrs[i] = slog.String(kv[0], kv[1])
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON encodes the request as String shows it: an object of its non-empty
// fields, by their Go names ("Extra.name" for Extra's), each value a masked string.
func (r CreateTaskRequest) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, kv := range r.masked() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv[0])
		b = append(b, ':')
		b = appendJSONString(b, kv[1])
	}
	return append(b, '}'), nil
}

// appendJSONString appends s to b as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// masked lists the non-empty fields as name, masked value pairs.
func (r CreateTaskRequest) masked() [][2]string {
	var out [][2]string
	add := func(name, v string, hide func(string) string) {
		if v != "" {
			out = append(out, [2]string{name, hide(v)})
		}
	}
	for _, f := range loginFields {
		add(f.name, *f.field(&r), f.mask)
		if f.param == "area_code" {
			add("LoginType", strconv.Itoa(r.LoginType), keep) // in the order of the struct's fields
		}
	}
	keys := make([]string, 0, len(r.Extra))
	for k := range r.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("Extra."+k, r.Extra[k], mask.Secret)
	}
	return out
}
