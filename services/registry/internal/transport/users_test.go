package transport_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

const issuer = "https://id.lienket.test"

var gateway = auth.Principal{Subject: "services/gateway", Role: auth.RoleService}

func person(name string, subjects ...string) *registryv1.User {
	u := &registryv1.User{DisplayName: name, Phone: "0912 345 678", Email: "mai@htx.vn"}
	for _, s := range subjects {
		u.Identities = append(u.Identities, &registryv1.Identity{Issuer: issuer, Subject: s})
	}
	return u
}

// people is a registry with an organisation of each kind and a commune and a province
// People's Committee, for the people tests.
type people struct {
	*env
	ctx               context.Context
	admin             registryv1.RegistryServiceClient
	biz, coop         *registryv1.Organization
	commune, province *registryv1.Authority
	household         *registryv1.Household
}

func startPeople(t *testing.T) *people {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	pe := &people{env: e, ctx: ctx, admin: c}
	var err error
	bizIn := coop("Công ty Quế Việt", places.ChauQue)
	bizIn.Kind = registryv1.Organization_KIND_BUSINESS
	pe.biz, err = c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: bizIn})
	require.NoError(t, err)
	pe.coop, err = c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Quế Châu Quế", places.ChauQue)})
	require.NoError(t, err)
	pe.commune, err = c.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: "UBND xã Châu Quế", AdminAreaCode: places.ChauQue}})
	require.NoError(t, err)
	pe.province, err = c.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE, DisplayName: "UBND tỉnh Lào Cai", AdminAreaCode: places.LaoCai}})
	require.NoError(t, err)
	pe.household, err = c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	require.NoError(t, err)
	return pe
}

// user registers a person (as an operator) and grants them gs.
func (pe *people) user(t *testing.T, name string, gs ...*registryv1.Grant) *registryv1.User {
	t.Helper()
	u, err := pe.admin.CreateUser(pe.ctx, &registryv1.CreateUserRequest{User: person(name)})
	require.NoError(t, err)
	for _, g := range gs {
		_, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: g})
		require.NoError(t, err)
	}
	return u
}

func orgGrant(role registryv1.Grant_Role, org string, administrator bool) *registryv1.Grant {
	return &registryv1.Grant{Role: role, Organization: org, Administrator: administrator}
}

func officialGrant(role registryv1.Grant_Role, authority string, administrator bool) *registryv1.Grant {
	return &registryv1.Grant{Role: role, Authority: authority, Administrator: administrator}
}

func grantNames(gs []*registryv1.Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Role.String()+" "+g.Organization+g.Household+g.Authority)
	}
	return out
}

func userNames(us []*registryv1.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

// TestAdminBootstrap: an operator (a token with the admin role, no person behind it yet)
// registers the first people and grants ADMIN; the gateway then finds them by their OpenID
// identity, and the new operator registers people in turn.
func TestAdminBootstrap(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	boot := e.client(t, auth.Principal{Subject: "users/bootstrap", Role: auth.RoleAdmin})
	u, err := boot.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Nguyễn Văn An", "an-1"), RequestId: "first-admin"})
	require.NoError(t, err)
	require.Equal(t, "+84912345678", u.Phone, "phones are stored in E.164")
	require.Empty(t, u.Grants)
	again, err := boot.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Other", "an-1"), RequestId: "first-admin"})
	require.NoError(t, err, "a retry returns the first result")
	require.Equal(t, u.Name, again.Name)
	g, err := boot.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN}, RequestId: "g1"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(g.Name, u.Name+"/grants/"), g.Name)
	require.Equal(t, "Lienket — admin", g.DisplayName)
	retry, err := boot.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN}, RequestId: "g1"})
	require.NoError(t, err, "a retry returns the grant")
	require.Equal(t, g.Name, retry.Name)
	_, err = boot.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN}, RequestId: "g2"})
	requireStatus(t, err, codes.AlreadyExists, "RESOURCE_EXISTS", "one grant per role and target")

	found, err := e.client(t, gateway).LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: &registryv1.Identity{Issuer: issuer, Subject: "an-1"}})
	require.NoError(t, err)
	require.Equal(t, u.Name, found.Name)
	require.Equal(t, []string{"ROLE_ADMIN "}, grantNames(found.Grants))

	// The gateway mints the new operator a token for that grant; it registers people too.
	op := e.client(t, auth.Principal{Subject: found.Name, Role: auth.RoleAdmin})
	_, err = op.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Trần Thị Bình", "binh")})
	require.NoError(t, err)
	all, err := op.ListUsers(ctx, &registryv1.ListUsersRequest{})
	require.NoError(t, err)
	require.Len(t, all.Users, 2)
}

