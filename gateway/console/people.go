package console

import (
	"fmt"
	"net/http"
	"strings"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// People and grants: an operator manages everyone; an organisation's administrator registers
// the people of the organisation and grants them roles there; an authority's administrator
// does the same for its officials. The registry decides who may do what; the forms only
// offer what fits the person's own grant.

type personForm struct {
	Name, Phone, Email, Issuer, Subject string
	Role, On                            string
	Administrator                       bool
}

type peopleView struct {
	Users  []*registryv1.User
	Form   personForm
	Errors formErrors
	Roles  []string
	// Scope is what new grants apply to (the administrator's organisation or authority);
	// empty for operators, who name it.
	Scope string
}

func (c *Console) people(q *rq) error {
	return c.renderPeople(q, http.StatusOK, c.defaultPersonForm(q), formErrors{})
}

func (c *Console) defaultPersonForm(q *rq) personForm {
	f := personForm{Issuer: c.signin.Config().Issuer, Role: grantRoleOf(q.s.Role)}
	if q.s.Role == "admin" {
		f.Role = "ROLE_BUSINESS"
	}
	return f
}

// grantRoleOf is the grant role an administrator hands out: their own kind.
func grantRoleOf(role string) string {
	return "ROLE_" + strings.ToUpper(role)
}

// scope is what an administrator's grants apply to.
func scope(s *session) string {
	switch {
	case s.Role == "admin":
		return ""
	case s.Org != "":
		return s.Org
	default:
		return s.Authority
	}
}

func (c *Console) renderPeople(q *rq, code int, f personForm, fe formErrors) error {
	filter := ""
	switch sc := scope(q.s); {
	case strings.HasPrefix(sc, "organizations/"):
		filter = fmt.Sprintf("organization = %q", sc)
	case strings.HasPrefix(sc, "authorities/"):
		filter = fmt.Sprintf("authority = %q", sc)
	}
	res, err := c.b.reg.ListUsers(q.ctx, &registryv1.ListUsersRequest{PageSize: 200, Filter: filter})
	if err != nil {
		return err
	}
	v := peopleView{Users: res.GetUsers(), Form: f, Errors: fe, Scope: scope(q.s)}
	if q.s.Role == "admin" {
		v.Roles = []string{"ROLE_ADMIN", "ROLE_BUSINESS", "ROLE_PRODUCER", "ROLE_HOUSEHOLD", "ROLE_COMMUNE_OFFICIAL", "ROLE_PROVINCE_OFFICIAL"}
	} else {
		v.Roles = []string{grantRoleOf(q.s.Role)}
	}
	q.render(code, "people", v)
	return nil
}

var personFields = map[string]string{
	"user.display_name": "name", "user.phone": "phone", "user.email": "email", "user.identities": "subject",
	"grant.role": "role", "grant.organization": "on", "grant.household": "on", "grant.authority": "on", "grant": "role",
}

// grantFor builds the grant a form asks for, scoped to the administrator's own organisation
// or authority unless an operator names it.
func grantFor(s *session, role, on string, administrator bool) *registryv1.Grant {
	g := &registryv1.Grant{Role: registryv1.Grant_Role(registryv1.Grant_Role_value[role]), Administrator: administrator}
	if sc := scope(s); sc != "" {
		on = sc
	}
	switch {
	case strings.HasPrefix(on, "organizations/"):
		g.Organization = on
	case strings.HasPrefix(on, "households/"):
		g.Household = on
	case strings.HasPrefix(on, "authorities/"):
		g.Authority = on
	}
	return g
}

func readPersonForm(q *rq) personForm {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	return personForm{Name: g("name"), Phone: g("phone"), Email: g("email"), Issuer: g("issuer"), Subject: g("subject"), Role: g("role"), On: g("on"), Administrator: pf.Get("administrator") == "on"}
}

func (c *Console) registerPerson(q *rq) error {
	f := readPersonForm(q)
	rid := q.r.PostForm.Get("request_id")
	u := &registryv1.User{DisplayName: f.Name, Phone: f.Phone, Email: f.Email}
	if f.Subject != "" {
		u.Identities = []*registryv1.Identity{{Issuer: f.Issuer, Subject: f.Subject}}
	}
	created, err := c.b.reg.CreateUser(q.ctx, &registryv1.CreateUserRequest{User: u, RequestId: rid})
	if err == nil && f.Role != "" {
		_, err = c.b.reg.CreateGrant(q.ctx, &registryv1.CreateGrantRequest{Parent: created.GetName(), RequestId: rid, Grant: grantFor(q.s, f.Role, f.On, f.Administrator)})
	}
	if err != nil {
		return c.renderPeople(q, http.StatusUnprocessableEntity, f, fromAPI(err, personFields))
	}
	return q.redirect(BasePath+"/people", "person")
}

func (c *Console) grantRole(q *rq) error {
	f := readPersonForm(q)
	user := "users/" + q.r.PathValue("user")
	_, err := c.b.reg.CreateGrant(q.ctx, &registryv1.CreateGrantRequest{Parent: user, RequestId: q.r.PostForm.Get("request_id"), Grant: grantFor(q.s, f.Role, f.On, f.Administrator)})
	if err != nil {
		fe := formErrors{}
		fe.add("", explainStatus(err))
		for _, v := range violations(err) {
			fe.add("", v.GetField()+": "+explain(v.GetReason()))
		}
		return c.renderPeople(q, http.StatusUnprocessableEntity, c.defaultPersonForm(q), fe)
	}
	return q.redirect(BasePath+"/people", "grant")
}

func (c *Console) revokeGrant(q *rq) error {
	name := "users/" + q.r.PathValue("user") + "/grants/" + q.r.PathValue("grant")
	if _, err := c.b.reg.DeleteGrant(q.ctx, &registryv1.DeleteGrantRequest{Name: name, Etag: q.r.PostForm.Get("etag")}); err != nil {
		fe := formErrors{}
		fe.add("", explainStatus(err))
		return c.renderPeople(q, http.StatusUnprocessableEntity, c.defaultPersonForm(q), fe)
	}
	return q.redirect(BasePath+"/people", "revoked")
}

type apiKeysView struct {
	Keys   []*registryv1.ApiKey
	Secret string
	Name   string
	Errors formErrors
}

func (c *Console) apiKeys(q *rq) error { return c.renderAPIKeys(q, http.StatusOK, apiKeysView{}) }

func (c *Console) renderAPIKeys(q *rq, code int, v apiKeysView) error {
	res, err := c.b.reg.ListApiKeys(q.ctx, &registryv1.ListApiKeysRequest{Parent: q.s.Org, PageSize: 100})
	if err != nil {
		return err
	}
	v.Keys = res.GetApiKeys()
	q.render(code, "apikeys", v)
	return nil
}

func (c *Console) createAPIKey(q *rq) error {
	name := strings.TrimSpace(q.r.PostForm.Get("display_name"))
	res, err := c.b.reg.CreateApiKey(q.ctx, &registryv1.CreateApiKeyRequest{Parent: q.s.Org, RequestId: q.r.PostForm.Get("request_id"), ApiKey: &registryv1.ApiKey{DisplayName: name}})
	if err != nil {
		return c.renderAPIKeys(q, http.StatusUnprocessableEntity, apiKeysView{Name: name, Errors: fromAPI(err, map[string]string{"api_key.display_name": "display_name"})})
	}
	// The secret is shown once, on this answer only (never stored by the console).
	return c.renderAPIKeys(q, http.StatusOK, apiKeysView{Secret: res.GetSecret()})
}

func (c *Console) revokeAPIKey(q *rq) error {
	name := q.s.Org + "/apiKeys/" + q.r.PathValue("key")
	if _, err := c.b.reg.RevokeApiKey(q.ctx, &registryv1.RevokeApiKeyRequest{Name: name}); err != nil {
		fe := formErrors{}
		fe.add("", explainStatus(err))
		return c.renderAPIKeys(q, http.StatusUnprocessableEntity, apiKeysView{Errors: fe})
	}
	return q.redirect(BasePath+"/apikeys", "revoked")
}
