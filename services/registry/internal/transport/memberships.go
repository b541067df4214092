package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateMembership implements the RPC.
func (s *Server) CreateMembership(ctx context.Context, req *registryv1.CreateMembershipRequest) (*registryv1.Membership, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Membership, error) {
		return s.uc.CreateMembership(ctx, p, req.GetParent(), membershipToDomain(req.GetMembership()), req.GetRequestId())
	}, membershipToProto)
}

// GetMembership implements the RPC.
func (s *Server) GetMembership(ctx context.Context, req *registryv1.GetMembershipRequest) (*registryv1.Membership, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Membership, error) { return s.uc.GetMembership(ctx, p, req.GetName()) }, membershipToProto)
}

// ListMemberships implements the RPC.
func (s *Server) ListMemberships(ctx context.Context, req *registryv1.ListMembershipsRequest) (*registryv1.ListMembershipsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Membership], error) {
		return s.uc.ListMemberships(ctx, p, req.GetParent(), listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Membership]) *registryv1.ListMembershipsResponse {
		return &registryv1.ListMembershipsResponse{Memberships: each(pg.Items, membershipToProto), NextPageToken: pg.Next}
	})
}

// UpdateMembership implements the RPC.
func (s *Server) UpdateMembership(ctx context.Context, req *registryv1.UpdateMembershipRequest) (*registryv1.Membership, error) {
	in := req.GetMembership()
	return serve(ctx, func(p auth.Principal) (*domain.Membership, error) {
		return s.uc.UpdateMembership(ctx, p, usecase.Update[domain.Membership]{Name: in.GetName(), Etag: in.GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Value: membershipToDomain(in)})
	}, membershipToProto)
}

// DeleteMembership implements the RPC.
func (s *Server) DeleteMembership(ctx context.Context, req *registryv1.DeleteMembershipRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error { return s.uc.DeleteMembership(ctx, p, req.GetName(), req.GetEtag()) })
}
