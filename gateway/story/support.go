package story

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/lienket/lienket/services/contracts/auditchain"
	"github.com/lienket/lienket/services/platform/auth"
)

// Season runs the support story over REST, after the contract story up to an ACTIVE contract:
// a provincial People's Committee issues an NTP-SEDEMA call; the cooperative proposes a
// value-chain project linking two contracts (the story's, and a second one with a near-poor and
// a non-poor household); the council scores it, the province appraises and approves it;
// deliveries under the contracts meet milestone 1, an official verifies it and exactly the
// milestone's share is disbursed; a disbursement beyond 49% of the actual spending is refused
// until more spending is reported; the project completes; the report adds up; the project's
// and the call's audit chains verify.
func Season(base string, mint Minter, log func(string)) (err error) {
	c := &client{base: strings.TrimRight(base, "/"), mint: mint, log: log, http: &http.Client{Timeout: 30 * time.Second}}
	defer recovered(&err)
	season(c, run(c, true))
	return nil
}

// reason is the ErrorInfo reason of an error response.
func (r resp) reason() string {
	details, _ := r.body["details"].([]any)
	for _, d := range details {
		if m, ok := d.(map[string]any); ok && m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			s, _ := m["reason"].(string)
			return s
		}
	}
	return ""
}

func dayFromNow(days int) string {
	return time.Now().In(vn.Zone).AddDate(0, 0, days).Format(time.DateOnly)
}

type seasonActors struct {
	admin, biz, coop, official, investor string
	council                              []string
}

func season(c *client, fx Fixture) {
	a := seasonActors{
		admin:    c.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}),
		biz:      c.token(auth.Principal{Subject: "users/ke-toan", Role: auth.RoleBusiness, Organization: fx.Business}),
		coop:     c.token(auth.Principal{Subject: "users/chu-nhiem", Role: auth.RoleProducer, Organization: fx.Cooperative}),
		official: c.token(auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: fx.WitnessCommune}),
		investor: c.token(auth.Principal{Subject: "users/so-nn-ptnt", Role: auth.RoleProvinceOfficial, AdminArea: "15"}),
		council: []string{
			c.token(auth.Principal{Subject: "users/hoi-dong-1", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}),
			c.token(auth.Principal{Subject: "users/hoi-dong-2", Role: auth.RoleProvinceOfficial, AdminArea: "15"}),
		},
	}
	k2 := secondContract(c, fx, a)
	call := provincialCall(c, a)
	project := proposeProject(c, fx, a, call, k2)
	appraiseAndApprove(c, a, call, project)
	firstMilestone(c, fx, a, project)
	secondMilestone(c, fx, a, project)
	checkReportAndChains(c, a, call, project)
}

