package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Reports: every role but households sees the report of its own scope (an official's
// commune or province, an organisation's contracts, the country for operators); province
// officials and operators open a commune's or a province's from the area table. Everything
// comes from the services' report calls (contracts: ReportContracts; matchmaking:
// ReportDemands), made as the signed-in person, so the services decide what each person sees.
// The page shows the figures, charts drawn as inline SVG and tables; the same figures download
// as CSV and XLSX with Vietnamese headers.

// reportQuery is what the report form asks.
type reportQuery struct {
	Scope, From, To, Product, Form, Rulebook, Area string
}

func readReportQuery(r *http.Request) reportQuery {
	v := r.URL.Query()
	return reportQuery{Scope: v.Get("scope"), From: v.Get("from"), To: v.Get("to"), Product: v.Get("product"), Form: v.Get("form"), Rulebook: v.Get("rulebook"), Area: v.Get("area")}
}

// encode is the query as URL parameters (for the downloads and the area links).
func (rq reportQuery) encode() string {
	v := url.Values{}
	for k, x := range map[string]string{"scope": rq.Scope, "from": rq.From, "to": rq.To, "product": rq.Product, "form": rq.Form, "rulebook": rq.Rulebook, "area": rq.Area} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// filters are the AIP filters of the two report calls: the area chosen is a province when the
// report is national, a commune otherwise.
func (rq reportQuery) filters(national bool) (contracts, demands string) {
	var c, d []string
	if rq.Product != "" {
		c = append(c, fmt.Sprintf("product = %q", rq.Product))
		d = append(d, fmt.Sprintf("product = %q", rq.Product))
	}
	if rq.Form != "" {
		c = append(c, fmt.Sprintf("linkage_form = %q", rq.Form))
	}
	if rq.Rulebook != "" {
		c = append(c, fmt.Sprintf("rulebook = %q", rq.Rulebook))
	}
	if rq.Area != "" {
		field := "commune_code"
		if national {
			field = "province_code"
		}
		c = append(c, fmt.Sprintf("%s = %q", field, rq.Area))
		d = append(d, fmt.Sprintf("%s = %q", field, rq.Area))
	}
	return strings.Join(c, " AND "), strings.Join(d, " AND ")
}

// reportData is a report as both services answered it.
type reportData struct {
	Q       reportQuery
	C       *contractsv1.ContractReport
	D       *matchmakingv1.DemandReport // nil when the person has no demand report
	Refs    refs
	ScopeOf string // the scope's name for people: a commune, a province, an organisation
	// areaName names an area code for people (looked up in the registry, cached).
	areaName func(code string) string
	// areas are the areas of the scope's area filter (provinces of the country, communes of
	// a province).
	areas []option
}

// load asks both services for the report of rq.
func (c *Console) loadReport(q *rq, rqy reportQuery) (*reportData, error) {
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return nil, err
	}
	national := rqy.Scope == "national" || (rqy.Scope == "" && q.s.Role == "admin")
	cf, df := rqy.filters(national)
	cr, err := c.b.con.ReportContracts(q.ctx, &contractsv1.ReportContractsRequest{Scope: rqy.Scope, StartMonth: rqy.From, EndMonth: rqy.To, Filter: cf})
	if err != nil {
		return nil, err
	}
	d := &reportData{Q: rqy, C: cr, Refs: refs, areaName: func(code string) string {
		if a := c.b.area(q.ctx, code); a != nil {
			return a.GetDisplayName()
		}
		return code
	}}
	dr, err := c.b.mm.ReportDemands(q.ctx, &matchmakingv1.ReportDemandsRequest{Scope: cr.GetScope(), StartMonth: cr.GetStartMonth(), EndMonth: cr.GetEndMonth(), Filter: df})
	switch status.Code(err) {
	case codes.OK:
		d.D = dr
	case codes.PermissionDenied, codes.NotFound, codes.Unimplemented:
	default:
		return nil, err
	}
	d.ScopeOf = c.scopeName(q, d)
	d.areas = c.scopeAreas(q, cr)
	return d, nil
}

// scopeName names a scope for people.
func (c *Console) scopeName(q *rq, d *reportData) string {
	scope := d.C.GetScope()
	switch {
	case scope == "national":
		return tr(q.lang, "Toàn quốc")
	case strings.HasPrefix(scope, "adminAreas/"):
		return d.areaName(strings.TrimPrefix(scope, "adminAreas/"))
	case strings.HasPrefix(scope, "organizations/"):
		names := map[string]string{scope: ""}
		c.fillOrgNames(q, names)
		if names[scope] != "" {
			return names[scope]
		}
	}
	return scope
}

// report is the report page.
func (c *Console) report(q *rq) error {
	d, err := c.loadReport(q, readReportQuery(q.r))
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "report", c.reportView(q, d))
	return nil
}

