package replicatest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// Whatever the person types — password, ID card number, name, mobile, SMS code —
// never reaches Redis, at any step of the flow.
func TestRedisHoldsNoSecrets(t *testing.T) {
	redistest.Each(t, testRedisHoldsNoSecrets)
}

func testRedisHoldsNoSecrets(t *testing.T, rdb redis.UniversalClient) {
	ctx := context.Background()
	srv := flowServer(t, redisstore.New(rdb))
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	phone := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page := func(resp *http.Response, err error) string {
		t.Helper()
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	const password = "Pw-9f3c-unique"
	secrets := []string{password, tcredittest.SMSCode, "110105199003071060", "13800138000", "张三"}
	values := func() string {
		t.Helper()
		var all strings.Builder
		for _, k := range redistest.Keys(t, rdb, "*") {
			v, err := rdb.Get(ctx, k).Result()
			require.NoError(t, err)
			all.WriteString(k + "=" + v + "\n")
		}
		return all.String()
	}
	stepRE := regexp.MustCompile(`"step":"([a-z]+)"`)
	waitStep := func(want string) {
		t.Helper()
		require.Eventually(t, func() bool {
			m := stepRE.FindStringSubmatch(page(phone.Get(srv.URL + "/status.json")))
			return m != nil && m[1] == want
		}, 10*time.Second, 5*time.Millisecond)
	}

	form := page(phone.Get(srv.URL + "/login?city=320100&type=3"))
	token := tokenRE.FindStringSubmatch(form)
	require.NotNil(t, token, form)
	page(phone.PostForm(srv.URL+"/login", url.Values{"csrf": {token[1]}, "city": {"320100"}, "type": {"3"},
		"f_id_card": {"110105199003071060"}, "f_real_name": {"张三"}, "f_mobile": {"13800138000"}, "f_password": {password}}))
	waitStep("sms")
	held := values()
	secrets = append(secrets, sessionCookie(t, jar, srv.URL))
	code := page(phone.Get(srv.URL + "/code"))
	token = tokenRE.FindStringSubmatch(code)
	require.NotNil(t, token, code)
	page(phone.PostForm(srv.URL+"/code", url.Values{"csrf": {token[1]}, "code": {tcredittest.SMSCode}}))
	held += values()
	waitStep("done")
	held += values()

	// A login by account and password, on a new phone.
	jar, err = cookiejar.New(nil)
	require.NoError(t, err)
	phone.Jar = jar
	form = page(phone.Get(srv.URL + "/login?city=110100&type=1"))
	token = tokenRE.FindStringSubmatch(form)
	require.NotNil(t, token, form)
	require.Contains(t, form, `name="f_password"`)
	page(phone.PostForm(srv.URL+"/login", url.Values{"csrf": {token[1]}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {password}}))
	held += values()
	secrets = append(secrets, sessionCookie(t, jar, srv.URL))
	waitStep("done")
	held += values()
	require.Contains(t, held, "h5:session:", "the session is on Redis")
	for _, s := range secrets {
		assert.NotContains(t, held, s)
	}
}

// sessionCookie returns the value of the session cookie that jar holds for base.
func sessionCookie(t *testing.T, jar http.CookieJar, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	for _, c := range jar.Cookies(u) {
		if strings.HasSuffix(c.Name, "h5session") {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}
