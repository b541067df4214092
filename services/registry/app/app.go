// Package app is the public entry point of the registry service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"
	"log/slog"
	"strings"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/registry/internal/storage"
	"github.com/lienket/lienket/services/registry/internal/transport"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// Register wires cfg → storage → usecase → transport: it creates the indexes, loads the
// reference data and registers the registry gRPC API on s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	if err := mongostore.EnsureCollections(ctx, d.DB, storage.Collections()); err != nil {
		return err
	}
	st := storage.New(d.DB)
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	ref, load, err := st.LoadReferenceData(ctx, cfg.AdminAreasFile)
	if err != nil {
		return err
	}
	reportAreaLoad(d.Log, load)
	key := cfg.NationalIDHashKey
	if key == "" {
		d.Log.Warn("NATIONAL_ID_HASH_KEY not set: using the development key; set a secret key in production")
		key = devNationalIDKey
	}
	transport.Register(s, usecase.New(st, ref, []byte(key), d.Log, mongostore.Now))
	return nil
}

// Collections declares the service's collections and the indexes its queries use (for the
// index coverage test and the capacity plan).
func Collections() []mongostore.Collection { return storage.Collections() }

// reportAreaLoad logs how the admin-unit file was loaded and every retired unit that records
// still name (they keep resolving, but should be moved to the unit that replaced it).
func reportAreaLoad(log *slog.Logger, l storage.AreaLoad) {
	log.Info("admin units loaded", "units", l.Units, "unchanged", l.Unchanged, "written", l.Written,
		"newly_retired", l.NewlyRetired, "retired", l.Retired, "took_ms", l.Took.Milliseconds())
	for _, r := range l.InUse {
		log.Warn("a retired admin unit is still named by records: move them to the unit that replaced it",
			"code", r.Code, "name", r.Name, "records", r.Count, "some", strings.Join(r.References, ","))
	}
}

// Spec describes the registry process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "registry", DefaultGRPCAddr: config.DefaultRegistryAddr, DefaultHTTPAddr: config.DefaultRegistryHTTP, Load: LoadConfig, Register: Register, Collections: Collections()}
}

// Run runs the registry service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
