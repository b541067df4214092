package domain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
)

func TestPlotGeometryRules(t *testing.T) {
	for name, tc := range map[string]struct{ geojson, rule string }{
		"square":              {`{"type":"Polygon","coordinates":[[[105,21],[105.001,21],[105.001,21.001],[105,21.001],[105,21]]]}`, ""},
		"square with a hole":  {`{"type":"Polygon","coordinates":[[[105,21],[105.003,21],[105.003,21.003],[105,21.003],[105,21]],[[105.001,21.001],[105.002,21.001],[105.002,21.002],[105.001,21.002],[105.001,21.001]]]}`, ""},
		"hole crossing outer": {`{"type":"Polygon","coordinates":[[[105,21],[105.003,21],[105.003,21.003],[105,21.003],[105,21]],[[105.001,21.001],[105.005,21.001],[105.005,21.002],[105.001,21.002],[105.001,21.001]]]}`, "GEOMETRY_SELF_INTERSECTION"},
		"bowtie":              {`{"type":"Polygon","coordinates":[[[105,21],[105.001,21.001],[105.001,21],[105,21.001],[105,21]]]}`, "GEOMETRY_SELF_INTERSECTION"},
		"touches itself":      {`{"type":"Polygon","coordinates":[[[105,21],[105.002,21],[105.001,21],[105.001,21.001],[105,21.001],[105,21]]]}`, "GEOMETRY_SELF_INTERSECTION"},
		"repeated vertex":     {`{"type":"Polygon","coordinates":[[[105,21],[105.001,21],[105.001,21],[105.001,21.001],[105,21.001],[105,21]]]}`, "GEOMETRY_SELF_INTERSECTION"},
		"flat":                {`{"type":"Polygon","coordinates":[[[105,21],[105.001,21],[105.002,21],[105,21]]]}`, "GEOMETRY_SELF_INTERSECTION"},
		"three positions":     {`{"type":"Polygon","coordinates":[[[105,21],[105.001,21],[105,21]]]}`, "GEOMETRY_RING"},
		"not json":            {`{"type":`, "GEOMETRY_FORMAT"},
		"feature":             {`{"type":"Feature","geometry":null}`, "GEOMETRY_FORMAT"},
		"Bangkok":             {`{"type":"Point","coordinates":[100.5,13.75]}`, "GEOMETRY_OUTSIDE_VIETNAM"},
		"Trường Sa":           {`{"type":"Point","coordinates":[114.3,10.4]}`, ""},
	} {
		var v apierr.Violations
		_, ok := ParsePlotGeometry(&v, "g", []byte(tc.geojson))
		if tc.rule == "" {
			require.True(t, ok, name)
			continue
		}
		require.False(t, ok, name)
		require.Equal(t, tc.rule, v.List()[0].Rule, name)
	}
}

func FuzzParsePlotGeometry(f *testing.F) {
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[105,21],[105.001,21],[105.001,21.001],[105,21.001],[105,21]]]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[105,21],[105.001,21],[105,21.001],[105,21]]]]}`))
	f.Add([]byte(`{"type":"Point","coordinates":[105,21]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v apierr.Violations
		s, ok := ParsePlotGeometry(&v, "g", b)
		require.Equal(t, ok, v.Empty())
		if ok {
			require.GreaterOrEqual(t, s.AreaHa, 0.0)
			require.NotEmpty(t, s.GeoJSON)
		}
	})
}
