// Package app is the public entry point of the matchmaking service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/matchmaking/internal/transport"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/service"
)

// Register creates indexes, loads reference data and registers the matchmaking gRPC API on s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	return transport.Register(ctx, s, d, cfg)
}

// Spec describes the matchmaking process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "matchmaking", DefaultGRPCAddr: config.DefaultMatchmakingAddr, DefaultHTTPAddr: config.DefaultMatchmakingHTTP, Load: LoadConfig, Register: Register}
}

// Run runs the matchmaking service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
