package console

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// supportPageMaxCalls is the most backend calls each support page may make (the names cache
// warm), whatever the number of projects, owners, milestones, reports and activities it shows.
var supportPageMaxCalls = map[string]int64{
	"projects": 1, "owner projects": 2, "call": 3, "council": 2, "project": 6, "milestone": 4, "call report": 2,
}

// TestSupportPagesCallsDoNotGrow counts, at the services, the calls of every support page that
// lists many things, for a small and a larger world: the counts stay the same and within
// supportPageMaxCalls (no call per project, owner, milestone, report or activity).
func TestSupportPagesCallsDoNotGrow(t *testing.T) {
	s := newSuite(t)
	w := s.supportWorld(2)
	call := s.openCall(w, councilMember().Subject)
	prov := s.signedInAt(provinceOfficial(), "Hoàng Văn Nam", w.province)
	council := s.signedInAt(councilMember(), "Đặng Thị Hội", "")
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", false)
	running := s.submittedProject(w, call, w.producer())
	s.startProject(running)
	counts := map[int]map[string]int64{}
	projects := 1
	for round, more := range []int{1, 6} {
		for i := range more {
			owner := w.producer()
			if i%2 == 1 {
				owner = w.buyer()
			}
			s.submittedProject(w, call, owner)
			projects++
			s.record(running, fmt.Sprintf("r%d-%d", round, i))
		}
		counts[projects] = map[string]int64{}
		for name, pg := range map[string]struct {
			b    *browser
			path string
		}{
			"projects": {prov, "/console/projects"}, "owner projects": {coop, "/console/projects"}, "call": {prov, "/console/" + call},
			"council": {council, "/console/council"}, "project": {prov, "/console/" + running}, "milestone": {prov, "/console/" + running + "/milestones/m2"},
			"call report": {prov, "/console/" + call + "/report"},
		} {
			pg.b.get(pg.path) // warms the caches (reference data, programmes, names)
			s.resetCalls()
			res := pg.b.get(pg.path)
			require.Equal(t, http.StatusOK, res.code, "%s: %s", name, res.body)
			got := s.calls.Load()
			t.Logf("%d projects, %s page: %d calls (%s)", projects, name, got, s.callList())
			require.LessOrEqual(t, got, supportPageMaxCalls[name], "%s: %s", name, s.callList())
			counts[projects][name] = got
		}
	}
	require.Equal(t, counts[2], counts[8], "the number of calls does not depend on the number of projects, owners, reports or activities")
}

// startProject takes a SUBMITTED project through scoring, appraisal, approval and start, over
// the API.
func (s *suite) startProject(name string) {
	s.t.Helper()
	ctx := context.Background()
	var criteria []*supportv1.CriterionScore
	for _, c := range []string{"feasibility", "linkage", "inclusion", "capacity", "sustainability"} {
		criteria = append(criteria, &supportv1.CriterionScore{Criterion: c, Score: 10})
	}
	_, err := s.sup.ScoreProject(ctx, &supportv1.ScoreProjectRequest{Name: name, Criteria: criteria}, s.as(councilMember()))
	require.NoError(s.t, err)
	_, err = s.sup.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: name}, s.as(provinceOfficial()))
	require.NoError(s.t, err)
	_, err = s.sup.ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: name, DecisionReference: "QĐ 1"}, s.as(provinceOfficial()))
	require.NoError(s.t, err)
	p, err := s.sup.GetProject(ctx, &supportv1.GetProjectRequest{Name: name}, s.admin)
	require.NoError(s.t, err)
	_, err = s.sup.StartProject(ctx, &supportv1.StartProjectRequest{Name: name}, s.as(auth.Principal{Subject: "users/chair", Role: auth.RoleProducer, Organization: p.GetOwner()}))
	require.NoError(s.t, err)
}

