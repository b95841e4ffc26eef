package fakefund

// city is where the account is kept.
type city struct {
	name     string // 杭州市
	province string // 浙江省; empty for a municipality
	region   string // the administrative division code that ID cards issued there start with
	district string // a district of the city
}

// cities are the cities an account can be kept in. A Profile without a City draws one
// of the first drawnCities, in this order, so that a seed gives the report it always
// gave.
var cities = []city{
	{"杭州市", "浙江省", "330106", "西湖区"},
	{"长沙市", "湖南省", "430102", "芙蓉区"},
	{"武汉市", "湖北省", "420106", "武昌区"},
	{"成都市", "四川省", "510107", "武侯区"},
	{"南京市", "江苏省", "320102", "玄武区"},
	{"济南市", "山东省", "370102", "历下区"},
	{"郑州市", "河南省", "410105", "金水区"},
	{"深圳市", "广东省", "440305", "南山区"},
	{"合肥市", "安徽省", "340104", "蜀山区"},
	{"西安市", "陕西省", "610113", "雁塔区"},
	{"北京市", "", "110105", "朝阳区"},
	{"天津市", "", "120101", "和平区"},
	{"上海市", "", "310104", "徐汇区"},
	{"重庆市", "", "500103", "渝中区"},
	{"广州市", "广东省", "440106", "天河区"},
	{"宁波市", "浙江省", "330203", "海曙区"},
	{"嘉兴市", "浙江省", "330402", "南湖区"},
	{"苏州市", "江苏省", "320508", "姑苏区"},
	{"马鞍山市", "安徽省", "340503", "花山区"},
	{"福州市", "福建省", "350102", "鼓楼区"},
	{"厦门市", "福建省", "350203", "思明区"},
	{"青岛市", "山东省", "370202", "市南区"},
	{"沈阳市", "辽宁省", "210102", "和平区"},
	{"大连市", "辽宁省", "210202", "中山区"},
	{"昆明市", "云南省", "530102", "五华区"},
	{"乌鲁木齐市", "新疆维吾尔自治区", "650102", "天山区"},
	{"哈尔滨市", "黑龙江省", "230102", "道里区"},
	{"海口市", "海南省", "460106", "龙华区"},
}

// drawnCities is how many of cities a Profile without a City is drawn from.
const drawnCities = 10

// cityNamed returns the city called name, with or without its 市, and whether there
// is one.
func cityNamed(name string) (city, bool) {
	for _, c := range cities {
		if c.name == name || c.name == name+"市" {
			return c, true
		}
	}
	return city{}, false
}

// KnownCity reports whether Profile.City can be name: whether the generator has the
// employers, addresses and ID card prefix of a city of that name.
func KnownCity(name string) bool {
	_, ok := cityNamed(name)
	return ok
}

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
		"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	maleGiven = []string{"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超",
		"刚", "建国", "文辉", "鹏", "志强", "海波", "俊", "浩然"}
	femaleGiven = []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "秀英", "霞",
		"玉兰", "婷", "雪梅", "晓燕", "佳怡", "慧"}
	mobilePrefixes = []string{"133", "135", "136", "137", "138", "139", "150", "151",
		"153", "158", "159", "176", "177", "180", "185", "186", "187", "188", "189"}
	companies = []string{"湖南医药", "恒达建设集团有限公司", "华信科技有限公司",
		"新世纪百货有限公司", "东方电气股份有限公司", "中联物流有限公司",
		"长青食品有限公司", "远景软件技术有限公司", "城市燃气有限公司", "第一人民医院",
		"实验中学", "顺达汽车销售服务有限公司"}
	banks = []string{"中国建设银行", "中国工商银行", "中国农业银行", "中国银行",
		"交通银行", "招商银行"}
	streets = []string{"文三路", "解放路", "人民路", "中山路", "建设路", "和平大道",
		"天府大道", "长江路", "滨江路", "五一大道"}
)

