package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0", "-app-id", "my-app", "-token-id", "my-token", "-step", "1ms"}, w, io.Discard)
		w.Close()
	}()

	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	var info struct {
		URL     string `json:"url"`
		AppID   string `json:"appId"`
		TokenID string `json:"tokenId"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &info), line)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, info.URL)
	assert.Equal(t, "my-app", info.AppID)
	assert.Equal(t, "my-token", info.TokenID)

	// A call signed by hand: md5(url + tokenId + "area_code=110100").
	u := info.URL + "/identity/getFundCityParamB"
	key := fmt.Sprintf("%x", md5.Sum([]byte(u+info.TokenID+"area_code=110100")))
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.PostForm(u, url.Values{"appId": {info.AppID}, "tokenKey": {key}, "area_code": {"110100"}})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `"status":0`)
	assert.Contains(t, string(body), `"login_params"`)

	cancel()
	require.NoError(t, <-errc, "a graceful shutdown")
	rest, _ := io.ReadAll(out)
	assert.Empty(t, rest, "one line on stdout")
}

func TestHelpListsDemoAccounts(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-help"}, &stdout, &stderr))
	help := stderr.String()
	for _, want := range []string{"-addr", "-app-id", "-token-id", "-step", "demo-success", "demo-sms-challenge", "123456", "50008", "110105199003071028"} {
		assert.Contains(t, help, want)
	}
	assert.Empty(t, stdout.String())
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-step", "soon"}, {"extra"}, {"-addr", "256.0.0.1:x"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := run(context.Background(), args, io.Discard, io.Discard)
			assert.Error(t, err, strings.Join(args, " "))
		})
	}
}

func TestLogWritesOneLinePerCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	logs, logw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0", "-token-id", "secret-token", "-log"}, w, logw)
		w.Close()
		logw.Close()
	}()
	logLines := make(chan string, 16)
	go func() {
		defer close(logLines)
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			logLines <- sc.Text()
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	var info struct{ URL, AppID, TokenID string }
	require.NoError(t, json.Unmarshal([]byte(line), &info))
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	post := func(endpoint, key string, form url.Values) {
		form.Set("appId", info.AppID)
		form.Set("tokenKey", key)
		resp, err := client.PostForm(info.URL+"/identity/"+endpoint, form)
		require.NoError(t, err)
		resp.Body.Close()
	}
	sign := func(endpoint, params string) string {
		return fmt.Sprintf("%x", md5.Sum([]byte(info.URL+"/identity/"+endpoint+info.TokenID+params)))
	}
	post("createFundSearchTaskB", sign("createFundSearchTaskB", "account=demo-success,area_code=110100,login_type=1,password=pw"),
		url.Values{"area_code": {"110100"}, "login_type": {"1"}, "account": {"demo-success"}, "password": {"pw"}})
	post("getFundB", "0123456789abcdef0123456789abcdef", url.Values{"tid": {"some-task"}})

	type entry struct {
		Endpoint, TID string
		Status        int
		Signed        string `json:"expected_signed"`
	}
	var got []entry
	for len(got) < 2 {
		text := <-logLines
		var e entry
		require.NoError(t, json.Unmarshal([]byte(text), &e), text)
		assert.NotContains(t, text, "secret-token")
		assert.NotContains(t, text, `"pw"`)
		got = append(got, e)
	}
	require.Len(t, got, 2)
	assert.Equal(t, "createFundSearchTaskB", got[0].Endpoint)
	assert.Equal(t, 0, got[0].Status)
	assert.NotEmpty(t, got[0].TID, "the task the create made")
	assert.Empty(t, got[0].Signed)
	assert.Equal(t, "getFundB", got[1].Endpoint)
	assert.Equal(t, 5, got[1].Status)
	assert.Equal(t, "some-task", got[1].TID)
	assert.Equal(t, info.URL+"/identity/getFundBse****tid=some-task", got[1].Signed)

	cancel()
	require.NoError(t, <-errc)
	for range logLines {
	}
}

// TestTaskIDsNewOnEachStart starts the command twice without -seed and twice with the
// same -seed, creates a task on each, and compares the tids: a restarted sandbox must
// not repeat the ids a development database holds, unless a seed asks it to.
func TestTaskIDsNewOnEachStart(t *testing.T) {
	firstTID := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		out, w := io.Pipe()
		errc := make(chan error, 1)
		go func() {
			errc <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-step", "1ms"}, args...), w, io.Discard)
			w.Close()
		}()
		defer func() {
			cancel()
			require.NoError(t, <-errc)
		}()
		line, err := bufio.NewReader(out).ReadString('\n')
		require.NoError(t, err)
		var info struct{ URL, AppID, TokenID string }
		require.NoError(t, json.Unmarshal([]byte(line), &info))
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		client, err := tcredit.NewClient(info.AppID, info.TokenID, tcredit.WithBaseURL(info.URL), tcredit.WithHTTPClient(hc))
		require.NoError(t, err)
		tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success", Password: "pw"})
		require.NoError(t, err)
		return tid
	}
	assert.NotEqual(t, firstTID(), firstTID(), "without -seed")
	assert.Equal(t, firstTID("-seed", "7"), firstTID("-seed", "7"), "with the same -seed")
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-version"}, &stdout, &stderr))
	assert.Equal(t, "tcredit-sandbox "+tcredit.Version+"\n", stdout.String())
	assert.Empty(t, stderr.String())
}
