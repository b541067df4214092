package transport

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// Registry is the registry service as the contracts service calls it (usecase.Registry): it
// turns what the registry says about a contract's parties into domain facts.
type Registry struct {
	c registryv1.RegistryServiceClient
}

// NewRegistry returns the registry client over cc.
func NewRegistry(cc grpc.ClientConnInterface) *Registry {
	return &Registry{c: registryv1.NewRegistryServiceClient(cc)}
}

// found reports whether a registry lookup succeeded; NOT_FOUND and malformed names are
// "absent" (the rules report them); anything else means the registry failed, and the error
// mapper tells an unreachable registry from the rest.
func found(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, err
}

// Facts asks the registry what the rules need to know about the terms' parties.
func (r *Registry) Facts(ctx context.Context, t domain.Terms) (domain.Facts, error) {
	f := domain.Facts{Households: map[string]domain.HouseholdFact{}}
	var err error
	if f.Buyer, err = r.organization(ctx, t.Buyer); err != nil {
		return f, err
	}
	if f.Producer, err = r.organization(ctx, t.Producer); err != nil {
		return f, err
	}
	if f.Witness, err = r.authority(ctx, t.WitnessAuthority); err != nil {
		return f, err
	}
	if f.Product, err = r.product(ctx, t.Product); err != nil {
		return f, err
	}
	if f.Standard, err = r.standard(ctx, t.QualityStandard); err != nil {
		return f, err
	}
	for _, a := range t.Allocations {
		if _, done := f.Households[a.Household]; done || a.Household == "" {
			continue
		}
		if f.Households[a.Household], err = r.household(ctx, a.Household, t.Producer); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (r *Registry) organization(ctx context.Context, name string) (*domain.OrgFact, error) {
	if name == "" {
		return nil, nil
	}
	o, err := r.c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.OrgFact{Kind: domainEnum(o.GetKind(), "KIND_"), State: domainEnum(o.GetState(), "STATE_"),
		CommuneCode: o.GetAddress().GetCommuneCode(), ProvinceCode: o.GetAddress().GetProvinceCode()}, nil
}

func (r *Registry) authority(ctx context.Context, name string) (*domain.AuthorityFact, error) {
	if name == "" {
		return nil, nil
	}
	a, err := r.c.GetAuthority(ctx, &registryv1.GetAuthorityRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.AuthorityFact{Kind: domainEnum(a.GetKind(), "KIND_"), AdminAreaCode: a.GetAdminAreaCode()}, nil
}

func (r *Registry) product(ctx context.Context, name string) (*domain.ProductFact, error) {
	if name == "" {
		return nil, nil
	}
	p, err := r.c.GetProduct(ctx, &registryv1.GetProductRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.ProductFact{Grades: p.GetGrades(), Unit: p.GetUnit()}, nil
}

func (r *Registry) standard(ctx context.Context, name string) (bool, error) {
	if name == "" {
		return false, nil
	}
	_, err := r.c.GetStandard(ctx, &registryv1.GetStandardRequest{Name: name})
	return found(err)
}

// household describes a household and its membership of producer.
func (r *Registry) household(ctx context.Context, name, producer string) (domain.HouseholdFact, error) {
	var hf domain.HouseholdFact
	h, err := r.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: name})
	if hf.Exists, err = found(err); err != nil || !hf.Exists {
		return hf, err
	}
	hf.Eligible = h.GetContractEligible()
	hf.Poverty = domainEnum(h.GetPovertyStatus(), "POVERTY_STATUS_")
	hf.EthnicMinority, hf.WomenHeaded, hf.ProvinceCode = h.GetEthnicMinority(), h.GetHeadGender() == registryv1.Gender_GENDER_FEMALE, h.GetProvinceCode()
	if producer == "" {
		return hf, nil
	}
	m, err := r.c.GetMembership(ctx, &registryv1.GetMembershipRequest{Name: producer + "/members/" + strings.TrimPrefix(name, "households/")})
	ok, err := found(err)
	if err != nil {
		return hf, err
	}
	hf.ActiveMember = ok && m.GetState() == registryv1.Membership_STATE_ACTIVE
	return hf, nil
}

// Area describes an administrative area (nil when the registry does not know it): a province
// lies in itself, anything else in the province above it.
func (r *Registry) Area(ctx context.Context, code string) (*domain.AreaFact, error) {
	a, err := r.c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	f := &domain.AreaFact{Level: domainEnum(a.GetLevel(), "LEVEL_"), ProvinceCode: strings.TrimPrefix(a.GetParentCode(), "adminAreas/")}
	if a.GetLevel() == registryv1.AdminArea_LEVEL_PROVINCE {
		f.ProvinceCode = a.GetCode()
	}
	return f, nil
}