func TestUserValidationWritesNothing(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	for name, tc := range map[string]struct {
		mut         func(*registryv1.User)
		field, rule string
	}{
		"name":         {func(u *registryv1.User) { u.DisplayName = " " }, "user.display_name", "REQUIRED"},
		"long name":    {func(u *registryv1.User) { u.DisplayName = strings.Repeat("A", 201) }, "user.display_name", "MAX_LENGTH"},
		"no phone":     {func(u *registryv1.User) { u.Phone = "" }, "user.phone", "REQUIRED"},
		"phone":        {func(u *registryv1.User) { u.Phone = "+1 202 555 0100" }, "user.phone", "PHONE_FORMAT"},
		"email":        {func(u *registryv1.User) { u.Email = "mai at htx" }, "user.email", "EMAIL_FORMAT"},
		"email name":   {func(u *registryv1.User) { u.Email = "Mai <mai@htx.vn>" }, "user.email", "EMAIL_FORMAT"},
		"issuer":       {func(u *registryv1.User) { u.Identities[0].Issuer = "id.lienket.test" }, "user.identities[0].issuer", "ISSUER_FORMAT"},
		"issuer query": {func(u *registryv1.User) { u.Identities[0].Issuer = issuer + "?x=1" }, "user.identities[0].issuer", "ISSUER_FORMAT"},
		"no issuer":    {func(u *registryv1.User) { u.Identities[0].Issuer = "" }, "user.identities[0].issuer", "REQUIRED"},
		"no subject":   {func(u *registryv1.User) { u.Identities[0].Subject = "" }, "user.identities[0].subject", "REQUIRED"},
		"long subject": {func(u *registryv1.User) { u.Identities[0].Subject = strings.Repeat("s", 256) }, "user.identities[0].subject", "MAX_LENGTH"},
		"duplicate":    {func(u *registryv1.User) { u.Identities = append(u.Identities, u.Identities[0]) }, "user.identities[1]", "IDENTITY_DUPLICATE"},
		"many": {func(u *registryv1.User) {
			u.Identities = person("x", strings.Split("a b c d e f g h i j k", " ")...).Identities
		}, "user.identities", "MAX_ITEMS"},
	} {
		u := person("Lò Thị Hoa", "hoa")
		tc.mut(u)
		_, err := c.CreateUser(ctx, &registryv1.CreateUserRequest{User: u})
		requireRule(t, err, tc.field, tc.rule, name)
	}
	_, err := c.CreateUser(ctx, &registryv1.CreateUserRequest{})
	requireRule(t, err, "user", "REQUIRED")
	_, err = c.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("x"), RequestId: "bad id"})
	requireRule(t, err, "request_id", "REQUEST_ID")
	list, err := c.ListUsers(ctx, &registryv1.ListUsersRequest{})
	require.NoError(t, err)
	require.Empty(t, list.Users, "nothing was written")
	_, err = e.client(t, gateway).LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: &registryv1.Identity{Issuer: issuer, Subject: "hoa"}})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "no identity was bound")
}