// idWeights are the GB 11643 weights of the first 17 characters of an ID card.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// checkDigit returns the GB 11643 check character for the first 17 digits of an ID
// card number, or 0 when they are not 17 digits.
func checkDigit(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// ValidIDCard reports whether s is an 18-character ID card number whose check
// character is right.
func ValidIDCard(s string) bool {
	return len(s) == 18 && checkDigit(s[:17]) == s[17]
}

// person draws a person born in year birthYear, male or female, with an ID card issued
// in c. The draws are made in a fixed order, so the rest of a report does not depend
// on which fields a caller supplies.
func (g *generator) person(c city, birthYear int, male bool) Holder {
	given := femaleGiven
	if male {
		given = maleGiven
	}
	name := g.pick(surnames) + g.pick(given)

	b := make([]byte, 0, 18)
	b = append(b, c.region...)
	b = appendPadded(b, birthYear, 4)
	b = appendPadded(b, g.between(1, 12), 2)
	b = appendPadded(b, g.between(1, 28), 2)
	seq := g.between(0, 499) * 2 // even: female
	if male {
		seq++
	}
	b = appendPadded(b, seq, 3)
	b = append(b, checkDigit(string(b)))

	mobile := g.pick(mobilePrefixes) + g.digits(8)
	return Holder{Name: name, IDCard: string(b), Mobile: mobile}
}

// birthdayOf returns the birthday ("19820113") and gender (男, 女) that an ID card
// number encodes, or empty strings when it encodes none.
func birthdayOf(id string) (birthday, gender string) {
	if len(id) != 18 {
		return "", ""
	}
	for i := 6; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return "", ""
		}
	}
	if (id[16]-'0')%2 == 1 {
		gender = "男"
	} else {
		gender = "女"
	}
	return id[6:14], gender
}

// people draws the city, the holder and the holder's base info that is not money.
func (g *generator) people(r *Report) {
	g.city = cities[g.rng.Intn(drawnCities)]
	if c, ok := cityNamed(g.p.City); ok {
		g.city = c
	}
	start := g.p.End.Add(1 - g.p.Months)
	// Old enough to have worked since the statement starts, and at least 22 at its end.
	birthYear := g.p.End.Year - g.between(22, 55)
	if limit := start.Year - g.between(18, 24); birthYear > limit {
		birthYear = limit
	}
	h := g.person(g.city, birthYear, g.rng.Intn(2) == 0)
	given := g.p.Holder
	if given.Name != "" {
		h.Name = given.Name
	}
	if given.IDCard != "" {
		h.IDCard = given.IDCard
	}
	if given.Mobile != "" {
		h.Mobile = given.Mobile
	}
	r.Holder = h

	b := &r.Base
	b.EmployeeName = h.Name
	b.IDCard = h.IDCard
	b.Birthday, b.Gender = birthdayOf(h.IDCard)
	b.BindMobile = h.Mobile
	b.CardType = "ID_CARD"
	b.HouseFundStatus = g.pick([]string{"NORMAL", "正常", "缴存"})
	b.EmployeeAccountNum = "0" + g.digits(12)
	b.HouseFundAccount = g.digits(11)
	b.BankName = g.pick(banks)
	b.BankAccount = "6217" + g.digits(15)
	b.DepositManageDept = g.city.name + "住房公积金管理中心"
	b.BelongOffice = g.city.district + "管理部"
	b.NameAuth = g.pick([]string{"已认证", "已实名认证"})
	b.BindEmail = h.Mobile + "@" + g.pick([]string{"163.com", "qq.com", "126.com"})
	b.HomeAddress = g.address()
}

// address returns a street address in the account's city.
func (g *generator) address() string {
	b := make([]byte, 0, 96)
	b = append(b, g.city.province+g.city.name+g.city.district+g.pick(streets)...)
	b = appendPadded(b, g.between(1, 399), 0)
	b = append(b, "号"...)
	b = appendPadded(b, g.between(1, 30), 0)
	b = append(b, "幢"...)
	b = appendPadded(b, g.between(1, 6), 0)
	b = append(b, "单元"...)
	b = appendPadded(b, g.between(1, 32)*100+g.between(1, 4), 0)
	b = append(b, "室"...)
	return string(b)
}
