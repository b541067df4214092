package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/support/auditlog"
)

func toChain(evs []*supportv1.AuditEvent, subject string) []auditlog.Event {
	out := make([]auditlog.Event, len(evs))
	for i, e := range evs {
		out[i] = auditlog.Event{Contract: subject, Seq: e.Sequence, Type: e.Type, Actor: e.Actor, ActorRole: e.ActorRole, Time: e.Time.AsTime(),
			Payload: e.Payload, PreviousHash: e.PreviousHash, Hash: e.Hash}
	}
	return out
}

// TestSeasonOverGRPC: a provincial call; a cooperative's value-chain project linking two
// contracts; validation listing every violation; submission; council scores; appraisal and
// approval; deliveries meet milestone 1, verification pays exactly its share; milestone 2 is
// refused until the actual spending covers it; completion; reports; the audit chains verify.
func TestSeasonOverGRPC(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	k2 := w.activeContract(t, append(append([]string{}, w.nearPoor...), w.nonPoor...), 1000)
	call := w.call(t, 2_000_000_000)
	require.Equal(t, supportv1.CallState_CALL_STATE_OPEN, call.State)
	require.Equal(t, "15", call.InvestorProvinceCode)
	require.Equal(t, "ntp-sedema@2026.1+decree98-support@2026.1", call.ProgrammeVersion)

	owner, inv := w.support(t, w.coopU), w.support(t, w.investor)
	bad := proposal(k1, k2)
	bad.BudgetLines[0].ProgrammeVnd = 200_000_000 // 65% programme funding
	bad.Milestones[1].ReleaseShareBps = 5000      // 90% in all
	bad.Summary = ""
	p, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: bad}, RequestId: "p-1"})
	require.NoError(t, err)
	again, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: bad}, RequestId: "p-1"})
	require.NoError(t, err)
	require.Equal(t, p.Name, again.Name, "idempotent create")
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_DRAFT, p.State)

	v, err := owner.ValidateProject(ctx, &supportv1.ValidateProjectRequest{Name: p.Name})
	require.NoError(t, err)
	var ids []string
	for _, x := range v.Violations {
		ids = append(ids, x.RuleId)
		require.NotEmpty(t, x.MessageVi)
	}
	require.ElementsMatch(t, []string{"SUP-CONTENT", "SUP-CO-INVESTMENT", "SUP-MILESTONES"}, ids, "every violation at once")
	require.EqualValues(t, 5, v.Participation.Households, "derived from the two contracts")
	require.EqualValues(t, 1, v.Participation.NonPoor)
	_, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name})
	failure(t, err, codes.FailedPrecondition, "RULES_NOT_SATISFIED")
	require.ElementsMatch(t, []string{"SUP-CONTENT", "SUP-CO-INVESTMENT", "SUP-MILESTONES"}, rules(err))

	// Officials do not see drafts; the owner fixes the proposal (a stale etag is refused).
	_, err = inv.GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
	failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = owner.UpdateProject(ctx, &supportv1.UpdateProjectRequest{Project: &supportv1.Project{Name: p.Name, Etag: `"99"`, Proposal: proposal(k1, k2)}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"proposal"}}})
	failure(t, err, codes.Aborted, "ETAG_MISMATCH")
	p, err = owner.UpdateProject(ctx, &supportv1.UpdateProjectRequest{Project: &supportv1.Project{Name: p.Name, Etag: p.Etag, Proposal: proposal(k1, k2)}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"proposal"}}})
	require.NoError(t, err)
	require.EqualValues(t, 4900, p.Totals.ProgrammeShareBps)
	p, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name, RequestId: "submit-1"})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_SUBMITTED, p.State)
	require.EqualValues(t, 5, p.Participation.Households)
	require.EqualValues(t, 4, p.Participation.EthnicMinority)
	require.EqualValues(t, 2, p.Participation.WomenHeaded)
	p2, err := owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name, RequestId: "submit-1"})
	require.NoError(t, err, "a retried submit returns the result")
	require.Equal(t, p.Etag, p2.Etag)

	// Appraisal: the investor cannot close it before the council scores; the council scores.
	_, err = inv.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: p.Name})
	failure(t, err, codes.FailedPrecondition, "QUORUM_NOT_MET")
	w.scoreAll(t, p.Name, 80)
	p, err = inv.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: p.Name, Note: "Hội đồng thống nhất"})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_APPRAISED, p.State)
	require.EqualValues(t, 2, p.Appraisal.ScoredBy)
	require.InDelta(t, 80.0, p.Appraisal.AverageScore, 1e-9) // 24+20+16+12+8
	p, err = inv.ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: p.Name, DecisionReference: "QĐ 123/QĐ-UBND"})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_APPROVED, p.State)
	require.EqualValues(t, 490_000_000, p.ApprovedProgrammeVnd)
	require.EqualValues(t, 196_000_000, p.Milestones[0].AmountVnd)
	require.EqualValues(t, 294_000_000, p.Milestones[1].AmountVnd)
	c, err := inv.GetCall(ctx, &supportv1.GetCallRequest{Name: call.Name})
	require.NoError(t, err)
	require.EqualValues(t, 490_000_000, c.CommittedVnd, "the approved funding is reserved on the call")

	p, err = owner.StartProject(ctx, &supportv1.StartProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS, p.State)
	m1, m2 := p.Name+"/milestones/m1", p.Name+"/milestones/m2"

	// Nothing delivered yet: the indicators say so, with the figures.
	ev, err := owner.EvaluateMilestone(ctx, &supportv1.EvaluateMilestoneRequest{Name: m1})
	require.NoError(t, err)
	require.False(t, ev.Met)
	require.EqualValues(t, 0, ev.Indicators[0].Actual)
	require.EqualValues(t, 2, ev.Indicators[1].Actual, "both contracts are witnessed")
	_, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1})
	failure(t, err, codes.FailedPrecondition, "INDICATORS_NOT_MET")

	// Deliveries under contract 1: 3,000 of 5,000 kg accepted.
	for _, h := range w.poor {
		w.deliver(t, k1, h, 1000)
	}
	ev, err = inv.EvaluateMilestone(ctx, &supportv1.EvaluateMilestoneRequest{Name: m1})
	require.NoError(t, err)
	require.True(t, ev.Met)
	require.EqualValues(t, 6000, ev.Indicators[0].Actual)
	require.Contains(t, ev.Indicators[0].Explanation, "3000 of 5000")
	require.EqualValues(t, 0, ev.Limits.PayableVnd, "no spending reported yet")
	require.Equal(t, "SPENDING_SHARE", ev.Limits.BlockedBy)
	_, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1})
	failure(t, err, codes.FailedPrecondition, "EXCEEDS_SPENDING_SHARE")

	// The owner reports VND 420 million spent: 49% is 205.8 million, enough for m1's 196.
	w.spend(t, p.Name, map[supportv1.SupportCategory]int64{supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE: 400_000_000, supportv1.SupportCategory_SUPPORT_CATEGORY_CONSULTING: 20_000_000})
	_, err = w.support(t, w.admin).VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	d, err := inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1, PaymentReference: "KBNN-2026-001", RequestId: "verify-m1"})
	require.NoError(t, err)
	require.EqualValues(t, 196_000_000, d.AmountVnd, "exactly the milestone's share")
	require.EqualValues(t, 205_800_000, d.Limits.SpendingShareCapVnd)
	require.Equal(t, m1, d.Milestone)
	d2, err := inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1, PaymentReference: "KBNN-2026-001", RequestId: "verify-m1"})
	require.NoError(t, err)
	require.Equal(t, d.Name, d2.Name, "a retried verification returns the first disbursement")
	_, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1, RequestId: "verify-m1-again"})
	failure(t, err, codes.FailedPrecondition, "MILESTONE_ALREADY_DISBURSED")

	// Milestone 2: households paid in full, training held; evidence must be confirmed.
	w.payInFull(t, k1)
	_, err = owner.CreateActivity(ctx, &supportv1.CreateActivityRequest{Parent: p.Name, Activity: &supportv1.Activity{
		Kind: supportv1.ActivityKind_ACTIVITY_KIND_TRAINING, Milestone: "m2", ActivityDate: day(-1), Attendance: 24, WomenAttendance: 13,
		Description: "Tập huấn quy trình quế hữu cơ", DocumentReference: "Danh sách điểm danh 01"}})
	require.NoError(t, err)
	ev, err = inv.EvaluateMilestone(ctx, &supportv1.EvaluateMilestoneRequest{Name: m2})
	require.NoError(t, err)
	require.True(t, ev.Met, "%v", ev.Indicators)
	require.EqualValues(t, 3, ev.Indicators[0].Actual)
	require.EqualValues(t, 3*1000*40000, ev.Indicators[1].Actual, "paid to the three poor households")
	require.True(t, ev.Indicators[2].RequiresConfirmation)
	_, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m2})
	failure(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
	require.Equal(t, []string{"EVIDENCE_NOT_CONFIRMED"}, rules(err))

	// Beyond 49% of the actual spend: refused, nothing written.
	_, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m2, EvidenceConfirmed: true})
	failure(t, err, codes.FailedPrecondition, "EXCEEDS_SPENDING_SHARE")
	p, err = owner.GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.EqualValues(t, 196_000_000, p.DisbursedVnd)

	w.spend(t, p.Name, map[supportv1.SupportCategory]int64{
		supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE: 200_000_000, supportv1.SupportCategory_SUPPORT_CATEGORY_CONSULTING: 20_000_000,
		supportv1.SupportCategory_SUPPORT_CATEGORY_SEEDS_INPUTS: 300_000_000, supportv1.SupportCategory_SUPPORT_CATEGORY_TRAINING: 60_000_000})
	d, err = inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m2, EvidenceConfirmed: true, PaymentReference: "KBNN-2026-002"})
	require.NoError(t, err)
	require.EqualValues(t, 294_000_000, d.AmountVnd)
	p, err = inv.CompleteProject(ctx, &supportv1.CompleteProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_COMPLETED, p.State)
	require.EqualValues(t, 490_000_000, p.DisbursedVnd)
	require.EqualValues(t, 1_000_000_000, p.EligibleSpendingVnd)

	ds, err := owner.ListDisbursements(ctx, &supportv1.ListDisbursementsRequest{Parent: p.Name, PageSize: 1})
	require.NoError(t, err)
	require.Len(t, ds.Disbursements, 1)
	ds2, err := owner.ListDisbursements(ctx, &supportv1.ListDisbursementsRequest{Parent: p.Name, PageSize: 1, PageToken: ds.NextPageToken})
	require.NoError(t, err)
	require.Len(t, ds2.Disbursements, 1)
	require.Empty(t, ds2.NextPageToken)

	// Reports.
	r, err := inv.GetCallReport(ctx, &supportv1.GetCallReportRequest{Name: call.Name + "/report"})
	require.NoError(t, err)
	require.EqualValues(t, 2_000_000_000, r.BudgetVnd)
	require.EqualValues(t, 490_000_000, r.CommittedVnd)
	require.EqualValues(t, 490_000_000, r.DisbursedVnd)
	require.EqualValues(t, 5, r.HouseholdsReached.Households)
	require.EqualValues(t, 6000, r.PoorShareBps)
	require.EqualValues(t, 2000, r.NearPoorShareBps)
	require.EqualValues(t, 8000, r.EthnicMinorityShareBps)
	require.EqualValues(t, 4000, r.WomenHeadedShareBps)
	require.EqualValues(t, 2, r.MilestonesMetOnTime)
	pr, err := inv.GetProgrammeReport(ctx, &supportv1.GetProgrammeReportRequest{Name: "programmes/ntp-sedema/report"})
	require.NoError(t, err)
	require.EqualValues(t, 1, pr.Calls)
	require.EqualValues(t, 490_000_000, pr.DisbursedVnd)

	// The audit chains verify.
	evs, err := owner.ListProjectEvents(ctx, &supportv1.ListProjectEventsRequest{Parent: p.Name, PageSize: 500})
	require.NoError(t, err)
	types := []string{}
	for _, e := range evs.Events {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"project.created", "project.updated", "project.submitted", "project.scored", "project.scored", "project.appraised",
		"project.approved", "project.started", "spending.reported", "milestone.disbursed", "activity.recorded", "spending.reported",
		"milestone.disbursed", "project.completed"}, types)
	require.Nil(t, auditlog.Verify(toChain(evs.Events, p.Name)))
	tampered := toChain(evs.Events, p.Name)
	tampered[9].Payload = `{"amount_vnd":296000000}`
	require.NotNil(t, auditlog.Verify(tampered), "an altered disbursement breaks the chain")
	cevs, err := inv.ListCallEvents(ctx, &supportv1.ListCallEventsRequest{Parent: call.Name})
	require.NoError(t, err)
	require.Nil(t, auditlog.Verify(toChain(cevs.Events, call.Name)))
	require.Equal(t, "call.funding_reserved", cevs.Events[len(cevs.Events)-1].Type)
}
