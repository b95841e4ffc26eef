package tcreditotel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcreditotel"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func ExampleInstrument() {
	srv := tcredittest.NewServer()
	defer srv.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL),
		tcreditotel.Instrument(tcreditotel.WithTracerProvider(tp)))
	if err != nil {
		panic(err)
	}
	if _, err := client.LoginMethods(context.Background(), "330100"); err != nil {
		panic(err)
	}
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), s.Status().Code)
	}
	// Output:
	// tcredit getFundCityParamB Unset
}
