package transport

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// Enum prefixes of the support API.
const (
	typePrefix      = "PROJECT_TYPE_"
	categoryPrefix  = "SUPPORT_CATEGORY_"
	indicatorPrefix = "INDICATOR_KIND_"
	activityPrefix  = "ACTIVITY_KIND_"
)

func number[E ~int32](d protoreflect.EnumDescriptor, prefix, name string) E {
	return E(protoenum.Number(d, prefix, name))
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func window(start, end string) *typesv1.DateWindow {
	if start == "" && end == "" {
		return nil
	}
	return &typesv1.DateWindow{StartDate: start, EndDate: end}
}

func typeNames(ts []supportv1.ProjectType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = protoenum.Name(t, typePrefix)
	}
	return out
}

func typeNumbers(ts []string) []supportv1.ProjectType {
	out := make([]supportv1.ProjectType, len(ts))
	for i, t := range ts {
		out[i] = number[supportv1.ProjectType](supportv1.ProjectType(0).Descriptor(), typePrefix, t)
	}
	return out
}

func callInput(c *supportv1.Call) domain.CallInput {
	in := domain.CallInput{Investor: c.GetInvestor(), DisplayName: c.GetDisplayName(), Description: c.GetDescription(), Programme: c.GetProgramme(),
		ProjectTypes: typeNames(c.GetProjectTypes()), BudgetVND: c.GetBudgetVnd(), OpenDate: c.GetSubmissionWindow().GetStartDate(),
		CloseDate: c.GetSubmissionWindow().GetEndDate(), Council: c.GetCouncilMembers()}
	for _, tc := range c.GetTypeCeilings() {
		in.TypeCeilings = append(in.TypeCeilings, domain.TypeCeiling{Type: protoenum.Name(tc.GetProjectType(), typePrefix), MaxProgrammeVND: tc.GetMaxProgrammeVnd()})
	}
	for _, cc := range c.GetCategoryCeilings() {
		in.CategoryCeilings = append(in.CategoryCeilings, domain.CategoryCeiling{Category: protoenum.Name(cc.GetCategory(), categoryPrefix),
			MaxProgrammeVND: cc.GetMaxProgrammeVnd(), MaxShareBps: cc.GetMaxProgrammeShareBps()})
	}
	return in
}

func callToProto(c *domain.Call) *supportv1.Call {
	out := &supportv1.Call{Name: c.Name(), Investor: c.Investor, DisplayName: c.DisplayName, Description: c.Description, Programme: "programmes/" + c.Programme,
		ProjectTypes: typeNumbers(c.ProjectTypes), BudgetVnd: c.BudgetVND, SubmissionWindow: window(c.OpenDate, c.CloseDate), CouncilMembers: c.Council,
		State: number[supportv1.CallState](supportv1.CallState(0).Descriptor(), "CALL_STATE_", c.State), InvestorAreaCode: c.InvestorAreaCode,
		InvestorProvinceCode: c.InvestorProvinceCode, CommittedVnd: c.CommittedVND, ProgrammeVersion: c.ProgrammeVersion,
		CreateTime: ts(c.CreateTime), UpdateTime: ts(c.UpdateTime), Etag: aip.Etag(c.Version)}
	for _, tc := range c.TypeCeilings {
		out.TypeCeilings = append(out.TypeCeilings, &supportv1.TypeCeiling{ProjectType: number[supportv1.ProjectType](supportv1.ProjectType(0).Descriptor(), typePrefix, tc.Type), MaxProgrammeVnd: tc.MaxProgrammeVND})
	}
	for _, cc := range c.CategoryCeilings {
		out.CategoryCeilings = append(out.CategoryCeilings, &supportv1.CategoryCeiling{Category: categoryNumber(cc.Category), MaxProgrammeVnd: cc.MaxProgrammeVND, MaxProgrammeShareBps: cc.MaxShareBps})
	}
	return out
}

func categoryNumber(c string) supportv1.SupportCategory {
	return number[supportv1.SupportCategory](supportv1.SupportCategory(0).Descriptor(), categoryPrefix, c)
}

