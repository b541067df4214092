package domain

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

var now = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)

// TestTransitionTable: every action in every state, against the lifecycle written out by hand.
func TestTransitionTable(t *testing.T) {
	want := map[string]string{ // "action/from" → to; anything absent is refused
		ActionUpdate + "/DRAFT":                StateDraft,
		ActionSubmit + "/DRAFT":                StateSubmitted,
		ActionScore + "/SUBMITTED":             StateSubmitted,
		ActionAppraise + "/SUBMITTED":          StateAppraised,
		ActionApprove + "/APPRAISED":           StateApproved,
		ActionReject + "/APPRAISED":            StateRejected,
		ActionStart + "/APPROVED":              StateInProgress,
		ActionAmend + "/APPROVED":              StateApproved,
		ActionAmend + "/IN_PROGRESS":           StateInProgress,
		ActionDecideAmendment + "/APPROVED":    StateApproved,
		ActionDecideAmendment + "/IN_PROGRESS": StateInProgress,
		ActionComplete + "/IN_PROGRESS":        StateCompleted,
		ActionClose + "/APPROVED":              StateClosed,
		ActionClose + "/IN_PROGRESS":           StateClosed,
		ActionReport + "/IN_PROGRESS":          StateInProgress,
		ActionVerify + "/IN_PROGRESS":          StateInProgress,
	}
	n := 0
	for _, a := range Actions {
		for _, s := range ProjectStates {
			to, err := Next(s, a)
			if exp, ok := want[a+"/"+s]; ok {
				require.NoError(t, err, "%s in %s", a, s)
				require.Equal(t, exp, to, "%s in %s", a, s)
				n++
				continue
			}
			require.Equal(t, codes.FailedPrecondition, status.Code(err), "%s in %s must be refused", a, s)
			require.Equal(t, "INVALID_STATE", apierr.Reason(err))
		}
	}
	require.Equal(t, len(want), n)
	for _, s := range []string{StateRejected, StateCompleted, StateClosed} {
		for _, a := range Actions {
			_, err := Next(s, a)
			require.Error(t, err, "%s is final: %s must be refused", s, a)
		}
	}
}

func approved(t *testing.T) *Project {
	t.Helper()
	p := &Project{ID: "p1", State: StateDraft, Proposal: baseProposal()}
	require.NoError(t, p.Submit(nil, baseFacts().Participants, "v"))
	spec := books(t).Appraisal("ntp-sedema")
	for _, m := range []string{"users/a", "users/b"} {
		require.NoError(t, p.AddScore(Score{Member: m, Criteria: []CriterionScore{{Criterion: "feasibility", Score: 25}, {Criterion: "linkage", Score: 20}, {Criterion: "inclusion", Score: 15}, {Criterion: "capacity", Score: 10}, {Criterion: "sustainability", Score: 5}}}))
	}
	require.NoError(t, p.Appraise(spec, []string{"users/a", "users/b", "users/c"}, "users/o", "", now))
	require.NoError(t, p.Approve(0, Decision{Reference: "QĐ 1", Official: "users/o", Time: now}))
	return p
}

func reasonOf(t *testing.T, err error, code codes.Code) string {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
	return apierr.Reason(err)
}

func TestSubmitNeedsEveryRule(t *testing.T) {
	p := &Project{State: StateDraft, Proposal: baseProposal()}
	err := p.Submit([]Violation{{RuleID: RuleCoInvestment, Field: "proposal.budget_lines", MessageEN: "x"}}, nil, "v")
	require.Equal(t, "RULES_NOT_SATISFIED", reasonOf(t, err, codes.FailedPrecondition))
	require.Equal(t, RuleCoInvestment, apierr.FieldViolations(err)[0].Reason)
	require.Equal(t, StateDraft, p.State)
	require.NoError(t, p.Submit(nil, baseFacts().Participants, "v"))
	require.Equal(t, StateSubmitted, p.State)
	require.Len(t, p.Participants, 5)
}

