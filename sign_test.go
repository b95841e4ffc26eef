package tcredit

import (
	"context"
	"errors"
	"math/rand"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// The client sends, for the API document's own URL, the tokenKeys of TestSignVectors
// (the worked examples of docs/signing.md).
func TestSignedOnTheWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint string
		call     func(context.Context, *Client) error
		want     string
	}{
		{"getFundCitysB", func(ctx context.Context, c *Client) error {
			_, err := c.Cities(ctx)
			return err
		}, "0833618be35edd74cb226454f096cb61"},
		{"getFundCityParamB", func(ctx context.Context, c *Client) error {
			_, err := c.LoginMethods(ctx, "310000")
			return err
		}, "a12fb33411dd4034bef8954f7d5815dc"},
		{"createFundSearchTaskB", func(ctx context.Context, c *Client) error {
			_, err := c.CreateTask(ctx, CreateTaskRequest{Account: "zhangsan", AreaCode: "310000", LoginType: 1,
				Password: "p@ss word", RealName: "张三", SubArea: "1", Mobile: ""})
			return err
		}, "100277e4b13ad1e176312c9c6864a638"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, err := NewClient(testAppID, "TOKEN-123", WithHTTPClient(&http.Client{Transport: mt}), noRetry)
			require.NoError(t, err)
			var got string
			mt.RegisterResponder(http.MethodPost, DefaultBaseURL+"/identity/"+tt.endpoint, func(req *http.Request) (*http.Response, error) {
				require.NoError(t, req.ParseForm())
				got = req.PostForm.Get("tokenKey")
				return httpmock.NewStringResponse(http.StatusOK, `{"status":5}`), nil
			})
			assert.True(t, errors.Is(tt.call(context.Background(), c), ErrTokenKey))
			assert.Equal(t, tt.want, got, tt.endpoint)
		})
	}
}

// Sign agrees with the test's own implementation of the definition on many parameter
// sets: keys that are prefixes of each other, blank values, non-ASCII, separators.
func TestSignMatchesReference(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url    string
		params map[string]string
	}{
		{"http://api.tcredit.com/identity/getFundCitysB", nil},
		{"http://api.tcredit.com/identity/getFundCitysB", map[string]string{}},
		{"http://api.tcredit.com/identity/getFundCitysB", map[string]string{"mobile": " ", "tid": ""}},
	} {
		assert.Equal(t, referenceSign(tt.url, "TOKEN-123", tt.params), Sign(tt.url, "TOKEN-123", tt.params))
	}

	many := make(map[string]string)
	for i := 0; i < 40; i++ {
		many["param_"+strconv.Itoa(i)] = strconv.Itoa(i * i)
	}
	assert.Equal(t, referenceSign("http://x.test/identity/e", "TOKEN-123", many), Sign("http://x.test/identity/e", "TOKEN-123", many))

	rng := rand.New(rand.NewSource(1))
	keys := []string{"a", "a0", "a_b", "area", "area_code", "A", "Z", "tid", "code", "login_type", "appId", "tokenKey", "ñ"}
	values := []string{"", " ", "\t\n", "1", "310000", "p@ss word", "张三", "a=b,c=d", "%20+&", " padded ", "x\u00a0",
		"\u3000全角\u3000", "\x00\x1f", "\u2028", "a\x7f", "\ufeffbom", "in ner"}
	for i := 0; i < 2000; i++ {
		params := make(map[string]string)
		for n := rng.Intn(len(keys) + 1); n > 0; n-- {
			params[keys[rng.Intn(len(keys))]] = values[rng.Intn(len(values))]
		}
		url := "https://sandbox.test/identity/" + strconv.Itoa(i)
		require.Equal(t, referenceSign(url, "TOKEN-123", params), Sign(url, "TOKEN-123", params), "%q", params)
	}
}

// The test's reference signer itself reproduces the vectors of TestSignVectors.
func TestReferenceSignVectors(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0833618be35edd74cb226454f096cb61",
		referenceSign("http://api.tcredit.com/identity/getFundCitysB", "TOKEN-123", nil))
	assert.Equal(t, "100277e4b13ad1e176312c9c6864a638",
		referenceSign("http://api.tcredit.com/identity/createFundSearchTaskB", "TOKEN-123", map[string]string{
			"account": "zhangsan", "area_code": "310000", "login_type": "1", "password": "p@ss word",
			"real_name": "张三", "sub_area": "1", "mobile": "",
		}))
}
