package transport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestReportsEqualTheRecords is the property test of the reports: over random seasons
// (contracts in every state, deliveries with rejections and market prices, advances,
// payments on time and late, incidents of every kind and outcome, households in contracts of
// two provinces), every figure of every report — national, each province, each commune, each
// organisation, with random filters and periods — equals the figure computed directly from
// the records the API returns. The season is written through two replicas whose background
// refreshers run meanwhile; reports are asked between rounds of writes, so the rollups are
// checked as they are kept up to date, not only built once.
func TestReportsEqualTheRecords(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			w := newSeasonWorld(t, seed)
			for round := range 3 {
				for range 3 {
					w.addContract(t)
				}
				recs := w.records(t)
				for _, q := range w.queries() {
					got := w.report(t, q)
					want := computeOracle(recs, w.profiles, q)
					require.Equal(t, want, reportFigs(got), "round %d, %+v", round, q)
				}
			}
		})
	}
}

// queries are the reports of a round: every scope, each with a random period and filter.
func (w *seasonWorld) queries() []oracleQuery {
	qs := []oracleQuery{{kind: "national"}, {kind: "national"}}
	for _, p := range w.provinces {
		qs = append(qs, oracleQuery{kind: "province", code: p})
	}
	for _, a := range w.areas {
		qs = append(qs, oracleQuery{kind: "commune", code: a.commune})
	}
	for _, b := range w.buyers {
		qs = append(qs, oracleQuery{kind: "organization", code: b})
	}
	for _, p := range w.producers[:2] {
		qs = append(qs, oracleQuery{kind: "organization", code: p.name})
	}
	for i := range qs {
		q := &qs[i]
		switch w.rng.IntN(3) {
		case 0:
			q.from, q.to = "2026-01", "2026-12"
		case 1:
			a := 1 + w.rng.IntN(12)
			q.from, q.to = monthName(2026*12+a-1), monthName(2026*12+a-1+w.rng.IntN(13-a))
		default:
			q.from, q.to = "2026-06", "2027-03" // incidents are dated today
		}
		if w.rng.IntN(2) == 0 {
			q.product = []string{"products/cinnamon-bark", "products/star-anise"}[w.rng.IntN(2)]
		}
		if w.rng.IntN(4) == 0 {
			q.rulebook = []string{"decree98", "ntp-sedema"}[w.rng.IntN(2)]
		}
		if w.rng.IntN(4) == 0 {
			q.form = []string{"LINKAGE_FORM_PURCHASE_ONLY", "FULL_CHAIN", "LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE", "SERVICES_AND_PURCHASE"}[w.rng.IntN(4)]
		}
		if q.kind == "national" && w.rng.IntN(3) == 0 {
			a := w.areas[w.rng.IntN(len(w.areas))]
			if w.rng.IntN(2) == 0 {
				q.province = a.province
			} else {
				q.commune = a.commune
			}
		}
	}
	return qs
}

// report asks for q as the principal whose own scope it is (the default scope), or as an
// operator naming the scope.
func (w *seasonWorld) report(t *testing.T, q oracleQuery) *contractsv1.ContractReport {
	var p auth.Principal
	scope := ""
	switch q.kind {
	case "national":
		p = admin
	case "province":
		p = auth.Principal{Subject: "users/province-" + q.code, Role: auth.RoleProvinceOfficial, AdminArea: q.code}
	case "commune":
		p = communeOfficial(q.code)
	case "organization":
		p = orgUser(q.code, auth.RoleBusiness)
		if w.rng.IntN(2) == 0 {
			p, scope = admin, q.code
		}
	}
	r, err := w.client(t, p).ReportContracts(context.Background(), &contractsv1.ReportContractsRequest{Scope: scope, StartMonth: q.from, EndMonth: q.to, Filter: q.filter()})
	require.NoError(t, err, "%+v", q)
	return r
}

