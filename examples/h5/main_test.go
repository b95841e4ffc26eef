package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit/examples/internal/apienv"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, _, stop := serveInBackground(t, config{step: time.Millisecond, poll: time.Second})

	resp, err := http.Get("http://" + addr + "/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "北京")

	printed := stop()
	assert.Regexp(t, `^No TCREDIT_BASE_URL, TCREDIT_APP_ID or TCREDIT_TOKEN_ID set: running on the embedded sandbox at http://127\.0\.0\.1:\d+\.\n`, printed)
	assert.Contains(t, printed, "open http://"+addr+"/")
	assert.Contains(t, printed, "InsecureDevHTTP is set", "plain HTTP on loopback, and it says so")
	assert.True(t, strings.HasSuffix(printed, "stopped\n"))
}

func TestServeUsesTheAPIOfTheEnvironment(t *testing.T) {
	defer goleak.VerifyNone(t)
	api := tcredittest.NewServer()
	defer api.Close()
	addr, _, stop := serveInBackground(t, config{poll: time.Second, api: &apienv.API{BaseURL: api.URL, AppID: api.AppID(), TokenID: api.TokenID()}})
	resp, err := http.Get("http://" + addr + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	stop()

	require.NotEmpty(t, api.Requests(), "the city list came from the API named by the environment")
	assert.Equal(t, "getFundCitysB", api.Requests()[0].Endpoint)
}

// Plain HTTP is allowed on loopback addresses only.
func TestLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8081}, true},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8081}, true},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8081}, false},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 10), Port: 8081}, false},
		{&net.UnixAddr{Name: "/tmp/h5.sock", Net: "unix"}, false},
	} {
		t.Run(tc.addr.String(), func(t *testing.T) {
			assert.Equal(t, tc.want, loopback(tc.addr))
		})
	}
}

// TestServeCallbacks checks that callbacks are taken at /fund/callback, and only with
// the secret of TCREDIT_CALLBACK_SECRET when it is set.
func TestServeCallbacks(t *testing.T) {
	const secret = "callback-secret-0123456789"
	for _, tt := range []struct {
		name, secret, query string
		want                int
	}{
		{"no secret set", "", "", http.StatusOK},
		{"the secret", secret, "?cb_token=" + secret, http.StatusOK},
		{"without the secret", secret, "", http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			addr, _, stop := serveInBackground(t, config{step: time.Millisecond, poll: time.Second, callbackSecret: tt.secret})
			resp, err := http.Post("http://"+addr+"/fund/callback"+tt.query, "application/x-www-form-urlencoded", strings.NewReader("tid=abc&status=40001"))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			stop()
		})
	}
}

// serveInBackground runs serve with cfg on a new loopback port until stop is called,
// which checks that it ended cleanly and returns what it printed. Meanwhile each line
// it prints is also sent on lines, for a test that waits for one.
func serveInBackground(t *testing.T, cfg config) (addr string, lines <-chan string, stop func() (printed string)) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, cfg, pw)
		pw.Close()
	}()
	each, all := make(chan string, 64), make(chan string, 1)
	go func() { // reads the output to its end, so that serve never blocks on it
		var out strings.Builder
		for sc := bufio.NewScanner(pr); sc.Scan(); {
			out.WriteString(sc.Text() + "\n")
			select {
			case each <- sc.Text():
			default: // nobody waits for lines
			}
		}
		close(each)
		all <- out.String()
	}()
	return ln.Addr().String(), each, func() string {
		http.DefaultClient.CloseIdleConnections()
		cancel()
		require.NoError(t, <-done)
		return <-all
	}
}
