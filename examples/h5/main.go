// H5 serves the embeddable H5 login flow (package h5) on the tcredittest sandbox, for
// trying the pages in a browser or on a phone:
//
//	go run ./examples/h5 -addr 127.0.0.1:8081
//
// and open the URL it prints. The sandbox runs in the same process; nothing reaches
// the real API. Log in to any city with a demo account: demo-success, or
// demo-sms-challenge (SMS code 123456), demo-image-challenge, demo-wrong-password,
// demo-site-down ... with any password (where a city asks for an ID card number, use
// the demo account's: see go doc github.com/tcredit-go/tcredit/tcredittest), and tick
// the sample agreement: the form refuses a login without the person's consent.
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
	"syscall"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "the address to serve the pages at")
	step := flag.Duration("step", 500*time.Millisecond, "how long each step of a sandbox task takes")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h5:", err)
		os.Exit(1)
	}
	if err := serve(ctx, ln, *step, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "h5:", err)
		os.Exit(1)
	}
}

// serve serves the flow at the root of ln, on a sandbox whose tasks take step per
// step, until ctx ends; then it shuts down the server, the flow's queries and the
// sandbox, in that order.
func serve(ctx context.Context, ln net.Listener, step time.Duration, out io.Writer) error {
	sandbox := tcredittest.NewServer(tcredittest.WithStep(step))
	defer sandbox.Close()
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL))
	if err != nil {
		ln.Close()
		return err
	}
	logger := slog.New(slog.NewTextHandler(out, nil))
	flow := h5.NewHandler(client, h5.Options{
		Logger:  logger,
		Consent: &sampleAgreement,
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			// Keep the consent with the result: the evidence that the person agreed.
			consent := slog.Group("consent", "version", s.ConsentVersion, "at", s.ConsentAt)
			if err != nil {
				logger.InfoContext(ctx, "query failed", "tid", s.TID, "err", err, consent)
				return
			}
			balance := "unknown" // a partial report (40002) may lack baseInfo
			if res.BaseInfo != nil {
				balance = res.BaseInfo.HouseFundBalance.String()
			}
			logger.InfoContext(ctx, "query done", "tid", s.TID, "code", int(res.Code),
				"balance", balance, "bills", len(res.BillInfos), consent)
		},
	})
	defer flow.Close()

	srv := &http.Server{Handler: flow, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "H5 flow on the sandbox: open http://%s/\n", ln.Addr())
	fmt.Fprintln(out, "Demo logins: demo-success, demo-sms-challenge (code 123456), demo-image-challenge, demo-wrong-password; any password.")

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

// sampleAgreement is the agreement the example asks the person to accept. A lender
// writes its own, with its lawyers, and usually links it (Consent.URL).
var sampleAgreement = h5.Consent{
	Title:   "《个人公积金信息查询授权协议》",
	Version: "sample-1",
	Text: `本人授权本平台通过天创信用查询本人的住房公积金信息（包括账户状态、缴存记录、缴存单位和贷款记录），仅用于本次贷款申请的审核。

本人理解：公积金账户信息属于敏感个人信息；本人的公积金网站登录信息仅用于本次查询，不会被保存；查询结果将依法保存与使用。

本人可以随时撤回本授权，撤回不影响撤回前基于本授权已进行的处理。`,
}