// TestIdentityBoundToOnePerson: of concurrent binds of one identity — registrations and
// updates, through two replicas — exactly one wins; an identity given up is free again.
func TestIdentityBoundToOnePerson(t *testing.T) {
	ctx := context.Background()
	clients, db := replicas(t, nil)
	var existing []*registryv1.User
	for i := range 8 {
		u, err := clients[0].CreateUser(ctx, &registryv1.CreateUserRequest{User: person(fmt.Sprint("Người ", i))})
		require.NoError(t, err)
		existing = append(existing, u)
	}
	bind := func(i int) error {
		c := clients[i%2]
		if i%2 == 0 {
			_, err := c.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Khách", "contested"), RequestId: fmt.Sprint("bind-", i)})
			return err
		}
		u := existing[i/2]
		_, err := c.UpdateUser(ctx, &registryv1.UpdateUserRequest{User: &registryv1.User{Name: u.Name, Identities: person("", "contested").Identities},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"identities"}}})
		return err
	}
	require.Equal(t, 1, testkit.Race(t, 16, bind, "IDENTITY_BOUND"))
	n, err := db.Collection("users").CountDocuments(ctx, bson.D{{Key: "identity_keys", Value: domain.Identity{Issuer: issuer, Subject: "contested"}.Key()}})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "one person holds the identity")

	// Moving an identity: refused while held; once its holder gives it up, free.
	a, err := clients[0].CreateUser(ctx, &registryv1.CreateUserRequest{User: person("A", "a-1", "a-2")})
	require.NoError(t, err)
	b := existing[7]
	upd := func(u *registryv1.User, subs ...string) (*registryv1.User, error) {
		return clients[1].UpdateUser(ctx, &registryv1.UpdateUserRequest{User: &registryv1.User{Name: u.Name, Identities: person("", subs...).Identities},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"identities"}}})
	}
	_, err = upd(b, "a-2")
	requireStatus(t, err, codes.AlreadyExists, "IDENTITY_BOUND")
	_, err = upd(a, "a-1")
	require.NoError(t, err)
	b2, err := upd(b, "a-2", "b-1")
	require.NoError(t, err, "a-2 was given up")
	require.Len(t, b2.Identities, 2)
	_, err = clients[0].CreateUser(ctx, &registryv1.CreateUserRequest{User: person("C", "b-1", "c-1")})
	requireStatus(t, err, codes.AlreadyExists, "IDENTITY_BOUND")
	_, err = clients[0].CreateUser(ctx, &registryv1.CreateUserRequest{User: person("C", "c-1")})
	require.NoError(t, err, "a refused registration claims nothing: c-1 is free")

	// A registration that claimed an identity and died before writing the person blocks it
	// for the grace period only.
	key := domain.Identity{Issuer: issuer, Subject: "d-1"}.Key()
	_, err = db.Collection("claims").InsertOne(ctx, bson.D{{Key: "_id", Value: "identity/" + key}, {Key: "owner", Value: "never-written"}, {Key: "time", Value: time.Now().Add(-time.Hour).UTC()}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	_, err = clients[1].CreateUser(ctx, &registryv1.CreateUserRequest{User: person("D", "d-1")})
	require.NoError(t, err, "an abandoned claim is taken over")
}

func TestGrantValidationWritesNothing(t *testing.T) {
	pe := startPeople(t)
	u := pe.user(t, "Lò Văn Tâm")
	g := func(role registryv1.Grant_Role, mut func(*registryv1.Grant)) *registryv1.Grant {
		x := &registryv1.Grant{Role: role}
		mut(x)
		return x
	}
	none := func(*registryv1.Grant) {}
	for name, tc := range map[string]struct {
		grant       *registryv1.Grant
		field, rule string
	}{
		"no role":               {g(0, none), "grant.role", "ENUM_VALUE"},
		"unknown role":          {g(42, none), "grant.role", "ENUM_VALUE"},
		"no organization":       {g(registryv1.Grant_ROLE_BUSINESS, none), "grant.organization", "REQUIRED"},
		"no household":          {g(registryv1.Grant_ROLE_HOUSEHOLD, none), "grant.household", "REQUIRED"},
		"no authority":          {g(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, none), "grant.authority", "REQUIRED"},
		"two targets":           {g(registryv1.Grant_ROLE_BUSINESS, func(x *registryv1.Grant) { x.Organization, x.Household = pe.biz.Name, pe.household.Name }), "grant.household", "GRANT_SCOPE"},
		"admin scoped":          {g(registryv1.Grant_ROLE_ADMIN, func(x *registryv1.Grant) { x.Organization = pe.biz.Name }), "grant.organization", "GRANT_SCOPE"},
		"admin administers":     {g(registryv1.Grant_ROLE_ADMIN, func(x *registryv1.Grant) { x.Administrator = true }), "grant.administrator", "GRANT_ADMINISTRATOR"},
		"household administers": {g(registryv1.Grant_ROLE_HOUSEHOLD, func(x *registryv1.Grant) { x.Household, x.Administrator = pe.household.Name, true }), "grant.administrator", "GRANT_ADMINISTRATOR"},
		"organization name":     {g(registryv1.Grant_ROLE_BUSINESS, func(x *registryv1.Grant) { x.Organization = "companies/x" }), "grant.organization", "RESOURCE_NAME"},
		"organization":          {g(registryv1.Grant_ROLE_BUSINESS, func(x *registryv1.Grant) { x.Organization = "organizations/nope" }), "grant.organization", "ORGANIZATION_EXISTS"},
		"business of coop":      {g(registryv1.Grant_ROLE_BUSINESS, func(x *registryv1.Grant) { x.Organization = pe.coop.Name }), "grant.organization", "ORGANIZATION_KIND"},
		"producer of biz":       {g(registryv1.Grant_ROLE_PRODUCER, func(x *registryv1.Grant) { x.Organization = pe.biz.Name }), "grant.organization", "ORGANIZATION_KIND"},
		"household":             {g(registryv1.Grant_ROLE_HOUSEHOLD, func(x *registryv1.Grant) { x.Household = "households/nope" }), "grant.household", "HOUSEHOLD_EXISTS"},
		"authority":             {g(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, func(x *registryv1.Grant) { x.Authority = "authorities/nope" }), "grant.authority", "AUTHORITY_EXISTS"},
		"commune of province":   {g(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, func(x *registryv1.Grant) { x.Authority = pe.province.Name }), "grant.authority", "AUTHORITY_KIND"},
		"province of commune":   {g(registryv1.Grant_ROLE_PROVINCE_OFFICIAL, func(x *registryv1.Grant) { x.Authority = pe.commune.Name }), "grant.authority", "AUTHORITY_KIND"},
	} {
		_, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: tc.grant})
		requireRule(t, err, tc.field, tc.rule, name)
	}
	_, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name})
	requireRule(t, err, "grant", "REQUIRED")
	_, err = pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: "people/x", Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN}})
	requireRule(t, err, "parent", "RESOURCE_NAME")
	_, err = pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: "users/nobody", Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN}})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	gs, err := pe.admin.ListGrants(pe.ctx, &registryv1.ListGrantsRequest{Parent: u.Name})
	require.NoError(t, err)
	require.Empty(t, gs.Grants, "nothing was written")

	// What a grant derives: the official's area from the authority, the label from the target.
	official, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: officialGrant(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, pe.commune.Name, true)})
	require.NoError(t, err)
	require.Equal(t, places.ChauQue, official.AdminAreaCode)
	require.Equal(t, "UBND xã Châu Quế — commune official (administrator)", official.DisplayName)
	hh, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_HOUSEHOLD, Household: pe.household.Name, DisplayName: "ignored", AdminAreaCode: "ignored"}})
	require.NoError(t, err)
	require.Equal(t, "Triệu Thị Mai — household", hh.DisplayName, "output-only fields are derived")
	require.Empty(t, hh.AdminAreaCode)
}