// secondContract makes a second ACTIVE contract for a near-poor and a non-poor member household.
func secondContract(c *client, fx Fixture, a seasonActors) string {
	c.step("a second contract: two more member households (near-poor, non-poor), signed and witnessed")
	var hh []string
	for _, h := range []struct{ name, poverty, ethnic, gender string }{
		{"Đặng Thị Sen", "POVERTY_STATUS_NEAR_POOR", "Dao", "GENDER_FEMALE"}, {"Nguyễn Văn Tâm", "POVERTY_STATUS_NON_POOR", "Kinh", "GENDER_MALE"},
	} {
		n := c.must(c.call("POST", "/v1/households", a.coop, map[string]any{"head_name": h.name, "head_gender": h.gender, "member_count": 4, "ethnic_group": h.ethnic,
			"poverty_status": h.poverty, "commune_code": fx.WitnessCommune, "consent": map[string]any{"consent_date": "2026-01-10", "purpose": "Hợp đồng liên kết tiêu thụ quế"}}), 200).str("name")
		c.must(c.call("POST", "/v1/"+fx.Cooperative+"/members", a.coop, map[string]any{"household": n}), 200)
		hh = append(hh, n)
	}
	terms := c.must(c.call("GET", "/v1/"+fx.Contract, a.biz, nil), 200).get("terms").(map[string]any)
	terms["allocations"] = []any{map[string]any{"household": hh[0], "quantity": "1000", "area_m2": "5000"}, map[string]any{"household": hh[1], "quantity": "1000", "area_m2": "5000"}}
	terms["total_quantity"] = "2000"
	terms["lots"] = []any{map[string]any{"id": "lot-1", "window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-07-31"}, "place": "Kho Bảo Hà", "quantity": "2000"}}
	k := c.must(c.call("POST", "/v1/contracts", a.biz, map[string]any{"display_name": "Quế vụ 2026 — đợt 2", "terms": terms}), 200).str("name")
	v := c.must(c.call("POST", "/v1/"+k+":validate", a.biz, map[string]any{}), 200)
	c.check(len(v.list("violations")) == 0, "the second contract passes its rulebook: %s", v.raw)
	hash := c.must(c.call("POST", "/v1/"+k+":submit", a.coop, map[string]any{}), 200).str("terms_hash")
	c.must(c.call("POST", "/v1/"+k+":sign", a.biz, map[string]any{"party": "PARTY_BUYER", "terms_hash": hash}), 200)
	c.must(c.call("POST", "/v1/"+k+":sign", a.coop, map[string]any{"party": "PARTY_PRODUCER", "terms_hash": hash}), 200)
	for _, h := range hh {
		c.must(c.call("POST", "/v1/"+k+":sign", c.token(auth.Principal{Subject: "users/" + h, Role: auth.RoleHousehold, Household: h}), map[string]any{"party": "PARTY_HOUSEHOLD", "household": h, "terms_hash": hash}), 200)
	}
	ct := c.must(c.call("POST", "/v1/"+k+":witness", a.official, map[string]any{"terms_hash": hash}), 200)
	c.check(ct.str("state") == "CONTRACT_STATE_ACTIVE", "the second contract is in force")
	return k
}

// provincialCall has the province's People's Committee issue and publish an NTP-SEDEMA call.
func provincialCall(c *client, a seasonActors) string {
	c.step("the province issues a call for proposals under NTP-SEDEMA and publishes it")
	investor := ""
	if found := c.must(c.call("GET", "/v1/authorities?filter=admin_area_code%20%3D%20%2215%22", a.admin, nil), 200).list("authorities"); len(found) > 0 {
		investor, _ = found[0]["name"].(string)
	} else {
		investor = c.must(c.call("POST", "/v1/authorities", a.admin, map[string]any{"kind": "KIND_PROVINCE_PEOPLES_COMMITTEE", "display_name": "UBND tỉnh Lào Cai", "admin_area_code": "15"}), 200).str("name")
	}
	call := c.must(c.call("POST", "/v1/calls", a.investor, map[string]any{"investor": investor, "display_name": "Kêu gọi dự án liên kết chuỗi giá trị quế 2026",
		"programme": "programmes/ntp-sedema", "project_types": []string{"PROJECT_TYPE_VALUE_CHAIN"}, "budget_vnd": "2000000000",
		"category_ceilings": []any{map[string]any{"category": "SUPPORT_CATEGORY_TRAINING", "max_programme_vnd": "100000000"}},
		"submission_window": map[string]any{"start_date": dayFromNow(-1), "end_date": dayFromNow(60)},
		"council_members":   []string{"users/hoi-dong-1", "users/hoi-dong-2"},
		"description":       "Hỗ trợ phát triển sản xuất liên kết theo chuỗi giá trị vùng đồng bào DTTS"}), 200).str("name")
	pub := c.must(c.call("POST", "/v1/"+call+":publish", a.investor, map[string]any{}), 200)
	c.check(pub.str("state") == "CALL_STATE_OPEN", "the call is open")
	return call
}

