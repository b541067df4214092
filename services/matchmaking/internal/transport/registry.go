package transport

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
)

// registryClient is usecase.Registry over the registry's gRPC API.
type registryClient struct {
	c registryv1.RegistryServiceClient
}

// NewRegistry returns the registry client over conn.
func NewRegistry(conn grpc.ClientConnInterface) usecase.Registry {
	return registryClient{c: registryv1.NewRegistryServiceClient(conn)}
}

// found classifies a registry answer: found, absent (NOT_FOUND, or INVALID_ARGUMENT for a
// malformed name), or an error — returned as it is, for the error mapper to tell an
// unreachable registry from the rest.
func found(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, err
}

func (r registryClient) ProductExists(ctx context.Context, name string) (bool, error) {
	_, err := r.c.GetProduct(ctx, &registryv1.GetProductRequest{Name: name})
	return found(err)
}

func (r registryClient) Standard(ctx context.Context, name string) (*domain.Standard, error) {
	st, err := r.c.GetStandard(ctx, &registryv1.GetStandardRequest{Name: name})
	if ok, err := found(err); !ok {
		return nil, err
	}
	out := &domain.Standard{Name: st.GetName()}
	for _, x := range st.GetSatisfies() {
		out.Satisfies = append(out.Satisfies, "standards/"+strings.TrimPrefix(x, "standards/"))
	}
	return out, nil
}

func (r registryClient) AdminArea(ctx context.Context, code string) (*domain.AdminArea, error) {
	a, err := r.c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &domain.AdminArea{Code: a.GetCode(), Commune: a.GetLevel() == registryv1.AdminArea_LEVEL_COMMUNE, ParentCode: a.GetParentCode(),
		Latitude: a.GetLatitude(), Longitude: a.GetLongitude()}, nil
}

func (r registryClient) Organization(ctx context.Context, name string) (*domain.Organization, error) {
	o, err := r.c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &domain.Organization{Name: o.GetName(), Active: o.GetState() == registryv1.Organization_STATE_ACTIVE,
		Business: o.GetKind() == registryv1.Organization_KIND_BUSINESS, WomenLed: o.GetWomenLed(),
		CommuneCode: o.GetAddress().GetCommuneCode(), ProvinceCode: o.GetAddress().GetProvinceCode()}, nil
}

func (r registryClient) ActiveMember(ctx context.Context, org, household string) (bool, error) {
	m, err := r.c.GetMembership(ctx, &registryv1.GetMembershipRequest{Name: org + "/members/" + strings.TrimPrefix(household, "households/")})
	if ok, err := found(err); !ok {
		return false, err
	}
	return m.GetState() == registryv1.Membership_STATE_ACTIVE, nil
}

func (r registryClient) Household(ctx context.Context, name string) (*domain.Household, error) {
	h, err := r.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: name})
	if ok, err := found(err); !ok {
		return nil, err
	}
	ps := h.GetPovertyStatus()
	return &domain.Household{Name: h.GetName(), EthnicMinority: h.GetEthnicMinority(),
		PoorOrNearPoor: ps == registryv1.PovertyStatus_POVERTY_STATUS_POOR || ps == registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR}, nil
}

func (r registryClient) CommuneAuthority(ctx context.Context, code string) (string, error) {
	list, err := r.c.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: fmt.Sprintf(`admin_area_code = %q AND kind = "KIND_COMMUNE_PEOPLES_COMMITTEE"`, code), PageSize: 1})
	if err != nil {
		return "", err
	}
	if len(list.GetAuthorities()) == 0 {
		return "", nil
	}
	return list.GetAuthorities()[0].GetName(), nil
}

// certificationPage is how many certifications of one producer are read.
const certificationPage = 500

func (r registryClient) Certifications(ctx context.Context, org string) ([]domain.Certification, error) {
	res, err := r.c.ListCertifications(ctx, &registryv1.ListCertificationsRequest{Parent: org, Filter: `state = "STATE_RECORDED"`, PageSize: certificationPage})
	if ok, err := found(err); !ok {
		return nil, err
	}
	out := make([]domain.Certification, 0, len(res.GetCertifications()))
	for _, c := range res.GetCertifications() {
		out = append(out, domain.Certification{Standard: "standards/" + strings.TrimPrefix(c.GetStandard(), "standards/"), Products: c.GetProducts(),
			ValidFrom: c.GetValidFrom(), ValidUntil: c.GetValidUntil()})
	}
	return out, nil
}
