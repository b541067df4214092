package transport_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/taxcode"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type env struct {
	a    *testkit.Auth
	addr string
}

func start(t *testing.T) *env {
	t.Helper()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	addr := testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, app.Register(context.Background(), s, testkit.Deps(t, a, "registry", db), app.LoadConfig(config.FromMap(nil))))
	})
	return &env{a: a, addr: addr}
}

func (e *env) client(t *testing.T, p auth.Principal) registryv1.RegistryServiceClient {
	return registryv1.NewRegistryServiceClient(testkit.Dial(t, e.addr, e.a.Token(t, p)))
}

var admin = auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}

var taxSeq atomic.Int64

// freshTaxCode returns a valid tax code not handed out before: tax codes are unique across
// organisations.
func freshTaxCode() string { return taxcode.From(10_000_000 + 11*taxSeq.Add(1)) }

func coop(name, commune string) *registryv1.Organization {
	return &registryv1.Organization{
		Kind: registryv1.Organization_KIND_COOPERATIVE, DisplayName: name, TaxCode: freshTaxCode(),
		Address:             &registryv1.Address{Line: "Thôn 3", CommuneCode: commune},
		LegalRepresentative: &registryv1.LegalRepresentative{Name: "Hoàng Văn Sơn", Position: "Giám đốc", Phone: "0912 345 678"},
		WomenLed:            true,
	}
}

func household(commune string) *registryv1.Household {
	return &registryv1.Household{
		HeadName: "Triệu Thị Mai", HeadGender: registryv1.Gender_GENDER_FEMALE, MemberCount: 5, EthnicGroup: "Dao",
		PovertyStatus: registryv1.PovertyStatus_POVERTY_STATUS_POOR, PovertyStatusYear: 2025, CommuneCode: commune,
		Phone: "0389123456", NationalId: "001203004567",
		CultivatedAreas: []*registryv1.CultivatedArea{{Product: "cinnamon-bark", AreaM2: 12000}},
		Consent:         &registryv1.DataConsent{ConsentDate: "2026-03-01", Purpose: "Liên kết tiêu thụ quế"},
	}
}

func TestReferenceData(t *testing.T) {
	e := start(t)
	c := e.client(t, auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/x"})
	ctx := context.Background()
	p, err := c.GetProduct(ctx, &registryv1.GetProductRequest{Name: "products/cinnamon-bark"})
	require.NoError(t, err)
	require.Equal(t, "Vỏ quế", p.NameVi)
	require.Equal(t, registryv1.ProductCategory_PRODUCT_CATEGORY_FORESTRY, p.Category)
	a, err := c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.ChauQue})
	require.NoError(t, err)
	require.Equal(t, "Xã Châu Quế", a.DisplayName)
	require.Equal(t, "Chau Que Commune", a.EnglishName)
	require.Equal(t, registryv1.AdminArea_KIND_COMMUNE, a.Kind)
	require.Equal(t, places.LaoCai, a.ParentCode)
	require.InDelta(t, 22.02, a.Latitude, 0.01)
	require.InDelta(t, 162.08, a.AreaKm2, 0.01)
	communes, err := c.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: `level = "LEVEL_COMMUNE" AND parent_code = "` + places.LaoCai + `"`, PageSize: 500})
	require.NoError(t, err)
	require.Len(t, communes.AdminAreas, 99, "Lào Cai's communes after its 2025 merger with Yên Bái")
	provinces, err := c.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: `level=PROVINCE`, PageSize: 100})
	require.NoError(t, err)
	require.Len(t, provinces.AdminAreas, 34)
	names := []string{}
	for _, p := range provinces.AdminAreas {
		names = append(names, p.DisplayName)
	}
	for _, want := range []string{"Thành phố Hà Nội", "Tỉnh Lào Cai", "Tỉnh Tuyên Quang", "Tỉnh Hà Tĩnh", "Tỉnh Đồng Tháp", "Thành phố Hồ Chí Minh"} {
		require.Contains(t, names, want)
	}
	total, token := 0, ""
	for {
		pg, err := c.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: `level = "LEVEL_COMMUNE"`, PageSize: 500, PageToken: token})
		require.NoError(t, err)
		total += len(pg.AdminAreas)
		if token = pg.NextPageToken; token == "" {
			break
		}
	}
	require.Equal(t, 3321, total)
	retired, err := c.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: `retired = true`})
	require.NoError(t, err)
	require.Empty(t, retired.AdminAreas)
	_, err = c.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: `retired = maybe`})
	requireRule(t, err, "filter", "FILTER_VALUE")
	st, err := c.GetStandard(ctx, &registryv1.GetStandardRequest{Name: "standards/GLOBALGAP"})
	require.NoError(t, err)
	require.Equal(t, []string{"VIETGAP"}, st.Satisfies)
	_, err = c.GetProduct(ctx, &registryv1.GetProductRequest{Name: "products/unobtainium"})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = c.GetProduct(ctx, &registryv1.GetProductRequest{Name: "products/../x"})
	requireRule(t, err, "name", "RESOURCE_NAME")
}

