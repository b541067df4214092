package console

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"golang.org/x/sync/errgroup"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Certifications (VietGAP, organic, …). A producer organisation sees its certifications with
// their validity and requests one (the registry holds it only once an official or an operator
// approves it). A commune or province official sees, in their area, the requests to approve or
// reject, the certifications expiring within 60 days and every recorded one, which they may
// revoke; they also record a certification directly. The registry decides who may do what.

// expiringDays is how far ahead the officials' page looks for certifications running out.
const expiringDays = 60

type certForm struct {
	Org, Standard, Number, Issuer, From, Until string
	Products                                   []string
}

type certRow struct {
	C        *registryv1.CertificationRecord
	Org      string
	Standard string
	Products []string
	// DaysLeft is how many days the certification is still valid (negative: expired).
	DaysLeft int
	// Path is its actions' path under the console: certifications/{org}/{cert}.
	Path string
}

type certsView struct {
	// Official: the page of an official (or an operator): the area's lists; else an
	// organisation's own certifications. Country: an operator's, the whole country's.
	Official, Country                 bool
	AreaName                          string
	Own, Requests, Expiring, Recorded []certRow
	Next                              string
	Orgs                              []*registryv1.Organization
	Standards                         []*registryv1.Standard
	Products                          []*registryv1.Product
	Form                              certForm
	Errors                            formErrors
	ExpiringDays                      int
}

func (c *Console) certificationRoutes(m *http.ServeMux) {
	b := BasePath
	m.Handle("GET "+b+"/certifications", c.page(c.certifications))
	m.Handle("POST "+b+"/certifications", c.page(c.createCertification))
	m.Handle("POST "+b+"/certifications/{org}/{cert}/{action}", c.page(c.certificationAction))
}

// seesArea says whether the person sees the area's certifications (officials, operators)
// rather than an organisation's own.
func seesArea(s *session) bool {
	return s.Role == "commune_official" || s.Role == "province_official" || s.Role == "admin"
}

func (c *Console) certifications(q *rq) error {
	return c.renderCerts(q, http.StatusOK, c.newCertForm(q), formErrors{})
}

func (c *Console) newCertForm(q *rq) certForm {
	year := time.Now().In(vn.Zone).Year()
	return certForm{Org: q.s.Org, Standard: "standards/VIETGAP", Products: []string{"cinnamon-bark"},
		From: fmt.Sprintf("%d-01-01", year), Until: fmt.Sprintf("%d-12-31", year+2)}
}

func (c *Console) renderCerts(q *rq, code int, f certForm, fe formErrors) error {
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	v := certsView{Form: f, Errors: fe, Standards: refs.StandardL, Products: refs.ProductL, ExpiringDays: expiringDays}
	if seesArea(q.s) {
		err = c.areaCerts(q, refs, &v)
	} else {
		err = c.ownCerts(q, refs, &v)
	}
	if err != nil {
		return err
	}
	q.render(code, "certifications", v)
	return nil
}

// ownCerts lists the organisation's certifications (one call).
func (c *Console) ownCerts(q *rq, refs refs, v *certsView) error {
	if q.s.Org == "" {
		return errNotFound
	}
	cs, err := pages(func(tok string) ([]*registryv1.CertificationRecord, string, error) {
		res, err := c.b.reg.ListCertifications(q.ctx, &registryv1.ListCertificationsRequest{Parent: q.s.Org, PageSize: 200, PageToken: tok})
		return res.GetCertifications(), res.GetNextPageToken(), err
	}, 200)
	if err != nil {
		return err
	}
	v.Own = certRows(q, refs, cs, nil)
	return nil
}