func seasonProposal(contracts ...string) map[string]any {
	return map[string]any{
		"project_type": "PROJECT_TYPE_VALUE_CHAIN", "display_name": "Chuỗi giá trị quế hữu cơ Châu Quế", "summary": "Liên kết sản xuất và tiêu thụ quế hữu cơ cho 5 hộ",
		"product": "products/cinnamon-bark", "commune_codes": []string{places.ChauQue}, "period": map[string]any{"start_date": dayFromNow(-180), "end_date": dayFromNow(365)},
		"budget_lines": []any{
			map[string]any{"category": "SUPPORT_CATEGORY_CONSULTING", "programme_vnd": "40000000", "description": "Tư vấn xây dựng liên kết"},
			map[string]any{"category": "SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE", "programme_vnd": "180000000", "owner_cash_vnd": "420000000", "description": "Lò sấy quế"},
			map[string]any{"category": "SUPPORT_CATEGORY_SEEDS_INPUTS", "programme_vnd": "240000000", "owner_in_kind_vnd": "60000000", "production_cycles": 2},
			map[string]any{"category": "SUPPORT_CATEGORY_TRAINING", "programme_vnd": "30000000", "owner_labour_vnd": "30000000"},
		},
		"contracts": contracts,
		"milestones": []any{
			map[string]any{"id": "m1", "title": "Giao nhận vụ 1", "due_date": dayFromNow(30), "release_share_bps": 4000, "indicators": []any{
				map[string]any{"kind": "INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE", "target": "5000"}, map[string]any{"kind": "INDICATOR_KIND_CONTRACTS_WITNESSED", "target": "2"}}},
			map[string]any{"id": "m2", "title": "Thanh toán đủ cho hộ, tập huấn", "due_date": dayFromNow(300), "release_share_bps": 6000, "indicators": []any{
				map[string]any{"kind": "INDICATOR_KIND_HOUSEHOLDS_PAID_IN_FULL", "target": "3"}, map[string]any{"kind": "INDICATOR_KIND_POOR_VALUE_PAID", "target": "1000000"},
				map[string]any{"kind": "INDICATOR_KIND_TRAINING_ATTENDANCE", "target": "20"}}},
		},
	}
}

// proposeProject has the cooperative propose the project, validate it and submit it.
func proposeProject(c *client, fx Fixture, a seasonActors, call, k2 string) string {
	c.step("the cooperative proposes a value-chain project linking both contracts: 49% programme funding")
	p := c.must(c.call("POST", "/v1/projects", a.coop, map[string]any{"call": call, "owner": fx.Cooperative, "proposal": seasonProposal(fx.Contract, k2)}), 200)
	name := p.str("name")
	c.check(p.get("totals", "programme_share_bps") == float64(4900), "49%% programme funding: %s", p.raw)
	v := c.must(c.call("POST", "/v1/"+name+":validate", a.coop, map[string]any{}), 200)
	c.check(len(v.list("violations")) == 0, "every support rule passes: %s", v.raw)
	c.check(v.get("participation", "households") == float64(5) && v.get("participation", "non_poor") == float64(1), "five households from the two contracts, one non-poor: %s", v.raw)
	s := c.must(c.call("POST", "/v1/"+name+":submit", a.coop, map[string]any{"request_id": "submit-" + name}), 200)
	c.check(s.str("state") == "PROJECT_STATE_SUBMITTED", "submitted")
	return name
}

// appraiseAndApprove has the council score, the province appraise and approve, the owner start.
func appraiseAndApprove(c *client, a seasonActors, call, project string) {
	c.step("the council scores; the province appraises and approves; the owner starts")
	for i, tok := range a.council {
		c.must(c.call("POST", "/v1/"+project+":score", tok, map[string]any{"comment": fmt.Sprint("Thành viên hội đồng ", i+1), "criteria": []any{
			map[string]any{"criterion": "feasibility", "score": 25}, map[string]any{"criterion": "linkage", "score": 22}, map[string]any{"criterion": "inclusion", "score": 18},
			map[string]any{"criterion": "capacity", "score": 12}, map[string]any{"criterion": "sustainability", "score": 8}}}), 200)
	}
	ap := c.must(c.call("POST", "/v1/"+project+":appraise", a.investor, map[string]any{"note": "Hội đồng thẩm định thống nhất"}), 200)
	c.check(ap.str("state") == "PROJECT_STATE_APPRAISED" && ap.get("appraisal", "average_score") == float64(85), "appraised at 85: %s", ap.raw)
	ok := c.must(c.call("POST", "/v1/"+project+":approve", a.investor, map[string]any{"decision_reference": "QĐ 123/QĐ-UBND"}), 200)
	c.check(ok.str("state") == "PROJECT_STATE_APPROVED" && ok.str("approved_programme_vnd") == "490000000", "approved: %s", ok.raw)
	c.check(c.must(c.call("GET", "/v1/"+call, a.investor, nil), 200).str("committed_vnd") == "490000000", "the call's budget holds the approved funding")
	c.must(c.call("POST", "/v1/"+project+":start", a.coop, map[string]any{}), 200)
}

