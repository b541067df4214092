package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestStoryThroughForms walks the story through the console's forms only (no browser): the
// business posts a demand and proposes; the cooperative accepts; the business completes the
// terms; the cooperative submits and signs for itself and its households; the buyer signs; the
// official witnesses; the buyer records a delivery, the cooperative confirms it, the buyer pays.
func TestStoryThroughForms(t *testing.T) {
	s := newSuite(t)
	w := s.world(2, "Triệu Thị Mai", "Bàn Văn Lực")
	buyer := s.signedIn(w.buyer(), "Phạm Thị Thu", true)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	off := s.signedIn(official(), "Lý Thị Lan", false)

	// The cooperative posts an offer from its members page.
	offers := coop.get("/console/offers")
	require.Equal(t, http.StatusOK, offers.code, offers.body)
	res := coop.post("/console/offers", url.Values{"product": {"products/cinnamon-bark"}, "quantity": {"2.000"}, "start": {"2027-05-15"}, "end": {"2027-08-15"},
		"min_price": {"40.000"}, "certifications": {"standards/VIETGAP"}, "households": w.households, "request_id": {"offer-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	// The business posts a demand: first with mistakes, shown next to their fields.
	bad := buyer.post("/console/demands", url.Values{"product": {"products/cinnamon-bark"}, "quantity": {"ba nghìn"}, "start": {"2027-06-01"}, "end": {"2027-07-31"}, "commune": {places.BaoHa}, "price_type": {"PRICE_TYPE_FIXED"}, "price": {"42.000"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code)
	require.Contains(t, bad.body, `id="quantity-error"`)
	require.Contains(t, bad.body, ruleVI["NUMBER"])
	bad = buyer.post("/console/demands", url.Values{"product": {"products/cinnamon-bark"}, "quantity": {"2.000"}, "start": {"2027-07-31"}, "end": {"2027-06-01"}, "commune": {"99999"}, "price_type": {"PRICE_TYPE_FIXED"}, "price": {"42.000"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, `id="commune-error"`, "the API's ADMIN_AREA_EXISTS lands on the commune field")
	require.Contains(t, bad.body, ruleVI["ADMIN_AREA_EXISTS"])
	require.Contains(t, bad.body, `id="start-error"`, "the API's DATE_WINDOW lands on the window")
	res = buyer.post("/console/demands", url.Values{"product": {"products/cinnamon-bark"}, "standard": {"standards/VIETGAP"}, "quantity": {"2.000"}, "start": {"2027-06-01"}, "end": {"2027-07-31"},
		"commune": {places.BaoHa}, "place": {"Kho Bảo Hà"}, "price_type": {"PRICE_TYPE_FIXED"}, "price": {"42.000"}, "poor_share": {"30"}, "request_id": {"demand-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	demand := res.hdr.Get("Location")
	pg := buyer.get(demand)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "HTX Quế Châu Quế")
	require.Contains(t, pg.body, "Thời vụ: mùa thu hoạch trùng 100% thời gian giao hàng.")
	offer := between(pg.body, `name="offer" value="`, `"`)
	require.NotEmpty(t, offer)
	res = buyer.post(strings.SplitN(demand, "?", 2)[0]+"/proposals", url.Values{"offer": {offer}, "quantity": {"2.000"}, "message": {"Mời HTX ký hợp đồng"}, "request_id": {"p-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	// The cooperative accepts.
	pg = coop.get("/console/proposals")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "Công ty CP Quế Hồi")
	require.Contains(t, pg.body, "42.000\u00a0₫/kg", "the price with its unit")
	accept := action(pg.body, "/accept")
	require.NotEmpty(t, accept)
	res = coop.post(accept, url.Values{"request_id": {"acc-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	contract := strings.SplitN(strings.TrimPrefix(res.hdr.Get("Location"), "/console/"), "?", 2)[0]

	// The draft is incomplete; the business completes the terms on the edit page.
	pg = buyer.get("/console/" + contract)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "điểm chưa đạt")
	edit := buyer.get("/console/" + contract + "/edit")
	require.Equal(t, http.StatusOK, edit.code, edit.body)
	form := formValues(edit.body, "/console/"+contract+"/edit")
	form.Set("linkage_form", "LINKAGE_FORM_PURCHASE_ONLY")
	form.Set("standard", "standards/VIETGAP")
	form.Set("grade-0", "A")
	form.Set("criteria-0", "Độ ẩm ≤ 13%")
	form.Set("grade-1", "B")
	form.Set("adjust-1", "-10")
	form.Set("obl_buyer", "Thu mua toàn bộ sản lượng đạt chuẩn")
	form.Set("obl_producer", "Sản xuất theo VietGAP")
	form.Set("penalty", "8")
	form.Set("damages", "Bồi thường thiệt hại thực tế")
	form.Set("lot-place-0", "Kho Bảo Hà")
	form.Set("mandate-ref-1", "GUQ-02/2027")
	form.Set("mandate-date-1", "2027-05-20")
	res = buyer.post("/console/"+contract+"/edit", form)
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = buyer.get("/console/" + contract)
	require.Contains(t, pg.body, "Đạt tất cả quy định", pg.body)

	// Submit, sign.
	res = coop.post("/console/"+contract+"/submit", url.Values{"request_id": {"sub-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = coop.get("/console/" + contract)
	hash := between(pg.body, `name="terms_hash" value="`, `"`)
	require.NotEmpty(t, hash)
	require.Contains(t, pg.body, "Ký thay các hộ theo giấy ủy quyền")
	res = coop.post("/console/"+contract+"/sign", url.Values{"party": {"producer"}, "terms_hash": {hash}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	res = coop.post("/console/"+contract+"/sign", url.Values{"party": {"mandate"}, "terms_hash": {hash}, "household": {w.households[1]}, "request_id": {"m-1"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	// The first household signs itself.
	hh := s.signedIn(auth.Principal{Subject: "users/mai", Role: auth.RoleHousehold, Household: w.households[0]}, "Triệu Thị Mai", false)
	pg = hh.get("/console/" + contract)
	require.Contains(t, pg.body, `id="sign-household"`)
	res = hh.post("/console/"+contract+"/sign", url.Values{"party": {"household"}, "terms_hash": {hash}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	// A stale terms hash is refused with the reason, on the page.
	stale := buyer.post("/console/"+contract+"/sign", url.Values{"party": {"buyer"}, "terms_hash": {strings.Repeat("0", 64)}})
	require.Equal(t, http.StatusUnprocessableEntity, stale.code, stale.body)
	require.Contains(t, stale.body, `class="errors"`)
	res = buyer.post("/console/"+contract+"/sign", url.Values{"party": {"buyer"}, "terms_hash": {hash}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	// The official rejects without a reason (refused, shown on the field), then witnesses.
	pg = off.post("/console/"+contract+"/reject", url.Values{"reason": {"  "}})
	require.Equal(t, http.StatusUnprocessableEntity, pg.code)
	require.Contains(t, pg.body, `id="reason-error"`)
	res = off.post("/console/"+contract+"/witness", url.Values{"terms_hash": {hash}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)

	// Execution: a delivery recorded by the buyer, confirmed by the cooperative, paid.
	pg = buyer.get("/console/" + contract + "/deliveries")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	res = buyer.post("/console/"+contract+"/deliveries", url.Values{"household": {w.households[0]}, "lot": {"lot-1"}, "date": {"20/06/2027"}, "quantity": {"1.000"}, "grade": {"A"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = coop.get("/console/" + contract + "/deliveries")
	require.Contains(t, pg.body, "42.000\u00a0₫")
	require.Contains(t, pg.body, "42.000.000\u00a0₫")
	confirm := action(pg.body, "/confirm")
	require.NotEmpty(t, confirm)
	res = coop.post(confirm, formValues(pg.body, confirm))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	res = buyer.post("/console/"+contract+"/payments", url.Values{"payee": {w.coop}, "household": {w.households[0]}, "amount": {"42.000.000"}, "method": {"PAYMENT_METHOD_BANK_TRANSFER"}, "reference": {"UNC-01"}, "date": {"2027-07-05"}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = buyer.get("/console/" + contract + "/settlement")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "UNC-01")

	// Every other page of each role renders.
	prov := s.signedIn(auth.Principal{Subject: "users/prov", Role: auth.RoleProvinceOfficial, AdminArea: "15"}, "Hoàng Văn Nam", false)
	for _, c := range []struct {
		b    *browser
		path string
		want string
	}{
		{off, "/console/incidents", "Sự vụ cần xử lý"},
		{off, "/console/" + contract + "/incidents", "Sự vụ"},
		{coop, "/console/" + contract + "/incidents", "Báo sự vụ"},
		{buyer, "/console/" + contract + "/events", "contract.witnessed"},
		{buyer, "/console/contracts", "Hợp đồng liên kết"},
		{buyer, "/console/demands", "Vỏ quế"},
		{buyer, "/console/demands/new", "Đăng nhu cầu mua"},
		{coop, "/console/members", "Triệu Thị Mai"},
		{prov, "/console/report", "Xã Châu Quế"},
		{prov, "/console/" + contract, "Đang thực hiện"},
		{hh, "/console/contracts", "Hợp đồng"},
	} {
		pg := c.b.get(c.path)
		require.Equal(t, http.StatusOK, pg.code, "%s: %s", c.path, pg.body)
		require.Contains(t, pg.body, c.want, c.path)
	}
	ct, err := s.con.GetContract(context.Background(), &contractsv1.GetContractRequest{Name: contract}, s.admin)
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, ct.GetState())
}

// action returns the first form action of body that ends with suffix.
func action(body, suffix string) string {
	for _, m := range regexp.MustCompile(`action="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if strings.HasSuffix(m[1], suffix) {
			return m[1]
		}
	}
	return ""
}

// formValues reads the fields of the form posted to action as a browser would send them
// unchanged (text inputs and hidden fields with their values, checked boxes, selected
// options, textareas' text).
func formValues(body, action string) url.Values {
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		return url.Values{}
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	out := url.Values{}
	tagRe := regexp.MustCompile(`(?s)<(input|textarea|select)\b([^>]*)>`)
	for _, loc := range tagRe.FindAllStringSubmatchIndex(form, -1) {
		kind, tag, rest := form[loc[2]:loc[3]], form[loc[4]:loc[5]], form[loc[1]:]
		name, ok := attr(tag, "name")
		if !ok {
			continue
		}
		if v, send := fieldValue(kind, tag, rest); send {
			out.Add(name, v)
		}
	}
	return out
}

// fieldValue is what a browser sends for one field, and whether it sends anything.
func fieldValue(kind, tag, rest string) (string, bool) {
	switch kind {
	case "textarea":
		return htmlUnescape(rest[:strings.Index(rest, "</textarea>")]), true
	case "select":
		opts := rest[:strings.Index(rest, "</select>")]
		sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(opts)
		if sel == nil {
			sel = regexp.MustCompile(`<option value="([^"]*)"`).FindStringSubmatch(opts)
		}
		if sel == nil {
			return "", false
		}
		return htmlUnescape(sel[1]), true
	}
	typ, _ := attr(tag, "type")
	val, _ := attr(tag, "value")
	if typ != "checkbox" && typ != "radio" {
		return val, true
	}
	if _, checked := attr(tag, "checked"); !checked {
		return "", false
	}
	if val == "" {
		val = "on"
	}
	return val, true
}

// attr reads an attribute of a tag; a bare attribute (checked) is present with no value.
func attr(tag, name string) (string, bool) {
	m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return "", strings.Contains(tag+" ", " "+name+" ")
	}
	return htmlUnescape(m[1]), true
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}

// TestEnglishOnRequest: Vietnamese by default; the language link switches to English and back,
// and stays on the page the person was on.
func TestEnglishOnRequest(t *testing.T) {
	s := newSuite(t)
	b := s.signedIn(official(), "Lý Thị Lan", false)
	require.Contains(t, b.get("/console/inbox").body, "Chờ chứng thực")
	res := b.get("/console/lang/en?next=/console/inbox")
	require.Equal(t, http.StatusSeeOther, res.code)
	require.Equal(t, "/console/inbox", res.hdr.Get("Location"))
	lang := (&http.Response{Header: res.hdr}).Cookies()[0]
	require.Equal(t, "en", lang.Value)
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/console/inbox", nil)
	req.AddCookie(lang)
	pg := b.do(req)
	require.Contains(t, pg.body, `<html lang="en">`)
	require.Contains(t, pg.body, "Awaiting witness")
	require.Contains(t, pg.body, "No contract is awaiting witness.")
	require.Equal(t, "/console/", b.get("/console/lang/en?next=https://evil.example/").hdr.Get("Location"), "only local pages")
}