func TestOrganizationLifecycle(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)

	o, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Quế Châu Quế", places.ChauQue), RequestId: "org-1"})
	require.NoError(t, err)
	require.Equal(t, places.LaoCai, o.Address.ProvinceCode)
	require.Equal(t, "+84912345678", o.LegalRepresentative.Phone)
	require.Equal(t, registryv1.Organization_STATE_ACTIVE, o.State)

	// Idempotent retry returns the first result, even with a different body.
	again, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("Other name", places.ChauQue), RequestId: "org-1"})
	require.NoError(t, err)
	require.Equal(t, o.Name, again.Name)
	require.Equal(t, "HTX Quế Châu Quế", again.DisplayName)

	// Concurrent retries with one request_id create one organisation.
	var wg sync.WaitGroup
	names := make([]string, 10)
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("Race", places.DongCuong), RequestId: "race"})
			if err == nil {
				names[i] = r.Name
			}
		}()
	}
	wg.Wait()
	for _, n := range names {
		require.Equal(t, names[0], n)
	}

	// Update with the current etag, then a stale etag → ABORTED.
	upd := &registryv1.Organization{Name: o.Name, DisplayName: "HTX Quế hữu cơ Châu Quế", Etag: o.Etag}
	o2, err := c.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: upd, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	require.NoError(t, err)
	require.Equal(t, "HTX Quế hữu cơ Châu Quế", o2.DisplayName)
	require.NotEqual(t, o.Etag, o2.Etag)
	_, err = c.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: upd, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	requireStatus(t, err, codes.Aborted, "ETAG_MISMATCH")
	require.Equal(t, "ETAG_MISMATCH", apierr.Reason(err))
	_, err = c.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: o.Name, Kind: registryv1.Organization_KIND_BUSINESS}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"kind"}}})
	requireRule(t, err, "update_mask", "IMMUTABLE")

	// The organisation's own user may update it but not its state; other organisations may not.
	own := e.client(t, auth.Principal{Subject: "users/coop", Role: auth.RoleProducer, Organization: o.Name})
	_, err = own.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: o.Name, WomenLed: false}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"women_led"}}})
	require.NoError(t, err)
	_, err = own.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: o.Name, State: registryv1.Organization_STATE_SUSPENDED}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"state"}}})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	other := e.client(t, auth.Principal{Subject: "users/x", Role: auth.RoleBusiness, Organization: "organizations/someone-else"})
	_, err = other.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: o.Name, DisplayName: "hijack"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = other.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("x", places.ChauQue)})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	// Delete with etag.
	got, err := c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: o.Name})
	require.NoError(t, err)
	_, err = c.DeleteOrganization(ctx, &registryv1.DeleteOrganizationRequest{Name: o.Name, Etag: o.Etag})
	requireStatus(t, err, codes.Aborted, "ETAG_MISMATCH")
	_, err = c.DeleteOrganization(ctx, &registryv1.DeleteOrganizationRequest{Name: o.Name, Etag: got.Etag})
	require.NoError(t, err)
	_, err = c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: o.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
}