// areaCerts lists, in the official's area, the organisations (to name them and to record a
// certification for one), the requests, the certifications expiring soon and a page of the
// recorded ones: four calls at once, whatever the number of certifications. An operator sees
// the whole country, the organisations named one call each.
func (c *Console) areaCerts(q *rq, refs refs, v *certsView) error {
	v.Official = true
	area := areaFilter(q.s)
	v.Country = area == ""
	if a := c.b.area(q.ctx, q.s.Area); a != nil && area != "" {
		v.AreaName = a.GetDisplayName()
	}
	and := func(f string) string {
		if area == "" {
			return f
		}
		return area + " AND " + f
	}
	var requests, expiring, recorded *registryv1.ListCertificationsResponse
	g, ctx := errgroup.WithContext(q.ctx)
	list := func(out **registryv1.ListCertificationsResponse, filter, token string) {
		g.Go(func() (err error) {
			*out, err = c.b.reg.ListCertifications(ctx, &registryv1.ListCertificationsRequest{Parent: "organizations/-", Filter: filter, PageSize: 100, PageToken: token})
			return err
		})
	}
	list(&requests, and(`state = "STATE_REQUESTED"`), "")
	list(&expiring, and(fmt.Sprintf("expiring_within_days = %d", expiringDays)), "")
	list(&recorded, and(`state = "STATE_RECORDED"`), q.r.URL.Query().Get("page"))
	if area != "" {
		g.Go(func() (err error) {
			v.Orgs, err = c.areaOrgs(q, area)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	names := c.certOrgNames(q, area != "", v.Orgs, requests, expiring, recorded)
	v.Requests, v.Expiring = certRows(q, refs, requests.GetCertifications(), names), certRows(q, refs, expiring.GetCertifications(), names)
	v.Recorded, v.Next = certRows(q, refs, recorded.GetCertifications(), names), recorded.GetNextPageToken()
	return nil
}

// areaFilter narrows a listing to an official's area ("" for an operator: the country).
func areaFilter(s *session) string {
	switch s.Role {
	case "commune_official":
		return fmt.Sprintf("commune_code = %q", s.Area)
	case "province_official":
		return fmt.Sprintf("province_code = %q", s.Area)
	}
	return ""
}

// certOrgNames names the organisations of the listed certifications: from the area's
// organisations (inArea), or (an operator's page, the whole country) each looked up.
func (c *Console) certOrgNames(q *rq, inArea bool, orgs []*registryv1.Organization, lists ...*registryv1.ListCertificationsResponse) map[string]string {
	names := map[string]string{}
	for _, o := range orgs {
		names[o.GetName()] = o.GetDisplayName()
	}
	if inArea {
		return names
	}
	for _, l := range lists {
		for _, cr := range l.GetCertifications() {
			names[orgOfCert(cr.GetName())] = ""
		}
	}
	c.fillOrgNames(q, names)
	return names
}

// areaOrgs lists the organisations of the area (page by page, at most 5,000).
func (c *Console) areaOrgs(q *rq, filter string) ([]*registryv1.Organization, error) {
	return pages(func(tok string) ([]*registryv1.Organization, string, error) {
		res, err := c.b.reg.ListOrganizations(q.ctx, &registryv1.ListOrganizationsRequest{Filter: filter, PageSize: 1000, PageToken: tok})
		return res.GetOrganizations(), res.GetNextPageToken(), err
	}, 5000)
}

// orgOfCert is the organisation of organizations/{o}/certifications/{c}.
func orgOfCert(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "/" + parts[1]
}

func certRows(q *rq, refs refs, cs []*registryv1.CertificationRecord, orgs map[string]string) []certRow {
	today, _ := time.ParseInLocation(time.DateOnly, time.Now().In(vn.Zone).Format(time.DateOnly), vn.Zone)
	out := make([]certRow, 0, len(cs))
	for _, cr := range cs {
		row := certRow{C: cr, Org: orgs[orgOfCert(cr.GetName())], Standard: cr.GetStandard(),
			Path: "certifications/" + strings.Replace(strings.TrimPrefix(cr.GetName(), "organizations/"), "/certifications/", "/", 1)}
		if s := refs.Standards["standards/"+cr.GetStandard()]; s != nil {
			row.Standard = s.GetDisplayName()
		}
		for _, p := range cr.GetProducts() {
			row.Products = append(row.Products, productName(q, refs, p))
		}
		if until, err := time.ParseInLocation(time.DateOnly, cr.GetValidUntil(), vn.Zone); err == nil {
			row.DaysLeft = int(until.Sub(today).Hours() / 24)
		}
		out = append(out, row)
	}
	return out
}

var certFields = map[string]string{
	"parent": "org", "certification.standard": "standard", "certification.number": "number", "certification.issuer": "issuer",
	"certification.products": "products", "certification.valid_from": "from", "certification.valid_until": "until",
}

// createCertification requests a certification for the person's organisation, or records one
// for an organisation of the official's area: the registry decides which it is.
func (c *Console) createCertification(q *rq) error {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	f := certForm{Org: g("org"), Standard: g("standard"), Number: g("number"), Issuer: g("issuer"), From: g("from"), Until: g("until"), Products: pf["products"]}
	if !seesArea(q.s) {
		f.Org = q.s.Org
	}
	var fe formErrors
	n := numbers{&fe}
	cert := &registryv1.CertificationRecord{Standard: f.Standard, Number: f.Number, Issuer: f.Issuer, Products: f.Products, ValidFrom: n.date("from", f.From), ValidUntil: n.date("until", f.Until)}
	if len(f.Products) == 0 {
		fe.add("products", ruleVI["REQUIRED"])
	}
	if f.Org == "" {
		fe.add("org", ruleVI["REQUIRED"])
	}
	if fe.Any() {
		return c.renderCerts(q, http.StatusUnprocessableEntity, f, fe)
	}
	_, err := c.b.reg.CreateCertification(q.ctx, &registryv1.CreateCertificationRequest{Parent: f.Org, Certification: cert, RequestId: pf.Get("request_id")})
	if err != nil {
		return c.renderCerts(q, statusOf(err), f, fromAPI(err, certFields))
	}
	ok := "cert-requested"
	if seesArea(q.s) {
		ok = "cert-recorded"
	}
	return q.redirect(BasePath+"/certifications", ok)
}

func (c *Console) certificationAction(q *rq) error {
	name := "organizations/" + q.r.PathValue("org") + "/certifications/" + q.r.PathValue("cert")
	etag, reason := q.r.PostForm.Get("etag"), strings.TrimSpace(q.r.PostForm.Get("reason"))
	var err error
	ok := ""
	switch q.r.PathValue("action") {
	case "approve":
		_, err = c.b.reg.ApproveCertification(q.ctx, &registryv1.ApproveCertificationRequest{Name: name, Etag: etag})
		ok = "cert-approved"
	case "reject":
		_, err = c.b.reg.RejectCertification(q.ctx, &registryv1.RejectCertificationRequest{Name: name, Reason: reason, Etag: etag})
		ok = "cert-rejected"
	case "revoke":
		_, err = c.b.reg.RevokeCertification(q.ctx, &registryv1.RevokeCertificationRequest{Name: name, Reason: reason, Etag: etag})
		ok = "revoked"
	default:
		return errNotFound
	}
	if err != nil {
		// A missing reason is shown next to that certification's reason field.
		fe := fromAPI(err, map[string]string{"reason": "reason-" + q.r.PathValue("cert")})
		return c.renderCerts(q, statusOf(err), c.newCertForm(q), fe)
	}
	return q.redirect(BasePath+"/certifications", ok)
}

func init() {
	addTexts(sectionTexts{english: englishCerts, flashes: map[string]string{
		"cert-requested": "Đã gửi đề nghị; chứng nhận có hiệu lực khi được duyệt.",
		"cert-recorded":  "Đã ghi nhận chứng nhận.",
		"cert-approved":  "Đã duyệt chứng nhận.",
		"cert-rejected":  "Đã từ chối đề nghị ghi nhận chứng nhận.",
	}, rules: map[string]string{
		"CERTIFICATION_STATE": "Chứng nhận không còn ở trạng thái cho phép thao tác này; trang đã được cập nhật.",
		"DATE_ORDER":          "Ngày kết thúc không được trước ngày bắt đầu.",
		"PLOT_EXISTS":         "Lô đất không tồn tại.",
		"PLOT_MEMBER":         "Lô đất không thuộc hộ thành viên đang hoạt động của tổ chức.",
	}, enums: map[string][2]string{
		"STATE_REQUESTED": {"Chờ duyệt", "Requested"},
		"STATE_REJECTED":  {"Bị từ chối", "Rejected"},
		"STATE_REVOKED":   {"Đã thu hồi", "Revoked"},
	}})
}

// englishCerts translates the certifications page.
var englishCerts = map[string]string{
	"Chứng nhận": "Certifications",
	"Chứng nhận (VietGAP, hữu cơ, OCOP…) của các tổ chức trong địa bàn. Chỉ chứng nhận đã được ghi nhận mới được dùng khi chào bán và khi xếp hạng kết nối.":                             "Certifications (VietGAP, organic, OCOP…) of the organisations in your area. Only recorded ones may be claimed by offers and count in matching.",
	"Chứng nhận (VietGAP, hữu cơ, OCOP…) của các tổ chức trong cả nước. Chỉ chứng nhận đã được ghi nhận mới được dùng khi chào bán và khi xếp hạng kết nối.":                             "Certifications (VietGAP, organic, OCOP…) of the organisations in the whole country. Only recorded ones may be claimed by offers and count in matching.",
	"Chứng nhận của tổ chức. Tổ chức chỉ đề nghị; chứng nhận có hiệu lực khi UBND xã, tỉnh hoặc quản trị hệ thống duyệt. Chỉ chứng nhận đã duyệt và còn hạn mới được dùng khi chào bán.": "Your organisation's certifications. The organisation only requests them; one is held once the commune or province People's Committee or an operator approves it. Only approved, valid certifications may be claimed by offers.",
	"Đề nghị chờ duyệt":                       "Requests to decide",
	"Không có đề nghị ghi nhận nào đang chờ.": "No request is waiting.",
	"Duyệt":                     "Approve",
	"Sắp hết hạn trong %d ngày": "Expiring within %d days",
	"Không có chứng nhận nào sắp hết hạn.":          "No certification expires soon.",
	"Chứng nhận đã ghi nhận":                        "Recorded certifications",
	"Chưa có chứng nhận nào được ghi nhận.":         "No certification is recorded yet.",
	"Tổ chức chưa có chứng nhận nào.":               "Your organisation has no certification yet.",
	"Ghi nhận chứng nhận":                           "Record a certification",
	"Đề nghị ghi nhận chứng nhận":                   "Request a certification",
	"Tổ chức":                                       "Organisation",
	"Tiêu chuẩn":                                    "Standard",
	"Số giấy chứng nhận":                            "Certificate number",
	"Tổ chức chứng nhận":                            "Certifying body",
	"Ví dụ: Trung tâm Chứng nhận Phù hợp (QUACERT)": "E.g. QUACERT",
	"Sản phẩm được chứng nhận":                      "Products covered",
	"Hiệu lực từ ngày":                              "Valid from",
	"Hiệu lực đến ngày":                             "Valid until",
	"Hiệu lực":                                      "Validity",
	"Ghi nhận":                                      "Record",
	"Gửi đề nghị":                                   "Send the request",
	"Đã hết hạn":                                    "Expired",
	"Còn %d ngày":                                   "%d days left",
	"Ghi nhận lúc":                                  "Recorded at",
	"Đã gửi đề nghị; chứng nhận có hiệu lực khi được duyệt.": "Request sent; the certification is held once approved.",
	"Đã ghi nhận chứng nhận.":                                "Certification recorded.",
	"Đã duyệt chứng nhận.":                                   "Certification approved.",
	"Đã từ chối đề nghị ghi nhận chứng nhận.":                "Certification request rejected.",
}
