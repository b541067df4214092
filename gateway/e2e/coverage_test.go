package e2e_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	matchapp "github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	registryapp "github.com/lienket/lienket/services/registry/app"
	supportapp "github.com/lienket/lienket/services/support/app"
	webhooksapp "github.com/lienket/lienket/services/webhooks/app"
)

// declared are the collections every service declares, with their indexes.
func declared() []mongostore.Collection {
	var out []mongostore.Collection
	seen := map[string]bool{}
	for _, cs := range [][]mongostore.Collection{registryapp.Collections(), contractsapp.Collections(), matchapp.Collections(), supportapp.Collections(), webhooksapp.Collections(), {mongostore.LedgerDeclaration}} {
		for _, c := range cs {
			if !seen[c.Name] { // migrations: every service's
				seen[c.Name] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// TestIndexCoverage: every find, count, aggregate, update and delete the services send during
// the REST story, the support season, the authorization matrix and the list workload (every
// listing with each of its filter fields, as each kind of caller) is served by an index its
// service declares (storage/indexes.go), by MongoDB's equality–sort–range rule — or reads a
// small bounded collection. On MongoDB, the production store, that is what keeps every request
// from scanning a collection. A failure names the query (values replaced by their types) and
// the index it needs.
func TestIndexCoverage(t *testing.T) {
	cmds := &testkit.Commands{}
	season := startOn(t, server.Config{}, testkit.Database(t, cmds.Option()))
	require.NoError(t, story.Season(season.url, func(p auth.Principal) (string, error) { return season.token(p), nil }, func(string) {}), "the support season")
	whole := startOn(t, server.Config{}, testkit.Database(t, cmds.Option()))
	require.NoError(t, story.Run(whole.url, func(p auth.Principal) (string, error) { return whole.token(p), nil }, func(string) {}), "the story")
	// This suite's matchmaking reconciles holds every 200 ms: its queries are checked too.
	s := startWith(t, server.Config{}, testkit.Database(t, cmds.Option()), map[string]string{"HOLD_RECONCILE_INTERVAL": "200ms"})
	t.Run("matrix", func(t *testing.T) { authorizationMatrix(t, s) })
	t.Run("lists", func(t *testing.T) { listWorkload(t, s) })

	all := distinct(cmds.All())
	require.NotEmpty(t, all)
	for _, u := range mongostore.Check(declared(), all) {
		t.Errorf("%s", u)
	}
	// Each declared index is needed: without it, some query the workload sent is served by no
	// index (the check above would fail).
	for _, w := range withoutEach(declared()) {
		if n := len(mongostore.Check(w.collections, all)); n == 0 {
			t.Errorf("%s: no query of the workload needs it (drop it, or exercise the query that does)", w.index)
		} else {
			t.Logf("%s: without it, %d queries are served by no index", w.index, n)
		}
	}
}

// distinct keeps one command of each kind of query (the check depends on nothing else), so
// that checking the workload once per declared index stays quick.
func distinct(cmds []bson.Raw) []bson.Raw {
	seen := map[string]bool{}
	var out []bson.Raw
	for _, c := range cmds {
		if k := fmt.Sprint(mongostore.QueriesOf(c)); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out
}

// without is the declared collections less one index.
type without struct {
	index       string
	collections []mongostore.Collection
}

// withoutEach returns, for every declared index, the collections without it. A bounded
// collection's indexes are a convenience (its queries need none) and are left out.
func withoutEach(cs []mongostore.Collection) []without {
	var out []without
	for i, c := range cs {
		for j := range c.Indexes {
			if c.Bounded {
				break
			}
			less := append([]mongostore.Collection{}, cs...)
			less[i].Indexes = append(append([]mongo.IndexModel{}, c.Indexes[:j]...), c.Indexes[j+1:]...)
			out = append(out, without{fmt.Sprintf("%s (%s)", c.Name, strings.Join(mongostore.IndexKeys(c.Indexes[j]), ", ")), less})
		}
	}
	return out
}

// listing is a list of the REST API with the filter fields it takes and a value for each.
type listing struct {
	path    string
	filters map[string]string
}

// listings are every list the API serves (parents from the fixture: first is the first name an
// operator's listing of a collection shows).
func listings(first func(collection, key string) string) []listing {
	org, household, user := first("organizations?filter=state+%3D+%22STATE_ACTIVE%22", "organizations"), first("households", "households"), first("users", "users")
	contract, demand := first("contracts", "contracts"), first("demands", "demands")
	call, project, programme := first("calls", "calls"), first("projects", "projects"), first("programmes", "programmes")
	return []listing{
		{"/v1/organizations", map[string]string{"kind": "KIND_COOPERATIVE", "commune_code": places.ChauQue, "province_code": places.LaoCai, "state": "STATE_ACTIVE", "name": "htx"}},
		{"/v1/households", map[string]string{"commune_code": places.ChauQue, "province_code": places.LaoCai, "poverty_status": "POVERTY_STATUS_POOR", "organization": org, "name": "nguyen"}},
		{"/v1/" + household + "/plots", map[string]string{"product": "products/cinnamon-bark"}},
		{"/v1/organizations/-/certifications", map[string]string{"standard": "standards/VIETGAP", "product": "products/cinnamon-bark", "state": "STATE_RECORDED", "expiring_within_days": "90"}},
		{"/v1/" + org + "/certifications", map[string]string{"standard": "standards/VIETGAP", "state": "STATE_RECORDED", "expiring_within_days": "90"}},
		{"/v1/" + org + "/members", map[string]string{"role": "ROLE_MEMBER", "state": "STATE_ACTIVE"}},
		{"/v1/" + household + "/memberships", map[string]string{"role": "ROLE_MEMBER", "state": "STATE_ACTIVE"}},
		{"/v1/authorities", map[string]string{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "admin_area_code": places.ChauQue}},
		{"/v1/adminAreas", map[string]string{"level": "LEVEL_COMMUNE", "parent_code": places.LaoCai}},
		{"/v1/products", map[string]string{"category": "PRODUCT_CATEGORY_CROP"}},
		{"/v1/standards", nil},
		{"/v1/" + org + "/apiKeys", nil},
		{"/v1/users", map[string]string{"organization": org}},
		{"/v1/users", map[string]string{"authority": first("authorities", "authorities")}},
		{"/v1/" + user + "/grants", nil},
		{"/v1/contracts", map[string]string{"state": "CONTRACT_STATE_ACTIVE", "buyer": org, "producer": org, "product": "products/cinnamon-bark",
			"witness_authority": first("authorities", "authorities"), "commune_code": places.ChauQue}},
		{"/v1/" + contract + "/events", nil},
		{"/v1/" + contract + "/deliveries", map[string]string{"household": household, "lot": "lot-1", "state": "STATE_RECORDED"}},
		{"/v1/" + contract + "/inputAdvances", nil},
		{"/v1/" + contract + "/payments", nil},
		{"/v1/" + contract + "/settlement", nil},
		{"/v1/" + contract + "/incidents", map[string]string{"kind": "KIND_LATE_PAYMENT", "state": "STATE_OPEN"}},
		{"/v1/marketPrices", map[string]string{"reference": "que-yen-bai", "price_date": "2026-06-01"}},
		{"/v1/rulebooks", nil},
		{"/v1/demands", map[string]string{"product": "products/cinnamon-bark", "province_code": places.LaoCai, "state": "STATE_OPEN", "buyer": org, "window": "2026-06-15"}},
		{"/v1/offers", map[string]string{"product": "products/cinnamon-bark", "province_code": places.LaoCai, "state": "STATE_OPEN", "producer": org, "window": "2026-06-15"}},
		{"/v1/" + demand + "/proposals", map[string]string{"offer": first("offers", "offers"), "state": "STATE_PENDING"}},
		{"/v1/demands/-/proposals", map[string]string{"offer": first("offers", "offers"), "state": "STATE_PENDING"}},
		{"/v1/programmes", nil},
		{"/v1/" + programme + "/report", nil},
		{"/v1/calls", map[string]string{"state": "CALL_STATE_OPEN", "programme": programme, "investor": first("authorities", "authorities"), "investor_area_code": places.LaoCai}},
		{"/v1/" + call + "/events", nil},
		{"/v1/" + call + "/report", nil},
		{"/v1/projects", map[string]string{"call": call, "owner": org, "state": "PROJECT_STATE_SUBMITTED", "project_type": "PROJECT_TYPE_VALUE_CHAIN", "programme": programme}},
		{"/v1/" + project + "/events", nil},
		{"/v1/" + project + "/disbursements", nil},
		{"/v1/" + project + "/spendingReports", nil},
		{"/v1/" + project + "/activities", nil},
	}
}

// listWorkload lists what every list serves — unfiltered, with each filter field (=, and != for
// the enumerated ones), and with every pair of fields — as each kind of caller, so that every
// query shape a listing can send is checked. Answers do not matter here (the matrix checks who
// sees what); what the services send the store does.
func listWorkload(t *testing.T, s *suite) {
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	first := func(collection, key string) string {
		r := s.must(s.call("GET", "/v1/"+collection, admin, nil), 200)
		items := r.list(key)
		require.NotEmpty(t, items, "the fixture has %s", collection)
		return items[0]["name"].(string)
	}
	org := first("organizations?filter=state+%3D+%22STATE_ACTIVE%22", "organizations")
	callers := []auth.Principal{
		{Subject: "users/admin", Role: auth.RoleAdmin},
		{Subject: "users/biz", Role: auth.RoleBusiness, Organization: org},
		{Subject: "users/coop", Role: auth.RoleProducer, Organization: org},
		{Subject: "keys/partner", Role: auth.RolePartner, Organization: org},
		{Subject: "users/hh", Role: auth.RoleHousehold, Household: first("households", "households")},
		{Subject: "users/xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue},
		{Subject: "users/tinh", Role: auth.RoleProvinceOfficial, AdminArea: places.LaoCai},
	}
	for _, l := range listings(first) {
		var filters []string
		for f, v := range l.filters {
			filters = append(filters, fmt.Sprintf("%s = %q", f, v))
			if strings.Contains(v, "_") && strings.ToUpper(v) == v { // an enum value
				filters = append(filters, fmt.Sprintf("%s != %q", f, v))
			}
			for g, w := range l.filters {
				if g > f {
					filters = append(filters, fmt.Sprintf("%s = %q AND %s = %q", f, v, g, w))
				}
			}
		}
		for _, p := range callers {
			tok := s.token(p)
			for _, f := range append([]string{""}, filters...) {
				path := l.path
				if f != "" {
					path += "?filter=" + url.QueryEscape(f)
				}
				r := s.call("GET", path, tok, nil)
				require.Less(t, r.code, 500, "%s as %s: %s", path, p.Role, r.raw)
			}
		}
	}
}

// TestFiltersRefuseUnknownValues: in every listing of the four services, an enum filter field
// given a value it cannot take is 400 INVALID_ARGUMENT naming the filter, rule FILTER_VALUE,
// with the accepted values — not a 200 with an empty page; and a filter that selects by no
// equality at all is 400 SCOPE_REQUIRED (it would read a whole collection).
func TestFiltersRefuseUnknownValues(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	_, err := story.Active(s.url, mint, func(string) {})
	require.NoError(t, err)
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	first := func(collection, key string) string {
		items := s.must(s.call("GET", "/v1/"+collection, admin, nil), 200).list(key)
		if len(items) == 0 { // support's: its listings with enum filters have no parent
			return strings.SplitN(collection, "?", 2)[0] + "/none"
		}
		return items[0]["name"].(string)
	}
	checked := map[string]bool{}
	for _, l := range listings(first) {
		for f, v := range l.filters {
			if !strings.Contains(v, "_") || strings.ToUpper(v) != v {
				continue // not an enum field
			}
			for _, op := range []string{"=", "!="} {
				path := l.path + "?filter=" + url.QueryEscape(fmt.Sprintf("%s %s %q", f, op, "NOPE"))
				r := s.call("GET", path, admin, nil)
				require.Equal(t, 400, r.code, "%s: %s", path, r.raw)
				require.Equal(t, "FILTER_VALUE", violation(r, "filter"), "%s: %s", path, r.raw)
				require.Contains(t, r.raw, v, "%s: the accepted values are listed", path)
			}
			checked[strings.SplitN(strings.TrimPrefix(l.path, "/v1/"), "/", 2)[0]] = true
		}
	}
	for _, c := range []string{"organizations", "households", "authorities", "adminAreas", "products", "contracts", "demands", "offers", "calls", "projects"} {
		require.True(t, checked[c], "an enum filter of %s is checked", c)
	}
	for _, path := range []string{"/v1/contracts?filter=" + url.QueryEscape(`buyer != "organizations/x"`), "/v1/offers?filter=" + url.QueryEscape(`window = "2026-06-15"`),
		"/v1/organizations?filter=" + url.QueryEscape(`commune_code != "`+places.ChauQue+`"`)} {
		r := s.call("GET", path, admin, nil)
		require.Equal(t, 400, r.code, "%s: %s", path, r.raw)
		require.Equal(t, "SCOPE_REQUIRED", violation(r, "filter"), "%s: %s", path, r.raw)
	}
}

// violation is the rule of the first field violation of an error response naming field.
func violation(r resp, field string) string {
	details, _ := r.body["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		vs, _ := m["field_violations"].([]any)
		for _, v := range vs {
			fv, _ := v.(map[string]any)
			if fv["field"] == field {
				if rule, ok := fv["reason"].(string); ok && rule != "" {
					return rule
				}
				desc, _ := fv["description"].(string)
				return desc
			}
		}
	}
	return ""
}
