// Package transport maps the lienket.registry.v1 gRPC API onto the usecase layer: each handler
// turns its request into plain Go values, calls one usecase method and turns the result into
// the response. Who may do what, validation and storage are the layers' below.
package transport

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// Server implements registryv1.RegistryServiceServer.
type Server struct {
	registryv1.UnimplementedRegistryServiceServer
	uc *usecase.Registry
}

// Register registers the registry's gRPC API, served by uc, on s.
func Register(s *grpc.Server, uc *usecase.Registry) {
	registryv1.RegisterRegistryServiceServer(s, &Server{uc: uc})
}

// serve runs op for the verified caller of ctx and maps its result with out.
func serve[T, R any](ctx context.Context, op func(auth.Principal) (T, error), out func(T) R) (R, error) {
	var zero R
	p, err := auth.Require(ctx)
	if err != nil {
		return zero, err
	}
	v, err := op(p)
	if err != nil {
		return zero, err
	}
	return out(v), nil
}

// empty runs op, which answers nothing, for the verified caller of ctx.
func empty(ctx context.Context, op func(auth.Principal) error) (*emptypb.Empty, error) {
	return serve(ctx, func(p auth.Principal) (struct{}, error) { return struct{}{}, op(p) }, func(struct{}) *emptypb.Empty { return &emptypb.Empty{} })
}

// listInput is the paging and filter of a List request.
type listRequest interface {
	GetPageSize() int32
	GetPageToken() string
}

func listInput(req listRequest, filter string) usecase.ListInput {
	return usecase.ListInput{Filter: filter, PageSize: req.GetPageSize(), PageToken: req.GetPageToken()}
}

// each maps every item of a page.
func each[T, R any](items []T, out func(*T) R) []R {
	rs := make([]R, 0, len(items))
	for i := range items {
		rs = append(rs, out(&items[i]))
	}
	return rs
}
