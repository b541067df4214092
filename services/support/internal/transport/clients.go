package transport

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// found reports whether a lookup in another service succeeded; NOT_FOUND and a malformed name
// mean "absent" (the rules report it); anything else is returned (the error mapper tells an
// unreachable service from the rest).
func found(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, err
}

// Registry asks the registry what the support rules need (usecase.Registry).
type Registry struct {
	c registryv1.RegistryServiceClient
}

// NewRegistry returns the registry client over a connection made with the service's own
// credentials.
func NewRegistry(cc grpc.ClientConnInterface) *Registry {
	return &Registry{c: registryv1.NewRegistryServiceClient(cc)}
}

// Organization implements usecase.Registry.
func (r *Registry) Organization(ctx context.Context, name string) (*domain.OrgFact, error) {
	o, err := r.c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.OrgFact{Kind: protoenum.Name(o.GetKind(), "KIND_"), State: protoenum.Name(o.GetState(), "STATE_"), NonProfit: o.GetNonProfitOrSocialEnterprise(),
		CommuneCode: o.GetAddress().GetCommuneCode(), ProvinceCode: o.GetAddress().GetProvinceCode()}, nil
}

// Authority implements usecase.Registry.
func (r *Registry) Authority(ctx context.Context, name string) (*domain.AuthorityFact, error) {
	a, err := r.c.GetAuthority(ctx, &registryv1.GetAuthorityRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.AuthorityFact{Kind: protoenum.Name(a.GetKind(), "KIND_"), AreaCode: a.GetAdminAreaCode()}, nil
}

// Area implements usecase.Registry: a province lies in itself, anything else in its parent.
func (r *Registry) Area(ctx context.Context, code string) (*domain.AreaFact, error) {
	a, err := r.c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	f := &domain.AreaFact{Level: protoenum.Name(a.GetLevel(), "LEVEL_"), ProvinceCode: strings.TrimPrefix(a.GetParentCode(), "adminAreas/")}
	if a.GetLevel() == registryv1.AdminArea_LEVEL_PROVINCE {
		f.ProvinceCode = a.GetCode()
	}
	return f, nil
}

// Household implements usecase.Registry.
func (r *Registry) Household(ctx context.Context, name string) (*domain.Participant, error) {
	h, err := r.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	return &domain.Participant{Household: name, Poverty: protoenum.Name(h.GetPovertyStatus(), "POVERTY_STATUS_"),
		EthnicMinority: h.GetEthnicMinority(), WomenHeaded: h.GetHeadGender() == registryv1.Gender_GENDER_FEMALE}, nil
}

// ActiveMembers implements usecase.Registry.
func (r *Registry) ActiveMembers(ctx context.Context, org string, limit int) ([]string, error) {
	var out []string
	req := &registryv1.ListMembershipsRequest{Parent: org, PageSize: 500, Filter: `state = "STATE_ACTIVE"`}
	for {
		resp, err := r.c.ListMemberships(ctx, req)
		if ok, err := found(err); !ok || err != nil {
			return nil, err
		}
		for _, m := range resp.GetMemberships() {
			out = append(out, m.GetHousehold())
		}
		if len(out) > limit {
			return nil, apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("%s has more than %d members", org, limit), nil)
		}
		if resp.GetNextPageToken() == "" {
			return out, nil
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// ProductExists implements usecase.Registry.
func (r *Registry) ProductExists(ctx context.Context, name string) (bool, error) {
	_, err := r.c.GetProduct(ctx, &registryv1.GetProductRequest{Name: name})
	return found(err)
}

// Contracts asks the contracts service about linked contracts (usecase.Contracts).
type Contracts struct {
	c contractsv1.ContractsServiceClient
}

// NewContracts returns the contracts client over a connection made with the service's own
// credentials.
func NewContracts(cc grpc.ClientConnInterface) *Contracts {
	return &Contracts{c: contractsv1.NewContractsServiceClient(cc)}
}

// Contract implements usecase.Contracts.
func (k *Contracts) Contract(ctx context.Context, name string) (*domain.ContractFact, error) {
	c, err := k.c.GetContract(ctx, &contractsv1.GetContractRequest{Name: name})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	t := c.GetTerms()
	f := &domain.ContractFact{Buyer: t.GetBuyer(), Producer: t.GetProducer(), Product: t.GetProduct(), State: protoenum.Name(c.GetState(), "CONTRACT_STATE_"),
		ProducerCommune: c.GetProducerCommuneCode(), Witnessed: c.GetWitness().GetWitnessTime() != nil && c.GetWitness().GetRejectionReason() == ""}
	for _, a := range t.GetAllocations() {
		f.Households = append(f.Households, a.GetHousehold())
	}
	return f, nil
}

// Settlement implements usecase.Contracts: the per-household lines of the settlement statement.
func (k *Contracts) Settlement(ctx context.Context, name string) ([]domain.SettlementLine, error) {
	st, err := k.c.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: name + "/settlement"})
	if ok, err := found(err); !ok || err != nil {
		return nil, err
	}
	out := make([]domain.SettlementLine, 0, len(st.GetHouseholds()))
	for _, l := range st.GetHouseholds() {
		out = append(out, domain.SettlementLine{Household: l.GetHousehold(), Contracted: l.GetContractedQuantity(), Accepted: l.GetAcceptedQuantity(),
			Gross: l.GetGrossVnd(), Paid: l.GetPaidVnd(), Balance: l.GetBalanceVnd()})
	}
	return out, nil
}
