// Package app is the public entry point of the support service: main runs it, and other
// modules' integration tests (the gateway's end-to-end tests) register it on their own loopback
// servers.
package app

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
	"github.com/lienket/lienket/services/support/internal/transport"
	"github.com/lienket/lienket/services/support/internal/usecase"
	"github.com/lienket/lienket/services/support/rulebooks"
)

// Register wires configuration → storage → usecase → transport: creates the indexes, loads the
// support rulebooks (a rule without a check stops here), connects to the registry and the
// contracts service with the service's own credentials, and registers the support API on s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	books, err := domain.LoadRulebooks(rulebooks.FS)
	if err != nil {
		return fmt.Errorf("support rulebooks: %w", err)
	}
	reg, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return fmt.Errorf("registry (REGISTRY_ADDR): %w", err)
	}
	con, err := d.Dial(cfg.ContractsAddr)
	if err != nil {
		return fmt.Errorf("contracts (CONTRACTS_ADDR): %w", err)
	}
	uc := usecase.New(st, books, transport.NewRegistry(reg), transport.NewContracts(con), mongostore.Now)
	transport.Register(s, uc)
	return nil
}

// Collections declares the service's collections and the indexes its queries use (for the
// index coverage test and the capacity plan).
func Collections() []mongostore.Collection { return storage.Collections() }

// Spec describes the support process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "support", DefaultGRPCAddr: config.DefaultSupportAddr, DefaultHTTPAddr: config.DefaultSupportHTTP, Load: LoadConfig, Register: Register, Collections: Collections()}
}

// Run runs the support service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
