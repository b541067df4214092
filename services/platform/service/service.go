// Package service is the common main loop of a Lienket gRPC service: configuration, logging,
// storage (MongoDB or the embedded store), caller authentication, the gRPC server with health
// and reflection, the operational HTTP server, and graceful shutdown.
package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/grpcserver"
	"github.com/lienket/lienket/services/platform/health"
	"github.com/lienket/lienket/services/platform/logging"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/telemetry"
	"go.opentelemetry.io/otel/metric"
)

// Deps is what a service's Register function gets.
type Deps struct {
	// Config holds the common settings.
	Config config.Common
	// Log is the process logger.
	Log *slog.Logger
	// DB is the service's database (handed to its storage package).
	DB *mongostore.Database
	// Dial connects to another Lienket service with this service's own credentials.
	Dial func(addr string) (*grpc.ClientConn, error)
	// Mux is the operational HTTP mux (/healthz and /metrics are registered).
	Mux *http.ServeMux
	// Meter provides the service's domain metrics (exported on /metrics).
	Meter metric.MeterProvider
}

// Spec describes one service whose own settings are a C.
type Spec[C any] struct {
	// Name of the service, e.g. "registry".
	Name string
	// DefaultGRPCAddr and DefaultHTTPAddr are the default listen addresses.
	DefaultGRPCAddr, DefaultHTTPAddr string
	// Load reads the service's own settings (malformed values are recorded by env). It runs
	// with the common settings, before anything dials, creates indexes or listens.
	Load func(env *config.Env) C
	// Register creates indexes, loads reference data and registers gRPC services.
	Register func(ctx context.Context, s *grpc.Server, d Deps, cfg C) error
	// ServerOptions are extra gRPC server options (stats handlers).
	ServerOptions []grpc.ServerOption
	// ClientOptions are extra dial options for outgoing calls.
	ClientOptions []grpc.DialOption
	// MongoOptions adjust the driver (monitors).
	MongoOptions []mongostore.ClientOption
	// Collections the service declares (its storage/indexes.go): a read past
	// mongostore.SlowRead is logged, saying whether an index scopes it.
	Collections []mongostore.Collection
}

// healthEvery is how often the gRPC health status follows the store's reachability.
const healthEvery = 5 * time.Second

// Run runs the service until ctx ends. Every setting is read and checked first: a malformed
// configuration stops the process with every problem listed, before anything else happens.
func Run[C any](ctx context.Context, spec Spec[C]) error {
	env := config.FromOS()
	cfg := config.LoadCommon(env, spec.Name, spec.DefaultGRPCAddr, spec.DefaultHTTPAddr)
	own := spec.Load(env)
	if err := env.Err(); err != nil {
		return err
	}
	log := logging.Setup(spec.Name, cfg.LogFormat, cfg.LogLevel)

	keys, err := auth.LoadPublicKeys(cfg.JWTPublicKeyFiles...)
	if err != nil {
		return fmt.Errorf("trusted token keys (JWT_PUBLIC_KEY_FILES): %w", err)
	}
	verifier, err := auth.NewTokenVerifier(ctx, auth.ConfigFrom(cfg, keys), log)
	if err != nil {
		return fmt.Errorf("trusted token keys (JWT_JWKS): %w", err)
	}
	var svcKey ed25519.PrivateKey
	if cfg.ServiceKeyFile != "" {
		if svcKey, err = auth.LoadPrivateKey(cfg.ServiceKeyFile); err != nil {
			return fmt.Errorf("service key (SERVICE_KEY_FILE): %w", err)
		}
	}

	tel, err := telemetry.Setup(ctx, spec.Name)
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(sctx)
	}()
	mongoOpts := append([]mongostore.ClientOption{telemetry.MongoMonitorOption(), mongostore.WithTimeout(cfg.StoreTimeout),
		mongostore.WarnSlowReads(log, append(spec.Collections, mongostore.LedgerDeclaration), mongostore.SlowRead)}, spec.MongoOptions...)
	client, closeStore, err := mongostore.Open(ctx, cfg.MongoURI, cfg.DataDir, spec.Name, log, mongoOpts...)
	if err != nil {
		return err
	}
	defer closeStore()

	dial := func(addr string) (*grpc.ClientConn, error) {
		if svcKey == nil {
			return nil, errors.New("no SERVICE_KEY_FILE: cannot call other services")
		}
		creds := auth.NewServiceCredentials(auth.NewIssuer(svcKey, cfg.JWTIssuer, cfg.JWTAudience), spec.Name)
		opts := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(creds), telemetry.DialOption()}, spec.ClientOptions...)
		return grpc.NewClient(addr, opts...)
	}

	srv := grpcserver.New(grpcserver.Options{
		Name: spec.Name, Logger: log, Verifier: verifier,
		DefaultDeadline: cfg.DefaultDeadline, ServerOptions: append([]grpc.ServerOption{telemetry.ServerOption()}, spec.ServerOptions...),
		Unavailable: mongostore.IsUnavailable,
		Ledger:      mongostore.NewRequestLedger(client.Database(cfg.MongoDatabase)),
	})
	mux := http.NewServeMux()
	ready := func(ctx context.Context) error { return client.Ping(ctx, nil) }
	health.Register(mux, spec.Name, health.Instance(), ready)
	mux.Handle("GET /metrics", tel.MetricsHandler())
	if err := spec.Register(ctx, srv.Server, Deps{Config: cfg, Log: log, DB: client.Database(cfg.MongoDatabase), Dial: dial, Mux: mux, Meter: tel.Meter}, own); err != nil {
		return err
	}
	lis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Serve(gctx, lis, cfg.ShutdownTimeout) })
	g.Go(func() error { health.Watch(gctx, srv.Health, ready, healthEvery); return nil })
	if cfg.HTTPAddr != "" && cfg.HTTPAddr != "off" {
		g.Go(func() error { return grpcserver.ServeHTTP(gctx, cfg.HTTPAddr, mux, cfg.ShutdownTimeout) })
	}
	log.Info("started", "grpc", cfg.GRPCAddr, "http", cfg.HTTPAddr)
	err = g.Wait()
	log.Info("stopped")
	return err
}
