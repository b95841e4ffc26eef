package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/sample.md")

// root is the module's root, seen from this package's directory.
const root = "../.."

func TestCommittedFileIsCurrent(t *testing.T) {
	want, err := generate(root)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, "docs", "fields.md"))
	require.NoError(t, err, "docs/fields.md is missing: run `go generate ./...` at the module root")
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/fields.md is out of date (first difference: %s): run `go generate ./...` at the module root and commit the result",
			firstDiff(string(got), string(want)))
	}
}

// firstDiff describes the first line where the committed text differs from the fresh one.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, gl, wl)
		}
	}
	return "none"
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, err := generate(root)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		again, err := generate(root)
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
}

func TestGenerateCoversTheDocument(t *testing.T) {
	doc, err := generate(root)
	require.NoError(t, err)
	text := string(doc)
	// One row from each response struct and each kind of request parameter, in the
	// document's order.
	rows := []string{
		"| `seqNum` | `envelope.SeqNum` | `string` | 接口调用流水号 |",
		"| `area_status` | `City.AreaStatus` | `tcredit.CityStatus` |",
		"| `area_code` | `Client.LoginMethods(areaCode)` | `string` | 城市编码 |",
		"| `login_type` | `LoginMethod.LoginType` | `int` | 登录方式号码 |",
		"| `required` | `LoginParam.Required` | `bool` |",
		"| `key` | `Choice.Key` | `string` | 登录参数下拉框显示 |",
		"| `password` | `CreateTaskRequest.Password` | `string` | 密码 |",
		"| `success` | `createData.Success` | `*bool` | 下发任务是否成功 |",
		"| `tid` | `Client.GetFund(tid)` | `string` | 任务Id |",
		"| `code` | `FundResult.Code` | `tcredit.TaskCode` | 任务状态码 |",
		"| `houseFundBalance` | `BaseInfo.HouseFundBalance` | `tcredit.Amount` | 公积金余额 |",
		"| `payMonth` | `BillInfo.PayMonth` | `string` |",
		"| `detailInfo` | `LoanInfo.DetailInfo` | `tcredit.LoanDetailInfo` | 贷款详情 |",
		"| `hisOverdueCount` | `LoanDetailInfo.HisOverdueCount` | `int` | 历史逾期期数 |",
		"| `repayname` | `LoanRepayerInfo.RepayName` | `string` |",
		"| `repayPunishInterest` | `LoanRepayInfo.RepayPunishInterest` | `tcredit.Amount` | 偿还罚息 |",
		"| `summary` | `LoanOverdueInfo.Summary` | `tcredit.Amount` | 合计 |",
		"| `code` | `Client.SubmitCode(code)` | `string` | 图片码/短信码 |",
		"| `status` | `userCodeData.Status` | `tcredit.TaskCode` |",
		"| `msg` | `Callback.Message` | `string` | 提示信息 |",
	}
	at := 0
	for _, row := range rows {
		i := strings.Index(text[at:], row)
		require.GreaterOrEqual(t, i, 0, "row %q missing or out of the document's order", row)
		at += i
	}
}

// loadSample parses the package in testdata/sample.
func loadSample(t *testing.T) *pkgInfo {
	t.Helper()
	pkg, err := parsePackage("testdata/sample")
	require.NoError(t, err)
	return pkg
}

func TestParsePackage(t *testing.T) {
	pkg := loadSample(t)
	assert.Equal(t, "sample", pkg.name)

	acct := pkg.structs["Account"]
	require.NotNil(t, acct)
	assert.Equal(t, "Account is one account.\n\nIt has two paragraphs.", acct.doc)
	assert.Equal(t, "sample.go", acct.file)
	assert.Equal(t, []string{"T"}, pkg.structs["frame"].typeParams)

	assert.NotContains(t, pkg.structs, "InTest", "a test file was read")
	assert.NotContains(t, pkg.structs, "Ignored", "a file excluded by its build constraint was read")

	get := pkg.methods["Client.Get"]
	require.NotNil(t, get)
	assert.Equal(t, map[string]string{"ctx": "context.Context", "id": "string", "opts": "...int"}, get.params)
}