func TestValidationWritesNothing(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	for name, tc := range map[string]struct {
		mut         func(*registryv1.Organization)
		field, rule string
	}{
		"tax checksum":  {func(o *registryv1.Organization) { o.TaxCode = "0100109107" }, "organization.tax_code", "TAX_CODE_CHECKSUM"},
		"tax format":    {func(o *registryv1.Organization) { o.TaxCode = "01001091" }, "organization.tax_code", "TAX_CODE_FORMAT"},
		"tax required":  {func(o *registryv1.Organization) { o.TaxCode = "" }, "organization.tax_code", "TAX_CODE_REQUIRED"},
		"phone":         {func(o *registryv1.Organization) { o.LegalRepresentative.Phone = "+1 555" }, "organization.legal_representative.phone", "PHONE_FORMAT"},
		"commune":       {func(o *registryv1.Organization) { o.Address.CommuneCode = "00000" }, "organization.address.commune_code", "ADMIN_AREA_EXISTS"},
		"commune level": {func(o *registryv1.Organization) { o.Address.CommuneCode = places.LaoCai }, "organization.address.commune_code", "ADMIN_AREA_LEVEL"},
		"unknown enum":  {func(o *registryv1.Organization) { o.Kind = 42 }, "organization.kind", "ENUM_VALUE"},
		"no kind":       {func(o *registryv1.Organization) { o.Kind = 0 }, "organization.kind", "ENUM_VALUE"},
		"long name":     {func(o *registryv1.Organization) { o.DisplayName = strings.Repeat("Q", 201) }, "organization.display_name", "MAX_LENGTH"},
		"certification": {func(o *registryv1.Organization) { o.Certifications = []*registryv1.Certification{{Standard: "NOPE"}} }, "organization.certifications[0].standard", "STANDARD_EXISTS"},
	} {
		o := coop("HTX", places.ChauQue)
		tc.mut(o)
		_, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: o})
		requireRule(t, err, tc.field, tc.rule, name)
	}
	_, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("x", places.ChauQue), RequestId: "bad id with spaces"})
	requireRule(t, err, "request_id", "REQUEST_ID")
	list, err := c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{})
	require.NoError(t, err)
	require.Empty(t, list.Organizations, "nothing was written")

	hh := household(places.ChauQue)
	hh.NationalId = "12AB"
	hh.EthnicGroup = "Hobbit"
	hh.MemberCount = -3
	_, err = c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: hh})
	requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
	fields := map[string]string{}
	for _, fv := range apierr.FieldViolations(err) {
		fields[fv.Field] = fv.Reason
	}
	require.Equal(t, map[string]string{"household.national_id": "NATIONAL_ID_FORMAT", "household.ethnic_group": "ETHNIC_GROUP", "household.member_count": "RANGE"}, fields)
	require.NotContains(t, err.Error(), "12AB")
	hs, err := c.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{})
	require.NoError(t, err)
	require.Empty(t, hs.Households)

	_, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: `password = "x"`})
	requireRule(t, err, "filter", "FILTER_SYNTAX")
	_, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{PageSize: -1})
	requireRule(t, err, "page_size", "PAGE_SIZE")
}

func TestPagingAndFilters(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	for i := 0; i < 7; i++ {
		o := coop(fmt.Sprintf("HTX %d", i), places.ChauQue)
		if i%2 == 1 {
			o.Address.CommuneCode = places.TanCuong // Thái Nguyên
		}
		_, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: o})
		require.NoError(t, err)
	}
	biz := coop("Công ty Quế Việt", places.SaiGon)
	biz.Kind = registryv1.Organization_KIND_BUSINESS
	_, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: biz})
	require.NoError(t, err)

	seen := map[string]bool{}
	token, pages := "", 0
	for {
		r, err := c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{PageSize: 2, PageToken: token, Filter: `kind = "KIND_COOPERATIVE"`})
		require.NoError(t, err)
		pages++
		for _, o := range r.Organizations {
			require.False(t, seen[o.Name], "no duplicates across pages")
			seen[o.Name] = true
		}
		if token = r.NextPageToken; token == "" {
			break
		}
	}
	require.Len(t, seen, 7)
	require.Equal(t, 4, pages)

	r, err := c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{PageSize: 2, Filter: `province_code = "` + places.ThaiNguyen + `"`})
	require.NoError(t, err)
	require.Len(t, r.Organizations, 2)
	_, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{PageSize: 2, PageToken: r.NextPageToken, Filter: `province_code = "` + places.LaoCai + `"`})
	requireRule(t, err, "page_token", "PAGE_TOKEN", "token is bound to its filter")
	r, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: `commune_code = "` + places.SaiGon + `" AND kind = "KIND_BUSINESS"`})
	require.NoError(t, err)
	require.Len(t, r.Organizations, 1)
}

