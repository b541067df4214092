// Package transport maps the lienket.matchmaking.v1 gRPC API onto the domain and storage packages.
package transport

import (
	"context"

	"google.golang.org/grpc"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/platform/service"
)

// Server implements matchmakingv1.MatchmakingServiceServer.
type Server struct {
	matchmakingv1.UnimplementedMatchmakingServiceServer
}

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps) error {
	matchmakingv1.RegisterMatchmakingServiceServer(s, &Server{})
	return nil
}
