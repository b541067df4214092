package app

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/platform/telemetry"
)

var allStates = []string{domain.StateDraft, domain.StatePendingSignatures, domain.StatePendingWitness, domain.StateActive, domain.StateCompleted,
	domain.StateLiquidated, domain.StateCancelled, domain.StateWitnessRejected, domain.StateSuspended, domain.StateTerminated}

// registerMetrics exports the domain metrics: audit events appended, by type (state
// transitions, deliveries, payments, incidents), counted through the returned function; and
// the number of contracts in each state, counted when scraped.
func registerMetrics(d service.Deps, st *storage.Store) (func(ctx context.Context, eventType string), error) {
	mp := d.Meter
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter("lienket")
	events, err := meter.Int64Counter("lienket.contract.events", metric.WithDescription("Audit events appended to contracts, by type (contract.created, contract.signed, contract.witnessed, delivery.recorded, payment.recorded, incident.opened, …)"))
	if err != nil {
		return nil, err
	}
	_, err = meter.Int64ObservableGauge("lienket.contracts", metric.WithDescription("Contracts by lifecycle state"),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			for _, state := range allStates {
				n, err := st.CountContracts(ctx, state)
				if err != nil {
					// A scrape must not fail because the store is unreachable: the gauge is
					// simply absent (and the error logged).
					d.Log.WarnContext(ctx, "contracts gauge: count failed", "error", err.Error())
					return nil
				}
				o.Observe(n, metric.WithAttributes(telemetry.Attr("state", state)))
			}
			return nil
		}))
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, eventType string) {
		events.Add(ctx, 1, metric.WithAttributes(telemetry.Attr("type", eventType)))
	}, nil
}