func TestScoresAndAppraisal(t *testing.T) {
	spec := books(t).Appraisal("ntp-sedema")
	p := &Project{State: StateSubmitted, Proposal: baseProposal()}
	score := func(m string, s int32) {
		require.NoError(t, p.AddScore(Score{Member: m, Criteria: []CriterionScore{{Criterion: "feasibility", Score: s}}}))
	}
	score("users/a", 10)
	score("users/a", 30) // replaces the earlier score
	require.Len(t, p.Scores, 1)
	require.Equal(t, int32(30), p.Scores[0].Total)
	// Quorum 50% of a council of four: two members.
	err := p.Appraise(spec, []string{"users/a", "users/b", "users/c", "users/d"}, "users/o", "", now)
	require.Equal(t, "QUORUM_NOT_MET", reasonOf(t, err, codes.FailedPrecondition))
	score("users/x", 30) // not (any more) on the council: does not count
	require.Equal(t, "QUORUM_NOT_MET", reasonOf(t, p.Appraise(spec, []string{"users/a", "users/b", "users/c", "users/d"}, "users/o", "", now), codes.FailedPrecondition))
	score("users/b", 80)
	require.NoError(t, p.Appraise(spec, []string{"users/a", "users/b", "users/c", "users/d"}, "users/o", "ok", now))
	require.Equal(t, StateAppraised, p.State)
	require.Equal(t, int32(2), p.Appraisal.ScoredBy)
	require.InDelta(t, 55.0, p.Appraisal.Average(), 1e-9)
	require.True(t, p.Appraisal.Passes())
	require.Equal(t, "INVALID_STATE", reasonOf(t, p.AddScore(Score{Member: "users/c"}), codes.FailedPrecondition))
}

func TestApproveBelowPassMark(t *testing.T) {
	p := &Project{State: StateAppraised, Proposal: baseProposal(), Appraisal: &Appraisal{ScoredBy: 2, TotalSum: 99, MinPassScore: 50}}
	require.Equal(t, "APPRAISAL_BELOW_PASS", reasonOf(t, p.Approve(0, Decision{}), codes.FailedPrecondition))
	p.Appraisal.TotalSum = 100 // average exactly 50
	require.Equal(t, "CEILING_EXCEEDED", reasonOf(t, p.Approve(400_000_000, Decision{}), codes.FailedPrecondition))
	require.NoError(t, p.Approve(500_000_000, Decision{Official: "users/o"}))
	require.Equal(t, StateApproved, p.State)
	require.Equal(t, []MilestoneStatus{{ID: "m1", AmountVND: 196_000_000, State: MilestonePending}, {ID: "m2", AmountVND: 294_000_000, State: MilestonePending}}, p.Milestones)
	require.Equal(t, int64(500_000_000), p.CeilingVND)
	require.True(t, p.Decision.Approved)
}

func TestReject(t *testing.T) {
	p := &Project{State: StateAppraised}
	require.NoError(t, p.Reject(Decision{Reason: "Không khả thi", Official: "users/o"}))
	require.Equal(t, StateRejected, p.State)
	require.Equal(t, "Không khả thi", p.StateReason)
	require.False(t, p.Decision.Approved)
}

func spend(t *testing.T, p *Project, amounts map[string]int64) {
	t.Helper()
	var lines []SpendingLine
	for _, c := range Categories {
		if a, ok := amounts[c]; ok {
			lines = append(lines, SpendingLine{Category: c, AmountVND: a})
		}
	}
	require.NoError(t, p.AddSpending(SpendingReport{ID: fmt.Sprint(len(p.Spending)), Lines: lines}))
}

func met(kinds ...string) []IndicatorResult {
	var out []IndicatorResult
	for _, k := range kinds {
		out = append(out, IndicatorResult{Kind: k, Target: 1, Actual: 1, Met: true, RequiresConfirmation: k == IndicatorTrainingAttendance})
	}
	return out
}

