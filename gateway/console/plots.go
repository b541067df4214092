package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/types/known/structpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// A household's production plots, from the cooperative's members page: the plots with their
// products, computed and declared area, the last four characters of the land-use document
// (never more: the registry keeps the number only as a keyed hash) and an outline drawn on the
// server; a form to record a plot as GeoJSON (pasted from a mapping tool) or as a point with its
// area; deleting a plot. The registry checks the geometry (rings, self-intersection, inside
// Vietnam and the household's commune, area near the declared one) and the page shows what it
// says next to the field. The contract page links to the contract's plots as GeoJSON.

// plotForm is a plot as typed.
type plotForm struct {
	Name, GeoJSON, Lat, Lng, Declared, LUCType, LUCNumber string
	Products                                              []string
}

type plotRow struct {
	P        *registryv1.Plot
	Products []string
	Shape    plotShape
	// Area and Declared are the computed and declared areas, in hectares as written in Vietnam.
	Area, Declared string
}

type plotsView struct {
	H        *registryv1.Household
	Commune  string
	Rows     []plotRow
	Form     plotForm
	Errors   formErrors
	Products []*registryv1.Product
	LUCTypes []string
	Total    string
}

// landUseTypes are the kinds of land-use document a form offers.
var landUseTypes = []string{"LAND_USE_CERTIFICATE_TYPE_LAND_USE_RIGHTS", "LAND_USE_CERTIFICATE_TYPE_LAND_AND_ASSETS",
	"LAND_USE_CERTIFICATE_TYPE_FOREST_ALLOCATION", "LAND_USE_CERTIFICATE_TYPE_LEASE", "LAND_USE_CERTIFICATE_TYPE_OTHER"}

func (c *Console) plotRoutes(m *http.ServeMux) {
	b := BasePath
	m.Handle("GET "+b+"/members/{household}/plots", c.page(c.plots))
	m.Handle("POST "+b+"/members/{household}/plots", c.page(c.createPlot))
	m.Handle("POST "+b+"/members/{household}/plots/{plot}/delete", c.page(c.deletePlot))
	m.Handle("GET "+b+"/contracts/{id}/plots", c.page(c.contractPlots))
}

func householdOf(q *rq) string { return "households/" + q.r.PathValue("household") }

func (c *Console) plots(q *rq) error {
	return c.renderPlots(q, http.StatusOK, plotForm{Products: []string{"cinnamon-bark"}, LUCType: landUseTypes[0]}, formErrors{})
}

