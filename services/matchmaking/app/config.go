package app

import (
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/config"
)

// Config is the matchmaking service's own settings (the common ones are config.Common), read
// from the environment:
//
//   - REGISTRY_ADDR, CONTRACTS_ADDR: gRPC addresses of the registry and contracts services;
//   - MATCH_WEIGHTS: weights of the soft match criteria, e.g. "distance=20,standard=15,
//     window=15,price=20,capacity=10,record=10,inclusion=10" (unnamed ones keep their default);
//   - TRANSPORT_VND_PER_UNIT_KM: the transport cost the allocator adds (default 2 VND per unit
//     per km);
//   - MATCH_BATCH_MAX_NODES: the branch-and-bound budget per independent group of a batch
//     allocation (default domain.BatchMaxNodes);
//   - MATCH_MAX_OFFERS: the most offers one match or batch considers (default 50,000): beyond
//     it the call is refused, not silently cut;
//   - HOLD_RECONCILE_INTERVAL (1m) and HOLD_GRACE (10m): how often holds are reconciled with
//     proposals, and how long a hold without a proposal waits for its create to be retried.
type Config struct {
	// RegistryAddr and ContractsAddr are the other services.
	RegistryAddr, ContractsAddr string
	// Weights of the soft match criteria.
	Weights domain.Weights
	// TransportVNDPerUnitKm is the transport cost the allocator adds.
	TransportVNDPerUnitKm int64
	// BatchMaxNodes is the batch allocator's search budget per component.
	BatchMaxNodes int
	// MaxOffers bounds the offers one allocation considers.
	MaxOffers int
	// ReconcileInterval and HoldGrace drive the hold reconciler.
	ReconcileInterval, HoldGrace time.Duration
}

// Defaults of the matchmaking settings.
const (
	DefaultTransportVNDPerUnitKm = 2
	DefaultMaxOffers             = 50_000
	DefaultReconcileInterval     = time.Minute
	DefaultHoldGrace             = 10 * time.Minute
)

// LoadConfig reads the matchmaking service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	w, err := domain.ParseWeights(e.String("MATCH_WEIGHTS", ""))
	e.Check(err == nil, "MATCH_WEIGHTS", "%v", err)
	return Config{
		RegistryAddr:          e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		ContractsAddr:         e.Addr("CONTRACTS_ADDR", config.DefaultContractsAddr),
		Weights:               w,
		TransportVNDPerUnitKm: int64(e.Int("TRANSPORT_VND_PER_UNIT_KM", DefaultTransportVNDPerUnitKm)),
		BatchMaxNodes:         e.Positive("MATCH_BATCH_MAX_NODES", domain.BatchMaxNodes),
		MaxOffers:             e.Positive("MATCH_MAX_OFFERS", DefaultMaxOffers),
		ReconcileInterval:     e.Duration("HOLD_RECONCILE_INTERVAL", DefaultReconcileInterval),
		HoldGrace:             e.Duration("HOLD_GRACE", DefaultHoldGrace),
	}
}
