package transport

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

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
	var plots []string
	for _, a := range t.Allocations {
		plots = append(plots, a.Plots...)
		if _, done := f.Households[a.Household]; done || a.Household == "" {
			continue
		}
		if f.Households[a.Household], err = r.household(ctx, a.Household, t.Producer); err != nil {
			return f, err
		}
	}
	f.Plots, err = r.Plots(ctx, plots)
	return f, err
}

// Plots describes the named plots the registry knows.
func (r *Registry) Plots(ctx context.Context, names []string) (map[string]domain.PlotFact, error) {
	out := map[string]domain.PlotFact{}
	for _, name := range names {
		if _, done := out[name]; done {
			continue
		}
		p, err := r.c.GetPlot(ctx, &registryv1.GetPlotRequest{Name: name})
		if ok, err := found(err); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		geometry, err := protojson.Marshal(p.GetGeometry())
		if err != nil {
			return nil, err
		}
		household, _, _ := strings.Cut(p.GetName(), "/plots/")
		out[name] = domain.PlotFact{Name: p.GetName(), Household: household, Products: p.GetProducts(), AreaHa: p.GetAreaHa(),
			DeclaredAreaHa: p.GetDeclaredAreaHa(), CommuneCode: p.GetCommuneCode(), Geometry: string(geometry)}
	}
	return out, nil
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

// RecordParties tells the registry who is party to contract.
func (r *Registry) RecordParties(ctx context.Context, contract string, parties []string) error {
	_, err := r.c.RecordContractParties(ctx, &registryv1.RecordContractPartiesRequest{Contract: contract, Parties: parties})
	return err
}

// Names asks the registry how a contract's parties, product and the households listed are
// named on its documents (usecase.Directory). A party the registry does not know keeps its
// resource name on the document; an unreachable registry is an error.
func (r *Registry) Names(ctx context.Context, t domain.Terms, households []string) (domain.Names, error) {
	n := domain.Names{Households: map[string]domain.HouseholdNames{}}
	areas := map[string]string{}
	var err error
	if n.Buyer, err = r.orgNames(ctx, t.Buyer, areas); err != nil {
		return n, err
	}
	if n.Producer, err = r.orgNames(ctx, t.Producer, areas); err != nil {
		return n, err
	}
	if a, err := r.c.GetAuthority(ctx, &registryv1.GetAuthorityRequest{Name: t.WitnessAuthority}); err == nil {
		n.Witness.DisplayName = a.GetDisplayName()
	} else if err = absent(err); err != nil {
		return n, err
	}
	if p, err := r.c.GetProduct(ctx, &registryv1.GetProductRequest{Name: t.Product}); err == nil {
		n.Product = domain.ProductNames{VI: p.GetNameVi(), EN: p.GetNameEn(), Unit: p.GetUnit()}
	} else if err = absent(err); err != nil {
		return n, err
	}
	if st, err := r.c.GetStandard(ctx, &registryv1.GetStandardRequest{Name: t.QualityStandard}); err == nil {
		n.Standard = st.GetDisplayName()
	} else if err = absent(err); err != nil {
		return n, err
	}
	return n, r.householdNames(ctx, households, n.Households)
}

// householdNames names households (head and village) into out.
func (r *Registry) householdNames(ctx context.Context, households []string, out map[string]domain.HouseholdNames) error {
	for _, name := range households {
		h, err := r.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: name})
		if err != nil {
			if err = absent(err); err != nil {
				return err
			}
			continue
		}
		out[name] = domain.HouseholdNames{HeadName: h.GetHeadName(), Village: h.GetVillage()}
	}
	return nil
}

// absent turns "not there" (NOT_FOUND, a malformed name) into nil and passes every other
// failure on.
func absent(err error) error {
	_, err = found(err)
	return err
}

// orgNames names an organisation with its address (line, commune, province).
func (r *Registry) orgNames(ctx context.Context, name string, areas map[string]string) (domain.OrgNames, error) {
	o, err := r.c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if err != nil {
		return domain.OrgNames{}, absent(err)
	}
	addr := []string{o.GetAddress().GetLine()}
	for _, code := range []string{o.GetAddress().GetCommuneCode(), o.GetAddress().GetProvinceCode()} {
		a, err := r.areaName(ctx, code, areas)
		if err != nil {
			return domain.OrgNames{}, err
		}
		addr = append(addr, a)
	}
	return domain.OrgNames{
		DisplayName: o.GetDisplayName(), TaxCode: o.GetTaxCode(), Address: joinNonEmpty(addr, ", "),
		Representative: o.GetLegalRepresentative().GetName(), Position: o.GetLegalRepresentative().GetPosition(),
	}, nil
}

// areaName is the display name of an administrative area (remembered in areas).
func (r *Registry) areaName(ctx context.Context, code string, areas map[string]string) (string, error) {
	if code == "" {
		return "", nil
	}
	if n, seen := areas[code]; seen {
		return n, nil
	}
	a, err := r.c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if err != nil {
		return "", absent(err)
	}
	areas[code] = a.GetDisplayName()
	return areas[code], nil
}

func joinNonEmpty(parts []string, sep string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
