package transport

import (
	"context"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// found reports whether a registry lookup succeeded; NOT_FOUND and malformed names are
// "absent" (the rules report them); anything else means the registry is unavailable.
func found(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, err // the error mapper tells an unreachable registry from the rest
}

func enum(s, prefix string) string { return enumName(s, prefix) }

// gatherFacts asks the registry what the rules need to know about the terms' parties.
func (s *Server) gatherFacts(ctx context.Context, t domain.Terms) (domain.Facts, error) {
	f := domain.Facts{Households: map[string]domain.HouseholdFact{}}
	org := func(name string) (*domain.OrgFact, error) {
		if name == "" {
			return nil, nil
		}
		o, err := s.registry.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
		if ok, err := found(err); !ok || err != nil {
			return nil, err
		}
		return &domain.OrgFact{Kind: enum(o.GetKind().String(), "KIND_"), State: enum(o.GetState().String(), "STATE_"), CommuneCode: o.GetAddress().GetCommuneCode(), ProvinceCode: o.GetAddress().GetProvinceCode()}, nil
	}
	var err error
	if f.Buyer, err = org(t.Buyer); err != nil {
		return f, err
	}
	if f.Producer, err = org(t.Producer); err != nil {
		return f, err
	}
	if t.WitnessAuthority != "" {
		a, err := s.registry.GetAuthority(ctx, &registryv1.GetAuthorityRequest{Name: t.WitnessAuthority})
		if ok, err := found(err); err != nil {
			return f, err
		} else if ok {
			f.Witness = &domain.AuthorityFact{Kind: enum(a.GetKind().String(), "KIND_"), AdminAreaCode: a.GetAdminAreaCode()}
		}
	}
	if t.Product != "" {
		p, err := s.registry.GetProduct(ctx, &registryv1.GetProductRequest{Name: t.Product})
		if ok, err := found(err); err != nil {
			return f, err
		} else if ok {
			f.Product = &domain.ProductFact{Grades: p.GetGrades(), Unit: p.GetUnit()}
		}
	}
	if t.QualityStandard != "" {
		_, err := s.registry.GetStandard(ctx, &registryv1.GetStandardRequest{Name: t.QualityStandard})
		if f.Standard, err = found(err); err != nil {
			return f, err
		}
	}
	for _, a := range t.Allocations {
		if _, done := f.Households[a.Household]; done || a.Household == "" {
			continue
		}
		var hf domain.HouseholdFact
		h, err := s.registry.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: a.Household})
		if hf.Exists, err = found(err); err != nil {
			return f, err
		}
		if hf.Exists {
			hf.Eligible = h.GetContractEligible()
			hf.Poverty = enum(h.GetPovertyStatus().String(), "POVERTY_STATUS_")
			if t.Producer != "" {
				id := strings.TrimPrefix(a.Household, "households/")
				m, err := s.registry.GetMembership(ctx, &registryv1.GetMembershipRequest{Name: t.Producer + "/members/" + id})
				ok, err := found(err)
				if err != nil {
					return f, err
				}
				hf.ActiveMember = ok && m.GetState() == registryv1.Membership_STATE_ACTIVE
			}
		}
		f.Households[a.Household] = hf
	}
	return f, nil
}