func indicatorNumber(k string) supportv1.IndicatorKind {
	return number[supportv1.IndicatorKind](supportv1.IndicatorKind(0).Descriptor(), indicatorPrefix, k)
}

func proposalToDomain(pp *supportv1.ProjectProposal) domain.Proposal {
	p := domain.Proposal{Type: protoenum.Name(pp.GetProjectType(), typePrefix), DisplayName: pp.GetDisplayName(), Summary: pp.GetSummary(), Product: pp.GetProduct(),
		Communes: pp.GetCommuneCodes(), PeriodStart: pp.GetPeriod().GetStartDate(), PeriodEnd: pp.GetPeriod().GetEndDate(),
		Justification: pp.GetCoInvestmentJustification(), Contracts: pp.GetContracts(), MemberGroups: pp.GetMemberGroups()}
	for _, l := range pp.GetBudgetLines() {
		p.BudgetLines = append(p.BudgetLines, domain.BudgetLine{Category: protoenum.Name(l.GetCategory(), categoryPrefix), Description: l.GetDescription(),
			ProgrammeVND: l.GetProgrammeVnd(), OwnerCashVND: l.GetOwnerCashVnd(), OwnerInKindVND: l.GetOwnerInKindVnd(), OwnerLabourVND: l.GetOwnerLabourVnd(),
			ProductionCycles: l.GetProductionCycles()})
	}
	for _, m := range pp.GetMilestones() {
		dm := domain.Milestone{ID: m.GetId(), Title: m.GetTitle(), DueDate: m.GetDueDate(), ReleaseShareBps: m.GetReleaseShareBps()}
		for _, ind := range m.GetIndicators() {
			dm.Indicators = append(dm.Indicators, domain.Indicator{Kind: protoenum.Name(ind.GetKind(), indicatorPrefix), Target: ind.GetTarget()})
		}
		p.Milestones = append(p.Milestones, dm)
	}
	return p
}

func proposalToProto(p domain.Proposal) *supportv1.ProjectProposal {
	out := &supportv1.ProjectProposal{ProjectType: number[supportv1.ProjectType](supportv1.ProjectType(0).Descriptor(), typePrefix, p.Type), DisplayName: p.DisplayName,
		Summary: p.Summary, Product: p.Product, CommuneCodes: p.Communes, Period: window(p.PeriodStart, p.PeriodEnd),
		CoInvestmentJustification: p.Justification, Contracts: p.Contracts, MemberGroups: p.MemberGroups}
	for _, l := range p.BudgetLines {
		out.BudgetLines = append(out.BudgetLines, &supportv1.BudgetLine{Category: categoryNumber(l.Category), Description: l.Description, ProgrammeVnd: l.ProgrammeVND,
			OwnerCashVnd: l.OwnerCashVND, OwnerInKindVnd: l.OwnerInKindVND, OwnerLabourVnd: l.OwnerLabourVND, ProductionCycles: l.ProductionCycles})
	}
	for _, m := range p.Milestones {
		pm := &supportv1.Milestone{Id: m.ID, Title: m.Title, DueDate: m.DueDate, ReleaseShareBps: m.ReleaseShareBps}
		for _, ind := range m.Indicators {
			pm.Indicators = append(pm.Indicators, &supportv1.Indicator{Kind: indicatorNumber(ind.Kind), Target: ind.Target})
		}
		out.Milestones = append(out.Milestones, pm)
	}
	return out
}

func totalsToProto(t domain.Totals) *supportv1.BudgetTotals {
	return &supportv1.BudgetTotals{ProgrammeVnd: t.ProgrammeVND, OwnerCashVnd: t.OwnerCashVND, OwnerInKindVnd: t.OwnerInKindVND,
		OwnerLabourVnd: t.OwnerLabourVND, TotalVnd: t.TotalVND, ProgrammeShareBps: t.ProgrammeShareBps}
}

