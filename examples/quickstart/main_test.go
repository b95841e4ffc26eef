package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/examples/internal/apienv"
)

func TestQuickstartOnTheSandbox(t *testing.T) {
	var out bytes.Buffer
	noEnv := func(string) string { return "" }
	err := run(context.Background(), noEnv, strings.NewReader(""), &out, 2*time.Millisecond)
	require.NoError(t, err, out.String())
	text := out.String()
	for _, want := range []string{
		"No TCREDIT_BASE_URL, TCREDIT_APP_ID or TCREDIT_TOKEN_ID set: running on the embedded sandbox at http://127.0.0.1:",
		"chosen: 330100 杭州",
		"task created: ",
		"10003 登录中，等待用户输入短信",
		"types 123456",
		"40001 爬取结束",
		"contributions 36 months in all",
		"ID 3301**********",
		"up to " + lastMonth(),
		"Password:[redacted]",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "s3cret-passw0rd")
	assert.NotContains(t, text, "110105199003071060")
	assert.NotContains(t, text, " 0 of the last 12", "a current report has contributions in the last year")
	assert.Regexp(t, `(?m)^  balance       ¥\d{1,3}(,\d{3})*\.\d\d$`, text, "money with its thousands separated, as the CLI prints it")
	assert.Regexp(t, `(?m)^  loans         \d+, outstanding ¥\d{1,3}(,\d{3})*\.\d\d, monthly ¥[\d,]+\.\d\d, (1 overdue period|(0|[2-9]|[1-9]\d+) overdue periods) in the past$`, text)
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 overdue periods", 1: "1 overdue period", 2: "2 overdue periods", 36: "36 overdue periods"} {
		assert.Equal(t, want, plural(n, "overdue period"))
	}
}

func TestQuickstartAsksAtTheTerminalWithCredentials(t *testing.T) {
	// With credentials the quickstart talks to the address in TCREDIT_BASE_URL and asks
	// the person; nothing listens on this one, so it stops at the first call.
	env := map[string]string{"TCREDIT_APP_ID": "app", "TCREDIT_TOKEN_ID": "token", "TCREDIT_BASE_URL": "http://127.0.0.1:1"}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, func(k string) string { return env[k] }, strings.NewReader("330100\n"), &out, time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, out.String(), "Using the API at http://127.0.0.1:1 as appId app (TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID)")
	assert.NotContains(t, out.String(), "token")
}

func TestQuickstartNeedsAllThreeVariablesOrNone(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TCREDIT_APP_ID": "app", "TCREDIT_TOKEN_ID": "token"},
			"set TCREDIT_BASE_URL too, or none of TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID for the sandbox"},
		{map[string]string{"TCREDIT_BASE_URL": "http://127.0.0.1:1"},
			"set TCREDIT_APP_ID and TCREDIT_TOKEN_ID too, or none of TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID for the sandbox"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), func(k string) string { return tt.env[k] }, strings.NewReader(""), &out, time.Millisecond)
			require.EqualError(t, err, tt.want)
			assert.Empty(t, out.String(), "nothing runs, on the sandbox or the API")
		})
	}
}

// lastMonth returns the month before this one in China time, where the sandbox's
// reports end.
func lastMonth() string {
	now := time.Now().In(time.FixedZone("CST", 8*3600))
	return time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// TestRealAPIIsApienvsRule checks that the quickstart's own copy of the rule answers
// as apienv.Lookup, which the other examples use, for every environment made of the
// three variables unset, set, set with spaces around, or spaces only.
func TestRealAPIIsApienvsRule(t *testing.T) {
	forms := []string{"", "VALUE", " VALUE\t", "  "} // unset, set, spaces around, spaces only
	for i := range len(forms) * len(forms) * len(forms) {
		env := map[string]string{}
		for j, name := range apienv.Vars {
			if form := forms[i>>(2*j)&3]; form != "" {
				env[name] = strings.ReplaceAll(form, "VALUE", strings.ToLower(name))
			}
		}
		getenv := func(k string) string { return env[k] }
		t.Run(fmt.Sprintf("%q", env), func(t *testing.T) {
			api, wantErr := apienv.Lookup(getenv)
			baseURL, appID, tokenID, real, err := realAPI(getenv)
			if wantErr != nil {
				assert.EqualError(t, err, wantErr.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, api != nil, real)
			if api != nil {
				assert.Equal(t, *api, apienv.API{BaseURL: baseURL, AppID: appID, TokenID: tokenID})
			}
		})
	}
}
