package transport

import (
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/usecase"
)

func spendingToDomain(r *supportv1.SpendingReport) domain.SpendingReport {
	out := domain.SpendingReport{Date: r.GetReportDate(), Description: r.GetDescription(), DocumentReference: r.GetDocumentReference()}
	for _, l := range r.GetLines() {
		out.Lines = append(out.Lines, domain.SpendingLine{Category: protoenum.Name(l.GetCategory(), categoryPrefix), AmountVND: l.GetAmountVnd()})
	}
	return out
}

func spendingToProto(projectID string, r domain.SpendingReport) *supportv1.SpendingReport {
	out := &supportv1.SpendingReport{Name: domain.ProjectName(projectID) + "/spendingReports/" + r.ID, ReportDate: r.Date, Description: r.Description,
		DocumentReference: r.DocumentReference, TotalVnd: r.TotalVND, Reporter: r.Reporter, CreateTime: ts(r.CreateTime)}
	for _, l := range r.Lines {
		out.Lines = append(out.Lines, &supportv1.SpendingLine{Category: categoryNumber(l.Category), AmountVnd: l.AmountVND})
	}
	return out
}

func activityToDomain(a *supportv1.Activity) domain.Activity {
	return domain.Activity{Kind: protoenum.Name(a.GetKind(), activityPrefix), Milestone: a.GetMilestone(), Date: a.GetActivityDate(), Attendance: a.GetAttendance(),
		WomenAttendance: a.GetWomenAttendance(), Description: a.GetDescription(), DocumentReference: a.GetDocumentReference()}
}

func activityToProto(projectID string, a domain.Activity) *supportv1.Activity {
	return &supportv1.Activity{Name: domain.ProjectName(projectID) + "/activities/" + a.ID,
		Kind:      number[supportv1.ActivityKind](supportv1.ActivityKind(0).Descriptor(), activityPrefix, a.Kind),
		Milestone: a.Milestone, ActivityDate: a.Date, Attendance: a.Attendance, WomenAttendance: a.WomenAttendance, Description: a.Description,
		DocumentReference: a.DocumentReference, Reporter: a.Reporter, CreateTime: ts(a.CreateTime)}
}

func resultsToProto(rs []domain.IndicatorResult) []*supportv1.IndicatorResult {
	out := make([]*supportv1.IndicatorResult, len(rs))
	for i, r := range rs {
		out[i] = &supportv1.IndicatorResult{Kind: indicatorNumber(r.Kind), Target: r.Target, Actual: r.Actual, Met: r.Met, Explanation: r.Explanation, RequiresConfirmation: r.RequiresConfirmation}
	}
	return out
}

func limitsToProto(l domain.Limits) *supportv1.DisbursementLimits {
	return &supportv1.DisbursementLimits{MilestoneAmountVnd: l.MilestoneAmountVND, ReportedSpendingVnd: l.ReportedSpendingVND, EligibleSpendingVnd: l.EligibleSpendingVND,
		SpendingShareCapVnd: l.SpendingShareCapVND, ApprovedProgrammeVnd: l.ApprovedProgrammeVND, CeilingVnd: l.CeilingVND,
		DisbursedBeforeVnd: l.DisbursedBeforeVND, PayableVnd: l.PayableVND, BlockedBy: l.BlockedBy}
}

func disbursementToProto(projectID string, d domain.Disbursement) *supportv1.Disbursement {
	return &supportv1.Disbursement{Name: domain.ProjectName(projectID) + "/disbursements/" + d.ID, Milestone: domain.MilestoneName(projectID, d.Milestone),
		AmountVnd: d.AmountVND, Indicators: resultsToProto(d.Indicators), Limits: limitsToProto(d.Limits), VerifiedBy: d.VerifiedBy,
		PaymentReference: d.PaymentReference, Note: d.Note, CreateTime: ts(d.CreateTime)}
}

func evaluationToProto(e *usecase.Evaluation) *supportv1.MilestoneEvaluation {
	return &supportv1.MilestoneEvaluation{Milestone: domain.MilestoneName(e.ProjectID, e.Milestone), Indicators: resultsToProto(e.Indicators), Met: e.Met,
		Limits: limitsToProto(e.Limits), EvaluateTime: ts(e.Time)}
}

func reportToProto(r *usecase.Report) *supportv1.SupportReport {
	out := &supportv1.SupportReport{Name: r.Name, Calls: r.Calls, BudgetVnd: r.BudgetVND, CommittedVnd: r.CommittedVND, DisbursedVnd: r.DisbursedVND,
		HouseholdsReached: participationToProto(r.Reached), PoorShareBps: r.PoorShareBps, NearPoorShareBps: r.NearPoorShareBps,
		EthnicMinorityShareBps: r.MinorityShareBps, WomenHeadedShareBps: r.WomenShareBps, Milestones: r.Milestones,
		MilestonesMetOnTime: r.MetOnTime, MilestonesMetLate: r.MetLate, MilestonesOverdue: r.Overdue, ComputeTime: ts(r.Time)}
	for _, s := range domain.ProjectStates {
		if n := r.ByState[s]; n > 0 {
			out.ProjectsByState = append(out.ProjectsByState, &supportv1.StateCount{State: projectState(s), Projects: n})
		}
	}
	return out
}

func programmeToProto(p usecase.Programme) *supportv1.Programme {
	out := &supportv1.Programme{Name: "programmes/" + p.ID, Title: p.Title, Version: p.Version, Base: p.Base}
	for _, r := range p.Rules {
		out.Rules = append(out.Rules, &supportv1.ProgrammeRule{RuleId: r.ID, Field: r.Field, MessageVi: r.MessageVI, MessageEn: r.MessageEN, Params: r.Params, Rulebook: r.Rulebook})
	}
	if p.Appraisal != nil {
		out.MinPassScore = p.Appraisal.MinPassScore
		for _, c := range p.Appraisal.Criteria {
			out.Criteria = append(out.Criteria, &supportv1.AppraisalCriterion{Id: c.ID, NameVi: c.NameVI, NameEn: c.NameEN, MaxScore: c.MaxScore})
		}
	}
	return out
}