// TestReportScopes: a report never reaches beyond its caller's scope. A commune official sees
// their commune only, a province official their province and its communes, an organisation
// its own contracts; households have no reports; a filter naming another area narrows to
// nothing rather than widening.
func TestReportScopes(t *testing.T) {
	ctx := context.Background()
	w := newSeasonWorld(t, 7)
	for range 6 {
		w.addContract(t)
	}
	a0, a2 := w.areas[0], w.areas[2] // different provinces
	prov := func(code string) auth.Principal {
		return auth.Principal{Subject: "users/p-" + code, Role: auth.RoleProvinceOfficial, AdminArea: code}
	}
	denied := []struct {
		p     auth.Principal
		scope string
	}{
		{communeOfficial(a0.commune), "adminAreas/" + w.areas[1].commune},
		{communeOfficial(a0.commune), "adminAreas/" + a0.province},
		{communeOfficial(a0.commune), "national"},
		{prov(a0.province), "adminAreas/" + a2.commune},
		{prov(a0.province), "adminAreas/" + a2.province},
		{prov(a0.province), "national"},
		{orgUser(w.buyers[0], auth.RoleBusiness), w.buyers[1]},
		{orgUser(w.buyers[0], auth.RoleBusiness), "adminAreas/" + a0.commune},
		{orgUser(w.producers[0].name, auth.RoleProducer), w.producers[1].name},
		{auth.Principal{Subject: "apiKeys/k", Role: auth.RolePartner, Organization: w.buyers[0]}, w.buyers[1]},
		{householdUser(w.producers[0].members[0]), ""},
	}
	for _, d := range denied {
		_, err := w.client(t, d.p).ReportContracts(ctx, &contractsv1.ReportContractsRequest{Scope: d.scope})
		requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "%s asks for %q", d.p.String(), d.scope)
	}
	// A province official drills into a commune of the province; a partner key sees its own.
	_, err := w.client(t, prov(a0.province)).ReportContracts(ctx, &contractsv1.ReportContractsRequest{Scope: "adminAreas/" + a0.commune})
	require.NoError(t, err)
	_, err = w.client(t, auth.Principal{Subject: "apiKeys/k", Role: auth.RolePartner, Organization: w.buyers[0]}).ReportContracts(ctx, &contractsv1.ReportContractsRequest{})
	require.NoError(t, err)

	// Filters narrow within the scope, never beyond it.
	recs := w.records(t)
	for _, f := range []string{`commune_code = "` + w.areas[1].commune + `"`, `province_code = "` + a2.province + `"`} {
		r, err := w.client(t, communeOfficial(a0.commune)).ReportContracts(ctx, &contractsv1.ReportContractsRequest{StartMonth: "2026-01", EndMonth: "2026-12", Filter: f})
		require.NoError(t, err)
		require.Zero(t, r.Total.Contracts, "%s: nothing of another area", f)
		require.Empty(t, r.ByArea)
	}
	r, err := w.client(t, communeOfficial(a0.commune)).ReportContracts(ctx, &contractsv1.ReportContractsRequest{StartMonth: "2026-01", EndMonth: "2026-12"})
	require.NoError(t, err)
	require.Equal(t, computeOracle(recs, w.profiles, oracleQuery{kind: "commune", code: a0.commune, from: "2026-01", to: "2026-12"}), reportFigs(r))
	for _, l := range r.ByArea {
		require.Equal(t, a0.commune, l.Key, "a commune's report has only its commune")
	}
	require.Equal(t, contractsv1.ContractReport_SCOPE_KIND_COMMUNE, r.ScopeKind)
	require.Equal(t, "adminAreas/"+a0.commune, r.Scope)

	// Bad requests name the field and the rule.
	for _, b := range []struct {
		req    *contractsv1.ReportContractsRequest
		field  string
		reason string
	}{
		{&contractsv1.ReportContractsRequest{StartMonth: "2026-13"}, "start_month", "MONTH"},
		{&contractsv1.ReportContractsRequest{StartMonth: "2026-1"}, "start_month", "MONTH"},
		{&contractsv1.ReportContractsRequest{EndMonth: "2026-02-01"}, "end_month", "MONTH"},
		{&contractsv1.ReportContractsRequest{StartMonth: "2026-05", EndMonth: "2026-04"}, "end_month", "PERIOD_ORDER"},
		{&contractsv1.ReportContractsRequest{StartMonth: "2020-01", EndMonth: "2026-01"}, "end_month", "PERIOD_LENGTH"},
		{&contractsv1.ReportContractsRequest{Filter: `state = "ACTIVE"`}, "filter", "FILTER_SYNTAX"},
		{&contractsv1.ReportContractsRequest{Filter: `product != "products/x"`}, "filter", "FILTER_OPERATOR"},
		{&contractsv1.ReportContractsRequest{Filter: `linkage_form = "BARTER"`}, "filter", "FILTER_VALUE"},
		{&contractsv1.ReportContractsRequest{Scope: "planets/mars"}, "scope", "REPORT_SCOPE"},
	} {
		_, err := w.client(t, admin).ReportContracts(ctx, b.req)
		requireViolation(t, err, b.field, b.reason)
	}
	_, err = w.client(t, admin).ReportContracts(ctx, &contractsv1.ReportContractsRequest{Scope: "adminAreas/00000"})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "an unknown area")
}
