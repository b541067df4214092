// Package app is the public entry point of the contracts service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/contracts/internal/transport"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/service"
)

// Register creates indexes, loads reference data and registers the contracts gRPC API on s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	return transport.Register(ctx, s, d, cfg)
}

// Spec describes the contracts process.
func Spec() service.Spec[Config] {
	return service.Spec[Config]{Name: "contracts", DefaultGRPCAddr: config.DefaultContractsAddr, DefaultHTTPAddr: config.DefaultContractsHTTP, Load: LoadConfig, Register: Register}
}

// Run runs the contracts service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
