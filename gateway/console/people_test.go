package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// person registers someone in the registry with one grant, as an operator would, and returns
// their users/{id}.
func (s *suite) person(name string, g *registryv1.Grant) string {
	s.t.Helper()
	ctx := context.Background()
	u, err := s.reg.CreateUser(ctx, &registryv1.CreateUserRequest{User: &registryv1.User{DisplayName: name, Phone: "0912000999",
		Identities: []*registryv1.Identity{{Issuer: "http://idp.test", Subject: fmt.Sprintf("sub-%d", runSeq.Add(1))}}}}, s.admin)
	require.NoError(s.t, err)
	_, err = s.reg.CreateGrant(ctx, &registryv1.CreateGrantRequest{Parent: u.GetName(), Grant: g}, s.admin)
	require.NoError(s.t, err)
	return u.GetName()
}

// TestOrganisationAdministratorManagesPeopleAndKeys: the business's administrator registers a
// colleague with a role at the business, sees them listed, revokes the grant; creates an API
// key, whose secret is shown once, and revokes it. The registry decides: a business user who
// is not an administrator is refused, and the refusal is shown.
func TestOrganisationAdministratorManagesPeopleAndKeys(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	boss := s.person("Phạm Thị Thu", &registryv1.Grant{Role: registryv1.Grant_ROLE_BUSINESS, Organization: w.business, Administrator: true})
	b := s.signedIn(auth.Principal{Subject: boss, Role: auth.RoleBusiness, Organization: w.business}, "Phạm Thị Thu", true)

	pg := b.get("/console/people")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "Phạm Thị Thu")
	res := b.post("/console/people", url.Values{"name": {"Đỗ Văn Kế"}, "phone": {"0912 345 678"}, "issuer": {"http://idp.test"}, "subject": {"sub-ke-toan"}, "role": {"ROLE_BUSINESS"}, "request_id": {"p-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = b.get("/console/people")
	require.Contains(t, pg.body, "Đỗ Văn Kế")
	require.Contains(t, pg.body, "&#43;84912345678", "the registry's E.164 phone")
	revoke := ""
	for _, a := range strings.Split(pg.body, `action="`)[1:] {
		a = a[:strings.Index(a, `"`)]
		if strings.HasSuffix(a, "/revoke") && !strings.Contains(a, strings.TrimPrefix(boss, "users/")) {
			revoke = a
		}
	}
	require.NotEmpty(t, revoke)
	res = b.post(revoke, formValues(pg.body, revoke))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	// A bad phone is shown on its field.
	bad := b.post("/console/people", url.Values{"name": {"X"}, "phone": {"12"}, "role": {"ROLE_BUSINESS"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, `id="phone-error"`)

	// API keys.
	res = b.post("/console/apikeys", url.Values{"display_name": {"ERP kế toán"}, "request_id": {"k-1"}})
	require.Equal(t, http.StatusOK, res.code, res.body)
	secret := between(res.body, `<code id="secret">`, `</code>`)
	require.NotEmpty(t, secret)
	pg = b.get("/console/apikeys")
	require.NotContains(t, pg.body, secret, "the secret is shown once")
	require.Contains(t, pg.body, "ERP kế toán")
	rv := action(pg.body, "/revoke")
	res = b.post(rv, nil)
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, b.get("/console/apikeys").body, "Đã thu hồi")

	// Not an administrator: the registry refuses (the page is not in their menu either).
	clerk := s.person("Lê Văn Thư", &registryv1.Grant{Role: registryv1.Grant_ROLE_BUSINESS, Organization: w.business})
	c := s.signedIn(auth.Principal{Subject: clerk, Role: auth.RoleBusiness, Organization: w.business}, "Lê Văn Thư", false)
	require.NotContains(t, c.get("/console/demands").body, `href="/console/people"`)
	res = c.post("/console/people", url.Values{"name": {"Ai đó"}, "role": {"ROLE_BUSINESS"}})
	require.Equal(t, http.StatusForbidden, res.code, res.body)
	require.Contains(t, res.body, ruleVI["PERMISSION_DENIED"])
}
