package transport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestEthnicGroupVariants: households are registered with the names people type; the official
// name is stored and returned.
func TestEthnicGroupVariants(t *testing.T) {
	e := start(t)
	c := e.client(t, admin)
	ctx := context.Background()
	for i, tc := range []struct{ typed, official string }{
		{"Mông", "H'Mông"}, {"H'Mông", "H'Mông"}, {"Hmong", "H'Mông"}, {"Dao", "Dao"}, {"Yao", "Dao"}, {"dân tộc Tày", "Tày"},
	} {
		h := household(places.ChauQue)
		h.EthnicGroup, h.NationalId = tc.typed, fmt.Sprintf("0012030099%02d", i)
		got, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h})
		require.NoError(t, err, tc.typed)
		require.Equal(t, tc.official, got.EthnicGroup, tc.typed)
		require.True(t, got.EthnicMinority)
	}
	h := household(places.ChauQue)
	h.EthnicGroup = "Mèo" // pejorative, not accepted
	_, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h})
	requireRule(t, err, "household.ethnic_group", "ETHNIC_GROUP")
}

// TestNameSearchWithoutDiacritics: organisations and households are found by the start of any
// word of their name, typed without diacritics or capitals.
func TestNameSearchWithoutDiacritics(t *testing.T) {
	e := start(t)
	c := e.client(t, admin)
	ctx := context.Background()
	coopOrg, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Quế Châu Quế", places.ChauQue)})
	require.NoError(t, err)
	_, err = c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Chè Tân Cương", places.TanCuong)})
	require.NoError(t, err)
	names := map[string]string{}
	for i, n := range []string{"Nguyễn Văn A", "Nguyễn Văn Ánh", "Nguyễn Thị Ân", "Trần Văn An"} {
		h := household(places.ChauQue)
		h.HeadName, h.NationalId = n, fmt.Sprintf("0012030088%02d", i)
		got, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h})
		require.NoError(t, err)
		names[got.Name] = n
		_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: coopOrg.Name, Membership: &registryv1.Membership{Household: got.Name}})
		require.NoError(t, err)
	}
	orgs := func(filter string) []string {
		r, err := c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: filter})
		require.NoError(t, err, filter)
		var out []string
		for _, o := range r.Organizations {
			out = append(out, o.DisplayName)
		}
		return out
	}
	// A name is searched within a scope (an area, a kind: an equality the store indexes).
	require.Equal(t, []string{"HTX Quế Châu Quế"}, orgs(`name = "que chau" AND province_code = "`+places.LaoCai+`"`))
	require.Equal(t, []string{"HTX Chè Tân Cương"}, orgs(`name = "tan cuong" AND kind = "KIND_COOPERATIVE"`))
	require.Len(t, orgs(`name = "HTX" AND kind = "KIND_COOPERATIVE"`), 2)
	require.Empty(t, orgs(`name = "cuong tan" AND kind = "KIND_COOPERATIVE"`))

	heads := func(p auth.Principal, filter string) []string {
		r, err := e.client(t, p).ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: filter})
		require.NoError(t, err, filter)
		var out []string
		for _, h := range r.Households {
			out = append(out, names[h.Name])
		}
		return out
	}
	require.Equal(t, []string{"Nguyễn Văn A"}, heads(admin, `commune_code = "`+places.ChauQue+`" AND name = "nguyen van a"`)[:1])
	require.ElementsMatch(t, []string{"Nguyễn Văn A", "Nguyễn Văn Ánh"}, heads(admin, `commune_code = "`+places.ChauQue+`" AND name = "nguyen van a"`))
	require.ElementsMatch(t, []string{"Nguyễn Văn A", "Nguyễn Văn Ánh", "Trần Văn An"}, heads(admin, `province_code = "`+places.LaoCai+`" AND name = "van a"`))
	require.ElementsMatch(t, []string{"Nguyễn Thị Ân"}, heads(admin, `commune_code = "`+places.ChauQue+`" AND name = "NGUYEN THI"`))
	producer := auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: coopOrg.Name}
	require.Len(t, heads(producer, `organization = "`+coopOrg.Name+`" AND name = "nguyen"`), 3)

	_, err = c.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: `name != "nguyen"`})
	requireRule(t, err, "filter", "FILTER_SYNTAX")
	_, err = c.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: `name = "nguyen"`})
	requireRule(t, err, "filter", "SCOPE_REQUIRED") // every household of the country named Nguyễn: a scan
	_, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: `name = "htx"`})
	requireRule(t, err, "filter", "SCOPE_REQUIRED")
	_, err = c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: `name = "--"`})
	requireRule(t, err, "filter", "FILTER_SYNTAX")
}
