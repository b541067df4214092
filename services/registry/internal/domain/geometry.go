package domain

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Bounds of plot geometries.
const (
	// MaxPointPlotHa is the largest plot a single point may locate: EU Regulation 2023/1115
	// (deforestation-free products), Art. 2(28), accepts a point for plots of up to 4 ha.
	MaxPointPlotHa = 4.0
	// CommuneToleranceM is how far outside its commune's boundary a plot's vertex may lie: the
	// shipped boundaries are simplified to about 200 m.
	CommuneToleranceM = 250.0
	// AreaTolerance and MinAreaToleranceHa bound the difference between a polygon's computed
	// area and the declared one: 10%, and at least 0.05 ha (500 m²) for small plots.
	AreaTolerance, MinAreaToleranceHa = 0.10, 0.05
	// MaxPlotVertices bounds a plot geometry.
	MaxPlotVertices = 10_000
	// MaxPlotHa bounds a plot's area (a smallholder plot, not a province).
	MaxPlotHa       = 10_000.0
	metresPerDegree = 111_320.0
)

// Vietnam's extent, mainland and islands (Hoàng Sa, Trường Sa), in WGS 84 degrees.
var vietnam = orb.Bound{Min: orb.Point{102.1, 8.1}, Max: orb.Point{117.9, 23.4}}

// Shape is a checked plot geometry: the geometry, its GeoJSON and its area (ha; 0 for a point).
type Shape struct {
	Geometry orb.Geometry
	GeoJSON  string
	AreaHa   float64
}

// ParsePlotGeometry reads and checks a plot's GeoJSON geometry (field names it): a Polygon or
// MultiPolygon with closed rings of at least 4 positions and no self-intersection, or a Point;
// every position finite and in Vietnam. Rules: GEOMETRY_FORMAT, GEOMETRY_TYPE,
// GEOMETRY_TOO_COMPLEX, GEOMETRY_RING, GEOMETRY_SELF_INTERSECTION, GEOMETRY_OUTSIDE_VIETNAM.
func ParsePlotGeometry(v *apierr.Violations, field string, geoJSON []byte) (Shape, bool) {
	g, err := geojson.UnmarshalGeometry(geoJSON)
	if err != nil || g.Coordinates == nil {
		v.Add(field, "GEOMETRY_FORMAT", "must be a GeoJSON geometry")
		return Shape{}, false
	}
	var polys []orb.Polygon
	switch c := g.Coordinates.(type) {
	case orb.Point:
	case orb.Polygon:
		polys = []orb.Polygon{c}
	case orb.MultiPolygon:
		polys = c
	default:
		v.Add(field, "GEOMETRY_TYPE", "must be a Polygon, a MultiPolygon or (for plots up to 4 ha) a Point, not a %s", g.Type)
		return Shape{}, false
	}
	if countPoints(g.Coordinates) > MaxPlotVertices {
		v.Add(field, "GEOMETRY_TOO_COMPLEX", "at most %d positions", MaxPlotVertices)
		return Shape{}, false
	}
	if !inVietnam(g.Coordinates) {
		v.Add(field, "GEOMETRY_OUTSIDE_VIETNAM", "every position must be a longitude, latitude pair in Vietnam")
		return Shape{}, false
	}
	if !validPolygons(v, field, polys) {
		return Shape{}, false
	}
	out, err := geojson.NewGeometry(g.Coordinates).MarshalJSON()
	if err != nil {
		v.Add(field, "GEOMETRY_FORMAT", "must be a GeoJSON geometry")
		return Shape{}, false
	}
	return Shape{Geometry: g.Coordinates, GeoJSON: string(out), AreaHa: geo.Area(g.Coordinates) / 10_000}, true
}

func countPoints(g orb.Geometry) int {
	n := 0
	eachPoint(g, func(orb.Point) bool { n++; return true })
	return n
}

// eachPoint calls f on every position of g until f returns false; it reports whether f never did.
func eachPoint(g orb.Geometry, f func(orb.Point) bool) bool {
	switch c := g.(type) {
	case orb.Point:
		return f(c)
	case orb.Polygon:
		for _, r := range c {
			for _, p := range r {
				if !f(p) {
					return false
				}
			}
		}
	case orb.MultiPolygon:
		for _, poly := range c {
			if !eachPoint(poly, f) {
				return false
			}
		}
	}
	return true
}

func inVietnam(g orb.Geometry) bool {
	return eachPoint(g, func(p orb.Point) bool {
		return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && vietnam.Contains(p)
	})
}