func spending(c *client, a seasonActors, project string, lines map[string]string) {
	var ls []any
	for cat, amt := range lines {
		ls = append(ls, map[string]any{"category": cat, "amount_vnd": amt})
	}
	c.must(c.call("POST", "/v1/"+project+"/spendingReports", a.coop, map[string]any{"report_date": dayFromNow(0), "document_reference": "Hóa đơn, biên bản nghiệm thu", "lines": ls}), 200)
}

// firstMilestone: deliveries meet milestone 1; the official verifies; exactly its share is paid.
func firstMilestone(c *client, fx Fixture, a seasonActors, project string) {
	c.step("deliveries under the first contract meet milestone 1; the province verifies; 40% of the funding is disbursed")
	m1 := project + "/milestones/m1"
	ev := c.must(c.call("POST", "/v1/"+m1+":evaluate", a.coop, map[string]any{}), 200)
	c.check(ev.get("met") == nil, "nothing delivered yet: not met")
	for _, h := range fx.Households {
		d := c.must(c.call("POST", "/v1/"+fx.Contract+"/deliveries", a.biz, map[string]any{"household": h, "lot": "lot-1", "delivery_date": "2026-06-20", "quantity": "1000", "accepted_quantity": "1000", "grade": "A"}), 200)
		c.must(c.call("POST", "/v1/"+d.str("name")+":confirm", a.coop, map[string]any{}), 200)
	}
	spending(c, a, project, map[string]string{"SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE": "400000000", "SUPPORT_CATEGORY_CONSULTING": "20000000"})
	ev = c.must(c.call("POST", "/v1/"+m1+":evaluate", a.investor, map[string]any{}), 200)
	c.check(ev.get("met") == true, "milestone 1 is met: %s", ev.raw)
	c.check(ev.list("indicators")[0]["actual"] == "6000", "3,000 of 5,000 kg accepted = 6000 bps: %s", ev.raw)
	c.check(ev.str("limits", "payable_vnd") == "196000000", "payable: the milestone's share: %s", ev.raw)
	d := c.must(c.call("POST", "/v1/"+m1+":verify", a.investor, map[string]any{"payment_reference": "KBNN-2026-001", "request_id": "verify-" + m1}), 200)
	c.check(d.str("amount_vnd") == "196000000", "exactly the milestone's share is disbursed: %s", d.raw)
	again := c.must(c.call("POST", "/v1/"+m1+":verify", a.investor, map[string]any{"payment_reference": "KBNN-2026-001", "request_id": "verify-" + m1}), 200)
	c.check(again.str("name") == d.str("name"), "a retried verification answers the same disbursement")
	r := c.call("POST", "/v1/"+m1+":verify", a.investor, map[string]any{"request_id": "verify-again-" + m1})
	c.check(r.code == 400 && r.reason() == "MILESTONE_ALREADY_DISBURSED", "a milestone pays once: %d %s", r.code, r.raw)
}

