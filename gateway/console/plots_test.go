package console

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// squareJSON is a GeoJSON polygon: a square of side metres around (lng, lat).
func squareJSON(lng, lat, side float64) string {
	dlat := side / 2 / 111_320
	dlng := side / 2 / (111_320 * math.Cos(lat*math.Pi/180))
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]f,%[2]f],[%[3]f,%[2]f],[%[3]f,%[4]f],[%[1]f,%[4]f],[%[1]f,%[2]f]]]}`, lng-dlng, lat-dlat, lng+dlng, lat+dlat)
}

// centre is a commune's centroid (inside it: the registry's own plot tests rely on it).
func (s *suite) centre(code string) (lng, lat float64) {
	s.t.Helper()
	a, err := s.reg.GetAdminArea(context.Background(), &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code}, s.admin)
	require.NoError(s.t, err)
	return a.GetLongitude(), a.GetLatitude()
}

// TestPlotPages: the cooperative opens a member household's plots from its members page and
// records a 1 ha plot as GeoJSON with its land-use document (only its last four characters are
// ever shown), then a point with its area; the registry's refusals — a self-intersecting
// boundary, a plot outside the commune, an area far from the declared one, a point over 4 ha —
// are shown next to the field that caused them, in Vietnamese; what the console itself cannot
// read is said before anything is sent; a plot is deleted. Another organisation and a buyer do
// not reach the household's plots.
func TestPlotPages(t *testing.T) {
	s := newSuite(t)
	w := s.world(2, "Triệu Thị Mai", "Bàn Văn Lực")
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	lng, lat := s.centre(places.ChauQue)
	farLng, farLat := s.centre(places.DongCuong)

	members := coop.get("/console/members")
	require.Equal(t, http.StatusOK, members.code, members.body)
	hh := strings.TrimPrefix(w.households[0], "households/")
	path := "/console/members/" + hh + "/plots"
	require.Contains(t, members.body, `href="`+path+`"`, "each member's plots are a link away")
	pg := coop.get(path)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "Triệu Thị Mai")
	require.Contains(t, pg.body, "Xã Châu Quế")
	require.Contains(t, pg.body, "Hộ chưa có lô đất nào.")

	post := func(f url.Values) page {
		if f.Get("products") == "" {
			f.Set("products", "cinnamon-bark")
		}
		return coop.post(path, f)
	}
	refused := func(f url.Values, field, rule string) {
		t.Helper()
		res := post(f)
		require.Equal(t, http.StatusUnprocessableEntity, res.code, res.body)
		require.Contains(t, res.body, `id="`+field+`-error">`+ruleVI[rule], "%s next to %s", rule, field)
		require.NotContains(t, res.body, "XY987654", "a land-use document's number is never sent back")
	}
	selfCrossing := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]f,%[2]f],[%[3]f,%[4]f],[%[3]f,%[2]f],[%[1]f,%[4]f],[%[1]f,%[2]f]]]}`, lng, lat, lng+0.001, lat+0.001)
	refused(url.Values{"geojson": {selfCrossing}, "luc_number": {"XY987654"}}, "geojson", "GEOMETRY_SELF_INTERSECTION")
	refused(url.Values{"geojson": {squareJSON(farLng, farLat, 100)}}, "geojson", "PLOT_OUTSIDE_COMMUNE")
	refused(url.Values{"geojson": {squareJSON(lng, lat, 100)}, "declared": {"2"}}, "declared", "PLOT_AREA_MISMATCH")
	refused(url.Values{"lat": {fmt.Sprint(lat)}, "lng": {fmt.Sprint(lng)}, "declared": {"5"}}, "declared", "PLOT_POINT_AREA")
	refused(url.Values{"lat": {fmt.Sprint(farLat)}, "lng": {fmt.Sprint(farLng)}, "declared": {"1"}}, "lat", "PLOT_OUTSIDE_COMMUNE")
	refused(url.Values{"lat": {"21.8"}, "lng": {"200"}, "declared": {"1"}}, "lat", "GEOMETRY_OUTSIDE_VIETNAM")
	refused(url.Values{"geojson": {squareJSON(lng, lat, 100)}, "luc_number": {"1"}}, "luc_number", "LAND_USE_NUMBER_FORMAT")
	// What the console reads itself.
	refused(url.Values{"geojson": {`{"type": "Polygon", "coordinates": [[`}}, "geojson", "GEOJSON_SYNTAX")
	refused(url.Values{"geojson": {squareJSON(lng, lat, 100)}, "lat": {"21.8"}}, "lat", "PLOT_ONE_SHAPE")
	refused(url.Values{}, "geojson", "PLOT_SHAPE_REQUIRED")
	refused(url.Values{"lat": {"hai mốt"}, "lng": {fmt.Sprint(lng)}, "declared": {"1"}}, "lat", "DEGREES")
	res := coop.post(path, url.Values{"geojson": {squareJSON(lng, lat, 100)}})
	require.Contains(t, res.body, `id="products-error">`+ruleVI["REQUIRED"])
	require.Contains(t, coop.get(path).body, "Hộ chưa có lô đất nào.", "nothing was written")

	// A 1 ha plot pasted as a Feature from a mapping tool, with its land-use certificate.
	feature := `{"type":"Feature","properties":{"name":"x"},"geometry":` + squareJSON(lng, lat, 100) + `}`
	res = post(url.Values{"name": {"Đồi quế Khe Lóng"}, "geojson": {feature}, "declared": {"1"}, "luc_type": {"LAND_USE_CERTIFICATE_TYPE_LAND_USE_RIGHTS"}, "luc_number": {"CS 04512 987654"}, "request_id": {"plot-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	res = post(url.Values{"name": {"Vườn nhà"}, "lat": {strings.Replace(fmt.Sprintf("%.5f", lat), ".", ",", 1)}, "lng": {fmt.Sprintf("%.5f", lng)}, "declared": {"0,5"}, "request_id": {"plot-2"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = coop.get(res.hdr.Get("Location"))
	require.Contains(t, pg.body, "Đã thêm lô đất.")
	require.Contains(t, pg.body, "Đồi quế Khe Lóng")
	require.Contains(t, pg.body, "Quế")
	require.Contains(t, pg.body, `<span class="luc nowrap">…7654</span>`, "the last four characters of the document")
	require.NotContains(t, pg.body, "987654", "never more than the last four")
	require.Contains(t, pg.body, "0,5\u00a0ha")
	require.Regexp(t, "<dd class=\"area\">(0,99\\d*|1(,000\\d)?)\u00a0ha</dd>", pg.body, "the computed area")
	require.Contains(t, pg.body, `<path d="M`, "the boundary is drawn")
	require.Contains(t, pg.body, `<circle cx="50" cy="50" r="20"`, "a point is drawn as a circle")
	require.Regexp(t, "2 lô, tổng 1,50\\d*\u00a0ha", pg.body)

	// Another organisation's producer and a buyer do not reach the household's plots.
	other := s.world(0)
	stranger := s.signedIn(other.producer(), "Người khác", false)
	require.Contains(t, []int{http.StatusNotFound, http.StatusForbidden}, stranger.get(path).code)
	buyer := s.signedIn(w.buyer(), "Phạm Thị Thu", true)
	require.Contains(t, []int{http.StatusNotFound, http.StatusForbidden}, buyer.get(path).code)
	res = stranger.post(path, url.Values{"geojson": {squareJSON(lng, lat, 50)}, "products": {"cinnamon-bark"}})
	require.Contains(t, []int{http.StatusNotFound, http.StatusForbidden}, res.code, res.body)

	// Delete.
	del := action(pg.body, "/delete")
	require.NotEmpty(t, del)
	res = coop.post(del, formValues(pg.body, del))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, coop.get(path).body, "1 lô, tổng")
}

// TestPlotPageCalls: a household's plots page makes two calls (the household, its plots),
// whether it has one plot or four.
func TestPlotPageCalls(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	lng, lat := s.centre(places.ChauQue)
	path := "/console/members/" + strings.TrimPrefix(w.households[0], "households/") + "/plots"
	count := func() int64 {
		coop.get(path) // the reference cache
		s.resetCalls()
		pg := coop.get(path)
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		return s.calls.Load()
	}
	for i := range 4 {
		res := coop.post(path, url.Values{"geojson": {squareJSON(lng+float64(i)*0.002, lat, 60)}, "products": {"cinnamon-bark"}, "request_id": {fmt.Sprintf("p-%d", i)}})
		require.Equal(t, http.StatusSeeOther, res.code, res.body)
		if i == 0 {
			require.EqualValues(t, 2, count(), s.callList())
		}
	}
	require.EqualValues(t, 2, count(), "four plots: %s", s.callList())
}

// TestContractPlotsExport: a contract whose allocations name plots links to its plots as
// GeoJSON, which downloads as the contracts service exports it; a contract without plots has
// no such link.
func TestContractPlotsExport(t *testing.T) {
	s := newSuite(t)
	w := s.world(2)
	name := s.draft(w)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	require.NotContains(t, coop.get("/console/"+name).body, `id="plots-geojson"`)

	lng, lat := s.centre(places.ChauQue)
	ctx := context.Background()
	var plot string
	{
		g, err := geometryOf(squareJSON(lng, lat, 100))
		require.NoError(t, err)
		p, err := s.reg.CreatePlot(ctx, &registryv1.CreatePlotRequest{Parent: w.households[0], Plot: &registryv1.Plot{Products: []string{"cinnamon-bark"}, Geometry: g, DeclaredAreaHa: 1}}, s.as(w.producer()))
		require.NoError(t, err)
		plot = p.GetName()
	}
	ct, err := s.con.GetContract(ctx, &contractsv1.GetContractRequest{Name: name}, s.admin)
	require.NoError(t, err)
	terms := ct.GetTerms()
	for _, a := range terms.GetAllocations() {
		if a.GetHousehold() == w.households[0] {
			a.Plots = []string{plot}
		}
	}
	_, err = s.con.UpdateContract(ctx, &contractsv1.UpdateContractRequest{Contract: &contractsv1.Contract{Name: name, Etag: ct.GetEtag(), Terms: terms}, UpdateMask: fieldMask("terms")}, s.admin)
	require.NoError(t, err)

	pg := coop.get("/console/" + name)
	require.Contains(t, pg.body, `href="/console/`+name+`/plots" download id="plots-geojson">Lô đất sản xuất (1 lô, GeoJSON)</a>`)
	res := coop.get("/console/" + name + "/plots")
	require.Equal(t, http.StatusOK, res.code, res.body)
	require.Equal(t, "application/geo+json", res.hdr.Get("Content-Type"))
	require.Contains(t, res.hdr.Get("Content-Disposition"), "attachment; filename=\"lo-dat-hop-dong-")
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.body), &fc))
	require.Equal(t, "FeatureCollection", fc.Type)
	require.Len(t, fc.Features, 1)
	require.Equal(t, plot, fc.Features[0].Properties["plot"])
	require.Equal(t, "VN", fc.Features[0].Properties["producer_country"])

	// Someone who may not read the contract does not get its plots.
	other := s.world(0)
	require.Contains(t, []int{http.StatusNotFound, http.StatusForbidden}, s.signedIn(other.buyer(), "Người khác", false).get("/console/"+name+"/plots").code)
}
