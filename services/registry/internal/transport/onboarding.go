package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// BatchCreateHouseholds implements the RPC.
func (s *Server) BatchCreateHouseholds(ctx context.Context, req *registryv1.BatchCreateHouseholdsRequest) (*registryv1.BatchCreateHouseholdsResponse, error) {
	items := make([]usecase.HouseholdItem, len(req.GetRequests()))
	for i, r := range req.GetRequests() {
		items[i] = usecase.HouseholdItem{Household: householdToDomain(r.GetHousehold()), NationalID: r.GetHousehold().GetNationalId(), RequestID: r.GetRequestId()}
	}
	return serve(ctx, func(p auth.Principal) ([]domain.Household, error) {
		return s.uc.BatchCreateHouseholds(ctx, p, items, req.GetRequestId())
	}, func(hs []domain.Household) *registryv1.BatchCreateHouseholdsResponse {
		return &registryv1.BatchCreateHouseholdsResponse{Households: each(hs, householdToProto)}
	})
}

// BatchCreateMemberships implements the RPC.
func (s *Server) BatchCreateMemberships(ctx context.Context, req *registryv1.BatchCreateMembershipsRequest) (*registryv1.BatchCreateMembershipsResponse, error) {
	items := make([]usecase.MembershipItem, len(req.GetRequests()))
	for i, r := range req.GetRequests() {
		items[i] = usecase.MembershipItem{Membership: membershipToDomain(r.GetMembership()), Parent: r.GetParent(), RequestID: r.GetRequestId()}
	}
	return serve(ctx, func(p auth.Principal) ([]domain.Membership, error) {
		return s.uc.BatchCreateMemberships(ctx, p, req.GetParent(), items, req.GetRequestId())
	}, func(ms []domain.Membership) *registryv1.BatchCreateMembershipsResponse {
		return &registryv1.BatchCreateMembershipsResponse{Memberships: each(ms, membershipToProto)}
	})
}
