// Package telemetry sets up OpenTelemetry for a Lienket process: traces (W3C trace context,
// OTLP export configured by the standard OTEL_* variables, off unless configured), metrics
// exposed for Prometheus at /metrics, and the instrumentation of gRPC (otelgrpc stats
// handlers), HTTP (otelhttp) and MongoDB (a command monitor: go.opentelemetry.io/contrib has
// no otelmongo for mongo-driver v2 on the module proxy).
package telemetry

import (
	"context"
	"errors"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"google.golang.org/grpc"
)

// Telemetry is a process's providers.
type Telemetry struct {
	Tracer   *sdktrace.TracerProvider
	Meter    *sdkmetric.MeterProvider
	registry *prometheus.Registry
}

// Option adjusts Setup.
type Option func(*[]sdktrace.TracerProviderOption)

// WithSpanProcessor adds a span processor (tests use an in-memory recorder).
func WithSpanProcessor(sp sdktrace.SpanProcessor) Option {
	return func(o *[]sdktrace.TracerProviderOption) { *o = append(*o, sdktrace.WithSpanProcessor(sp)) }
}

// tracesExporterWanted follows the OpenTelemetry environment conventions: OTEL_TRACES_EXPORTER
// ("otlp" or "none"), else an OTLP endpoint being configured.
func tracesExporterWanted() bool {
	switch os.Getenv("OTEL_TRACES_EXPORTER") {
	case "otlp":
		return true
	case "none":
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs global tracer and meter providers for service and W3C propagation.
func Setup(ctx context.Context, service string, opts ...Option) (*Telemetry, error) {
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(service)))
	if err != nil {
		return nil, err
	}
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if tracesExporterWanted() {
		exp, err := otlptracehttp.New(ctx) // endpoint, headers, TLS from OTEL_EXPORTER_OTLP_*
		if err != nil {
			return nil, err
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
	}
	for _, o := range opts {
		o(&tpOpts)
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	pe, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(pe))
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return &Telemetry{Tracer: tp, Meter: mp, registry: reg}, nil
}

// Shutdown flushes and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	return errors.Join(t.Tracer.Shutdown(ctx), t.Meter.Shutdown(ctx))
}

// MetricsHandler serves the process's metrics in the Prometheus format.
func (t *Telemetry) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{})
}

// ServerOption instruments a gRPC server: a span and RED metrics (rpc.server.duration with
// method and status code) per RPC, continuing the caller's trace.
func ServerOption() grpc.ServerOption { return grpc.StatsHandler(otelgrpc.NewServerHandler()) }

// DialOption instruments a gRPC client and propagates trace context to the server.
func DialOption() grpc.DialOption { return grpc.WithStatsHandler(otelgrpc.NewClientHandler()) }

// HTTP instruments an HTTP handler (server spans, http.server.* metrics).
func HTTP(h http.Handler, operation string) http.Handler { return otelhttp.NewHandler(h, operation) }

// Attr is a shorthand for a string attribute.
func Attr(k, v string) attribute.KeyValue { return attribute.String(k, v) }
