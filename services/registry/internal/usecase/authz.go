package usecase

import (
	"context"
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// mayManageOrg: an operator, or a user/partner acting for the organisation.
func mayManageOrg(p auth.Principal, org string) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(org)
}

// mayManageKeys: operators and the organisation's own users (partners cannot mint keys).
func mayManageKeys(p auth.Principal, org string) bool {
	return p.Is(auth.RoleAdmin) || (p.Is(auth.RoleBusiness, auth.RoleProducer) && p.Organization == org)
}

// mayReadHousehold: operators and services; the household itself; officials of its commune
// or province; organisations it is an active member of.
func (r *Registry) mayReadHousehold(ctx context.Context, p auth.Principal, h *domain.Household) (bool, error) {
	switch p.Role {
	case auth.RoleAdmin, auth.RoleService:
		return true, nil
	case auth.RoleHousehold:
		return p.Household == householdName(h.ID), nil
	case auth.RoleCommuneOfficial:
		return p.AdminArea == h.CommuneCode, nil
	case auth.RoleProvinceOfficial:
		return p.AdminArea == h.ProvinceCode, nil
	case auth.RoleProducer, auth.RolePartner, auth.RoleBusiness:
		m, err := r.st.Memberships.Get(ctx, membershipID(p.Organization, householdName(h.ID)))
		if err != nil {
			return false, fmt.Errorf("authorize household: %w", err)
		}
		return m != nil && m.State == domain.StateActive, nil
	}
	return false, nil
}

// mayManageHousehold: operators; the household itself; producer organisations it belongs to.
func (r *Registry) mayManageHousehold(ctx context.Context, p auth.Principal, h *domain.Household) (bool, error) {
	switch p.Role {
	case auth.RoleAdmin:
		return true, nil
	case auth.RoleHousehold:
		return p.Household == householdName(h.ID), nil
	case auth.RoleProducer, auth.RolePartner:
		return r.mayReadHousehold(ctx, p, h)
	}
	return false, nil
}

// requireProducer refuses a caller that is not acting for a producer organisation.
func (r *Registry) requireProducer(ctx context.Context, p auth.Principal) error {
	if !p.Is(auth.RoleProducer, auth.RolePartner) {
		return apierr.PermissionDenied("only producer organisations and operators may do this")
	}
	o, err := r.st.Orgs.Get(ctx, strings.TrimPrefix(p.Organization, "organizations/"))
	if err != nil {
		return fmt.Errorf("get the caller's organisation: %w", err)
	}
	if o == nil || !o.IsProducer() {
		return apierr.PermissionDenied("the caller's organisation is not a producer organisation")
	}
	return nil
}

// mayReadMemberships: operators, services, the organisation itself, and the officials of the
// organisation's commune or province (whose contracts they witness and mediate).
func (r *Registry) mayReadMemberships(ctx context.Context, p auth.Principal, org string) (bool, error) {
	switch {
	case p.Privileged(), p.ActsFor(org):
		return true, nil
	case !p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial):
		return false, nil
	}
	o, err := r.st.Orgs.Get(ctx, strings.TrimPrefix(org, "organizations/"))
	if err != nil {
		return false, fmt.Errorf("get org: %w", err)
	}
	if o == nil {
		return false, nil
	}
	if p.Is(auth.RoleCommuneOfficial) {
		return p.AdminArea == o.Address.CommuneCode, nil
	}
	return p.AdminArea == o.Address.ProvinceCode, nil
}

// Contact details (the legal representative, the street line of the address) are shown to the
// organisation itself, operators and services, officials of its commune or province, and the
// parties of its contracts (recorded by the contracts service); name, kind, tax code and
// commune stay public to signed-in callers.

// withholdContacts clears the contact details of each organisation p may not see them for.
func (r *Registry) withholdContacts(ctx context.Context, p auth.Principal, orgs []*domain.Organization) error {
	var ask []string
	for _, o := range orgs {
		if !seesContact(p, o) {
			ask = append(ask, orgName(o.ID))
		}
	}
	if len(ask) == 0 {
		return nil
	}
	party := p.Organization
	if p.Is(auth.RoleHousehold) {
		party = p.Household
	}
	counter, err := r.st.Counterparties(ctx, party, ask)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if !seesContact(p, o) && !counter[orgName(o.ID)] {
			o.LegalRepresentative = domain.LegalRepresentative{}
			o.Address.Line = ""
			o.ContactWithheld = true
		}
	}
	return nil
}

func seesContact(p auth.Principal, o *domain.Organization) bool {
	switch {
	case p.Privileged(), p.ActsFor(orgName(o.ID)):
		return true
	case p.Is(auth.RoleCommuneOfficial):
		return p.AdminArea == o.Address.CommuneCode
	case p.Is(auth.RoleProvinceOfficial):
		return p.AdminArea == o.Address.ProvinceCode
	}
	return false
}
