// Package transport maps the lienket.contracts.v1 gRPC API onto the domain and storage packages.
package transport

import (
	"context"

	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/platform/service"
)

// Server implements contractsv1.ContractsServiceServer.
type Server struct {
	contractsv1.UnimplementedContractsServiceServer
}

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps) error {
	contractsv1.RegisterContractsServiceServer(s, &Server{})
	return nil
}