// reportDownload sends the report as CSV or XLSX.
func (c *Console) reportDownload(q *rq) error {
	format := "csv"
	if strings.HasSuffix(q.r.URL.Path, ".xlsx") {
		format = "xlsx"
	}
	d, err := c.loadReport(q, readReportQuery(q.r))
	if err != nil {
		return err
	}
	t := exportTable(d, q.lang)
	name := fmt.Sprintf("bao-cao-lien-ket_%s_%s_%s.%s", fileSafe(d.C.GetScope()), d.C.GetStartMonth(), d.C.GetEndMonth(), format)
	var body []byte
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		body, err = t.csv()
	} else {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		body, err = t.xlsx(reportInfo(d, q.lang))
	}
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	q.w.WriteHeader(http.StatusOK)
	_, err = q.w.Write(body)
	return err
}

// fileSafe makes a scope name part of a file name.
func fileSafe(s string) string {
	return strings.NewReplacer("/", "-", " ", "-", `"`, "", "\\", "").Replace(s)
}

// option is a choice of a select.
type option struct {
	Value, Label string
}

// reportLine is a line of a table: its label and figures.
type reportLine struct {
	Key, Label string
	Link       template.URL
	F          *contractsv1.ReportFigures
	Unit       string
}

type reportView struct {
	D                                 *reportData
	Title, Period                     string
	Products, Forms, Rulebooks, Areas []option
	AreaIsProvince                    bool
	AreaTitle                         string
	Unit                              string
	Total                             reportLine
	ByArea, ByProduct, ByForm         []reportLine
	ByMonth                           []reportLine
	States                            []option
	Incidents                         []incidentLine
	Charts                            []template.HTML
	Query                             string
	CSV, XLSX                         template.URL
	Demands                           *matchmakingv1.DemandFigures
	DemandsByArea                     []demandLine
}

type incidentLine struct {
	Kind   string
	Counts []int64 // by outcome, in incidentOutcomes' order
	Total  int64
}

type demandLine struct {
	Label string
	F     *matchmakingv1.DemandFigures
}

// incidentOutcomes are the outcomes a report counts, in order.
var incidentOutcomes = []contractsv1.IncidentOutcome{contractsv1.IncidentOutcome_INCIDENT_OUTCOME_OPEN, contractsv1.IncidentOutcome_INCIDENT_OUTCOME_MEDIATION,
	contractsv1.IncidentOutcome_INCIDENT_OUTCOME_RESOLVED, contractsv1.IncidentOutcome_INCIDENT_OUTCOME_PENALISED,
	contractsv1.IncidentOutcome_INCIDENT_OUTCOME_FORCE_MAJEURE_ACCEPTED, contractsv1.IncidentOutcome_INCIDENT_OUTCOME_FORCE_MAJEURE_REJECTED}

// incidentKinds are the kinds of incident, in order.
var incidentKinds = []contractsv1.Incident_Kind{contractsv1.Incident_KIND_FORCE_MAJEURE, contractsv1.Incident_KIND_SIDE_SELLING, contractsv1.Incident_KIND_REFUSAL_TO_BUY,
	contractsv1.Incident_KIND_LATE_PAYMENT, contractsv1.Incident_KIND_QUALITY_DISPUTE}

func (c *Console) reportView(q *rq, d *reportData) reportView {
	r := d.C
	v := reportView{D: d, Query: d.Q.encode(), AreaIsProvince: r.GetAreaLevel() == contractsv1.ContractReport_AREA_LEVEL_PROVINCE}
	v.CSV, v.XLSX = template.URL(BasePath+"/report.csv?"+v.Query), template.URL(BasePath+"/report.xlsx?"+v.Query) // #nosec: encoded by url.Values
	v.Title = tr(q.lang, "Báo cáo liên kết") + " — " + d.ScopeOf
	v.Period = monthLabel(r.GetStartMonth()) + " – " + monthLabel(r.GetEndMonth())
	v.AreaTitle = map[bool]string{true: "Theo tỉnh", false: "Theo xã"}[v.AreaIsProvince]
	v.Products, v.Forms, v.Rulebooks, v.Areas = reportOptions(q, d)
	v.Unit = reportUnit(d)
	v.Total = reportLine{Label: tr(q.lang, "Tổng cộng"), F: r.GetTotal(), Unit: v.Unit}
	v.ByArea = c.lines(q, d, r.GetByArea(), "area")
	v.ByProduct = c.lines(q, d, r.GetByProduct(), "product")
	v.ByForm = c.lines(q, d, r.GetByLinkageForm(), "form")
	v.ByMonth = c.lines(q, d, r.GetByMonth(), "month")
	for _, s := range r.GetTotal().GetContractsByState() {
		v.States = append(v.States, option{Value: group(s.GetCount()), Label: s.GetState().String()})
	}
	v.Incidents = incidentLines(r.GetTotal())
	v.Charts = reportCharts(q, v)
	if d.D != nil {
		v.Demands = d.D.GetTotal()
		for _, l := range d.D.GetByArea() {
			v.DemandsByArea = append(v.DemandsByArea, demandLine{Label: d.areaName(l.GetKey()), F: l.GetFigures()})
		}
	}
	return v
}

