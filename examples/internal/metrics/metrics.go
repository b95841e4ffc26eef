// Package metrics serves the metrics of a tcredit.Client for Prometheus to scrape, for
// the examples' -metrics flag.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcreditotel"
)

// Serve serves the metrics of the clients made with the returned option at
// http://ADDR/metrics, where ADDR is the address it listens at (addr, its port chosen
// when addr's is 0), until ctx ends; then it stops the server.
func Serve(ctx context.Context, addr string) (tcredit.Option, net.Addr, error) {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics server", "error", err)
		}
	}()
	context.AfterFunc(ctx, func() {
		_ = srv.Close()
		_ = provider.Shutdown(context.Background())
	})
	return tcreditotel.Instrument(tcreditotel.WithMeterProvider(provider)), ln.Addr(), nil
}