func TestDisburse(t *testing.T) {
	p := approved(t)
	_, err := p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.Equal(t, "INVALID_STATE", reasonOf(t, err, codes.FailedPrecondition), "not started")
	require.NoError(t, p.Start())

	_, err = p.Disburse("m9", "d1", nil, VerifyInput{}, "users/o", now)
	require.Equal(t, "RESOURCE_NOT_FOUND", reasonOf(t, err, codes.NotFound))

	notMet := []IndicatorResult{{Kind: IndicatorDeliveredShare, Target: 5000, Actual: 4999, Explanation: "x"}}
	_, err = p.Disburse("m1", "d1", notMet, VerifyInput{}, "users/o", now)
	require.Equal(t, "INDICATORS_NOT_MET", reasonOf(t, err, codes.FailedPrecondition))

	// Nothing spent yet: 49% of 0 is 0.
	_, err = p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.Equal(t, "EXCEEDS_SPENDING_SHARE", reasonOf(t, err, codes.FailedPrecondition))

	// VND 399,999,999 eligible: 49% is 195,999,999 < 196,000,000.
	spend(t, p, map[string]int64{CategoryMachinery: 399_999_999})
	_, err = p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.Equal(t, "EXCEEDS_SPENDING_SHARE", reasonOf(t, err, codes.FailedPrecondition))
	spend(t, p, map[string]int64{CategoryConsulting: 1})
	d, err := p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{PaymentReference: "KBNN-1"}, "users/o", now)
	require.NoError(t, err)
	require.Equal(t, int64(196_000_000), d.AmountVND, "exactly the milestone's share")
	require.Equal(t, int64(196_000_000), d.Limits.SpendingShareCapVND)
	require.Equal(t, int64(196_000_000), p.DisbursedVND)
	require.Equal(t, MilestoneDisbursed, p.Status("m1").State)

	_, err = p.Disburse("m1", "d2", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.Equal(t, "MILESTONE_ALREADY_DISBURSED", reasonOf(t, err, codes.FailedPrecondition), "a milestone pays once")

	_, err = p.Disburse("m2", "d2", met(IndicatorTrainingAttendance), VerifyInput{}, "users/o", now)
	require.Equal(t, "INVALID_ARGUMENT", reasonOf(t, err, codes.InvalidArgument))
	require.Equal(t, "evidence_confirmed", apierr.FieldViolations(err)[0].Field)
	require.Equal(t, "EVIDENCE_NOT_CONFIRMED", apierr.FieldViolations(err)[0].Reason)

	// Spending beyond a line's budget does not count: machinery is budgeted at 600 million.
	spend(t, p, map[string]int64{CategoryMachinery: 5_000_000_000})
	_, err = p.Disburse("m2", "d2", met(IndicatorTrainingAttendance), VerifyInput{EvidenceConfirmed: true}, "users/o", now)
	require.Equal(t, "EXCEEDS_SPENDING_SHARE", reasonOf(t, err, codes.FailedPrecondition))
	l := p.LimitsFor("m2")
	require.Equal(t, int64(600_000_001), l.EligibleSpendingVND)
	spend(t, p, map[string]int64{CategoryConsulting: 40_000_000, CategorySeedsInputs: 300_000_000, CategoryTraining: 60_000_000})
	d, err = p.Disburse("m2", "d2", met(IndicatorTrainingAttendance), VerifyInput{EvidenceConfirmed: true}, "users/o", now)
	require.NoError(t, err)
	require.Equal(t, int64(294_000_000), d.AmountVND)
	require.Equal(t, int64(490_000_000), p.DisbursedVND, "all of the approved funding, and not a dong more")
	require.NoError(t, p.Complete())
	require.Equal(t, StateCompleted, p.State)
	require.Equal(t, int64(490_000_000), p.Committed())
}

func TestCeilingBlocksDisbursement(t *testing.T) {
	p := approved(t)
	require.NoError(t, p.Start())
	p.CeilingVND = 300_000_000 // e.g. a ceiling lowered by an amendment of the programme
	spend(t, p, map[string]int64{CategoryConsulting: 40_000_000, CategoryMachinery: 600_000_000, CategorySeedsInputs: 300_000_000, CategoryTraining: 60_000_000})
	_, err := p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.NoError(t, err)
	_, err = p.Disburse("m2", "d2", met(IndicatorHouseholdsPaid), VerifyInput{}, "users/o", now)
	require.Equal(t, "EXCEEDS_CEILING", reasonOf(t, err, codes.FailedPrecondition))
	// The spending share is at most the approved funding whenever the approved total is the
	// budget's; the programme-share limit still holds on its own (defence in depth).
	p.ApprovedProgrammeVND, p.ApprovedTotalVND = 400_000_000, 800_000_000
	_, err = p.Disburse("m2", "d2", met(IndicatorHouseholdsPaid), VerifyInput{}, "users/o", now)
	require.Equal(t, "EXCEEDS_PROGRAMME_SHARE", reasonOf(t, err, codes.FailedPrecondition))
}

