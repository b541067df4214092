package console

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// A plot's outline, drawn on the server as an SVG path (no script, no map tiles): the
// polygon's rings projected onto a local plane in metres (equirectangular around the plot:
// exact enough over a few hundred metres) and scaled into a 100×100 box; a point is a circle
// of the declared area. Width is the plot's east–west extent, for the caption.

// plotShape is what the template draws.
type plotShape struct {
	// Path is the SVG path of the rings (empty for a point or an unreadable geometry).
	Path string
	// Point: the plot is a point, drawn as a circle of radius R at the box's centre.
	Point bool
	R     float64
	// WidthM and HeightM are the plot's extent in metres.
	WidthM, HeightM int
}

const (
	metresPerDegreeLat = 110_540.0
	metresPerDegreeLng = 111_320.0 // at the equator; times cos(latitude)
	svgBox             = 100.0
	svgPad             = 6.0
)

// outline draws a GeoJSON Polygon, MultiPolygon or Point (areaHa: a point's area).
func outline(g *structpb.Struct, areaHa float64) plotShape {
	if g == nil {
		return plotShape{}
	}
	coords := g.GetFields()["coordinates"]
	switch g.GetFields()["type"].GetStringValue() {
	case "Point":
		side := math.Sqrt(areaHa * 10_000)
		return plotShape{Point: true, R: 20, WidthM: int(math.Round(side)), HeightM: int(math.Round(side))}
	case "Polygon":
		return drawRings(rings(coords))
	case "MultiPolygon":
		var all [][][2]float64
		for _, poly := range coords.GetListValue().GetValues() {
			all = append(all, rings(poly)...)
		}
		return drawRings(all)
	}
	return plotShape{}
}

// rings reads a polygon's rings of [longitude, latitude] positions.
func rings(v *structpb.Value) [][][2]float64 {
	var out [][][2]float64
	for _, ring := range v.GetListValue().GetValues() {
		var r [][2]float64
		for _, pos := range ring.GetListValue().GetValues() {
			xy := pos.GetListValue().GetValues()
			if len(xy) < 2 {
				continue
			}
			r = append(r, [2]float64{xy[0].GetNumberValue(), xy[1].GetNumberValue()})
		}
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func drawRings(rs [][][2]float64) plotShape {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range rs {
		for _, p := range r {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
	}
	if len(rs) == 0 || math.IsInf(minX, 0) {
		return plotShape{}
	}
	kx := metresPerDegreeLng * math.Cos((minY+maxY)/2*math.Pi/180)
	w, h := (maxX-minX)*kx, (maxY-minY)*metresPerDegreeLat
	scale := (svgBox - 2*svgPad) / math.Max(math.Max(w, h), 1)
	// Centre the shape in the box.
	ox, oy := (svgBox-w*scale)/2, (svgBox-h*scale)/2
	var b strings.Builder
	for _, r := range rs {
		for i, p := range r {
			x := ox + (p[0]-minX)*kx*scale
			y := oy + (maxY-p[1])*metresPerDegreeLat*scale // north up
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, x, y)
		}
		b.WriteString("Z ")
	}
	return plotShape{Path: strings.TrimSpace(b.String()), WidthM: int(math.Round(w)), HeightM: int(math.Round(h))}
}