func TestHouseholdsMembershipsAndPrivacy(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX A", places.ChauQue)})
	require.NoError(t, err)
	org2, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX B", places.DongCuong)})
	require.NoError(t, err)
	bizIn := coop("Công ty", places.SaiGon)
	bizIn.Kind = registryv1.Organization_KIND_BUSINESS
	biz, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: bizIn})
	require.NoError(t, err)

	producer := e.client(t, auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: org.Name})
	h, err := producer.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue), RequestId: "hh-1"})
	require.NoError(t, err)
	require.Empty(t, h.NationalId, "national ID is never returned")
	require.Equal(t, "4567", h.NationalIdLast4)
	require.True(t, h.EthnicMinority)
	require.True(t, h.ContractEligible)
	require.Equal(t, "+84389123456", h.Phone)

	// Same national ID again → conflict; the number never appears in the error.
	_, err = c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	requireStatus(t, err, codes.AlreadyExists, "NATIONAL_ID_REGISTERED")
	require.NotContains(t, err.Error(), "001203004567")

	// Businesses cannot register households.
	_, err = e.client(t, auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: biz.Name}).CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	// Before membership the producer cannot see the household (not found, no leak).
	_, err = producer.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	m, err := producer.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name, JoinDate: "2024-01-15"}, RequestId: "m-1"})
	require.NoError(t, err)
	require.Equal(t, org.Name+"/members/"+strings.TrimPrefix(h.Name, "households/"), m.Name)
	m2, err := producer.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name}, RequestId: "m-1"})
	require.NoError(t, err, "retry")
	require.Equal(t, m.Name, m2.Name)
	_, err = producer.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name}})
	requireStatus(t, err, codes.AlreadyExists, "RESOURCE_EXISTS")
	_, err = producer.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org2.Name, Membership: &registryv1.Membership{Household: h.Name}})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "another organisation's members")
	_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: biz.Name, Membership: &registryv1.Membership{Household: h.Name}})
	requireRule(t, err, "parent", "PRODUCER_ORGANIZATION", "businesses have no member households")
	_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org2.Name, Membership: &registryv1.Membership{Household: h.Name, Role: registryv1.Membership_ROLE_LEADER}})
	require.NoError(t, err, "a household can belong to several organisations")

	got, err := producer.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	require.NoError(t, err)
	require.Equal(t, h.HeadName, got.HeadName)

	mine, err := producer.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: `organization = "` + org.Name + `"`})
	require.NoError(t, err)
	require.Len(t, mine.Households, 1)
	_, err = producer.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = producer.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: `organization = "` + org2.Name + `"`})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	orgs, err := e.client(t, auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: h.Name}).ListMemberships(ctx, &registryv1.ListMembershipsRequest{Parent: h.Name})
	require.NoError(t, err)
	require.Len(t, orgs.Memberships, 2)

	official := e.client(t, auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	poor, err := official.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: `poverty_status = "POVERTY_STATUS_POOR"`})
	require.NoError(t, err)
	require.Len(t, poor.Households, 1)
	otherOfficial := e.client(t, auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong})
	none, err := otherOfficial.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{})
	require.NoError(t, err)
	require.Empty(t, none.Households, "officials see only their commune")
	_, err = otherOfficial.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")

	// The household withdraws consent: no longer eligible for contracts.
	self := e.client(t, auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: h.Name})
	upd, err := self.UpdateHousehold(ctx, &registryv1.UpdateHouseholdRequest{Household: &registryv1.Household{Name: h.Name, Etag: got.Etag}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"consent"}}})
	require.NoError(t, err)
	require.False(t, upd.ContractEligible)

	// Deleting a household with memberships is refused; remove memberships first.
	_, err = c.DeleteHousehold(ctx, &registryv1.DeleteHouseholdRequest{Name: h.Name})
	requireStatus(t, err, codes.FailedPrecondition, "HOUSEHOLD_HAS_MEMBERSHIPS")
}

