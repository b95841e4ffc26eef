package main

import (
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

	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, config{step: time.Millisecond, poll: time.Second}, pw)
		pw.Close()
	}()
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(pr)
		out <- string(b)
	}()

	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "北京")
	http.DefaultClient.CloseIdleConnections()

	cancel()
	require.NoError(t, <-done)
	printed := <-out
	assert.Contains(t, printed, "open http://"+ln.Addr().String()+"/")
	assert.Contains(t, printed, "InsecureDevHTTP is set", "plain HTTP on loopback, and it says so")
	assert.True(t, strings.HasSuffix(printed, "stopped\n"))
}

func TestServeUsesTheAPIOfTheEnvironment(t *testing.T) {
	defer goleak.VerifyNone(t)
	api := tcredittest.NewServer()
	defer api.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, config{poll: time.Second, api: apiEnv{api.URL, api.AppID(), api.TokenID()}}, io.Discard)
	}()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	http.DefaultClient.CloseIdleConnections()
	cancel()
	require.NoError(t, <-done)

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
