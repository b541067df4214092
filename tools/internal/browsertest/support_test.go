package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/tools/internal/demo"
)

// TestSupportInTheBrowser walks programme support through the console only, each person
// signing in at the development OpenID provider: the province official (canbotinh) finds the
// demo call; the cooperative (htx) proposes a livelihood project for its member households,
// sees the programme's finding on its co-investment next to the budget, corrects it and
// submits; the official, who sits on the call's council, scores the project, closes the
// appraisal and approves it; the cooperative starts it, records a training and reports its
// spending; the official reads the milestone's indicator in words, is asked to confirm the
// evidence, verifies and disburses; the call's report shows it. Key pages are photographed at
// 360×800 and 1280×800 and checked with axe-core.
func TestSupportInTheBrowser(t *testing.T) {
	e := start(t)
	day := func(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

	// The province investor and its call.
	prov := e.signIn(demo.CallInvestor)
	require.EqualValues(t, 200, prov.open("/console/calls"))
	require.Contains(t, prov.text(), demo.CallTitle)
	prov.shot("investor-calls")
	prov.axe("investor-calls")
	prov.clickNav(`.card h2 a`)
	require.Contains(t, prov.text(), "Đang nhận hồ sơ")
	prov.shot("investor-call")
	prov.axe("investor-call")

	// The cooperative proposes a project: first with too large a programme share.
	coop := e.signIn("htx")
	require.EqualValues(t, 200, coop.open("/console/projects"))
	require.Contains(t, coop.text(), demo.CallTitle)
	coop.shot("owner-projects")
	coop.axe("owner-projects")
	coop.clickNav(`.propose-project`)
	coop.do(chromedp.SetValue(chromedp.CSS("#project_type"), "PROJECT_TYPE_LIVELIHOOD"), chromedp.SetValue(chromedp.CSS("#product"), "products/cinnamon-bark"))
	coop.fill("#display_name", "Sinh kế trồng quế hữu cơ cho hộ thành viên")
	coop.fill("#summary", "Tập huấn kỹ thuật trồng quế hữu cơ cho các hộ thành viên HTX")
	coop.fill("#period_start", day(-30))
	coop.fill("#period_end", day(365))
	coop.fill("#bl-SUPPORT_CATEGORY_TRAINING-programme", "15.000.000")
	coop.fill("#bl-SUPPORT_CATEGORY_TRAINING-labour", "5.000.000")
	coop.check("own_members")
	coop.fill("#m-0-id", "m1")
	coop.fill("#m-0-title", "Tập huấn kỹ thuật")
	coop.fill("#m-0-due", day(90))
	coop.fill("#m-0-share", "100")
	coop.do(chromedp.SetValue(chromedp.CSS("#m-0-ind-0-kind"), "INDICATOR_KIND_TRAINING_ATTENDANCE"))
	coop.fill("#m-0-ind-0-target", "10")
	coop.shot("owner-project-form")
	coop.axe("owner-project-form")
	coop.clickNav(`#save-project`)
	require.Contains(t, coop.text(), "SUP-CO-INVESTMENT", "the programme's finding")
	require.Contains(t, coop.text(), "Ngân sách hỗ trợ tối đa 49% tổng kinh phí dự án")
	project := strings.TrimPrefix(strings.SplitN(coop.location(), "?", 2)[0], e.consoleURL)
	coop.shot("owner-project-findings")
	coop.axe("owner-project-findings")
	coop.clickNav(`#edit-project`)
	require.Contains(t, run(coop, chromedp.Evaluate[string](`document.getElementById("budget-error").innerText`)), "SUP-CO-INVESTMENT", "next to the budget")
	coop.shot("owner-project-edit")
	coop.axe("owner-project-edit")
	coop.fill("#bl-SUPPORT_CATEGORY_TRAINING-programme", "8.000.000")
	coop.fill("#bl-SUPPORT_CATEGORY_TRAINING-labour", "12.000.000")
	coop.clickNav(`#save-project`)
	require.Contains(t, coop.text(), "Đạt tất cả quy định của chương trình.", coop.text())
	coop.clickNav(`#submit-project`)
	require.Contains(t, coop.text(), "Đã nộp hồ sơ dự án cho chủ đầu tư.")

	// The official scores it as a council member, closes the appraisal and approves.
	prov.open("/console/council")
	require.Contains(t, prov.text(), "Sinh kế trồng quế hữu cơ cho hộ thành viên")
	prov.shot("council")
	prov.axe("council")
	prov.open(project + "/score")
	prov.shot("council-score")
	prov.axe("council-score")
	for id, score := range map[string]string{"feasibility": "25", "linkage": "18", "inclusion": "18", "capacity": "12", "sustainability": "8"} {
		prov.fill("#score-"+id, score)
	}
	prov.clickNav(`#save-score`)
	require.Contains(t, prov.text(), "Đã ghi nhận điểm thẩm định của bạn.")
	prov.clickNav(`#appraise-project`)
	require.Contains(t, prov.text(), "Đã kết thúc thẩm định.")
	prov.fill("#decision_reference", "45/QĐ-UBND")
	prov.clickNav(`#approve-project`)
	require.Contains(t, prov.text(), "Đã phê duyệt dự án; kinh phí hỗ trợ đã được cam kết.")
	prov.shot("investor-project-approved")
	prov.axe("investor-project-approved")

	// The cooperative starts, records the training and reports its spending.
	coop.open(project)
	coop.clickNav(`#start-project`)
	coop.fill("#act_date", day(0))
	coop.fill("#act_attendance", "14")
	coop.fill("#act_women", "9")
	coop.fill("#act_ref", "Danh sách ký tên 01")
	coop.clickNav(`#record-activity`)
	require.Contains(t, coop.text(), "Đã ghi nhận hoạt động.")
	coop.fill("#sp-SUPPORT_CATEGORY_TRAINING", "20.000.000")
	coop.fill("#sp_date", day(0))
	coop.fill("#sp_ref", "HĐ 01/2026")
	coop.clickNav(`#report-spending`)
	require.Contains(t, coop.text(), "Đã ghi nhận báo cáo chi tiêu.")
	coop.shot("owner-project-in-progress")
	coop.axe("owner-project-in-progress")

	// The official verifies the milestone: the evidence must be confirmed; then it pays.
	prov.open(project + "/milestones/m1")
	require.Contains(t, prov.text(), "14 lượt người dự các buổi tập huấn đã ghi nhận (mục tiêu 10): đạt")
	prov.shot("investor-milestone")
	prov.axe("investor-milestone")
	prov.fill("#payment_reference", "UNC 0045")
	require.EqualValues(t, 422, prov.clickNav(`#verify-milestone`))
	require.Contains(t, prov.text(), "hãy xác nhận đã kiểm tra minh chứng")
	prov.axe("investor-milestone-errors")
	prov.check("evidence_confirmed")
	prov.fill("#payment_reference", "UNC 0045")
	prov.clickNav(`#verify-milestone`)
	require.Contains(t, prov.text(), "Đã xác minh mốc và ghi nhận giải ngân.")
	require.Contains(t, prov.text(), "8.000.000\u00a0₫")
	prov.shot("investor-milestone-disbursed")

	// The call's report.
	prov.open("/console/" + e.call + "/report")
	require.Contains(t, prov.text(), "Hộ được tiếp cận")
	prov.shot("investor-call-report")
	prov.axe("investor-call-report")
}
