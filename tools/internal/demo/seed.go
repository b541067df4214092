package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// Seeded names what Seed created or found: the resource name of every key, and of every
// person (by username).
type Seeded struct {
	Names  map[string]string
	People map[string]string
	// Offer is the cooperative's open demo offer.
	Offer string
}

// seeder calls the registry as the demo's operator; every create carries a fixed request_id, so
// running it again returns the records of the first run instead of making new ones.
type seeder struct {
	reg        registryv1.RegistryServiceClient
	mm         matchmakingv1.MatchmakingServiceClient
	admin, svc grpc.CallOption
	issuer     *auth.Issuer
	oidcIssuer string
	out        Seeded
}

// SeedSubject is the subject of the operator token the seed runs with; the idempotency of its
// creates is scoped to it.
const SeedSubject = "users/lienket-demo-seed"

// Seed creates the demo records through the APIs, idempotently: organisations, People's
// Committees, households and their memberships, an open offer of the cooperative, and the demo
// people with their OpenID identity (oidcIssuer + subject) and grants. issuer mints the
// operator and service tokens it calls with (the development issuer's key).
func Seed(ctx context.Context, registry, matchmaking grpc.ClientConnInterface, issuer *auth.Issuer, oidcIssuer string) (Seeded, error) {
	admin, err := issuer.Mint(auth.Principal{Subject: SeedSubject, Role: auth.RoleAdmin}, 10*time.Minute)
	if err != nil {
		return Seeded{}, err
	}
	svc, err := issuer.Mint(auth.Principal{Subject: "services/lienket-demo-seed", Role: auth.RoleService}, 10*time.Minute)
	if err != nil {
		return Seeded{}, err
	}
	s := &seeder{
		reg: registryv1.NewRegistryServiceClient(registry), mm: matchmakingv1.NewMatchmakingServiceClient(matchmaking),
		admin: grpc.PerRPCCredentials(auth.TokenCredentials(admin)), svc: grpc.PerRPCCredentials(auth.TokenCredentials(svc)),
		issuer: issuer, oidcIssuer: oidcIssuer, out: Seeded{Names: map[string]string{}, People: map[string]string{}},
	}
	for _, step := range []func(context.Context) error{s.orgs, s.authorities, s.households, s.offer, s.people} {
		if err := step(ctx); err != nil {
			return s.out, err
		}
	}
	return s.out, nil
}

func (s *seeder) orgs(ctx context.Context) error {
	for _, o := range Orgs {
		org, err := s.reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{RequestId: "demo-org-" + o.Key, Organization: &registryv1.Organization{
			Kind: o.Kind, DisplayName: o.DisplayName, TaxCode: taxcode.From(o.TaxPrefix), WomenLed: o.WomenLed,
			Address: &registryv1.Address{Line: o.Line, CommuneCode: o.Commune}, LegalRepresentative: o.Rep,
		}}, s.admin)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.DisplayName, err)
		}
		s.out.Names[o.Key] = org.GetName()
	}
	return nil
}

// authorities finds each People's Committee by its area (one per area), creating it if missing.
func (s *seeder) authorities(ctx context.Context) error {
	for _, a := range Authorities {
		found, err := s.reg.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: fmt.Sprintf("admin_area_code = %q", a.Area)}, s.admin)
		if err != nil {
			return fmt.Errorf("authorities of %s: %w", a.Area, err)
		}
		name := ""
		for _, f := range found.GetAuthorities() {
			if f.GetKind() == a.Kind {
				name = f.GetName()
				break
			}
		}
		if name == "" {
			created, err := s.reg.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{RequestId: "demo-authority-" + a.Key, Authority: &registryv1.Authority{Kind: a.Kind, DisplayName: a.DisplayName, AdminAreaCode: a.Area}}, s.admin)
			if err != nil {
				return fmt.Errorf("authority %s: %w", a.DisplayName, err)
			}
			name = created.GetName()
		}
		s.out.Names[a.Key] = name
	}
	return nil
}

func (s *seeder) households(ctx context.Context) error {
	coop := s.out.Names[Cooperative]
	for _, h := range Households {
		hh, err := s.reg.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{RequestId: "demo-household-" + h.Key, Household: &registryv1.Household{
			HeadName: h.Head, HeadGender: h.Gender, MemberCount: h.Members, EthnicGroup: h.Ethnic, PovertyStatus: h.Poverty, PovertyStatusYear: 2025,
			CommuneCode: Commune, Village: h.Village, Phone: h.Phone,
			CultivatedAreas: []*registryv1.CultivatedArea{{Product: "cinnamon-bark", AreaM2: 10_000}},
			Consent:         &registryv1.DataConsent{ConsentDate: "2026-01-10", Purpose: "Hợp đồng liên kết tiêu thụ quế"},
		}}, s.admin)
		if err != nil {
			return fmt.Errorf("household %s: %w", h.Head, err)
		}
		s.out.Names[h.Key] = hh.GetName()
		if _, err := s.reg.CreateMembership(ctx, &registryv1.CreateMembershipRequest{RequestId: "demo-member-" + h.Key, Parent: coop, Membership: &registryv1.Membership{Household: hh.GetName(), JoinDate: "2025-03-01"}}, s.admin); err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("membership of %s: %w", h.Head, err)
		}
	}
	return nil
}

