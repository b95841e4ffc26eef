package tcredittest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenKeyVectors(t *testing.T) {
	tests := []struct {
		url    string
		params map[string]string
		want   string
	}{
		{"http://api.tcredit.com/identity/getFundCitysB", nil, "0833618be35edd74cb226454f096cb61"},
		{"http://api.tcredit.com/identity/getFundCityParamB", map[string]string{"area_code": "310000"}, "a12fb33411dd4034bef8954f7d5815dc"},
		{"http://api.tcredit.com/identity/createFundSearchTaskB", map[string]string{
			"account": "zhangsan", "area_code": "310000", "login_type": "1", "password": "p@ss word",
			"real_name": "张三", "sub_area": "1", "mobile": "",
		}, "100277e4b13ad1e176312c9c6864a638"},
		// appId and tokenKey are never signed; whitespace-only values are blank.
		{"http://api.tcredit.com/identity/getFundCityParamB", map[string]string{
			"area_code": "310000", "appId": "x", "tokenKey": "y", "sub_area": " \t",
		}, "a12fb33411dd4034bef8954f7d5815dc"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.url, "http://api.tcredit.com/identity/")+" "+tt.want[:8], func(t *testing.T) {
			assert.Equal(t, tt.want, tokenKey(tt.url, "TOKEN-123", tt.params), "sandbox: %s %v", tt.url, tt.params)
			assert.Equal(t, tt.want, sign(tt.url, "TOKEN-123", tt.params), "test client: %s %v", tt.url, tt.params)
		})
	}
}

func TestProtocolStatuses(t *testing.T) {
	s := newSandbox(t)
	good := s.c
	other := newRawClient(t, s.ts, s.ts.URL, "nobody", s.h.TokenID())
	badToken := newRawClient(t, s.ts, s.ts.URL, s.h.AppID(), "not-the-token")
	tests := []struct {
		name       string
		c          *rawClient
		endpoint   string
		params     map[string]string
		wantStatus int
	}{
		{"cities", good, epCities, nil, 0},
		{"city params", good, epCityParams, map[string]string{"area_code": "110100"}, 0},
		{"unknown appId", other, epCities, nil, 4},
		{"wrong tokenKey", badToken, epCities, nil, 5},
		{"unknown endpoint", good, "getFundC", nil, 6},
		{"city params without area_code", good, epCityParams, nil, 2},
		{"create without login_type", good, epCreateTask, map[string]string{"area_code": "110100"}, 2},
		{"create without area_code", good, epCreateTask, map[string]string{"login_type": "1"}, 2},
		{"getFund without tid", good, epGetFund, nil, 2},
		{"userCode without code", good, epUserCode, map[string]string{"tid": "abc"}, 2},
		{"userCode without tid", good, epUserCode, map[string]string{"code": "123456"}, 2},
	}
	seqNums := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.call(tt.endpoint, tt.params)
			require.NoError(t, r.Err)
			assert.Equal(t, http.StatusOK, r.HTTPStatus)
			assert.Equal(t, tt.wantStatus, r.Status, "%s", r.Body)
			assert.Equal(t, statusText[tt.wantStatus], r.Message)
			assert.Regexp(t, `^\d{16}$`, r.SeqNum)
			assert.False(t, seqNums[r.SeqNum], "seqNum %s repeated", r.SeqNum)
			seqNums[r.SeqNum] = true
		})
	}

	t.Run("missing appId or tokenKey", func(t *testing.T) {
		u := s.ts.URL + "/identity/" + epCities
		assert.Equal(t, 2, good.post(u, url.Values{"tokenKey": {sign(u, s.h.TokenID(), nil)}}).Status)
		assert.Equal(t, 2, good.post(u, url.Values{"appId": {s.h.AppID()}}).Status)
	})
	t.Run("parameters in the query string do not count", func(t *testing.T) {
		u := s.ts.URL + "/identity/" + epCities
		r := good.post(u+"?appId="+s.h.AppID()+"&tokenKey="+sign(u, s.h.TokenID(), nil), nil)
		assert.Equal(t, 2, r.Status, "%s", r.Body)
	})
	t.Run("signed parameter changed", func(t *testing.T) {
		u := s.ts.URL + "/identity/" + epCityParams
		form := url.Values{"appId": {s.h.AppID()}, "area_code": {"110100"},
			"tokenKey": {sign(u, s.h.TokenID(), map[string]string{"area_code": "310000"})}}
		assert.Equal(t, 5, good.post(u, form).Status)
	})
	t.Run("body too large", func(t *testing.T) {
		u := s.ts.URL + "/identity/" + epCityParams
		r := good.post(u, url.Values{"appId": {s.h.AppID()}, "area_code": {strings.Repeat("1", maxFormBody)}})
		assert.Equal(t, 2, r.Status, "%.100s", r.Body)
	})
	t.Run("GET", func(t *testing.T) {
		r := good.do(http.MethodGet, s.ts.URL+"/identity/"+epCities, "")
		assert.Equal(t, http.StatusMethodNotAllowed, r.HTTPStatus)
	})
	t.Run("outside /identity/", func(t *testing.T) {
		r := good.do(http.MethodPost, s.ts.URL+"/getFundCitysB", "")
		assert.Equal(t, http.StatusNotFound, r.HTTPStatus)
	})
}

func TestSignedURLBehindStripPrefix(t *testing.T) {
	h := NewHandler()
	defer h.Close()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", h))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	c := newRawClient(t, ts, ts.URL+"/sandbox", h.AppID(), h.TokenID())
	assert.Equal(t, 0, c.call(epCities, nil).Status, "signed with the URL the client sent to")

	u := ts.URL + "/sandbox/identity/" + epCities
	form := url.Values{"appId": {h.AppID()}, "tokenKey": {sign(ts.URL+"/identity/"+epCities, h.TokenID(), nil)}}
	assert.Equal(t, 5, c.post(u, form).Status, "signed with the stripped URL")
}

func TestWithBaseURLPinsTheSignedURL(t *testing.T) {
	h := NewHandler(WithBaseURL("https://fund.example.com/api/"))
	defer h.Close()
	ts := httptest.NewServer(h)
	defer ts.Close()

	u := ts.URL + "/identity/" + epCities
	c := newRawClient(t, ts, ts.URL, h.AppID(), h.TokenID())
	pinned := url.Values{"appId": {h.AppID()}, "tokenKey": {sign("https://fund.example.com/api/identity/"+epCities, h.TokenID(), nil)}}
	assert.Equal(t, 0, c.post(u, pinned).Status)
	assert.Equal(t, 5, c.call(epCities, nil).Status, "the URL reached is not the one pinned")
}

func TestWithCredentialsAndAddApp(t *testing.T) {
	s := newSandbox(t, WithCredentials("app-1", "token-1"))
	assert.Equal(t, "app-1", s.h.AppID())
	assert.Equal(t, "token-1", s.h.TokenID())
	assert.Equal(t, 0, s.c.call(epCities, nil).Status)

	second := newRawClient(t, s.ts, s.ts.URL, "app-2", "token-2")
	assert.Equal(t, 4, second.call(epCities, nil).Status)
	s.h.AddApp("app-2", "token-2")
	assert.Equal(t, 0, second.call(epCities, nil).Status)
}
