// Package usecase is the webhooks service's application layer: the webhook and delivery
// operations (who may do what), the ingestion of the sources' events into per-webhook
// deliveries, and the dispatcher that sends them.
package usecase

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
)

// Registry answers what the webhooks service needs to know about organisations.
type Registry interface {
	// CheckOrganization returns nil when org exists and is active, NOT_FOUND or
	// FAILED_PRECONDITION otherwise.
	CheckOrganization(ctx context.Context, org string) error
}

// Request is one webhook request to send.
type Request struct {
	URL     string
	Headers map[string]string
	Body    []byte
}

// Sender sends webhook requests to partners' endpoints (with the address policy, no redirects,
// a timeout and a bounded read of the answer) and reports what happened.
type Sender interface {
	Send(ctx context.Context, r Request) domain.Attempt
}

// Deps are the service's dependencies.
type Deps struct {
	Store    *storage.Store
	Keys     *domain.Keyring
	Registry Registry
	Sender   Sender
	// Targets is the operator's endpoint policy (development: http and internal addresses).
	Targets domain.Targets
	Policy  domain.Policy
	Log     *slog.Logger
	// Now and Rand default to the clock and math/rand.
	Now  func() time.Time
	Rand func() float64
	// Metrics counts attempts (optional).
	Metrics Metrics
}

// Metrics observes deliveries.
type Metrics interface {
	// Attempted counts an attempt: outcome is "delivered", "failed" or "gave_up"; latency is
	// from the event to this attempt's answer (first attempts only, else 0).
	Attempted(ctx context.Context, outcome string, latency time.Duration)
}

// Service implements the webhooks operations.
type Service struct {
	st       *storage.Store
	keys     *domain.Keyring
	registry Registry
	sender   Sender
	targets  domain.Targets
	policy   domain.Policy
	log      *slog.Logger
	now      func() time.Time
	rand     func() float64
	metrics  Metrics
	// wake tells idle dispatcher workers that deliveries were queued.
	wake chan struct{}
}

// New returns the service.
func New(d Deps) *Service {
	s := &Service{st: d.Store, keys: d.Keys, registry: d.Registry, sender: d.Sender, targets: d.Targets, policy: d.Policy,
		log: d.Log, now: d.Now, rand: d.Rand, metrics: d.Metrics, wake: make(chan struct{}, 64)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Float64
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	return s
}

type noMetrics struct{}

func (noMetrics) Attempted(context.Context, string, time.Duration) {}

// notify wakes idle workers (without blocking).
func (s *Service) notify() {
	for range cap(s.wake) {
		select {
		case s.wake <- struct{}{}:
		default:
			return
		}
	}
}

// mayManage: the organisation's business and producer people, its API keys (partner), and
// operators manage its webhooks.
func mayManage(p auth.Principal, org string) error {
	if p.Is(auth.RoleAdmin) || p.ActsFor(org) {
		return nil
	}
	return apierr.PermissionDenied("only the organisation (its people and API keys) and operators manage its webhooks")
}

// secrets opens the secrets that sign for w at now.
func (s *Service) secrets(w *domain.Webhook, now time.Time) ([]string, error) {
	var out []string
	for _, sealed := range w.Secrets(now) {
		sec, err := s.keys.Open(w.Name, sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}
