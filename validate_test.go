package tcredit

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hefeiMethod is the login method of the document's example: account, password and a
// select of branches.
var hefeiMethod = LoginMethod{
	AreaCode:  "310000",
	LoginName: "客户号",
	LoginType: 1,
	LoginParams: []LoginParam{
		{Name: "account", Label: "客户号", Type: "text", Required: true},
		{Name: "password", Label: "密码", Type: "password", Required: true},
		{Name: "sub_area", Label: "缴存网点", Type: "select", Required: true, List: []Choice{
			{Value: "1", Key: "市中心(含各县区)"}, {Value: "2", Key: "马钢分中心"},
		}},
		{Name: "branch_code", Label: "网点代码", Type: "text", Required: false},
	},
}

func TestLoginMethodValidate(t *testing.T) {
	good := CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: "p@ss", SubArea: "2"}
	tests := []struct {
		name string
		req  func(r *CreateTaskRequest)
		want []FieldError // Field and Label of each problem, in form order
	}{
		{"complete", func(*CreateTaskRequest) {}, nil},
		{"optional parameter in Extra", func(r *CreateTaskRequest) { r.Extra = map[string]string{"branch_code": "07"} }, nil},
		{"missing password", func(r *CreateTaskRequest) { r.Password = "" }, []FieldError{{Field: "password", Label: "密码"}}},
		{"blank account and bad select", func(r *CreateTaskRequest) { r.Account = "  "; r.SubArea = "9" },
			[]FieldError{{Field: "account", Label: "客户号"}, {Field: "sub_area", Label: "缴存网点"}}},
		{"other login type", func(r *CreateTaskRequest) { r.LoginType = 2 }, []FieldError{{Field: "login_type", Label: "客户号"}}},
		{"other city", func(r *CreateTaskRequest) { r.AreaCode = "330100" }, []FieldError{{Field: "area_code"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := good
			tt.req(&req)
			err := hefeiMethod.Validate(req)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidInput)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			require.Len(t, ve.Fields, len(tt.want))
			for i, w := range tt.want {
				assert.Equal(t, w.Field, ve.Fields[i].Field)
				assert.Equal(t, w.Label, ve.Fields[i].Label)
			}
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	err := hefeiMethod.Validate(CreateTaskRequest{AreaCode: "310000", LoginType: 1, SubArea: "9"})
	require.Error(t, err)
	assert.Equal(t, `tcredit: login form: account (客户号) is required; password (密码) is required; `+
		`sub_area (缴存网点) is "9", not one of 1 (市中心(含各县区)), 2 (马钢分中心)`, err.Error())
}

func TestLoginMethodNewRequest(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		want   CreateTaskRequest
		errs   []string // the fields named by the *ValidationError, in its order
	}{
		{
			name:   "every field of the form",
			values: map[string]string{"account": "zhangsan", "password": " p@ss ", "sub_area": "2", "branch_code": "07"},
			want: CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: " p@ss ", SubArea: "2",
				Extra: map[string]string{"branch_code": "07"}},
		},
		{
			name:   "optional parameter left out",
			values: map[string]string{"account": "zhangsan", "password": "p@ss", "sub_area": "1"},
			want:   CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: "p@ss", SubArea: "1"},
		},
		{
			name:   "names the form does not have",
			values: map[string]string{"account": "zhangsan", "password": "p@ss", "sub_area": "1", "mobile": "13812348000", "pin": "1"},
			want:   CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: "p@ss", SubArea: "1"},
			errs:   []string{"mobile", "pin"},
		},
		{
			name:   "required blank and a select value not listed",
			values: map[string]string{"account": " ", "sub_area": "9"},
			want:   CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: " ", SubArea: "9"},
			errs:   []string{"account", "password", "sub_area"},
		},
		{
			name:   "nothing typed",
			values: nil,
			want:   CreateTaskRequest{AreaCode: "310000", LoginType: 1},
			errs:   []string{"account", "password", "sub_area"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := hefeiMethod.NewRequest(tt.values)
			assert.Equal(t, tt.want, req)
			if tt.errs == nil {
				assert.NoError(t, err)
				assert.NoError(t, hefeiMethod.Validate(req), "what NewRequest accepts, Validate accepts")
				return
			}
			assert.ErrorIs(t, err, ErrInvalidInput)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "%T", err)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			assert.Equal(t, tt.errs, got)
		})
	}
}