// renderPlots reads the household and its plots (two calls, at once; the products and the
// commune come from the reference cache) and renders the page.
func (c *Console) renderPlots(q *rq, code int, f plotForm, fe formErrors) error {
	parent := householdOf(q)
	var h *registryv1.Household
	var plots []*registryv1.Plot
	g, ctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		h, err = c.b.reg.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: parent})
		return err
	})
	g.Go(func() (err error) {
		plots, err = pages(func(tok string) ([]*registryv1.Plot, string, error) {
			res, err := c.b.reg.ListPlots(ctx, &registryv1.ListPlotsRequest{Parent: parent, PageSize: 500, PageToken: tok})
			return res.GetPlots(), res.GetNextPageToken(), err
		}, 500)
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	v := plotsView{H: h, Form: f, Errors: fe, Products: refs.ProductL, LUCTypes: landUseTypes}
	if a := c.b.area(q.ctx, h.GetCommuneCode()); a != nil {
		v.Commune = a.GetDisplayName()
	}
	total := 0.0
	for _, p := range plots {
		row := plotRow{P: p, Shape: outline(p.GetGeometry(), p.GetAreaHa()), Area: hectares(p.GetAreaHa())}
		if p.GetDeclaredAreaHa() > 0 {
			row.Declared = hectares(p.GetDeclaredAreaHa())
		}
		for _, code := range p.GetProducts() {
			row.Products = append(row.Products, productName(q, refs, code))
		}
		v.Rows = append(v.Rows, row)
		total += p.GetAreaHa()
	}
	v.Total = hectares(total)
	q.render(code, "plots", v)
	return nil
}

// productName is a product's name in the page's language (its code when unknown).
func productName(q *rq, refs refs, code string) string {
	p := refs.Products["products/"+strings.TrimPrefix(code, "products/")]
	switch {
	case p == nil:
		return code
	case q.lang == "en":
		return p.GetNameEn()
	}
	return p.GetNameVi()
}

// plotFields maps the API's field paths to the form's fields; a point's geometry is its
// latitude and longitude.
func plotFields(point bool) map[string]string {
	geometry := "geojson"
	if point {
		geometry = "lat"
	}
	return map[string]string{
		"plot.display_name": "name", "plot.products": "products", "plot.geometry": geometry, "plot.declared_area_ha": "declared",
		"plot.land_use_certificate_type": "luc_type", "plot.land_use_certificate_number": "luc_number",
	}
}

func readPlotForm(q *rq) plotForm {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	return plotForm{Name: g("name"), GeoJSON: g("geojson"), Lat: g("lat"), Lng: g("lng"), Declared: g("declared"), LUCType: g("luc_type"), LUCNumber: g("luc_number"), Products: pf["products"]}
}

func (c *Console) createPlot(q *rq) error {
	f := readPlotForm(q)
	plot, point, fe := f.toProto()
	if fe.Any() {
		f.LUCNumber = "" // like a national ID number, never sent back to the browser
		return c.renderPlots(q, http.StatusUnprocessableEntity, f, fe)
	}
	_, err := c.b.reg.CreatePlot(q.ctx, &registryv1.CreatePlotRequest{Parent: householdOf(q), Plot: plot, RequestId: q.r.PostForm.Get("request_id")})
	if err != nil {
		f.LUCNumber = ""
		return c.renderPlots(q, statusOf(err), f, fromAPI(err, plotFields(point)))
	}
	return q.redirect(BasePath+"/members/"+q.r.PathValue("household")+"/plots", "plot")
}

// toProto reads the form into a plot: the GeoJSON when given, else the point; point says which.
func (f plotForm) toProto() (*registryv1.Plot, bool, formErrors) {
	var fe formErrors
	p := &registryv1.Plot{DisplayName: f.Name, Products: f.Products, LandUseCertificateNumber: f.LUCNumber,
		LandUseCertificateType: registryv1.Plot_LandUseCertificateType(registryv1.Plot_LandUseCertificateType_value[f.LUCType])}
	if len(f.Products) == 0 {
		fe.add("products", ruleVI["REQUIRED"])
	}
	if f.Declared != "" {
		ha, err := parseDecimal(f.Declared)
		if err != nil {
			fe.add("declared", ruleVI["DECIMAL"])
		}
		p.DeclaredAreaHa = ha
	}
	point := f.GeoJSON == ""
	switch {
	case !point && (f.Lat != "" || f.Lng != ""):
		fe.add("lat", ruleVI["PLOT_ONE_SHAPE"])
	case !point:
		g, err := geometryOf(f.GeoJSON)
		if err != nil {
			fe.add("geojson", err.Error())
		}
		p.Geometry = g
	case f.Lat == "" && f.Lng == "":
		fe.add("geojson", ruleVI["PLOT_SHAPE_REQUIRED"])
	default:
		p.Geometry = pointOf(f.Lat, f.Lng, &fe)
	}
	return p, point, fe
}

// hectares writes an area with a decimal comma and at most four decimals: 1,25 ha.
func hectares(ha float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(ha, 'f', 4, 64), "0"), ".")
	return strings.Replace(s, ".", ",", 1) + "\u00a0ha"
}

// parseDecimal reads a number typed with a decimal comma or point ("1,5", "0.75").
func parseDecimal(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "ha"))
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	return strconv.ParseFloat(s, 64)
}

// geometryOf reads pasted GeoJSON: a geometry, or a Feature or a one-feature
// FeatureCollection (what mapping tools export), whose geometry is taken.
func geometryOf(text string) (*structpb.Struct, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, errors.New(ruleVI["GEOJSON_SYNTAX"])
	}
	switch m["type"] {
	case "FeatureCollection":
		fs, _ := m["features"].([]any)
		if len(fs) != 1 {
			return nil, errors.New(ruleVI["GEOJSON_ONE_FEATURE"])
		}
		m, _ = fs[0].(map[string]any)
		fallthrough
	case "Feature":
		g, ok := m["geometry"].(map[string]any)
		if !ok {
			return nil, errors.New(ruleVI["GEOMETRY_FORMAT"])
		}
		m = g
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		return nil, errors.New(ruleVI["GEOMETRY_FORMAT"])
	}
	return s, nil
}