func TestFieldRows(t *testing.T) {
	pkg := loadSample(t)
	tests := []struct {
		name string
		part part
		want [][4]string
	}{
		{
			name: "json tags",
			part: part{name: "Account"},
			want: [][4]string{
				{"id", "Account.ID", "string", "编号"},
				{"balance", "Account.Balance", "sample.Money", "余额 | 单位: 分"},
				{"tags", "Account.Tags", "[]string", "标签"},
				{"owner", "Account.Owner", "*sample.Person", "户主"},
				{"extra", "Account.Extra", "map[string]sample.Money", "其它金额"},
				{"opened", "Account.Opened", "time.Time", "开户时间"},
				{"frames", "Account.Frames", "[]sample.frame[sample.Money]", "历史"},
				{"Plain", "Account.Plain", "int", "无标签"},
				{"doced", "Account.Doced", "string", "上方的说明"},
				{"range", "Account.Lo", "int", "范围"},
				{"range", "Account.Hi", "int", "范围"},
				{"", "Account.Person", "sample.Person", ""},
			},
		},
		{
			name: "generic",
			part: part{name: "frame"},
			want: [][4]string{
				{"code", "frame.Code", "int", "状态码"},
				{"data", "frame.Data", "T", "返回数据"},
			},
		},
		{
			name: "wire names in comments",
			part: part{name: "Request", keyInComment: true},
			want: [][4]string{
				{"area_code", "Request.AreaCode", "string", "城市编码 (required)"},
				{"mobile", "Request.Mobile", "string", "手机号"},
				{"", "Request.Note", "string", "备注, with no wire name"},
				{"", "Request.Extra", "map[string]string", "Extra holds other parameters."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, fieldRows(pkg.structs[tt.part.name], tt.part))
		})
	}
}

// sampleSections lists the sample package's structs the way apiSections lists the API's.
var sampleSections = []section{
	{
		title: "Frame",
		intro: []string{"Every response."},
		parts: []part{{name: "frame"}},
	},
	{
		title:   "get",
		params:  []param{{key: "id", method: "Client.Get", arg: "id", desc: "编号"}},
		request: &part{name: "Request", keyInComment: true},
		parts:   []part{{name: "Account", path: "data"}, {name: "Person", path: "data.owner"}},
	},
}

func TestRender(t *testing.T) {
	pkg := loadSample(t)
	got, err := render(pkg, "# Sample\n", sampleSections)
	require.NoError(t, err)

	golden := filepath.Join("testdata", "sample.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	text := string(got)
	// Unlisted exported structs with json tags come last, by name; others not at all.
	alpha, stray := strings.Index(text, "### `Alpha`"), strings.Index(text, "### `Stray`")
	assert.Greater(t, alpha, strings.Index(text, "## Other structs"))
	assert.Greater(t, stray, alpha)
	for _, absent := range []string{"`lower`", "`Untagged`", "`Client`", "InTest", "Ignored", "Secret", "hidden"} {
		assert.NotContains(t, text, absent)
	}
	assert.Contains(t, text, "| `balance` | `Account.Balance` | `sample.Money` | 余额 \\| 单位: 分 |")
}

func TestRenderFailsLoudly(t *testing.T) {
	pkg := loadSample(t)
	tests := []struct {
		name    string
		section section
		want    string
	}{
		{"missing struct", section{parts: []part{{name: "Gone"}}}, "struct Gone is listed in the document's order but not declared in package sample"},
		{"missing request struct", section{request: &part{name: "Gone"}}, "struct Gone is listed"},
		{"struct listed twice", section{parts: []part{{name: "Person"}, {name: "Person"}}}, "struct Person is listed twice"},
		{"missing method", section{params: []param{{key: "id", method: "Client.Put", arg: "id"}}}, "method Client.Put"},
		{"missing argument", section{params: []param{{key: "id", method: "Client.Get", arg: "tid"}}}, "method Client.Get has no argument tid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render(pkg, "", []section{tt.section})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRunWritesTheFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "docs", "fields.md")
	require.NoError(t, run(root, out))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := generate(root)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestRunReportsAMissingPackage(t *testing.T) {
	err := run(t.TempDir(), filepath.Join(t.TempDir(), "fields.md"))
	assert.Error(t, err)
}