// TestGrantLimit: a person holds at most domain.MaxGrantsPerUser grants.
func TestGrantLimit(t *testing.T) {
	pe := startPeople(t)
	u := pe.user(t, "Đinh Văn Lực", &registryv1.Grant{Role: registryv1.Grant_ROLE_ADMIN})
	var last *registryv1.CreateGrantRequest
	for i := 1; i < domain.MaxGrantsPerUser; i++ {
		o, err := pe.admin.CreateOrganization(pe.ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
			Kind: registryv1.Organization_KIND_PRODUCTION_GROUP, DisplayName: fmt.Sprint("Tổ ", i), Address: &registryv1.Address{CommuneCode: places.ChauQue}}})
		require.NoError(t, err)
		last = &registryv1.CreateGrantRequest{Parent: u.Name, Grant: orgGrant(registryv1.Grant_ROLE_PRODUCER, o.Name, false), RequestId: fmt.Sprint("g-", i)}
		_, err = pe.admin.CreateGrant(pe.ctx, last)
		require.NoError(t, err)
	}
	_, err := pe.admin.CreateGrant(pe.ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: orgGrant(registryv1.Grant_ROLE_PRODUCER, pe.coop.Name, false)})
	requireStatus(t, err, codes.FailedPrecondition, "GRANT_LIMIT")
	_, err = pe.admin.CreateGrant(pe.ctx, last)
	require.NoError(t, err, "a retry is answered even at the limit")
	last.RequestId = "another"
	_, err = pe.admin.CreateGrant(pe.ctx, last)
	requireStatus(t, err, codes.AlreadyExists, "RESOURCE_EXISTS", "a held grant is not a limit matter")
	got, err := pe.admin.GetUser(pe.ctx, &registryv1.GetUserRequest{Name: u.Name})
	require.NoError(t, err)
	require.Len(t, got.Grants, domain.MaxGrantsPerUser)
	page, err := pe.admin.ListGrants(pe.ctx, &registryv1.ListGrantsRequest{Parent: u.Name, PageSize: 20})
	require.NoError(t, err)
	require.Len(t, page.Grants, 20)
	seen := map[string]bool{}
	for token := ""; ; {
		r, err := pe.admin.ListGrants(pe.ctx, &registryv1.ListGrantsRequest{Parent: u.Name, PageSize: 20, PageToken: token})
		require.NoError(t, err)
		for _, g := range r.Grants {
			require.False(t, seen[g.Name], "no grant twice across pages")
			seen[g.Name] = true
		}
		if token = r.NextPageToken; token == "" {
			break
		}
	}
	require.Len(t, seen, domain.MaxGrantsPerUser)
}

