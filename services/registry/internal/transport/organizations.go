package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateOrganization implements the RPC.
func (s *Server) CreateOrganization(ctx context.Context, req *registryv1.CreateOrganizationRequest) (*registryv1.Organization, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Organization, error) {
		return s.uc.CreateOrganization(ctx, p, orgToDomain(req.GetOrganization()), req.GetRequestId())
	}, orgToProto)
}

// GetOrganization implements the RPC.
func (s *Server) GetOrganization(ctx context.Context, req *registryv1.GetOrganizationRequest) (*registryv1.Organization, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Organization, error) {
		return s.uc.GetOrganization(ctx, p, req.GetName())
	}, orgToProto)
}

// ListOrganizations implements the RPC.
func (s *Server) ListOrganizations(ctx context.Context, req *registryv1.ListOrganizationsRequest) (*registryv1.ListOrganizationsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Organization], error) {
		return s.uc.ListOrganizations(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Organization]) *registryv1.ListOrganizationsResponse {
		return &registryv1.ListOrganizationsResponse{Organizations: each(pg.Items, orgToProto), NextPageToken: pg.Next}
	})
}

// UpdateOrganization implements the RPC.
func (s *Server) UpdateOrganization(ctx context.Context, req *registryv1.UpdateOrganizationRequest) (*registryv1.Organization, error) {
	in := req.GetOrganization()
	return serve(ctx, func(p auth.Principal) (*domain.Organization, error) {
		return s.uc.UpdateOrganization(ctx, p, update(in, req.GetUpdateMask(), orgToDomain(in)))
	}, orgToProto)
}

// DeleteOrganization implements the RPC.
func (s *Server) DeleteOrganization(ctx context.Context, req *registryv1.DeleteOrganizationRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error { return s.uc.DeleteOrganization(ctx, p, req.GetName(), req.GetEtag()) })
}

// RecordContractParties implements the RPC.
func (s *Server) RecordContractParties(ctx context.Context, req *registryv1.RecordContractPartiesRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error {
		return s.uc.RecordContractParties(ctx, p, req.GetContract(), req.GetParties())
	})
}
