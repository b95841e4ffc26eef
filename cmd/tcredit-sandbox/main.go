// Command tcredit-sandbox serves the sandbox of the fund API (package tcredittest) on a
// port, for programs in any language to test against.
//
//	go run ./cmd/tcredit-sandbox -addr 127.0.0.1:8080
//
// It prints one JSON line with what a client needs, then serves until SIGINT or SIGTERM:
//
//	{"url":"http://127.0.0.1:8080","appId":"sandbox-app","tokenId":"sandbox-token"}
//
// With -log it writes one JSON line per call to stderr, such as
//
//	{"time":"…","endpoint":"createFundSearchTaskB","appId":"sandbox-app","status":0,"tid":"…"}
//
// and, for a call refused for its tokenKey (status 5), the string the sandbox expected
// the client to sign, its tokenId masked, under "expected_signed".
//
// Run it with -help for its flags and the demo accounts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tcredit-sandbox:", err)
		os.Exit(1)
	}
}

// run serves the sandbox until ctx is done, then shuts it down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tcredit-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	appID := fs.String("app-id", "sandbox-app", "the appId clients use")
	tokenID := fs.String("token-id", "sandbox-token", "the tokenId clients use")
	step := fs.Duration("step", 500*time.Millisecond, "how long each step of a task takes")
	seed := fs.Int64("seed", 0, "seed of task ids, reports and response variance (without it, task ids are new on each start)")
	callback := fs.String("callback-url", "", "URL to post task callbacks (tid, status, msg) to")
	baseURL := fs.String("base-url", "", "public base URL clients sign, when behind a proxy (default: the URL printed)")
	logCalls := fs.Bool("log", false, "write one JSON line per call to stderr: endpoint, status, tid, and at a bad tokenKey the string expected to be signed")
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *version {
		_, err := fmt.Fprintln(stdout, "tcredit-sandbox", tcredit.Version)
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + printableAddr(ln.Addr())
	opts := []tcredittest.Option{
		tcredittest.WithCredentials(*appID, *tokenID),
		tcredittest.WithStep(*step),
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" { // task ids repeat across restarts only when asked to
			opts = append(opts, tcredittest.WithSeed(*seed))
		}
	})
	if *callback != "" {
		opts = append(opts, tcredittest.WithCallbackURL(*callback))
	}
	if *baseURL != "" {
		opts = append(opts, tcredittest.WithBaseURL(*baseURL))
		url = *baseURL
	}
	if *logCalls {
		opts = append(opts, tcredittest.WithRequestLog(callLogger(stderr)))
	}
	h := tcredittest.NewHandler(opts...)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}

	line, err := json.Marshal(struct {
		URL     string `json:"url"`
		AppID   string `json:"appId"`
		TokenID string `json:"tokenId"`
	}{url, h.AppID(), h.TokenID()})
	if err != nil {
		ln.Close()
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		ln.Close()
		return err
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		h.Close()
		return err
	case <-ctx.Done():
	}
	h.Close() // wakes calls waiting on an injected latency and stops callbacks
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// callLogger returns a function that writes each call to w as one JSON line. The
// sandbox's Request masks the password and code already, and holds no tokenId.
func callLogger(w io.Writer) func(tcredittest.Request) {
	var mu sync.Mutex
	return func(r tcredittest.Request) {
		line, err := json.Marshal(struct {
			Time     time.Time `json:"time"`
			Endpoint string    `json:"endpoint"`
			AppID    string    `json:"appId"`
			Status   int       `json:"status"`
			TID      string    `json:"tid,omitempty"`
			Signed   string    `json:"expected_signed,omitempty"`
		}{r.Time, r.Endpoint, r.AppID, r.Status, r.TID, r.Signed})
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s\n", line)
	}
}

// printableAddr returns a listener's address, with 127.0.0.1 for an unspecified host.
func printableAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// usage prints the flags and the demo accounts.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `Usage: tcredit-sandbox [flags]

Serves a sandbox of the Tianchuang housing provident fund API: the five endpoints
under /identity/, signed with the appId and tokenId it prints on one JSON line.

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprintf(w, `
Demo accounts log in to every city with any password: by login where a city asks
for an account (login_type 1 or 5), by ID card number where it asks for one. The
SMS code is %s; the captcha's answer is the digits it shows.

`, tcredittest.SMSCode)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tID CARD\tSCENARIO")
	for _, a := range tcredittest.DemoAccounts() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Login, a.IDCard, a.Scenario.Description())
	}
	tw.Flush()
	fmt.Fprintln(w, "\nAny other login fails with 50004 (用户名密码输入错误).")
}
