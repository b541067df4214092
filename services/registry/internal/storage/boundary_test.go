package storage

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// TestPointInCommune with the real boundaries: each test commune's centroid lies in its own
// commune and in none of the others; a point 2 km off a commune's edge is neither inside nor
// within the tolerance.
func TestPointInCommune(t *testing.T) {
	ref, _, err := newStore(t).LoadReferenceData(context.Background(), "")
	require.NoError(t, err)
	communes := []string{places.ChauQue, places.DongCuong, places.BaoHa, places.BaDinh, places.HuongKhe, places.TanCuong, places.SaiGon, places.ThapMuoi}
	for _, c := range communes {
		a, _ := ref.AdminArea(c)
		centroid := orb.Point{a.Longitude, a.Latitude}
		for _, other := range communes {
			b, ok := ref.Boundary(other)
			require.True(t, ok, other)
			require.Equal(t, c == other, domain.WithinArea(centroid, b, 0), "centroid of %s (%s) in %s", a.Name, c, other)
		}
	}
	chauQue, _ := ref.Boundary(places.ChauQue)
	bound := chauQue.Bound()
	west := orb.Point{bound.Min[0] - 0.02, (bound.Min[1] + bound.Max[1]) / 2} // ~2 km west of its westmost point
	require.False(t, planar.MultiPolygonContains(toMulti(chauQue), west))
	require.False(t, domain.WithinArea(west, chauQue, domain.CommuneToleranceM))
	edge := orb.Point{bound.Min[0] - 0.001, west[1]} // ~100 m beyond the west edge's bounding line
	require.True(t, domain.WithinArea(edge, chauQue, 2500), "within a wide tolerance")
	_, ok := ref.Boundary(places.LaoCai)
	require.False(t, ok, "provinces ship no boundary")
}

func toMulti(g orb.Geometry) orb.MultiPolygon {
	switch x := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{x}
	case orb.MultiPolygon:
		return x
	}
	return nil
}
