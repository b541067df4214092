package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/structpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestContractPlots: allocations name their household's plots (a plot of another household,
// or none recorded, is a violation) and the contract's plots export as a GeoJSON
// FeatureCollection with the due-diligence properties; a household sees its own plots only.
func TestContractPlots(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	reg := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.regAddr, w.a.Token(t, admin)))
	area, err := reg.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.ChauQue})
	require.NoError(t, err)
	plot := func(h string, dx float64) string {
		g, err := structpb.NewStruct(map[string]any{"type": "Point", "coordinates": []any{area.Longitude + dx, area.Latitude}})
		require.NoError(t, err)
		p, err := reg.CreatePlot(ctx, &registryv1.CreatePlotRequest{Parent: h, Plot: &registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: g, DeclaredAreaHa: 1.5}})
		require.NoError(t, err)
		return p.Name
	}
	p0, p1 := plot(w.households[0], 0), plot(w.households[1], 0.002)

	buyer := w.client(t, w.buyerUser())
	terms := w.terms()
	terms.Allocations[0].Plots = []string{p1} // the other household's plot
	_, err = buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms}})
	requireViolation(t, err, "contract.terms.allocations[0].plots[0]", "RESOURCE_NAME")

	terms.Allocations[0].Plots = []string{w.households[0] + "/plots/none"}
	terms.Allocations[1].Plots = []string{p1}
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms}})
	require.NoError(t, err)
	v, err := buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Len(t, v.Violations, 1)
	require.Equal(t, "D98-HOUSEHOLDS", v.Violations[0].RuleId)
	require.Equal(t, "terms.allocations[0].plots[0]", v.Violations[0].Field)

	terms.Allocations[0].Plots = []string{p0}
	c, err = buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms}})
	require.NoError(t, err)
	v, err = buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Empty(t, v.Violations)

	fc, err := buyer.ExportContractPlots(ctx, &contractsv1.ExportContractPlotsRequest{Name: c.Name})
	require.NoError(t, err)
	got := fc.FeatureCollection.AsMap()
	require.Equal(t, "FeatureCollection", got["type"])
	features := got["features"].([]any)
	require.Len(t, features, 2)
	f0 := features[0].(map[string]any)
	require.Equal(t, "Point", f0["geometry"].(map[string]any)["type"])
	props := f0["properties"].(map[string]any)
	require.Equal(t, p0, props["plot"])
	require.Equal(t, "VN", props["producer_country"])
	require.Equal(t, 1.5, props["area_ha"])
	require.Equal(t, "products/cinnamon-bark", props["commodity"])
	require.Equal(t, places.ChauQue, props["commune_code"])
	require.Equal(t, c.Name, props["contract"])

	own, err := w.client(t, householdUser(w.households[1])).ExportContractPlots(ctx, &contractsv1.ExportContractPlotsRequest{Name: c.Name})
	require.NoError(t, err)
	require.Len(t, own.FeatureCollection.AsMap()["features"].([]any), 1, "a household sees its own plots only")
	_, err = w.client(t, auth.Principal{Subject: "users/x", Role: auth.RoleBusiness, Organization: "organizations/other"}).ExportContractPlots(ctx, &contractsv1.ExportContractPlotsRequest{Name: c.Name})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
}