func participationToProto(c domain.Participation) *supportv1.Participation {
	return &supportv1.Participation{Households: c.Households, Poor: c.Poor, NearPoor: c.NearPoor, RecentlyEscaped: c.RecentlyEscaped,
		NonPoor: c.NonPoor, EthnicMinority: c.EthnicMinority, WomenHeaded: c.WomenHeaded}
}

func projectState(s string) supportv1.ProjectState {
	return number[supportv1.ProjectState](supportv1.ProjectState(0).Descriptor(), "PROJECT_STATE_", s)
}

func projectToProto(p *domain.Project) *supportv1.Project {
	out := &supportv1.Project{Name: p.Name(), Call: p.Call, Owner: p.Owner, Proposal: proposalToProto(p.Proposal), State: projectState(p.State),
		StateReason: p.StateReason, Programme: "programmes/" + p.Programme, RulebookVersion: p.RulebookVersion, Totals: totalsToProto(p.Proposal.Totals()),
		Participation: participationToProto(domain.Count(p.Participants)), ApprovedProgrammeVnd: p.ApprovedProgrammeVND, CeilingVnd: p.CeilingVND,
		ReportedSpendingVnd: p.ReportedVND(), EligibleSpendingVnd: domain.EligibleSpending(p.Proposal.BudgetLines, p.Spent()), DisbursedVnd: p.DisbursedVND,
		AmendmentCount: p.AmendmentCount, Investor: p.Investor, CreateTime: ts(p.CreateTime), UpdateTime: ts(p.UpdateTime), Etag: aip.Etag(p.Version)}
	for _, s := range p.Scores {
		out.Scores = append(out.Scores, scoreToProto(s))
	}
	out.Appraisal, out.Decision = appraisalToProto(p.Appraisal), decisionToProto(p.Decision)
	for _, s := range p.Milestones {
		st := &supportv1.MilestoneStatus{Milestone: domain.MilestoneName(p.ID, s.ID), AmountVnd: s.AmountVND,
			State: number[supportv1.MilestoneState](supportv1.MilestoneState(0).Descriptor(), "MILESTONE_STATE_", s.State)}
		if s.Disbursement != "" {
			st.Disbursement = p.Name() + "/disbursements/" + s.Disbursement
		}
		out.Milestones = append(out.Milestones, st)
	}
	if a := p.PendingAmendment; a != nil {
		out.PendingAmendment = &supportv1.Amendment{Number: a.Number, Proposal: proposalToProto(a.Proposal), Reason: a.Reason, Proposer: a.Proposer, CreateTime: ts(a.CreateTime)}
	}
	return out
}

func scoreToProto(s domain.Score) *supportv1.CouncilScore {
	out := &supportv1.CouncilScore{Member: s.Member, Comment: s.Comment, Total: s.Total, ScoreTime: ts(s.Time)}
	for _, c := range s.Criteria {
		out.Criteria = append(out.Criteria, &supportv1.CriterionScore{Criterion: c.Criterion, Score: c.Score, Comment: c.Comment})
	}
	return out
}

func appraisalToProto(a *domain.Appraisal) *supportv1.Appraisal {
	if a == nil {
		return nil
	}
	return &supportv1.Appraisal{ScoredBy: a.ScoredBy, AverageScore: a.Average(), MinPassScore: a.MinPassScore, Appraiser: a.Appraiser, Note: a.Note, AppraiseTime: ts(a.Time)}
}

func decisionToProto(d *domain.Decision) *supportv1.Decision {
	if d == nil {
		return nil
	}
	return &supportv1.Decision{Approved: d.Approved, Reference: d.Reference, Reason: d.Reason, Official: d.Official, DecideTime: ts(d.Time)}
}

func eventToProto(e domain.Event) *supportv1.AuditEvent {
	return &supportv1.AuditEvent{Name: e.Contract + "/events/" + strconv.FormatInt(e.Seq, 10), Sequence: e.Seq, Type: e.Type, Actor: e.Actor, ActorRole: e.ActorRole,
		Time: timestamppb.New(e.Time), Payload: e.Payload, PreviousHash: e.PreviousHash, Hash: e.Hash}
}