func TestAmendments(t *testing.T) {
	p := approved(t)
	require.NoError(t, p.Start())
	spend(t, p, map[string]int64{CategoryMachinery: 600_000_000})
	_, err := p.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
	require.NoError(t, err)

	np := baseProposal()
	np.Type = TypeLivelihood
	require.Equal(t, "TYPE_IMMUTABLE", reasonOf(t, p.ProposeAmendment(np, "x", "users/c", now), codes.FailedPrecondition))
	np = baseProposal()
	np.Milestones[0].ReleaseShareBps, np.Milestones[1].ReleaseShareBps = 3000, 7000
	require.Equal(t, "MILESTONE_DISBURSED", reasonOf(t, p.ProposeAmendment(np, "x", "users/c", now), codes.FailedPrecondition))
	np = baseProposal()
	np.BudgetLines = []BudgetLine{{Category: CategoryTraining, ProgrammeVND: 100_000_000, OwnerCashVND: 200_000_000}}
	require.Equal(t, "BELOW_DISBURSED", reasonOf(t, p.ProposeAmendment(np, "x", "users/c", now), codes.FailedPrecondition))

	// Less machinery: the programme funding drops to 460 million; m2 gets what m1 did not take.
	np = baseProposal()
	np.BudgetLines[1].ProgrammeVND, np.BudgetLines[1].OwnerCashVND = 150_000_000, 350_000_000
	require.NoError(t, p.ProposeAmendment(np, "Giảm máy móc", "users/c", now))
	require.Equal(t, "AMENDMENT_PENDING", reasonOf(t, p.ProposeAmendment(np, "again", "users/c", now), codes.FailedPrecondition))
	_, err = p.ApproveAmendment([]Violation{{RuleID: RuleBudget}}, nil, "v2", 0)
	require.Equal(t, "RULES_NOT_SATISFIED", reasonOf(t, err, codes.FailedPrecondition))
	a, err := p.ApproveAmendment(nil, baseFacts().Participants, "v2", 0)
	require.NoError(t, err)
	require.Equal(t, int32(1), a.Number)
	require.Equal(t, int64(460_000_000), p.ApprovedProgrammeVND)
	require.Equal(t, []MilestoneStatus{{ID: "m1", AmountVND: 196_000_000, State: MilestoneDisbursed, Disbursement: "d1"}, {ID: "m2", AmountVND: 264_000_000, State: MilestonePending}}, p.Milestones)
	require.Nil(t, p.PendingAmendment)
	require.Equal(t, int32(1), p.AmendmentCount)

	_, err = p.RejectAmendment()
	require.Equal(t, "NO_AMENDMENT_PENDING", reasonOf(t, err, codes.FailedPrecondition))
	require.NoError(t, p.ProposeAmendment(np, "again", "users/c", now))
	_, err = p.RejectAmendment()
	require.NoError(t, err)
	require.Nil(t, p.PendingAmendment)

	require.Equal(t, "MILESTONES_OUTSTANDING", reasonOf(t, p.Complete(), codes.FailedPrecondition))
	require.NoError(t, p.Close("Chủ trì dừng dự án"))
	require.Equal(t, StateClosed, p.State)
	require.Equal(t, int64(196_000_000), p.Committed(), "closing releases what was not disbursed")
}

func TestReportingBounds(t *testing.T) {
	p := approved(t)
	require.Equal(t, "INVALID_STATE", reasonOf(t, p.AddSpending(SpendingReport{}), codes.FailedPrecondition))
	require.NoError(t, p.Start())
	for i := 0; i < MaxActivities; i++ {
		require.NoError(t, p.AddActivity(Activity{ID: fmt.Sprint(i)}))
	}
	require.Equal(t, "TOO_MANY", reasonOf(t, p.AddActivity(Activity{}), codes.FailedPrecondition))
}

func TestAmendmentNeedsAMilestoneForNewFunding(t *testing.T) {
	p := approved(t)
	require.NoError(t, p.Start())
	spend(t, p, map[string]int64{CategoryConsulting: 40_000_000, CategoryMachinery: 600_000_000, CategorySeedsInputs: 300_000_000, CategoryTraining: 60_000_000})
	for _, m := range []string{"m1", "m2"} {
		_, err := p.Disburse(m, "d-"+m, met(IndicatorDeliveredShare), VerifyInput{}, "users/o", now)
		require.NoError(t, err)
	}
	np := baseProposal()
	np.BudgetLines[0].ProgrammeVND++
	require.Equal(t, "FUNDING_WITHOUT_MILESTONE", reasonOf(t, p.ProposeAmendment(np, "more", "users/c", now), codes.FailedPrecondition))
}
