package server

import (
	"context"
	"net/http"

	"google.golang.org/grpc"
)

// Telemetry hooks of the gateway (OpenTelemetry tracing and metrics). Owned by the
// observability work; Run calls these three and nothing else about telemetry.

// setupTelemetry installs tracer and meter providers; the returned function flushes them.
func setupTelemetry(context.Context) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// instrument wraps the gateway's root handler (server spans, RED metrics, /metrics).
func instrument(h http.Handler) http.Handler { return h }

// dialOptions are extra options for the gateway's connections to the services (client spans,
// W3C trace-context propagation).
func dialOptions() []grpc.DialOption { return nil }
