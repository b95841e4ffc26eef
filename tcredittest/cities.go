package tcredittest

// The sandbox's cities are sandbox data: real city names and area codes, with login
// methods modelled on the API document, but addresses, tips and states made up.

// loginParam is one field of a login form (login_params).
type loginParam struct {
	name, label, typ string
	required         bool
	list             [][2]string // select choices: value, key (shown text)
}

// loginMethod is one way to log in to a city's fund website.
type loginMethod struct {
	loginType int
	name      string
	params    []loginParam
}

// cityStatus is a city's area_status in the city list.
type cityStatus int

// The area statuses of getFundCitysB.
const (
	cityAvailable     cityStatus = 0 // queries can be made
	cityMaintenance   cityStatus = 1 // the fund website is under maintenance: tasks end in 50005
	cityInDevelopment cityStatus = 2 // the provider has not built the city yet: tasks end in 50003
)

// city is one row of the city list and its login methods.
type city struct {
	code, name, url, tips string
	status                cityStatus
	methods               []loginMethod
}

// Login form fields.
var (
	fieldAccount     = loginParam{name: "account", label: "客户号", typ: "text", required: true}
	fieldUser        = loginParam{name: "account", label: "用户名", typ: "text", required: true}
	fieldPassword    = loginParam{name: "password", label: "密码", typ: "password", required: true}
	fieldIDCard      = loginParam{name: "id_card", label: "身份证号", typ: "text", required: true}
	fieldRealName    = loginParam{name: "real_name", label: "姓名", typ: "text", required: true}
	fieldMobile      = loginParam{name: "mobile", label: "手机号", typ: "text", required: true}
	fieldCorpAccount = loginParam{name: "corp_account", label: "单位账号", typ: "text", required: true}
	fieldCorpName    = loginParam{name: "corp_name", label: "单位名称", typ: "text", required: false}
)

// subArea returns a required select field of branches (缴存网点).
func subArea(choices ...[2]string) loginParam {
	return loginParam{name: "sub_area", label: "缴存网点", typ: "select", required: true, list: choices}
}

// Login methods, numbered the same in every city.
var (
	byAccount  = loginMethod{1, "客户号", []loginParam{fieldAccount, fieldPassword}}
	byIDCard   = loginMethod{2, "身份证号", []loginParam{fieldIDCard, fieldPassword}}
	bySMS      = loginMethod{3, "身份证号+短信验证码", []loginParam{fieldIDCard, fieldRealName, fieldMobile}}
	byCompany  = loginMethod{4, "单位账号", []loginParam{fieldCorpAccount, fieldCorpName, fieldIDCard, fieldPassword}}
	byUserName = loginMethod{5, "用户名", []loginParam{fieldUser, fieldPassword}}
)

// withSubArea returns m with a sub_area select added.
func withSubArea(m loginMethod, choices ...[2]string) loginMethod {
	m.params = append(append([]loginParam(nil), m.params...), subArea(choices...))
	return m
}