// TestOrganizationAdministrators: an organisation's administrator registers people, sees and
// lists the people holding grants there (with those grants only) and grants and revokes the
// organisation's roles — nothing else, and only while acting for it.
func TestOrganizationAdministrators(t *testing.T) {
	pe := startPeople(t)
	ctx := pe.ctx
	boss := pe.user(t, "Phạm Minh Chủ", orgGrant(registryv1.Grant_ROLE_BUSINESS, pe.biz.Name, true))
	as := func(u *registryv1.User, role auth.Role, org string) registryv1.RegistryServiceClient {
		return pe.client(t, auth.Principal{Subject: u.Name, Role: role, Organization: org})
	}
	a := as(boss, auth.RoleBusiness, pe.biz.Name)

	// Registers a person, who is invisible to it until granted a role there.
	staff, err := a.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Vũ Thị Kế Toán", "staff")})
	require.NoError(t, err)
	_, err = a.GetUser(ctx, &registryv1.GetUserRequest{Name: staff.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "holds nothing at the organisation")
	_, err = a.ListGrants(ctx, &registryv1.ListGrantsRequest{Parent: staff.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	bizGrant, err := a.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: staff.Name, Grant: orgGrant(registryv1.Grant_ROLE_BUSINESS, pe.biz.Name, false)})
	require.NoError(t, err)
	require.Equal(t, "Công ty Quế Việt — business", bizGrant.DisplayName)
	coopGrant, err := pe.admin.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: staff.Name, Grant: orgGrant(registryv1.Grant_ROLE_PRODUCER, pe.coop.Name, false)})
	require.NoError(t, err)

	got, err := a.GetUser(ctx, &registryv1.GetUserRequest{Name: staff.Name})
	require.NoError(t, err)
	require.Equal(t, []string{"ROLE_BUSINESS " + pe.biz.Name}, grantNames(got.Grants), "only the grants it administers")
	gs, err := a.ListGrants(ctx, &registryv1.ListGrantsRequest{Parent: staff.Name})
	require.NoError(t, err)
	require.Equal(t, []string{"ROLE_BUSINESS " + pe.biz.Name}, grantNames(gs.Grants))
	list, err := a.ListUsers(ctx, &registryv1.ListUsersRequest{Filter: `organization = "` + pe.biz.Name + `"`})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{boss.Name, staff.Name}, userNames(list.Users))

	// Never another organisation's roles, never ADMIN, never households or officials.
	for name, g := range map[string]*registryv1.Grant{
		"other organisation": orgGrant(registryv1.Grant_ROLE_PRODUCER, pe.coop.Name, false),
		"admin":              {Role: registryv1.Grant_ROLE_ADMIN},
		"household":          {Role: registryv1.Grant_ROLE_HOUSEHOLD, Household: pe.household.Name},
		"official":           officialGrant(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, pe.commune.Name, false),
	} {
		_, err := a.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: staff.Name, Grant: g})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
	}
	_, err = a.ListUsers(ctx, &registryv1.ListUsersRequest{})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "administrators filter by their organisation")
	_, err = a.ListUsers(ctx, &registryv1.ListUsersRequest{Filter: `organization = "` + pe.coop.Name + `"`})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = a.UpdateUser(ctx, &registryv1.UpdateUserRequest{User: &registryv1.User{Name: staff.Name, DisplayName: "x"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "operators update people")
	err = deleteGrant(a, ctx, coopGrant)
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "another organisation's grant is not its to see")

	// Only while acting for the organisation, in an active administrator grant.
	for name, c := range map[string]registryv1.RegistryServiceClient{
		"another organisation":    as(boss, auth.RoleBusiness, "organizations/elsewhere"),
		"staff, no administrator": as(staff, auth.RoleBusiness, pe.biz.Name),
		"as a household":          pe.client(t, auth.Principal{Subject: boss.Name, Role: auth.RoleHousehold, Household: pe.household.Name}),
		"as a partner key":        pe.client(t, auth.Principal{Subject: "apiKeys/k", Role: auth.RolePartner, Organization: pe.biz.Name}),
	} {
		_, err := c.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("x")})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
		_, err = c.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: staff.Name, Grant: orgGrant(registryv1.Grant_ROLE_BUSINESS, pe.biz.Name, true)})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
		_, err = c.ListUsers(ctx, &registryv1.ListUsersRequest{Filter: `organization = "` + pe.biz.Name + `"`})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
	}

	// A person reads themselves — all their grants — but revokes nothing, and reads no one else.
	self := as(staff, auth.RoleProducer, pe.coop.Name)
	me, err := self.GetUser(ctx, &registryv1.GetUserRequest{Name: staff.Name})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"ROLE_BUSINESS " + pe.biz.Name, "ROLE_PRODUCER " + pe.coop.Name}, grantNames(me.Grants))
	mine, err := self.ListGrants(ctx, &registryv1.ListGrantsRequest{Parent: staff.Name})
	require.NoError(t, err)
	require.Len(t, mine.Grants, 2)
	requireStatus(t, deleteGrant(self, ctx, coopGrant), codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = self.GetUser(ctx, &registryv1.GetUserRequest{Name: boss.Name})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	// Revokes its organisation's grant (etag checked); the person is then out of its sight.
	stale := &registryv1.Grant{Name: bizGrant.Name, Etag: `"7"`}
	requireStatus(t, deleteGrant(a, ctx, stale), codes.Aborted, "ETAG_MISMATCH")
	require.NoError(t, deleteGrant(a, ctx, bizGrant))
	requireStatus(t, deleteGrant(a, ctx, bizGrant), codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = a.GetUser(ctx, &registryv1.GetUserRequest{Name: staff.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")

	// A suspended organisation's grants are not active: its administrator administers nothing
	// and the gateway offers none of them.
	o, err := pe.admin.UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: pe.biz.Name, State: registryv1.Organization_STATE_SUSPENDED}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"state"}}})
	require.NoError(t, err)
	require.Equal(t, registryv1.Organization_STATE_SUSPENDED, o.State)
	_, err = a.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("x")})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "suspended")
	all, err := pe.admin.GetUser(ctx, &registryv1.GetUserRequest{Name: boss.Name})
	require.NoError(t, err)
	require.Empty(t, all.Grants, "User.grants are the active ones")
	listed, err := pe.admin.ListGrants(ctx, &registryv1.ListGrantsRequest{Parent: boss.Name})
	require.NoError(t, err)
	require.Len(t, listed.Grants, 1, "ListGrants lists them all")
}

