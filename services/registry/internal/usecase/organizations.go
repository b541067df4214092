package usecase

import (
	"context"
	"fmt"
	"slices"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// CreateOrganization registers an organisation (operators only); o nil means the request had
// none. A retry with the same request id returns the first result.
func (r *Registry) CreateOrganization(ctx context.Context, p auth.Principal, o *domain.Organization, requestID string) (*domain.Organization, error) {
	if err := requireRole(p, auth.RoleAdmin); err != nil {
		return nil, err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("organization", o != nil) {
		return nil, v.Err()
	}
	if o.State == "" {
		o.State = domain.StateActive
	}
	domain.ValidateOrganization(&v, r.ref, "organization", o)
	if err := v.Err(); err != nil {
		return nil, err
	}
	o.ID = aip.IDForRequest("CreateOrganization\x00"+p.Subject, requestID)
	return createUnique(ctx, r, r.st.Orgs, r.taxCodes(), o.ID, one(o.TaxCode), o)
}

func (r *Registry) getOrg(ctx context.Context, field, name string) (*domain.Organization, error) {
	return get(ctx, r.st.Orgs, field, name, "organizations")
}

// GetOrganization returns an organisation to any authenticated caller: organisations are
// public business information.
func (r *Registry) GetOrganization(ctx context.Context, _ auth.Principal, name string) (*domain.Organization, error) {
	return r.getOrg(ctx, "name", name)
}

// organizationKinds are the kinds of organisation.
var organizationKinds = []string{domain.KindBusiness, domain.KindCooperative, domain.KindUnionOfCooperatives, domain.KindCooperativeGroup, domain.KindProductionGroup}

// ListOrganizations lists organisations (filter: kind, commune_code, province_code, state).
// Every caller lists those of an area (commune_code or province_code =); the whole country's
// are an export for operators and services.
func (r *Registry) ListOrganizations(ctx context.Context, p auth.Principal, in ListInput) (Page[domain.Organization], error) {
	cs, where, err := filter(in.Filter, map[string]enum{"kind": {"KIND_", organizationKinds},
		"state": {"STATE_", []string{domain.StateActive, domain.StateSuspended}}}, "kind", "commune_code", "province_code", "state")
	if err != nil {
		return Page[domain.Organization]{}, err
	}
	if err := aip.RequireEquality(cs, "kind", "commune_code", "province_code", "state"); err != nil {
		return Page[domain.Organization]{}, err
	}
	if !p.Privileged() {
		if err := aip.RequireScope(cs, "commune_code", "province_code"); err != nil {
			return Page[domain.Organization]{}, err
		}
	}
	return page(in, "orgs\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Organization, bool, error) { return r.st.Orgs.List(ctx, where, pg) },
		func(o *domain.Organization) string { return o.ID })
}

// UpdateOrganization changes an organisation: operators, or the organisation's own users (who
// may not change its state).
func (r *Registry) UpdateOrganization(ctx context.Context, p auth.Principal, u Update[domain.Organization]) (*domain.Organization, error) {
	if u.Value == nil {
		return nil, apierr.Field("organization", "REQUIRED", "is required")
	}
	o, err := r.getOrg(ctx, "organization.name", u.Name)
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, u.Name) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may update it")
	}
	if err := aip.CheckEtag("organization.etag", u.Etag, o.Version, u.Name); err != nil {
		return nil, err
	}
	if slices.Contains(u.Paths, "state") && !p.Is(auth.RoleAdmin) {
		return nil, apierr.PermissionDenied("only operators may change an organisation's state")
	}
	oldTax := o.TaxCode
	var v apierr.Violations
	domain.OrganizationMask.Apply(&v, o, u.Value, u.Paths)
	domain.ValidateOrganization(&v, r.ref, "organization", o)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := saveUnique(ctx, r, r.st.Orgs, r.taxCodes(), o.ID, one(oldTax), one(o.TaxCode), o, u.Name); err != nil {
		return nil, err
	}
	return o, nil
}

// DeleteOrganization removes an organisation (operators); one with members cannot be deleted —
// suspend it instead.
func (r *Registry) DeleteOrganization(ctx context.Context, p auth.Principal, name, etag string) error {
	if err := requireRole(p, auth.RoleAdmin); err != nil {
		return err
	}
	o, err := r.getOrg(ctx, "name", name)
	if err != nil {
		return err
	}
	if err := aip.CheckEtag("etag", etag, o.Version, name); err != nil {
		return err
	}
	members, err := r.st.Memberships.Any(ctx, storage.Eq("organization", name))
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	if members {
		return apierr.FailedPrecondition("ORGANIZATION_HAS_MEMBERS", name+" still has members; remove them or suspend the organisation", nil)
	}
	if err := remove(ctx, r.st.Orgs, o.ID, o.Version, name); err != nil {
		return err
	}
	r.release(ctx, r.taxCodes(), one(o.TaxCode), o.ID)
	return nil
}