func TestAuthoritiesAndAPIKeys(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	a, err := c.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: "UBND xã Châu Quế", AdminAreaCode: places.ChauQue}})
	require.NoError(t, err)
	_, err = c.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE, DisplayName: "UBND tỉnh", AdminAreaCode: places.ChauQue}})
	requireRule(t, err, "authority.admin_area_code", "ADMIN_AREA_LEVEL", "a province committee must govern a province")
	list, err := c.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: `admin_area_code = "` + places.ChauQue + `" AND kind = "KIND_COMMUNE_PEOPLES_COMMITTEE"`})
	require.NoError(t, err)
	require.Len(t, list.Authorities, 1)
	require.Equal(t, a.Name, list.Authorities[0].Name)

	bizIn := coop("Công ty Quế Việt", places.SaiGon)
	bizIn.Kind = registryv1.Organization_KIND_BUSINESS
	biz, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: bizIn})
	require.NoError(t, err)
	owner := e.client(t, auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: biz.Name})
	k, err := owner.CreateApiKey(ctx, &registryv1.CreateApiKeyRequest{Parent: biz.Name, ApiKey: &registryv1.ApiKey{DisplayName: "ERP"}, RequestId: "k1"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(k.Secret, "lk_"+k.ApiKey.Prefix+"_"))
	retry, err := owner.CreateApiKey(ctx, &registryv1.CreateApiKeyRequest{Parent: biz.Name, ApiKey: &registryv1.ApiKey{DisplayName: "ERP"}, RequestId: "k1"})
	require.NoError(t, err)
	require.Equal(t, k.ApiKey.Name, retry.ApiKey.Name)
	require.Empty(t, retry.Secret, "the secret is shown once")

	keys, err := owner.ListApiKeys(ctx, &registryv1.ListApiKeysRequest{Parent: biz.Name})
	require.NoError(t, err)
	require.Len(t, keys.ApiKeys, 1)

	gateway := e.client(t, auth.Principal{Subject: "services/gateway", Role: auth.RoleService})
	v, err := gateway.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: k.Secret})
	require.NoError(t, err)
	require.Equal(t, biz.Name, v.Organization)
	_, err = gateway.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: k.Secret + "x"})
	requireStatus(t, err, codes.Unauthenticated, "UNAUTHENTICATED")
	_, err = owner.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: k.Secret})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "only the gateway verifies keys")

	partner := e.client(t, auth.Principal{Subject: "apiKeys/x", Role: auth.RolePartner, Organization: biz.Name})
	_, err = partner.CreateApiKey(ctx, &registryv1.CreateApiKeyRequest{Parent: biz.Name, ApiKey: &registryv1.ApiKey{DisplayName: "more"}})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "partner keys cannot mint keys")

	_, err = owner.RevokeApiKey(ctx, &registryv1.RevokeApiKeyRequest{Name: k.ApiKey.Name})
	require.NoError(t, err)
	_, err = gateway.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: k.Secret})
	requireStatus(t, err, codes.Unauthenticated, "UNAUTHENTICATED", "revoked")
}

func TestUnauthenticated(t *testing.T) {
	e := start(t)
	c := registryv1.NewRegistryServiceClient(testkit.Dial(t, e.addr, ""))
	_, err := c.ListProducts(context.Background(), &registryv1.ListProductsRequest{})
	requireStatus(t, err, codes.Unauthenticated, "UNAUTHENTICATED")
}

func TestOfficialsSeeMembershipsOfTheirAreaOnly(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX A", places.ChauQue)})
	require.NoError(t, err)
	h, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	require.NoError(t, err)
	m, err := c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name}})
	require.NoError(t, err)
	for _, tc := range []struct {
		p  auth.Principal
		ok bool
	}{
		{auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}, true},
		{auth.Principal{Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: places.LaoCai}, true},
		{auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}, false},
		{auth.Principal{Subject: "users/p2", Role: auth.RoleProvinceOfficial, AdminArea: places.DongThap}, false},
	} {
		cl := e.client(t, tc.p)
		_, err := cl.GetMembership(ctx, &registryv1.GetMembershipRequest{Name: m.Name})
		_, lerr := cl.ListMemberships(ctx, &registryv1.ListMembershipsRequest{Parent: org.Name})
		if tc.ok {
			require.NoError(t, err, tc.p.AdminArea)
			require.NoError(t, lerr, tc.p.AdminArea)
		} else {
			requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", tc.p.AdminArea)
			requireStatus(t, lerr, codes.PermissionDenied, "PERMISSION_DENIED", tc.p.AdminArea)
		}
	}
}

// TestUnknownEnumNumbersAreRefused: an enum number the API does not define is refused by
// name, not taken for "unset" (which a membership's role or a household's gender would accept).
func TestUnknownEnumNumbersAreRefused(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX A", places.ChauQue)})
	require.NoError(t, err)
	hh := household(places.ChauQue)
	hh.HeadGender = 42
	_, err = c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: hh})
	requireRule(t, err, "household.head_gender", "ENUM_VALUE")
	h, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	require.NoError(t, err)
	_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name, Role: 42}})
	requireRule(t, err, "membership.role", "ENUM_VALUE")
	_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name, State: 7}})
	requireRule(t, err, "membership.state", "ENUM_VALUE")
	ms, err := c.ListMemberships(ctx, &registryv1.ListMembershipsRequest{Parent: org.Name})
	require.NoError(t, err)
	require.Empty(t, ms.Memberships, "nothing was written")
}