func TestLoginMethodNewRequestErrorText(t *testing.T) {
	_, err := hefeiMethod.NewRequest(map[string]string{"account": "a", "password": "b", "sub_area": "1", "pin": "1"})
	require.Error(t, err)
	assert.Equal(t, "tcredit: login form: pin is not a parameter of login method 1 (客户号)", err.Error())
}

// TestLoginFieldsCoverRequest checks that the table of login fields has every string
// field of CreateTaskRequest once, each with its own accessor, so that NewRequest,
// params and String see them all.
func TestLoginFieldsCoverRequest(t *testing.T) {
	typ := reflect.TypeOf(CreateTaskRequest{})
	inTable := map[string]bool{}
	for _, f := range loginFields {
		assert.False(t, inTable[f.name], "%s twice", f.name)
		inTable[f.name] = true
		var r CreateTaskRequest
		*r.loginField(f.param) = "x"
		assert.Equal(t, "x", reflect.ValueOf(r).FieldByName(f.name).String(), "the accessor of %s", f.param)
		assert.True(t, reserved(f.param), "%s is reserved for its field", f.param)
	}
	for i := 0; i < typ.NumField(); i++ {
		if typ.Field(i).Type.Kind() == reflect.String {
			assert.True(t, inTable[typ.Field(i).Name], "%s is not in loginFields", typ.Field(i).Name)
		}
	}
}
func TestValidateQuotesNoSecret(t *testing.T) {
	choices := []Choice{{Value: "1", Key: "one"}, {Value: "2", Key: "two"}}
	secrets := CreateTaskRequest{
		AreaCode: "310000", LoginType: 1,
		Password: "Pa55-w0rd-x9", IDCard: "430102199001011234", Account: "acct-zhang-77",
		Mobile: "13800138000", RealName: "张三丰", CorpAccount: "corp-8841-22",
		Extra: map[string]string{"code": "492817", "sms_code": "583920", "answer": "my-secret-answer"},
	}
	secretValues := []string{"Pa55-w0rd-x9", "430102199001011234", "acct-zhang-77", "13800138000", "张三丰",
		"corp-8841-22", "492817", "583920", "my-secret-answer"}
	// A server's form may declare any field a select, so that a value it does not list
	// would be quoted.
	names := []string{"password", "id_card", "account", "mobile", "real_name", "corp_account", "code", "sms_code", "answer"}
	m := LoginMethod{AreaCode: "310000", LoginType: 1}
	for _, name := range names {
		m.LoginParams = append(m.LoginParams, LoginParam{Name: name, Label: name, Type: "select", Required: true, List: choices})
	}
	tests := []struct {
		name string
		m    LoginMethod
		req  CreateTaskRequest
	}{
		{"every secret a select", m, secrets},
		{"other login type too", m, func() CreateTaskRequest { r := secrets; r.LoginType = 2; return r }()},
		{"the secrets with spaces", m, func() CreateTaskRequest { r := secrets; r.Password = " Pa55-w0rd-x9 "; return r }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate(tt.req)
			require.Error(t, err)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			var printed []string
			for _, format := range []string{"%s", "%v", "%+v", "%#v", "%q"} {
				printed = append(printed, fmt.Sprintf(format, err))
				for _, f := range ve.Fields {
					printed = append(printed, fmt.Sprintf(format, f), fmt.Sprintf(format, *f))
				}
			}
			text := strings.Join(printed, "\n")
			for _, v := range secretValues {
				assert.NotContains(t, text, v)
			}
			for _, name := range names {
				assert.Contains(t, err.Error(), name+" ("+name+") is not one of 1 (one), 2 (two)", "the field is still named")
			}
		})
	}
}