// cityList is the sandbox's city list, in the order getFundCitysB returns it.
var cityList = []city{
	{"110100", "北京", "http://gjj.sandbox.example/beijing/", "", cityAvailable, []loginMethod{byAccount, byIDCard}},
	{"120100", "天津", "http://gjj.sandbox.example/tianjin/", "", cityAvailable, []loginMethod{byIDCard, bySMS}},
	{"310100", "上海", "http://gjj.sandbox.example/shanghai/", "请使用公积金账号登录", cityAvailable, []loginMethod{byUserName, bySMS}},
	{"500100", "重庆", "http://gjj.sandbox.example/chongqing/", "", cityAvailable, []loginMethod{byIDCard}},
	{"440100", "广州", "http://gjj.sandbox.example/guangzhou/", "", cityAvailable, []loginMethod{byIDCard, byCompany}},
	{"440300", "深圳", "http://gjj.sandbox.example/shenzhen/", "首次登录请先在网站激活", cityAvailable, []loginMethod{byIDCard, bySMS}},
	{"330100", "杭州", "http://gjj.sandbox.example/hangzhou/", "未注册用户请到杭州公积金网站进行注册", cityAvailable, []loginMethod{
		withSubArea(byAccount, [2]string{"1", "市本级"}, [2]string{"2", "萧山分中心"}, [2]string{"3", "余杭分中心"}),
		byIDCard,
	}},
	{"330400", "嘉兴", "http://gjj.sandbox.example/jiaxing/", "", cityMaintenance, []loginMethod{
		withSubArea(byAccount, [2]string{"1", "市本级"}, [2]string{"2", "海宁分中心"}, [2]string{"3", "桐乡分中心"}),
	}},
	{"310000S", "浙江省直", "http://gjj.sandbox.example/zjsz/", "", cityAvailable, []loginMethod{byAccount}},
	{"330200", "宁波", "http://gjj.sandbox.example/ningbo/", "", cityAvailable, []loginMethod{byIDCard, byCompany}},
	{"320100", "南京", "http://gjj.sandbox.example/nanjing/", "", cityAvailable, []loginMethod{byIDCard, bySMS}},
	{"320500", "苏州", "http://gjj.sandbox.example/suzhou/", "", cityAvailable, []loginMethod{byAccount, byIDCard}},
	{"340100", "合肥", "http://gjj.sandbox.example/hefei/", "", cityAvailable, []loginMethod{byIDCard}},
	{"340500", "马鞍山", "http://gjj.sandbox.example/maanshan/", "", cityAvailable, []loginMethod{
		withSubArea(byAccount, [2]string{"1", "市中心(含各县区)"}, [2]string{"2", "马钢分中心"}),
	}},
	{"350100", "福州", "http://gjj.sandbox.example/fuzhou/", "", cityAvailable, []loginMethod{byIDCard, byCompany}},
	{"350200", "厦门", "http://gjj.sandbox.example/xiamen/", "", cityAvailable, []loginMethod{byIDCard, bySMS}},
	{"370100", "济南", "http://gjj.sandbox.example/jinan/", "", cityAvailable, []loginMethod{byIDCard}},
	{"370200", "青岛", "http://gjj.sandbox.example/qingdao/", "", cityAvailable, []loginMethod{byAccount, byIDCard}},
	{"410100", "郑州", "http://gjj.sandbox.example/zhengzhou/", "", cityAvailable, []loginMethod{byIDCard}},
	{"420100", "武汉", "http://gjj.sandbox.example/wuhan/", "", cityAvailable, []loginMethod{byIDCard, bySMS}},
	{"430100", "长沙", "http://gjj.sandbox.example/changsha/", "", cityAvailable, []loginMethod{byAccount, byIDCard}},
	{"510100", "成都", "http://gjj.sandbox.example/chengdu/", "", cityAvailable, []loginMethod{byIDCard, bySMS, byCompany}},
	{"610100", "西安", "http://gjj.sandbox.example/xian/", "", cityAvailable, []loginMethod{byIDCard}},
	{"210100", "沈阳", "http://gjj.sandbox.example/shenyang/", "", cityAvailable, []loginMethod{byIDCard}},
	{"210200", "大连", "http://gjj.sandbox.example/dalian/", "", cityAvailable, []loginMethod{byAccount}},
	{"530100", "昆明", "http://gjj.sandbox.example/kunming/", "", cityAvailable, []loginMethod{byIDCard}},
	{"650100", "乌鲁木齐", "http://gjj.sandbox.example/urumqi/", "系统维护中，请稍后再试", cityMaintenance, []loginMethod{byIDCard}},
	{"230100", "哈尔滨", "http://gjj.sandbox.example/harbin/", "即将开通", cityInDevelopment, []loginMethod{byIDCard}},
	{"460100", "海口", "http://gjj.sandbox.example/haikou/", "即将开通", cityInDevelopment, []loginMethod{byIDCard}},
}

// findCity returns the city with the area code, or nil.
func findCity(code string) *city {
	for i := range cityList {
		if cityList[i].code == code {
			return &cityList[i]
		}
	}
	return nil
}

// method returns the city's login method of the type given as text, or nil.
func (c *city) method(loginType string) *loginMethod {
	for i := range c.methods {
		if itoa(c.methods[i].loginType) == loginType {
			return &c.methods[i]
		}
	}
	return nil
}

// cities answers getFundCitysB: the data array of the city list.
func (h *Handler) cities(c *call) []byte {
	b := make([]byte, 0, 4096)
	b = append(b, '[')
	for i, ct := range cityList {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"area_code":`...)
		b = appendQuoted(b, ct.code)
		b = append(b, `,"area_name":`...)
		b = appendQuoted(b, ct.name)
		b = append(b, `,"area_url":`...)
		b = appendQuoted(b, ct.url)
		b = append(b, `,"area_tips":`...)
		b = appendQuoted(b, ct.tips)
		b = append(b, `,"area_status":`...)
		// The document's table says Integer, its example sends "1".
		b = appendInt(b, int(ct.status), h.variance && h.draw("area_status"+ct.code, 0)%2 == 0)
		b = append(b, '}')
	}
	return append(b, ']')
}

// cityParams answers getFundCityParamB: the login methods of a city, or an empty
// array for an unknown city.
func (h *Handler) cityParams(c *call) []byte {
	ct := findCity(c.form["area_code"])
	b := make([]byte, 0, 1024)
	b = append(b, '[')
	if ct == nil {
		return append(b, ']')
	}
	for i, m := range ct.methods {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"area_code":`...)
		b = appendQuoted(b, ct.code)
		b = append(b, `,"login_name":`...)
		b = appendQuoted(b, m.name)
		b = append(b, `,"login_params":[`...)
		for j, p := range m.params {
			if j > 0 {
				b = append(b, ',')
			}
			b = h.appendLoginParam(b, ct.code, p)
		}
		b = append(b, `],"login_type":`...)
		b = appendInt(b, m.loginType, h.variance && h.draw("login_type"+ct.code, uint64(i))%3 == 0)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendLoginParam writes one login_params object.
func (h *Handler) appendLoginParam(b []byte, code string, p loginParam) []byte {
	b = append(b, `{"name":`...)
	b = appendQuoted(b, p.name)
	b = append(b, `,"label":`...)
	b = appendQuoted(b, p.label)
	b = append(b, `,"type":`...)
	b = appendQuoted(b, p.typ)
	if p.list != nil {
		b = append(b, `,"list":[`...)
		for k, choice := range p.list {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"value":`...)
			b = appendQuoted(b, choice[0])
			b = append(b, `,"key":`...)
			b = appendQuoted(b, choice[1])
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"required":`...)
	b = appendBool(b, p.required, h.variance && h.draw("required"+code+p.name, 0)%4 == 0)
	return append(b, '}')
}
