// Package server is the REST gateway: grpc-gateway v2 handlers for every service, the OpenAPI
// document, health, and the edge concerns (authentication, limits, errors).
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails" // error details must resolve when errors are rendered as JSON
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lienket/lienket/gateway/openapi"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/logging"
)

// Config of the gateway.
type Config struct {
	// HTTPAddr is the REST listen address.
	HTTPAddr string
	// RegistryAddr, ContractsAddr, MatchmakingAddr are the gRPC backends.
	RegistryAddr, ContractsAddr, MatchmakingAddr string
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
}

// LoadConfig reads the gateway settings from the environment.
func LoadConfig(e *config.Env) Config {
	return Config{
		HTTPAddr:        e.String("HTTP_ADDR", "127.0.0.1:8080"),
		RegistryAddr:    e.String("REGISTRY_ADDR", "127.0.0.1:9101"),
		ContractsAddr:   e.String("CONTRACTS_ADDR", "127.0.0.1:9102"),
		MatchmakingAddr: e.String("MATCHMAKING_ADDR", "127.0.0.1:9103"),
		MaxBodyBytes:    int64(e.Int("MAX_BODY_BYTES", 1<<20)),
		ShutdownTimeout: e.Duration("SHUTDOWN_TIMEOUT", 15*time.Second),
	}
}

// Handler builds the gateway's HTTP handler over already-open backend connections.
func Handler(ctx context.Context, cfg Config, registry, contracts, matchmaking *grpc.ClientConn) (http.Handler, error) {
	gw := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: false},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}),
	)
	if err := registryv1.RegisterRegistryServiceHandler(ctx, gw, registry); err != nil {
		return nil, err
	}
	if err := contractsv1.RegisterContractsServiceHandler(ctx, gw, contracts); err != nil {
		return nil, err
	}
	if err := matchmakingv1.RegisterMatchmakingServiceHandler(ctx, gw, matchmaking); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapi.JSON)
	})
	mux.Handle("/v1/", http.MaxBytesHandler(gw, cfg.MaxBodyBytes))
	return mux, nil
}

// Run serves the gateway until ctx ends.
func Run(ctx context.Context) error {
	env := config.FromOS()
	cfg := LoadConfig(env)
	log := logging.Setup("gateway", env.String("LOG_FORMAT", "json"), env.String("LOG_LEVEL", "info"))
	if err := env.Err(); err != nil {
		return err
	}
	shutdownTelemetry, err := setupTelemetry(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = shutdownTelemetry(context.Background()) }()
	dial := func(addr string) (*grpc.ClientConn, error) {
		return grpc.NewClient(addr, append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOptions()...)...)
	}
	var conns [3]*grpc.ClientConn
	for i, addr := range []string{cfg.RegistryAddr, cfg.ContractsAddr, cfg.MatchmakingAddr} {
		cc, err := dial(addr)
		if err != nil {
			return fmt.Errorf("dial %s: %w", addr, err)
		}
		defer cc.Close()
		conns[i] = cc
	}
	h, err := Handler(ctx, cfg, conns[0], conns[1], conns[2])
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.HTTPAddr, Handler: instrument(h), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("gateway listening", "addr", cfg.HTTPAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	slog.Info("gateway stopped")
	return err
}
