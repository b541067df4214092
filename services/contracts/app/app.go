// Package app is the public entry point of the contracts service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/contracts/internal/transport"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/contracts/rulebooks"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
)

// Register creates indexes, loads the rulebooks and registers the contracts gRPC API on s:
// storage → usecase → transport, wired from cfg; and starts the report refresher (until ctx
// ends).
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	books, err := domain.LoadRulebooks(rulebooks.FS)
	if err != nil {
		return fmt.Errorf("rulebooks: %w", err)
	}
	cc, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return fmt.Errorf("dial registry: %w", err)
	}
	appended, err := registerMetrics(d, st)
	if err != nil {
		return err
	}
	reg := transport.NewRegistry(cc)
	uc := usecase.New(usecase.Deps{Store: st, Rulebooks: books, Registry: reg, Directory: reg, Now: mongostore.Now, EventAppended: appended, PublicBaseURL: cfg.PublicBaseURL, Log: d.Log})
	transport.Register(s, uc)
	go uc.ReportLoop(ctx, cfg.ReportRefreshInterval, cfg.ReportSweepInterval)
	return nil
}

// Collections declares the service's collections and the indexes its queries use (for the
// index coverage test and the capacity plan).
func Collections() []mongostore.Collection { return storage.Collections() }

// Spec describes the contracts process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "contracts", DefaultGRPCAddr: config.DefaultContractsAddr, DefaultHTTPAddr: config.DefaultContractsHTTP, Load: LoadConfig, Register: Register, Collections: Collections()}
}

// Run runs the contracts service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