func deleteGrant(c registryv1.RegistryServiceClient, ctx context.Context, g *registryv1.Grant) error {
	_, err := c.DeleteGrant(ctx, &registryv1.DeleteGrantRequest{Name: g.Name, Etag: g.Etag})
	return err
}

// TestAuthorityAdministrators: an authority's administrator manages the officials of that
// authority, acting as an official of its area and level.
func TestAuthorityAdministrators(t *testing.T) {
	pe := startPeople(t)
	ctx := pe.ctx
	chair := pe.user(t, "Hoàng Văn Chủ Tịch", officialGrant(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, pe.commune.Name, true))
	o := pe.client(t, auth.Principal{Subject: chair.Name, Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	clerk, err := o.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Lý Thị Văn Thư", "clerk")})
	require.NoError(t, err)
	g, err := o.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: clerk.Name, Grant: officialGrant(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, pe.commune.Name, false)})
	require.NoError(t, err)
	require.Equal(t, places.ChauQue, g.AdminAreaCode)
	list, err := o.ListUsers(ctx, &registryv1.ListUsersRequest{Filter: `authority = "` + pe.commune.Name + `"`})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{chair.Name, clerk.Name}, userNames(list.Users))
	for name, g := range map[string]*registryv1.Grant{
		"province":     officialGrant(registryv1.Grant_ROLE_PROVINCE_OFFICIAL, pe.province.Name, false),
		"organisation": orgGrant(registryv1.Grant_ROLE_BUSINESS, pe.biz.Name, false),
		"admin":        {Role: registryv1.Grant_ROLE_ADMIN},
	} {
		_, err := o.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: clerk.Name, Grant: g})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
	}
	_, err = o.ListUsers(ctx, &registryv1.ListUsersRequest{Filter: `authority = "` + pe.province.Name + `"`})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	for name, p := range map[string]auth.Principal{
		"another commune": {Subject: chair.Name, Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong},
		"as province":     {Subject: chair.Name, Role: auth.RoleProvinceOfficial, AdminArea: places.ChauQue},
	} {
		_, err := pe.client(t, p).CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: clerk.Name, Grant: officialGrant(registryv1.Grant_ROLE_COMMUNE_OFFICIAL, pe.commune.Name, true)})
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
	}
	require.NoError(t, deleteGrant(o, ctx, g))
}

