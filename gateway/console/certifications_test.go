package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// inDays is the date n days from today in Vietnam.
func inDays(n int) string { return time.Now().In(vn.Zone).AddDate(0, 0, n).Format(time.DateOnly) }

// coopIn registers a cooperative in commune, as an operator would.
func (s *suite) coopIn(name, commune string) string {
	s.t.Helper()
	o, err := s.reg.CreateOrganization(context.Background(), &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{Kind: registryv1.Organization_KIND_COOPERATIVE,
		DisplayName: name, TaxCode: taxcode.From(time.Now().UnixNano()%100_000_000 + runSeq.Add(1)*1_000_000 + 700_000_000), Address: &registryv1.Address{CommuneCode: commune}}}, s.admin)
	require.NoError(s.t, err)
	return o.GetName()
}

// certify records (as an operator) or requests (as the organisation) a certification.
func (s *suite) certify(org, number, until string, as auth.Principal) *registryv1.CertificationRecord {
	s.t.Helper()
	c, err := s.reg.CreateCertification(context.Background(), &registryv1.CreateCertificationRequest{Parent: org, Certification: &registryv1.CertificationRecord{
		Standard: "standards/ORGANIC_TCVN_11041", Number: number, Issuer: "QUACERT", Products: []string{"cinnamon-bark"}, ValidFrom: inDays(-100), ValidUntil: until}}, s.as(as))
	require.NoError(s.t, err)
	return c
}

func operator() auth.Principal {
	return auth.Principal{Subject: "users/test-admin", Role: auth.RoleAdmin}
}

