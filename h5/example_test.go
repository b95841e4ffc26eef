package h5_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func ExampleNewHandler() {
	sandbox := tcredittest.NewServer() // a lender's service uses the real API instead
	defer sandbox.Close()
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL))
	if err != nil {
		log.Fatal(err)
	}

	flow := h5.NewHandler(client, h5.Options{
		Consent: &h5.Consent{Title: "《个人公积金信息查询授权协议》", URL: "https://lender.example/agreement", Version: "2024-03"},
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			if err != nil {
				log.Printf("fund query %s failed: %v", s.TID, err)
				return
			}
			log.Printf("fund query %s: balance %s", s.TID, res.BaseInfo.HouseFundBalance)
		},
	})
	defer flow.Close()

	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", flow))
	srv := httptest.NewTLSServer(mux) // over plain HTTP, set Options.InsecureDevHTTP
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/fund/")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	// Output: 200 OK text/html; charset=utf-8
}
