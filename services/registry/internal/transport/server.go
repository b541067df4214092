// Package transport maps the lienket.registry.v1 gRPC API onto the domain and storage packages
// and enforces who may do what.
//
// Settings (environment): ADMIN_AREAS_FILE (a full national admin-area file replacing the
// shipped sample), NATIONAL_ID_HASH_KEY (key of the national-ID hash; a development default is
// used, with a warning, when unset).
package transport

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

const devNationalIDKey = "lienket-development-national-id-key-do-not-use-in-production"

// Server implements registryv1.RegistryServiceServer.
type Server struct {
	registryv1.UnimplementedRegistryServiceServer
	st    *storage.Store
	ref   *storage.RefCache
	idKey []byte
	log   *slog.Logger
	now   func() time.Time
}

// Config is the registry's own settings.
type Config struct {
	// AdminAreasFile replaces the shipped administrative units (ADMIN_AREAS_FILE).
	AdminAreasFile string
	// NationalIDHashKey keys the hash of national ID numbers (NATIONAL_ID_HASH_KEY); empty
	// means the development key, with a warning.
	NationalIDHashKey string
}

// Register wires the service into s: indexes, reference data, handlers.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
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
	registryv1.RegisterRegistryServiceServer(s, &Server{st: st, ref: ref, idKey: []byte(key), log: d.Log, now: time.Now})
	return nil
}

// internal logs an unexpected storage error and hides it from the caller.
func (s *Server) internal(ctx context.Context, op string, err error) error {
	return fmt.Errorf("%s: %w", op, err) // the error mapper logs it and answers the client
}
