package demo

import (
	"context"
	"fmt"
	"math"

	"google.golang.org/protobuf/types/known/structpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// PlotName is the display name of the first demo household's plot.
const PlotName = "Đồi quế Khe Lóng"

// plot records the first household's production plot: a 1 ha square of cinnamon at the centre
// of the commune (its centroid, read from the registry), with its land-use certificate.
func (s *seeder) plot(ctx context.Context) error {
	a, err := s.reg.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + Commune}, s.admin)
	if err != nil {
		return fmt.Errorf("commune %s: %w", Commune, err)
	}
	g, err := structpb.NewStruct(map[string]any{"type": "Polygon", "coordinates": []any{square(a.GetLongitude(), a.GetLatitude(), 100)}})
	if err != nil {
		return err
	}
	p, err := s.reg.CreatePlot(ctx, &registryv1.CreatePlotRequest{RequestId: "demo-plot-1", Parent: s.out.Names[Household1], Plot: &registryv1.Plot{
		DisplayName: PlotName, Products: []string{"cinnamon-bark"}, Geometry: g, DeclaredAreaHa: 1,
		LandUseCertificateType:   registryv1.Plot_LAND_USE_CERTIFICATE_TYPE_LAND_USE_RIGHTS,
		LandUseCertificateNumber: "CS 04512 300127",
	}}, s.admin)
	if err != nil {
		return fmt.Errorf("plot of %s: %w", Households[0].Head, err)
	}
	s.out.Plot = p.GetName()
	return nil
}

// square is a closed GeoJSON ring of side metres centred on (lng, lat).
func square(lng, lat, side float64) []any {
	dlat := side / 2 / 110_740 // metres per degree of latitude near 22° N
	dlng := side / 2 / (111_320 * math.Cos(lat*math.Pi/180))
	at := func(x, y float64) []any { return []any{x, y} }
	return []any{at(lng-dlng, lat-dlat), at(lng+dlng, lat-dlat), at(lng+dlng, lat+dlat), at(lng-dlng, lat+dlat), at(lng-dlng, lat-dlat)}
}
