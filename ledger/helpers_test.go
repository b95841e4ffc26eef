package ledger_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
	"github.com/tcredit-go/tcredit/ledger/internal/pgtest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// newSchema returns the DSN of a schema of the test's own.
func newSchema(t testing.TB) string { return pgtest.Schema(t) }

// openLedger opens a ledger on dsn, closed at the test's end.
func openLedger(t testing.TB, dsn string, opts ...ledger.Option) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), dsn, opts...)
	require.NoError(t, err)
	t.Cleanup(l.Close)
	return l
}

// newSandbox starts a quick sandbox, closed at the test's end.
func newSandbox(t testing.TB) *tcredittest.Server {
	srv := tcredittest.NewServer(tcredittest.WithStep(3 * time.Millisecond))
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client of the sandbox at baseURL, one connection per request.
func newClient(t testing.TB, srv *tcredittest.Server, baseURL string, opts ...tcredit.Option) *tcredit.Client {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	base := []tcredit.Option{
		tcredit.WithBaseURL(baseURL),
		tcredit.WithHTTPClient(hc),
		tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
	}
	c, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// login is a request for the sandbox's 北京 account form.
func login(areaCode, account string) tcredit.CreateTaskRequest {
	req := tcredit.CreateTaskRequest{AreaCode: areaCode, LoginType: 1, Account: account, Password: "pw-123456"}
	if areaCode == "330100" {
		req.SubArea = "1"
	}
	return req
}

// cutProxy is a TCP proxy in front of a server that, when told, cuts the answer of
// the next creates: it passes the request on, waits for the first bytes of the answer
// (the server has acted) and closes the client's connection instead.
type cutProxy struct {
	ln       net.Listener
	upstream string
	cuts     atomic.Int32
	wg       sync.WaitGroup
}

func newCutProxy(t testing.TB, upstream string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, upstream: strings.TrimPrefix(upstream, "http://")}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

// handle carries one connection: one request, as the test's clients keep none alive.
func (p *cutProxy) handle(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	buf := make([]byte, 64<<10)
	n, err := c.Read(buf)
	if err != nil {
		return
	}
	cut := strings.Contains(string(buf[:n]), "createFundSearchTaskB") && p.takeCut()
	if _, err := up.Write(buf[:n]); err != nil {
		return
	}
	go func() { _, _ = io.Copy(up, c) }()
	if cut {
		_, _ = up.Read(buf) // the server answered: it created the task
		return
	}
	_, _ = io.Copy(c, up)
}

// takeCut takes one of the cuts asked for, if any is left.
func (p *cutProxy) takeCut() bool {
	for {
		n := p.cuts.Load()
		if n <= 0 {
			return false
		}
		if p.cuts.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
