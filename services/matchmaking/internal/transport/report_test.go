package transport_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestDemandReport: demands posted, filled, closed, cancelled and open, counted by the area of
// delivery, product and month, within the caller's scope only.
func TestDemandReport(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	filled := w.demand(t, 1000, 500, 0)
	open := w.demand(t, 700, 100, 0)
	closed, cancelled := w.demand(t, 300, 100, 0), w.demand(t, 200, 100, 0)
	_, err := buyer.CloseDemand(ctx, &matchmakingv1.CloseDemandRequest{Name: closed.Name})
	require.NoError(t, err)
	_, err = buyer.CancelDemand(ctx, &matchmakingv1.CancelDemandRequest{Name: cancelled.Name})
	require.NoError(t, err)
	elsewhere, err := buyer.CreateDemand(ctx, &matchmakingv1.CreateDemandRequest{Demand: &matchmakingv1.Demand{
		Buyer: w.buyer, Product: "products/star-anise", Quantity: 400, MinLotQuantity: 100, DeliveryWindow: window("2026-06-01", "2026-06-30"),
		DeliveryCommuneCode: places.ThapMuoi, PriceTerms: &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: 90000}}})
	require.NoError(t, err)
	near := w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/VIETGAP")
	pr, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: filled.Name, Proposal: &matchmakingv1.Proposal{Offer: near.Name, Quantity: 1000}})
	require.NoError(t, err)
	_, err = w.mmAs(t, orgUser(auth.RoleProducer, w.near)).AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	require.NoError(t, err)
	_ = open

	reg := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, w.a.Token(t, admin)))
	provinceOf := func(commune string) string {
		a, err := reg.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + commune})
		require.NoError(t, err)
		return strings.TrimPrefix(a.ParentCode, "adminAreas/")
	}
	home, away := provinceOf(places.BaoHa), provinceOf(elsewhere.DeliveryCommuneCode)
	month := filled.CreateTime.AsTime().In(time.FixedZone("ICT", 7*3600)).Format("2006-01")
	figs := func(posted, qty, alloc, o, f, c, x int64) *matchmakingv1.DemandFigures {
		return &matchmakingv1.DemandFigures{Posted: posted, Quantity: qty, AllocatedQuantity: alloc, Open: o, Filled: f, Closed: c, Cancelled: x}
	}
	report := func(p auth.Principal, scope, filter string) *matchmakingv1.DemandReport {
		r, err := w.mmAs(t, p).ReportDemands(ctx, &matchmakingv1.ReportDemandsRequest{Scope: scope, StartMonth: month, EndMonth: month, Filter: filter})
		require.NoError(t, err, "%s %q", p.String(), scope)
		return r
	}
	r := report(admin, "", "")
	require.True(t, r.ByProvince)
	require.Equal(t, figs(5, 2600, 1000, 2, 1, 1, 1), r.Total)
	byArea := map[string]*matchmakingv1.DemandFigures{}
	for _, l := range r.ByArea {
		byArea[l.Key] = l.Figures
	}
	require.Equal(t, map[string]*matchmakingv1.DemandFigures{home: figs(4, 2200, 1000, 1, 1, 1, 1), away: figs(1, 400, 0, 1, 0, 0, 0)}, byArea)
	require.Len(t, r.ByMonth, 1)
	require.Equal(t, r.Total, r.ByMonth[0].Figures)

	official := auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.BaoHa}
	require.Equal(t, figs(4, 2200, 1000, 1, 1, 1, 1), report(official, "", "").Total, "the commune's deliveries only")
	require.Equal(t, figs(1, 400, 0, 1, 0, 0, 0), report(auth.Principal{Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: away}, "", "").Total)
	require.Equal(t, figs(5, 2600, 1000, 2, 1, 1, 1), report(orgUser(auth.RoleBusiness, w.buyer), "", "").Total, "the buyer's own")
	require.Equal(t, figs(1, 400, 0, 1, 0, 0, 0), report(admin, "national", `product = "products/star-anise"`).Total)
	require.Equal(t, &matchmakingv1.DemandFigures{}, report(official, "", `commune_code = "`+places.ThapMuoi+`"`).Total, "a filter never widens the scope")
	require.Equal(t, &matchmakingv1.DemandFigures{}, report(orgUser(auth.RoleBusiness, "organizations/other"), "", "").Total)
	before, err := w.mmAs(t, admin).ReportDemands(ctx, &matchmakingv1.ReportDemandsRequest{StartMonth: "2025-01", EndMonth: "2025-12"})
	require.NoError(t, err)
	require.Zero(t, before.Total.Posted, "posted after the period")

	for _, d := range []struct {
		p     auth.Principal
		scope string
	}{
		{official, "adminAreas/" + places.ThapMuoi}, {official, "national"}, {orgUser(auth.RoleBusiness, "organizations/other"), w.buyer},
		{auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: w.nearHH[0]}, ""},
	} {
		_, err := w.mmAs(t, d.p).ReportDemands(ctx, &matchmakingv1.ReportDemandsRequest{Scope: d.scope})
		refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "%s %q", d.p.String(), d.scope)
	}
	_, err = w.mmAs(t, admin).ReportDemands(ctx, &matchmakingv1.ReportDemandsRequest{StartMonth: "2026-1"})
	invalid(t, err, "start_month", "MONTH")
	_, err = w.mmAs(t, admin).ReportDemands(ctx, &matchmakingv1.ReportDemandsRequest{Filter: `state = "OPEN"`})
	invalid(t, err, "filter", "FILTER_SYNTAX")
}
