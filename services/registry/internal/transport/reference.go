package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateAuthority implements the RPC.
func (s *Server) CreateAuthority(ctx context.Context, req *registryv1.CreateAuthorityRequest) (*registryv1.Authority, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Authority, error) {
		return s.uc.CreateAuthority(ctx, p, authorityToDomain(req.GetAuthority()), req.GetRequestId())
	}, authorityToProto)
}

// GetAuthority implements the RPC.
func (s *Server) GetAuthority(ctx context.Context, req *registryv1.GetAuthorityRequest) (*registryv1.Authority, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Authority, error) { return s.uc.GetAuthority(ctx, p, req.GetName()) }, authorityToProto)
}

// ListAuthorities implements the RPC.
func (s *Server) ListAuthorities(ctx context.Context, req *registryv1.ListAuthoritiesRequest) (*registryv1.ListAuthoritiesResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Authority], error) {
		return s.uc.ListAuthorities(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Authority]) *registryv1.ListAuthoritiesResponse {
		return &registryv1.ListAuthoritiesResponse{Authorities: each(pg.Items, authorityToProto), NextPageToken: pg.Next}
	})
}

// GetAdminArea implements the RPC.
func (s *Server) GetAdminArea(ctx context.Context, req *registryv1.GetAdminAreaRequest) (*registryv1.AdminArea, error) {
	return serve(ctx, func(p auth.Principal) (*domain.AdminArea, error) { return s.uc.GetAdminArea(ctx, p, req.GetName()) }, areaToProto)
}

// ListAdminAreas implements the RPC.
func (s *Server) ListAdminAreas(ctx context.Context, req *registryv1.ListAdminAreasRequest) (*registryv1.ListAdminAreasResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.AdminArea], error) {
		return s.uc.ListAdminAreas(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.AdminArea]) *registryv1.ListAdminAreasResponse {
		return &registryv1.ListAdminAreasResponse{AdminAreas: each(pg.Items, areaToProto), NextPageToken: pg.Next}
	})
}

// GetProduct implements the RPC.
func (s *Server) GetProduct(ctx context.Context, req *registryv1.GetProductRequest) (*registryv1.Product, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Product, error) { return s.uc.GetProduct(ctx, p, req.GetName()) }, productToProto)
}

// ListProducts implements the RPC.
func (s *Server) ListProducts(ctx context.Context, req *registryv1.ListProductsRequest) (*registryv1.ListProductsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Product], error) {
		return s.uc.ListProducts(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Product]) *registryv1.ListProductsResponse {
		return &registryv1.ListProductsResponse{Products: each(pg.Items, productToProto), NextPageToken: pg.Next}
	})
}

// GetStandard implements the RPC.
func (s *Server) GetStandard(ctx context.Context, req *registryv1.GetStandardRequest) (*registryv1.Standard, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Standard, error) { return s.uc.GetStandard(ctx, p, req.GetName()) }, standardToProto)
}

// ListStandards implements the RPC.
func (s *Server) ListStandards(ctx context.Context, req *registryv1.ListStandardsRequest) (*registryv1.ListStandardsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Standard], error) {
		return s.uc.ListStandards(ctx, p, listInput(req, ""))
	}, func(pg usecase.Page[domain.Standard]) *registryv1.ListStandardsResponse {
		return &registryv1.ListStandardsResponse{Standards: each(pg.Items, standardToProto), NextPageToken: pg.Next}
	})
}
