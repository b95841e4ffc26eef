// H5 serves the embeddable H5 login flow (package h5), for trying the pages in a
// browser or on a phone, and as one replica of several:
//
//	go run . -addr 127.0.0.1:8081
//
// (in examples/h5, a module of its own) and open the URL it prints. By default the
// sandbox runs in the same process and nothing reaches the real API. Log in to any
// city with a demo account: demo-success, or demo-sms-challenge (SMS code 123456),
// demo-image-challenge, demo-wrong-password, demo-site-down ... with any password
// (where a city asks for an ID card number, use the demo account's: see go doc
// github.com/tcredit-go/tcredit/tcredittest).
//
// Like every example, it uses the API that TCREDIT_BASE_URL, TCREDIT_APP_ID and
// TCREDIT_TOKEN_ID name when all three are set, such as a cmd/tcredit-sandbox that
// several replicas share, and the embedded sandbox when none is; with only some set it
// stops and names the others. Its first line says which it uses. With
// -redis redis://HOST:PORT/DB it keeps its sessions on Redis and shares callbacks'
// wake-ups with every replica started with the same URL: put any number of them
// behind a load balancer, without sticky sessions. With -redis-cluster
// HOST:PORT,HOST:PORT,... it does the same on a Redis Cluster, found from the
// addresses of some of its nodes. It serves callbacks at
// /fund/callback, with the secret of TCREDIT_CALLBACK_SECRET when it is set (see
// tcredit.CallbackURL for the URL to register).
//
// Served on a loopback address (the default), the pages work over plain HTTP
// (h5.Options.InsecureDevHTTP), as the program says when it starts. On any other
// address they need TLS in front: run it behind a proxy that terminates TLS with
// -secure-cookies.
//
// With -metrics ADDR it serves the client's metrics for Prometheus at
// http://ADDR/metrics.
//
// Tick the sample agreement: the form refuses a login without the person's consent.
// It stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/examples/internal/apienv"
	"github.com/tcredit-go/tcredit/examples/internal/metrics"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// config is what the flags and the environment say.
type config struct {
	step     time.Duration // of the embedded sandbox's tasks
	poll     time.Duration // h5.Options.PollInterval
	redisURL string
	// redisCluster is the comma-separated addresses of nodes of a Redis Cluster to
	// use instead of redisURL's server.
	redisCluster string
	secure       bool        // h5.Options.SecureCookies
	metrics      string      // the address to serve metrics at, if any
	api          *apienv.API // nil: the embedded sandbox
	// callbackSecret is the secret callbacks must carry (tcredit.WithCallbackSecret),
	// or "" for none.
	callbackSecret string
}

// redis returns a client of the Redis that -redis or -redis-cluster names, or nil
// for none.
func (c config) redis() (redis.UniversalClient, error) {
	switch {
	case c.redisURL != "" && c.redisCluster != "":
		return nil, errors.New("-redis and -redis-cluster name two deployments: use one")
	case c.redisURL != "":
		opt, err := redis.ParseURL(c.redisURL)
		if err != nil {
			return nil, err
		}
		return redis.NewClient(opt), nil
	case c.redisCluster != "":
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(c.redisCluster, ",")}), nil
	}
	return nil, nil
}

// callbackPath is where the provider posts its callbacks.
const callbackPath = "/fund/callback"

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "the address to serve the pages at")
	var cfg config
	flag.DurationVar(&cfg.step, "step", 500*time.Millisecond, "how long each step of a task of the embedded sandbox takes")
	flag.DurationVar(&cfg.poll, "poll", h5.DefaultPollInterval, "how often the pages look for news; a dead replica's queries are taken over after three")
	flag.StringVar(&cfg.redisURL, "redis", "", "redis://HOST:PORT/DB to keep sessions on and share wake-ups through, for several replicas")
	flag.StringVar(&cfg.redisCluster, "redis-cluster", "", "HOST:PORT,HOST:PORT,... of nodes of a Redis Cluster to use as -redis does")
	flag.BoolVar(&cfg.secure, "secure-cookies", false, "mark the cookies Secure, behind a proxy that terminates TLS")
	flag.StringVar(&cfg.metrics, "metrics", "", "the address to serve Prometheus metrics at (/metrics), such as 127.0.0.1:9464")
	flag.Parse()
	api, err := apienv.Lookup(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h5:", err)
		os.Exit(1)
	}
	cfg.api = api
	cfg.callbackSecret = os.Getenv("TCREDIT_CALLBACK_SECRET")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h5:", err)
		os.Exit(1)
	}
	if err := serve(ctx, ln, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "h5:", err)
		os.Exit(1)
	}
}

