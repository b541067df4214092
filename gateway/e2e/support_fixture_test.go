package e2e_test

import (
	"time"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/lienket/lienket/gateway/story"
)

// supportFixture is what the authorization matrix's support rows act on, made over REST: the
// province's People's Committee (investor; the matrix's "province" principal is its official),
// an OPEN call whose council is the matrix's "official-other" (users/o2) and a DRAFT call; the
// cooperative's ("producer") projects linking the story's contract: a DRAFT, a SUBMITTED one
// and an IN_PROGRESS one (scored, appraised, approved, started).
type supportFixture struct {
	investor, call, draftCall    string
	draft, submitted, inProgress string
	proposal                     map[string]any
	councilSubject               string
}

func supportDay(offset int) string {
	return time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, offset).Format(time.DateOnly)
}

func matrixProposal(contract string) map[string]any {
	return map[string]any{
		"project_type": "PROJECT_TYPE_VALUE_CHAIN", "display_name": "Chuỗi quế", "summary": "Liên kết quế hữu cơ", "product": "products/cinnamon-bark",
		"commune_codes": []string{places.ChauQue}, "period": map[string]any{"start_date": supportDay(-90), "end_date": supportDay(365)},
		"budget_lines": []any{
			map[string]any{"category": "SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE", "programme_vnd": "90000000", "owner_cash_vnd": "210000000"},
			map[string]any{"category": "SUPPORT_CATEGORY_TRAINING", "programme_vnd": "8000000", "owner_labour_vnd": "12000000"},
		},
		"contracts": []string{contract},
		"milestones": []any{
			map[string]any{"id": "m1", "title": "Giao nhận", "due_date": supportDay(30), "release_share_bps": 5000, "indicators": []any{map[string]any{"kind": "INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE", "target": "5000"}}},
			map[string]any{"id": "m2", "title": "Tập huấn", "due_date": supportDay(200), "release_share_bps": 5000, "indicators": []any{map[string]any{"kind": "INDICATOR_KIND_TRAINING_ATTENDANCE", "target": "10"}}},
		},
	}
}

var matrixScore = map[string]any{"criteria": []any{map[string]any{"criterion": "feasibility", "score": 20}, map[string]any{"criterion": "linkage", "score": 20},
	map[string]any{"criterion": "inclusion", "score": 15}, map[string]any{"criterion": "capacity", "score": 10}, map[string]any{"criterion": "sustainability", "score": 5}}}

func newSupportFixture(s *suite, fx story.Fixture, admin, coop, province, council string) supportFixture {
	f := supportFixture{councilSubject: "users/o2"}
	f.investor = s.must(s.call("POST", "/v1/authorities", admin, map[string]any{"kind": "KIND_PROVINCE_PEOPLES_COMMITTEE", "display_name": "UBND tỉnh Lào Cai", "admin_area_code": "15"}), 200).str("name")
	call := func() string {
		return s.must(s.call("POST", "/v1/calls", province, map[string]any{"investor": f.investor, "display_name": "Đợt 1", "programme": "programmes/ntp-sedema",
			"project_types": []string{"PROJECT_TYPE_VALUE_CHAIN"}, "budget_vnd": "100000000000", "council_members": []string{f.councilSubject},
			"submission_window": map[string]any{"start_date": supportDay(-1), "end_date": supportDay(60)}}), 200).str("name")
	}
	f.call, f.draftCall = call(), call()
	s.must(s.call("POST", "/v1/"+f.call+":publish", province, map[string]any{}), 200)
	f.proposal = matrixProposal(fx.Contract)
	project := func() string {
		return s.must(s.call("POST", "/v1/projects", coop, map[string]any{"call": f.call, "owner": fx.Cooperative, "proposal": f.proposal}), 200).str("name")
	}
	f.draft, f.submitted, f.inProgress = project(), project(), project()
	for _, p := range []string{f.submitted, f.inProgress} {
		s.must(s.call("POST", "/v1/"+p+":submit", coop, map[string]any{}), 200)
	}
	s.must(s.call("POST", "/v1/"+f.inProgress+":score", council, matrixScore), 200)
	s.must(s.call("POST", "/v1/"+f.inProgress+":appraise", province, map[string]any{}), 200)
	s.must(s.call("POST", "/v1/"+f.inProgress+":approve", province, map[string]any{"decision_reference": "QĐ 1"}), 200)
	s.must(s.call("POST", "/v1/"+f.inProgress+":start", coop, map[string]any{}), 200)
	return f
}
