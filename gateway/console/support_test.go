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

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// supportWorld is the world of the support pages: the business and the cooperative with an
// ACTIVE (witnessed) contract over the cooperative's households, and the province's People's
// Committee, investor of the calls.
type supportWorld struct {
	world
	contract, province string
}

func provinceOfficial() auth.Principal {
	return auth.Principal{Subject: "users/so-nn-ptnt", Role: auth.RoleProvinceOfficial, AdminArea: places.LaoCai}
}

func councilMember() auth.Principal {
	return auth.Principal{Subject: "users/hoi-dong-1", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}
}

func (s *suite) supportWorld(households int) supportWorld {
	s.t.Helper()
	ctx := context.Background()
	w := supportWorld{world: s.world(households)}
	w.contract = s.draft(w.world)
	s.pendingWitness(w.world, w.contract)
	ct, err := s.con.GetContract(ctx, &contractsv1.GetContractRequest{Name: w.contract}, s.admin)
	require.NoError(s.t, err)
	_, err = s.con.WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: w.contract, TermsHash: ct.GetTermsHash()}, s.as(official()))
	require.NoError(s.t, err)
	found, err := s.reg.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: fmt.Sprintf("admin_area_code = %q", places.LaoCai)}, s.admin)
	require.NoError(s.t, err)
	for _, a := range found.GetAuthorities() {
		if a.GetKind() == registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE {
			w.province = a.GetName()
		}
	}
	if w.province == "" {
		a, err := s.reg.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE,
			DisplayName: "UBND tỉnh Lào Cai", AdminAreaCode: places.LaoCai}}, s.admin)
		require.NoError(s.t, err)
		w.province = a.GetName()
	}
	return w
}

// signedInAt is signedIn for an official of authority (the grant names it).
func (s *suite) signedInAt(p auth.Principal, name, authority string) *browser {
	s.t.Helper()
	b := s.signedIn(p, name, false)
	b.session.Authority = authority
	v, err := s.c.seal.seal("session", b.session)
	require.NoError(s.t, err)
	b.cookie.Value = v
	return b
}

func supportDay(offset int) string {
	return time.Now().In(vn.Zone).AddDate(0, 0, offset).Format(time.DateOnly)
}

// openCall publishes a call of the province over the API (for tests of other pages).
func (s *suite) openCall(w supportWorld, council ...string) string {
	s.t.Helper()
	ctx := context.Background()
	prov := s.as(provinceOfficial())
	c, err := s.sup.CreateCall(ctx, &supportv1.CreateCallRequest{Call: &supportv1.Call{Investor: w.province, DisplayName: "Đợt hỗ trợ chuỗi quế", Programme: "programmes/ntp-sedema",
		ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN}, BudgetVnd: 10_000_000_000, CouncilMembers: council,
		SubmissionWindow: &typesv1.DateWindow{StartDate: supportDay(-1), EndDate: supportDay(60)}}}, prov)
	require.NoError(s.t, err)
	_, err = s.sup.PublishCall(ctx, &supportv1.PublishCallRequest{Name: c.GetName()}, prov)
	require.NoError(s.t, err)
	return c.GetName()
}

// validProposal passes every rule of ntp-sedema: 98 million VND of programme funding in a
// budget of 320 million (30.6%), the contract linked, two milestones of half each.
func validProposal(contract string) *supportv1.ProjectProposal {
	return &supportv1.ProjectProposal{ProjectType: supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN, DisplayName: "Chuỗi liên kết quế hữu cơ Châu Quế",
		Summary: "Liên kết sản xuất và tiêu thụ quế hữu cơ", Product: "products/cinnamon-bark", CommuneCodes: []string{places.ChauQue},
		Period: &typesv1.DateWindow{StartDate: supportDay(-90), EndDate: supportDay(365)}, Contracts: []string{contract},
		BudgetLines: []*supportv1.BudgetLine{
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE, ProgrammeVnd: 90_000_000, OwnerCashVnd: 210_000_000},
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_TRAINING, ProgrammeVnd: 8_000_000, OwnerLabourVnd: 12_000_000},
		},
		Milestones: []*supportv1.Milestone{
			{Id: "m1", Title: "Giao nhận vụ đầu", DueDate: supportDay(30), ReleaseShareBps: 5000, Indicators: []*supportv1.Indicator{{Kind: supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE, Target: 5000}}},
			{Id: "m2", Title: "Tập huấn", DueDate: supportDay(200), ReleaseShareBps: 5000, Indicators: []*supportv1.Indicator{{Kind: supportv1.IndicatorKind_INDICATOR_KIND_TRAINING_ATTENDANCE, Target: 10}}},
		}}
}

