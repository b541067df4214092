// Package app is the public entry point of the matchmaking service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/matchmaking/internal/transport"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
)

// Register creates the indexes, wires storage → usecase → transport from cfg, registers the
// matchmaking gRPC API on s, and starts the hold reconciler (until ctx ends).
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	if err := mongostore.EnsureCollections(ctx, d.DB, storage.Collections()); err != nil {
		return err
	}
	st := storage.New(d.DB)
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	rc, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return err
	}
	cc, err := d.Dial(cfg.ContractsAddr)
	if err != nil {
		return err
	}
	uc := usecase.New(st, transport.NewRegistry(rc), transport.NewContracts(cc), usecase.Settings{
		Weights: cfg.Weights, TransportVNDPerUnitKm: cfg.TransportVNDPerUnitKm, BatchMaxNodes: cfg.BatchMaxNodes, MaxOffers: cfg.MaxOffers, Now: mongostore.Now,
	}, d.Log)
	transport.Register(s, uc)
	go uc.ReconcileLoop(ctx, cfg.ReconcileInterval, cfg.HoldGrace)
	return nil
}

// Collections declares the service's collections and the indexes its queries use (for the
// index coverage test and the capacity plan).
func Collections() []mongostore.Collection { return storage.Collections() }

// Spec describes the matchmaking process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "matchmaking", DefaultGRPCAddr: config.DefaultMatchmakingAddr, DefaultHTTPAddr: config.DefaultMatchmakingHTTP, Load: LoadConfig, Register: Register, Collections: Collections()}
}

// Run runs the matchmaking service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
