package console

import (
	"net/http"

	"golang.org/x/sync/errgroup"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// A milestone of an approved project: its indicators computed now from the linked contracts
// (and the recorded training), each said in words with its figures, the limits a disbursement
// must respect with theirs, and — for an official of the investor — the verification that
// records the disbursement in the same write. The page makes at most four backend calls: the
// project, then at once the evaluation, the activities and the disbursements.

type indicatorView struct {
	R     *supportv1.IndicatorResult
	Words string
	// Detail is the service's own account of the figures (English), shown in English.
	Detail string
}

type limitLine struct {
	Label    string
	VND      int64
	Blocking bool
}

type milestoneView struct {
	P              *supportv1.Project
	M              *supportv1.Milestone
	Status         *supportv1.MilestoneStatus
	E              *supportv1.MilestoneEvaluation
	Indicators     []indicatorView
	Limits         []limitLine
	Payable        int64
	Blocked        string
	NeedsEvidence  bool
	CanVerify      bool
	Disbursement   *supportv1.Disbursement
	Activities     []*supportv1.Activity
	Errors         formErrors
	Reference      string
	Note           string
	EvaluateFailed string
}

func milestoneName(r *http.Request) string {
	return projectName(r) + "/milestones/" + r.PathValue("m")
}

func (c *Console) loadMilestone(q *rq) (*milestoneView, error) {
	p, err := c.b.sup.GetProject(q.ctx, &supportv1.GetProjectRequest{Name: projectName(q.r)})
	if err != nil {
		return nil, err
	}
	id := q.r.PathValue("m")
	v := &milestoneView{P: p, M: planned(p, id), Status: milestoneStatus(p, milestoneName(q.r))}
	if v.M == nil {
		return nil, errNotFound
	}
	var ds []*supportv1.Disbursement
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() error {
		e, err := c.b.sup.EvaluateMilestone(gctx, &supportv1.EvaluateMilestoneRequest{Name: milestoneName(q.r)})
		if err != nil {
			v.EvaluateFailed = explainStatus(err) // the milestone is still shown, without figures
		}
		v.E = e
		return nil
	})
	g.Go(func() error {
		res, err := c.b.sup.ListActivities(gctx, &supportv1.ListActivitiesRequest{Parent: p.GetName(), PageSize: 500})
		for _, a := range res.GetActivities() {
			if a.GetMilestone() == id {
				v.Activities = append(v.Activities, a)
			}
		}
		return err
	})
	if v.Status.GetDisbursement() != "" {
		g.Go(func() error {
			res, err := c.b.sup.ListDisbursements(gctx, &supportv1.ListDisbursementsRequest{Parent: p.GetName(), PageSize: 500})
			ds = res.GetDisbursements()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	v.Disbursement = disbursement(ds, v.Status.GetDisbursement())
	v.arrange(q)
	return v, nil
}

// planned is the milestone id of the project's plan (nil when it has none).
func planned(p *supportv1.Project, id string) *supportv1.Milestone {
	for _, m := range p.GetProposal().GetMilestones() {
		if m.GetId() == id {
			return m
		}
	}
	return nil
}

// milestoneStatus is the state of the milestone name of an approved project (nil before).
func milestoneStatus(p *supportv1.Project, name string) *supportv1.MilestoneStatus {
	for _, s := range p.GetMilestones() {
		if s.GetMilestone() == name {
			return s
		}
	}
	return nil
}

// disbursement finds name among ds (nil when absent or name is empty).
func disbursement(ds []*supportv1.Disbursement, name string) *supportv1.Disbursement {
	for _, d := range ds {
		if name != "" && d.GetName() == name {
			return d
		}
	}
	return nil
}

func (v *milestoneView) arrange(q *rq) {
	for _, r := range v.E.GetIndicators() {
		iv := indicatorView{R: r, Words: resultWords(q.lang, r)}
		if q.lang == "en" {
			iv.Detail = r.GetExplanation()
		}
		v.Indicators = append(v.Indicators, iv)
		v.NeedsEvidence = v.NeedsEvidence || r.GetRequiresConfirmation()
	}
	// Once paid, the limits of a new verification say nothing of this milestone.
	if l := v.E.GetLimits(); l != nil && v.Status.GetState() != supportv1.MilestoneState_MILESTONE_STATE_DISBURSED {
		b := l.GetBlockedBy()
		v.Limits = []limitLine{
			{Label: "Khoản hỗ trợ của mốc (theo tỉ lệ mốc trên kinh phí được duyệt)", VND: l.GetMilestoneAmountVnd()},
			{Label: "Đã giải ngân trước đó", VND: l.GetDisbursedBeforeVnd()},
			{Label: "Chi tiêu thực tế đã báo cáo", VND: l.GetReportedSpendingVnd()},
			{Label: "Chi tiêu được tính (mỗi nội dung không quá dự toán)", VND: l.GetEligibleSpendingVnd()},
			{Label: "Tổng hỗ trợ tối đa theo chi tiêu thực tế (tỉ lệ ngân sách được duyệt)", VND: l.GetSpendingShareCapVnd(), Blocking: b == "SPENDING_SHARE"},
			{Label: "Kinh phí hỗ trợ được duyệt", VND: l.GetApprovedProgrammeVnd(), Blocking: b == "PROGRAMME_SHARE"},
		}
		if l.GetCeilingVnd() > 0 {
			v.Limits = append(v.Limits, limitLine{Label: "Mức trần theo loại dự án", VND: l.GetCeilingVnd(), Blocking: b == "CEILING"})
		}
		v.Payable, v.Blocked = l.GetPayableVnd(), blockedWords(b)
	}
	v.CanVerify = investorOf(q.s, v.P.GetInvestor()) && v.P.GetState() == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS &&
		v.Status.GetState() == supportv1.MilestoneState_MILESTONE_STATE_PENDING
}

// blockedWords says which limit keeps a milestone from being paid.
func blockedWords(b string) string {
	switch b {
	case "SPENDING_SHARE":
		return "Chưa giải ngân được: tổng giải ngân sẽ vượt phần ngân sách hỗ trợ (theo tỉ lệ được duyệt) của chi tiêu thực tế đã báo cáo. Chủ dự án cần báo cáo thêm chi tiêu."
	case "PROGRAMME_SHARE":
		return "Chưa giải ngân được: tổng giải ngân sẽ vượt kinh phí hỗ trợ được duyệt."
	case "CEILING":
		return "Chưa giải ngân được: tổng giải ngân sẽ vượt mức trần theo loại dự án."
	case "NOTHING_TO_PAY":
		return "Mốc này không có khoản hỗ trợ nào."
	}
	return ""
}

func (c *Console) milestonePage(q *rq) error {
	v, err := c.loadMilestone(q)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "support_milestone", v)
	return nil
}

// verifyMilestone: an official of the investor verifies the milestone; its disbursement is
// recorded in the same write, or the refusal is shown with its reason.
func (c *Console) verifyMilestone(q *rq) error {
	f := q.r.PostForm
	ref, note := trimmed(q.r, "payment_reference"), trimmed(q.r, "note")
	_, err := c.b.sup.VerifyMilestone(q.ctx, &supportv1.VerifyMilestoneRequest{Name: milestoneName(q.r), EvidenceConfirmed: f.Get("evidence_confirmed") == "on",
		PaymentReference: ref, Note: note, RequestId: f.Get("request_id")})
	if err == nil {
		return q.redirect(BasePath+"/"+milestoneName(q.r), "disbursed")
	}
	v, lerr := c.loadMilestone(q)
	if lerr != nil {
		return lerr
	}
	v.Errors = fromAPI(err, map[string]string{"evidence_confirmed": "evidence_confirmed", "payment_reference": "payment_reference", "note": "note"})
	v.Reference, v.Note = ref, note
	q.render(http.StatusUnprocessableEntity, "support_milestone", v)
	return nil
}

// targetWords says what an indicator asks, in lang.
func targetWords(lang string, k supportv1.IndicatorKind, target int64) string {
	switch k {
	case supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE:
		return tf(lang, "Ít nhất %s sản lượng các hợp đồng liên kết được giao và chấp nhận", bps(int32(min(target, 10000))))
	case supportv1.IndicatorKind_INDICATOR_KIND_HOUSEHOLDS_PAID_IN_FULL:
		return tf(lang, "Ít nhất %s hộ giao hàng được thanh toán đủ", group(target))
	case supportv1.IndicatorKind_INDICATOR_KIND_POOR_VALUE_PAID:
		return tf(lang, "Ít nhất %s trả cho hộ nghèo, cận nghèo", vnd(target))
	case supportv1.IndicatorKind_INDICATOR_KIND_CONTRACTS_WITNESSED:
		return tf(lang, "Ít nhất %s hợp đồng liên kết được UBND xã chứng thực và đang có hiệu lực", group(target))
	case supportv1.IndicatorKind_INDICATOR_KIND_TRAINING_ATTENDANCE:
		return tf(lang, "Ít nhất %s lượt người dự tập huấn (có minh chứng)", group(target))
	}
	return k.String()
}

// resultWords says what an indicator measures now against its target, in lang.
func resultWords(lang string, r *supportv1.IndicatorResult) string {
	met := tr(lang, "chưa đạt")
	if r.GetMet() {
		met = tr(lang, "đạt")
	}
	t, a := r.GetTarget(), r.GetActual()
	switch r.GetKind() {
	case supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE:
		return tf(lang, "%s sản lượng các hợp đồng liên kết đã được giao và chấp nhận (mục tiêu %s): %s.", bps(int32(min(a, 10000))), bps(int32(min(t, 10000))), met)
	case supportv1.IndicatorKind_INDICATOR_KIND_HOUSEHOLDS_PAID_IN_FULL:
		return tf(lang, "%s hộ có hàng được nhận đã được thanh toán đủ (mục tiêu %s hộ): %s.", group(a), group(t), met)
	case supportv1.IndicatorKind_INDICATOR_KIND_POOR_VALUE_PAID:
		return tf(lang, "%s đã trả cho hộ nghèo, cận nghèo theo các hợp đồng liên kết (mục tiêu %s): %s.", vnd(a), vnd(t), met)
	case supportv1.IndicatorKind_INDICATOR_KIND_CONTRACTS_WITNESSED:
		return tf(lang, "%s hợp đồng liên kết đã được UBND xã chứng thực và đang có hiệu lực (mục tiêu %s): %s.", group(a), group(t), met)
	case supportv1.IndicatorKind_INDICATOR_KIND_TRAINING_ATTENDANCE:
		return tf(lang, "%s lượt người dự các buổi tập huấn đã ghi nhận (mục tiêu %s): %s; cán bộ xác minh cần kiểm tra minh chứng.", group(a), group(t), met)
	}
	return r.GetExplanation()
}
