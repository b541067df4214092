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

// GetOrganization returns an organisation to any authenticated caller (organisations are
// public business information), its contact details only to those who may see them
// (withholdContacts).
func (r *Registry) GetOrganization(ctx context.Context, p auth.Principal, name string) (*domain.Organization, error) {
	o, err := r.getOrg(ctx, "name", name)
	if err != nil {
		return nil, err
	}
	return o, r.withholdContacts(ctx, p, []*domain.Organization{o})
}

// organizationKinds are the kinds of organisation.
var organizationKinds = []string{domain.KindBusiness, domain.KindCooperative, domain.KindUnionOfCooperatives, domain.KindCooperativeGroup, domain.KindProductionGroup}

// ListOrganizations lists organisations (filter: kind, commune_code, province_code, state, and
// name: the start of any word of the display name, without diacritics), their contact details
// only to those who may see them. Every caller lists those of an area (commune_code or
// province_code =); the whole country's are an export for operators and services, and a name
// is searched within a scope.
func (r *Registry) ListOrganizations(ctx context.Context, p auth.Principal, in ListInput) (Page[domain.Organization], error) {
	cs, where, err := filter(in.Filter, map[string]enum{"kind": {"KIND_", organizationKinds},
		"state": {"STATE_", []string{domain.StateActive, domain.StateSuspended}}}, "kind", "commune_code", "province_code", "state", "name")
	if err != nil {
		return Page[domain.Organization]{}, err
	}
	if err := aip.RequireEquality(selects(cs), "kind", "commune_code", "province_code", "state"); err != nil {
		return Page[domain.Organization]{}, err
	}
	if !p.Privileged() {
		if err := aip.RequireScope(cs, "commune_code", "province_code"); err != nil {
			return Page[domain.Organization]{}, err
		}
	}
	pg, err := page(in, "orgs\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Organization, bool, error) { return r.st.Orgs.List(ctx, where, pg) },
		func(o *domain.Organization) string { return o.ID })
	if err != nil {
		return pg, err
	}
	orgs := make([]*domain.Organization, len(pg.Items))
	for i := range pg.Items {
		orgs[i] = &pg.Items[i]
	}
	return pg, r.withholdContacts(ctx, p, orgs)
}

// RecordContractParties records who is party to a contract (the contracts service, which
// alone knows): its organisations and households then see each other's contact details.
func (r *Registry) RecordContractParties(ctx context.Context, p auth.Principal, contract string, parties []string) error {
	if err := requireRole(p, auth.RoleService); err != nil {
		return err
	}
	var v apierr.Violations
	if _, err := aip.ParseName("contract", contract, "contracts"); err != nil {
		return err
	}
	v.Check(len(parties) > 0 && len(parties) <= domain.MaxContractParties, "parties", "MAX_ITEMS", "1 to %d parties", domain.MaxContractParties)
	for i, name := range parties {
		_, errOrg := aip.ParseName("", name, "organizations")
		_, errHH := aip.ParseName("", name, "households")
		v.Check(errOrg == nil || errHH == nil, fmt.Sprintf("parties[%d]", i), "RESOURCE_NAME", "must be organizations/{id} or households/{id}")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return r.st.RecordContractParties(ctx, contract, parties, r.now().UTC())
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
