package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateHousehold implements the RPC.
func (s *Server) CreateHousehold(ctx context.Context, req *registryv1.CreateHouseholdRequest) (*registryv1.Household, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Household, error) {
		return s.uc.CreateHousehold(ctx, p, householdToDomain(req.GetHousehold()), req.GetHousehold().GetNationalId(), req.GetRequestId())
	}, householdToProto)
}

// GetHousehold implements the RPC.
func (s *Server) GetHousehold(ctx context.Context, req *registryv1.GetHouseholdRequest) (*registryv1.Household, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Household, error) { return s.uc.GetHousehold(ctx, p, req.GetName()) }, householdToProto)
}

// ListHouseholds implements the RPC.
func (s *Server) ListHouseholds(ctx context.Context, req *registryv1.ListHouseholdsRequest) (*registryv1.ListHouseholdsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Household], error) {
		return s.uc.ListHouseholds(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Household]) *registryv1.ListHouseholdsResponse {
		return &registryv1.ListHouseholdsResponse{Households: each(pg.Items, householdToProto), NextPageToken: pg.Next}
	})
}

// UpdateHousehold implements the RPC.
func (s *Server) UpdateHousehold(ctx context.Context, req *registryv1.UpdateHouseholdRequest) (*registryv1.Household, error) {
	in := req.GetHousehold()
	return serve(ctx, func(p auth.Principal) (*domain.Household, error) {
		u := usecase.Update[domain.Household]{Name: in.GetName(), Etag: in.GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Value: householdToDomain(in)}
		return s.uc.UpdateHousehold(ctx, p, u, in.GetNationalId())
	}, householdToProto)
}

// DeleteHousehold implements the RPC.
func (s *Server) DeleteHousehold(ctx context.Context, req *registryv1.DeleteHouseholdRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error { return s.uc.DeleteHousehold(ctx, p, req.GetName(), req.GetEtag()) })
}
