package replicatest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// documentedFields returns the fields of a stored session that SECURITY.md lists
// under "What the session store holds".
func documentedFields(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../../SECURITY.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "**What the session store holds.**")
	require.True(t, ok, "SECURITY.md lists what the session store holds")
	section, _, _ = strings.Cut(section, "\n\n**")
	var fields []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Za-z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		fields = append(fields, m[1])
	}
	require.NotEmpty(t, fields)
	sort.Strings(fields)
	return fields
}

// redisValues returns every value Redis holds, by key, whatever the key's type.
func redisValues(t *testing.T, rdb redis.UniversalClient) map[string][]string {
	t.Helper()
	ctx := context.Background()
	keys := redistest.Keys(t, rdb, "*")
	out := make(map[string][]string, len(keys))
	for _, k := range keys {
		typ, err := rdb.Type(ctx, k).Result()
		require.NoError(t, err)
		switch typ {
		case "string":
			v, err := rdb.Get(ctx, k).Result()
			require.NoError(t, err)
			out[k] = []string{v}
		case "hash":
			m, err := rdb.HGetAll(ctx, k).Result()
			require.NoError(t, err)
			for f, v := range m {
				out[k] = append(out[k], f, v)
			}
		case "list":
			out[k], err = rdb.LRange(ctx, k, 0, -1).Result()
			require.NoError(t, err)
		case "set":
			out[k], err = rdb.SMembers(ctx, k).Result()
			require.NoError(t, err)
		case "zset":
			out[k], err = rdb.ZRange(ctx, k, 0, -1).Result()
			require.NoError(t, err)
		case "none": // expired meanwhile
		default:
			t.Fatalf("key %s of type %s", k, typ)
		}
	}
	return out
}

// (e) After a whole flow, Redis holds exactly what SECURITY.md lists: sessions with
// the documented fields, and signing keys; and no value a browser presents, neither
// a cookie nor a token, in any key or value.
func TestRedisHoldsOnlyTheDocumentedData(t *testing.T) {
	redistest.Each(t, testRedisHoldsOnlyTheDocumentedData)
}

func testRedisHoldsOnlyTheDocumentedData(t *testing.T, rdb redis.UniversalClient) {
	sandbox := newSandbox(t, 5*time.Millisecond)
	a, b := startReplica(t, rdb, sandbox), startReplica(t, rdb, sandbox)
	person := newPhone(t)

	status, body := person.get(a, "login?city=320100&type=3")
	require.Equal(t, http.StatusOK, status, body)
	formToken := tokenRE.FindStringSubmatch(body)
	require.NotNil(t, formToken, body)
	formCookie := cookie(t, person, a, "h5form")
	status, body = person.post(b, "login", url.Values{"csrf": {formToken[1]}, "city": {"320100"}, "type": {"3"},
		"f_id_card": {"110105199003071060"}, "f_real_name": {"张三"}, "f_mobile": {"13800138000"}})
	require.Equal(t, http.StatusOK, status, body)
	person.waitStep(a, "sms")
	sessionCookie := cookie(t, person, a, "h5session")
	_, code := person.get(b, "code")
	csrfToken := tokenRE.FindStringSubmatch(code)
	require.NotNil(t, csrfToken, code)
	held := []map[string][]string{redisValues(t, rdb)}
	person.post(a, "code", url.Values{"csrf": {csrfToken[1]}, "code": {tcredittest.SMSCode}})
	person.waitStep(b, "done")
	held = append(held, redisValues(t, rdb))

	presented := map[string]string{"session cookie": sessionCookie, "form cookie": formCookie,
		"form token": formToken[1], "CSRF token": csrfToken[1], "SMS code": tcredittest.SMSCode,
		"ID card number": "110105199003071060", "mobile": "13800138000", "name": "张三"}
	fields := documentedFields(t)
	sessions, keys := 0, 0
	for _, snapshot := range held {
		for k, values := range snapshot {
			for name, v := range presented {
				assert.NotContains(t, k, v, "key %s holds the %s", k, name)
				for _, val := range values {
					assert.NotContains(t, val, v, "key %s holds the %s", k, name)
				}
			}
			for _, val := range values {
				var session map[string]json.RawMessage
				if json.Unmarshal([]byte(val), &session) == nil {
					sessions++
					var got []string
					for f := range session {
						got = append(got, f)
					}
					sort.Strings(got)
					assert.Equal(t, fields, got, "key %s holds the fields SECURITY.md lists", k)
					continue
				}
				keys++
				assert.Len(t, val, 32, "key %s holds a session or a 32-byte signing key", k)
			}
		}
	}
	assert.Positive(t, sessions, "sessions are on Redis")
	assert.Positive(t, keys, "the signing key is on Redis")
	t.Logf("%d Redis keys after the flow: %d session values and %d signing keys read in two snapshots, none holding any of %d presented values",
		len(held[1]), sessions, keys, len(presented))
}

// cookie returns the value of the phone's cookie name for the replica r.
func cookie(t *testing.T, p *phone, r *replica, name string) string {
	t.Helper()
	u, err := url.Parse(r.srv.URL + "/")
	require.NoError(t, err)
	for _, c := range p.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no cookie %s", name)
	return ""
}
