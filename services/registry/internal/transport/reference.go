package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// CreateAuthority implements the RPC (operators).
func (s *Server) CreateAuthority(ctx context.Context, req *registryv1.CreateAuthorityRequest) (*registryv1.Authority, error) {
	p, err := auth.RequireRole(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	in := req.GetAuthority()
	if in == nil {
		v.Add("authority", "REQUIRED", "is required")
		return nil, v.Err()
	}
	a := &domain.Authority{Kind: enumName(in.GetKind().String(), "KIND_"), DisplayName: in.GetDisplayName(), AdminAreaCode: in.GetAdminAreaCode()}
	domain.ValidateAuthority(&v, s.ref, "authority", a)
	if err := v.Err(); err != nil {
		return nil, err
	}
	a.ID = aip.IDForRequest("CreateAuthority\x00"+p.Subject, req.GetRequestId())
	a.CreateTime, a.Version = s.now().UTC(), 1
	stored, _, err := s.st.Authorities.Insert(ctx, a.ID, a)
	if err != nil {
		return nil, s.internal(ctx, "insert authority", err)
	}
	return authorityToProto(stored), nil
}

// GetAuthority implements the RPC.
func (s *Server) GetAuthority(ctx context.Context, req *registryv1.GetAuthorityRequest) (*registryv1.Authority, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	ids, err := aip.ParseName("name", req.GetName(), "authorities")
	if err != nil {
		return nil, err
	}
	a, err := s.st.Authorities.Get(ctx, ids[0])
	if err != nil {
		return nil, s.internal(ctx, "get authority", err)
	}
	if a == nil {
		return nil, apierr.NotFound(req.GetName())
	}
	return authorityToProto(a), nil
}

// ListAuthorities implements the RPC.
func (s *Server) ListAuthorities(ctx context.Context, req *registryv1.ListAuthoritiesRequest) (*registryv1.ListAuthoritiesResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "kind", "admin_area_code")
	if err != nil {
		return nil, err
	}
	f := conds(cs, map[string]string{"kind": "kind", "admin_area_code": "admin_area_code"}, map[string]string{"kind": "KIND_"})
	items, next, err := page(ctx, s, s.st.Authorities, "authorities\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(a *domain.Authority) string { return a.ID })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListAuthoritiesResponse{NextPageToken: next}
	for i := range items {
		resp.Authorities = append(resp.Authorities, authorityToProto(&items[i]))
	}
	return resp, nil
}

// GetAdminArea implements the RPC.
func (s *Server) GetAdminArea(ctx context.Context, req *registryv1.GetAdminAreaRequest) (*registryv1.AdminArea, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	ids, err := aip.ParseName("name", req.GetName(), "adminAreas")
	if err != nil {
		return nil, err
	}
	a, ok := s.ref.AdminArea(ids[0])
	if !ok {
		return nil, apierr.NotFound(req.GetName())
	}
	return areaToProto(&a), nil
}

// ListAdminAreas implements the RPC.
func (s *Server) ListAdminAreas(ctx context.Context, req *registryv1.ListAdminAreasRequest) (*registryv1.ListAdminAreasResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "level", "parent_code")
	if err != nil {
		return nil, err
	}
	f := conds(cs, map[string]string{"level": "level", "parent_code": "parent_code"}, map[string]string{"level": "LEVEL_"})
	items, next, err := page(ctx, s, s.st.Areas, "areas\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(a *domain.AdminArea) string { return a.Code })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListAdminAreasResponse{NextPageToken: next}
	for i := range items {
		resp.AdminAreas = append(resp.AdminAreas, areaToProto(&items[i]))
	}
	return resp, nil
}

// GetProduct implements the RPC.
func (s *Server) GetProduct(ctx context.Context, req *registryv1.GetProductRequest) (*registryv1.Product, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	ids, err := aip.ParseName("name", req.GetName(), "products")
	if err != nil {
		return nil, err
	}
	p, ok := s.ref.Product(ids[0])
	if !ok {
		return nil, apierr.NotFound(req.GetName())
	}
	return productToProto(&p), nil
}

// ListProducts implements the RPC.
func (s *Server) ListProducts(ctx context.Context, req *registryv1.ListProductsRequest) (*registryv1.ListProductsResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "category")
	if err != nil {
		return nil, err
	}
	f := conds(cs, map[string]string{"category": "category"}, map[string]string{"category": "PRODUCT_CATEGORY_"})
	items, next, err := page(ctx, s, s.st.Products, "products\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(p *domain.Product) string { return p.Code })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListProductsResponse{NextPageToken: next}
	for i := range items {
		resp.Products = append(resp.Products, productToProto(&items[i]))
	}
	return resp, nil
}

// GetStandard implements the RPC.
func (s *Server) GetStandard(ctx context.Context, req *registryv1.GetStandardRequest) (*registryv1.Standard, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	ids, err := aip.ParseName("name", req.GetName(), "standards")
	if err != nil {
		return nil, err
	}
	st, ok := s.ref.Standard(ids[0])
	if !ok {
		return nil, apierr.NotFound(req.GetName())
	}
	return standardToProto(&st), nil
}

// ListStandards implements the RPC.
func (s *Server) ListStandards(ctx context.Context, req *registryv1.ListStandardsRequest) (*registryv1.ListStandardsResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	items, next, err := page(ctx, s, s.st.Standards, "standards", nil, req.GetPageSize(), req.GetPageToken(), func(st *domain.Standard) string { return st.Code })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListStandardsResponse{NextPageToken: next}
	for i := range items {
		resp.Standards = append(resp.Standards, standardToProto(&items[i]))
	}
	return resp, nil
}
