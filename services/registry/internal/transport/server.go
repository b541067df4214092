// Package transport maps the lienket.registry.v1 gRPC API onto the domain and storage packages.
package transport

import (
	"context"

	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/service"
)

// Server implements registryv1.RegistryServiceServer.
type Server struct {
	registryv1.UnimplementedRegistryServiceServer
}

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps) error {
	registryv1.RegisterRegistryServiceServer(s, &Server{})
	return nil
}
