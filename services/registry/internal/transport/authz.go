package transport

import (
	"context"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// mayManageOrg: an operator, or a user/partner acting for the organisation.
func mayManageOrg(p auth.Principal, org string) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(org)
}

// mayReadHousehold: operators and services; the household itself; officials of its commune
// or province; organisations it is an active member of.
func (s *Server) mayReadHousehold(ctx context.Context, p auth.Principal, h *domain.Household) (bool, error) {
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
		m, err := s.st.Memberships.Get(ctx, membershipID(p.Organization, householdName(h.ID)))
		if err != nil {
			return false, err
		}
		return m != nil && m.State == domain.StateActive, nil
	}
	return false, nil
}

// mayManageHousehold: operators; the household itself; producer organisations it belongs to.
func (s *Server) mayManageHousehold(ctx context.Context, p auth.Principal, h *domain.Household) (bool, error) {
	switch p.Role {
	case auth.RoleAdmin:
		return true, nil
	case auth.RoleHousehold:
		return p.Household == householdName(h.ID), nil
	case auth.RoleProducer, auth.RolePartner:
		return s.mayReadHousehold(ctx, p, h)
	}
	return false, nil
}

// producerOrg returns the caller's organisation if it is a producer organisation.
func (s *Server) producerOrg(ctx context.Context, p auth.Principal) (*domain.Organization, error) {
	if !p.Is(auth.RoleProducer, auth.RolePartner) {
		return nil, apierr.PermissionDenied("only producer organisations and operators may do this")
	}
	o, err := s.st.Orgs.Get(ctx, strings.TrimPrefix(p.Organization, "organizations/"))
	if err != nil {
		return nil, s.internal(ctx, "get org", err)
	}
	if o == nil || !o.IsProducer() {
		return nil, apierr.PermissionDenied("the caller's organisation is not a producer organisation")
	}
	return o, nil
}

func membershipID(org, household string) string {
	return strings.TrimPrefix(org, "organizations/") + "/" + strings.TrimPrefix(household, "households/")
}
