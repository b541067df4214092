package domain

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func TestValidateUser(t *testing.T) {
	good := func() *User {
		return &User{DisplayName: "Lò Thị Hoa", Phone: "0912 345 678", Email: "hoa@htx.vn",
			Identities: []Identity{{Issuer: "https://id.example.vn", Subject: "1"}, {Issuer: "https://id.example.vn", Subject: "2"}}}
	}
	u := good()
	var v apierr.Violations
	ValidateUser(&v, "user", u)
	require.True(t, v.Empty(), v.List())
	require.Equal(t, "+84912345678", u.Phone)
	require.Equal(t, []string{u.Identities[0].Key(), u.Identities[1].Key()}, u.IdentityKeys)

	for name, tc := range map[string]struct {
		mut         func(*User)
		field, rule string
	}{
		"name":        {func(u *User) { u.DisplayName = "" }, "user.display_name", "REQUIRED"},
		"phone":       {func(u *User) { u.Phone = "" }, "user.phone", "REQUIRED"},
		"phone shape": {func(u *User) { u.Phone = "0912" }, "user.phone", "PHONE_FORMAT"},
		"email":       {func(u *User) { u.Email = "@htx.vn" }, "user.email", "EMAIL_FORMAT"},
		"long email":  {func(u *User) { u.Email = strings.Repeat("a", 250) + "@htx.vn" }, "user.email", "EMAIL_FORMAT"},
		"scheme":      {func(u *User) { u.Identities[0].Issuer = "ftp://id.example.vn" }, "user.identities[0].issuer", "ISSUER_FORMAT"},
		"fragment":    {func(u *User) { u.Identities[1].Issuer = "https://id.example.vn#x" }, "user.identities[1].issuer", "ISSUER_FORMAT"},
		"subject":     {func(u *User) { u.Identities[1].Subject = " " }, "user.identities[1].subject", "REQUIRED"},
		"control":     {func(u *User) { u.Identities[1].Subject = "a\x00b" }, "user.identities[1].subject", "SUBJECT_FORMAT"},
		"non-ascii":   {func(u *User) { u.Identities[1].Subject = "Hòa" }, "user.identities[1].subject", "SUBJECT_FORMAT"},
		"twice":       {func(u *User) { u.Identities[1] = u.Identities[0] }, "user.identities[1]", "IDENTITY_DUPLICATE"},
	} {
		u := good()
		tc.mut(u)
		var v apierr.Violations
		ValidateUser(&v, "user", u)
		require.Equal(t, tc.rule, rules(&v)[tc.field], name)
	}
}

func TestIdentityKey(t *testing.T) {
	a := Identity{Issuer: "https://id.example.vn", Subject: "1"}
	require.Len(t, a.Key(), 64)
	require.Equal(t, a.Key(), Identity{Issuer: "https://id.example.vn", Subject: "1"}.Key())
	require.NotEqual(t, a.Key(), Identity{Issuer: "https://id.example.vn/", Subject: "1"}.Key(), "the issuer is taken exactly")
	require.NotEqual(t, Identity{Issuer: "https://a", Subject: "b\x00c"}.Key(), Identity{Issuer: "https://a\x00b", Subject: "c"}.Key())
}

func FuzzValidateIdentity(f *testing.F) {
	f.Add("https://id.example.vn", "abc")
	f.Add("http://127.0.0.1:5556/dex", "x")
	f.Add("id.example.vn", "")
	f.Fuzz(func(t *testing.T, issuer, subject string) {
		var v apierr.Violations
		ValidateIdentity(&v, "identity", Identity{Issuer: issuer, Subject: subject})
		if !v.Empty() {
			return
		}
		u, err := url.Parse(issuer)
		require.NoError(t, err)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.NotEmpty(t, u.Host)
		require.NotEmpty(t, strings.TrimSpace(subject))
		require.True(t, printableASCII(subject))
	})
}