// TestCertificationPages: the cooperative sees its certifications and requests one (mistakes
// shown next to their fields); the commune official sees, in the commune only, the requests, the
// certifications expiring within 60 days and the recorded ones; approves one, rejects one (a
// reason is needed, and its absence is shown next to that request's reason), revokes one,
// records one directly; the cooperative then sees the outcome. The registry decides: the
// cooperative cannot approve, an official of another commune cannot either; a province
// official sees the province.
func TestCertificationPages(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	other := s.coopIn("HTX Đông Cuông", places.DongCuong)
	s.certify(other, "DC-REQ-1", inDays(300), auth.Principal{Subject: "users/dc", Role: auth.RoleProducer, Organization: other})

	pg := coop.get("/console/certifications")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, `href="/console/certifications" aria-current="page"`)
	require.Contains(t, pg.body, "VietGAP-TT-01")
	require.Contains(t, pg.body, "Đã ghi nhận")

	bad := coop.post("/console/certifications", url.Values{"standard": {"standards/ORGANIC_TCVN_11041"}, "issuer": {"QUACERT"}, "products": {"cinnamon-bark"}, "from": {inDays(10)}, "until": {inDays(-10)}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, `id="until-error">`+ruleVI["DATE_ORDER"])
	require.Contains(t, bad.body, `id="number-error">`+ruleVI["REQUIRED"])
	bad = coop.post("/console/certifications", url.Values{"standard": {"standards/ORGANIC_TCVN_11041"}, "number": {"X"}, "issuer": {"QUACERT"}, "from": {"31/02/2026"}, "until": {inDays(10)}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, `id="from-error">`+ruleVI["DATE_FORMAT"])
	require.Contains(t, bad.body, `id="products-error">`+ruleVI["REQUIRED"])
	for i, until := range []string{inDays(400), inDays(500)} {
		res := coop.post("/console/certifications", url.Values{"standard": {"standards/ORGANIC_TCVN_11041"}, "number": {fmt.Sprintf("HC-%d", i)}, "issuer": {"QUACERT"},
			"products": {"cinnamon-bark"}, "from": {inDays(-5)}, "until": {until}, "request_id": {fmt.Sprintf("req-%d", i)}})
		require.Equal(t, http.StatusSeeOther, res.code, res.body)
	}
	pg = coop.get("/console/certifications?ok=cert-requested")
	require.Contains(t, pg.body, "Đã gửi đề nghị; chứng nhận có hiệu lực khi được duyệt.")
	require.Equal(t, 2, strings.Count(pg.body, `Chờ duyệt</span>`))
	require.Empty(t, action(pg.body, "/approve"), "no approve button for the cooperative")
	soon := s.certify(w.coop, "VG-SOON", inDays(20), operator())

	off := s.signedIn(official(), "Lý Thị Lan", false)
	pg = off.get("/console/certifications")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	requests := between(pg.body, `id="requests"`, `</section>`)
	require.Contains(t, requests, "HC-0")
	require.Contains(t, requests, "HC-1")
	require.Contains(t, requests, "HTX Quế Châu Quế", "named")
	require.NotContains(t, pg.body, "DC-REQ-1", "another commune's request is not this official's")
	expiring := between(pg.body, `id="expiring"`, `</section>`)
	require.Contains(t, expiring, "VG-SOON")
	require.Contains(t, expiring, "Còn 20 ngày")
	require.NotContains(t, expiring, "VietGAP-TT-01", "valid until 2028")

	// The registry decides: the cooperative may not approve, another commune's official neither.
	approve0 := action(requests, "/approve")
	res := coop.post(approve0, nil)
	require.Equal(t, http.StatusForbidden, res.code, res.body)
	require.Contains(t, res.body, ruleVI["PERMISSION_DENIED"])
	elsewhere := s.signedIn(auth.Principal{Subject: "users/dc-official", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}, "Cán bộ Đông Cuông", false)
	require.Equal(t, http.StatusForbidden, elsewhere.post(approve0, nil).code)
	require.Contains(t, elsewhere.get("/console/certifications").body, "DC-REQ-1")

	res = off.post(approve0, formValues(pg.body, approve0))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = off.get(res.hdr.Get("Location"))
	require.Contains(t, pg.body, "Đã duyệt chứng nhận.")
	reject := action(between(pg.body, `id="requests"`, `</section>`), "/reject")
	require.NotEmpty(t, reject)
	certID := between(reject, "/certifications/", "/reject")
	certID = certID[strings.LastIndex(certID, "/")+1:]
	res = off.post(reject, url.Values{"reason": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, res.code, res.body)
	require.Contains(t, res.body, `id="reason-`+certID+`-error">`+ruleVI["REQUIRED"], "next to that request's reason")
	res = off.post(reject, url.Values{"reason": {"Giấy chứng nhận đã hết hiệu lực"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	revoke := ""
	pg = off.get("/console/certifications")
	for _, a := range strings.Split(between(pg.body, `id="recorded"`, `</section>`), `<li class="card">`) {
		if strings.Contains(a, "VG-SOON") {
			revoke = action(a, "/revoke")
		}
	}
	require.True(t, strings.HasSuffix(revoke, "/"+soon.GetName()[strings.LastIndex(soon.GetName(), "/")+1:]+"/revoke"), revoke)
	res = off.post(revoke, url.Values{"reason": {"Kiểm tra giám sát không đạt"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	res = off.post("/console/certifications", url.Values{"org": {w.coop}, "standard": {"standards/VIETGAP"}, "number": {"VG-DIRECT"}, "issuer": {"QUACERT"},
		"products": {"cinnamon-bark"}, "from": {inDays(-1)}, "until": {inDays(700)}, "request_id": {"rec-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, res.hdr.Get("Location"), "cert-recorded")

	pg = coop.get("/console/certifications")
	for _, want := range []string{"Bị từ chối", "Giấy chứng nhận đã hết hiệu lực", "Đã thu hồi", "Kiểm tra giám sát không đạt", "VG-DIRECT"} {
		require.Contains(t, pg.body, want)
	}
	require.Equal(t, 0, strings.Count(pg.body, `Chờ duyệt</span>`))

	prov := s.signedIn(auth.Principal{Subject: "users/prov", Role: auth.RoleProvinceOfficial, AdminArea: places.LaoCai}, "Hoàng Văn Nam", false)
	pg = prov.get("/console/certifications")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "DC-REQ-1", "Đông Cuông is in Lào Cai")
	require.Contains(t, pg.body, "VG-DIRECT")

	// An operator's page is the whole country, each organisation named.
	adm := s.signedIn(operator(), "Nguyễn Quản Trị", false)
	pg = adm.get("/console/certifications")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	requests = between(pg.body, `id="requests"`, `</section>`)
	require.Contains(t, requests, "DC-REQ-1")
	require.Contains(t, requests, "HTX Đông Cuông")
	require.Contains(t, pg.body, "của các tổ chức trong cả nước", "the page says it is the whole country")
	require.NotContains(t, off.get("/console/certifications").body, "trong cả nước", "an official's is the area's")
}

// TestCertificationPageCalls: an official's certifications page makes four calls (the area's
// organisations, requests, certifications expiring soon, recorded ones), whether the area has
// one certification or many of many organisations; the cooperative's page makes one.
func TestCertificationPageCalls(t *testing.T) {
	s := newSuite(t)
	w := s.world(0)
	off := s.signedIn(official(), "Lý Thị Lan", false)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	count := func(b *browser) int64 {
		b.get("/console/certifications") // the reference cache
		s.resetCalls()
		pg := b.get("/console/certifications")
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		return s.calls.Load()
	}
	require.EqualValues(t, 4, count(off), s.callList())
	require.EqualValues(t, 1, count(coop), s.callList())
	for i := range 5 {
		org := s.coopIn(fmt.Sprintf("HTX số %d", i), places.ChauQue)
		s.certify(org, fmt.Sprintf("REQ-%d", i), inDays(30+i), auth.Principal{Subject: "users/x", Role: auth.RoleProducer, Organization: org})
		s.certify(org, fmt.Sprintf("SOON-%d", i), inDays(10+i), operator())
	}
	require.EqualValues(t, 4, count(off), "ten certifications of five more organisations: %s", s.callList())
	pg := off.get("/console/certifications")
	require.Equal(t, 5, strings.Count(between(pg.body, `id="requests"`, `</section>`), `<li class="card">`))
	require.Contains(t, pg.body, "HTX số 4")
}