// record adds a spending report and a training to an IN_PROGRESS project of the cooperative.
func (s *suite) record(name, id string) {
	s.t.Helper()
	ctx := context.Background()
	p, err := s.sup.GetProject(ctx, &supportv1.GetProjectRequest{Name: name}, s.admin)
	require.NoError(s.t, err)
	owner := s.as(auth.Principal{Subject: "users/chair", Role: auth.RoleProducer, Organization: p.GetOwner()})
	_, err = s.sup.CreateSpendingReport(ctx, &supportv1.CreateSpendingReportRequest{Parent: name, RequestId: "sp-" + id, SpendingReport: &supportv1.SpendingReport{
		ReportDate: supportDay(0), DocumentReference: "HĐ " + id, Lines: []*supportv1.SpendingLine{{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_TRAINING, AmountVnd: 1_000_000}}}}, owner)
	require.NoError(s.t, err)
	_, err = s.sup.CreateActivity(ctx, &supportv1.CreateActivityRequest{Parent: name, RequestId: "act-" + id, Activity: &supportv1.Activity{
		Kind: supportv1.ActivityKind_ACTIVITY_KIND_TRAINING, Milestone: "m2", ActivityDate: supportDay(0), Attendance: 5, DocumentReference: "DS " + id}}, owner)
	require.NoError(s.t, err)
}

// supportTextsFromCode are the Vietnamese texts the support code hands to templates (titles,
// limits, indicator sentences, section names): each has an English version.
var supportTextsFromCode = func() []string {
	out := []string{"Đợt kêu gọi dự án", "Các đợt kêu gọi đề xuất dự án liên kết đang mở.", "Các đợt kêu gọi đề xuất dự án của cơ quan bạn (cả bản nháp).",
		"Tất cả các đợt kêu gọi.", "Báo cáo đợt kêu gọi", "Báo cáo chương trình", "Chưa có dự án nào.", "Không có dự án nào chờ chấm điểm.", "Hợp đồng %s",
		"Dự án chưa đạt các quy định của chương trình; xem các điểm chưa đạt bên dưới.", "đạt", "chưa đạt",
		"Khoản hỗ trợ của mốc (theo tỉ lệ mốc trên kinh phí được duyệt)", "Đã giải ngân trước đó", "Chi tiêu thực tế đã báo cáo",
		"Chi tiêu được tính (mỗi nội dung không quá dự toán)", "Tổng hỗ trợ tối đa theo chi tiêu thực tế (tỉ lệ ngân sách được duyệt)",
		"Kinh phí hỗ trợ được duyệt", "Mức trần theo loại dự án"}
	for _, b := range []string{"SPENDING_SHARE", "PROGRAMME_SHARE", "CEILING", "NOTHING_TO_PAY"} {
		out = append(out, blockedWords(b))
	}
	for _, l := range sectionLabels {
		out = append(out, l)
	}
	return out
}()

// TestSupportTextsHaveEnglish: the texts the support code passes to templates, and the
// sentences that say indicators in words, have English versions.
func TestSupportTextsHaveEnglish(t *testing.T) {
	for _, s := range supportTextsFromCode {
		require.Contains(t, english, s)
	}
	for _, k := range indicatorKinds {
		kind := supportv1.IndicatorKind(supportv1.IndicatorKind_value[k])
		vi, en := targetWords("vi", kind, 5000), targetWords("en", kind, 5000)
		require.NotEqual(t, vi, en, k)
		r := &supportv1.IndicatorResult{Kind: kind, Target: 5000, Actual: 6000, Met: true}
		require.NotEqual(t, resultWords("vi", r), resultWords("en", r), k)
		require.Contains(t, resultWords("vi", r), "): đạt", k)
	}
	for _, k := range append(append(append(append([]string{}, projectTypes...), categories...), projectStates...), activityKinds...) {
		require.Contains(t, enumLabels, k)
	}
}

// TestSupportPagesInEnglishAndEscaped: the support pages switch to English, and what owners
// type is shown as text (a project titled with a script tag renders escaped).
func TestSupportPagesInEnglishAndEscaped(t *testing.T) {
	s := newSuite(t)
	w := s.supportWorld(1)
	call := s.openCall(w)
	p, err := s.sup.CreateProject(context.Background(), &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call, Owner: w.coop,
		Proposal: &supportv1.ProjectProposal{DisplayName: "<script>alert(1)</script>"}}}, s.as(w.producer()))
	require.NoError(t, err)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", false)
	pg := coop.get("/console/" + p.GetName())
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.NotContains(t, pg.body, "<script>alert(1)</script>")
	require.Contains(t, pg.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/console/"+p.GetName(), nil)
	req.AddCookie(&http.Cookie{Name: "lienket_lang", Value: "en"})
	pg = coop.do(req)
	require.Contains(t, pg.body, `<html lang="en">`)
	require.Contains(t, pg.body, "Support projects")
	require.Contains(t, pg.body, "Draft")
	require.Contains(t, pg.body, "A proposal must state its title", "the programme's findings in English")
}
