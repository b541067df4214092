// Package transport maps the lienket.contracts.v1 gRPC API onto the usecase layer (proto ⇄
// domain and usecase types, nothing else), and holds the client of the registry service.
package transport

import (
	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
)

// Server implements contractsv1.ContractsServiceServer over the operations.
type Server struct {
	contractsv1.UnimplementedContractsServiceServer
	uc *usecase.Service
}

// Register registers the contracts API, served by uc, on s, and its partner-event feed.
func Register(s *grpc.Server, uc *usecase.Service) {
	contractsv1.RegisterContractsServiceServer(s, &Server{uc: uc})
	webhooksv1.RegisterEventSourceServiceServer(s, &EventSource{uc: uc})
}

// reply maps an operation's result to its proto, or passes its error on (the platform's error
// mapper makes it an API error).
func reply[T, P any](v T, err error, to func(T) P) (P, error) {
	if err != nil {
		var zero P
		return zero, err
	}
	return to(v), nil
}

func listQuery(filter string, size int32, token string) usecase.ListQuery {
	return usecase.ListQuery{Filter: filter, PageSize: size, PageToken: token}
}
