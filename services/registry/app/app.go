// Package app is the public entry point of the registry service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"

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
	ref, err := st.LoadReferenceData(ctx, cfg.AdminAreasFile)
	if err != nil {
		return err
	}
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

// Spec describes the registry process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "registry", DefaultGRPCAddr: config.DefaultRegistryAddr, DefaultHTTPAddr: config.DefaultRegistryHTTP, Load: LoadConfig, Register: Register, Collections: Collections()}
}

// Run runs the registry service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