// pointOf is the GeoJSON point of a latitude and longitude typed in decimal degrees.
func pointOf(lat, lng string, fe *formErrors) *structpb.Struct {
	y, errLat := parseDecimal(lat)
	x, errLng := parseDecimal(lng)
	if errLat != nil {
		fe.add("lat", ruleVI["DEGREES"])
	}
	if errLng != nil {
		fe.add("lng", ruleVI["DEGREES"])
	}
	if errLat != nil || errLng != nil {
		return nil
	}
	s, _ := structpb.NewStruct(map[string]any{"type": "Point", "coordinates": []any{x, y}})
	return s
}

func (c *Console) deletePlot(q *rq) error {
	name := householdOf(q) + "/plots/" + q.r.PathValue("plot")
	if _, err := c.b.reg.DeletePlot(q.ctx, &registryv1.DeletePlotRequest{Name: name, Etag: q.r.PostForm.Get("etag")}); err != nil {
		fe := formErrors{}
		fe.add("", explainStatus(err))
		return c.renderPlots(q, statusOf(err), plotForm{Products: []string{"cinnamon-bark"}, LUCType: landUseTypes[0]}, fe)
	}
	return q.redirect(BasePath+"/members/"+q.r.PathValue("household")+"/plots", "plot-deleted")
}

