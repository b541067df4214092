package transport_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/structpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// square is a closed ring of side metres around (lng, lat), as GeoJSON coordinates.
func square(lng, lat, side float64) []any {
	dlat := side / 2 / 111_320
	dlng := side / 2 / (111_320 * math.Cos(lat*math.Pi/180))
	return []any{[]any{lng - dlng, lat - dlat}, []any{lng + dlng, lat - dlat}, []any{lng + dlng, lat + dlat}, []any{lng - dlng, lat + dlat}, []any{lng - dlng, lat - dlat}}
}

func geometry(t *testing.T, typ string, coords any) *structpb.Struct {
	s, err := structpb.NewStruct(map[string]any{"type": typ, "coordinates": coords})
	require.NoError(t, err)
	return s
}

// TestPlots: plots are checked against the real boundary of the household's commune (valid,
// self-intersecting, outside the commune, area mismatch, a point over 4 ha, outside Vietnam),
// the land-use document's number is kept like a national ID, and the household's cultivated
// area comes from its plots.
func TestPlots(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Quế Châu Quế", places.ChauQue)})
	require.NoError(t, err)
	h, err := c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)})
	require.NoError(t, err)
	_, err = c.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: org.Name, Membership: &registryv1.Membership{Household: h.Name}})
	require.NoError(t, err)
	producer := e.client(t, auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: org.Name})
	chauQue, err := c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.ChauQue})
	require.NoError(t, err)
	dongCuong, err := c.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.DongCuong})
	require.NoError(t, err)
	lng, lat := chauQue.Longitude, chauQue.Latitude
	create := func(p *registryv1.Plot) (*registryv1.Plot, error) {
		return producer.CreatePlot(ctx, &registryv1.CreatePlotRequest{Parent: h.Name, Plot: p})
	}

	// A 1 ha square (100 m × 100 m) at the commune's centre, declared 1 ha.
	plot, err := create(&registryv1.Plot{DisplayName: "Đồi quế Khe Lóng", Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{square(lng, lat, 100)}),
		DeclaredAreaHa: 1, LandUseCertificateType: registryv1.Plot_LAND_USE_CERTIFICATE_TYPE_LAND_USE_RIGHTS, LandUseCertificateNumber: "CS 012345"})
	require.NoError(t, err)
	require.InDelta(t, 1.0, plot.AreaHa, 0.01)
	require.Equal(t, places.ChauQue, plot.CommuneCode)
	require.Equal(t, "2345", plot.LandUseCertificateLast4)
	require.Empty(t, plot.LandUseCertificateNumber, "the number is never returned")
	require.Equal(t, "Polygon", plot.Geometry.Fields["type"].GetStringValue())

	bad := map[string]struct {
		plot        *registryv1.Plot
		field, rule string
	}{
		"self-intersecting": {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{[]any{
			[]any{lng, lat}, []any{lng + 0.001, lat + 0.001}, []any{lng + 0.001, lat}, []any{lng, lat + 0.001}, []any{lng, lat}}})}, "plot.geometry", "GEOMETRY_SELF_INTERSECTION"},
		"outside the commune": {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{square(dongCuong.Longitude, dongCuong.Latitude, 100)})}, "plot.geometry", "PLOT_OUTSIDE_COMMUNE"},
		"area mismatch":       {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{square(lng, lat, 100)}), DeclaredAreaHa: 2}, "plot.declared_area_ha", "PLOT_AREA_MISMATCH"},
		"point over 4 ha":     {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Point", []any{lng, lat}), DeclaredAreaHa: 5}, "plot.declared_area_ha", "PLOT_POINT_AREA"},
		"point without area":  {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Point", []any{lng, lat})}, "plot.declared_area_ha", "PLOT_POINT_AREA"},
		"outside Vietnam":     {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{square(100.5, 13.75, 100)})}, "plot.geometry", "GEOMETRY_OUTSIDE_VIETNAM"},
		"open ring": {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Polygon", []any{[]any{
			[]any{lng, lat}, []any{lng + 0.001, lat}, []any{lng + 0.001, lat + 0.001}, []any{lng, lat + 0.001}}})}, "plot.geometry", "GEOMETRY_RING"},
		"a line":          {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "LineString", []any{[]any{lng, lat}, []any{lng + 0.001, lat}})}, "plot.geometry", "GEOMETRY_TYPE"},
		"no product":      {&registryv1.Plot{Geometry: geometry(t, "Point", []any{lng, lat}), DeclaredAreaHa: 1}, "plot.products", "MAX_ITEMS"},
		"unknown product": {&registryv1.Plot{Products: []string{"unobtainium"}, Geometry: geometry(t, "Point", []any{lng, lat}), DeclaredAreaHa: 1}, "plot.products[0]", "PRODUCT_EXISTS"},
		"bad number": {&registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Point", []any{lng, lat}), DeclaredAreaHa: 1,
			LandUseCertificateNumber: "số đỏ"}, "plot.land_use_certificate_number", "LAND_USE_NUMBER_FORMAT"},
		"no geometry": {&registryv1.Plot{Products: []string{"cinnamon-bark"}}, "plot.geometry", "GEOMETRY_FORMAT"},
	}
	for name, tc := range bad {
		_, err := create(tc.plot)
		requireRule(t, err, tc.field, tc.rule, name)
	}

	// A point for a plot of up to 4 ha, and a MultiPolygon near the centre.
	pt, err := create(&registryv1.Plot{Products: []string{"cinnamon-bark", "star-anise"}, Geometry: geometry(t, "Point", []any{lng + 0.002, lat}), DeclaredAreaHa: 3})
	require.NoError(t, err)
	require.Equal(t, 3.0, pt.AreaHa)
	_, err = create(&registryv1.Plot{Products: []string{"star-anise"}, Geometry: geometry(t, "MultiPolygon", []any{[]any{square(lng-0.003, lat, 50)}, []any{square(lng-0.003, lat+0.002, 50)}}), DeclaredAreaHa: 0.5})
	require.NoError(t, err)

	got, err := producer.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	require.NoError(t, err)
	areas := map[string]*registryv1.CultivatedArea{}
	for _, a := range got.CultivatedAreas {
		areas[a.Product] = a
	}
	require.True(t, areas["cinnamon-bark"].FromPlots)
	require.InDelta(t, 40_000, areas["cinnamon-bark"].AreaM2, 150, "1 ha polygon + 3 ha point")
	require.InDelta(t, 35_000, areas["star-anise"].AreaM2, 150, "3 ha point + 0.5 ha in two parts")

	list, err := producer.ListPlots(ctx, &registryv1.ListPlotsRequest{Parent: h.Name, Filter: `product = "star-anise"`})
	require.NoError(t, err)
	require.Len(t, list.Plots, 2)
	outsider := e.client(t, auth.Principal{Subject: "users/x", Role: auth.RoleProducer, Organization: "organizations/other"})
	_, err = outsider.GetPlot(ctx, &registryv1.GetPlotRequest{Name: plot.Name})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = outsider.CreatePlot(ctx, &registryv1.CreatePlotRequest{Parent: h.Name, Plot: &registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: geometry(t, "Point", []any{lng, lat}), DeclaredAreaHa: 1}})
	requireStatus(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = producer.DeletePlot(ctx, &registryv1.DeletePlotRequest{Name: pt.Name, Etag: pt.Etag})
	require.NoError(t, err)
	got, err = producer.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	require.NoError(t, err)
	for _, a := range got.CultivatedAreas {
		if a.Product == "cinnamon-bark" {
			require.InDelta(t, 10_000, a.AreaM2, 100, "the deleted point's 3 ha are gone")
		}
	}
}