// lines labels the lines of a breakdown (by area, product, linkage form or month); area lines
// link to the area's own report where the person may open it.
func (c *Console) lines(q *rq, d *reportData, ls []*contractsv1.ReportLine, by string) []reportLine {
	out := make([]reportLine, 0, len(ls))
	drill := q.s.Role == "admin" || (q.s.Role == "province_official" && d.C.GetScopeKind() == contractsv1.ContractReport_SCOPE_KIND_PROVINCE)
	for _, l := range ls {
		rl := reportLine{Key: l.GetKey(), F: l.GetFigures(), Label: lineLabel(q, d, by, l.GetKey())}
		switch by {
		case "product":
			if p := d.Refs.Products[l.GetKey()]; p != nil {
				rl.Unit = p.GetUnit()
			}
		case "area":
			if drill && l.GetKey() != "" && !strings.HasPrefix(d.C.GetScope(), "adminAreas/"+l.GetKey()) {
				nq := d.Q
				nq.Scope, nq.Area = "adminAreas/"+l.GetKey(), ""
				rl.Link = template.URL(BasePath + "/report?" + nq.encode())
			}
		}
		if by != "product" {
			rl.Unit = reportUnit(d)
		}
		out = append(out, rl)
	}
	return out
}

// reportUnit is the unit the report's quantities are in: that of its one product (chosen, or
// the only one with figures); "" when it covers several (their quantities do not add up).
func reportUnit(d *reportData) string {
	product := d.Q.Product
	if ls := d.C.GetByProduct(); product == "" && len(ls) == 1 {
		product = ls[0].GetKey()
	}
	if p := d.Refs.Products[product]; p != nil {
		return p.GetUnit()
	}
	return ""
}

// lineLabel names a line's key for people.
func lineLabel(q *rq, d *reportData, by, key string) string {
	switch by {
	case "area":
		return d.areaName(key)
	case "product":
		if p := d.Refs.Products[key]; p != nil {
			if q.lang == "en" && p.GetNameEn() != "" {
				return p.GetNameEn()
			}
			return p.GetNameVi()
		}
	case "form":
		return view{q: q}.E("LINKAGE_FORM_" + key)
	case "month":
		return monthLabel(key)
	}
	return key
}

// shortMonth writes "YYYY-MM" as mm/yy (chart axes).
func shortMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("01/06")
}

// monthLabel writes "YYYY-MM" as mm/yyyy.
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("01/2006")
}

// reportOptions are the choices of the report form: products, linkage forms, rulebooks, and
// the areas of the scope (provinces of the country, communes of a province).
func reportOptions(q *rq, d *reportData) (products, forms, rulebooks, areas []option) {
	for _, p := range d.Refs.ProductL {
		products = append(products, option{Value: p.GetName(), Label: lineLabel(q, d, "product", p.GetName())})
	}
	for _, f := range []string{"INPUT_SUPPLY_AND_PURCHASE", "PURCHASE_ONLY", "FULL_CHAIN", "SERVICES_AND_PURCHASE"} {
		forms = append(forms, option{Value: "LINKAGE_FORM_" + f, Label: lineLabel(q, d, "form", f)})
	}
	rulebooks = []option{{Value: "decree98", Label: tr(q.lang, "Nghị định 98 (cơ bản)")}, {Value: "ntp-sedema", Label: tr(q.lang, "CTMTQG vùng đồng bào DTTS&MN")}}
	return products, forms, rulebooks, d.areas
}

// areaLists caches the areas a report filters by (the country's provinces, a province's
// communes): the registry's official list changes by decree, not while a page is read.
var areaLists sync.Map // filter → areaList

type areaList struct {
	at    time.Time
	areas []option
}