// contractPlots downloads the contract's plots as a GeoJSON FeatureCollection (the
// contracts service's export, with the properties a due-diligence statement needs).
func (c *Console) contractPlots(q *rq) error {
	res, err := c.b.con.ExportContractPlots(q.ctx, &contractsv1.ExportContractPlotsRequest{Name: contractName(q.r)})
	if err != nil {
		return err
	}
	b, err := res.GetFeatureCollection().MarshalJSON()
	if err != nil {
		return fmt.Errorf("plots of %s: %w", contractName(q.r), err)
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/geo+json")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="lo-dat-hop-dong-%s.geojson"`, q.r.PathValue("id")))
	_, _ = q.w.Write(b)
	return nil
}

func init() {
	addTexts(sectionTexts{english: englishPlots, flashes: map[string]string{
		"plot":         "Đã thêm lô đất.",
		"plot-deleted": "Đã xóa lô đất.",
	}, rules: map[string]string{
		"GEOMETRY_FORMAT":            "Không phải một hình GeoJSON hợp lệ.",
		"GEOMETRY_TYPE":              "Hình phải là Polygon, MultiPolygon hoặc (với lô không quá 4 ha) một điểm.",
		"GEOMETRY_TOO_COMPLEX":       "Ranh giới có quá nhiều điểm.",
		"GEOMETRY_OUTSIDE_VIETNAM":   "Có tọa độ nằm ngoài Việt Nam (lưu ý GeoJSON ghi kinh độ trước, vĩ độ sau).",
		"GEOMETRY_RING":              "Mỗi vòng ranh giới phải khép kín (điểm cuối trùng điểm đầu), có ít nhất 4 điểm và bao một diện tích.",
		"GEOMETRY_SELF_INTERSECTION": "Ranh giới tự cắt hoặc tự chạm: các cạnh của lô không được cắt nhau.",
		"PLOT_OUTSIDE_COMMUNE":       "Lô nằm ngoài xã của hộ (quá 250 m so với ranh giới xã).",
		"PLOT_POINT_AREA":            "Một điểm chỉ định vị được lô không quá 4 ha: hãy nhập diện tích kê khai (tối đa 4 ha), hoặc nhập ranh giới lô.",
		"PLOT_AREA_MISMATCH":         "Diện tích tính từ ranh giới lệch quá 10% (tối thiểu 0,05 ha) so với diện tích kê khai.",
		"LAND_USE_NUMBER_FORMAT":     "Số giấy tờ đất gồm 4 đến 30 chữ cái và chữ số.",
		"ADMIN_AREA_RETIRED":         "Xã của hộ không còn trong danh mục hành chính hiện hành; hãy cập nhật xã của hộ trước.",
		"GEOJSON_SYNTAX":             "Không đọc được GeoJSON: hãy dán đúng nội dung JSON từ ứng dụng bản đồ.",
		"GEOJSON_ONE_FEATURE":        "FeatureCollection phải có đúng một đối tượng: mỗi lần nhập một lô.",
		"PLOT_SHAPE_REQUIRED":        "Hãy nhập ranh giới lô (GeoJSON) hoặc tọa độ một điểm.",
		"PLOT_ONE_SHAPE":             "Đã nhập ranh giới GeoJSON: để trống tọa độ điểm, hoặc xóa GeoJSON để dùng điểm.",
		"DEGREES":                    "Hãy nhập số độ thập phân, ví dụ 21,8705.",
		"DECIMAL":                    "Hãy nhập một số, ví dụ 1,5.",
	}, enums: map[string][2]string{
		"LAND_USE_CERTIFICATE_TYPE_LAND_USE_RIGHTS":   {"Giấy chứng nhận quyền sử dụng đất (sổ đỏ)", "Land-use rights certificate"},
		"LAND_USE_CERTIFICATE_TYPE_LAND_AND_ASSETS":   {"Giấy chứng nhận quyền sử dụng đất và tài sản (sổ hồng)", "Land and assets certificate"},
		"LAND_USE_CERTIFICATE_TYPE_FOREST_ALLOCATION": {"Quyết định, hợp đồng giao đất, giao rừng", "Forest land allocation"},
		"LAND_USE_CERTIFICATE_TYPE_LEASE":             {"Hợp đồng thuê đất", "Land lease"},
		"LAND_USE_CERTIFICATE_TYPE_OTHER":             {"Giấy tờ khác", "Other document"},
		"LAND_USE_CERTIFICATE_TYPE_UNSPECIFIED":       {"Chưa chọn", "Not chosen"},
	}})
}

// englishPlots translates the plots page.
var englishPlots = map[string]string{
	"Lô đất":                 "Plots",
	"Lô đất sản xuất":        "Production plots",
	"Lô đất số":              "Plot",
	"%d lô, tổng %s":         "%d plots, %s in all",
	"Hộ chưa có lô đất nào.": "The household has no plot yet.",
	"Lô được định vị bằng một điểm, diện tích kê khai %s":                      "A plot located by a point, declared area %s",
	"Hình dạng lô: ngang khoảng %d m, dọc khoảng %d m, phía trên là hướng bắc": "Shape of the plot: about %d m east–west and %d m north–south, north up",
	"Một điểm":                    "A point",
	"≈ %d × %d m":                 "≈ %d × %d m",
	"Diện tích tính từ ranh giới": "Area from the boundary",
	"Diện tích kê khai":           "Declared area",
	"Giấy tờ đất":                 "Land-use document",
	"Chưa nhập":                   "None given",
	"Xóa lô này":                  "Delete this plot",
	"Thêm lô đất":                 "Add a plot",
	"Lô đất phải nằm trong xã của hộ. Nhập ranh giới lô dạng GeoJSON (dán từ ứng dụng bản đồ), hoặc một điểm với diện tích nếu lô không quá 4 ha.": "A plot must lie in the household's commune. Give its boundary as GeoJSON (pasted from a mapping app), or a point with its area for a plot of at most 4 ha.",
	"Tên lô (không bắt buộc)": "Name of the plot (optional)",
	"Ví dụ: Đồi quế Khe Lóng": "E.g. Khe Lóng cinnamon hill",
	"Sản phẩm trồng trên lô":  "Products grown on it",
	"Ranh giới lô (GeoJSON)":  "Boundary (GeoJSON)",
	"Polygon hoặc MultiPolygon theo kinh độ, vĩ độ (WGS 84); nhận cả Feature hay FeatureCollection một đối tượng.": "A Polygon or MultiPolygon in longitude, latitude (WGS 84); a Feature or a one-feature FeatureCollection is taken too.",
	"Hoặc một điểm (lô không quá 4 ha)": "Or a point (plots of at most 4 ha)",
	"Vĩ độ":                        "Latitude",
	"Kinh độ":                      "Longitude",
	"Độ thập phân, ví dụ 21,8705":  "Decimal degrees, e.g. 21.8705",
	"Độ thập phân, ví dụ 104,6410": "Decimal degrees, e.g. 104.6410",
	"Diện tích kê khai (ha)":       "Declared area (ha)",
	"Bắt buộc với một điểm; với ranh giới, diện tích tính được phải lệch không quá 10%.": "Required for a point; for a boundary, the computed area must be within 10% of it.",
	"Loại giấy tờ đất":                    "Kind of land-use document",
	"Số giấy tờ đất (không bắt buộc)":     "Number of the land-use document (optional)",
	"Chỉ lưu dạng mã hóa và 4 ký tự cuối": "Kept only as a keyed hash and its last 4 characters",
	"Thêm lô": "Add the plot",
	"Lô đất sản xuất (%d lô, GeoJSON)": "Production plots (%d, GeoJSON)",
	"Đã thêm lô đất.":                  "Plot added.",
	"Đã xóa lô đất.":                   "Plot deleted.",
}
