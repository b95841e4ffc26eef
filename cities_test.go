package tcredit

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCitiesWire(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "getFundCitysB", http.StatusOK, fixture(t, "getFundCitysB.json"))

	cities, err := c.Cities(context.Background())
	require.NoError(t, err)
	assertWire(t, r, "getFundCitysB", nil)
	assert.Equal(t, "appId="+testAppID+"&tokenKey="+referenceSign(endpointURL("getFundCitysB"), testTokenID, nil),
		r.requests()[0].Body, "with no parameters the body is appId and tokenKey alone")

	want := []City{
		{
			AreaCode:   "310000",
			AreaName:   "杭州",
			AreaTips:   "未注册用户请到杭州公积金网站进行注册",
			AreaURL:    "http://www.hzgj.gov.cn:8080/WebAccounts/pages/per/login.jsp",
			AreaStatus: CityMaintenance,
		},
		{
			AreaCode:   "310000S",
			AreaName:   "浙江省直",
			AreaStatus: CityAvailable,
		},
	}
	assert.Equal(t, want, cities)
	assert.False(t, cities[0].Available())
	assert.True(t, cities[1].Available())
}

func TestCityParamsWire(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "getFundCityParamB", http.StatusOK, fixture(t, "getFundCityParamB.json"))

	methods, err := c.LoginMethods(context.Background(), "310000")
	require.NoError(t, err)
	assertWire(t, r, "getFundCityParamB", map[string]string{"area_code": "310000"})

	want := []LoginMethod{{
		AreaCode:  "310000",
		LoginName: "客户号",
		LoginType: 1,
		LoginParams: []LoginParam{
			{Name: "account", Label: "客户号", Type: "text", Required: true},
			{Name: "password", Label: "密码", Type: "password", Required: true},
			{Name: "sub_area", Label: "缴存网点", Type: "select", Required: true, List: []Choice{
				{Value: "1", Key: "市中心(含各县区)"},
				{Value: "2", Key: "马钢分中心"},
			}},
		},
	}}
	assert.Equal(t, want, methods)
}

func TestCitiesVariance(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	recordBody(mt, "getFundCitysB", http.StatusOK, []byte(`{"status":"0","seqNum":1,"data":[
		{"area_code":310000,"area_name":" 杭州 ","area_status":2,"area_url":null,"area_tips":null,"extra":{"a":[1,2]}},
		{"AREA_CODE":"330000","area_name":"浙江省直","area_status":""}]}`))
	cities, err := c.Cities(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []City{
		{AreaCode: "310000", AreaName: "杭州", AreaStatus: CityInDevelopment},
		{AreaCode: "330000", AreaName: "浙江省直", AreaStatus: CityAvailable},
	}, cities)
}

func TestCityParamsVariance(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	recordBody(mt, "getFundCityParamB", http.StatusOK, []byte(`{"status":0,"data":{
		"area_code":"310000","login_name":"身份证","login_type":"2",
		"login_params":[
			{"name":"id_card","label":"身份证号","type":"text","required":"true"},
			{"name":"password","label":"密码","type":"password","required":1},
			{"name":"sub_area","label":"网点","type":"select","required":"否","list":{"value":1,"key":"市区"}},
			{"name":"captcha","label":"验证码","type":"text","required":null,"list":""}]}}`))
	methods, err := c.LoginMethods(context.Background(), "310000")
	require.NoError(t, err)
	assert.Equal(t, []LoginMethod{{
		AreaCode: "310000", LoginName: "身份证", LoginType: 2,
		LoginParams: []LoginParam{
			{Name: "id_card", Label: "身份证号", Type: "text", Required: true},
			{Name: "password", Label: "密码", Type: "password", Required: true},
			{Name: "sub_area", Label: "网点", Type: "select", List: []Choice{{Value: "1", Key: "市区"}}},
			{Name: "captcha", Label: "验证码", Type: "text"},
		},
	}}, methods, "a single object is a one-element array; booleans come in several spellings")
}

func TestCityParamsEmptyAreaCode(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"", "  "} {
		c, mt := newMockClient(t)
		_, err := c.LoginMethods(context.Background(), code)
		assert.True(t, errors.Is(err, ErrInvalidInput), "%v", err)
		var fe *FieldError
		require.True(t, errors.As(err, &fe), "%T", err)
		assert.Equal(t, "area_code", fe.Field)
		assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent")
	}
}

func TestCityParamsUnknownCity(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	recordBody(mt, "getFundCitysB", http.StatusOK, fixture(t, "getFundCitysB.json"))
	recordBody(mt, "getFundCityParamB", http.StatusOK, envelopeJSON(0, "成功", "1", `[]`))

	methods, err := c.LoginMethods(context.Background(), "999999")
	assert.Nil(t, methods)
	require.ErrorIs(t, err, ErrUnknownCity)
	assert.Equal(t, "tcredit: area_code 999999 is not in the city list", err.Error())
	var fe *FieldError
	require.True(t, errors.As(err, &fe), "%T", err)
	assert.Equal(t, "area_code", fe.Field)

	methods, err = c.LoginMethods(context.Background(), "310000S")
	assert.NoError(t, err, "a listed city without login methods is no error")
	assert.Empty(t, methods)
}

func TestCityParamsUnknownCityListFails(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	recordBody(mt, "getFundCitysB", http.StatusOK, envelopeJSON(7, "无权限", "1", "null"))
	recordBody(mt, "getFundCityParamB", http.StatusOK, envelopeJSON(0, "成功", "1", `[]`))
	_, err := c.LoginMethods(context.Background(), "999999")
	assert.ErrorIs(t, err, ErrNoPermission, "the city list's error, not a guess")
	assert.NotErrorIs(t, err, ErrUnknownCity)
}