// scopeAreas are the areas a report of r may be filtered to: the provinces of a national
// report, the communes of a province's (none otherwise).
func (c *Console) scopeAreas(q *rq, r *contractsv1.ContractReport) []option {
	filter := ""
	switch r.GetScopeKind() {
	case contractsv1.ContractReport_SCOPE_KIND_NATIONAL:
		filter = `level = "LEVEL_PROVINCE"`
	case contractsv1.ContractReport_SCOPE_KIND_PROVINCE:
		filter = fmt.Sprintf(`parent_code = %q`, strings.TrimPrefix(r.GetScope(), "adminAreas/"))
	default:
		return nil
	}
	if l, ok := areaLists.Load(filter); ok && time.Since(l.(areaList).at) < refTTL {
		return l.(areaList).areas
	}
	list, err := pages(func(tok string) ([]*registryv1.AdminArea, string, error) {
		res, err := c.b.reg.ListAdminAreas(q.ctx, &registryv1.ListAdminAreasRequest{PageSize: 500, PageToken: tok, Filter: filter})
		return res.GetAdminAreas(), res.GetNextPageToken(), err
	}, 0)
	if err != nil {
		return nil // the form offers no area choice; the report itself is unaffected
	}
	var out []option
	for _, a := range list {
		out = append(out, option{Value: a.GetCode(), Label: a.GetDisplayName()})
	}
	sortOptions(out)
	areaLists.Store(filter, areaList{at: time.Now(), areas: out})
	return out
}

func sortOptions(os []option) {
	for i := 1; i < len(os); i++ {
		for j := i; j > 0 && os[j].Label < os[j-1].Label; j-- {
			os[j], os[j-1] = os[j-1], os[j]
		}
	}
}

// incidentLines are the incidents by kind, counted by outcome.
func incidentLines(f *contractsv1.ReportFigures) []incidentLine {
	var out []incidentLine
	for _, k := range incidentKinds {
		l := incidentLine{Kind: k.String(), Counts: make([]int64, len(incidentOutcomes))}
		for _, c := range f.GetIncidentsByOutcome() {
			if c.GetKind() != k {
				continue
			}
			for i, o := range incidentOutcomes {
				if c.GetOutcome() == o {
					l.Counts[i] += c.GetCount()
					l.Total += c.GetCount()
				}
			}
		}
		if l.Total > 0 {
			out = append(out, l)
		}
	}
	return out
}

// reportCharts are the page's charts: accepted value and payments by month (line); households
// by status, contracts by state, accepted value by area (bars).
func reportCharts(q *rq, v reportView) []template.HTML {
	T := func(s string) string { return tr(q.lang, s) }
	var xs []string
	accepted, paid := lineSeries{Name: T("Giá trị nghiệm thu")}, lineSeries{Name: T("Đã thanh toán")}
	for _, l := range v.ByMonth {
		xs = append(xs, shortMonth(l.Key))
		accepted.Values = append(accepted.Values, l.F.GetAcceptedValueVnd())
		paid.Values = append(paid.Values, l.F.GetPaidVnd())
	}
	money := compactVND(q.lang)
	out := []template.HTML{lineChart("chart-months", T("Giá trị nghiệm thu và thanh toán theo tháng"),
		T("Đường biểu diễn giá trị sản phẩm được nghiệm thu và số tiền đã thanh toán trong từng tháng của kỳ báo cáo; số liệu chi tiết ở bảng theo tháng."),
		xs, []lineSeries{accepted, paid}, money)}
	h := v.Total.F.GetHouseholds()
	out = append(out, barChart("chart-households", T("Hộ tham gia"), T("Số hộ tham gia, mỗi hộ tính một lần, theo tình trạng nghèo, dân tộc và giới tính chủ hộ."), []barItem{
		{T("Tổng số hộ"), h.GetTotal()}, {T("Hộ nghèo"), h.GetPoor()}, {T("Hộ cận nghèo"), h.GetNearPoor()}, {T("Hộ mới thoát nghèo"), h.GetRecentlyEscaped()},
		{T("Hộ dân tộc thiểu số"), h.GetEthnicMinority()}, {T("Hộ do phụ nữ làm chủ"), h.GetWomenHeaded()},
	}, group))
	var states []barItem
	for _, s := range v.Total.F.GetContractsByState() {
		states = append(states, barItem{view{q: q}.E(s.GetState().String()), s.GetCount()})
	}
	if len(states) > 0 {
		out = append(out, barChart("chart-states", T("Hợp đồng theo trạng thái"), T("Số hợp đồng trong kỳ theo trạng thái hiện tại."), states, group))
	}
	var areas []barItem
	for _, l := range v.ByArea {
		areas = append(areas, barItem{l.Label, l.F.GetAcceptedValueVnd()})
	}
	if len(areas) > 0 {
		if len(areas) > 15 {
			areas = topBars(areas, 15)
		}
		out = append(out, barChart("chart-areas", T("Giá trị nghiệm thu")+" — "+T(v.AreaTitle), T("Giá trị sản phẩm được nghiệm thu trong kỳ theo địa bàn (nhiều nhất 15 địa bàn)."), areas, func(n int64) string { return money(float64(n)) }))
	}
	return out
}

// topBars keeps the n largest bars, largest first.
func topBars(items []barItem, n int) []barItem {
	out := append([]barItem(nil), items...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Value > out[j-1].Value; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out[:n]
}
