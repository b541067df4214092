// Package transport maps the lienket.matchmaking.v1 gRPC API onto the usecase layer: each
// handler reads the verified caller, turns the request into usecase input, calls one
// operation and turns its result into the response. It also holds the gRPC clients of the
// registry and contracts services, behind the interfaces the usecase layer declares.
package transport

import (
	"context"

	"google.golang.org/grpc"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// Server implements matchmakingv1.MatchmakingServiceServer.
type Server struct {
	matchmakingv1.UnimplementedMatchmakingServiceServer
	uc *usecase.Service
}

// Register registers the matchmaking API, served by uc, on s, and its partner-event feed.
func Register(s *grpc.Server, uc *usecase.Service) {
	matchmakingv1.RegisterMatchmakingServiceServer(s, &Server{uc: uc})
	webhooksv1.RegisterEventSourceServiceServer(s, &EventSource{uc: uc})
}

// serve runs op for the verified caller and maps its result with resp.
func serve[Out, Resp any](ctx context.Context, op func(auth.Principal) (Out, error), resp func(Out) Resp) (Resp, error) {
	var none Resp
	p, err := auth.Require(ctx)
	if err != nil {
		return none, err
	}
	out, err := op(p)
	if err != nil {
		return none, err
	}
	return resp(out), nil
}

// list runs a usecase listing for the verified caller and maps its items with conv.
func list[T, R any](ctx context.Context, op func(auth.Principal) ([]T, string, error), conv func(*T) R) ([]R, string, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, "", err
	}
	items, next, err := op(p)
	if err != nil {
		return nil, "", err
	}
	out := make([]R, 0, len(items))
	for i := range items {
		out = append(out, conv(&items[i]))
	}
	return out, next, nil
}
