package transport

import (
	"context"
	"strings"

	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// CreateOrganization implements the RPC (operators only).
func (s *Server) CreateOrganization(ctx context.Context, req *registryv1.CreateOrganizationRequest) (*registryv1.Organization, error) {
	p, err := auth.RequireRole(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if req.GetOrganization() == nil {
		v.Add("organization", "REQUIRED", "is required")
		return nil, v.Err()
	}
	o := orgToDomain(req.GetOrganization())
	if o.State == "" {
		o.State = domain.StateActive
	}
	domain.ValidateOrganization(&v, s.ref, "organization", o)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	o.ID = aip.IDForRequest("CreateOrganization\x00"+p.Subject, req.GetRequestId())
	o.CreateTime, o.UpdateTime, o.Version = now, now, 1
	var stored *domain.Organization
	if err := s.changeUnique(ctx, o.ID, "", o.TaxCode, s.taxCode, func() (err error) {
		if stored, _, err = s.st.Orgs.Insert(ctx, o.ID, o); err != nil {
			return s.internal(ctx, "insert org", err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return orgToProto(stored), nil
}

func (s *Server) getOrg(ctx context.Context, field, name string) (*domain.Organization, error) {
	ids, err := aip.ParseName(field, name, "organizations")
	if err != nil {
		return nil, err
	}
	o, err := s.st.Orgs.Get(ctx, ids[0])
	if err != nil {
		return nil, s.internal(ctx, "get org", err)
	}
	if o == nil {
		return nil, apierr.NotFound(name)
	}
	return o, nil
}

// GetOrganization implements the RPC (any authenticated caller: organisations are public
// business information).
func (s *Server) GetOrganization(ctx context.Context, req *registryv1.GetOrganizationRequest) (*registryv1.Organization, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	o, err := s.getOrg(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	return orgToProto(o), nil
}

var orgFilterFields = map[string]string{"kind": "kind", "commune_code": "address.commune_code", "province_code": "address.province_code", "state": "state"}

// ListOrganizations implements the RPC.
func (s *Server) ListOrganizations(ctx context.Context, req *registryv1.ListOrganizationsRequest) (*registryv1.ListOrganizationsResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "kind", "commune_code", "province_code", "state")
	if err != nil {
		return nil, err
	}
	items, next, err := page(ctx, s, s.st.Orgs, "orgs\x00"+aip.String(cs), conds(cs, orgFilterFields, map[string]string{"kind": "KIND_", "state": "STATE_"}), req.GetPageSize(), req.GetPageToken(), func(o *domain.Organization) string { return o.ID })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListOrganizationsResponse{NextPageToken: next}
	for i := range items {
		resp.Organizations = append(resp.Organizations, orgToProto(&items[i]))
	}
	return resp, nil
}

// UpdateOrganization implements the RPC: operators, or the organisation's own users (who may
// not change its state).
func (s *Server) UpdateOrganization(ctx context.Context, req *registryv1.UpdateOrganizationRequest) (*registryv1.Organization, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetOrganization()
	if in == nil {
		return nil, apierr.Field("organization", "REQUIRED", "is required")
	}
	o, err := s.getOrg(ctx, "organization.name", in.GetName())
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, in.GetName()) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may update it")
	}
	if err := aip.CheckEtag("organization.etag", in.GetEtag(), o.Version, in.GetName()); err != nil {
		return nil, err
	}
	src := orgToDomain(in)
	oldTax := o.TaxCode
	var v apierr.Violations
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		switch {
		case path == "display_name":
			o.DisplayName = src.DisplayName
		case path == "tax_code":
			o.TaxCode = src.TaxCode
		case path == "address" || strings.HasPrefix(path, "address."):
			o.Address = src.Address
		case path == "legal_representative" || strings.HasPrefix(path, "legal_representative."):
			o.LegalRepresentative = src.LegalRepresentative
		case path == "women_led":
			o.WomenLed = src.WomenLed
		case path == "non_profit_or_social_enterprise":
			o.NonProfitOrSocialEnterprise = src.NonProfitOrSocialEnterprise
		case path == "certifications":
			o.Certifications = src.Certifications
		case path == "state":
			if !p.Is(auth.RoleAdmin) {
				return nil, apierr.PermissionDenied("only operators may change an organisation's state")
			}
			o.State = src.State
		case path == "kind":
			v.Add("update_mask", "IMMUTABLE", "kind cannot be changed")
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or output-only field %q", path)
		}
	}
	domain.ValidateOrganization(&v, s.ref, "organization", o)
	if err := v.Err(); err != nil {
		return nil, err
	}
	prev := o.Version
	o.Version++
	o.UpdateTime = s.now().UTC()
	if err := s.changeUnique(ctx, o.ID, oldTax, o.TaxCode, s.taxCode, func() error {
		ok, err := s.st.Orgs.Replace(ctx, o.ID, prev, o)
		if err != nil {
			return s.internal(ctx, "replace org", err)
		}
		if !ok {
			return apierr.EtagMismatch(in.GetName())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return orgToProto(o), nil
}

// DeleteOrganization implements the RPC (operators; an organisation with members cannot be
// deleted — suspend it instead).
func (s *Server) DeleteOrganization(ctx context.Context, req *registryv1.DeleteOrganizationRequest) (*emptypb.Empty, error) {
	if _, err := auth.RequireRole(ctx, auth.RoleAdmin); err != nil {
		return nil, err
	}
	o, err := s.getOrg(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := aip.CheckEtag("etag", req.GetEtag(), o.Version, req.GetName()); err != nil {
		return nil, err
	}
	members, _, err := s.st.Memberships.List(ctx, bsonEq("organization", req.GetName()), "", 1)
	if err != nil {
		return nil, s.internal(ctx, "list members", err)
	}
	if len(members) > 0 {
		return nil, apierr.FailedPrecondition("ORGANIZATION_HAS_MEMBERS", req.GetName()+" still has members; remove them or suspend the organisation", nil)
	}
	ok, err := s.st.Orgs.Delete(ctx, o.ID, o.Version)
	if err != nil {
		return nil, s.internal(ctx, "delete org", err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(req.GetName())
	}
	if o.TaxCode != "" {
		s.release(ctx, s.taxCode(o.TaxCode).key, o.ID)
	}
	return &emptypb.Empty{}, nil
}
