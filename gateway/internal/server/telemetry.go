package server

import (
	"context"
	"net/http"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/telemetry"
)

// Telemetry hooks of the gateway: Run calls these three and nothing else about telemetry.

var tel *telemetry.Telemetry

// setupTelemetry installs tracer and meter providers; the returned function flushes them.
func setupTelemetry(ctx context.Context) (func(context.Context) error, error) {
	t, err := telemetry.Setup(ctx, "gateway")
	if err != nil {
		return nil, err
	}
	tel = t
	return t.Shutdown, nil
}

// instrument wraps the gateway's root handler: server spans and http.server.* metrics for
// every request (the trace context continues into the services), and /metrics.
func instrument(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	if tel != nil {
		mux.Handle("GET /metrics", tel.MetricsHandler())
	}
	mux.Handle("/", telemetry.HTTP(h, "gateway"))
	return mux
}

// dialOptions instrument the gateway's connections to the services (client spans, W3C
// trace-context propagation).
func dialOptions() []grpc.DialOption { return []grpc.DialOption{telemetry.DialOption()} }
