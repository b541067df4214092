// Package app is the public entry point of the webhooks service: main runs it, and other
// modules' integration tests register it on their own loopback servers.
package app

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/platform/telemetry"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
	"github.com/lienket/lienket/services/webhooks/internal/transport"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// Collections declares the service's collections and the indexes its queries use (for the
// index coverage test and the capacity plan).
func Collections() []mongostore.Collection { return storage.Collections() }

// Register creates indexes, registers the webhooks API on s and starts the dispatcher, which
// runs until ctx ends: storage → usecase → transport, wired from cfg.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	uc, disp, err := build(ctx, d, cfg)
	if err != nil {
		return err
	}
	transport.Register(s, uc)
	go disp.Run(ctx)
	return nil
}

func build(ctx context.Context, d service.Deps, cfg Config) (*usecase.Service, *usecase.Dispatcher, error) {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return nil, nil, err
	}
	keys := cfg.SecretKeys
	if len(keys) == 0 {
		d.Log.Warn("WEBHOOK_SECRET_KEYS not set: webhook secrets are sealed with the development key; set a secret key in production")
		keys = []string{devSecretKey}
	}
	kr, err := domain.NewKeyring(keys...)
	if err != nil {
		return nil, nil, fmt.Errorf("WEBHOOK_SECRET_KEYS: %w", err)
	}
	if cfg.AllowInternal {
		d.Log.Warn("WEBHOOK_ALLOW_INTERNAL_TARGETS: webhooks may point at http:// and internal addresses (development only)")
	}
	rc, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("dial registry: %w", err)
	}
	var sources []usecase.Source
	for name, addr := range cfg.Sources {
		cc, err := d.Dial(addr)
		if err != nil {
			return nil, nil, fmt.Errorf("dial %s: %w", name, err)
		}
		sources = append(sources, transport.NewSource(name, cc))
	}
	m, err := newMetrics(d)
	if err != nil {
		return nil, nil, err
	}
	sc := cfg.Sender
	sc.AllowInternal = cfg.AllowInternal
	uc := usecase.New(usecase.Deps{Store: st, Keys: kr, Registry: transport.NewRegistry(rc), Sender: transport.NewSender(sc),
		Targets: domain.Targets{AllowInternal: cfg.AllowInternal}, Policy: cfg.Policy, Log: d.Log, Metrics: m})
	return uc, uc.NewDispatcher(cfg.Dispatch, sources...), nil
}

// Spec describes the webhooks process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "webhooks", DefaultGRPCAddr: config.DefaultWebhooksAddr, DefaultHTTPAddr: config.DefaultWebhooksHTTP, Load: LoadConfig, Register: Register}
}

// Run runs the webhooks service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }

type metrics struct {
	attempts metric.Int64Counter
	latency  metric.Float64Histogram
}

// newMetrics exports lienket.webhook.attempts (by outcome: delivered, failed, gave_up) and
// lienket.webhook.latency (seconds from the event to its first successful delivery).
func newMetrics(d service.Deps) (*metrics, error) {
	mp := d.Meter
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter("lienket")
	a, err := meter.Int64Counter("lienket.webhook.attempts", metric.WithDescription("Webhook delivery attempts, by outcome (delivered, failed, gave_up)"))
	if err != nil {
		return nil, err
	}
	l, err := meter.Float64Histogram("lienket.webhook.latency", metric.WithUnit("s"),
		metric.WithDescription("From an event to its delivery at the first attempt, in seconds"))
	if err != nil {
		return nil, err
	}
	return &metrics{attempts: a, latency: l}, nil
}

func (m *metrics) Attempted(ctx context.Context, outcome string, latency time.Duration) {
	m.attempts.Add(ctx, 1, metric.WithAttributes(telemetry.Attr("outcome", outcome)))
	if outcome == "delivered" && latency > 0 {
		m.latency.Record(ctx, latency.Seconds())
	}
}