// serve serves the flow at the root of ln until ctx ends; then it shuts down the
// server, the flow's queries and the sandbox, in that order.
func serve(ctx context.Context, ln net.Listener, cfg config, out io.Writer) error {
	defer ln.Close()
	var opts []tcredit.Option
	var appID, tokenID, baseURL string
	if api := cfg.api; api != nil {
		appID, tokenID, baseURL = api.AppID, api.TokenID, api.BaseURL
		fmt.Fprintf(out, "Using the API at %s as appId %s (TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID).\n", baseURL, appID)
	} else {
		sandbox := tcredittest.NewServer(tcredittest.WithStep(cfg.step))
		defer sandbox.Close()
		appID, tokenID, baseURL = sandbox.AppID(), sandbox.TokenID(), sandbox.URL
		fmt.Fprintf(out, "No TCREDIT_BASE_URL, TCREDIT_APP_ID or TCREDIT_TOKEN_ID set: running on the embedded sandbox at %s.\n", baseURL)
	}
	opts = append(opts, tcredit.WithBaseURL(baseURL))
	if cfg.metrics != "" {
		instrument, addr, err := metrics.Serve(ctx, cfg.metrics)
		if err != nil {
			return err
		}
		opts = append(opts, instrument)
		fmt.Fprintf(out, "metrics at http://%s/metrics\n", addr)
	}
	hopts := h5.Options{PollInterval: cfg.poll, SecureCookies: cfg.secure, InsecureDevHTTP: loopback(ln.Addr())}
	var relay *redisstore.WakeRelay
	rdb, err := cfg.redis()
	if err != nil {
		return err
	}
	if rdb != nil {
		defer rdb.Close()
		relay = redisstore.NewWakeRelay(rdb)
		opts = append(opts, tcredit.WithWakeRelay(relay))
		hopts.Store = redisstore.New(rdb)
	}
	client, err := tcredit.NewClient(appID, tokenID, opts...)
	if err != nil {
		return err
	}
	if relay != nil {
		if err := relay.Subscribe(ctx, client, nil); err != nil {
			return err
		}
		defer relay.Close()
	}
	logger := slog.New(slog.NewTextHandler(out, nil))
	hopts.Logger = logger
	hopts.Consent = &sampleAgreement
	hopts.OnResult = func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
		// Keep the consent with the result: the evidence that the person agreed.
		consent := slog.Group("consent", "version", s.ConsentVersion, "at", s.ConsentAt)
		if err != nil {
			logger.InfoContext(ctx, "query failed", "tid", s.TID, "error", err, consent)
			return
		}
		balance := "unknown" // a partial report (40002) may lack baseInfo
		if res.BaseInfo != nil {
			balance = res.BaseInfo.HouseFundBalance.String()
		}
		logger.InfoContext(ctx, "query done", "tid", s.TID, "code", int(res.Code),
			"balance", balance, "bills", len(res.BillInfos), consent)
	}
	flow := h5.NewHandler(client, hopts)
	defer flow.Close()

	mux := http.NewServeMux()
	mux.Handle("/", flow)
	var cbopts []tcredit.CallbackOption
	if cfg.callbackSecret != "" {
		cbopts = append(cbopts, tcredit.WithCallbackSecret(cfg.callbackSecret))
	} else {
		fmt.Fprintf(out, "No TCREDIT_CALLBACK_SECRET set: callbacks at %s are taken without a secret.\n", callbackPath)
	}
	mux.Handle("POST "+callbackPath, tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
		client.Notify(cb) // wakes the replica that follows the task, through Redis
		return nil
	}, cbopts...))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "H5 flow: open http://%s/\n", ln.Addr())
	fmt.Fprintln(out, "Demo logins: demo-success, demo-sms-challenge (code 123456), demo-image-challenge, demo-wrong-password; any password.")
	switch {
	case hopts.SecureCookies:
	case hopts.InsecureDevHTTP:
		fmt.Fprintln(out, "Plain HTTP on a loopback address, for development: h5.Options.InsecureDevHTTP is set. Serve over TLS anywhere else.")
	default:
		fmt.Fprintln(out, "Not a loopback address: the pages need TLS; put a proxy that terminates TLS in front and use -secure-cookies.")
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	fmt.Fprintln(out, "stopped")
	return err
}

// loopback reports whether addr is a TCP address on a loopback interface, where plain
// HTTP reaches no one else.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// sampleAgreement is the agreement the example asks the person to accept. A lender
// writes its own, with its lawyers, and usually links it (Consent.URL).
var sampleAgreement = h5.Consent{
	Title:   "《个人公积金信息查询授权协议》",
	Version: "sample-1",
	Text: `本人授权本平台通过天创信用查询本人的住房公积金信息（包括账户状态、缴存记录、缴存单位和贷款记录），仅用于本次贷款申请的审核。

本人理解：公积金账户信息属于敏感个人信息；本人的公积金网站登录信息仅用于本次查询，不会被保存；查询结果将依法保存与使用。

本人可以随时撤回本授权，撤回不影响撤回前基于本授权已进行的处理。`,
}
