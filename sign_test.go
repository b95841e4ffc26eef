package tcredit

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSignVectors(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		params map[string]string
		want   string
	}{
		{"no params", "http://api.tcredit.com/identity/getFundCitysB", nil, "0833618be35edd74cb226454f096cb61"},
		{"area_code", "http://api.tcredit.com/identity/getFundCityParamB", map[string]string{"area_code": "310000"}, "a12fb33411dd4034bef8954f7d5815dc"},
		{"create, blank mobile left out", "http://api.tcredit.com/identity/createFundSearchTaskB", map[string]string{
			"account": "zhangsan", "area_code": "310000", "login_type": "1", "password": "p@ss word",
			"real_name": "张三", "sub_area": "1", "mobile": "",
		}, "100277e4b13ad1e176312c9c6864a638"},
		{"appId, tokenKey and whitespace-only values are not signed", "http://api.tcredit.com/identity/getFundCityParamB", map[string]string{
			"area_code": "310000", "appId": "APP", "tokenKey": "x", "sub_area": " \t",
		}, "a12fb33411dd4034bef8954f7d5815dc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Sign(tt.url, "TOKEN-123", tt.params))
		})
	}
}