// validPolygons checks every ring: closed, at least 4 positions, simple (no two of its
// segments cross or touch except neighbours at their shared end), and no ring of a polygon
// crossing another.
func validPolygons(v *apierr.Violations, field string, polys []orb.Polygon) bool {
	for _, poly := range polys {
		if len(poly) == 0 {
			v.Add(field, "GEOMETRY_RING", "a polygon needs at least one ring")
			return false
		}
		for _, r := range poly {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				v.Add(field, "GEOMETRY_RING", "every ring must be closed (last position = first) with at least 4 positions")
				return false
			}
		}
		if selfIntersects(poly) {
			v.Add(field, "GEOMETRY_SELF_INTERSECTION", "the polygon's boundary must not cross or touch itself")
			return false
		}
		for _, r := range poly {
			if planar.Area(r) == 0 {
				v.Add(field, "GEOMETRY_RING", "a ring must enclose an area")
				return false
			}
		}
	}
	return true
}

// segment is one edge of a ring: ring r, index i (from r[i] to r[i+1]).
type segment struct {
	a, b orb.Point
	ring int
	i, n int // index in its ring and the ring's segment count
}

// selfIntersects reports whether any two edges of the polygon's rings meet, other than
// consecutive edges of one ring at their shared vertex. The edges are swept by their lowest
// longitude, so only edges whose longitude ranges overlap are compared.
func selfIntersects(poly orb.Polygon) bool {
	var segs []segment
	for ri, r := range poly {
		n := len(r) - 1
		for i := 0; i < n; i++ {
			segs = append(segs, segment{a: r[i], b: r[i+1], ring: ri, i: i, n: n})
		}
	}
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(math.Min(s.a[0], s.b[0]), math.Min(t.a[0], t.b[0])) })
	for i := range segs {
		maxX := math.Max(segs[i].a[0], segs[i].b[0])
		for j := i + 1; j < len(segs) && math.Min(segs[j].a[0], segs[j].b[0]) <= maxX; j++ {
			if adjacent(segs[i], segs[j]) {
				if foldsBack(segs[i], segs[j]) {
					return true
				}
			} else if segmentsMeet(segs[i].a, segs[i].b, segs[j].a, segs[j].b) {
				return true
			}
		}
	}
	return false
}

func adjacent(s, t segment) bool {
	if s.ring != t.ring {
		return false
	}
	d := s.i - t.i
	return d == 1 || d == -1 || d == s.n-1 || d == 1-s.n
}

// foldsBack reports whether two consecutive edges overlap beyond their shared vertex (a spike
// that runs back along itself).
func foldsBack(s, t segment) bool {
	shared, p, q := s.b, s.a, t.b
	if s.a == t.b {
		shared, p, q = s.a, s.b, t.a
	}
	if p == shared || q == shared {
		return true // a repeated vertex: a zero-length edge
	}
	dot := (p[0]-shared[0])*(q[0]-shared[0]) + (p[1]-shared[1])*(q[1]-shared[1])
	return orient(shared, p, q) == 0 && dot > 0
}

// segmentsMeet reports whether segments pq and rs share a point.
func segmentsMeet(p, q, r, s orb.Point) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(r, s, p)) || (d2 == 0 && onSegment(r, s, q)) ||
		(d3 == 0 && onSegment(p, q, r)) || (d4 == 0 && onSegment(p, q, s))
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) && math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// WithinArea reports whether every position of g lies inside area (a Polygon or
// MultiPolygon) or within toleranceM metres of its boundary.
func WithinArea(g, area orb.Geometry, toleranceM float64) bool {
	return eachPoint(g, func(p orb.Point) bool {
		if areaContains(area, p) {
			return true
		}
		return distanceM(area, p) <= toleranceM
	})
}

func areaContains(area orb.Geometry, p orb.Point) bool {
	switch a := area.(type) {
	case orb.Polygon:
		return planar.PolygonContains(a, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(a, p)
	}
	return false
}

// distanceM is the distance in metres from p to the nearest edge of area, measured in a local
// equirectangular projection at p (exact enough over the few hundred metres it decides).
func distanceM(area orb.Geometry, p orb.Point) float64 {
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	local := func(q orb.Point) orb.Point { return orb.Point{(q[0] - p[0]) * kx, (q[1] - p[1]) * metresPerDegree} }
	best := math.Inf(1)
	var rings []orb.Ring
	switch a := area.(type) {
	case orb.Polygon:
		rings = a
	case orb.MultiPolygon:
		for _, poly := range a {
			rings = append(rings, poly...)
		}
	}
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			best = math.Min(best, planar.DistanceFromSegment(local(r[i]), local(r[i+1]), orb.Point{}))
		}
	}
	return best
}
