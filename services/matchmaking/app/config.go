package app

import (
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/transport"
	"github.com/lienket/lienket/services/platform/config"
)

// Config is the matchmaking service's own settings (the common ones are config.Common).
type Config = transport.Config

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
