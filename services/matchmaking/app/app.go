// Package app is the public entry point of the matchmaking service: main runs it, and other modules'
// integration tests (gateway end-to-end, cross-service flows) register it on their own loopback
// servers.
package app

import (
	"context"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/matchmaking/internal/transport"
	"github.com/lienket/lienket/services/platform/service"
)

// Register creates indexes, loads reference data and registers the matchmaking gRPC API on s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps) error {
	return transport.Register(ctx, s, d)
}

// Spec describes the matchmaking process.
func Spec() service.Spec {
	return service.Spec{Name: "matchmaking", DefaultGRPCAddr: "127.0.0.1:9103", DefaultHTTPAddr: "127.0.0.1:9203", Register: Register}
}

// Run runs the matchmaking service until ctx ends.
func Run(ctx context.Context) error { return service.Run(ctx, Spec()) }