// TestLookupIdentity: the gateway (service role only) finds the person bound to an identity,
// with their active grants.
func TestLookupIdentity(t *testing.T) {
	pe := startPeople(t)
	ctx := pe.ctx
	u, err := pe.admin.CreateUser(ctx, &registryv1.CreateUserRequest{User: person("Sùng A Páo", "pao-google", "pao-zalo")})
	require.NoError(t, err)
	hh, err := pe.admin.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: &registryv1.Grant{Role: registryv1.Grant_ROLE_HOUSEHOLD, Household: pe.household.Name}})
	require.NoError(t, err)
	_, err = pe.admin.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.Name, Grant: orgGrant(registryv1.Grant_ROLE_PRODUCER, pe.coop.Name, false)})
	require.NoError(t, err)
	gw := pe.client(t, gateway)
	lookup := func(c registryv1.RegistryServiceClient, iss, sub string) (*registryv1.User, error) {
		return c.LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: &registryv1.Identity{Issuer: iss, Subject: sub}})
	}
	found, err := lookup(gw, issuer, "pao-zalo")
	require.NoError(t, err)
	require.Equal(t, u.Name, found.Name)
	require.ElementsMatch(t, []string{"ROLE_HOUSEHOLD " + pe.household.Name, "ROLE_PRODUCER " + pe.coop.Name}, grantNames(found.Grants))

	_, err = lookup(gw, issuer, "nobody")
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = lookup(gw, "https://other.example", "pao-zalo")
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "an identity is issuer and subject")
	_, err = lookup(gw, "", "pao-zalo")
	requireRule(t, err, "identity.issuer", "REQUIRED")
	_, err = gw.LookupIdentity(ctx, &registryv1.LookupIdentityRequest{})
	requireRule(t, err, "identity", "REQUIRED")
	for _, p := range []auth.Principal{admin, {Subject: u.Name, Role: auth.RoleProducer, Organization: pe.coop.Name}} {
		_, err = lookup(pe.client(t, p), issuer, "pao-zalo")
		requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", p.Role)
	}

	// A revoked grant is gone from the exchange.
	require.NoError(t, deleteGrant(pe.admin, ctx, hh))
	found, err = lookup(gw, issuer, "pao-google")
	require.NoError(t, err)
	require.Equal(t, []string{"ROLE_PRODUCER " + pe.coop.Name}, grantNames(found.Grants))
}