// offer posts the cooperative's demo offer of cinnamon bark, as the cooperative.
func (s *seeder) offer(ctx context.Context) error {
	coop := s.out.Names[Cooperative]
	tok, err := s.issuer.Mint(auth.Principal{Subject: SeedSubject, Role: auth.RoleProducer, Organization: coop}, 10*time.Minute)
	if err != nil {
		return err
	}
	var hs []string
	for _, h := range Households {
		hs = append(hs, s.out.Names[h.Key])
	}
	year := time.Now().Year() + 1
	// The cooperative holds VietGAP for cinnamon bark, recorded by an operator: the offer may
	// claim it.
	if _, err := s.reg.CreateCertification(ctx, &registryv1.CreateCertificationRequest{RequestId: "demo-cert-vietgap", Parent: coop, Certification: &registryv1.CertificationRecord{
		Standard: "standards/VIETGAP", Number: "VietGAP-TT-15-01-0042", Issuer: "Trung tâm Chứng nhận Phù hợp (QUACERT)", Products: []string{"cinnamon-bark"},
		ValidFrom: fmt.Sprintf("%d-01-01", year-1), ValidUntil: fmt.Sprintf("%d-12-31", year+1)}}, s.admin); err != nil {
		return fmt.Errorf("certification: %w", err)
	}
	o, err := s.mm.CreateOffer(ctx, &matchmakingv1.CreateOfferRequest{RequestId: "demo-offer-1", Offer: &matchmakingv1.Offer{
		Producer: coop, Product: "products/cinnamon-bark", Quantity: 6000, MinPriceVnd: 40_000, Households: hs,
		Certifications: []string{"standards/VIETGAP"},
		HarvestWindow:  &typesv1.DateWindow{StartDate: fmt.Sprintf("%d-05-01", year), EndDate: fmt.Sprintf("%d-09-30", year)},
	}}, grpc.PerRPCCredentials(auth.TokenCredentials(tok)))
	if err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	s.out.Offer = o.GetName()
	return nil
}

func (s *seeder) people(ctx context.Context) error {
	for _, p := range People {
		u, err := s.person(ctx, p)
		if err != nil {
			return fmt.Errorf("person %s: %w", p.Username, err)
		}
		s.out.People[p.Username] = u.GetName()
		for i, g := range p.Grants {
			grant := &registryv1.Grant{Role: g.Role, Administrator: g.Administrator}
			switch g.Role {
			case registryv1.Grant_ROLE_BUSINESS, registryv1.Grant_ROLE_PRODUCER:
				grant.Organization = s.out.Names[g.On]
			case registryv1.Grant_ROLE_HOUSEHOLD:
				grant.Household = s.out.Names[g.On]
			case registryv1.Grant_ROLE_COMMUNE_OFFICIAL, registryv1.Grant_ROLE_PROVINCE_OFFICIAL:
				grant.Authority = s.out.Names[g.On]
			}
			if _, err := s.reg.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.GetName(), RequestId: fmt.Sprintf("demo-grant-%s-%d", p.Username, i), Grant: grant}, s.admin); err != nil {
				return fmt.Errorf("grant %d of %s: %w", i, p.Username, err)
			}
		}
	}
	return nil
}

// person finds the person bound to the demo identity, or registers them. A person registered
// by an earlier run under another provider issuer gets this issuer's identity added.
func (s *seeder) person(ctx context.Context, p Person) (*registryv1.User, error) {
	id := &registryv1.Identity{Issuer: s.oidcIssuer, Subject: p.Subject}
	u, err := s.reg.LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: id}, s.svc)
	if err == nil {
		return u, nil
	}
	if status.Code(err) != codes.NotFound {
		return nil, err
	}
	u, err = s.reg.CreateUser(ctx, &registryv1.CreateUserRequest{RequestId: "demo-user-" + p.Username, User: &registryv1.User{
		DisplayName: p.Name, Phone: p.Phone, Email: p.Email, Identities: []*registryv1.Identity{id},
	}}, s.admin)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(u.GetIdentities(), func(x *registryv1.Identity) bool { return x.GetIssuer() == id.Issuer && x.GetSubject() == id.Subject }) {
		return u, nil
	}
	u.Identities = append(u.Identities, id)
	return s.reg.UpdateUser(ctx, &registryv1.UpdateUserRequest{User: &registryv1.User{Name: u.GetName(), Etag: u.GetEtag(), Identities: u.GetIdentities()}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"identities"}}}, s.admin)
}