func TestValidateGrant(t *testing.T) {
	for name, tc := range map[string]struct {
		g     Grant
		rules map[string]string
	}{
		"admin":                 {Grant{Role: GrantAdmin}, map[string]string{}},
		"business":              {Grant{Role: GrantBusiness, Organization: "organizations/a", Administrator: true}, map[string]string{}},
		"official":              {Grant{Role: GrantProvinceOfficial, Authority: "authorities/a"}, map[string]string{}},
		"household":             {Grant{Role: GrantHousehold, Household: "households/a"}, map[string]string{}},
		"no role":               {Grant{}, map[string]string{"grant.role": "ENUM_VALUE"}},
		"missing target":        {Grant{Role: GrantProducer}, map[string]string{"grant.organization": "REQUIRED"}},
		"wrong target":          {Grant{Role: GrantCommuneOfficial, Organization: "organizations/a"}, map[string]string{"grant.authority": "REQUIRED", "grant.organization": "GRANT_SCOPE"}},
		"admin target":          {Grant{Role: GrantAdmin, Household: "households/a"}, map[string]string{"grant.household": "GRANT_SCOPE"}},
		"household administers": {Grant{Role: GrantHousehold, Household: "households/a", Administrator: true}, map[string]string{"grant.administrator": "GRANT_ADMINISTRATOR"}},
	} {
		var v apierr.Violations
		ValidateGrant(&v, "grant", &tc.g)
		require.Equal(t, tc.rules, rules(&v), name)
	}
}

func TestCheckGrantTarget(t *testing.T) {
	biz := &Organization{Kind: KindBusiness, DisplayName: "Công ty A", State: StateActive}
	coop := &Organization{Kind: KindCooperative, DisplayName: "HTX B", State: StateSuspended}
	commune := &Authority{Kind: AuthorityCommune, DisplayName: "UBND xã C", AdminAreaCode: places.ChauQue}
	for name, tc := range map[string]struct {
		g      Grant
		t      GrantTarget
		rules  map[string]string
		label  string
		active bool
	}{
		"business":            {Grant{Role: GrantBusiness, Organization: "organizations/a", Administrator: true}, GrantTarget{Organization: biz}, map[string]string{}, "Công ty A — business (administrator)", true},
		"suspended producer":  {Grant{Role: GrantProducer, Organization: "organizations/b"}, GrantTarget{Organization: coop}, map[string]string{}, "HTX B — producer", false},
		"business of coop":    {Grant{Role: GrantBusiness, Organization: "organizations/b"}, GrantTarget{Organization: coop}, map[string]string{"grant.organization": "ORGANIZATION_KIND"}, "HTX B — business", false},
		"producer of biz":     {Grant{Role: GrantProducer, Organization: "organizations/a"}, GrantTarget{Organization: biz}, map[string]string{"grant.organization": "ORGANIZATION_KIND"}, "Công ty A — producer", true},
		"gone organisation":   {Grant{Role: GrantProducer, Organization: "organizations/x"}, GrantTarget{}, map[string]string{"grant.organization": "ORGANIZATION_EXISTS"}, "", false},
		"official":            {Grant{Role: GrantCommuneOfficial, Authority: "authorities/c"}, GrantTarget{Authority: commune}, map[string]string{}, "UBND xã C — commune official", true},
		"province of commune": {Grant{Role: GrantProvinceOfficial, Authority: "authorities/c"}, GrantTarget{Authority: commune}, map[string]string{"grant.authority": "AUTHORITY_KIND"}, "UBND xã C — province official", true},
		"gone household":      {Grant{Role: GrantHousehold, Household: "households/h"}, GrantTarget{}, map[string]string{"grant.household": "HOUSEHOLD_EXISTS"}, "households/h — household", false},
		"admin":               {Grant{Role: GrantAdmin}, GrantTarget{}, map[string]string{}, "Lienket — admin", true},
	} {
		var v apierr.Violations
		g := tc.g
		CheckGrantTarget(&v, "grant", &g, tc.t)
		require.Equal(t, tc.rules, rules(&v), name)
		if tc.label != "" {
			require.Equal(t, tc.label, g.DisplayName, name)
		}
		require.Equal(t, tc.active, tc.t.Active(&g), name)
		if name == "official" {
			require.Equal(t, places.ChauQue, g.AdminAreaCode)
		}
	}
	a, b := Grant{Role: GrantBusiness, Organization: "organizations/a"}, Grant{Role: GrantBusiness, Organization: "organizations/a", Administrator: true}
	require.Equal(t, GrantID(&a), GrantID(&b), "one grant per role and target")
	c := Grant{Role: GrantProducer, Organization: "organizations/a"}
	require.NotEqual(t, GrantID(&a), GrantID(&c))
	g := Grant{ID: "u1/" + GrantID(&a)}
	require.Equal(t, "users/u1/grants/"+GrantID(&a), g.Name())
}