// secondMilestone: milestone 2 is met, but paying it would exceed 49% of the actual spending:
// refused until more spending is reported; then paid, and the project completes.
func secondMilestone(c *client, fx Fixture, a seasonActors, project string) {
	c.step("milestone 2: households paid in full, training held; a disbursement beyond 49% of the actual spend is refused")
	st := c.must(c.call("GET", "/v1/"+fx.Contract+"/settlement", a.biz, nil), 200)
	for _, l := range st.list("households") {
		c.must(c.call("POST", "/v1/"+fx.Contract+"/payments", a.biz, map[string]any{"payee": fx.Cooperative, "household": l["household"], "amount_vnd": l["balance_vnd"], "method": "PAYMENT_METHOD_BANK_TRANSFER", "reference": "UNC", "payment_date": "2026-07-05"}), 200)
	}
	c.must(c.call("POST", "/v1/"+project+"/activities", a.coop, map[string]any{"kind": "ACTIVITY_KIND_TRAINING", "milestone": "m2", "activity_date": dayFromNow(-2),
		"attendance": 24, "women_attendance": 13, "description": "Tập huấn quy trình sản xuất quế hữu cơ", "document_reference": "Danh sách điểm danh số 01"}), 200)
	m2 := project + "/milestones/m2"
	r := c.call("POST", "/v1/"+m2+":verify", a.investor, map[string]any{"evidence_confirmed": true})
	c.check(r.code == 400 && r.reason() == "EXCEEDS_SPENDING_SHARE", "beyond 49%% of the actual spend is refused: %d %s", r.code, r.raw)
	p := c.must(c.call("GET", "/v1/"+project, a.coop, nil), 200)
	c.check(p.str("disbursed_vnd") == "196000000", "nothing more was paid")

	c.step("the owner reports the rest of its spending; milestone 2 is paid; the project completes")
	spending(c, a, project, map[string]string{"SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE": "200000000", "SUPPORT_CATEGORY_CONSULTING": "20000000",
		"SUPPORT_CATEGORY_SEEDS_INPUTS": "300000000", "SUPPORT_CATEGORY_TRAINING": "60000000"})
	d := c.must(c.call("POST", "/v1/"+m2+":verify", a.investor, map[string]any{"evidence_confirmed": true, "payment_reference": "KBNN-2026-002"}), 200)
	c.check(d.str("amount_vnd") == "294000000", "milestone 2's share: %s", d.raw)
	done := c.must(c.call("POST", "/v1/"+project+":complete", a.investor, map[string]any{}), 200)
	c.check(done.str("state") == "PROJECT_STATE_COMPLETED" && done.str("disbursed_vnd") == "490000000", "completed, 490 million disbursed: %s", done.raw)
}

func chainOf(c *client, path, token, subject string) []auditchain.Event {
	evs := c.must(c.call("GET", path+"?page_size=500", token, nil), 200).list("events")
	var chain []auditchain.Event
	for _, e := range evs {
		var seq int64
		fmt.Sscan(e["sequence"].(string), &seq)
		tm, err := time.Parse(time.RFC3339Nano, e["time"].(string))
		c.check(err == nil, "event time: %v", err)
		ev := auditchain.Event{Contract: subject, Seq: seq, Type: e["type"].(string), Actor: e["actor"].(string), ActorRole: e["actor_role"].(string), Time: tm, Payload: e["payload"].(string), Hash: e["hash"].(string)}
		if ph, ok := e["previous_hash"].(string); ok {
			ev.PreviousHash = ph
		}
		chain = append(chain, ev)
	}
	return chain
}

// checkReportAndChains reads the call's report and verifies both audit chains.
func checkReportAndChains(c *client, a seasonActors, call, project string) {
	c.step("the call's report; the audit chains verify")
	r := c.must(c.call("GET", "/v1/"+call+"/report", a.investor, nil), 200)
	c.check(r.str("committed_vnd") == "490000000" && r.str("disbursed_vnd") == "490000000", "committed and disbursed: %s", r.raw)
	c.check(r.get("households_reached", "households") == float64(5) && r.get("poor_share_bps") == float64(6000), "five households reached, 60%% poor: %s", r.raw)
	c.check(r.get("milestones_met_on_time") == float64(2), "both milestones met on time: %s", r.raw)
	chain := chainOf(c, "/v1/"+project+"/events", a.coop, project)
	// created, submitted, scored ×2, appraised, approved, started, spending reported,
	// milestone disbursed, activity recorded, spending reported, milestone disbursed, completed
	c.check(len(chain) == 13, "project events recorded: %d", len(chain))
	c.check(auditchain.Verify(chain) == nil, "the project's audit chain verifies")
	callChain := chainOf(c, "/v1/"+call+"/events", a.investor, call)
	c.check(auditchain.Verify(callChain) == nil, "the call's audit chain verifies")
	c.step(fmt.Sprintf("audit chains of %s (%d events) and %s (%d events) verified", project, len(chain), call, len(callChain)))
}