func TestUpdateUser(t *testing.T) {
	pe := startPeople(t)
	ctx := pe.ctx
	u := pe.user(t, "Giàng Thị Dợ", orgGrant(registryv1.Grant_ROLE_PRODUCER, pe.coop.Name, false))
	upd := func(in *registryv1.User, paths ...string) (*registryv1.User, error) {
		return pe.admin.UpdateUser(ctx, &registryv1.UpdateUserRequest{User: in, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths}})
	}
	got, err := upd(&registryv1.User{Name: u.Name, Etag: u.Etag, Phone: "0389 123 456", Email: ""}, "phone", "email")
	require.NoError(t, err)
	require.Equal(t, "+84389123456", got.Phone)
	require.Empty(t, got.Email)
	require.Equal(t, u.DisplayName, got.DisplayName)
	require.Len(t, got.Grants, 1)
	require.NotEqual(t, u.Etag, got.Etag)
	_, err = upd(&registryv1.User{Name: u.Name, Etag: u.Etag, DisplayName: "x"}, "display_name")
	requireStatus(t, err, codes.Aborted, "ETAG_MISMATCH")
	_, err = upd(&registryv1.User{Name: u.Name, Phone: "12"}, "phone")
	requireRule(t, err, "user.phone", "PHONE_FORMAT")
	_, err = upd(&registryv1.User{Name: u.Name}, "grants")
	requireRule(t, err, "update_mask", "UPDATE_MASK_PATH")
	_, err = upd(&registryv1.User{Name: u.Name})
	requireRule(t, err, "update_mask", "REQUIRED")
	_, err = upd(&registryv1.User{Name: "users/nobody", DisplayName: "x"}, "display_name")
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = pe.admin.UpdateUser(ctx, &registryv1.UpdateUserRequest{})
	requireRule(t, err, "user", "REQUIRED")
	again, err := pe.admin.GetUser(ctx, &registryv1.GetUserRequest{Name: u.Name})
	require.NoError(t, err)
	require.Equal(t, got.Etag, again.Etag, "refused updates wrote nothing")
}