// submittedProject makes a SUBMITTED project of owner under call, over the API.
func (s *suite) submittedProject(w supportWorld, call string, owner auth.Principal) string {
	s.t.Helper()
	ctx := context.Background()
	p, err := s.sup.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call, Owner: owner.Organization, Proposal: validProposal(w.contract)}}, s.as(owner))
	require.NoError(s.t, err)
	_, err = s.sup.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.GetName()}, s.as(owner))
	require.NoError(s.t, err)
	return p.GetName()
}

func requireCode(t *testing.T, want int, pg page) {
	t.Helper()
	require.Equal(t, want, pg.code, pg.body)
}

// location is the redirect target of an answer, without its query.
func location(pg page) string { return strings.SplitN(pg.hdr.Get("Location"), "?", 2)[0] }

// TestSupportThroughForms walks the support season through the console's forms: the province
// official issues and publishes a call; the cooperative proposes a project (a number it cannot
// read and the programme's findings shown next to their fields, in Vietnamese), completes and
// submits it; a council member scores it (a score beyond the scale refused next to its
// criterion); the official closes the appraisal and approves (the decision reference
// required); the cooperative starts, reports spending and records a training; deliveries meet
// milestone 1, whose indicators the official reads in words; a verification beyond the
// programme share of the actual spending is refused with the reason; after more spending it
// disburses exactly the milestone's share; the call's and the programme's reports show it.
func TestSupportThroughForms(t *testing.T) {
	s := newSuite(t)
	w := s.supportWorld(2)
	prov := s.signedInAt(provinceOfficial(), "Hoàng Văn Nam", w.province)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	council := s.signedInAt(councilMember(), "Đặng Thị Hội", "")

	// The province official issues a call: first with a budget it cannot read.
	requireCode(t, http.StatusOK, prov.get("/console/calls"))
	form := formValues(prov.get("/console/calls/new").body, "/console/calls")
	require.Equal(t, "on", form.Get("me"), "the official sits on the council by default")
	form.Set("title", "Đợt 1/2027 hỗ trợ liên kết chuỗi giá trị")
	form.Set("budget", "năm tỷ")
	form["types"] = []string{"PROJECT_TYPE_VALUE_CHAIN", "PROJECT_TYPE_LIVELIHOOD"}
	form.Set("council", councilMember().Subject)
	bad := prov.post("/console/calls", form)
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, `id="budget-error"`)
	form.Set("budget", "5.000.000.000")
	form.Set("ceil-PROJECT_TYPE_VALUE_CHAIN", "2.000.000.000")
	res := prov.post("/console/calls", form)
	requireCode(t, http.StatusSeeOther, res)
	call := location(res)
	pg := prov.get(call)
	require.Contains(t, pg.body, "Bản nháp")
	require.Contains(t, pg.body, "5.000.000.000\u00a0₫")
	require.Contains(t, pg.body, "2 thành viên")
	res = prov.post(action(pg.body, "/publish"), formValues(pg.body, action(pg.body, "/publish")))
	requireCode(t, http.StatusSeeOther, res)
	require.Contains(t, prov.get(call).body, "Đang nhận hồ sơ")
	callID := strings.TrimPrefix(call, "/console/")

	// The cooperative finds the open call and proposes a draft (a budget it cannot read first).
	pg = coop.get("/console/projects")
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, pg.body, "Đợt 1/2027 hỗ trợ liên kết chuỗi giá trị")
	newForm := "/console/projects/new?call=" + callID
	pg = coop.get(newForm)
	requireCode(t, http.StatusOK, pg)
	form = formValues(pg.body, "/console/projects")
	require.Equal(t, places.ChauQue, form.Get("communes"), "the cooperative's commune is proposed")
	form.Set("display_name", "Chuỗi liên kết quế hữu cơ Châu Quế")
	form.Set("bl-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE-programme", "chín mươi triệu")
	bad = coop.post("/console/projects", form)
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, `id="budget-error"`)
	require.Contains(t, bad.body, ruleVI["NUMBER"])
	form.Set("bl-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE-programme", "200.000.000")
	form.Set("bl-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE-cash", "100.000.000")
	res = coop.post("/console/projects", form)
	requireCode(t, http.StatusSeeOther, res)
	project := location(res)
	pg = coop.get(project)
	require.Contains(t, pg.body, "Bản nháp")
	for _, rule := range []string{"SUP-CONTRACTS", "SUP-MILESTONES", "SUP-CO-INVESTMENT", "SUP-CEILING-CATEGORY"} {
		require.Contains(t, pg.body, rule, "every finding is listed")
	}
	require.Contains(t, pg.body, "Ngân sách hỗ trợ tối đa 49% tổng kinh phí dự án", "in Vietnamese")
	require.NotContains(t, pg.body, `id="submit-project"`, "not submittable with findings")

	// The edit page shows each finding next to its field.
	pg = coop.get(project + "/edit")
	requireCode(t, http.StatusOK, pg)
	budgetErr := between(pg.body, `id="budget-error">`, "</p>")
	require.Contains(t, budgetErr, "SUP-CO-INVESTMENT")
	require.Contains(t, budgetErr, "SUP-CEILING-CATEGORY")
	require.Contains(t, between(pg.body, `id="contracts-error">`, "</p>"), "SUP-CONTRACTS")
	require.Contains(t, between(pg.body, `id="milestones-error">`, "</p>"), "SUP-MILESTONES")
	require.Contains(t, pg.body, "Hợp đồng liên kết tiêu thụ quế 2027", "the cooperative's contracts are offered")

	// Completed: the co-investment within 49%, the contract linked, two milestones.
	form = formValues(pg.body, project+"/edit")
	form.Set("summary", "Liên kết sản xuất và tiêu thụ quế hữu cơ cho các hộ Dao")
	form.Set("product", "products/cinnamon-bark")
	form.Set("period_start", supportDay(-90))
	form.Set("period_end", supportDay(365))
	form.Set("bl-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE-programme", "90.000.000")
	form.Set("bl-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE-cash", "210.000.000")
	form.Set("bl-SUPPORT_CATEGORY_TRAINING-programme", "8.000.000")
	form.Set("bl-SUPPORT_CATEGORY_TRAINING-labour", "12.000.000")
	form["contracts"] = []string{w.contract}
	for i, m := range [][]string{{"m1", "Giao nhận vụ đầu", supportDay(30), "50", "INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE", "50"}, {"m2", "Tập huấn kỹ thuật", supportDay(200), "50", "INDICATOR_KIND_TRAINING_ATTENDANCE", "10"}} {
		p := fmt.Sprintf("m-%d-", i)
		form.Set(p+"id", m[0])
		form.Set(p+"title", m[1])
		form.Set(p+"due", m[2])
		form.Set(p+"share", m[3])
		form.Set(p+"ind-0-kind", m[4])
		form.Set(p+"ind-0-target", m[5])
	}
	res = coop.post(project+"/edit", form)
	requireCode(t, http.StatusSeeOther, res)
	pg = coop.get(project)
	require.Contains(t, pg.body, `id="rules-ok"`, pg.body)
	require.Contains(t, pg.body, "Tổng kinh phí 320.000.000\u00a0₫; ngân sách hỗ trợ 98.000.000\u00a0₫ (30,62%)")
	require.Contains(t, pg.body, "Ít nhất 50% sản lượng các hợp đồng liên kết được giao và chấp nhận", "the indicators in words")
	res = coop.post(action(pg.body, "/submit"), formValues(pg.body, action(pg.body, "/submit")))
	requireCode(t, http.StatusSeeOther, res)
	require.Contains(t, coop.get(project).body, "Đã nộp, đang thẩm định")

	// The council member scores it: a score beyond the scale first.
	pg = council.get("/console/council")
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, pg.body, "Chuỗi liên kết quế hữu cơ Châu Quế")
	require.Contains(t, pg.body, "HTX Quế Châu Quế")
	pg = council.get(project + "/score")
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, pg.body, "Tính khả thi của dự án")
	form = formValues(pg.body, project+"/score")
	for k, v := range map[string]string{"score-feasibility": "99", "score-linkage": "20", "score-inclusion": "18", "score-capacity": "12", "score-sustainability": "8"} {
		form.Set(k, v)
	}
	bad = council.post(project+"/score", form)
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, between(bad.body, `id="score-feasibility-error">`, "</p>"), ruleVI["SCORE_RANGE"])
	form.Set("score-feasibility", "25")
	requireCode(t, http.StatusSeeOther, council.post(project+"/score", form))

	// The province official closes the appraisal and approves (the reference is required).
	pg = prov.get("/console/projects")
	require.Contains(t, pg.body, "Chuỗi liên kết quế hữu cơ Châu Quế")
	pg = prov.get(project)
	require.Contains(t, pg.body, "Kết thúc thẩm định")
	require.Contains(t, pg.body, "Tính khả thi của dự án: 25/30")
	requireCode(t, http.StatusSeeOther, prov.post(project+"/appraise", url.Values{"request_id": {"appraise-1"}}))
	bad = prov.post(project+"/approve", url.Values{"note": {"Đạt yêu cầu"}})
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, `id="decision_reference-error"`)
	pg = prov.get(project)
	form = formValues(pg.body, project+"/approve")
	require.NotEmpty(t, form.Get("etag"))
	form.Set("decision_reference", "123/QĐ-UBND")
	requireCode(t, http.StatusSeeOther, prov.post(project+"/approve", form))
	pg = prov.get(project)
	require.Contains(t, pg.body, "Đã phê duyệt")
	require.Contains(t, pg.body, "123/QĐ-UBND")

	// The cooperative starts, reports spending and records a training.
	requireCode(t, http.StatusSeeOther, coop.post(project+"/start", url.Values{"request_id": {"start-1"}}))
	bad = coop.post(project+"/spending", url.Values{"sp-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE": {"100.000.000"}, "sp_date": {supportDay(0)}})
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, `id="sp_ref-error"`, "the document reference is required")
	requireCode(t, http.StatusSeeOther, coop.post(project+"/spending", url.Values{"sp-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE": {"100.000.000"},
		"sp-SUPPORT_CATEGORY_TRAINING": {"20.000.000"}, "sp_date": {supportDay(0)}, "sp_ref": {"HĐ 01/2027"}, "request_id": {"sp-1"}}))
	requireCode(t, http.StatusSeeOther, coop.post(project+"/activities", url.Values{"act_kind": {"ACTIVITY_KIND_TRAINING"}, "act_milestone": {"m2"}, "act_date": {supportDay(0)},
		"act_attendance": {"12"}, "act_women": {"7"}, "act_ref": {"Danh sách ký tên 01"}, "request_id": {"act-1"}}))
	pg = coop.get(project)
	require.Contains(t, pg.body, "120.000.000\u00a0₫")
	require.Contains(t, pg.body, "12 (7 nữ)")

	// The deliveries under the contract meet milestone 1.
	s.deliverAll(w)
	m1 := project + "/milestones/m1"
	pg = prov.get(m1)
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, pg.body, "100% sản lượng các hợp đồng liên kết đã được giao và chấp nhận (mục tiêu 50%): đạt.")
	require.Contains(t, pg.body, `id="indicators-met"`)
	require.Contains(t, between(pg.body, `id="blocked"`, "</p>"), "chi tiêu thực tế", "the spending share blocks: 30,6% of 120 million is below 49 million")
	bad = prov.post(m1+"/verify", url.Values{"payment_reference": {"UNC 01"}, "request_id": {"v-1"}})
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, ruleVI["EXCEEDS_SPENDING_SHARE"])
	require.Contains(t, prov.get(project).body, "Chưa giải ngân", "nothing was paid")

	// More spending; the verification pays exactly the milestone's share.
	requireCode(t, http.StatusSeeOther, coop.post(project+"/spending", url.Values{"sp-SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE": {"200.000.000"}, "sp_date": {supportDay(0)},
		"sp_ref": {"HĐ 02/2027"}, "request_id": {"sp-2"}}))
	pg = prov.get(m1)
	require.Contains(t, between(pg.body, `id="payable">`, "</dd>"), "49.000.000\u00a0₫")
	res = prov.post(m1+"/verify", url.Values{"payment_reference": {"UNC 02"}, "request_id": {"v-2"}})
	requireCode(t, http.StatusSeeOther, res)
	pg = prov.get(m1)
	require.Contains(t, pg.body, "Đã giải ngân")
	require.Contains(t, between(pg.body, `id="disbursed">`, "</p>"), "49.000.000\u00a0₫")
	require.NotContains(t, pg.body, `id="verify-milestone"`, "a disbursed milestone is not verified again")
	p, err := s.sup.GetProject(context.Background(), &supportv1.GetProjectRequest{Name: strings.TrimPrefix(project, "/console/")}, s.admin)
	require.NoError(t, err)
	require.EqualValues(t, 49_000_000, p.GetDisbursedVnd(), "exactly the milestone's share")

	// The call's and the programme's reports.
	pg = prov.get(call + "/report")
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, between(pg.body, `id="report-states"`, "</table>"), "Đang thực hiện</th><td class=\"num\">1</td>")
	money := between(pg.body, `id="report-money"`, "</dl>")
	require.Contains(t, money, "98.000.000\u00a0₫")
	require.Contains(t, money, "49.000.000\u00a0₫")
	require.Contains(t, money, "50% phần đã cam kết")
	require.Contains(t, between(pg.body, `id="report-households"`, "</table>"), "100%", "both households are poor")
	pg = prov.get("/console/programmes/ntp-sedema/report")
	requireCode(t, http.StatusOK, pg)
	require.Contains(t, pg.body, "NTP-SEDEMA")

	// The owner may not reach the investor's pages; the service refuses what the page hides.
	requireCode(t, http.StatusForbidden, coop.get("/console/calls/new"))
	requireCode(t, http.StatusForbidden, coop.get(call+"/report"))
	bad = coop.post(m1+"/verify", url.Values{"request_id": {"v-3"}})
	requireCode(t, http.StatusUnprocessableEntity, bad)
	require.Contains(t, bad.body, ruleVI["PERMISSION_DENIED"])
}

// deliverAll delivers and confirms each household's whole allocation of the world's contract.
func (s *suite) deliverAll(w supportWorld) {
	s.t.Helper()
	ctx := context.Background()
	ct, err := s.con.GetContract(ctx, &contractsv1.GetContractRequest{Name: w.contract}, s.admin)
	require.NoError(s.t, err)
	lot := ct.GetTerms().GetLots()[0]
	for _, a := range ct.GetTerms().GetAllocations() {
		d, err := s.con.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: w.contract, Delivery: &contractsv1.Delivery{Household: a.GetHousehold(), Lot: lot.GetId(),
			DeliveryDate: lot.GetWindow().GetStartDate(), Quantity: a.GetQuantity(), AcceptedQuantity: a.GetQuantity(), Grade: "A"}}, s.as(w.buyer()))
		require.NoError(s.t, err)
		_, err = s.con.ConfirmDelivery(ctx, &contractsv1.ConfirmDeliveryRequest{Name: d.GetName()}, s.as(w.producer()))
		require.NoError(s.t, err)
	}
}
