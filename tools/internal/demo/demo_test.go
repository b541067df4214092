package demo

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/registry/data"
)

// TestPlacesExistInTheAdminAreaFile fails when the shipped admin-area file no longer has the
// demo's codes (e.g. when it is replaced by the official list): change the constants then.
func TestPlacesExistInTheAdminAreaFile(t *testing.T) {
	var f struct {
		Areas []struct {
			Code, Level, Name string
			Parent            string `json:"parent_code"`
		} `json:"areas"`
	}
	require.NoError(t, json.Unmarshal(data.AdminAreas, &f))
	byCode := map[string]int{}
	for i, a := range f.Areas {
		byCode[a.Code] = i
	}
	check := func(code, level, parent, name string) {
		i, ok := byCode[code]
		require.True(t, ok, "area %s is not in the registry's admin-area file", code)
		a := f.Areas[i]
		require.Equal(t, level, a.Level, code)
		require.Equal(t, parent, a.Parent, code)
		if name != "" {
			require.Equal(t, name, a.Name, code)
		}
	}
	check(Province, "PROVINCE", "", ProvinceName)
	check(Commune, "COMMUNE", Province, CommuneName)
	check(BuyerCommune, "COMMUNE", Province, "")
	for _, o := range Orgs {
		_, ok := byCode[o.Commune]
		require.True(t, ok, o.DisplayName)
	}
}

// TestEveryRoleHasADemoPerson: each grant role is held by some demo person, one person holds
// two grants, and usernames and subjects are unique.
func TestEveryRoleHasADemoPerson(t *testing.T) {
	roles := map[registryv1.Grant_Role]bool{}
	users, subs := map[string]bool{}, map[string]bool{}
	several := false
	for _, p := range People {
		require.False(t, users[p.Username], p.Username)
		require.False(t, subs[p.Subject], p.Subject)
		users[p.Username], subs[p.Subject] = true, true
		several = several || len(p.Grants) > 1
		for _, g := range p.Grants {
			roles[g.Role] = true
		}
	}
	for r := range registryv1.Grant_Role_name {
		if r != 0 {
			require.True(t, roles[registryv1.Grant_Role(r)], "no demo person holds %s", registryv1.Grant_Role(r))
		}
	}
	require.True(t, several, "a demo person with several grants")
}
